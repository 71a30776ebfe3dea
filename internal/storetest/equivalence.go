package storetest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/traverse"
)

// RunEquivalence asks ref and other, which must both hold g, a broad battery of questions derived
// from g — every Store method with many filters, every node's neighbourhood at depths 1 to 3 with and
// without filters and truncation, paths between many pairs, related for every node, search for many
// words, threat models, triage and legal answers for every asset, property and failure mode — and
// fails on any difference in nodes, edges, orders, scores or error codes. The Neo4j store is held to
// the memstore with it on the shipped seed.
func RunEquivalence(t *testing.T, ref, other kg.Store, g *kg.Graph) {
	groups := equivalenceProbes(g)
	names := make([]string, 0, len(groups))
	for name := range groups {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		probes := groups[name]
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			re, oe := traverse.New(ref), traverse.New(other)
			diffs := 0
			for _, p := range probes {
				a := outcome(p.run(ctx, ref, re))
				b := outcome(p.run(ctx, other, oe))
				if a == b {
					continue
				}
				diffs++
				t.Errorf("%s: the stores differ:\n%s", p.name, firstDiff(a, b))
				if diffs == 10 {
					t.Fatalf("giving up after %d differences (of %d probes)", diffs, len(probes))
				}
			}
			t.Logf("%d probes", len(probes))
		})
	}
}

// probe is one question asked of both stores.
type probe struct {
	name string
	run  func(ctx context.Context, s kg.Store, e *traverse.Engine) (any, error)
}

// outcome renders a result, or an error's code and client message, canonically.
func outcome(v any, err error) string {
	if err != nil {
		return "error " + kg.ErrorCode(err) + ": " + kg.ErrorMessage(err)
	}
	return render(v)
}

// render writes a result one item a line, so that a difference shows where it is. Store results show
// whole nodes; traversal results show nodes by id (their content comes from the same batch methods,
// compared whole in the store probes) and edges whole. Nil and empty lists render alike.
func render(v any) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	ref := func(n *kg.Node) string {
		if n == nil {
			return "<nil>"
		}
		return n.ID
	}
	refs := func(ns []*kg.Node) string { return join(ids(ns)) }
	edges := func(es []kg.Edge) {
		for _, e := range es {
			line("  edge %s", edgeString(e))
		}
	}
	switch x := v.(type) {
	case *kg.Node:
		line("%s", nodeString(x))
	case []*kg.Node:
		for _, n := range x {
			line("%s", nodeString(n))
		}
	case []kg.Hit:
		for _, h := range x {
			line("%v %s", h.Score, nodeString(h.Node))
		}
	case map[string][]kg.Edge:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			line("%s:", k)
			edges(x[k])
		}
	case map[string]int:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			line("%s=%d", k, x[k])
		}
	case kg.Stats:
		for _, k := range kg.Kinds {
			line("%s=%d", k, x.Nodes[k])
		}
		for _, r := range kg.RelTypes {
			line("%s=%d", r, x.Edges[r])
		}
		line("kinds=%d types=%d", len(x.Nodes), len(x.Edges))
	case int:
		line("%d", x)
	case *traverse.Subgraph:
		line("truncated=%v", x.Truncated)
		for _, n := range x.Nodes {
			line("%s", ref(n))
		}
		edges(x.Edges)
	case []traverse.Path:
		for _, p := range x {
			line("%s", refs(p.Nodes))
			edges(p.Edges)
		}
	case []traverse.Relatedness:
		for _, r := range x {
			line("%s %v [%s]", ref(r.Node), r.Score, refs(r.Shared))
		}
	case *traverse.ThreatModel:
		line("failure modes %s", refs(x.FailureModes))
		for _, m := range x.Mitigations {
			line("mitigation %s [%s]", ref(m.Mitigation), refs(m.Covers))
			edges(m.Edges)
		}
		line("cover %s", refs(x.MinimalCover))
		line("uncovered %s", refs(x.Uncovered))
	case []traverse.TriageCandidate:
		for _, c := range x {
			line("%s %v %v [%s] [%s]", ref(c.FailureMode), c.Score, c.Matched, refs(c.MatchedAssets), refs(c.Capabilities))
			for _, m := range c.FirstMitigations {
				line(" first %s [%s]", ref(m.Mitigation), refs(m.Covers))
				edges(m.Edges)
			}
		}
	case *traverse.LegalExposure:
		line("%s", ref(x.FailureMode))
		for _, it := range x.Items {
			line("%s [%s] from %s", ref(it.Consideration), refs(it.References), ref(it.InheritedFrom))
			edges([]kg.Edge{it.Edge})
		}
	case *traverse.Matrix:
		line("columns %s", refs(x.Columns))
		for i, r := range x.Rows {
			line("row %s", ref(r))
			if i < len(x.Cells) {
				for _, c := range x.Cells[i] {
					if c == nil {
						line("  .")
					} else {
						line("  edge %s", edgeString(*c))
					}
				}
			}
		}
		line("rows of cells %d", len(x.Cells))
	case *traverse.CoverageGaps:
		line("without mitigation %s", refs(x.WithoutMitigation))
		line("without legal %s", refs(x.WithoutLegal))
		line("few references %s", refs(x.FewReferences))
		line("mitigations without evidence %s", refs(x.MitigationsWithoutEvidence))
	default:
		line("unexpected result type %T: %v", v, v)
	}
	return b.String()
}

