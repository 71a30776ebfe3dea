package loader_test

import (
	"context"
	"testing"

	"github.com/failgraph/failgraph/graph/loader"
	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
)

func TestEdgeKeysOfEqualTypeSetsAreEqual(t *testing.T) {
	a := loader.NewEdgeKey("x", kg.In, kg.RelMitigates, kg.RelCites)
	b := loader.NewEdgeKey("x", kg.In, kg.RelCites, kg.RelMitigates, kg.RelCites)
	if a != b {
		t.Errorf("%+v != %+v", a, b)
	}
	if got := a.RelTypes(); len(got) != 2 || got[0] != kg.RelCites || got[1] != kg.RelMitigates {
		t.Errorf("RelTypes %v", got)
	}
	if got := loader.NewEdgeKey("x", kg.Both).RelTypes(); got != nil {
		t.Errorf("no types: %v, want nil (all)", got)
	}
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
	l := loader.New(s)

	ns, err := l.Nodes.LoadAll(ctx, []string{"m", "absent", "fm"})
	if err != nil || ns[0].ID != "m" || ns[1] != nil || ns[2].ID != "fm" {
		t.Errorf("Nodes: %v, %v", ns, err)
	}

	es, err := l.Edges.LoadAll(ctx, []loader.EdgeKey{
		loader.NewEdgeKey("m", kg.Out, kg.RelCites),
		loader.NewEdgeKey("m", kg.Out),
		loader.NewEdgeKey("r", kg.In, kg.RelCites),
		loader.NewEdgeKey("absent", kg.Both),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(es[0]) != 1 || len(es[1]) != 2 || len(es[2]) != 2 || es[3] == nil || len(es[3]) != 0 {
		t.Errorf("Edges: %v", es)
	}

	ds, err := l.Degrees.LoadAll(ctx, []loader.DegreeKey{{ID: "m"}, {ID: "m", Rel: kg.RelCites}, {ID: "r", Rel: kg.RelMitigates}, {ID: "absent"}})
	if err != nil || ds[0] != 2 || ds[1] != 1 || ds[2] != 0 || ds[3] != 0 {
		t.Errorf("Degrees: %v, %v", ds, err)
	}

	if loader.For(ctx) != nil || loader.For(loader.With(ctx, l)) != l {
		t.Error("For does not find the loaders With put in the context")
	}
}
