package export_test

import (
	"context"
	"testing"

	"github.com/failgraph/failgraph/internal/atlas"
	"github.com/failgraph/failgraph/internal/atlas/atlastest"
	"github.com/failgraph/failgraph/internal/export"
	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/seed"
)

// BenchmarkExport exports the whole graph on the embedded store in every format, from the shipped
// seed and from the seed with ATLAS 5.6.0 (docs/BENCHMARKS.md).
func BenchmarkExport(b *testing.B) {
	s, err := seed.Load()
	if err != nil {
		b.Fatal(err)
	}
	graphs := []struct {
		name string
		g    *kg.Graph
	}{{"seed", s}}
	if p := atlastest.Release(b, atlastest.Latest); p != "" {
		r, err := atlas.Load(p)
		if err != nil {
			b.Fatal(err)
		}
		imp, err := atlas.Import(r, s)
		if err != nil {
			b.Fatal(err)
		}
		graphs = append(graphs, struct {
			name string
			g    *kg.Graph
		}{"seed+atlas-5.6.0", imp.Graph})
	}
	for _, g := range graphs {
		store, err := memstore.New(g.g)
		if err != nil {
			b.Fatal(err)
		}
		x := export.New(store)
		for _, f := range export.Formats() {
			b.Run(g.name+"/"+f.Name, func(b *testing.B) {
				var size int
				for i := 0; i < b.N; i++ {
					res, err := x.Export(context.Background(), f.Name, export.Options{})
					if err != nil {
						b.Fatal(err)
					}
					size = len(res.Body)
				}
				b.ReportMetric(float64(size), "bytes/export")
			})
		}
	}
}
