package neo4jstore_test

import (
	"context"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/neo4jstore"
	"github.com/failgraph/failgraph/internal/traverse"
)

// Run with a real server, e.g.:
//
//	go test -run '^$' -bench . -benchtime 20x ./internal/neo4jstore
//
// The same three queries on the embedded store are benchmarked in internal/traverse.

// BenchmarkLoad measures Load into an empty database (the wipe between iterations is not timed),
// reporting rows (nodes plus relationships) per second.
func BenchmarkLoad(b *testing.B) {
	s := open(b)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		g    *kg.Graph
	}{
		{"shipped seed", shipped(b)},
		{"synthetic 10k nodes 40k edges", synthetic(10000, 40000)},
	} {
		b.Run(c.name, func(b *testing.B) {
			rows := len(c.g.Nodes) + len(c.g.Edges)
			for b.Loop() {
				b.StopTimer()
				load(b, s, &kg.Graph{})
				b.StartTimer()
				if err := s.Load(ctx, c.g, neo4jstore.LoadOptions{Replace: true}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

// BenchmarkQueries measures, on the shipped seed, the three reads internal/traverse benchmarks on
// the embedded store, with the same arguments, reporting the Cypher statements each one costs.
func BenchmarkQueries(b *testing.B) {
	s := open(b)
	load(b, s, shipped(b))
	ctx := context.Background()
	e := traverse.New(s)
	// As internal/traverse: the centre is "perturbation", the path's end the first legal
	// consideration (NodeLess order) the centre does not raise directly.
	centre := "perturbation"
	adj, err := s.Adjacent(ctx, []string{centre}, kg.Both, nil)
	if err != nil {
		b.Fatal(err)
	}
	direct := map[string]bool{}
	for _, ed := range adj[centre] {
		direct[ed.Other(centre)] = true
	}
	legal, err := s.List(ctx, kg.Filter{Kind: kg.KindLegal})
	if err != nil || len(legal) == 0 {
		b.Fatalf("no legal considerations: %v", err)
	}
	to := legal[0].ID
	for _, n := range legal {
		if !direct[n.ID] {
			to = n.ID
			break
		}
	}
	queries := []struct {
		name string
		run  func() error
	}{
		{"neighborhood depth 2", func() error {
			_, err := e.Neighborhood(ctx, centre, traverse.NeighborhoodOpts{Depth: 2, Limit: 200})
			return err
		}},
		{"paths maxLength 4", func() error {
			_, err := e.Paths(ctx, centre, to, traverse.PathOpts{MaxLength: 4, Limit: 10})
			return err
		}},
		{"search", func() error {
			_, err := s.Search(ctx, "adversarial examples", nil, 20)
			return err
		}},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			if err := q.run(); err != nil { // warm the plan cache
				b.Fatal(err)
			}
			before := s.RoundTrips()
			for b.Loop() {
				if err := q.run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(s.RoundTrips()-before)/float64(b.N), "stmts/op")
		})
	}
}
