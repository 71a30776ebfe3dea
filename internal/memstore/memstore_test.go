package memstore_test

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/storetest"
	"github.com/failgraph/failgraph/seed"
)

func newStore(tb testing.TB, g *kg.Graph) *memstore.Store {
	tb.Helper()
	s, err := memstore.New(g)
	if err != nil {
		tb.Fatalf("memstore.New: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, g *kg.Graph) kg.Store { return newStore(t, g) })
}

// TestEquivalenceWithItself runs the equivalence battery on two stores built from the same graph: it
// keeps the battery itself working (and deterministic) without a second backend.
func TestEquivalenceWithItself(t *testing.T) {
	graphs := map[string]*kg.Graph{"synthetic": storetest.Synthetic(), "minimal": storetest.Minimal(t)}
	if g, err := seed.Load(); err == nil {
		graphs["shipped"] = g
	} else {
		t.Logf("the shipped seed does not load (content being edited?), skipping it: %v", err)
	}
	for name, g := range graphs {
		t.Run(name, func(t *testing.T) {
			storetest.RunEquivalence(t, newStore(t, storetest.CloneGraph(g)), newStore(t, storetest.CloneGraph(g)), g)
		})
	}
}

func TestNewRefusesBadGraphs(t *testing.T) {
	node := func(id string) *kg.Node { return &kg.Node{ID: id, Kind: kg.KindAsset, Name: id} }
	edge := func(src, dst string) kg.Edge { return kg.Edge{Type: kg.RelCites, Source: src, Target: dst} }
	cases := []struct {
		name string
		g    *kg.Graph
	}{
		{"an edge to a missing node", &kg.Graph{Nodes: []*kg.Node{node("a")}, Edges: []kg.Edge{edge("a", "b")}}},
		{"an edge from a missing node", &kg.Graph{Nodes: []*kg.Node{node("b")}, Edges: []kg.Edge{edge("a", "b")}}},
		{"a repeated node", &kg.Graph{Nodes: []*kg.Node{node("a"), node("a")}}},
		{"a repeated edge", &kg.Graph{Nodes: []*kg.Node{node("a"), node("b")}, Edges: []kg.Edge{edge("a", "b"), edge("a", "b")}}},
		{"an unknown kind", &kg.Graph{Nodes: []*kg.Node{{ID: "a", Kind: "Bogus"}}}},
		{"an unknown relation", &kg.Graph{Nodes: []*kg.Node{node("a"), node("b")}, Edges: []kg.Edge{{Type: "LIKES", Source: "a", Target: "b"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := memstore.New(c.g)
			if kg.ErrorCode(err) != kg.EINVALID {
				t.Fatalf("New = %v, want %s", err, kg.EINVALID)
			}
		})
	}
}

func TestCopiesInAndOut(t *testing.T) {
	ctx := context.Background()
	g := storetest.Synthetic()
	s := newStore(t, g)

	// Changing the graph after New changes nothing in the store.
	for _, n := range g.Nodes {
		if n.ID == "fm-evasion" {
			n.Name = "changed"
			n.Aliases[0] = "changed"
		}
	}
	g.Edges[0].Refs[0] = "changed"

	// Nor does changing what the store hands out.
	n, err := s.Node(ctx, "fm-evasion")
	if err != nil {
		t.Fatal(err)
	}
	if n.Name != "Evasion attack" || n.Aliases[0] != "adversarial example" {
		t.Fatalf("the store shares memory with its input: %+v", n)
	}
	n.Aliases[0] = "changed"
	*n.ViolatesAccessAuthorization = true
	ns, _ := s.Nodes(ctx, []string{"fm-evasion"})
	ns[0].Severity[0].Level = "changed"
	list, _ := s.List(ctx, kg.Filter{Kind: kg.KindFailureMode})
	list[0].Compromises[0] = kg.Safety
	hits, _ := s.Search(ctx, "evasion", nil, 1)
	hits[0].Node.ExternalIDs[0].ID = "changed"
	adj, _ := s.Adjacent(ctx, []string{"fm-evasion-targeted"}, kg.Out, []kg.RelType{kg.RelSubtypeOf})
	adj["fm-evasion-targeted"][0].Refs[0] = "changed"

	again, err := s.Node(ctx, "fm-evasion")
	if err != nil {
		t.Fatal(err)
	}
	if again.Aliases[0] != "adversarial example" || *again.ViolatesAccessAuthorization || again.Severity[0].Level != "Critical" ||
		again.Compromises[0] != kg.Integrity || again.ExternalIDs[0].ID != "AML.T0015" {
		t.Fatalf("the store shares memory with its output: %+v", again)
	}
	adj, _ = s.Adjacent(ctx, []string{"fm-evasion-targeted"}, kg.Out, []kg.RelType{kg.RelSubtypeOf})
	if got := adj["fm-evasion-targeted"][0].Refs[0]; got != "r-alpha" {
		t.Fatalf("the store shares an edge's refs: %q", got)
	}
}

// TestReplaceIsAtomic swaps two graphs under concurrent readers (run with -race): every reader sees
// one graph or the other, never a mix of the two.
func TestReplaceIsAtomic(t *testing.T) {
	ctx := context.Background()
	small := storetest.Minimal(t)
	big := storetest.Synthetic()
	s := newStore(t, small)
	// In each graph the node count and the number of failure modes go together.
	valid := map[[2]int]bool{{len(small.Nodes), 3}: true, {len(big.Nodes), 6}: true}

	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan string, 8)
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				st, err := s.Stats(ctx)
				if err != nil {
					errs <- err.Error()
					return
				}
				total := 0
				for _, n := range st.Nodes {
					total += n
				}
				if !valid[[2]int{total, st.Nodes[kg.KindFailureMode]}] {
					errs <- "mixed stats"
					return
				}
				fms, err := s.List(ctx, kg.Filter{Kind: kg.KindFailureMode})
				if err != nil || (len(fms) != 3 && len(fms) != 6) {
					errs <- "mixed list"
					return
				}
			}
		}()
	}
	for i := 0; i < 200; i++ {
		g := small
		if i%2 == 0 {
			g = big
		}
		if err := s.Replace(g); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}

	// A failed Replace leaves the old graph in place.
	if err := s.Replace(&kg.Graph{Nodes: []*kg.Node{{ID: "x", Kind: "Bogus"}}}); err == nil {
		t.Fatal("Replace accepted a bad graph")
	}
	n, err := s.Count(ctx, kg.Filter{Kind: kg.KindFailureMode})
	if err != nil || n != 3 {
		t.Fatalf("after a failed Replace: %d failure modes, %v; want the last good graph's 3", n, err)
	}
}

