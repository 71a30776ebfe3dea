package loader_test

import (
	"context"
	"testing"

	"github.com/failgraph/failgraph/graph/loader"
	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
)

// callCounter counts the store calls the cache makes.
type callCounter struct {
	kg.Store
	calls int
}

func (c *callCounter) Expand(ctx context.Context, ids []string, plan kg.Plan) (*kg.Expansion, error) {
	c.calls++
	return c.Store.Expand(ctx, ids, plan)
}

func (c *callCounter) Adjacent(ctx context.Context, ids []string, dir kg.Direction, types []kg.RelType) (map[string][]kg.Edge, error) {
	c.calls++
	return c.Store.Adjacent(ctx, ids, dir, types)
}

func TestLoaders(t *testing.T) {
	s, err := memstore.New(&kg.Graph{
		Nodes: []*kg.Node{
			{ID: "fm", Kind: kg.KindFailureMode, Name: "FM"},
			{ID: "m", Kind: kg.KindMitigation, Name: "M"},
			{ID: "r", Kind: kg.KindReference, Name: "R"},
		},
		Edges: []kg.Edge{
			{Type: kg.RelMitigates, Source: "m", Target: "fm"},
			{Type: kg.RelCites, Source: "m", Target: "r"},
			{Type: kg.RelCites, Source: "fm", Target: "r"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := &callCounter{Store: s}
	l := loader.New(c)

	// One call reads the failure mode, its mitigations and their references; after it, every
	// read of the plan comes from the cache.
	cites := kg.Plan{kg.KindMitigation: {{Dir: kg.Out, Types: []kg.RelType{kg.RelCites}, Nodes: true}}}
	plan := kg.Plan{kg.KindFailureMode: {{Dir: kg.In, Types: []kg.RelType{kg.RelMitigates}, Nodes: true, Next: cites}}}
	ns, err := l.Nodes(ctx, []string{"fm", "absent"}, plan)
	if err != nil || ns[0].ID != "fm" || ns[1] != nil {
		t.Fatalf("Nodes: %v, %v", ns, err)
	}
	es, err := l.Edges(ctx, kg.NewEdgeKey("fm", kg.In, kg.RelMitigates))
	if err != nil || len(es) != 1 || es[0].Source != "m" {
		t.Fatalf("Edges: %v, %v", es, err)
	}
	es, err = l.Edges(ctx, kg.NewEdgeKey("m", kg.Out, kg.RelCites))
	if err != nil || len(es) != 1 || es[0].Target != "r" {
		t.Fatalf("Edges: %v, %v", es, err)
	}
	ns, err = l.Nodes(ctx, []string{"r", "m", "absent"}, nil)
	if err != nil || ns[0].ID != "r" || ns[1].ID != "m" || ns[2] != nil {
		t.Fatalf("Nodes: %v, %v", ns, err)
	}
	if c.calls != 1 {
		t.Fatalf("%d store calls, want 1", c.calls)
	}

	// A key no plan foresaw is read alone, once.
	for range 2 {
		es, err = l.Edges(ctx, kg.NewEdgeKey("r", kg.In))
		if err != nil || len(es) != 2 {
			t.Fatalf("Edges: %v, %v", es, err)
		}
	}
	if c.calls != 2 {
		t.Fatalf("%d store calls, want 2", c.calls)
	}

	if loader.For(ctx) != nil || loader.For(loader.With(ctx, l)) != l {
		t.Error("For does not find the loaders With put in the context")
	}
}
