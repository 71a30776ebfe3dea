package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/neo4jstore"
	"github.com/failgraph/failgraph/internal/neo4jtest"
	"github.com/failgraph/failgraph/internal/server"
	"github.com/failgraph/failgraph/seed"
)

// TestEveryTargetReturnsTheSameIDs is the harness's quick check: each question once on each
// target — failgraph on both stores, the @neo4j/graphql peer and the raw-Cypher floor over one
// Neo4j holding the shipped seed, and the bare floor — with the same comparison that guards the
// timed run. It times nothing.
func TestEveryTargetReturnsTheSameIDs(t *testing.T) {
	peerDir := "peer"
	if _, err := os.Stat(filepath.Join(peerDir, "node_modules", "@neo4j", "graphql")); err != nil {
		t.Fatalf("the @neo4j/graphql peer is not installed (%v): run `npm ci` in bench/peer, as scripts/test.sh does", err)
	}
	ctx := context.Background()
	uri := neo4jtest.URI(t)
	neo4jtest.Lock(t, uri)
	g, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	store, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uri, AllowEmpty: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(ctx) })
	if err := store.Load(ctx, g, neo4jstore.LoadOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	mem, err := memstore.New(g)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	serve := func(key string) *target {
		for _, o := range targetOrder {
			if o.Key == key {
				return &target{Key: o.Key, Name: o.Name}
			}
		}
		t.Fatalf("no target %q", key)
		return nil
	}
	memory, onNeo4j := serve("memory"), serve("neo4j")
	memory.Dialect, onNeo4j.Dialect = "failgraph", "failgraph"
	for _, x := range []struct {
		t *target
		h *httptest.Server
	}{{memory, httptest.NewServer(server.New(server.Config{}, mem, quiet))}, {onNeo4j, httptest.NewServer(server.New(server.Config{}, store, quiet))}} {
		x.t.Base = x.h.URL
		t.Cleanup(x.h.Close)
	}
	driver, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { driver.Close(ctx) })
	floor := serve("cypher")
	floor.Dialect = "floor"
	fh := httptest.NewServer(cypherHandler(driver, neo4jstore.DefaultDatabase))
	t.Cleanup(fh.Close)
	floor.Base = fh.URL

	peer := serve("peer")
	peer.Dialect = "peer"
	cmd, base, err := startProcess(ctx, filepath.Join(t.TempDir(), "peer.log"), "node", filepath.Join(peerDir, "server.mjs"), "--neo4j", uri, "--port", "0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopProcess(cmd) })
	peer.Base = base

	targets := []*target{memory, onNeo4j, peer, floor}
	answers, err := check(ctx, targets, questions)
	if err != nil {
		t.Fatal(err)
	}
	bare := serve("bare")
	bare.Dialect = "floor"
	bh := httptest.NewServer(bareHandler(answers))
	t.Cleanup(bh.Close)
	bare.Base = bh.URL
	if _, err := check(ctx, append(targets, bare), questions); err != nil {
		t.Fatal(err)
	}
	// The questions reach into the graph: (b) and (c) are answers of many nodes.
	for _, q := range questions {
		if min := map[string]int{"a": 1, "b": 10, "c": 50}[q.Name]; q.IDsPerReply < min {
			t.Errorf("(%s) answers hold %d ids, want at least %d", q.Name, q.IDsPerReply, min)
		}
	}

	// The check can fail: a floor that answers another failure mode is caught.
	wrong := map[string][]byte{}
	for k, v := range answers {
		wrong[k] = []byte(strings.ReplaceAll(string(v), `"`+FailureModeID+`"`, `"poisoning"`))
	}
	wh := httptest.NewServer(bareHandler(wrong))
	t.Cleanup(wh.Close)
	liar := &target{Key: "bare", Name: "a wrong floor", Dialect: "floor", Base: wh.URL}
	if _, err := check(ctx, []*target{memory, liar}, questions[:1]); err == nil || !strings.Contains(err.Error(), "different ids") {
		t.Errorf("a floor with another id passed the check: %v", err)
	}
}

func TestTree(t *testing.T) {
	for _, c := range []struct {
		name, a, b string
		same       bool
	}{
		{"one object and a list of one compare equal",
			`{"data":{"failureMode":{"id":"x","name":"X","mitigations":[{"id":"m1"},{"id":"m2"}]}}}`,
			`{"data":{"failureModes":[{"id":"x","mitigations":[{"id":"m2"},{"id":"m1"}]}]}}`, true},
		{"nested order does not matter",
			`{"data":{"fs":[{"id":"a","m":[{"id":"1","p":[{"id":"q"},{"id":"r"}]}]},{"id":"b","m":[]}]}}`,
			`{"data":{"fs":[{"id":"b","m":[]},{"id":"a","m":[{"id":"1","p":[{"id":"r"},{"id":"q"}]}]}]}}`, true},
		{"a missing child differs",
			`{"data":{"f":{"id":"x","m":[{"id":"m1"},{"id":"m2"}]}}}`,
			`{"data":{"f":{"id":"x","m":[{"id":"m1"}]}}}`, false},
		{"a child under another parent differs",
			`{"data":{"fs":[{"id":"a","m":[{"id":"1"}]},{"id":"b","m":[]}]}}`,
			`{"data":{"fs":[{"id":"a","m":[]},{"id":"b","m":[{"id":"1"}]}]}}`, false},
	} {
		ta, _, err := Tree([]byte(c.a))
		if err != nil {
			t.Fatal(err)
		}
		tb, _, err := Tree([]byte(c.b))
		if err != nil {
			t.Fatal(err)
		}
		if (ta == tb) != c.same {
			t.Errorf("%s: %s vs %s", c.name, ta, tb)
		}
	}
	for _, bad := range []string{`{"errors":[{"message":"no"}]}`, `{"data":{"f":null}}`, `not json`, `{"data":{}}`} {
		if _, _, err := Tree([]byte(bad)); err == nil {
			t.Errorf("Tree(%s) gave no error", bad)
		}
	}
}
