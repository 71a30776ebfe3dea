package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/traverse"
)

// testTraversals checks every query of internal/traverse over the store holding the synthetic graph.
// The expected answers are worked out by hand from the neighbour sets in Synthetic's comment.
func testTraversals(t *testing.T, s kg.Store) {
	e := traverse.New(s)
	t.Run("Neighborhood", func(t *testing.T) { testNeighborhood(t, e) })
	t.Run("Subgraph", func(t *testing.T) { testSubgraph(t, e) })
	t.Run("Paths", func(t *testing.T) { testPaths(t, e) })
	t.Run("Related", func(t *testing.T) { testRelated(t, e) })
	t.Run("ThreatModel", func(t *testing.T) { testThreatModel(t, e) })
	t.Run("Triage", func(t *testing.T) { testTriage(t, e) })
	t.Run("LegalExposure", func(t *testing.T) { testLegalExposure(t, e) })
	t.Run("LegalMatrix", func(t *testing.T) { testLegalMatrix(t, e) })
	t.Run("CoverageGaps", func(t *testing.T) { testCoverageGaps(t, e) })
	t.Run("Trust", func(t *testing.T) { testTrust(t, e) })
	t.Run("round trips", func(t *testing.T) { testRoundTrips(t, s) })
}

// countingStore counts the calls made to a store.
type countingStore struct {
	kg.Store
	calls int
}

func (c *countingStore) Node(ctx context.Context, id string) (*kg.Node, error) {
	c.calls++
	return c.Store.Node(ctx, id)
}

func (c *countingStore) Nodes(ctx context.Context, ids []string) ([]*kg.Node, error) {
	c.calls++
	return c.Store.Nodes(ctx, ids)
}

func (c *countingStore) List(ctx context.Context, f kg.Filter) ([]*kg.Node, error) {
	c.calls++
	return c.Store.List(ctx, f)
}

func (c *countingStore) Count(ctx context.Context, f kg.Filter) (int, error) {
	c.calls++
	return c.Store.Count(ctx, f)
}

func (c *countingStore) Adjacent(ctx context.Context, ids []string, dir kg.Direction, types []kg.RelType) (map[string][]kg.Edge, error) {
	c.calls++
	return c.Store.Adjacent(ctx, ids, dir, types)
}

func (c *countingStore) ListExpand(ctx context.Context, f kg.Filter, plan kg.Plan) ([]*kg.Node, *kg.Expansion, error) {
	c.calls++
	return c.Store.ListExpand(ctx, f, plan)
}

func (c *countingStore) Expand(ctx context.Context, ids []string, plan kg.Plan) (*kg.Expansion, error) {
	c.calls++
	return c.Store.Expand(ctx, ids, plan)
}

func (c *countingStore) Search(ctx context.Context, q string, kinds []kg.Kind, limit int) ([]kg.Hit, error) {
	c.calls++
	return c.Store.Search(ctx, q, kinds, limit)
}

// testRoundTrips holds every traversal to a number of store calls that depends on its depth or
// length only, never on the size of its answer: the Neo4j store makes one query a call.
func testRoundTrips(t *testing.T, s kg.Store) {
	ctx := context.Background()
	c := &countingStore{Store: s}
	e := traverse.New(c)
	cases := []struct {
		name string
		max  int
		run  func() error
	}{
		{"neighborhood depth 3 (centre, 3 levels, last level, nodes)", 6, func() error {
			_, err := e.Neighborhood(ctx, "fm-shift", traverse.NeighborhoodOpts{Depth: 3, Limit: kg.MaxLimit})
			return err
		}},
		{"neighborhood depth 3 with kinds (and a Nodes call per level)", 9, func() error {
			_, err := e.Neighborhood(ctx, "fm-shift", traverse.NeighborhoodOpts{Depth: 3, Limit: kg.MaxLimit, Kinds: []kg.Kind{kg.KindFailureMode, kg.KindAsset, kg.KindMitigation}})
			return err
		}},
		{"neighborhood depth 1", 4, func() error {
			_, err := e.Neighborhood(ctx, "r-gamma", traverse.NeighborhoodOpts{Depth: 1, Limit: 3})
			return err
		}},
		{"subgraph", 2, func() error {
			_, err := e.Subgraph(ctx, []string{"fm-evasion", "a-api", "a-model", "m-advtrain"})
			return err
		}},
		{"paths of length up to 6 (ends, levels, from, nodes)", kg.MaxPathLength + 3, func() error {
			_, err := e.Paths(ctx, "s-lawyers", "a-people", traverse.PathOpts{MaxLength: kg.MaxPathLength, Limit: kg.MaxLimit})
			return err
		}},
		{"related", 4, func() error { _, err := e.Related(ctx, "fm-evasion", 10); return err }},
		{"threat model", 5, func() error {
			_, err := e.ThreatModel(ctx, []string{"a-data", "a-model", "a-api", "a-people"}, []string{"cap-whitebox"})
			return err
		}},
		{"triage", 4, func() error {
			_, err := e.Triage(ctx, kg.SecurityProperties, []string{"a-data", "a-model", "a-api", "a-people"})
			return err
		}},
		{"legal exposure", 4, func() error { _, err := e.LegalExposure(ctx, "fm-evasion-targeted"); return err }},
		{"legal matrix", 3, func() error { _, err := e.LegalMatrix(ctx, ""); return err }},
		{"coverage gaps", 5, func() error { _, err := e.CoverageGaps(ctx); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.calls = 0
			noErr(t, tc.run())
			if c.calls > tc.max {
				t.Fatalf("%d store calls, want at most %d", c.calls, tc.max)
			}
		})
	}
}

