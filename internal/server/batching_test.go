package server_test

import (
	"context"
	"fmt"
	"strings"
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

func (c *countingStore) ListExpand(ctx context.Context, f kg.Filter, plan kg.Plan) ([]*kg.Node, *kg.Expansion, error) {
	c.count("ListExpand")
	return c.Store.ListExpand(ctx, f, plan)
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

// TestNestedFieldsAreBatched proves there is no N+1 and no timer: the store calls of a request are
// fixed by the shape of its selection, not by how many nodes it returns.
func TestNestedFieldsAreBatched(t *testing.T) {
	queries := []struct {
		name  string
		query string
		want  map[string]int
	}{
		{"failure modes → mitigations → references",
			`{ failureModes { id mitigations { id references { id } } } }`,
			// The failure modes and the whole selection below them.
			map[string]int{"ListExpand": 1}},
		{"one level deeper, through edges and the Node interface",
			`{ failureModes { mitigations { mitigationEdges { references { id } } references { citedBy { id } degree } } } }`,
			map[string]int{"ListExpand": 1}},
		{"one failure mode by id with its mitigations and their references",
			`{ failureMode(id: "fm-0001") { id name mitigations { id references { id } } } }`,
			// Expand: the root and its whole selection.
			map[string]int{"Expand": 1}},
		{"fragments on the Node interface, aliases and arguments",
			`query($rel: RelationType) { nodes(ids: ["fm-0000", "m-0001", "r-0002"]) { id
				... on FailureMode { a: mitigations { id } b: mitigations { references { id } } }
				... on Mitigation { mitigates { id } e: edges(relation: $rel, direction: OUT) { targetNode { id } } } degree(relation: $rel) } }`,
			map[string]int{"Expand": 1}},
	}
	for _, q := range queries {
		t.Run(q.name, func(t *testing.T) {
			var previous map[string]int
			for _, n := range []int{3, 300} {
				store := newCountingStore(chainGraph(t, n))
				ts := newTestServer(t, server.DefaultConfig(), store)
				ts.mustData(t, q.query, map[string]any{"rel": "CITES"})
				got := store.snapshot()
				t.Logf("%d failure modes: store calls %v", n, got)
				if fmt.Sprint(got) != fmt.Sprint(q.want) {
					t.Errorf("%d failure modes: store calls %v, want %v", n, got, q.want)
				}
				if previous != nil && fmt.Sprint(previous) != fmt.Sprint(got) {
					t.Errorf("store calls grew with the result: %v, then %v", previous, got)
				}
				previous = got
			}
		})
	}
}

// TestStoreCallsUnderLoad holds every request to the store calls its shape fixes while 16 clients
// send the benchmark questions at once to a server over the shipped seed: batching by shape does
// not depend on timing, so concurrency cannot split a batch. It counts from the request log line.
func TestStoreCallsUnderLoad(t *testing.T) {
	g, err := shippedGraph()
	if err != nil {
		t.Fatal(err)
	}
	s, err := memstore.New(g)
	if err != nil {
		t.Fatal(err)
	}
	// The test counts store calls, not time: a loaded CI machine under -race must not turn a
	// slow answer into a TIMEOUT that hides the count.
	cfg := server.DefaultConfig()
	cfg.Timeout = 5 * time.Minute
	ts := newTestServer(t, cfg, s)
	questions := []struct {
		op, query string
		calls     int
	}{
		{"a", `query a { failureMode(id: "membership-inference") { id name intent compromises } }`, 1},
		{"b", `query b { failureMode(id: "membership-inference") { id mitigations { id name references { id title } } } }`, 1},
		{"c", `query c { failureModes { id mitigations { id protects { id name } } } }`, 1},
		{"d", `query d { mitigations { id mitigates { id assets { id targetedBy { id } } } edges { type sourceNode { id } } } }`, 1},
		// The traversal's own calls (fixed by its depth), then one Expand for the selection of
		// its nodes and one for that of its edges.
		{"e", `query e { neighborhood(id: "poisoning", depth: 1) { nodes { id ... on Mitigation { protects { id } } }
			edges { references { id } sourceNode { id } } } }`, 5},
		// Search, then one Expand for the selection of the hits' nodes.
		{"g", `query g { search(query: "poisoning training data", first: 10) { edges { score node { id
			... on FailureMode { mitigations { id references { id } } } ... on Mitigation { protects { id } } } } } }`, 2},
		{"f", `query f { legalMatrix { rows { id } cells { references { id year } } } }`, 4},
	}
	const clients, rounds = 16, 4
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				q := questions[(c+i)%len(questions)]
				if r := ts.post(t, q.query, nil); len(r.Errors) > 0 {
					t.Errorf("%s: %+v", q.op, r.Errors)
				}
			}
		}()
	}
	wg.Wait()
	seen := 0
	for _, line := range strings.Split(ts.log.String(), "\n") {
		for _, q := range questions {
			if !strings.Contains(line, "operation="+q.op+" ") {
				continue
			}
			seen++
			if want := fmt.Sprintf("storeCalls=%d ", q.calls); !strings.Contains(line, want) {
				t.Errorf("question %s: want %s in %s", q.op, want, line)
			}
		}
	}
	if seen != clients*rounds {
		t.Fatalf("%d request lines, want %d", seen, clients*rounds)
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
