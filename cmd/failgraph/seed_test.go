package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/neo4jtest"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestSeedCommand(t *testing.T) {
	uri := neo4jtest.URI(t)
	neo4jtest.Lock(t, uri)
	env := envOf(map[string]string{"FAILGRAPH_NEO4J_URI": uri})
	seedRun := func(t *testing.T, args ...string) (string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		if err := run(context.Background(), append([]string{"seed"}, args...), env, &out, &errb); err != nil {
			t.Fatalf("failgraph seed %s: %v\nstderr:\n%s", strings.Join(args, " "), err, errb.String())
		}
		return out.String(), errb.String()
	}
	holds := regexp.MustCompile(`the database holds (\d+) nodes .*, (\d+) relationships`)
	counts := func(t *testing.T, out string) string {
		t.Helper()
		m := holds.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no summary in stdout %q", out)
		}
		return m[1] + "/" + m[2]
	}

	loadNeo4j(t, openNeo4jStore(t, uri), &kg.Graph{}) // an empty database, whatever ran before
	minimal := filepath.Join("..", "..", "seed", "testdata", "minimal")
	out, errOut := seedRun(t, "--replace", "--seed-dir", minimal)
	if got := counts(t, out); got != "10/23" {
		t.Errorf("minimal seed: the database holds %s nodes/relationships, want 10/23", got)
	}
	for _, want := range []string{"nodes 10/10\n", "relationships 23/23\n"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks progress line %q:\n%s", want, errOut)
		}
	}

	// The embedded seed, replacing, in small batches: progress is reported batch by batch.
	out, errOut = seedRun(t, "--replace", "--batch", "100")
	full := counts(t, out)
	if n := strings.Count(errOut, "\nrelationships "); n < 10 {
		t.Errorf("%d progress lines for 913 relationships in batches of 100, want at least 10:\n%s", n, errOut)
	}
	// Seeding again without --replace changes nothing: the database already holds this seed.
	out, errOut = seedRun(t)
	if again := counts(t, out); again != full {
		t.Errorf("a second seed: %s nodes/relationships, want %s as after the first", again, full)
	}
	if !strings.HasPrefix(out, "already loaded: ") || strings.Contains(errOut, "\nnodes ") {
		t.Errorf("a second seed printed %q and %q, want already loaded and no load", out, errOut)
	}
}

func TestSeedSettings(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{"batch flag", []string{"--batch", "0"}, nil, "--batch"},
		{"batch env", nil, map[string]string{"FAILGRAPH_SEED_BATCH": "many"}, "FAILGRAPH_SEED_BATCH"},
		{"replace env", nil, map[string]string{"FAILGRAPH_SEED_REPLACE": "sometimes"}, "FAILGRAPH_SEED_REPLACE"},
		{"uri env", nil, map[string]string{"FAILGRAPH_NEO4J_URI": "http://127.0.0.1:7474"}, "FAILGRAPH_NEO4J_URI"},
		{"uri flag wins", []string{"--neo4j-uri", "localhost"}, map[string]string{"FAILGRAPH_NEO4J_URI": "bolt://127.0.0.1:7687"}, "--neo4j-uri"},
		{"credentials in uri", []string{"--neo4j-uri", "bolt://neo4j:secret@127.0.0.1:7687"}, nil, "no credentials in the URI"},
		{"password without user", nil, map[string]string{"FAILGRAPH_NEO4J_PASSWORD": "x"}, "FAILGRAPH_NEO4J_USER"},
		{"empty database name", []string{"--neo4j-database="}, nil, "--neo4j-database"},
		{"connect timeout flag", []string{"--neo4j-connect-timeout", "soon"}, nil, "--neo4j-connect-timeout"},
		{"acquire timeout env", nil, map[string]string{"FAILGRAPH_NEO4J_ACQUIRE_TIMEOUT": "0s"}, "FAILGRAPH_NEO4J_ACQUIRE_TIMEOUT"},
		{"query timeout flag", []string{"--neo4j-query-timeout", "-1s"}, nil, "--neo4j-query-timeout"},
		{"max connections env", nil, map[string]string{"FAILGRAPH_NEO4J_MAX_CONNECTIONS": "0"}, "FAILGRAPH_NEO4J_MAX_CONNECTIONS"},
		{"unreachable", []string{"--neo4j-uri", "bolt://127.0.0.1:1"}, nil, "unreachable"},
		{"broken seed dir", []string{"--seed-dir", "no-such-dir"}, nil, "problem"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), append([]string{"seed"}, c.args...), envOf(c.env), &out, &errb)
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("err = %v, want one naming %q", err, c.wantErr)
			}
		})
	}
}
