package memstore_test

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/seed"
)

// replicate returns k copies of g, each node id (and every id that names one) suffixed with the
// copy's number: a large graph with exactly the shipped seed's mix of kinds, relations, fields
// and references per edge.
func replicate(tb testing.TB, g *kg.Graph, k int) *kg.Graph {
	tb.Helper()
	out := &kg.Graph{Nodes: make([]*kg.Node, 0, k*len(g.Nodes)), Edges: make([]kg.Edge, 0, k*len(g.Edges))}
	for i := range k {
		sfx := "-r" + strconv.Itoa(i)
		ids := func(s []string) []string {
			c := make([]string, len(s))
			for j, id := range s {
				c[j] = id + sfx
			}
			return c
		}
		for _, n := range g.Nodes {
			c := n.Clone()
			c.ID += sfx
			c.Implies = ids(c.Implies)
			out.Nodes = append(out.Nodes, c)
		}
		for _, e := range g.Edges {
			c := e.Clone()
			c.ID, c.Source, c.Target, c.Refs = "", c.Source+sfx, c.Target+sfx, ids(c.Refs)
			out.Edges = append(out.Edges, c)
		}
	}
	return out
}

// BenchmarkMemoryPerEdge measures the heap the embedded store holds for a graph of copies of the
// shipped seed, per edge (nodes, their search index and the edges all counted against the edges,
// as docs/BENCHMARKS.md states it). FAILGRAPH_BENCH_COPIES sets the copies (default 350, about
// 100,000 nodes and 320,000 edges).
func BenchmarkMemoryPerEdge(b *testing.B) {
	copies := 350
	if v := os.Getenv("FAILGRAPH_BENCH_COPIES"); v != "" {
		var err error
		if copies, err = strconv.Atoi(v); err != nil || copies < 1 {
			b.Fatalf("FAILGRAPH_BENCH_COPIES=%q: want a positive number", v)
		}
	}
	seedGraph, err := seed.Load()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		before := heap()
		g := replicate(b, seedGraph, copies)
		nodes, edges := len(g.Nodes), len(g.Edges)
		s, err := memstore.New(g)
		if err != nil {
			b.Fatal(err)
		}
		g = nil
		held := heap() - before
		runtime.KeepAlive(s)
		b.ReportMetric(float64(held)/float64(edges), "B/edge")
		b.ReportMetric(float64(held)/(1<<20), "MiB")
		b.ReportMetric(float64(nodes), "nodes")
		b.ReportMetric(float64(edges), "edges")
		if testing.Verbose() {
			fmt.Fprintf(os.Stderr, "%d nodes, %d edges: %.1f MiB held, %.0f B per edge\n", nodes, edges, float64(held)/(1<<20), float64(held)/float64(edges))
		}
	}
}

// heap returns the bytes of live heap after a full collection.
func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