func testNeighborhood(t *testing.T, e *traverse.Engine) {
	ctx := context.Background()
	shiftEdges := []string{"CITES:fm-shift:r-eps", "MITIGATES:m-advtrain:fm-shift", "MITIGATES:m-governance:fm-shift",
		"TARGETS:fm-shift:a-data", "TARGETS:fm-shift:a-people"}
	cases := []struct {
		name      string
		id        string
		o         traverse.NeighborhoodOpts
		nodes     []string
		edges     []string
		truncated bool
	}{
		{"depth 1: distance then id", "fm-shift", traverse.NeighborhoodOpts{Depth: 1, Limit: 100},
			[]string{"fm-shift", "a-data", "a-people", "m-advtrain", "m-governance", "r-eps"}, shiftEdges, false},
		{"limit cuts by distance then id", "fm-shift", traverse.NeighborhoodOpts{Depth: 1, Limit: 3},
			[]string{"fm-shift", "a-data", "a-people"}, []string{"TARGETS:fm-shift:a-data", "TARGETS:fm-shift:a-people"}, true},
		{"limit met exactly with nothing beyond", "fm-shift", traverse.NeighborhoodOpts{Depth: 1, Limit: 6},
			[]string{"fm-shift", "a-data", "a-people", "m-advtrain", "m-governance", "r-eps"}, shiftEdges, false},
		{"limit met exactly with more a level further", "fm-shift", traverse.NeighborhoodOpts{Depth: 2, Limit: 6},
			[]string{"fm-shift", "a-data", "a-people", "m-advtrain", "m-governance", "r-eps"}, shiftEdges, true},
		{"limit 1 keeps the centre", "fm-shift", traverse.NeighborhoodOpts{Depth: 1, Limit: 1},
			[]string{"fm-shift"}, nil, true},
		// Level 1 by TARGETS: a-data, a-people; level 2: the other failure modes that target a-data.
		{"kinds and relations", "fm-shift", traverse.NeighborhoodOpts{Depth: 2, Limit: 100,
			Kinds: []kg.Kind{kg.KindAsset, kg.KindFailureMode}, Relations: []kg.RelType{kg.RelTargets}},
			[]string{"fm-shift", "a-data", "a-people", "fm-inversion", "fm-poison", "fm-poison-backdoor"},
			[]string{"TARGETS:fm-inversion:a-data", "TARGETS:fm-poison:a-data", "TARGETS:fm-poison-backdoor:a-data",
				"TARGETS:fm-shift:a-data", "TARGETS:fm-shift:a-people"}, false},
		// Failure modes are not entered, so the mitigations behind them stay out of reach.
		{"kinds block routes", "a-data", traverse.NeighborhoodOpts{Depth: 3, Limit: 100, Kinds: []kg.Kind{kg.KindMitigation}},
			[]string{"a-data", "m-dp"}, []string{"PROTECTS:m-dp:a-data"}, false},
		{"the centre is kept whatever its kind", "a-data", traverse.NeighborhoodOpts{Depth: 1, Limit: 100, Kinds: []kg.Kind{kg.KindReference}},
			[]string{"a-data", "r-gamma"}, []string{"CITES:a-data:r-gamma"}, false},
		// The hub r-gamma: its seven citers, cut to three; edges among the last level count too.
		{"hub truncated with edges among the kept", "r-gamma", traverse.NeighborhoodOpts{Depth: 1, Limit: 4},
			[]string{"r-gamma", "a-data", "fm-inversion", "fm-poison"},
			[]string{"CITES:a-data:r-gamma", "CITES:fm-inversion:r-gamma", "CITES:fm-poison:r-gamma",
				"TARGETS:fm-inversion:a-data", "TARGETS:fm-poison:a-data"}, true},
		{"relations only", "fm-evasion", traverse.NeighborhoodOpts{Depth: 2, Limit: 100,
			Relations: []kg.RelType{kg.RelSubtypeOf, kg.RelMitigates}},
			[]string{"fm-evasion", "fm-evasion-targeted", "m-advtrain", "m-monitor", "fm-inversion", "fm-poison", "fm-shift"},
			[]string{"MITIGATES:m-advtrain:fm-evasion", "MITIGATES:m-advtrain:fm-evasion-targeted", "MITIGATES:m-advtrain:fm-shift",
				"MITIGATES:m-monitor:fm-evasion", "MITIGATES:m-monitor:fm-inversion", "MITIGATES:m-monitor:fm-poison",
				"SUBTYPE_OF:fm-evasion-targeted:fm-evasion"}, false},
		{"an unconnected node", "r-zeta", traverse.NeighborhoodOpts{Depth: 3, Limit: 10}, []string{"r-zeta"}, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sg, err := e.Neighborhood(ctx, c.id, c.o)
			noErr(t, err)
			wantIDs(t, "nodes", sg.Nodes, c.nodes...)
			wantEdges(t, "edges", sg.Edges, c.edges...)
			if sg.Truncated != c.truncated {
				t.Fatalf("Truncated = %v, want %v", sg.Truncated, c.truncated)
			}
		})
	}
	t.Run("depth 3 reaches all but the farthest", func(t *testing.T) {
		// From fm-shift every node is within three edges but s-lawyers (four, through l-cfaa or
		// r-delta) and the unconnected r-zeta; every edge but the two of s-lawyers joins kept nodes.
		sg, err := e.Neighborhood(ctx, "fm-shift", traverse.NeighborhoodOpts{Depth: 3, Limit: kg.MaxLimit})
		noErr(t, err)
		if len(sg.Nodes) != 30 || sg.Truncated {
			t.Fatalf("%d nodes (truncated %v), want 30: %v", len(sg.Nodes), sg.Truncated, ids(sg.Nodes))
		}
		for _, n := range sg.Nodes {
			if n.ID == "s-lawyers" || n.ID == "r-zeta" {
				t.Fatalf("%s is not within three edges", n.ID)
			}
		}
		if len(sg.Edges) != 65 {
			t.Fatalf("%d edges, want 65", len(sg.Edges))
		}
	})
	errs := []struct {
		name string
		id   string
		o    traverse.NeighborhoodOpts
		code string
		arg  string
	}{
		{"depth 0", "fm-shift", traverse.NeighborhoodOpts{Depth: 0, Limit: 10}, kg.EINVALID, "depth"},
		{"depth over the maximum", "fm-shift", traverse.NeighborhoodOpts{Depth: kg.MaxDepth + 1, Limit: 10}, kg.EINVALID, "depth"},
		{"limit 0", "fm-shift", traverse.NeighborhoodOpts{Depth: 1, Limit: 0}, kg.EINVALID, "limit"},
		{"limit over the maximum", "fm-shift", traverse.NeighborhoodOpts{Depth: 1, Limit: kg.MaxLimit + 1}, kg.EINVALID, "limit"},
		{"unknown kind", "fm-shift", traverse.NeighborhoodOpts{Depth: 1, Limit: 10, Kinds: []kg.Kind{"Bogus"}}, kg.EINVALID, "kinds"},
		{"unknown relation", "fm-shift", traverse.NeighborhoodOpts{Depth: 1, Limit: 10, Relations: []kg.RelType{"LIKES"}}, kg.EINVALID, "relations"},
		{"unknown centre", "nope", traverse.NeighborhoodOpts{Depth: 1, Limit: 10}, kg.ENOTFOUND, ""},
	}
	for _, c := range errs {
		t.Run("refuses "+c.name, func(t *testing.T) {
			_, err := e.Neighborhood(ctx, c.id, c.o)
			wantCode(t, err, c.code, c.arg)
		})
	}
}

