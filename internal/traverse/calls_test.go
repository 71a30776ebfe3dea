package traverse_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/storetest"
	"github.com/failgraph/failgraph/internal/traverse"
)

// recorder is a kg.Store that records the name of every method called on it, in order.
type recorder struct {
	kg.Store
	mu    sync.Mutex
	calls []string // guarded by mu
}

func (r *recorder) note(m string) {
	r.mu.Lock()
	r.calls = append(r.calls, m)
	r.mu.Unlock()
}

// take returns the calls so far, space-separated, and forgets them.
func (r *recorder) take() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := strings.Join(r.calls, " ")
	r.calls = nil
	return s
}

func (r *recorder) Node(ctx context.Context, id string) (*kg.Node, error) {
	r.note("Node")
	return r.Store.Node(ctx, id)
}

func (r *recorder) Nodes(ctx context.Context, ids []string) ([]*kg.Node, error) {
	r.note("Nodes")
	return r.Store.Nodes(ctx, ids)
}

func (r *recorder) List(ctx context.Context, f kg.Filter) ([]*kg.Node, error) {
	r.note("List")
	return r.Store.List(ctx, f)
}

func (r *recorder) Count(ctx context.Context, f kg.Filter) (int, error) {
	r.note("Count")
	return r.Store.Count(ctx, f)
}

func (r *recorder) Adjacent(ctx context.Context, ids []string, dir kg.Direction, types []kg.RelType) (map[string][]kg.Edge, error) {
	r.note("Adjacent")
	return r.Store.Adjacent(ctx, ids, dir, types)
}

func (r *recorder) Search(ctx context.Context, q string, kinds []kg.Kind, limit int) ([]kg.Hit, error) {
	r.note("Search")
	return r.Store.Search(ctx, q, kinds, limit)
}

func (r *recorder) Stats(ctx context.Context) (kg.Stats, error) {
	r.note("Stats")
	return r.Store.Stats(ctx)
}

func (r *recorder) Ping(ctx context.Context) error {
	r.note("Ping")
	return r.Store.Ping(ctx)
}

// synthetic returns an engine over the suite's synthetic graph in the embedded store, and the
// recorder between them.
func synthetic(tb testing.TB) (*traverse.Engine, *recorder) {
	tb.Helper()
	s, err := memstore.New(storetest.Synthetic())
	if err != nil {
		tb.Fatal(err)
	}
	r := &recorder{Store: s}
	return traverse.New(r), r
}