// nodeString renders every field of n; nil and empty lists alike.
func nodeString(n *kg.Node) string {
	if n == nil {
		return "<nil>"
	}
	access := "unset"
	if n.ViolatesAccessAuthorization != nil {
		access = fmt.Sprint(*n.ViolatesAccessAuthorization)
	}
	return fmt.Sprintf("%s %s name=%q summary=%q aliases=%q notes=%q number=%d intent=%s compromises=%v knowledge=%v "+
		"access=%s commentary=%q example=%q severity=%+v external=%+v category=%q implies=%q lifecycle=%q "+
		"jurisdiction=%q instrument=%q citation=%q year=%d title=%q authors=%q venue=%q doi=%q arxiv=%q url=%q type=%q questions=%q "+
		"origin=%s originSources=%q inForceFrom=%q appliesFrom=%q status=%s statusAsOf=%q",
		n.ID, n.Kind, n.Name, n.Summary, n.Aliases, n.Notes, n.Number, n.Intent, n.Compromises, n.Knowledge,
		access, n.AccessCommentary, n.Example, n.Severity, n.ExternalIDs, n.Category, n.Implies, n.Lifecycle,
		n.Jurisdiction, n.Instrument, n.Citation, n.Year, n.Title, n.Authors, n.Venue, n.DOI, n.ArXiv, n.URL, n.RefType, n.Questions,
		n.Origin, n.OriginSources, n.InForceFrom, n.AppliesFrom, n.Status, n.StatusAsOf)
}

// edgeString renders every field of e.
func edgeString(e kg.Edge) string {
	return fmt.Sprintf("%s %s %s->%s note=%q strength=%q refs=%q basis=%s confidence=%s reason=%q",
		e.ID, e.Type, e.Source, e.Target, e.Note, e.Strength, e.Refs, e.Basis, e.Confidence, e.Reason)
}

// firstDiff shows where two renderings part, with a little context.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	i := 0
	for i < len(al) && i < len(bl) && al[i] == bl[i] {
		i++
	}
	from := max(0, i-3)
	ctx := func(ls []string) string {
		to := min(len(ls), i+3)
		if from >= to {
			return "(end)"
		}
		return strings.Join(ls[from:to], "\n")
	}
	return fmt.Sprintf("at line %d\n--- ref ---\n%s\n--- other ---\n%s", i+1, ctx(al), ctx(bl))
}

