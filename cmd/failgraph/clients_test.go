package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/failgraph/failgraph/internal/server"
)

// clientExample is one query the Node client tests run: every README example, every GraphiQL tab
// (with its variables), and a few queries aimed at what normalised caches get wrong.
type clientExample struct {
	Name      string         `json:"name"`
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
}

// cacheProbes select the same objects in several places and shapes, which is where a cache that
// merges objects by __typename and id shows wrong data: crosswalk entries under every failure mode
// and mitigation (the same ATLAS code with different match values), edges reached from both ends,
// and nodes met again through the Node interface.
var cacheProbes = []clientExample{
	{Name: "crosswalks", Query: `{
  failureModes { id externalIds { framework edition code name url match } }
  mitigations { id externalIds { framework code match } }
}`},
	{Name: "edges from both ends", Query: `{
  mitigations { id mitigationEdges { id type source target strength note } }
  failureModes { id edges(relation: MITIGATES, direction: IN) { id strength note sourceNode { id name } } }
}`},
	{Name: "nodes again through Node", Query: `{
  search(query: "poisoning", first: 10) { edges { score node { id kind name degree ... on FailureMode { number intent } } } }
  nodes(ids: ["poisoning", "backdoor", "adversarial-training"]) { id name degree }
}`},
}

// TestRealClients runs scripts/clients.sh against `failgraph serve` on the shipped seed: Apollo
// Client's InMemoryCache and urql's Graphcache, with default settings, over every example, must
// return exactly what the server sent, and the GraphQL-over-HTTP audit (graphql-http) must report
// no error and no warning. The script installs its pinned npm packages itself; without Node.js the
// test fails.
func TestRealClients(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("the client tests need Node.js 20 or later (node and npm on PATH)")
	}
	var examples []clientExample
	for _, ex := range readmeExamples(t) {
		examples = append(examples, clientExample{Name: "README " + ex.name, Query: ex.query})
	}
	for _, tab := range server.Examples {
		ex := clientExample{Name: "GraphiQL " + tab.Title, Query: tab.Query}
		if tab.Variables != "" {
			if err := json.Unmarshal([]byte(tab.Variables), &ex.Variables); err != nil {
				t.Fatalf("GraphiQL tab %s: variables are not JSON: %v", tab.Title, err)
			}
		}
		examples = append(examples, ex)
	}
	examples = append(examples, cacheProbes...)
	file := filepath.Join(t.TempDir(), "examples.json")
	b, err := json.MarshalIndent(examples, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	base, done := startServe(t, ctx, []string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, serveEnv(), &stderr)

	cmd := exec.CommandContext(ctx, filepath.Join("..", "..", "scripts", "clients.sh"), "test")
	cmd.Env = append(os.Environ(), "FAILGRAPH_URL="+base+server.PathGraphQL, "FAILGRAPH_EXAMPLES="+file)
	out, err := cmd.CombinedOutput()
	t.Logf("scripts/clients.sh:\n%s", out)
	if err != nil {
		t.Fatalf("scripts/clients.sh: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v\n%s", err, stderr.String())
	}
}
