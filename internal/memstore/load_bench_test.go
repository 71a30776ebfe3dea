package memstore_test

import (
	"testing"

	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/seed"
)

// BenchmarkStartup measures what serve does before it listens on the embedded store: decode and
// validate the embedded seed, then build the store with its indexes.
func BenchmarkStartup(b *testing.B) {
	for b.Loop() {
		g, err := seed.Load()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := memstore.New(g); err != nil {
			b.Fatal(err)
		}
	}
}
