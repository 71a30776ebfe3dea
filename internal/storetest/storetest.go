// Package storetest is the conformance suite every kg.Store must pass: Run checks each Store method's
// contract and every traversal of internal/traverse over the store, on the seed fixture and on a
// synthetic graph whose answers are worked out by hand; RunEquivalence compares two stores holding
// the same graph over a broad battery of queries. Backends run it from their _test.go files:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T, g *kg.Graph) kg.Store { ... })
//	}
//
// It imports testing and is meant to be imported only by tests.
package storetest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/seed"
)

// Run holds the store that newStore builds to the kg.Store contract and the traversals to their
// documented answers. newStore is called once per graph and must return a store holding exactly g;
// the suite only reads it.
func Run(t *testing.T, newStore func(t *testing.T, g *kg.Graph) kg.Store) {
	t.Run("minimal", func(t *testing.T) {
		g := Minimal(t)
		s := newStore(t, CloneGraph(g))
		t.Run("graph", func(t *testing.T) { testGraph(t, s, g) })
		t.Run("traverse", func(t *testing.T) { testMinimalTraversals(t, s) })
	})
	t.Run("synthetic", func(t *testing.T) {
		g := Synthetic()
		s := newStore(t, CloneGraph(g))
		t.Run("graph", func(t *testing.T) { testGraph(t, s, g) })
		t.Run("store", func(t *testing.T) { testStore(t, s) })
		t.Run("expand", func(t *testing.T) { testExpand(t, s) })
		t.Run("traverse", func(t *testing.T) { testTraversals(t, s) })
		t.Run("cancelled", func(t *testing.T) { testCancelled(t, s) })
	})
	t.Run("atlas", func(t *testing.T) {
		g := WithAtlas(t)
		s := newStore(t, CloneGraph(g))
		t.Run("graph", func(t *testing.T) { testGraph(t, s, g) })
		t.Run("layer", func(t *testing.T) { testAtlas(t, s) })
	})
}

// Minimal loads the seed fixture seed/testdata/minimal, found from the module root.
func Minimal(tb testing.TB) *kg.Graph {
	tb.Helper()
	root, err := ModuleRoot()
	if err != nil {
		tb.Fatal(err)
	}
	g, err := seed.LoadDir(filepath.Join(root, "seed", "testdata", "minimal"))
	if err != nil {
		tb.Fatalf("loading the minimal fixture: %v", err)
	}
	return g
}

// ModuleRoot returns the nearest directory at or above the working directory holding a go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("storetest: no go.mod above the working directory")
		}
		dir = parent
	}
}

// CloneGraph returns a deep copy of g, so that a store that kept or changed its input could not
// change the expectations computed from g.
func CloneGraph(g *kg.Graph) *kg.Graph {
	c := &kg.Graph{Nodes: make([]*kg.Node, len(g.Nodes)), Edges: make([]kg.Edge, len(g.Edges))}
	for i, n := range g.Nodes {
		c.Nodes[i] = n.Clone()
	}
	for i, e := range g.Edges {
		c.Edges[i] = e.Clone()
	}
	return c
}

// wantCode fails unless err carries code and, when arg is not empty, names arg.
func wantCode(tb testing.TB, err error, code, arg string) {
	tb.Helper()
	if got := kg.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if arg == "" {
		return
	}
	var e *kg.Error
	if !errors.As(err, &e) {
		tb.Fatalf("error %v is not a *kg.Error naming %q", err, arg)
	}
	if e.Arg != arg {
		tb.Fatalf("error %v names argument %q, want %q", err, e.Arg, arg)
	}
}

// noErr fails on err.
func noErr(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("unexpected error: %v", err)
	}
}

// ids returns the ids of ns ("<nil>" for a nil entry).
func ids(ns []*kg.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		if n == nil {
			out[i] = "<nil>"
		} else {
			out[i] = n.ID
		}
	}
	return out
}

// edgeKeys renders edges as TYPE:source:target.
func edgeKeys(es []kg.Edge) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = edgeKey(e)
	}
	return out
}

func edgeKey(e kg.Edge) string { return kg.EdgeID(e.Type, e.Source, e.Target) }

// wantStrings fails unless got equals want, element by element (nil and empty are equal).
func wantStrings(tb testing.TB, what string, got, want []string) {
	tb.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		tb.Fatalf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// wantIDs fails unless the ids of ns are want, in order.
func wantIDs(tb testing.TB, what string, ns []*kg.Node, want ...string) {
	tb.Helper()
	wantStrings(tb, what, ids(ns), want)
}

// wantEdges fails unless es are want (as TYPE:source:target), in order.
func wantEdges(tb testing.TB, what string, es []kg.Edge, want ...string) {
	tb.Helper()
	wantStrings(tb, what, edgeKeys(es), want)
}

// sameNode fails unless got has every field of want (nil and empty slices are equal).
func sameNode(tb testing.TB, got, want *kg.Node) {
	tb.Helper()
	if got == nil || want == nil {
		if got != want {
			tb.Fatalf("node = %v, want %v", got, want)
		}
		return
	}
	if a, b := nodeString(got), nodeString(want); a != b {
		tb.Fatalf("node %s differs:\n got  %s\n want %s", want.ID, a, b)
	}
}

// sameEdge fails unless got has every field of want; the id is the canonical kg.EdgeID.
func sameEdge(tb testing.TB, got, want kg.Edge) {
	tb.Helper()
	want = want.Clone()
	want.ID = kg.EdgeID(want.Type, want.Source, want.Target)
	if a, b := edgeString(got), edgeString(want); a != b {
		tb.Fatalf("edge differs:\n got  %s\n want %s", a, b)
	}
}

// expectedAdjacent computes from g what Adjacent must return for id.
func expectedAdjacent(g *kg.Graph, id string, dir kg.Direction, types []kg.RelType) []kg.Edge {
	out := []kg.Edge{}
	for _, e := range g.Edges {
		if len(types) > 0 && !hasRel(types, e.Type) {
			continue
		}
		if (dir != kg.In && e.Source == id) || (dir != kg.Out && e.Target == id) {
			out = append(out, e)
		}
	}
	kg.SortEdges(out)
	return out
}

func hasRel(ts []kg.RelType, t kg.RelType) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// nodesOfKind returns g's nodes of kind in NodeLess order.
func nodesOfKind(g *kg.Graph, k kg.Kind) []*kg.Node {
	var out []*kg.Node
	for _, n := range g.Nodes {
		if n.Kind == k {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return kg.NodeLess(out[i], out[j]) })
	return out
}

func dirName(d kg.Direction) string {
	switch d {
	case kg.Out:
		return "out"
	case kg.In:
		return "in"
	}
	return "both"
}

func join(ss []string) string { return strings.Join(ss, ",") }

func sprint(v any) string { return fmt.Sprint(v) }