func testSubgraph(t *testing.T, e *traverse.Engine) {
	ctx := context.Background()
	t.Run("order asked, repeats dropped, edges among", func(t *testing.T) {
		sg, err := e.Subgraph(ctx, []string{"fm-poison", "a-data", "fm-poison", "m-sanitise"})
		noErr(t, err)
		wantIDs(t, "nodes", sg.Nodes, "fm-poison", "a-data", "m-sanitise")
		wantEdges(t, "edges", sg.Edges, "MITIGATES:m-sanitise:fm-poison", "TARGETS:fm-poison:a-data")
	})
	t.Run("parallel edges", func(t *testing.T) {
		sg, err := e.Subgraph(ctx, []string{"r-alpha", "s-engineers"})
		noErr(t, err)
		wantEdges(t, "edges", sg.Edges, "CITES:s-engineers:r-alpha", "CONCERNED_WITH:s-engineers:r-alpha")
	})
	t.Run("empty", func(t *testing.T) {
		sg, err := e.Subgraph(ctx, nil)
		noErr(t, err)
		if len(sg.Nodes) != 0 || len(sg.Edges) != 0 {
			t.Fatalf("Subgraph(nil) = %+v", sg)
		}
	})
	t.Run("refuses unknown ids", func(t *testing.T) {
		_, err := e.Subgraph(ctx, []string{"fm-poison", "nope"})
		wantCode(t, err, kg.EINVALID, "ids")
	})
	t.Run("refuses too many ids", func(t *testing.T) {
		_, err := e.Subgraph(ctx, make([]string, kg.MaxIDs+1))
		wantCode(t, err, kg.EINVALID, "ids")
	})
}

// pathKey renders a path as its node ids joined by ">", then its edges.
func pathKey(p traverse.Path) string {
	return strings.Join(ids(p.Nodes), ">")
}

func pathKeys(ps []traverse.Path) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = pathKey(p)
	}
	return out
}

