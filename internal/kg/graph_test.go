package kg_test

import (
	"slices"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
)

func TestGraphValidate(t *testing.T) {
	node := func(id string) *kg.Node { return &kg.Node{ID: id, Kind: kg.KindAsset, Name: id} }
	edge := func(src, dst string) kg.Edge { return kg.Edge{Type: kg.RelCites, Source: src, Target: dst} }
	cases := []struct {
		name string
		g    *kg.Graph
		msg  string // "" when valid
	}{
		{"an empty graph", &kg.Graph{}, ""},
		{"a valid graph", &kg.Graph{Nodes: []*kg.Node{node("a"), node("b")}, Edges: []kg.Edge{edge("a", "b"), edge("b", "a")}}, ""},
		{"a repeated node", &kg.Graph{Nodes: []*kg.Node{node("a"), node("a")}}, `duplicate node id "a"`},
		{"an unknown kind", &kg.Graph{Nodes: []*kg.Node{{ID: "a", Kind: "Bogus"}}}, `node "a" has unknown kind "Bogus"`},
		{"an unknown relation", &kg.Graph{Nodes: []*kg.Node{node("a"), node("b")}, Edges: []kg.Edge{{Type: "LIKES", Source: "a", Target: "b"}}}, `edge "LIKES:a:b" has unknown type "LIKES"`},
		{"an edge to a missing node", &kg.Graph{Nodes: []*kg.Node{node("a")}, Edges: []kg.Edge{edge("a", "b")}}, `edge CITES:a:b joins a missing node`},
		{"an edge from a missing node", &kg.Graph{Nodes: []*kg.Node{node("b")}, Edges: []kg.Edge{edge("a", "b")}}, `edge CITES:a:b joins a missing node`},
		{"a repeated edge", &kg.Graph{Nodes: []*kg.Node{node("a"), node("b")}, Edges: []kg.Edge{edge("a", "b"), edge("a", "b")}}, `duplicate edge CITES:a:b`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.g.Validate()
			if c.msg == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if kg.ErrorCode(err) != kg.EINVALID || kg.ErrorMessage(err) != c.msg {
				t.Fatalf("Validate = %s %q, want %s %q", kg.ErrorCode(err), kg.ErrorMessage(err), kg.EINVALID, c.msg)
			}
		})
	}
}

func TestOrders(t *testing.T) {
	fm := func(id string, n int) *kg.Node { return &kg.Node{ID: id, Kind: kg.KindFailureMode, Number: n} }
	ns := []*kg.Node{fm("z-sub", 0), fm("y", 2), fm("a-sub", 0), fm("x", 1), fm("b-sub", 0)}
	slices.SortFunc(ns, kg.CompareNodes)
	var got []string
	for _, n := range ns {
		got = append(got, n.ID)
	}
	// Numbered failure modes by number, then subtypes (numbered 0) by id.
	if want := []string{"x", "y", "a-sub", "b-sub", "z-sub"}; !slices.Equal(got, want) {
		t.Errorf("CompareNodes order %v, want %v", got, want)
	}
	for i := range ns {
		for j := range ns {
			if kg.NodeLess(ns[i], ns[j]) != (i < j) {
				t.Errorf("NodeLess(%s, %s) = %v, want %v", ns[i].ID, ns[j].ID, !(i < j), i < j)
			}
		}
	}

	es := []kg.Edge{
		{Type: kg.RelTargets, Source: "a", Target: "b"},
		{Type: kg.RelCites, Source: "b", Target: "a"},
		{Type: kg.RelCites, Source: "a", Target: "c"},
		{Type: kg.RelCites, Source: "a", Target: "b"},
	}
	kg.SortEdges(es)
	var ids []string
	for _, e := range es {
		ids = append(ids, kg.EdgeID(e.Type, e.Source, e.Target))
	}
	if want := []string{"CITES:a:b", "CITES:a:c", "CITES:b:a", "TARGETS:a:b"}; !slices.Equal(ids, want) {
		t.Errorf("SortEdges order %v, want %v", ids, want)
	}
	if !kg.EdgeLess(es[0], es[1]) || kg.EdgeLess(es[1], es[0]) || kg.EdgeLess(es[0], es[0]) {
		t.Error("EdgeLess disagrees with CompareEdges")
	}
}

func TestStrengthRank(t *testing.T) {
	for i, s := range kg.Strengths {
		if s.Rank() != i {
			t.Errorf("%s.Rank() = %d, want %d", s, s.Rank(), i)
		}
	}
	if r := kg.Strength("").Rank(); r != len(kg.Strengths) {
		t.Errorf(`"".Rank() = %d, want %d`, r, len(kg.Strengths))
	}
	if !(kg.StrengthStrong.Rank() < kg.StrengthPartial.Rank() && kg.StrengthPartial.Rank() < kg.StrengthDetectOnly.Rank()) {
		t.Error("strong must rank before partial before detect-only")
	}
}
