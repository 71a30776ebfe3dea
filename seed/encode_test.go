package seed_test

import (
	"reflect"
	"sort"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/seed"
)

// sameGraph fails tb unless a and b hold the same nodes and edges, whatever their order.
func sameGraph(tb testing.TB, a, b *kg.Graph) {
	tb.Helper()
	norm := func(g *kg.Graph) ([]*kg.Node, []kg.Edge) {
		ns := append([]*kg.Node(nil), g.Nodes...)
		sort.Slice(ns, func(i, j int) bool { return ns[i].ID < ns[j].ID })
		es := append([]kg.Edge(nil), g.Edges...)
		kg.SortEdges(es)
		return ns, es
	}
	an, ae := norm(a)
	bn, be := norm(b)
	if len(an) != len(bn) || len(ae) != len(be) {
		tb.Fatalf("%d nodes and %d edges, want %d and %d", len(bn), len(be), len(an), len(ae))
	}
	for i := range an {
		if !reflect.DeepEqual(an[i].Clone(), bn[i].Clone()) {
			tb.Fatalf("node %d differs:\n got %+v\nwant %+v", i, bn[i], an[i])
		}
	}
	for i := range ae {
		x, y := ae[i].Clone(), be[i].Clone()
		if !reflect.DeepEqual(x, y) {
			tb.Fatalf("edge %d differs:\n got %+v\nwant %+v", i, y, x)
		}
	}
}

func TestWriteDirRoundTripsTheShippedSeed(t *testing.T) {
	g := shipped(t)
	dir := t.TempDir()
	if err := seed.WriteDir(dir, g); err != nil {
		t.Fatal(err)
	}
	back, err := seed.LoadDir(dir)
	if err != nil {
		t.Fatalf("the written seed does not load:\n%v", err)
	}
	sameGraph(t, g, back)
}