func testPaths(t *testing.T, e *traverse.Engine) {
	ctx := context.Background()
	// fm-shift to fm-inversion, any relation. Length 2 through their common neighbours a-data and
	// m-governance; length 3 through each neighbour X of fm-shift and each Y adjacent to both X and
	// fm-inversion: a-data→{m-dp, r-gamma}, a-people→{}, m-advtrain→{a-model, r-beta},
	// m-governance→{r-gamma}, r-eps→{m-monitor}.
	shiftToInversion := []string{
		"fm-shift>a-data>fm-inversion",
		"fm-shift>m-governance>fm-inversion",
		"fm-shift>a-data>m-dp>fm-inversion",
		"fm-shift>a-data>r-gamma>fm-inversion",
		"fm-shift>m-advtrain>a-model>fm-inversion",
		"fm-shift>m-advtrain>r-beta>fm-inversion",
		"fm-shift>m-governance>r-gamma>fm-inversion",
		"fm-shift>r-eps>m-monitor>fm-inversion",
	}
	cases := []struct {
		name     string
		from, to string
		o        traverse.PathOpts
		want     []string
	}{
		{"shortest first, then by node ids", "fm-shift", "fm-inversion", traverse.PathOpts{MaxLength: 3, Limit: 100}, shiftToInversion},
		{"max length", "fm-shift", "fm-inversion", traverse.PathOpts{MaxLength: 2, Limit: 100}, shiftToInversion[:2]},
		{"limit", "fm-shift", "fm-inversion", traverse.PathOpts{MaxLength: 3, Limit: 3}, shiftToInversion[:3]},
		{"reversed", "fm-inversion", "fm-shift", traverse.PathOpts{MaxLength: 2, Limit: 100},
			[]string{"fm-inversion>a-data>fm-shift", "fm-inversion>m-governance>fm-shift"}},
		// TARGETS only: the graph is bipartite, so lengths are even; length 6 finds nothing new.
		{"relations, lengths skipped", "fm-evasion", "fm-inversion", traverse.PathOpts{MaxLength: 6, Limit: 100, Relations: []kg.RelType{kg.RelTargets}},
			[]string{"fm-evasion>a-model>fm-inversion", "fm-evasion>a-model>fm-poison>a-data>fm-inversion"}},
		{"parallel routes of one length by id", "fm-evasion", "fm-inversion", traverse.PathOpts{MaxLength: 2, Limit: 100,
			Relations: []kg.RelType{kg.RelTargets, kg.RelRequires}},
			[]string{"fm-evasion>a-model>fm-inversion", "fm-evasion>cap-query>fm-inversion"}},
		{"none within max length", "fm-evasion", "fm-inversion", traverse.PathOpts{MaxLength: 1, Limit: 100}, nil},
		{"none by these relations", "a-people", "l-dmca", traverse.PathOpts{MaxLength: 6, Limit: 100, Relations: []kg.RelType{kg.RelTargets}}, nil},
		{"unconnected", "r-zeta", "fm-evasion", traverse.PathOpts{MaxLength: 6, Limit: 100}, nil},
		{"adjacent nodes joined twice give one path", "s-engineers", "r-alpha", traverse.PathOpts{MaxLength: 1, Limit: 100},
			[]string{"s-engineers>r-alpha"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ps, err := e.Paths(ctx, c.from, c.to, c.o)
			noErr(t, err)
			wantStrings(t, "paths", pathKeys(ps), c.want)
			for _, p := range ps {
				if len(p.Edges) != len(p.Nodes)-1 || p.Length() != len(p.Edges) {
					t.Fatalf("path %s has %d edges", pathKey(p), len(p.Edges))
				}
				for i, ed := range p.Edges {
					a, b := p.Nodes[i].ID, p.Nodes[i+1].ID
					if !(ed.Source == a && ed.Target == b) && !(ed.Source == b && ed.Target == a) {
						t.Fatalf("path %s: edge %d %s does not join %s and %s", pathKey(p), i, edgeKey(ed), a, b)
					}
				}
			}
		})
	}
	t.Run("the first joining edge in EdgeLess order", func(t *testing.T) {
		ps, err := e.Paths(ctx, "s-engineers", "cap-query", traverse.PathOpts{MaxLength: 2, Limit: 10})
		noErr(t, err)
		wantStrings(t, "paths", pathKeys(ps), []string{"s-engineers>fm-evasion>cap-query", "s-engineers>r-alpha>cap-query"})
		wantEdges(t, "first path", ps[0].Edges, "CONCERNED_WITH:s-engineers:fm-evasion", "REQUIRES:fm-evasion:cap-query")
		// s-engineers and r-alpha are joined by CITES and CONCERNED_WITH: CITES comes first.
		wantEdges(t, "second path", ps[1].Edges, "CITES:s-engineers:r-alpha", "CITES:cap-query:r-alpha")
	})
	t.Run("edges of a longer path", func(t *testing.T) {
		ps, err := e.Paths(ctx, "fm-shift", "fm-inversion", traverse.PathOpts{MaxLength: 3, Limit: 100})
		noErr(t, err)
		wantEdges(t, "path 3", ps[2].Edges, "TARGETS:fm-shift:a-data", "PROTECTS:m-dp:a-data", "MITIGATES:m-dp:fm-inversion")
		wantEdges(t, "path 7", ps[6].Edges, "MITIGATES:m-governance:fm-shift", "CITES:m-governance:r-gamma", "CITES:fm-inversion:r-gamma")
		sameNode(t, ps[2].Nodes[2], &kg.Node{ID: "m-dp", Kind: kg.KindMitigation, Name: "Differential privacy", Category: "technical",
			Summary: "Bound what any one record can reveal.", Lifecycle: []string{"training", "deployment"}})
	})
	errs := []struct {
		name     string
		from, to string
		o        traverse.PathOpts
		code     string
		arg      string
	}{
		{"from equals to", "fm-shift", "fm-shift", traverse.PathOpts{MaxLength: 3, Limit: 10}, kg.EINVALID, ""},
		{"max length 0", "fm-shift", "fm-inversion", traverse.PathOpts{MaxLength: 0, Limit: 10}, kg.EINVALID, "maxLength"},
		{"max length over the maximum", "fm-shift", "fm-inversion", traverse.PathOpts{MaxLength: kg.MaxPathLength + 1, Limit: 10}, kg.EINVALID, "maxLength"},
		{"limit 0", "fm-shift", "fm-inversion", traverse.PathOpts{MaxLength: 3}, kg.EINVALID, "limit"},
		{"limit over the maximum", "fm-shift", "fm-inversion", traverse.PathOpts{MaxLength: 3, Limit: kg.MaxLimit + 1}, kg.EINVALID, "limit"},
		{"unknown relation", "fm-shift", "fm-inversion", traverse.PathOpts{MaxLength: 3, Limit: 10, Relations: []kg.RelType{"LIKES"}}, kg.EINVALID, "relations"},
		{"unknown from", "nope", "fm-inversion", traverse.PathOpts{MaxLength: 3, Limit: 10}, kg.ENOTFOUND, ""},
		{"unknown to", "fm-shift", "nope", traverse.PathOpts{MaxLength: 3, Limit: 10}, kg.ENOTFOUND, ""},
	}
	for _, c := range errs {
		t.Run("refuses "+c.name, func(t *testing.T) {
			_, err := e.Paths(ctx, c.from, c.to, c.o)
			wantCode(t, err, c.code, c.arg)
		})
	}
}

