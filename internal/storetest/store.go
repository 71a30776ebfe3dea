package storetest

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/traverse"
)

// testGraph checks, for any graph, that the store holds exactly g: every node with every field,
// every edge in every direction and type filter, the lists, counts, stats and search candidates.
// The expectations come from g itself, not from the store.
func testGraph(t *testing.T, s kg.Store, g *kg.Graph) {
	ctx := context.Background()
	all := make([]string, len(g.Nodes))
	for i, n := range g.Nodes {
		all[i] = n.ID
	}

	t.Run("Node returns every node whole", func(t *testing.T) {
		for _, want := range g.Nodes {
			got, err := s.Node(ctx, want.ID)
			noErr(t, err)
			sameNode(t, got, want)
		}
	})
	t.Run("Nodes returns every node in the order asked", func(t *testing.T) {
		rev := append([]string(nil), all...)
		sort.Sort(sort.Reverse(sort.StringSlice(rev)))
		got, err := s.Nodes(ctx, rev)
		noErr(t, err)
		if len(got) != len(rev) {
			t.Fatalf("Nodes returned %d nodes for %d ids", len(got), len(rev))
		}
		byID := map[string]*kg.Node{}
		for _, n := range g.Nodes {
			byID[n.ID] = n
		}
		for i, id := range rev {
			sameNode(t, got[i], byID[id])
		}
	})
	t.Run("Stats counts every kind and type", func(t *testing.T) {
		st, err := s.Stats(ctx)
		noErr(t, err)
		for _, k := range kg.Kinds {
			if got, want := st.Nodes[k], len(nodesOfKind(g, k)); got != want {
				t.Errorf("Stats.Nodes[%s] = %d, want %d", k, got, want)
			}
		}
		for _, r := range kg.RelTypes {
			want := 0
			for _, e := range g.Edges {
				if e.Type == r {
					want++
				}
			}
			if got := st.Edges[r]; got != want {
				t.Errorf("Stats.Edges[%s] = %d, want %d", r, got, want)
			}
		}
		// The store knows what it holds: the graph's hash and counts, from the load.
		if l := st.Loaded; l == nil || l.Hash != g.Hash() || l.Nodes != len(g.Nodes) || l.Edges != len(g.Edges) || l.At.IsZero() {
			t.Errorf("Stats.Loaded = %+v, want hash %s, %d nodes, %d edges and a time", l, g.Hash(), len(g.Nodes), len(g.Edges))
		}
	})
	for _, k := range kg.Kinds {
		t.Run("List and Count "+string(k), func(t *testing.T) {
			want := nodesOfKind(g, k)
			got, err := s.List(ctx, kg.Filter{Kind: k})
			noErr(t, err)
			wantIDs(t, "List in NodeLess order", got, ids(want)...)
			for i := range got {
				sameNode(t, got[i], want[i])
			}
			n, err := s.Count(ctx, kg.Filter{Kind: k})
			noErr(t, err)
			if n != len(want) {
				t.Fatalf("Count = %d, want %d", n, len(want))
			}
			// Keyset pagination, two at a time, walks every id in id order.
			byID := ids(want)
			sort.Strings(byID)
			var walked []string
			for after := ""; ; {
				page, err := s.List(ctx, kg.Filter{Kind: k, After: after, Limit: 2})
				noErr(t, err)
				if len(page) > 2 {
					t.Fatalf("page of %d nodes with Limit 2", len(page))
				}
				if len(page) == 0 {
					break
				}
				walked = append(walked, ids(page)...)
				after = page[len(page)-1].ID
			}
			wantStrings(t, "pages", walked, byID)
		})
	}
	for _, dir := range []kg.Direction{kg.Both, kg.Out, kg.In} {
		t.Run("Adjacent "+dirName(dir), func(t *testing.T) {
			got, err := s.Adjacent(ctx, all, dir, nil)
			noErr(t, err)
			for _, id := range all {
				es, ok := got[id]
				if !ok {
					t.Fatalf("Adjacent: no key for %s", id)
				}
				want := expectedAdjacent(g, id, dir, nil)
				wantEdges(t, "Adjacent("+id+")", es, edgeKeys(want)...)
				for i := range es {
					sameEdge(t, es[i], want[i])
				}
			}
			for _, r := range kg.RelTypes {
				got, err := s.Adjacent(ctx, all, dir, []kg.RelType{r})
				noErr(t, err)
				for _, id := range all {
					wantEdges(t, "Adjacent("+id+", "+string(r)+")", got[id], edgeKeys(expectedAdjacent(g, id, dir, []kg.RelType{r}))...)
				}
			}
		})
	}
	t.Run("Search finds every node kg.Score scores", func(t *testing.T) {
		var queries []string
		for _, n := range g.Nodes {
			queries = append(queries, n.Name)
			if toks := kg.Tokenize(n.Name); len(toks) > 0 && len(toks[0]) > 4 {
				queries = append(queries, toks[0][:4]) // a prefix
			}
		}
		for _, q := range queries {
			if len(kg.QueryTokens(q)) == 0 {
				continue
			}
			var want []kg.Hit
			for _, n := range g.Nodes {
				if sc := kg.Score(q, n); sc > 0 {
					want = append(want, kg.Hit{Node: n, Score: sc})
				}
			}
			want = kg.SortHits(want, kg.MaxLimit)
			got, err := s.Search(ctx, q, nil, kg.MaxLimit)
			noErr(t, err)
			wantStrings(t, "Search("+q+")", hitKeys(got), hitKeys(want))
		}
	})
	t.Run("Ping", func(t *testing.T) { noErr(t, s.Ping(ctx)) })
}

