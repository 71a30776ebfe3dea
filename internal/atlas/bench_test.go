package atlas_test

import (
	"testing"

	"github.com/failgraph/failgraph/internal/atlas"
	"github.com/failgraph/failgraph/internal/atlas/atlastest"
	"github.com/failgraph/failgraph/seed"
)

// BenchmarkLoad measures reading and checking the real ATLAS 5.6.0 file (Load), and importing it
// beside the shipped seed (Import): together, what --atlas adds to start-up (docs/BENCHMARKS.md).
func BenchmarkLoad(b *testing.B) {
	p := atlastest.Release(b, atlastest.Latest)
	if p == "" {
		b.Skip("no ATLAS release file")
	}
	s, err := seed.Load()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Load", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := atlas.Load(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	r, err := atlas.Load(p)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Import", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := atlas.Import(r, s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("LoadAndImport", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			r, err := atlas.Load(p)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := atlas.Import(r, s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