func relatedKeys(rs []traverse.Relatedness) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Node.ID + "=" + sprint(r.Score) + "[" + join(ids(r.Shared)) + "]"
	}
	return out
}

func testRelated(t *testing.T, e *traverse.Engine) {
	ctx := context.Background()
	cases := []struct {
		name  string
		id    string
		first int
		want  []string
	}{
		// |N(fm-evasion)| = 12. fm-evasion-targeted: 6 shared of 12+9-6 = 15 → 0.4; fm-poison: 5 of
		// 12+10-5 = 17 → 0.2941; fm-inversion: 4 of 12+11-4 = 19 → 0.2105; fm-poison-backdoor and
		// fm-shift: 1 of 16 → 0.0625, tied, by id.
		{"failure modes", "fm-evasion", 10, []string{
			"fm-evasion-targeted=0.4[a-api,cap-query,l-cfaa,m-advtrain,r-alpha,r-beta]",
			"fm-poison=0.2941[a-model,l-cfaa,m-monitor,r-alpha,s-engineers]",
			"fm-inversion=0.2105[a-model,cap-query,m-monitor,r-beta]",
			"fm-poison-backdoor=0.0625[r-alpha]",
			"fm-shift=0.0625[m-advtrain]",
		}},
		{"first", "fm-evasion", 2, []string{
			"fm-evasion-targeted=0.4[a-api,cap-query,l-cfaa,m-advtrain,r-alpha,r-beta]",
			"fm-poison=0.2941[a-model,l-cfaa,m-monitor,r-alpha,s-engineers]",
		}},
		// N(r-alpha) has 6; r-beta shares 2 of 6+4-2 = 8; r-gamma 1 of 6+7-1 = 12 → 0.0833. A
		// reference sharing nothing (r-delta, r-eps, r-zeta) is left out.
		{"references", "r-alpha", 10, []string{"r-beta=0.25[fm-evasion,fm-evasion-targeted]", "r-gamma=0.0833[fm-poison]"}},
		// N(m-dp) = {a-data, fm-inversion, r-delta}: m-governance 1 of 5, m-sanitise 1 of 5, m-monitor 1 of 6.
		{"ties by id", "m-dp", 10, []string{"m-governance=0.2[fm-inversion]", "m-sanitise=0.2[fm-inversion]", "m-monitor=0.1667[fm-inversion]"}},
		{"no neighbours", "r-zeta", 10, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs, err := e.Related(ctx, c.id, c.first)
			noErr(t, err)
			wantStrings(t, "related", relatedKeys(rs), c.want)
		})
	}
	t.Run("refuses first 0", func(t *testing.T) {
		_, err := e.Related(ctx, "fm-evasion", 0)
		wantCode(t, err, kg.EINVALID, "first")
	})
	t.Run("refuses first over the maximum", func(t *testing.T) {
		_, err := e.Related(ctx, "fm-evasion", kg.MaxLimit+1)
		wantCode(t, err, kg.EINVALID, "first")
	})
	t.Run("refuses an unknown node", func(t *testing.T) {
		_, err := e.Related(ctx, "nope", 5)
		wantCode(t, err, kg.ENOTFOUND, "")
	})
}

func mitigationKeys(ms []traverse.RankedMitigation) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Mitigation.ID + "[" + join(ids(m.Covers)) + "]"
		if len(m.Edges) != len(m.Covers) {
			out[i] += "edges:" + join(edgeKeys(m.Edges))
		}
		for j, ed := range m.Edges {
			if ed.Type != kg.RelMitigates || ed.Source != m.Mitigation.ID || ed.Target != m.Covers[j].ID {
				out[i] += " bad edge " + edgeKey(ed)
			}
		}
	}
	return out
}

