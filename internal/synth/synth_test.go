package synth_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/synth"
	"github.com/failgraph/failgraph/seed"
)

func template(tb testing.TB) synth.Mix {
	tb.Helper()
	g, err := seed.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return synth.MixOf(g)
}

// The written graph passes every rule of the seed's validation, which LoadDir applies.
func TestGeneratedGraphsKeepTheSeedRules(t *testing.T) {
	mix := template(t)
	for _, n := range []int{synth.MinNodes, 100, 1000, 3000} {
		g, err := synth.Generate(n, mix)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Nodes) != n {
			t.Errorf("Generate(%d): %d nodes", n, len(g.Nodes))
		}
		dir := t.TempDir()
		if err := seed.WriteDir(dir, g); err != nil {
			t.Fatal(err)
		}
		back, err := seed.LoadDir(dir)
		if err != nil {
			t.Fatalf("Generate(%d) breaks the seed's rules:\n%v", n, err)
		}
		if len(back.Nodes) != len(g.Nodes) || len(back.Edges) != len(g.Edges) {
			t.Errorf("Generate(%d): %d nodes and %d edges read back as %d and %d", n, len(g.Nodes), len(g.Edges), len(back.Nodes), len(back.Edges))
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	mix := template(t)
	a, _ := synth.Generate(2000, mix)
	b, _ := synth.Generate(2000, mix)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two graphs of the same size differ")
	}
	c, _ := synth.Generate(2001, mix)
	if reflect.DeepEqual(a.Edges, c.Edges) {
		t.Fatal("graphs of different sizes are the same")
	}
}

// The mix of kinds and relations follows the template's within a few per cent.
func TestGenerateKeepsTheMix(t *testing.T) {
	mix := template(t)
	g, err := synth.Generate(10000, mix)
	if err != nil {
		t.Fatal(err)
	}
	got := synth.MixOf(g)
	for _, k := range kg.Kinds {
		if k.IsAtlas() {
			continue // never generated: the ATLAS layer comes from an ATLAS release file
		}
		want := float64(mix.Nodes[k]) / float64(mix.Total)
		have := float64(got.Nodes[k]) / float64(got.Total)
		if math.Abs(have-want) > 0.01 {
			t.Errorf("%s: share %.3f, template %.3f", k, have, want)
		}
	}
	for _, r := range kg.RelTypes {
		want := float64(mix.Edges[r]) / float64(mix.Total)
		have := float64(got.Edges[r]) / float64(got.Total)
		if math.Abs(have-want) > 0.1*want+0.02 {
			t.Errorf("%s: %.3f edges per node, template %.3f", r, have, want)
		}
	}
	cross := 0
	block := func(id string) string { return strings.Split(id, "-")[1] } // kind-block-index
	for _, e := range g.Edges {
		if block(e.Source) != block(e.Target) {
			cross++
		}
	}
	if cross == 0 || float64(cross) > 0.1*float64(len(g.Edges)) {
		t.Errorf("%d of %d edges join two blocks; want some, at most 10%%", cross, len(g.Edges))
	}
}

func TestGenerateRefusesTooSmall(t *testing.T) {
	if _, err := synth.Generate(synth.MinNodes-1, template(t)); err == nil {
		t.Fatal("no error for a graph smaller than MinNodes")
	}
	if _, err := synth.Generate(1000, synth.Mix{}); err == nil {
		t.Fatal("no error for an empty template")
	}
}
