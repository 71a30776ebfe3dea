package kg_test

import (
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
)

func TestGraphHash(t *testing.T) {
	g := func() *kg.Graph {
		return &kg.Graph{
			Nodes: []*kg.Node{
				{ID: "a", Kind: kg.KindFailureMode, Name: "A"},
				{ID: "b", Kind: kg.KindMitigation, Name: "B"},
			},
			Edges: []kg.Edge{
				{Type: kg.RelMitigates, Source: "b", Target: "a", Strength: "partial"},
				{Type: kg.RelCites, Source: "b", Target: "a"},
			},
		}
	}
	base := g().Hash()
	if !strings.HasPrefix(base, "sha256:") || len(base) != len("sha256:")+64 {
		t.Fatalf("Hash() = %q, want sha256: and 64 hex digits", base)
	}

	reordered := g()
	reordered.Nodes[0], reordered.Nodes[1] = reordered.Nodes[1], reordered.Nodes[0]
	reordered.Edges[0], reordered.Edges[1] = reordered.Edges[1], reordered.Edges[0]
	reordered.Edges[0].ID = kg.EdgeID(reordered.Edges[0].Type, "b", "a")
	if got := reordered.Hash(); got != base {
		t.Errorf("the same graph in another order (edge ids set) hashes to %s, want %s", got, base)
	}

	for name, change := range map[string]func(*kg.Graph){
		"a node's name":      func(g *kg.Graph) { g.Nodes[0].Name = "A'" },
		"an edge's field":    func(g *kg.Graph) { g.Edges[0].Strength = "strong" },
		"one node fewer":     func(g *kg.Graph) { g.Nodes = g.Nodes[:1] },
		"one edge fewer":     func(g *kg.Graph) { g.Edges = g.Edges[:1] },
		"an alias added":     func(g *kg.Graph) { g.Nodes[1].Aliases = []string{"bee"} },
		"an edge's endpoint": func(g *kg.Graph) { g.Edges[1].Target = "b" },
	} {
		changed := g()
		change(changed)
		if changed.Hash() == base {
			t.Errorf("changing %s leaves the hash as it was", name)
		}
	}
}