// TestStoreCalls holds each question to exactly the store calls its comment documents, in order:
// the Neo4j store makes one query a call, so these are its round trips. Each case names the rule of
// the comment it instances.
func TestStoreCalls(t *testing.T) {
	ctx := context.Background()
	e, rec := synthetic(t)
	all := kg.SecurityProperties
	assets := []string{"a-data", "a-model", "a-api", "a-people"}
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"Neighborhood depth 3: Node, 3 levels, last level, Nodes (Depth+3)", func() error {
			_, err := e.Neighborhood(ctx, "fm-shift", traverse.NeighborhoodOpts{Depth: 3, Limit: kg.MaxLimit})
			return err
		}, "Node Adjacent Adjacent Adjacent Adjacent Nodes"},
		{"Neighborhood depth 1", func() error {
			_, err := e.Neighborhood(ctx, "fm-shift", traverse.NeighborhoodOpts{Depth: 1, Limit: kg.MaxLimit})
			return err
		}, "Node Adjacent Adjacent Nodes"},
		{"Neighborhood depth 2 with kinds: a Nodes call per level, none at the end (2·Depth+2)", func() error {
			_, err := e.Neighborhood(ctx, "fm-shift", traverse.NeighborhoodOpts{Depth: 2, Limit: kg.MaxLimit, Kinds: []kg.Kind{kg.KindFailureMode, kg.KindMitigation}})
			return err
		}, "Node Adjacent Nodes Adjacent Nodes Adjacent"},
		{"Neighborhood of an unknown id: Node only", func() error {
			_, err := e.Neighborhood(ctx, "no-such-node", traverse.NeighborhoodOpts{Depth: 3, Limit: 10})
			return wantCode(err, kg.ENOTFOUND)
		}, "Node"},
		{"Neighborhood with a bad depth: no call", func() error {
			_, err := e.Neighborhood(ctx, "fm-shift", traverse.NeighborhoodOpts{Depth: 4, Limit: 10})
			return wantCode(err, kg.EINVALID)
		}, ""},
		{"Subgraph: Nodes, Adjacent (2)", func() error {
			_, err := e.Subgraph(ctx, []string{"fm-evasion", "a-api", "a-model", "m-advtrain"})
			return err
		}, "Nodes Adjacent"},
		{"Subgraph of nothing: no call", func() error {
			_, err := e.Subgraph(ctx, nil)
			return err
		}, ""},
		{"Subgraph naming an unknown id: Nodes only", func() error {
			_, err := e.Subgraph(ctx, []string{"fm-evasion", "no-such-node"})
			return wantCode(err, kg.EINVALID)
		}, "Nodes"},
		{"Paths of length up to 6: ends, levels, nodes (at most MaxLength+3)", func() error {
			_, err := e.Paths(ctx, "s-lawyers", "a-people", traverse.PathOpts{MaxLength: kg.MaxPathLength, Limit: kg.MaxLimit})
			return err
		}, "Nodes Adjacent Adjacent Adjacent Adjacent Adjacent Adjacent Nodes"},
		{"Paths between neighbours, limit 1: the first level answers", func() error {
			_, err := e.Paths(ctx, "fm-shift", "a-people", traverse.PathOpts{MaxLength: kg.MaxPathLength, Limit: 1})
			return err
		}, "Nodes Adjacent Adjacent Nodes"},
		{"Related: Node, List, Adjacent, Nodes (4)", func() error {
			_, err := e.Related(ctx, "fm-evasion", 10)
			return err
		}, "Node List Adjacent Nodes"},
		{"ThreatModel with capabilities: Nodes, List, Adjacent, Adjacent, Nodes (5)", func() error {
			_, err := e.ThreatModel(ctx, assets, []string{"cap-whitebox"})
			return err
		}, "Nodes List Adjacent Adjacent Nodes"},
		{"ThreatModel without capabilities (4)", func() error {
			_, err := e.ThreatModel(ctx, assets, nil)
			return err
		}, "Nodes Adjacent Adjacent Nodes"},
		{"ThreatModel naming an unknown capability: Nodes only", func() error {
			_, err := e.ThreatModel(ctx, assets, []string{"cap-none"})
			return wantCode(err, kg.EINVALID)
		}, "Nodes"},
		{"Triage with assets: Nodes, List, Adjacent, Nodes (4)", func() error {
			_, err := e.Triage(ctx, all, assets)
			return err
		}, "Nodes List Adjacent Nodes"},
		{"Triage without assets (3)", func() error {
			_, err := e.Triage(ctx, all, nil)
			return err
		}, "List Adjacent Nodes"},
		{"LegalExposure of a subtype: Node, Adjacent, Adjacent, Nodes (4)", func() error {
			_, err := e.LegalExposure(ctx, "fm-evasion-targeted")
			return err
		}, "Node Adjacent Adjacent Nodes"},
		{"LegalExposure of a failure mode without parent (3)", func() error {
			_, err := e.LegalExposure(ctx, "fm-evasion")
			return err
		}, "Node Adjacent Nodes"},
		{"LegalExposure of an id that is not a failure mode: Node only", func() error {
			_, err := e.LegalExposure(ctx, "a-data")
			return wantCode(err, kg.ENOTFOUND)
		}, "Node"},
		{"LegalMatrix: List, Adjacent, Nodes (3)", func() error {
			_, err := e.LegalMatrix(ctx, "")
			return err
		}, "List Adjacent Nodes"},
		{"LegalMatrix of a jurisdiction with nothing: List only (1)", func() error {
			_, err := e.LegalMatrix(ctx, "Atlantis")
			return err
		}, "List"},
		{"CoverageGaps: List, List, Adjacent, Nodes (4)", func() error {
			_, err := e.CoverageGaps(ctx)
			return err
		}, "List List Adjacent Nodes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec.take()
			if err := tc.run(); err != nil {
				t.Fatal(err)
			}
			if got := rec.take(); got != tc.want {
				t.Fatalf("store calls %q, want %q", got, tc.want)
			}
		})
	}
}

// TestEmptyGraphCalls holds the questions that list the whole graph to their documented calls when
// there is nothing to list.
func TestEmptyGraphCalls(t *testing.T) {
	ctx := context.Background()
	s, err := memstore.New(&kg.Graph{})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{Store: s}
	e := traverse.New(rec)
	if _, err := e.CoverageGaps(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); got != "List List" {
		t.Errorf("CoverageGaps on an empty graph: %q, want %q", got, "List List")
	}
	if _, err := e.Triage(ctx, kg.SecurityProperties, nil); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); got != "List" {
		t.Errorf("Triage on an empty graph: %q, want %q", got, "List")
	}
}

// wantCode turns an error of the expected code into nil, and anything else into an error.
func wantCode(err error, code string) error {
	if kg.ErrorCode(err) == code {
		return nil
	}
	return &unexpected{err: err, want: code}
}

type unexpected struct {
	err  error
	want string
}

func (u *unexpected) Error() string { return "got " + errString(u.err) + ", want code " + u.want }

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}
