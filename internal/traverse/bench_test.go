package traverse_test

import (
	"context"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/storetest"
	"github.com/failgraph/failgraph/internal/traverse"
	"github.com/failgraph/failgraph/seed"
)

// The queries the issue sets targets for run over the embedded store holding the shipped seed:
//
//	go test -run xxx -bench . -benchmem ./internal/traverse
//
// The depth-2 neighbourhood and paths must stay well under a millisecond.

// benchFixture is the engine and the ids the benchmarks ask about.
type benchFixture struct {
	s        kg.Store
	e        *traverse.Engine
	centre   string   // perturbation, or the first failure mode of the fallback
	legal    string   // a legal consideration the centre does not raise directly
	assets   []string // three assets
	asset    string
	graphTag string
}

func setup(b *testing.B) benchFixture {
	b.Helper()
	g, err := seed.Load()
	tag := "shipped seed"
	if err != nil {
		b.Logf("the shipped seed does not load (content authors mid-edit?); falling back to the minimal fixture: %v", err)
		g, tag = storetest.Minimal(b), "minimal fixture"
	}
	s, err := memstore.New(g)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	f := benchFixture{s: s, e: traverse.New(s), graphTag: tag}

	fms, _ := s.List(ctx, kg.Filter{Kind: kg.KindFailureMode})
	if len(fms) == 0 {
		b.Fatal("no failure modes")
	}
	f.centre = fms[0].ID
	for _, n := range fms {
		if n.ID == "perturbation" {
			f.centre = n.ID
		}
	}
	adj, err := s.Adjacent(ctx, []string{f.centre}, kg.Both, nil)
	if err != nil {
		b.Fatal(err)
	}
	direct := map[string]bool{}
	for _, e := range adj[f.centre] {
		direct[e.Other(f.centre)] = true
	}
	legal, _ := s.List(ctx, kg.Filter{Kind: kg.KindLegal})
	if len(legal) == 0 {
		b.Fatal("no legal considerations")
	}
	f.legal = legal[0].ID
	for _, n := range legal {
		if !direct[n.ID] {
			f.legal = n.ID
			break
		}
	}
	assets, _ := s.List(ctx, kg.Filter{Kind: kg.KindAsset})
	for _, want := range []string{"training-data", "model-weights", "inference-api"} {
		for _, a := range assets {
			if a.ID == want {
				f.assets = append(f.assets, a.ID)
			}
		}
	}
	if len(f.assets) < 3 {
		f.assets = nil
		for i := 0; i < len(assets) && i < 3; i++ {
			f.assets = append(f.assets, assets[i].ID)
		}
	}
	f.asset = f.assets[0]
	st, _ := s.Stats(ctx)
	nodes, edges := 0, 0
	for _, n := range st.Nodes {
		nodes += n
	}
	for _, n := range st.Edges {
		edges += n
	}
	b.Logf("%s: %d nodes, %d edges; centre %s, legal %s, assets %v", tag, nodes, edges, f.centre, f.legal, f.assets)
	return f
}

func BenchmarkNeighborhoodDepth2(b *testing.B) {
	f := setup(b)
	ctx := context.Background()
	o := traverse.NeighborhoodOpts{Depth: 2, Limit: 200}
	sg, err := f.e.Neighborhood(ctx, f.centre, o)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d nodes, %d edges, truncated %v", len(sg.Nodes), len(sg.Edges), sg.Truncated)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.e.Neighborhood(ctx, f.centre, o); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPaths(b *testing.B) {
	f := setup(b)
	ctx := context.Background()
	o := traverse.PathOpts{MaxLength: 4, Limit: 10}
	ps, err := f.e.Paths(ctx, f.centre, f.legal, o)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d paths %s → %s", len(ps), f.centre, f.legal)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.e.Paths(ctx, f.centre, f.legal, o); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRelated(b *testing.B) {
	f := setup(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.e.Related(ctx, f.centre, 10); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkThreatModel(b *testing.B) {
	f := setup(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.e.ThreatModel(ctx, f.assets, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTriage(b *testing.B) {
	f := setup(b)
	ctx := context.Background()
	props := []kg.SecurityProperty{kg.Integrity, kg.Confidentiality}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.e.Triage(ctx, props, []string{f.asset}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLegalMatrix(b *testing.B) {
	f := setup(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.e.LegalMatrix(ctx, ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	f := setup(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.s.Search(ctx, "adversarial examples", nil, 20); err != nil {
			b.Fatal(err)
		}
	}
}
