package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/neo4jtest"
	"github.com/failgraph/failgraph/internal/server"
	"github.com/failgraph/failgraph/seed"
)

// readmeExample is one example query of the README with the output the README shows for it.
type readmeExample struct {
	name, query string
	want        any
}

var exampleRE = regexp.MustCompile("(?s)<!-- example: ([a-z-]+) -->\\s*```graphql\\n(.*?)```\\s*```json\\n(.*?)```")

func readmeExamples(tb testing.TB) []readmeExample {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		tb.Fatal(err)
	}
	var out []readmeExample
	for _, m := range exampleRE.FindAllStringSubmatch(string(b), -1) {
		var want any
		if err := json.Unmarshal([]byte(m[3]), &want); err != nil {
			tb.Fatalf("README example %s: its output is not JSON: %v", m[1], err)
		}
		out = append(out, readmeExample{name: m[1], query: m[2], want: want})
	}
	if len(out) < 6 {
		tb.Fatalf("found %d README examples, want one per audience (6)", len(out))
	}
	return out
}

// checkReadme runs every README example against a store through the real HTTP handler and fails
// where the answer differs from what the README shows.
func checkReadme(t *testing.T, s kg.Store) {
	t.Helper()
	ts := apiServer(t, server.DefaultConfig(), s)
	for _, ex := range readmeExamples(t) {
		t.Run(ex.name, func(t *testing.T) {
			r := postQuery(t, ts, ex.query)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %+v", r.Errors)
			}
			var got any
			if err := json.Unmarshal([]byte(`{"data":`+string(r.Data)+`}`), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, ex.want) {
				g, _ := json.MarshalIndent(got, "", " ")
				t.Errorf("the README shows another answer for example %q; the server now answers:\n%s", ex.name, g)
			}
		})
	}
}

func TestReadmeExamplesEmbedded(t *testing.T) {
	g, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	s, err := memstore.New(g)
	if err != nil {
		t.Fatal(err)
	}
	checkReadme(t, s)
}

// TestReadmeExamplesNeo4j: after loading the seed, Neo4j answers the README's examples exactly as
// the embedded store does.
func TestReadmeExamplesNeo4j(t *testing.T) {
	uri := neo4jtest.URI(t)
	neo4jtest.Lock(t, uri)
	g, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	s := openNeo4jStore(t, uri)
	loadNeo4j(t, s, g)
	checkReadme(t, s)
}
