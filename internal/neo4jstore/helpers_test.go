package neo4jstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/neo4jstore"
	"github.com/failgraph/failgraph/internal/neo4jtest"
	"github.com/failgraph/failgraph/seed"
)

// open returns a store on the test server, which tb owns until it ends (neo4jtest.Lock): the
// caller loads what it needs.
func open(tb testing.TB) *neo4jstore.Store {
	tb.Helper()
	uri := neo4jtest.URI(tb)
	neo4jtest.Lock(tb, uri)
	return openURI(tb, uri)
}

func openURI(tb testing.TB, uri string) *neo4jstore.Store {
	tb.Helper()
	s, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: uri, AllowEmpty: true, CheckTimeout: time.Minute})
	if err != nil {
		tb.Fatalf("Open(%s): %v", uri, err)
	}
	tb.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// load replaces the database's graph with g.
func load(tb testing.TB, s *neo4jstore.Store, g *kg.Graph) {
	tb.Helper()
	if err := s.Load(context.Background(), g, neo4jstore.LoadOptions{Replace: true}); err != nil {
		tb.Fatalf("Load: %v", err)
	}
}

// shipped returns the seed embedded in the binary.
func shipped(tb testing.TB) *kg.Graph {
	tb.Helper()
	g, err := seed.Load()
	if err != nil {
		tb.Fatalf("the shipped seed does not load: %v", err)
	}
	return g
}

// minimal returns the smallest complete seed.
func minimal(tb testing.TB) *kg.Graph {
	tb.Helper()
	g, err := seed.LoadDir("../../seed/testdata/minimal")
	if err != nil {
		tb.Fatalf("seed/testdata/minimal: %v", err)
	}
	return g
}

// synthetic returns a random but reproducible graph of about nodes nodes and edges edges that
// respects kg's relation schema, for load and round-trip measurements.
func synthetic(nodes, edges int) *kg.Graph {
	r := rand.New(rand.NewPCG(1, 2))
	share := map[kg.Kind]int{ // per mille
		kg.KindFailureMode: 150, kg.KindCapability: 50, kg.KindAsset: 50, kg.KindMitigation: 200,
		kg.KindLegal: 50, kg.KindReference: 450, kg.KindStakeholder: 50,
	}
	g := &kg.Graph{}
	byKind := map[kg.Kind][]string{}
	words := []string{"adversarial", "poisoning", "model", "inversion", "membership", "inference", "backdoor",
		"evasion", "extraction", "privacy", "robustness", "shift", "data", "training", "attack", "defence"}
	phrase := func(n int) string {
		s := ""
		for i := 0; i < n; i++ {
			if i > 0 {
				s += " "
			}
			s += words[r.IntN(len(words))]
		}
		return s
	}
	for _, k := range kg.Kinds {
		count := nodes * share[k] / 1000
		for i := 0; i < count; i++ {
			n := &kg.Node{ID: fmt.Sprintf("%s-%05d", kindSlug(k), i), Kind: k, Name: phrase(3), Summary: phrase(12)}
			switch k {
			case kg.KindFailureMode:
				n.Number = i + 1
				n.Intent = kg.Intentional
				n.Compromises = []kg.SecurityProperty{kg.SecurityProperties[r.IntN(4)]}
			case kg.KindReference:
				n.Title = phrase(6)
				n.Authors = []string{phrase(2), phrase(2)}
				n.Year = 1990 + r.IntN(35)
			case kg.KindLegal:
				n.Jurisdiction = []string{"US", "EU", "UK"}[r.IntN(3)]
				n.Year = 1950 + r.IntN(75)
			}
			g.Nodes = append(g.Nodes, n)
			byKind[k] = append(byKind[k], n.ID)
		}
	}
	all := make([]string, 0, len(g.Nodes))
	for _, n := range g.Nodes {
		all = append(all, n.ID)
	}
	pick := func(k kg.Kind) string {
		if k == "" {
			return all[r.IntN(len(all))]
		}
		ids := byKind[k]
		return ids[r.IntN(len(ids))]
	}
	seen := map[string]bool{}
	has := func(k kg.Kind) bool { return k == "" || len(byKind[k]) > 0 }
	for len(g.Edges) < edges {
		t := kg.RelTypes[r.IntN(len(kg.RelTypes))]
		ends, _ := kg.Schema(t)
		if !has(ends.Source) || !has(ends.Target) {
			continue // a relation between kinds this graph has none of (the ATLAS layer's)
		}
		e := kg.Edge{Type: t, Source: pick(ends.Source), Target: pick(ends.Target)}
		if e.Source == e.Target {
			continue
		}
		e.ID = kg.EdgeID(e.Type, e.Source, e.Target)
		if seen[e.ID] {
			continue
		}
		seen[e.ID] = true
		if t != kg.RelCites {
			e.Refs = []string{pick(kg.KindReference)}
		}
		if t == kg.RelMitigates {
			e.Strength = "partial"
		}
		g.Edges = append(g.Edges, e)
	}
	return g
}

func kindSlug(k kg.Kind) string {
	return map[kg.Kind]string{
		kg.KindFailureMode: "fm", kg.KindCapability: "cap", kg.KindAsset: "asset", kg.KindMitigation: "mit",
		kg.KindLegal: "legal", kg.KindReference: "ref", kg.KindStakeholder: "sh",
	}[k]
}

func sprint(v any) string { return fmt.Sprintf("%+v", v) }

func uriOf(tb testing.TB) string { tb.Helper(); return neo4jtest.URI(tb) }
