package traverse

import (
	"context"
	"slices"
	"sort"

	"github.com/failgraph/failgraph/internal/kg"
)

// ThreatModel is the question of an ML engineer: which failure modes threaten these assets, and what
// answers them. It returns the failure modes that target any of assets and are feasible with only
// capabilities (closed under Capability.Implies; only intentional failure modes need an attacker),
// or every failure mode targeting them when capabilities is nil. No assets, more than kg.MaxIDs of
// either, an unknown id or one of another kind: EINVALID naming the argument.
//
// Store calls: Nodes (the arguments), List (every capability, only when capabilities is not nil),
// Adjacent (TARGETS into the assets), Adjacent (REQUIRES and MITIGATES of those failure modes) and
// Nodes (failure modes and mitigations): 5, 4 without capabilities, and the last two are skipped
// when no failure mode targets the assets.
func (e *Engine) ThreatModel(ctx context.Context, assets, capabilities []string) (*ThreatModel, error) {
	if len(assets) == 0 {
		return nil, kg.Errorf(kg.EINVALID, "assets", "name at least one asset")
	}
	if err := checkLen("assets", len(assets)); err != nil {
		return nil, err
	}
	if err := checkLen("capabilities", len(capabilities)); err != nil {
		return nil, err
	}
	assets = kg.DistinctIDs(assets)
	var caps []string
	if capabilities != nil {
		caps = kg.DistinctIDs(capabilities)
	}
	if _, err := e.checkIDArgs(ctx, idArg{"assets", assets, kg.KindAsset}, idArg{"capabilities", caps, kg.KindCapability}); err != nil {
		return nil, err
	}
	var closure map[string]bool // nil: no restriction
	if capabilities != nil {
		var err error
		if closure, err = e.capabilityClosure(ctx, caps); err != nil {
			return nil, err
		}
	}

	tm := &ThreatModel{FailureModes: []*kg.Node{}, Mitigations: []RankedMitigation{}, MinimalCover: []*kg.Node{}, Uncovered: []*kg.Node{}}
	fmIDs, err := e.targeting(ctx, assets)
	if err != nil {
		return nil, err
	}
	if len(fmIDs) == 0 {
		return tm, nil
	}
	if err := kg.CtxErr(ctx); err != nil {
		return nil, err
	}
	adj, err := e.store.Adjacent(ctx, fmIDs, kg.Both, []kg.RelType{kg.RelRequires, kg.RelMitigates})
	if err != nil {
		return nil, err
	}
	var mitIDs []string
	for _, f := range fmIDs {
		for _, ed := range adj[f] {
			if ed.Type == kg.RelMitigates && ed.Target == f {
				mitIDs = append(mitIDs, ed.Source)
			}
		}
	}
	byID, err := e.nodeMap(ctx, kg.DistinctIDs(append(slices.Clone(fmIDs), mitIDs...)))
	if err != nil {
		return nil, err
	}

	kept := map[string]bool{}
	for _, f := range fmIDs {
		if n := byID[f]; feasible(n, adj[f], closure) {
			kept[f] = true
			tm.FailureModes = append(tm.FailureModes, n)
		}
	}
	sortNodes(tm.FailureModes)
	tm.Mitigations = rankMitigations(fmIDs, kept, adj, byID)
	tm.MinimalCover = greedyCover(tm.Mitigations)
	for _, n := range tm.FailureModes {
		if !mitigated(n.ID, tm.Mitigations) {
			tm.Uncovered = append(tm.Uncovered, n)
		}
	}
	return tm, nil
}

// capabilityClosure returns caps and every capability they imply, directly or not, reading every
// capability in one List call.
func (e *Engine) capabilityClosure(ctx context.Context, caps []string) (map[string]bool, error) {
	all, err := e.store.List(ctx, kg.Filter{Kind: kg.KindCapability})
	if err != nil {
		return nil, err
	}
	implies := make(map[string][]string, len(all))
	for _, c := range all {
		implies[c.ID] = c.Implies
	}
	closure := map[string]bool{}
	stack := slices.Clone(caps)
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if closure[c] {
			continue
		}
		closure[c] = true
		stack = append(stack, implies[c]...)
	}
	return closure, nil
}