func hitKeys(hs []kg.Hit) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.Node.ID + "=" + sprint(h.Score)
	}
	return out
}

// testStore checks the Store contract on the synthetic graph, with answers worked out by hand.
func testStore(t *testing.T, s kg.Store) {
	ctx := context.Background()

	t.Run("Node", func(t *testing.T) {
		n, err := s.Node(ctx, "fm-evasion")
		noErr(t, err)
		if n.Name != "Evasion attack" || n.Number != 1 || n.ViolatesAccessAuthorization == nil || *n.ViolatesAccessAuthorization {
			t.Fatalf("Node(fm-evasion) = %+v", n)
		}
		for _, id := range []string{"nope", "", "FM-EVASION"} {
			_, err := s.Node(ctx, id)
			wantCode(t, err, kg.ENOTFOUND, "")
		}
	})
	t.Run("Nodes keeps order, repeats and gaps", func(t *testing.T) {
		ns, err := s.Nodes(ctx, []string{"a-model", "nope", "fm-evasion", "a-model"})
		noErr(t, err)
		wantIDs(t, "Nodes", ns, "a-model", "<nil>", "fm-evasion", "a-model")
		ns, err = s.Nodes(ctx, nil)
		noErr(t, err)
		if len(ns) != 0 {
			t.Fatalf("Nodes(nil) = %v", ids(ns))
		}
	})

	fm := kg.KindFailureMode
	listCases := []struct {
		name string
		f    kg.Filter
		want []string
	}{
		{"failure modes in NodeLess order", kg.Filter{Kind: fm},
			[]string{"fm-evasion", "fm-poison", "fm-inversion", "fm-shift", "fm-evasion-targeted", "fm-poison-backdoor"}},
		{"intent", kg.Filter{Kind: fm, Intent: kg.Unintentional}, []string{"fm-shift"}},
		{"compromises", kg.Filter{Kind: fm, Compromises: kg.Integrity},
			[]string{"fm-evasion", "fm-poison", "fm-evasion-targeted", "fm-poison-backdoor"}},
		{"compromises none", kg.Filter{Kind: fm, Intent: kg.Unintentional, Compromises: kg.Integrity}, nil},
		{"jurisdiction ignores case", kg.Filter{Kind: kg.KindLegal, Jurisdiction: "us"}, []string{"l-cfaa", "l-dmca"}},
		{"jurisdiction is exact", kg.Filter{Kind: kg.KindLegal, Jurisdiction: "U"}, nil},
		{"year from", kg.Filter{Kind: kg.KindReference, YearMin: 2018}, []string{"r-beta", "r-eps", "r-gamma"}},
		{"year to", kg.Filter{Kind: kg.KindReference, YearMax: 2015}, []string{"r-alpha", "r-delta", "r-zeta"}},
		{"year range", kg.Filter{Kind: kg.KindReference, YearMin: 2015, YearMax: 2018}, []string{"r-alpha", "r-beta"}},
		{"legal year", kg.Filter{Kind: kg.KindLegal, YearMin: 2000}, []string{"l-aiact", "l-gdpr"}},
		{"author substring ignores case", kg.Filter{Kind: kg.KindReference, Author: "ada"}, []string{"r-alpha", "r-zeta"}},
		{"author", kg.Filter{Kind: kg.KindReference, Author: "TURING"}, []string{"r-alpha"}},
		{"author with accent", kg.Filter{Kind: kg.KindReference, Author: "Salomé"}, []string{"r-zeta"}},
		{"text in name", kg.Filter{Kind: fm, Text: "EVASION"}, []string{"fm-evasion", "fm-evasion-targeted"}},
		{"text inside a word", kg.Filter{Kind: fm, Text: "poison"}, []string{"fm-poison", "fm-poison-backdoor"}},
		{"text in title", kg.Filter{Kind: kg.KindReference, Text: "defences"}, []string{"r-beta"}},
		{"keyset first page", kg.Filter{Kind: fm, Limit: 2}, []string{"fm-evasion", "fm-evasion-targeted"}},
		{"keyset next page", kg.Filter{Kind: fm, After: "fm-evasion-targeted", Limit: 2}, []string{"fm-inversion", "fm-poison"}},
		{"keyset last page", kg.Filter{Kind: fm, After: "fm-poison", Limit: 2}, []string{"fm-poison-backdoor", "fm-shift"}},
		{"keyset past the end", kg.Filter{Kind: fm, After: "fm-shift", Limit: 2}, nil},
		{"after without limit is id order", kg.Filter{Kind: fm, After: "fm-p"}, []string{"fm-poison", "fm-poison-backdoor", "fm-shift"}},
		{"keyset before", kg.Filter{Kind: fm, Before: "fm-poison", Limit: 2}, []string{"fm-evasion", "fm-evasion-targeted"}},
		{"keyset last of all", kg.Filter{Kind: fm, Limit: 2, FromEnd: true}, []string{"fm-poison-backdoor", "fm-shift"}},
		{"keyset last before", kg.Filter{Kind: fm, Before: "fm-poison", Limit: 2, FromEnd: true}, []string{"fm-evasion-targeted", "fm-inversion"}},
		{"keyset last before past the start", kg.Filter{Kind: fm, Before: "fm-evasion-targeted", Limit: 3, FromEnd: true}, []string{"fm-evasion"}},
		{"keyset between", kg.Filter{Kind: fm, After: "fm-evasion", Before: "fm-poison-backdoor"}, []string{"fm-evasion-targeted", "fm-inversion", "fm-poison"}},
		{"keyset last between with a filter", kg.Filter{Kind: fm, Compromises: kg.Integrity, After: "fm-evasion", Before: "fm-shift", Limit: 2, FromEnd: true}, []string{"fm-poison", "fm-poison-backdoor"}},
		{"limit with a filter", kg.Filter{Kind: fm, Compromises: kg.Integrity, Limit: 3}, []string{"fm-evasion", "fm-evasion-targeted", "fm-poison"}},
		{"capabilities by id", kg.Filter{Kind: kg.KindCapability}, []string{"cap-blackbox", "cap-data", "cap-graybox", "cap-query", "cap-whitebox"}},
		{"origin paper", kg.Filter{Kind: fm, Origin: kg.OriginPaper}, []string{"fm-evasion", "fm-poison", "fm-inversion", "fm-evasion-targeted"}},
		{"origin companion", kg.Filter{Kind: fm, Origin: kg.OriginCompanion}, []string{"fm-poison-backdoor"}},
		{"origin extension with intent", kg.Filter{Kind: fm, Origin: kg.OriginExtension, Intent: kg.Unintentional}, []string{"fm-shift"}},
		{"origin on another kind", kg.Filter{Kind: kg.KindMitigation, Origin: kg.OriginPaper}, nil},
		{"status in force", kg.Filter{Kind: kg.KindLegal, Status: kg.StatusInForce}, []string{"l-cfaa", "l-dmca", "l-gdpr"}},
		{"status not yet applicable", kg.Filter{Kind: kg.KindLegal, Status: kg.StatusNotYetApplicable, Jurisdiction: "eu"}, []string{"l-aiact"}},
		{"status nobody has", kg.Filter{Kind: kg.KindLegal, Status: kg.StatusProposed}, nil},
	}
	for _, c := range listCases {
		t.Run("List "+c.name, func(t *testing.T) {
			got, err := s.List(ctx, c.f)
			noErr(t, err)
			wantIDs(t, "List", got, c.want...)
			if c.f.After == "" && c.f.Before == "" && c.f.Limit == 0 {
				n, err := s.Count(ctx, c.f)
				noErr(t, err)
				if n != len(c.want) {
					t.Fatalf("Count = %d, want %d", n, len(c.want))
				}
			}
		})
	}
	t.Run("Count ignores After and Limit", func(t *testing.T) {
		n, err := s.Count(ctx, kg.Filter{Kind: fm, After: "fm-z", Limit: 1})
		noErr(t, err)
		if n != 6 {
			t.Fatalf("Count = %d, want 6", n)
		}
	})
	badFilters := []struct {
		name string
		f    kg.Filter
		arg  string
	}{
		{"unknown kind", kg.Filter{Kind: "Bogus"}, "kind"},
		{"empty kind", kg.Filter{}, "kind"},
		{"negative limit", kg.Filter{Kind: fm, Limit: -1}, "first"},
		{"from the end without a limit", kg.Filter{Kind: fm, FromEnd: true}, "last"},
		{"a jurisdiction too long", kg.Filter{Kind: kg.KindLegal, Jurisdiction: strings.Repeat("é", kg.MaxQueryLen+1)}, "jurisdiction"},
		{"an author too long", kg.Filter{Kind: kg.KindReference, Author: strings.Repeat("a", kg.MaxQueryLen+1)}, "author"},
		{"a text too long", kg.Filter{Kind: kg.KindReference, Text: strings.Repeat("a", kg.MaxQueryLen+1)}, "search"},
		{"years reversed", kg.Filter{Kind: kg.KindReference, YearMin: 2020, YearMax: 2010}, "yearFrom"},
	}
	for _, c := range badFilters {
		t.Run("List and Count refuse "+c.name, func(t *testing.T) {
			_, err := s.List(ctx, c.f)
			wantCode(t, err, kg.EINVALID, c.arg)
			_, err = s.Count(ctx, c.f)
			wantCode(t, err, kg.EINVALID, c.arg)
		})
	}

	adjCases := []struct {
		name  string
		ids   []string
		dir   kg.Direction
		types []kg.RelType
		want  map[string][]string
	}{
		{"out of a failure mode", []string{"fm-evasion"}, kg.Out, nil, map[string][]string{"fm-evasion": {
			"CITES:fm-evasion:r-alpha", "CITES:fm-evasion:r-beta", "RAISES:fm-evasion:l-aiact", "RAISES:fm-evasion:l-cfaa",
			"REQUIRES:fm-evasion:cap-blackbox", "REQUIRES:fm-evasion:cap-query", "TARGETS:fm-evasion:a-api", "TARGETS:fm-evasion:a-model"}}},
		{"into a failure mode", []string{"fm-evasion"}, kg.In, nil, map[string][]string{"fm-evasion": {
			"CONCERNED_WITH:s-engineers:fm-evasion", "MITIGATES:m-advtrain:fm-evasion", "MITIGATES:m-monitor:fm-evasion",
			"SUBTYPE_OF:fm-evasion-targeted:fm-evasion"}}},
		{"both ways", []string{"fm-evasion"}, kg.Both, nil, map[string][]string{"fm-evasion": {
			"CITES:fm-evasion:r-alpha", "CITES:fm-evasion:r-beta", "CONCERNED_WITH:s-engineers:fm-evasion",
			"MITIGATES:m-advtrain:fm-evasion", "MITIGATES:m-monitor:fm-evasion",
			"RAISES:fm-evasion:l-aiact", "RAISES:fm-evasion:l-cfaa",
			"REQUIRES:fm-evasion:cap-blackbox", "REQUIRES:fm-evasion:cap-query",
			"SUBTYPE_OF:fm-evasion-targeted:fm-evasion", "TARGETS:fm-evasion:a-api", "TARGETS:fm-evasion:a-model"}}},
		{"two types", []string{"fm-evasion"}, kg.Both, []kg.RelType{kg.RelTargets, kg.RelMitigates}, map[string][]string{"fm-evasion": {
			"MITIGATES:m-advtrain:fm-evasion", "MITIGATES:m-monitor:fm-evasion", "TARGETS:fm-evasion:a-api", "TARGETS:fm-evasion:a-model"}}},
		{"unknown and unconnected ids are empty keys", []string{"a-api", "nope", "r-zeta"}, kg.In, []kg.RelType{kg.RelTargets},
			map[string][]string{"a-api": {"TARGETS:fm-evasion:a-api", "TARGETS:fm-evasion-targeted:a-api"}, "nope": {}, "r-zeta": {}}},
		{"parallel edges both listed", []string{"s-engineers", "r-alpha"}, kg.Out, nil, map[string][]string{
			"s-engineers": {"CITES:s-engineers:r-alpha", "CONCERNED_WITH:s-engineers:fm-evasion", "CONCERNED_WITH:s-engineers:fm-poison", "CONCERNED_WITH:s-engineers:r-alpha"},
			"r-alpha":     {}}},
		{"type that does not touch the node", []string{"a-data"}, kg.Both, []kg.RelType{kg.RelRaises}, map[string][]string{"a-data": {}}},
	}
	for _, c := range adjCases {
		t.Run("Adjacent "+c.name, func(t *testing.T) {
			got, err := s.Adjacent(ctx, c.ids, c.dir, c.types)
			noErr(t, err)
			if len(got) != len(c.want) {
				t.Fatalf("Adjacent returned %d keys, want %d", len(got), len(c.want))
			}
			for id, want := range c.want {
				es, ok := got[id]
				if !ok {
					t.Fatalf("no key %q", id)
				}
				wantEdges(t, id, es, want...)
			}
		})
	}
	t.Run("Adjacent keeps strength, note and refs in order", func(t *testing.T) {
		got, err := s.Adjacent(ctx, []string{"fm-evasion"}, kg.Out, []kg.RelType{kg.RelRaises})
		noErr(t, err)
		es := got["fm-evasion"]
		wantEdges(t, "RAISES", es, "RAISES:fm-evasion:l-aiact", "RAISES:fm-evasion:l-cfaa")
		cfaa := es[1]
		if cfaa.ID != "RAISES:fm-evasion:l-cfaa" || cfaa.Note != "Is crafting inputs unauthorised access?" {
			t.Fatalf("edge = %+v", cfaa)
		}
		wantStrings(t, "refs", cfaa.Refs, []string{"r-delta", "r-alpha"})
		got, err = s.Adjacent(ctx, []string{"fm-shift"}, kg.In, []kg.RelType{kg.RelMitigates})
		noErr(t, err)
		var strengths []string
		for _, e := range got["fm-shift"] {
			strengths = append(strengths, e.Source+"="+string(e.Strength)+"="+join(e.Refs))
		}
		wantStrings(t, "strengths", strengths, []string{"m-advtrain=partial=r-beta", "m-governance=strong=r-gamma,r-eps"})
	})
	t.Run("Adjacent keeps basis, confidence and reason", func(t *testing.T) {
		got, err := s.Adjacent(ctx, []string{"fm-poison"}, kg.In, []kg.RelType{kg.RelMitigates})
		noErr(t, err)
		var prov []string
		for _, e := range got["fm-poison"] {
			prov = append(prov, e.Source+"="+string(e.Basis)+"="+string(e.Confidence)+"="+e.Reason)
		}
		wantStrings(t, "provenance", prov, []string{
			"m-monitor=EDITORIAL=LOW=No study shows monitoring catches poisoning.",
			"m-sanitise=PAPER=HIGH=",
		})
	})

	// Scores by hand from kg's weights: name 4, alias/id/title 3, authors 2, summary and other 1,
	// a prefix-only match counts half, and the whole query inside the name or title adds 2.
	searchCases := []struct {
		name  string
		query string
		kinds []kg.Kind
		limit int
		want  []string
	}{
		// fm-evasion: name 4 + phrase 2; fm-evasion-targeted: name 4 + phrase 2; m-advtrain: summary 1.
		{"ties by id", "evasion", nil, 10, []string{"fm-evasion=6", "fm-evasion-targeted=6", "m-advtrain=1"}},
		{"kinds", "evasion", []kg.Kind{kg.KindMitigation}, 10, []string{"m-advtrain=1"}},
		{"limit", "evasion", nil, 2, []string{"fm-evasion=6", "fm-evasion-targeted=6"}},
		// A prefix counts half: name 2, and "evas" still occurs in the name: + 2.
		{"prefix", "evas", nil, 10, []string{"fm-evasion=4", "fm-evasion-targeted=4", "m-advtrain=0.5"}},
		{"no prefix under three letters", "ev", nil, 10, nil},
		{"no match", "zzzz", nil, 10, nil},
		// fm-inversion: 4 + 4 + phrase 2; a-model: name 4; fm-evasion: its ATLAS name "Evade ML Model" (id weight 3).
		{"two words", "model inversion", nil, 10, []string{"fm-inversion=10", "a-model=4", "fm-evasion=3"}},
		// r-alpha: name 4 + phrase 2; r-zeta: authors 2.
		{"authors and names", "Lovelace", nil, 10, []string{"r-alpha=6", "r-zeta=2"}},
		{"accents fold", "salome", nil, 10, []string{"r-zeta=2"}},
		{"accents fold in the query", "SALOMÉ", nil, 10, []string{"r-zeta=2"}},
		{"stopwords are skipped", "the evasion", []kg.Kind{kg.KindFailureMode}, 10, []string{"fm-evasion=6", "fm-evasion-targeted=6"}},
	}
	for _, c := range searchCases {
		t.Run("Search "+c.name, func(t *testing.T) {
			got, err := s.Search(ctx, c.query, c.kinds, c.limit)
			noErr(t, err)
			wantStrings(t, "hits", hitKeys(got), c.want)
		})
	}
	for _, q := range []string{"", "   ", "the of", "!!"} {
		t.Run("Search refuses "+q, func(t *testing.T) {
			_, err := s.Search(ctx, q, nil, 10)
			wantCode(t, err, kg.EINVALID, "query")
		})
	}
	t.Run("Stats", func(t *testing.T) {
		st, err := s.Stats(ctx)
		noErr(t, err)
		wantNodes := map[kg.Kind]int{kg.KindFailureMode: 6, kg.KindCapability: 5, kg.KindAsset: 4, kg.KindMitigation: 5,
			kg.KindLegal: 4, kg.KindReference: 6, kg.KindStakeholder: 2}
		wantEdges := map[kg.RelType]int{kg.RelSubtypeOf: 2, kg.RelRequires: 9, kg.RelTargets: 10, kg.RelMitigates: 11,
			kg.RelProtects: 2, kg.RelRaises: 6, kg.RelCites: 23, kg.RelConcernedWith: 4}
		for k, n := range wantNodes {
			if st.Nodes[k] != n {
				t.Errorf("Nodes[%s] = %d, want %d", k, st.Nodes[k], n)
			}
		}
		for r, n := range wantEdges {
			if st.Edges[r] != n {
				t.Errorf("Edges[%s] = %d, want %d", r, st.Edges[r], n)
			}
		}
	})
	t.Run("returned values are copies", func(t *testing.T) {
		n, err := s.Node(ctx, "fm-evasion")
		noErr(t, err)
		n.Name = "changed"
		n.Compromises[0] = kg.Safety
		adj, err := s.Adjacent(ctx, []string{"fm-evasion"}, kg.Out, []kg.RelType{kg.RelRaises})
		noErr(t, err)
		adj["fm-evasion"][1].Refs[0] = "changed"
		again, err := s.Node(ctx, "fm-evasion")
		noErr(t, err)
		if again.Name != "Evasion attack" || again.Compromises[0] != kg.Integrity {
			t.Fatalf("the store shares memory with a returned node: %+v", again)
		}
		adj, err = s.Adjacent(ctx, []string{"fm-evasion"}, kg.Out, []kg.RelType{kg.RelRaises})
		noErr(t, err)
		if adj["fm-evasion"][1].Refs[0] != "r-delta" {
			t.Fatalf("the store shares memory with a returned edge: %+v", adj["fm-evasion"][1])
		}
	})
}