// equivalenceProbes derives the battery from g, by group.
func equivalenceProbes(g *kg.Graph) map[string][]probe {
	byKind := map[kg.Kind][]*kg.Node{}
	var all []string
	for _, n := range g.Nodes {
		byKind[n.Kind] = append(byKind[n.Kind], n)
		all = append(all, n.ID)
	}
	for _, ns := range byKind {
		sort.Slice(ns, func(i, j int) bool { return ns[i].ID < ns[j].ID })
	}
	sort.Strings(all)
	idsOf := func(k kg.Kind) []string { return ids(byKind[k]) }
	fms, assets, caps := idsOf(kg.KindFailureMode), idsOf(kg.KindAsset), idsOf(kg.KindCapability)
	legal, mits := idsOf(kg.KindLegal), idsOf(kg.KindMitigation)
	out := map[string][]probe{}
	add := func(group, name string, run func(ctx context.Context, s kg.Store, e *traverse.Engine) (any, error)) {
		out[group] = append(out[group], probe{name: name, run: run})
	}

	// Store methods.
	add("store", "Stats", func(ctx context.Context, s kg.Store, _ *traverse.Engine) (any, error) { return s.Stats(ctx) })
	add("store", "Nodes(all, and an unknown id)", func(ctx context.Context, s kg.Store, _ *traverse.Engine) (any, error) {
		return s.Nodes(ctx, append(append([]string(nil), all...), "no-such-node"))
	})
	add("store", "Node(unknown)", func(ctx context.Context, s kg.Store, _ *traverse.Engine) (any, error) {
		return s.Node(ctx, "no-such-node")
	})
	var filters []kg.Filter
	for _, k := range kg.Kinds {
		filters = append(filters, kg.Filter{Kind: k}, kg.Filter{Kind: k, Limit: 7}, kg.Filter{Kind: k, After: "m", Limit: 5})
	}
	for _, in := range []kg.Intent{kg.Intentional, kg.Unintentional} {
		filters = append(filters, kg.Filter{Kind: kg.KindFailureMode, Intent: in})
	}
	for _, p := range kg.SecurityProperties {
		filters = append(filters, kg.Filter{Kind: kg.KindFailureMode, Compromises: p})
	}
	jurisdictions := map[string]bool{}
	for _, n := range byKind[kg.KindLegal] {
		jurisdictions[n.Jurisdiction] = true
	}
	var js []string
	for j := range jurisdictions {
		js = append(js, j)
	}
	sort.Strings(js)
	for _, j := range js {
		filters = append(filters, kg.Filter{Kind: kg.KindLegal, Jurisdiction: j}, kg.Filter{Kind: kg.KindLegal, Jurisdiction: strings.ToLower(j)})
	}
	for _, y := range []int{1990, 2010, 2016, 2018, 2020} {
		filters = append(filters, kg.Filter{Kind: kg.KindReference, YearMin: y}, kg.Filter{Kind: kg.KindReference, YearMax: y},
			kg.Filter{Kind: kg.KindLegal, YearMin: y}, kg.Filter{Kind: kg.KindReference, YearMin: y, YearMax: y + 3})
	}
	for i, n := range byKind[kg.KindReference] {
		if i%5 == 0 && len(n.Authors) > 0 {
			words := strings.Fields(n.Authors[0])
			filters = append(filters, kg.Filter{Kind: kg.KindReference, Author: words[len(words)-1]})
		}
	}
	for _, w := range []string{"attack", "model", "data", "act", "poison", "privacy"} {
		for _, k := range kg.Kinds {
			filters = append(filters, kg.Filter{Kind: k, Text: w})
		}
	}
	filters = append(filters, kg.Filter{Kind: "Bogus"}, kg.Filter{Kind: kg.KindReference, YearMin: 2020, YearMax: 2000})
	for _, f := range filters {

		add("store", fmt.Sprintf("List(%+v)", f), func(ctx context.Context, s kg.Store, _ *traverse.Engine) (any, error) { return s.List(ctx, f) })
		add("store", fmt.Sprintf("Count(%+v)", f), func(ctx context.Context, s kg.Store, _ *traverse.Engine) (any, error) { return s.Count(ctx, f) })
	}
	for _, dir := range []kg.Direction{kg.Both, kg.Out, kg.In} {

		add("store", "Adjacent(all, "+dirName(dir)+")", func(ctx context.Context, s kg.Store, _ *traverse.Engine) (any, error) {
			return s.Adjacent(ctx, append(append([]string(nil), all...), "no-such-node"), dir, nil)
		})
		for _, r := range kg.RelTypes {

			add("store", "Adjacent(all, "+dirName(dir)+", "+string(r)+")", func(ctx context.Context, s kg.Store, _ *traverse.Engine) (any, error) {
				return s.Adjacent(ctx, all, dir, []kg.RelType{r})
			})
		}
	}

	// Search.
	words := map[string]bool{}
	for _, n := range g.Nodes {
		for i, tok := range kg.Tokenize(n.Name + " " + n.Title) {
			if i >= 2 {
				break
			}
			words[tok] = true
			if len(tok) > 4 {
				words[tok[:3]] = true
			}
		}
	}
	for i, n := range g.Nodes {
		if i%7 == 0 {
			words[n.Name] = true
		}
	}
	words["the"] = true
	words[""] = true
	var queries []string
	for w := range words {
		queries = append(queries, w)
	}
	sort.Strings(queries)
	for i, q := range queries {

		add("search", "Search("+q+")", func(ctx context.Context, s kg.Store, _ *traverse.Engine) (any, error) {
			return s.Search(ctx, q, nil, kg.MaxLimit)
		})
		if i%4 == 0 {
			kinds := []kg.Kind{kg.Kinds[i%len(kg.Kinds)], kg.KindFailureMode}
			add("search", fmt.Sprintf("Search(%s, %v, 5)", q, kinds), func(ctx context.Context, s kg.Store, _ *traverse.Engine) (any, error) {
				return s.Search(ctx, q, kinds, 5)
			})
		}
	}

	// Neighbourhoods.
	for _, id := range all {

		for d := 1; d <= kg.MaxDepth; d++ {
			o := traverse.NeighborhoodOpts{Depth: d, Limit: kg.MaxLimit}
			add("neighborhood", fmt.Sprintf("Neighborhood(%s, %+v)", id, o), func(ctx context.Context, _ kg.Store, e *traverse.Engine) (any, error) {
				return e.Neighborhood(ctx, id, o)
			})
		}
		for _, o := range []traverse.NeighborhoodOpts{
			{Depth: 2, Limit: 25},
			{Depth: 2, Limit: 200, Kinds: []kg.Kind{kg.KindFailureMode, kg.KindMitigation, kg.KindAsset}},
			{Depth: 3, Limit: 200, Relations: []kg.RelType{kg.RelMitigates, kg.RelTargets, kg.RelProtects, kg.RelSubtypeOf}},
			{Depth: 2, Limit: 50, Kinds: []kg.Kind{kg.KindFailureMode, kg.KindLegal, kg.KindReference}, Relations: []kg.RelType{kg.RelRaises, kg.RelCites}},
		} {

			add("neighborhood", fmt.Sprintf("Neighborhood(%s, %+v)", id, o), func(ctx context.Context, _ kg.Store, e *traverse.Engine) (any, error) {
				return e.Neighborhood(ctx, id, o)
			})
		}
	}
	add("neighborhood", "Subgraph(all)", func(ctx context.Context, _ kg.Store, e *traverse.Engine) (any, error) {
		return e.Subgraph(ctx, all[:min(len(all), kg.MaxIDs)])
	})
	add("neighborhood", "Subgraph(unknown)", func(ctx context.Context, _ kg.Store, e *traverse.Engine) (any, error) {
		return e.Subgraph(ctx, []string{"no-such-node"})
	})

	// Paths.
	pathsOf := func(from, to []string, o traverse.PathOpts) {
		for _, a := range from {
			for _, b := range to {
				if a == b {
					continue
				}

				add("paths", fmt.Sprintf("Paths(%s, %s, %+v)", a, b, o), func(ctx context.Context, _ kg.Store, e *traverse.Engine) (any, error) {
					return e.Paths(ctx, a, b, o)
				})
			}
		}
	}
	pathsOf(fms, legal, traverse.PathOpts{MaxLength: 3, Limit: 20})
	pathsOf(fms, fms, traverse.PathOpts{MaxLength: 4, Limit: 10})
	pathsOf(mits, assets, traverse.PathOpts{MaxLength: 3, Limit: 10, Relations: []kg.RelType{kg.RelMitigates, kg.RelTargets, kg.RelProtects}})
	pathsOf(caps, mits, traverse.PathOpts{MaxLength: 4, Limit: 5, Relations: []kg.RelType{kg.RelRequires, kg.RelMitigates, kg.RelSubtypeOf}})
	pathsOf(all[:min(len(all), 3)], []string{"no-such-node"}, traverse.PathOpts{MaxLength: 3, Limit: 5})

	// Related.
	for _, id := range all {

		add("related", "Related("+id+")", func(ctx context.Context, _ kg.Store, e *traverse.Engine) (any, error) {
			return e.Related(ctx, id, 10)
		})
	}

	// The audiences.
	tm := func(as, cs []string) {
		add("audiences", fmt.Sprintf("ThreatModel(%v, %v)", as, cs), func(ctx context.Context, _ kg.Store, e *traverse.Engine) (any, error) {
			return e.ThreatModel(ctx, as, cs)
		})
	}
	for _, a := range assets {
		tm([]string{a}, nil)
	}
	tm(assets, nil)
	tm(assets, []string{})
	tm(assets, caps)
	for _, c := range caps {
		tm(assets, []string{c})
	}
	tm([]string{"no-such-node"}, nil)
	triage := func(ps []kg.SecurityProperty, as []string) {
		add("audiences", fmt.Sprintf("Triage(%v, %v)", ps, as), func(ctx context.Context, _ kg.Store, e *traverse.Engine) (any, error) {
			return e.Triage(ctx, ps, as)
		})
	}
	for _, p := range kg.SecurityProperties {
		triage([]kg.SecurityProperty{p}, nil)
		if len(assets) > 0 {
			triage([]kg.SecurityProperty{p}, assets[:1])
		}
	}
	for _, a := range assets {
		triage(nil, []string{a})
	}
	triage(kg.SecurityProperties, assets)
	triage(nil, nil)
	for _, f := range fms {

		add("audiences", "LegalExposure("+f+")", func(ctx context.Context, _ kg.Store, e *traverse.Engine) (any, error) {
			return e.LegalExposure(ctx, f)
		})
	}
	for _, j := range append([]string{"", "nowhere"}, js...) {

		add("audiences", "LegalMatrix("+j+")", func(ctx context.Context, _ kg.Store, e *traverse.Engine) (any, error) {
			return e.LegalMatrix(ctx, j)
		})
	}
	add("audiences", "CoverageGaps", func(ctx context.Context, _ kg.Store, e *traverse.Engine) (any, error) {
		return e.CoverageGaps(ctx)
	})
	return out
}