func testThreatModel(t *testing.T, e *traverse.Engine) {
	ctx := context.Background()
	cases := []struct {
		name         string
		assets, caps []string
		failureModes []string
		mitigations  []string
		cover        []string
		uncovered    []string
	}{
		{"one asset", []string{"a-model"}, nil,
			[]string{"fm-evasion", "fm-poison", "fm-inversion"},
			[]string{"m-monitor[fm-evasion,fm-inversion,fm-poison]", "m-sanitise[fm-inversion,fm-poison]",
				"m-advtrain[fm-evasion]", "m-dp[fm-inversion]", "m-governance[fm-inversion]"},
			[]string{"m-monitor"}, nil},
		// Greedy: m-advtrain and m-monitor both cover 3; m-advtrain has 2 strong edges among them. Then
		// m-monitor and m-sanitise both add 2 with no strong edge: by id.
		{"two assets, subtypes included", []string{"a-data", "a-api"}, nil,
			[]string{"fm-evasion", "fm-poison", "fm-inversion", "fm-shift", "fm-evasion-targeted", "fm-poison-backdoor"},
			[]string{"m-advtrain[fm-evasion,fm-evasion-targeted,fm-shift]", "m-monitor[fm-evasion,fm-inversion,fm-poison]",
				"m-governance[fm-inversion,fm-shift]", "m-sanitise[fm-inversion,fm-poison]", "m-dp[fm-inversion]"},
			[]string{"m-advtrain", "m-monitor"}, []string{"fm-poison-backdoor"}},
		// m-advtrain (partial) and m-governance (strong) each cover fm-shift: strength beats id.
		{"cover ties go to strong edges", []string{"a-people"}, nil,
			[]string{"fm-shift"},
			[]string{"m-advtrain[fm-shift]", "m-governance[fm-shift]"},
			[]string{"m-governance"}, nil},
		{"repeated assets", []string{"a-people", "a-people"}, nil,
			[]string{"fm-shift"},
			[]string{"m-advtrain[fm-shift]", "m-governance[fm-shift]"},
			[]string{"m-governance"}, nil},
		// Closure {query, whitebox, graybox, blackbox}: poisoning needs cap-data, fm-shift is
		// unintentional. Greedy: m-advtrain (2 strong) over m-monitor, then m-dp (strong) for fm-inversion.
		{"capabilities closed under implies", []string{"a-data", "a-model", "a-api"}, []string{"cap-query", "cap-whitebox"},
			[]string{"fm-evasion", "fm-inversion", "fm-evasion-targeted"},
			[]string{"m-advtrain[fm-evasion,fm-evasion-targeted]", "m-monitor[fm-evasion,fm-inversion]",
				"m-dp[fm-inversion]", "m-governance[fm-inversion]", "m-sanitise[fm-inversion]"},
			[]string{"m-advtrain", "m-dp"}, nil},
		// cap-graybox implies cap-blackbox but not cap-whitebox, which targeted evasion requires.
		{"implies runs one way", []string{"a-model", "a-api"}, []string{"cap-query", "cap-graybox"},
			[]string{"fm-evasion", "fm-inversion"},
			[]string{"m-monitor[fm-evasion,fm-inversion]", "m-advtrain[fm-evasion]", "m-dp[fm-inversion]",
				"m-governance[fm-inversion]", "m-sanitise[fm-inversion]"},
			[]string{"m-monitor"}, nil},
		{"no capabilities at all", []string{"a-data", "a-model", "a-api", "a-people"}, []string{}, nil, nil, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tm, err := e.ThreatModel(ctx, c.assets, c.caps)
			noErr(t, err)
			wantIDs(t, "failure modes", tm.FailureModes, c.failureModes...)
			wantStrings(t, "mitigations", mitigationKeys(tm.Mitigations), c.mitigations)
			wantIDs(t, "minimal cover", tm.MinimalCover, c.cover...)
			wantIDs(t, "uncovered", tm.Uncovered, c.uncovered...)
		})
	}
	errs := []struct {
		name         string
		assets, caps []string
		arg          string
	}{
		{"no assets", nil, nil, "assets"},
		{"an unknown asset", []string{"a-data", "nope"}, nil, "assets"},
		{"an asset of another kind", []string{"cap-query"}, nil, "assets"},
		{"an unknown capability", []string{"a-data"}, []string{"nope"}, "capabilities"},
		{"a capability of another kind", []string{"a-data"}, []string{"a-data"}, "capabilities"},
		{"too many assets", make([]string, kg.MaxIDs+1), nil, "assets"},
	}
	for _, c := range errs {
		t.Run("refuses "+c.name, func(t *testing.T) {
			_, err := e.ThreatModel(ctx, c.assets, c.caps)
			wantCode(t, err, kg.EINVALID, c.arg)
		})
	}
}

func triageKeys(cs []traverse.TriageCandidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		var matched []string
		for _, p := range c.Matched {
			matched = append(matched, string(p))
		}
		out[i] = c.FailureMode.ID + "=" + sprint(c.Score) + " matched[" + join(matched) + "] assets[" + join(ids(c.MatchedAssets)) +
			"] caps[" + join(ids(c.Capabilities)) + "] first[" + join(firstMitigations(c.FirstMitigations)) + "]"
	}
	return out
}

func firstMitigations(ms []traverse.RankedMitigation) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Mitigation.ID
		if len(m.Covers) != 1 || len(m.Edges) != 1 || m.Edges[0].Source != m.Mitigation.ID || m.Edges[0].Target != m.Covers[0].ID {
			out[i] += "(bad covers or edges)"
		} else {
			out[i] += ":" + string(m.Edges[0].Strength)
		}
	}
	return out
}

