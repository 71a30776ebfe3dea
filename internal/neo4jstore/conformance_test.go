package neo4jstore_test

import (
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/storetest"
)

// TestConformance holds the Neo4j store to the contract every backend shares: each graph of the
// suite is loaded, replacing whatever the database held, into the one database this test owns.
func TestConformance(t *testing.T) {
	s := open(t)
	storetest.Run(t, func(t *testing.T, g *kg.Graph) kg.Store {
		load(t, s, g)
		return s
	})
}

// TestEquivalence asks the Neo4j store and the embedded store, both holding the shipped seed, the
// suite's whole battery of questions, traversals included: any difference fails.
func TestEquivalence(t *testing.T) {
	g := shipped(t)
	s := open(t)
	load(t, s, storetest.CloneGraph(g))
	mem, err := memstore.New(storetest.CloneGraph(g))
	if err != nil {
		t.Fatal(err)
	}
	storetest.RunEquivalence(t, mem, s, g)
}
