package storetest

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
)

// testExpand holds Expand to what the store's own Nodes and Adjacent give, step by step: one call
// must read exactly what the level-by-level reads would, for plans of every shape a GraphQL
// selection makes (neighbours, edges only, cited references, implications, any kind, absent ids).
func testExpand(t *testing.T, s kg.Store) {
	ctx := context.Background()
	refs := kg.Plan{kg.KindMitigation: {{Dir: kg.Out, Types: []kg.RelType{kg.RelCites}, Nodes: true}}}
	every := kg.Plan{}
	for _, k := range kg.Kinds {
		every[k] = []kg.Step{{Dir: kg.Both}}
	}
	cases := []struct {
		name string
		ids  []string
		plan kg.Plan
	}{
		{"roots only", []string{"fm-evasion", "a-data", "no-such-node"}, nil},
		{"failure modes, their mitigations and the mitigations' references", []string{"fm-evasion", "fm-poison", "fm-shift", "fm-inversion"},
			kg.Plan{kg.KindFailureMode: {{Dir: kg.In, Types: []kg.RelType{kg.RelMitigates}, Nodes: true, Next: refs}}}},
		{"two hops, failure modes to mitigations to the assets they protect", []string{"fm-evasion", "fm-poison", "fm-poison-backdoor"},
			kg.Plan{kg.KindFailureMode: {{Dir: kg.In, Types: []kg.RelType{kg.RelMitigates}, Nodes: true,
				Next: kg.Plan{kg.KindMitigation: {{Dir: kg.Out, Types: []kg.RelType{kg.RelProtects}, Nodes: true}}}}}}},
		{"edges without their nodes, every type, both directions", []string{"r-gamma", "a-data", "fm-evasion", "s-engineers"}, every},
		{"edges with the references they cite, and those references' citers", []string{"fm-evasion", "fm-inversion"},
			kg.Plan{kg.KindFailureMode: {
				{Dir: kg.Out, Types: []kg.RelType{kg.RelRaises, kg.RelTargets}, Refs: true,
					RefNext: kg.Plan{kg.KindReference: {{Dir: kg.In, Types: []kg.RelType{kg.RelCites}, Nodes: true}}}},
				{Dir: kg.Both, Types: []kg.RelType{kg.RelSubtypeOf}, Nodes: true, Next: kg.Plan{kg.KindFailureMode: {{Dir: kg.Out, Types: []kg.RelType{kg.RelRequires}}}}},
			}}},
		{"implied capabilities, two deep", []string{"cap-whitebox"},
			kg.Plan{kg.KindCapability: {{Implies: true, Next: kg.Plan{kg.KindCapability: {{Implies: true}, {Dir: kg.In, Types: []kg.RelType{kg.RelRequires}, Nodes: true}}}}}}},
		{"neighbours of any kind, each kind its own next step", []string{"s-engineers", "s-lawyers"},
			kg.Plan{kg.KindStakeholder: {{Dir: kg.Out, Types: []kg.RelType{kg.RelConcernedWith}, Nodes: true, Next: every}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.Expand(ctx, c.ids, c.plan)
			noErr(t, err)
			want := referenceExpand(t, s, c.ids, c.plan)
			wantStrings(t, "nodes", nodeIDs(got.Nodes), nodeIDs(want.Nodes))
			for id, n := range want.Nodes {
				sameNode(t, got.Nodes[id], n)
			}
			wantStrings(t, "edge keys", expandKeys(got.Edges), expandKeys(want.Edges))
			for k, es := range want.Edges {
				wantStrings(t, "edges of "+k.ID, edgeKeys(got.Edges[k]), edgeKeys(es))
				for i := range es {
					if !reflect.DeepEqual(got.Edges[k][i], es[i]) {
						t.Fatalf("edge %d of %v: got %+v, want %+v", i, k, got.Edges[k][i], es[i])
					}
				}
			}
		})
	}
	t.Run("ListExpand is List and Expand", func(t *testing.T) {
		plan := kg.Plan{kg.KindFailureMode: {{Dir: kg.In, Types: []kg.RelType{kg.RelMitigates}, Nodes: true, Next: refs}}}
		for _, f := range []kg.Filter{
			{Kind: kg.KindFailureMode},
			{Kind: kg.KindFailureMode, Intent: kg.Intentional, After: "fm-evasion", Limit: 2},
			{Kind: kg.KindFailureMode, Limit: 2, FromEnd: true},
			{Kind: kg.KindAsset, Text: "no such asset"},
		} {
			ns, x, err := s.ListExpand(ctx, f, plan)
			noErr(t, err)
			want, err := s.List(ctx, f)
			noErr(t, err)
			wantStrings(t, fmt.Sprintf("list of %+v", f), ids(ns), ids(want))
			for i := range want {
				sameNode(t, ns[i], want[i])
			}
			wx := referenceExpand(t, s, ids(want), plan)
			wantStrings(t, "nodes", nodeIDs(x.Nodes), nodeIDs(wx.Nodes))
			wantStrings(t, "edge keys", expandKeys(x.Edges), expandKeys(wx.Edges))
			for k, es := range wx.Edges {
				wantStrings(t, "edges of "+k.ID, edgeKeys(x.Edges[k]), edgeKeys(es))
			}
		}
		_, _, err := s.ListExpand(ctx, kg.Filter{Kind: "Nope"}, plan)
		wantCode(t, err, kg.EINVALID, "kind")
	})
	t.Run("returned values are copies", func(t *testing.T) {
		plan := kg.Plan{kg.KindFailureMode: {{Dir: kg.Out, Types: []kg.RelType{kg.RelRaises}}}}
		x, err := s.Expand(ctx, []string{"fm-evasion"}, plan)
		noErr(t, err)
		x.Nodes["fm-evasion"].Compromises[0] = kg.Safety
		x.Edges[plan[kg.KindFailureMode][0].Key("fm-evasion")][1].Refs[0] = "changed"
		again, err := s.Expand(ctx, []string{"fm-evasion"}, plan)
		noErr(t, err)
		if again.Nodes["fm-evasion"].Compromises[0] != kg.Integrity {
			t.Fatalf("the store shares memory with an expanded node")
		}
		if r := again.Edges[plan[kg.KindFailureMode][0].Key("fm-evasion")][1].Refs[0]; r != "r-delta" {
			t.Fatalf("the store shares memory with an expanded edge: ref %q", r)
		}
	})
	t.Run("unknown relation type", func(t *testing.T) {
		_, err := s.Expand(ctx, []string{"fm-evasion"}, kg.Plan{kg.KindFailureMode: {{Dir: kg.Out, Types: []kg.RelType{"NOPE"}}}})
		wantCode(t, err, kg.EINVALID, "relation")
	})
}

// referenceExpand is what Expand must give, read level by level through Nodes and Adjacent.
func referenceExpand(tb testing.TB, s kg.Store, ids []string, plan kg.Plan) *kg.Expansion {
	tb.Helper()
	ctx := context.Background()
	x := &kg.Expansion{Nodes: map[string]*kg.Node{}, Edges: map[kg.EdgeKey][]kg.Edge{}}
	var walk func(ids []string, plan kg.Plan)
	walk = func(ids []string, plan kg.Plan) {
		ns, err := s.Nodes(ctx, ids)
		noErr(tb, err)
		for _, n := range ns {
			if n == nil {
				continue
			}
			x.Nodes[n.ID] = n
			for _, st := range plan[n.Kind] {
				if st.Implies {
					walk(n.Implies, st.Next)
					continue
				}
				adj, err := s.Adjacent(ctx, []string{n.ID}, st.Dir, st.Types)
				noErr(tb, err)
				es := adj[n.ID]
				x.Edges[st.Key(n.ID)] = es
				for _, e := range es {
					if st.Nodes {
						walk([]string{e.Other(n.ID)}, st.Next)
					}
					if st.Refs {
						walk(e.Refs, st.RefNext)
					}
				}
			}
		}
	}
	walk(ids, plan)
	return x
}

func nodeIDs(m map[string]*kg.Node) []string {
	out := make([]string, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func expandKeys(m map[kg.EdgeKey][]kg.Edge) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k.ID+"|"+k.Types+"|"+string(rune('0'+k.Dir)))
	}
	sort.Strings(out)
	return out
}