// testCancelled checks that a cancelled context ends every method, and every traversal, with
// ECANCELED (the client went away), and an expired one with ETIMEOUT.
func testCancelled(t *testing.T, s kg.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := traverse.New(s)
	calls := []struct {
		name string
		call func() error
	}{
		{"Node", func() error { _, err := s.Node(ctx, "fm-evasion"); return err }},
		{"Nodes", func() error { _, err := s.Nodes(ctx, []string{"fm-evasion"}); return err }},
		{"List", func() error { _, err := s.List(ctx, kg.Filter{Kind: kg.KindAsset}); return err }},
		{"Count", func() error { _, err := s.Count(ctx, kg.Filter{Kind: kg.KindAsset}); return err }},
		{"Adjacent", func() error { _, err := s.Adjacent(ctx, []string{"fm-evasion"}, kg.Both, nil); return err }},
		{"Expand", func() error { _, err := s.Expand(ctx, []string{"fm-evasion"}, nil); return err }},
		{"Search", func() error { _, err := s.Search(ctx, "evasion", nil, 10); return err }},
		{"Stats", func() error { _, err := s.Stats(ctx); return err }},
		{"Ping", func() error { return s.Ping(ctx) }},
		{"Neighborhood", func() error {
			_, err := e.Neighborhood(ctx, "fm-evasion", traverse.NeighborhoodOpts{Depth: 2, Limit: 10})
			return err
		}},
		{"Paths", func() error {
			_, err := e.Paths(ctx, "fm-shift", "fm-inversion", traverse.PathOpts{MaxLength: 3, Limit: 10})
			return err
		}},
		{"Related", func() error { _, err := e.Related(ctx, "fm-evasion", 5); return err }},
		{"ThreatModel", func() error { _, err := e.ThreatModel(ctx, []string{"a-data"}, nil); return err }},
		{"Triage", func() error { _, err := e.Triage(ctx, []kg.SecurityProperty{kg.Integrity}, nil); return err }},
		{"LegalExposure", func() error { _, err := e.LegalExposure(ctx, "fm-evasion"); return err }},
		{"LegalMatrix", func() error { _, err := e.LegalMatrix(ctx, ""); return err }},
		{"CoverageGaps", func() error { _, err := e.CoverageGaps(ctx); return err }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) { wantCode(t, c.call(), kg.ECANCELED, "") })
	}
	expired, stop := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer stop()
	t.Run("an expired context is TIMEOUT", func(t *testing.T) {
		_, err := s.Node(expired, "fm-evasion")
		wantCode(t, err, kg.ETIMEOUT, "")
		_, err = s.Expand(expired, []string{"fm-evasion"}, nil)
		wantCode(t, err, kg.ETIMEOUT, "")
		_, err = e.Neighborhood(expired, "fm-evasion", traverse.NeighborhoodOpts{Depth: 2, Limit: 10})
		wantCode(t, err, kg.ETIMEOUT, "")
	})
}
