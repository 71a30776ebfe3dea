package neo4jstore_test

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
)

// TestSameAnswersAsMemstore loads the shipped seed into Neo4j and into the embedded store and asks
// both every question the Store contract allows, expecting identical answers (reflect.DeepEqual,
// so nil and empty slices must match too).
func TestSameAnswersAsMemstore(t *testing.T) {
	g := shipped(t)
	neo := open(t)
	load(t, neo, g)
	mem, err := memstore.New(g)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	same := func(t *testing.T, what string, want, got any, wantErr, gotErr error) {
		t.Helper()
		if kg.ErrorCode(wantErr) != kg.ErrorCode(gotErr) {
			t.Fatalf("%s: memstore error %v, neo4jstore error %v", what, wantErr, gotErr)
		}
		if !reflect.DeepEqual(want, got) && !bothEmpty(want, got) {
			t.Errorf("%s:\nmemstore   %s\nneo4jstore %s", what, dump(want), dump(got))
		}
	}
	ids := make([]string, 0, len(g.Nodes))
	for _, n := range g.Nodes {
		ids = append(ids, n.ID)
	}

	t.Run("Node", func(t *testing.T) {
		for _, id := range append(ids, "no-such-node", "") {
			want, werr := mem.Node(ctx, id)
			got, gerr := neo.Node(ctx, id)
			same(t, "Node "+id, want, got, werr, gerr)
		}
	})

	t.Run("Nodes", func(t *testing.T) {
		for _, batch := range [][]string{nil, {}, ids, {"no-such-node", ids[0], ids[0], "", ids[len(ids)-1]}} {
			want, werr := mem.Nodes(ctx, batch)
			got, gerr := neo.Nodes(ctx, batch)
			same(t, "Nodes", want, got, werr, gerr)
		}
	})

	t.Run("List and Count", func(t *testing.T) {
		var filters []kg.Filter
		for _, k := range kg.Kinds {
			filters = append(filters,
				kg.Filter{Kind: k},
				kg.Filter{Kind: k, Limit: 5},
				kg.Filter{Kind: k, After: "m"},
				kg.Filter{Kind: k, After: "m", Limit: 3},
				kg.Filter{Kind: k, Text: "model"},
				kg.Filter{Kind: k, Text: "DATA"},
				kg.Filter{Kind: k, Intent: kg.Intentional},
				kg.Filter{Kind: k, YearMax: 2010},
			)
		}
		for _, p := range kg.SecurityProperties {
			filters = append(filters, kg.Filter{Kind: kg.KindFailureMode, Compromises: p})
		}
		filters = append(filters,
			kg.Filter{Kind: kg.KindFailureMode, Intent: kg.Unintentional, Compromises: kg.Safety},
			kg.Filter{Kind: kg.KindLegal, Jurisdiction: "eu"},
			kg.Filter{Kind: kg.KindLegal, Jurisdiction: "US", YearMin: 2000},
			kg.Filter{Kind: kg.KindReference, YearMin: 2018, YearMax: 2019},
			kg.Filter{Kind: kg.KindReference, Author: "carlini"},
			kg.Filter{Kind: kg.KindReference, Author: "PAPERNOT", Text: "adversarial"},
			kg.Filter{Kind: kg.KindReference, Author: "no such author"},
			kg.Filter{Kind: "Nonsense"},
			kg.Filter{Kind: kg.KindAsset, Limit: -1},
			kg.Filter{Kind: kg.KindReference, YearMin: 2020, YearMax: 2000},
		)
		for _, f := range filters {
			want, werr := mem.List(ctx, f)
			got, gerr := neo.List(ctx, f)
			same(t, dump(f), ids2(want), ids2(got), werr, gerr)
			same(t, dump(f), want, got, werr, gerr)
			wc, werr := mem.Count(ctx, f)
			gc, gerr := neo.Count(ctx, f)
			same(t, "Count "+dump(f), wc, gc, werr, gerr)
		}
		// Walking every kind by pages gives every node once, in id order.
		for _, k := range kg.Kinds {
			var walked []string
			for after := ""; ; {
				page, err := neo.List(ctx, kg.Filter{Kind: k, After: after, Limit: 7})
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				walked = append(walked, ids2(page)...)
				after = page[len(page)-1].ID
			}
			all, _ := mem.List(ctx, kg.Filter{Kind: k, Limit: kg.MaxLimit})
			same(t, "pages of "+string(k), ids2(all), walked, nil, nil)
		}
	})

	t.Run("Adjacent", func(t *testing.T) {
		typeSets := [][]kg.RelType{nil, {kg.RelCites}, {kg.RelMitigates, kg.RelTargets}, {"NONSENSE"}}
		for _, dir := range []kg.Direction{kg.Both, kg.Out, kg.In} {
			for _, types := range typeSets {
				for _, batch := range [][]string{nil, ids, {"no-such-node", ids[3], ids[3]}} {
					want, werr := mem.Adjacent(ctx, batch, dir, types)
					got, gerr := neo.Adjacent(ctx, batch, dir, types)
					same(t, dump([]any{"Adjacent", dir, types, len(batch)}), want, got, werr, gerr)
				}
			}
		}
	})

	t.Run("Search", func(t *testing.T) {
		queries := []string{
			"poisoning", "poison", "model inversion", "Model Inversion Attack", "membership inference",
			"adversarial examples", "GDPR", "eu", "ai act", "ML", "xyzzy", "the", "Carlini", "2019",
			"évasion", "backdoor trojan", "AML.T0020", "data-poisoning", "mod", "mo", "a b c",
		}
		for _, n := range g.Nodes[:len(g.Nodes):len(g.Nodes)] {
			if len(queries) > 400 {
				break
			}
			queries = append(queries, n.Name)
			if f := strings.Fields(n.Name); len(f) > 0 && len(f[0]) > 3 {
				queries = append(queries, f[0][:3], f[0][:len(f[0])-1])
			}
		}
		kindSets := [][]kg.Kind{nil, {kg.KindFailureMode}, {kg.KindReference, kg.KindMitigation}}
		for _, q := range queries {
			for _, kinds := range kindSets {
				for _, limit := range []int{0, 5} {
					want, werr := mem.Search(ctx, q, kinds, limit)
					got, gerr := neo.Search(ctx, q, kinds, limit)
					same(t, dump([]any{"Search", q, kinds, limit}), want, got, werr, gerr)
				}
			}
		}
		for _, q := range []string{"", "   ", "the of and", "!!!"} {
			_, werr := mem.Search(ctx, q, nil, 10)
			_, gerr := neo.Search(ctx, q, nil, 10)
			same(t, "Search "+q, nil, nil, werr, gerr)
		}
	})

	t.Run("Stats", func(t *testing.T) {
		want, werr := mem.Stats(ctx)
		got, gerr := neo.Stats(ctx)
		// When each store committed its load differs by nature; what was loaded must not.
		for _, st := range []*kg.Stats{&want, &got} {
			if st.Loaded == nil {
				continue
			}
			if st.Loaded.At.IsZero() {
				t.Errorf("Stats: Loaded.At is zero in %+v", *st.Loaded)
			}
			l := *st.Loaded
			l.At = time.Time{}
			st.Loaded = &l
		}
		same(t, "Stats", want, got, werr, gerr)
	})
}

// bothEmpty reports whether a and b are empty slices, nil or not: the contract does not say which
// an empty answer is (inside nodes and edges, nil and empty must still match exactly).
func bothEmpty(a, b any) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	return va.Kind() == reflect.Slice && vb.Kind() == reflect.Slice && va.Len() == 0 && vb.Len() == 0
}

func ids2(ns []*kg.Node) []string {
	out := []string{}
	for _, n := range ns {
		if n == nil {
			out = append(out, "<nil>")
			continue
		}
		out = append(out, n.ID)
	}
	return out
}

// dump prints v for failure messages, maps in key order.
func dump(v any) string {
	switch x := v.(type) {
	case map[string][]kg.Edge:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			b.WriteString(k + ": " + dump(x[k]) + "\n")
		}
		return b.String()
	case []*kg.Node:
		var b strings.Builder
		for _, n := range x {
			b.WriteString(dump(n) + "\n")
		}
		return b.String()
	case *kg.Node:
		if x == nil {
			return "<nil>"
		}
		return strings.ReplaceAll(strings.TrimPrefix(sprint(*x), "kg.Node"), "\n", " ")
	}
	return sprint(v)
}
