package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/neo4jstore"
	"github.com/failgraph/failgraph/internal/neo4jtest"
	"github.com/failgraph/failgraph/internal/server"
)

// The whole API over a real Neo4j: server.New on a neo4jstore.Store, as serve --store neo4j runs it.

func openNeo4jStore(tb testing.TB, uri string) *neo4jstore.Store {
	tb.Helper()
	s, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: uri, AllowEmpty: true, CheckTimeout: time.Minute})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func loadNeo4j(tb testing.TB, s *neo4jstore.Store, g *kg.Graph) {
	tb.Helper()
	if err := s.Load(context.Background(), g, neo4jstore.LoadOptions{Replace: true}); err != nil {
		tb.Fatal(err)
	}
}

func apiServer(tb testing.TB, cfg server.Config, s kg.Store) *httptest.Server {
	tb.Helper()
	ts := httptest.NewServer(server.New(cfg, s, slog.New(slog.NewTextHandler(io.Discard, nil))))
	tb.Cleanup(ts.Close)
	return ts
}

// gqlResult is a GraphQL response.
type gqlResult struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func postQuery(tb testing.TB, ts *httptest.Server, query string) gqlResult {
	tb.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := http.Post(ts.URL+server.PathGraphQL, "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var r gqlResult
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		tb.Fatalf("status %d: %v", resp.StatusCode, err)
	}
	return r
}

// fanOut is a graph of n failure modes, each answered by 3 mitigations of its own, each citing 2 of
// 50 references: the nested query below touches 1 + 4n + 50 nodes.
func fanOut(n int) *kg.Graph {
	g := &kg.Graph{}
	for r := 0; r < 50; r++ {
		g.Nodes = append(g.Nodes, &kg.Node{ID: fmt.Sprintf("ref-%02d", r), Kind: kg.KindReference, Name: "Reference"})
	}
	for i := 0; i < n; i++ {
		fm := fmt.Sprintf("fm-%04d", i)
		g.Nodes = append(g.Nodes, &kg.Node{ID: fm, Kind: kg.KindFailureMode, Name: "Failure " + fm, Number: i + 1,
			Intent: kg.Intentional, Compromises: []kg.SecurityProperty{kg.Integrity}})
		for j := 0; j < 3; j++ {
			m := fmt.Sprintf("mit-%04d-%d", i, j)
			g.Nodes = append(g.Nodes, &kg.Node{ID: m, Kind: kg.KindMitigation, Name: "Mitigation " + m})
			g.Edges = append(g.Edges, kg.Edge{Type: kg.RelMitigates, Source: m, Target: fm, Strength: "partial", Refs: []string{"ref-00"}})
			for k := 0; k < 2; k++ {
				g.Edges = append(g.Edges, kg.Edge{Type: kg.RelCites, Source: m, Target: fmt.Sprintf("ref-%02d", (i+j+k)%50)})
			}
		}
	}
	return g
}

// TestGraphQLRoundTripsOnNeo4j checks that a nested selection is batched by its shape: the
// statements a request sends to Neo4j are fixed by the query (one, compiled from the list and the
// whole selection below it), not by how many failure modes it lists, and no timer is involved.
func TestGraphQLRoundTripsOnNeo4j(t *testing.T) {
	uri := neo4jtest.URI(t)
	neo4jtest.Lock(t, uri)
	s := openNeo4jStore(t, uri)
	ts := apiServer(t, server.DefaultConfig(), s)
	const query = `{ failureModes { id mitigations { id references { id } } } }`

	trips := map[int]int64{}
	for _, n := range []int{3, 30, 300} {
		loadNeo4j(t, s, fanOut(n))
		before := s.RoundTrips()
		r := postQuery(t, ts, query)
		trips[n] = s.RoundTrips() - before
		if len(r.Errors) > 0 {
			t.Fatalf("%d failure modes: %+v", n, r.Errors)
		}
		var data struct {
			FailureModes []struct {
				Mitigations []struct {
					References []struct{ ID string }
				}
			}
		}
		if err := json.Unmarshal(r.Data, &data); err != nil {
			t.Fatal(err)
		}
		refs := 0
		for _, fm := range data.FailureModes {
			for _, m := range fm.Mitigations {
				refs += len(m.References)
			}
		}
		if len(data.FailureModes) != n || refs != 6*n {
			t.Fatalf("%d failure modes: got %d failure modes and %d references", n, len(data.FailureModes), refs)
		}
		t.Logf("%d failure modes, %d mitigations, %d citations: %d Cypher statements", n, 3*n, refs, trips[n])
	}
	if trips[3] != 1 || trips[30] != 1 || trips[300] != 1 {
		t.Errorf("statements by number of failure modes: %v, want 1 for all", trips)
	}
}

// TestServeStoreNeo4j runs failgraph seed and failgraph serve --store neo4j as a user would, in
// the order that used to fail: serve first, on an empty database, listens and says it is not
// ready and why ("run failgraph seed"); once seeded it becomes ready by itself and serves the
// graph. A database that does not exist stops serve at start, naming the setting.
func TestServeStoreNeo4j(t *testing.T) {
	uri := neo4jtest.URI(t)
	neo4jtest.Lock(t, uri)
	loadNeo4j(t, openNeo4jStore(t, uri), &kg.Graph{}) // an empty database
	env := serveEnv("FAILGRAPH_NEO4J_URI", uri, "FAILGRAPH_SEED_DIR", minimalSeed)
	args := []string{"serve", "--store", "neo4j", "--addr", "127.0.0.1:0"}

	guard, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	err := run(guard, append(args, "--neo4j-database", "nosuchdb"), env, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), `has no database "nosuchdb" (set --neo4j-database or FAILGRAPH_NEO4J_DATABASE)`) {
		t.Fatalf("serve on a missing database: %v, want it to stop naming the database and its setting", err)
	}

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	base, done := startServe(t, ctx, args, env, io.Discard)
	// Until the first check has answered the reason is "not connected yet".
	waitReadiness(t, base, 10*time.Second, func(code int, body readyBody) bool {
		return code == http.StatusServiceUnavailable && strings.Contains(body.Reason, "database is empty: run failgraph seed")
	})
	if err := run(context.Background(), []string{"seed", "--replace"}, env, &out, &errb); err != nil {
		t.Fatalf("seed: %v\n%s", err, errb.String())
	}
	waitReady(t, base, neo4jstore.ConnectBackoffMax+10*time.Second)
	resp, err := http.Post(base+server.PathGraphQL, "application/json",
		strings.NewReader(`{"query": "{ failureMode(id: \"poisoning\") { name mitigations { id } } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"name":"Poisoning attack"`) || !strings.Contains(string(body), `"data-sanitisation"`) {
		t.Errorf("serve --store neo4j answered %s", body)
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
}