func testTriage(t *testing.T, e *traverse.Engine) {
	ctx := context.Background()
	I, C, A := kg.Integrity, kg.Confidentiality, kg.Availability
	cases := []struct {
		name        string
		compromised []kg.SecurityProperty
		assets      []string
		want        []string
	}{
		// All score 1: severity Critical (fm-evasion; fm-poison-backdoor's "Critical (if triggered)"),
		// then Important (fm-poison), then none; NodeLess between the two criticals.
		{"properties only, ties by severity", []kg.SecurityProperty{I}, nil, []string{
			"fm-evasion=1 matched[INTEGRITY] assets[] caps[cap-blackbox,cap-query] first[m-advtrain:strong,m-monitor:detect-only]",
			"fm-poison-backdoor=1 matched[INTEGRITY] assets[] caps[cap-data,cap-graybox] first[]",
			"fm-poison=1 matched[INTEGRITY] assets[] caps[cap-data] first[m-sanitise:partial,m-monitor:detect-only]",
			"fm-evasion-targeted=1 matched[INTEGRITY] assets[] caps[cap-query,cap-whitebox] first[m-advtrain:strong]",
		}},
		// Halves of each share: fm-poison 0.5+1, fm-inversion 0.5+1 (Important before Moderate),
		// fm-evasion 0.5+0.5, fm-poison-backdoor 0.5+0.5, fm-shift 0+0.5 (Low), fm-evasion-targeted 0.5+0.
		// fm-inversion has four mitigations: strong, partial, then the first detect-only by id.
		{"properties and assets", []kg.SecurityProperty{I, C}, []string{"a-data", "a-model"}, []string{
			"fm-poison=1.5 matched[INTEGRITY] assets[a-data,a-model] caps[cap-data] first[m-sanitise:partial,m-monitor:detect-only]",
			"fm-inversion=1.5 matched[CONFIDENTIALITY] assets[a-data,a-model] caps[cap-graybox,cap-query] first[m-dp:strong,m-sanitise:partial,m-governance:detect-only]",
			"fm-evasion=1 matched[INTEGRITY] assets[a-model] caps[cap-blackbox,cap-query] first[m-advtrain:strong,m-monitor:detect-only]",
			"fm-poison-backdoor=1 matched[INTEGRITY] assets[a-data] caps[cap-data,cap-graybox] first[]",
			"fm-shift=0.5 matched[] assets[a-data] caps[] first[m-governance:strong,m-advtrain:partial]",
			"fm-evasion-targeted=0.5 matched[INTEGRITY] assets[] caps[cap-query,cap-whitebox] first[m-advtrain:strong]",
		}},
		{"assets only", nil, []string{"a-people"}, []string{
			"fm-shift=1 matched[] assets[a-people] caps[] first[m-governance:strong,m-advtrain:partial]",
		}},
		// Thirds, rounded to four decimals.
		{"rounding", []kg.SecurityProperty{I, C, A}, nil, []string{
			"fm-poison=0.6667 matched[INTEGRITY,AVAILABILITY] assets[] caps[cap-data] first[m-sanitise:partial,m-monitor:detect-only]",
			"fm-evasion=0.3333 matched[INTEGRITY] assets[] caps[cap-blackbox,cap-query] first[m-advtrain:strong,m-monitor:detect-only]",
			"fm-poison-backdoor=0.3333 matched[INTEGRITY] assets[] caps[cap-data,cap-graybox] first[]",
			"fm-inversion=0.3333 matched[CONFIDENTIALITY] assets[] caps[cap-graybox,cap-query] first[m-dp:strong,m-sanitise:partial,m-governance:detect-only]",
			"fm-evasion-targeted=0.3333 matched[INTEGRITY] assets[] caps[cap-query,cap-whitebox] first[m-advtrain:strong]",
		}},
		{"repeats count once", []kg.SecurityProperty{C, C}, nil, []string{
			"fm-inversion=1 matched[CONFIDENTIALITY] assets[] caps[cap-graybox,cap-query] first[m-dp:strong,m-sanitise:partial,m-governance:detect-only]",
		}},
		// One property and one asset that no failure mode has together: all score 1, by severity.
		{"either share alone", []kg.SecurityProperty{kg.Safety}, []string{"a-api"}, []string{
			"fm-evasion=1 matched[] assets[a-api] caps[cap-blackbox,cap-query] first[m-advtrain:strong,m-monitor:detect-only]",
			"fm-shift=1 matched[SAFETY] assets[] caps[] first[m-governance:strong,m-advtrain:partial]",
			"fm-evasion-targeted=1 matched[] assets[a-api] caps[cap-query,cap-whitebox] first[m-advtrain:strong]",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := e.Triage(ctx, c.compromised, c.assets)
			noErr(t, err)
			wantStrings(t, "candidates", triageKeys(got), c.want)
		})
	}
	errs := []struct {
		name        string
		compromised []kg.SecurityProperty
		assets      []string
		arg         string
	}{
		{"nothing observed", nil, nil, "compromised"},
		{"an unknown property", []kg.SecurityProperty{"WEIRD"}, nil, "compromised"},
		{"an unknown asset", []kg.SecurityProperty{I}, []string{"nope"}, "assets"},
		{"an asset of another kind", nil, []string{"fm-evasion"}, "assets"},
	}
	for _, c := range errs {
		t.Run("refuses "+c.name, func(t *testing.T) {
			_, err := e.Triage(ctx, c.compromised, c.assets)
			wantCode(t, err, kg.EINVALID, c.arg)
		})
	}
}

func legalKeys(items []traverse.LegalItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Consideration.ID + " " + edgeKey(it.Edge) + " refs[" + join(ids(it.References)) + "]"
		if it.InheritedFrom != nil {
			out[i] += " from " + it.InheritedFrom.ID
		}
	}
	return out
}

func testLegalExposure(t *testing.T, e *traverse.Engine) {
	ctx := context.Background()
	cases := []struct {
		name string
		fm   string
		want []string
	}{
		// EU before US; the references in the edge's order.
		{"own", "fm-evasion", []string{
			"l-aiact RAISES:fm-evasion:l-aiact refs[r-gamma]",
			"l-cfaa RAISES:fm-evasion:l-cfaa refs[r-delta,r-alpha]",
		}},
		// The parent's l-aiact is inherited; its l-cfaa is not, because the child raises it itself.
		{"inherited unless raised", "fm-evasion-targeted", []string{
			"l-aiact RAISES:fm-evasion:l-aiact refs[r-gamma] from fm-evasion",
			"l-cfaa RAISES:fm-evasion-targeted:l-cfaa refs[r-alpha]",
			"l-dmca RAISES:fm-evasion-targeted:l-dmca refs[r-delta]",
		}},
		{"only inherited", "fm-poison-backdoor", []string{"l-cfaa RAISES:fm-poison:l-cfaa refs[r-delta] from fm-poison"}},
		{"none", "fm-shift", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			le, err := e.LegalExposure(ctx, c.fm)
			noErr(t, err)
			if le.FailureMode == nil || le.FailureMode.ID != c.fm {
				t.Fatalf("FailureMode = %v", le.FailureMode)
			}
			wantStrings(t, "items", legalKeys(le.Items), c.want)
		})
	}
	t.Run("the note is the question", func(t *testing.T) {
		le, err := e.LegalExposure(ctx, "fm-evasion")
		noErr(t, err)
		if got := le.Items[1].Edge.Note; got != "Is crafting inputs unauthorised access?" {
			t.Fatalf("Note = %q", got)
		}
	})
	for _, id := range []string{"nope", "a-data"} {
		t.Run("refuses "+id, func(t *testing.T) {
			_, err := e.LegalExposure(ctx, id)
			wantCode(t, err, kg.ENOTFOUND, "")
		})
	}
}