// targeting returns the ids of the nodes with a TARGETS edge into any of assets, in id order, with
// one Adjacent call.
func (e *Engine) targeting(ctx context.Context, assets []string) ([]string, error) {
	if err := kg.CtxErr(ctx); err != nil {
		return nil, err
	}
	adj, err := e.store.Adjacent(ctx, assets, kg.In, []kg.RelType{kg.RelTargets})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, a := range assets {
		for _, ed := range adj[a] {
			ids = append(ids, ed.Source)
		}
	}
	ids = kg.DistinctIDs(ids)
	slices.Sort(ids)
	return ids, nil
}

// feasible reports whether n is a failure mode an attacker holding closure can cause: every
// capability it REQUIRES (edges es) is in closure. With no closure (nil) every failure mode is
// feasible; with one, only intentional failure modes are, as only they have an attacker.
func feasible(n *kg.Node, es []kg.Edge, closure map[string]bool) bool {
	if n == nil || n.Kind != kg.KindFailureMode {
		return false
	}
	if closure == nil {
		return true
	}
	if n.Intent != kg.Intentional {
		return false
	}
	for _, ed := range es {
		if ed.Type == kg.RelRequires && ed.Source == n.ID && !closure[ed.Target] {
			return false
		}
	}
	return true
}

// rankMitigations returns the mitigations of the kept failure modes, most failure modes covered first,
// then by id, each with its MITIGATES edges in EdgeLess order (by target, as the source and type are
// fixed), which is also the id order of Covers.
func rankMitigations(fmIDs []string, kept map[string]bool, adj map[string][]kg.Edge, byID map[string]*kg.Node) []RankedMitigation {
	edgesOf := map[string][]kg.Edge{}
	for _, f := range fmIDs {
		if !kept[f] {
			continue
		}
		for _, ed := range adj[f] {
			if ed.Type == kg.RelMitigates && ed.Target == f && byID[ed.Source] != nil {
				edgesOf[ed.Source] = append(edgesOf[ed.Source], ed)
			}
		}
	}
	out := []RankedMitigation{}
	for m, es := range edgesOf {
		kg.SortEdges(es)
		rm := RankedMitigation{Mitigation: byID[m], Covers: make([]*kg.Node, len(es)), Edges: es}
		for i, ed := range es {
			rm.Covers[i] = byID[ed.Target]
		}
		out = append(out, rm)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if len(a.Covers) != len(b.Covers) {
			return len(a.Covers) > len(b.Covers)
		}
		return a.Mitigation.ID < b.Mitigation.ID
	})
	return out
}

// greedyCover picks, until nothing adds coverage, the mitigation covering most failure modes not yet
// covered; ties go to the one with more strong edges among those, then to the smaller id.
func greedyCover(ms []RankedMitigation) []*kg.Node {
	out := []*kg.Node{}
	covered := map[string]bool{}
	used := make([]bool, len(ms))
	for {
		best, bestGain, bestStrong := -1, 0, 0
		for i, m := range ms {
			if used[i] {
				continue
			}
			gain, strong := 0, 0
			for _, ed := range m.Edges {
				if !covered[ed.Target] {
					gain++
					if ed.Strength == kg.StrengthStrong {
						strong++
					}
				}
			}
			if gain == 0 {
				continue
			}
			better := best < 0 || gain > bestGain ||
				(gain == bestGain && strong > bestStrong) ||
				(gain == bestGain && strong == bestStrong && m.Mitigation.ID < ms[best].Mitigation.ID)
			if better {
				best, bestGain, bestStrong = i, gain, strong
			}
		}
		if best < 0 {
			return out
		}
		used[best] = true
		out = append(out, ms[best].Mitigation)
		for _, ed := range ms[best].Edges {
			covered[ed.Target] = true
		}
	}
}

// mitigated reports whether any of ms has an edge to the failure mode fm.
func mitigated(fm string, ms []RankedMitigation) bool {
	for _, m := range ms {
		for _, ed := range m.Edges {
			if ed.Target == fm {
				return true
			}
		}
	}
	return false
}