// TestClonesShareNothing fills every field of two nodes by reflection, so that a slice or pointer
// field added to kg.Node later is covered too, and checks that no way of reading them hands out
// memory the store or another returned node still uses.
func TestClonesShareNothing(t *testing.T) {
	ctx := context.Background()
	mk := func(id, seed string) *kg.Node {
		n := &kg.Node{}
		fill(t, reflect.ValueOf(n).Elem(), seed)
		n.ID, n.Kind, n.Name = id, kg.KindReference, "findme "+seed
		return n
	}
	a, b := mk("a", "alpha"), mk("b", "beta")
	s := newStore(t, &kg.Graph{Nodes: []*kg.Node{a.Clone(), b.Clone()}})
	reads := map[string]func() []*kg.Node{
		"Node": func() []*kg.Node {
			n, err := s.Node(ctx, "a")
			if err != nil {
				t.Fatal(err)
			}
			return []*kg.Node{n}
		},
		"Nodes": func() []*kg.Node {
			ns, err := s.Nodes(ctx, []string{"a", "b", "nope"})
			if err != nil {
				t.Fatal(err)
			}
			return ns[:2]
		},
		"List": func() []*kg.Node {
			ns, err := s.List(ctx, kg.Filter{Kind: kg.KindReference})
			if err != nil {
				t.Fatal(err)
			}
			return ns
		},
		"Search": func() []*kg.Node {
			hs, err := s.Search(ctx, "findme", nil, 10)
			if err != nil {
				t.Fatal(err)
			}
			var ns []*kg.Node
			for _, h := range hs {
				ns = append(ns, h.Node)
			}
			return ns
		},
	}
	want := map[string]*kg.Node{"a": a, "b": b}
	for name, read := range reads {
		t.Run(name, func(t *testing.T) {
			got := read()
			for _, n := range got {
				if !reflect.DeepEqual(n, want[n.ID]) {
					t.Fatalf("read %+v, want %+v", n, want[n.ID])
				}
			}
			// Appending to one returned node's lists must not write into another's.
			grown := reflect.ValueOf(got[0]).Elem()
			for i := 0; i < grown.NumField(); i++ {
				if f := grown.Field(i); f.Kind() == reflect.Slice {
					f.Set(reflect.Append(f, reflect.New(f.Type().Elem()).Elem()))
				}
			}
			for _, n := range got[1:] {
				if !reflect.DeepEqual(n, want[n.ID]) {
					t.Fatalf("appending to %s changed %s: %+v", got[0].ID, n.ID, n)
				}
			}
			for _, n := range got {
				scramble(reflect.ValueOf(n).Elem())
			}
			again, err := s.Nodes(ctx, []string{"a", "b"})
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range again {
				if !reflect.DeepEqual(n, want[n.ID]) {
					t.Fatalf("changing what %s returned changed the store: %+v", name, n)
				}
			}
		})
	}
}

// fill sets every field reachable from v to a non-zero value derived from seed.
func fill(t *testing.T, v reflect.Value, seed string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(seed)
	case reflect.Int:
		v.SetInt(int64(len(seed)))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := 0; i < 2; i++ {
			fill(t, s.Index(i), seed)
		}
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(t, p.Elem(), seed)
		v.Set(p)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			fill(t, v.Field(i), seed)
		}
	default:
		t.Fatalf("fill: a field of kind %s; teach this test (and memstore's cloneNodes) about it", v.Kind())
	}
}

// scramble changes every value reachable from v in place, through slices and pointers.
func scramble(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("scrambled")
	case reflect.Int:
		v.SetInt(-1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			scramble(v.Index(i))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			scramble(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			scramble(v.Field(i))
		}
	}
}

// TestAdjacentSharesNothing: the edge lists of one Adjacent answer share backing arrays (one
// allocation per call), so appending to one must not write into the next, nor changing refs reach
// the store.
func TestAdjacentSharesNothing(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, storetest.Synthetic())
	ids := []string{"fm-evasion", "fm-poison", "fm-shift"}
	got, err := s.Adjacent(ctx, ids, kg.Both, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := s.Adjacent(ctx, ids, kg.Both, nil)
	for _, id := range ids {
		es := got[id]
		es = append(es, kg.Edge{ID: "appended"})
		es[0].Refs = append(es[0].Refs, "appended")
		for i := range es {
			for j := range es[i].Refs {
				es[i].Refs[j] = "changed"
			}
		}
	}
	again, _ := s.Adjacent(ctx, ids, kg.Both, nil)
	if !reflect.DeepEqual(again, want) {
		t.Fatal("changing one Adjacent answer changed the store")
	}
	for _, id := range ids[1:] {
		if got[id][0].ID == "appended" {
			t.Fatalf("appending to one id's edges wrote into %s's", id)
		}
	}
}