func matrixKeys(m *traverse.Matrix) []string {
	var out []string
	for i, r := range m.Rows {
		row := r.ID + " "
		for j, c := range m.Cells[i] {
			switch {
			case c == nil:
				row += "."
			case c.Type == kg.RelRaises && c.Source == r.ID && c.Target == m.Columns[j].ID:
				row += "x"
			default:
				row += "?"
			}
		}
		out = append(out, row)
	}
	return out
}

func testLegalMatrix(t *testing.T, e *traverse.Engine) {
	ctx := context.Background()
	cases := []struct {
		name         string
		jurisdiction string
		columns      []string
		rows         []string
	}{
		{"all", "", []string{"l-aiact", "l-gdpr", "l-cfaa", "l-dmca"}, []string{
			"fm-evasion x.x.",
			"fm-poison ..x.",
			"fm-inversion .x..",
			"fm-evasion-targeted ..xx",
		}},
		{"one jurisdiction, any case", "eu", []string{"l-aiact", "l-gdpr"}, []string{
			"fm-evasion x.",
			"fm-inversion .x",
		}},
		{"US", "US", []string{"l-cfaa", "l-dmca"}, []string{
			"fm-evasion x.",
			"fm-poison x.",
			"fm-evasion-targeted xx",
		}},
		{"unknown jurisdiction", "Mars", nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := e.LegalMatrix(ctx, c.jurisdiction)
			noErr(t, err)
			wantIDs(t, "columns", m.Columns, c.columns...)
			if len(m.Cells) != len(m.Rows) {
				t.Fatalf("%d rows of cells for %d rows", len(m.Cells), len(m.Rows))
			}
			wantStrings(t, "rows", matrixKeys(m), c.rows)
		})
	}
}

func testCoverageGaps(t *testing.T, e *traverse.Engine) {
	g, err := e.CoverageGaps(context.Background())
	noErr(t, err)
	wantIDs(t, "without mitigation", g.WithoutMitigation, "fm-poison-backdoor")
	// fm-poison-backdoor inherits fm-poison's RAISES; fm-shift has neither.
	wantIDs(t, "without legal", g.WithoutLegal, "fm-shift")
	wantIDs(t, "few references", g.FewReferences, "fm-shift", "fm-poison-backdoor")
	// m-monitor cites only a web page but one of its MITIGATES edges rests on a paper; m-dp cites a
	// statute but its edge rests on a paper. m-governance and m-sanitise rest on a report and a web page.
	wantIDs(t, "mitigations without evidence", g.MitigationsWithoutEvidence, "m-governance", "m-sanitise")
}

// testMinimalTraversals checks a few traversals over the seed fixture, worked out from its YAML.
func testMinimalTraversals(t *testing.T, s kg.Store) {
	ctx := context.Background()
	e := traverse.New(s)
	t.Run("threat model", func(t *testing.T) {
		tm, err := e.ThreatModel(ctx, []string{"training-data"}, nil)
		noErr(t, err)
		wantIDs(t, "failure modes", tm.FailureModes, "poisoning", "distributional-shift", "targeted-poisoning")
		wantStrings(t, "mitigations", mitigationKeys(tm.Mitigations),
			[]string{"data-sanitisation[distributional-shift,poisoning,targeted-poisoning]"})
		wantIDs(t, "cover", tm.MinimalCover, "data-sanitisation")
		tm, err = e.ThreatModel(ctx, []string{"training-data"}, []string{"training-data-control"})
		noErr(t, err)
		wantIDs(t, "feasible failure modes", tm.FailureModes, "poisoning", "targeted-poisoning")
	})
	t.Run("legal exposure inherited", func(t *testing.T) {
		le, err := e.LegalExposure(ctx, "targeted-poisoning")
		noErr(t, err)
		wantStrings(t, "items", legalKeys(le.Items), []string{"cfaa RAISES:poisoning:cfaa refs[sivakumar-2019-failure] from poisoning"})
	})
	t.Run("paths", func(t *testing.T) {
		ps, err := e.Paths(ctx, "targeted-poisoning", "cfaa", traverse.PathOpts{MaxLength: 2, Limit: 10})
		noErr(t, err)
		wantStrings(t, "paths", pathKeys(ps), []string{"targeted-poisoning>poisoning>cfaa", "targeted-poisoning>sivakumar-2019-failure>cfaa"})
	})
	t.Run("triage", func(t *testing.T) {
		got, err := e.Triage(ctx, []kg.SecurityProperty{kg.Safety}, nil)
		noErr(t, err)
		wantStrings(t, "candidates", triageKeys(got), []string{"distributional-shift=1 matched[SAFETY] assets[] caps[] first[data-sanitisation:detect-only]"})
	})
	t.Run("coverage gaps", func(t *testing.T) {
		g, err := e.CoverageGaps(ctx)
		noErr(t, err)
		wantIDs(t, "without mitigation", g.WithoutMitigation)
		wantIDs(t, "without legal", g.WithoutLegal, "distributional-shift")
		wantIDs(t, "few references", g.FewReferences)
		wantIDs(t, "mitigations without evidence", g.MitigationsWithoutEvidence)
	})
}
