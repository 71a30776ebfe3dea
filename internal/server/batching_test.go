package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/server"
)

// countingStore counts the calls of each store method.
type countingStore struct {
	kg.Store
	mu    sync.Mutex
	calls map[string]int // guarded by mu
}

func newCountingStore(s kg.Store) *countingStore {
	return &countingStore{Store: s, calls: map[string]int{}}
}

func (c *countingStore) count(method string) {
	c.mu.Lock()
	c.calls[method]++
	c.mu.Unlock()
}

// snapshot returns the counts so far and resets them.
func (c *countingStore) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = map[string]int{}
	return out
}

func (c *countingStore) Node(ctx context.Context, id string) (*kg.Node, error) {
	c.count("Node")
	return c.Store.Node(ctx, id)
}

func (c *countingStore) Nodes(ctx context.Context, ids []string) ([]*kg.Node, error) {
	c.count("Nodes")
	return c.Store.Nodes(ctx, ids)
}

func (c *countingStore) List(ctx context.Context, f kg.Filter) ([]*kg.Node, error) {
	c.count("List")
	return c.Store.List(ctx, f)
}

func (c *countingStore) Adjacent(ctx context.Context, ids []string, dir kg.Direction, types []kg.RelType) (map[string][]kg.Edge, error) {
	c.count("Adjacent")
	return c.Store.Adjacent(ctx, ids, dir, types)
}

func (c *countingStore) Expand(ctx context.Context, ids []string, plan kg.Plan) (*kg.Expansion, error) {
	c.count("Expand")
	return c.Store.Expand(ctx, ids, plan)
}

// chainGraph has n failure modes; failure mode i is mitigated by mitigations i and i+1, and
// mitigation i cites references i and i+1.
func chainGraph(tb testing.TB, n int) *memstore.Store {
	tb.Helper()
	g := &kg.Graph{}
	for i := 0; i <= n; i++ {
		if i < n {
			g.Nodes = append(g.Nodes, &kg.Node{ID: fmt.Sprintf("fm-%04d", i), Kind: kg.KindFailureMode, Name: "FM", Number: i + 1, Intent: kg.Intentional})
		}
		g.Nodes = append(g.Nodes,
			&kg.Node{ID: fmt.Sprintf("m-%04d", i), Kind: kg.KindMitigation, Name: "M"},
			&kg.Node{ID: fmt.Sprintf("r-%04d", i), Kind: kg.KindReference, Name: "R", Year: 2020},
		)
	}
	g.Nodes = append(g.Nodes, &kg.Node{ID: fmt.Sprintf("r-%04d", n+1), Kind: kg.KindReference, Name: "R", Year: 2020})
	for i := 0; i <= n; i++ {
		if i < n {
			for _, m := range []int{i, i + 1} {
				g.Edges = append(g.Edges, kg.Edge{Type: kg.RelMitigates, Source: fmt.Sprintf("m-%04d", m), Target: fmt.Sprintf("fm-%04d", i)})
			}
		}
		for _, r := range []int{i, i + 1} {
			g.Edges = append(g.Edges, kg.Edge{Type: kg.RelCites, Source: fmt.Sprintf("m-%04d", i), Target: fmt.Sprintf("r-%04d", r)})
		}
	}
	s, err := memstore.New(g)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// TestNestedFieldsAreBatched proves there is no N+1: the store calls of a request depend on the
// depth of its selection, not on how many nodes it returns.
func TestNestedFieldsAreBatched(t *testing.T) {
	queries := []struct {
		name  string
		query string
		want  map[string]int
	}{
		{"failure modes → mitigations → references",
			`{ failureModes { id mitigations { id references { id } } } }`,
			// List: the failure modes. Adjacent: MITIGATES into them, then CITES out of the
			// mitigations. Nodes: the mitigations, then the references.
			map[string]int{"List": 1, "Adjacent": 2, "Nodes": 2}},
		{"one level deeper, through edges and the Node interface",
			`{ failureModes { mitigations { mitigationEdges { references { id } } references { citedBy { id } degree } } } }`,
			// Adjacent: MITIGATES in; MITIGATES out (mitigationEdges) and CITES out (references),
			// one call each from one batch; CITES into the references; the references' degrees.
			// Nodes: the mitigations, then the references; the nodes citing the references are the
			// mitigations again, which the request's loader already holds.
			map[string]int{"List": 1, "Adjacent": 5, "Nodes": 2}},
	}
	for _, q := range queries {
		t.Run(q.name, func(t *testing.T) {
			var previous map[string]int
			for _, n := range []int{3, 300} {
				store := newCountingStore(chainGraph(t, n))
				cfg := server.DefaultConfig()
				// The loaders batch what arrives within a time window. A window far longer than
				// the race detector needs to start 300 sibling resolvers on a loaded 2-core CI
				// machine keeps the proof about batching, not about scheduling: with 100 ms it
				// failed about one run in five under -race.
				cfg.BatchWait = time.Second
				ts := newTestServer(t, cfg, store)
				data := ts.mustData(t, q.query, nil)
				got := store.snapshot()
				t.Logf("%d failure modes: store calls %v", n, got)

				var res struct{ FailureModes []json.RawMessage }
				if err := json.Unmarshal(data, &res); err != nil || len(res.FailureModes) != n {
					t.Fatalf("%d failure modes: got %d (%v)", n, len(res.FailureModes), err)
				}
				for method, want := range q.want {
					if got[method] != want {
						t.Errorf("%d failure modes: %d %s calls, want %d", n, got[method], method, want)
					}
				}
				if previous != nil && fmt.Sprint(previous) != fmt.Sprint(got) {
					t.Errorf("store calls grew with the result: %v, then %v", previous, got)
				}
				previous = got
			}
		})
	}
}

// TestBatchedAnswersAreCorrect checks that batching hands every parent its own children.
func TestBatchedAnswersAreCorrect(t *testing.T) {
	cfg := server.DefaultConfig()
	ts := newTestServer(t, cfg, chainGraph(t, 3))
	data := ts.mustData(t, `{ failureModes { id mitigations { id references { id } } } }`, nil)
	assertJSON(t, "chain", data, `{"failureModes": [
		{"id": "fm-0000", "mitigations": [{"id": "m-0000", "references": [{"id": "r-0000"}, {"id": "r-0001"}]},
			{"id": "m-0001", "references": [{"id": "r-0001"}, {"id": "r-0002"}]}]},
		{"id": "fm-0001", "mitigations": [{"id": "m-0001", "references": [{"id": "r-0001"}, {"id": "r-0002"}]},
			{"id": "m-0002", "references": [{"id": "r-0002"}, {"id": "r-0003"}]}]},
		{"id": "fm-0002", "mitigations": [{"id": "m-0002", "references": [{"id": "r-0002"}, {"id": "r-0003"}]},
			{"id": "m-0003", "references": [{"id": "r-0003"}, {"id": "r-0004"}]}]}]}`)
}
