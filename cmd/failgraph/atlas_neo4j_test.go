package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/failgraph/failgraph/internal/atlas/atlastest"
	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/neo4jtest"
	"github.com/failgraph/failgraph/internal/server"
)

// TestSeedAtlasOnNeo4j loads the seed with the ATLAS fixture into Neo4j, refuses a bad ATLAS file
// without touching the database, and serves the ATLAS layer from Neo4j.
func TestSeedAtlasOnNeo4j(t *testing.T) {
	uri := neo4jtest.URI(t)
	neo4jtest.Lock(t, uri)
	env := serveEnv("FAILGRAPH_NEO4J_URI", uri)
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"seed", "--replace", "--atlas", atlastest.Fixture(t)}, env, &out, &errb); err != nil {
		t.Fatalf("seed --atlas: %v\n%s", err, errb.String())
	}
	for _, want := range []string{"AtlasTactic 3", "AtlasTechnique 4", "AtlasMitigation 2", "AtlasCaseStudy 2", "USES 4"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("seed summary lacks %q: %s", want, out.String())
		}
	}
	before, err := openNeo4jStore(t, uri).Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	text, err := os.ReadFile(atlastest.Fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "ATLAS.yaml")
	if err := os.WriteFile(bad, bytes.Replace(text, []byte("version: 5.0.1"), []byte("version: 6.0.0"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	err = run(context.Background(), []string{"seed", "--replace", "--atlas", bad}, env, &out, &errb)
	if err == nil || !strings.Contains(errb.String(), bad+":6: version 6.0.0: only ATLAS 4.x and 5.x") {
		t.Errorf("seed with a bad ATLAS file: %v\n%s", err, errb.String())
	}
	after, err := openNeo4jStore(t, uri).Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if formatStats(after) != formatStats(before) || after.Nodes[kg.KindAtlasTechnique] != 4 {
		t.Errorf("a refused ATLAS file changed the database: %s, was %s", formatStats(after), formatStats(before))
	}

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	base, done := startServe(t, ctx, []string{"serve", "--store", "neo4j", "--addr", "127.0.0.1:0"}, env, io.Discard)
	defer func() { stop(); <-done }()
	waitReady(t, base, 60*time.Second) // serve listens before Neo4j is connected
	resp, err := http.Post(base+server.PathGraphQL, "application/json", strings.NewReader(
		`{"query": "{ atlasRelease atlasObject(atlasId: \"AML.CS0000\") { name } failureMode(id: \"perturbation\") { atlas { techniques { atlasId } } } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `{"data":{"atlasRelease":"5.0.1","atlasObject":{"name":"Fixture Evasion Exercise"},"failureMode":{"atlas":{"techniques":[{"atlasId":"AML.T0015"},{"atlasId":"AML.T0043"},{"atlasId":"AML.T0043.000"}]}}}}`; string(body) != want {
		t.Errorf("serve --store neo4j answered\n%s\nwant\n%s", body, want)
	}
}
