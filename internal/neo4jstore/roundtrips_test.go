package neo4jstore_test

import (
	"context"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/traverse"
)

// TestRoundTripsBoundByDepth checks that a traversal costs a number of Cypher statements set by
// its depth, not by the size of its result: a depth-2 neighbourhood in the minimal seed, in the
// shipped seed and in a synthetic graph of 10,000 nodes and 40,000 edges take the same number, and
// no neighbourhood takes more than depth+3 (the centre, one Adjacent per level, one for the last
// level's edges, one Nodes). A small graph may take fewer when it runs out of nodes before depth.
func TestRoundTripsBoundByDepth(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	cases := []struct {
		name   string
		graph  *kg.Graph
		centre string
	}{
		{"minimal seed", minimal(t), "poisoning"},
		{"shipped seed", shipped(t), "poisoning"},
		{"synthetic 10k/40k", synthetic(10000, 40000), "fm-00000"},
	}
	trips := map[int]map[string]int64{}
	for _, c := range cases {
		load(t, s, c.graph)
		for depth := 1; depth <= kg.MaxDepth; depth++ {
			before := s.RoundTrips()
			sg, err := traverse.New(s).Neighborhood(ctx, c.centre, traverse.NeighborhoodOpts{Depth: depth, Limit: kg.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			n := s.RoundTrips() - before
			if n > int64(depth+3) {
				t.Errorf("%s: depth %d took %d statements, want at most %d", c.name, depth, n, depth+3)
			}
			t.Logf("%s: depth %d: %d nodes, %d edges, %d Cypher statements", c.name, depth, len(sg.Nodes), len(sg.Edges), n)
			if trips[depth] == nil {
				trips[depth] = map[string]int64{}
			}
			trips[depth][c.name] = n
		}
	}
	for _, c := range cases[1:] {
		if small, big := trips[2][cases[0].name], trips[2][c.name]; small != big {
			t.Errorf("depth 2: %d statements on the %s, %d on the %s: want the same", small, cases[0].name, big, c.name)
		}
	}
}
