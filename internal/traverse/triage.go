package traverse

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

// Triage is the question of a security incident responder: which failure modes are consistent with
// what was observed. It ranks the failure modes that compromise any of the compromised properties or
// target any of assets by score (share of observed properties matched plus share of observed assets
// targeted), then severity, then kg.NodeLess. Nothing observed, more than kg.MaxIDs of either, an
// unknown property, an unknown asset or an id of another kind: EINVALID naming the argument.
//
// Store calls: Nodes (the assets, only when given), List (failure modes), Adjacent (their TARGETS,
// REQUIRES and MITIGATES) and Nodes (capabilities and mitigations of the candidates, only when there
// are any): 4, 3 without assets.
func (e *Engine) Triage(ctx context.Context, compromised []kg.SecurityProperty, assets []string) ([]TriageCandidate, error) {
	if len(compromised) == 0 && len(assets) == 0 {
		return nil, kg.Errorf(kg.EINVALID, "compromised", "name at least one compromised property or one asset")
	}
	if len(compromised) > kg.MaxIDs {
		return nil, kg.Errorf(kg.EINVALID, "compromised", "at most %d properties, got %d", kg.MaxIDs, len(compromised))
	}
	observed := map[kg.SecurityProperty]bool{}
	for _, p := range compromised {
		if !slices.Contains(kg.SecurityProperties, p) {
			return nil, kg.Errorf(kg.EINVALID, "compromised", "unknown security property %q", p)
		}
		observed[p] = true
	}
	if err := checkLen("assets", len(assets)); err != nil {
		return nil, err
	}
	assets = kg.DistinctIDs(assets)
	known, err := e.checkIDArgs(ctx, idArg{"assets", assets, kg.KindAsset})
	if err != nil {
		return nil, err
	}

	fms, err := e.store.List(ctx, kg.Filter{Kind: kg.KindFailureMode})
	if err != nil {
		return nil, err
	}
	if len(fms) == 0 {
		return []TriageCandidate{}, nil
	}
	ids := make([]string, len(fms))
	for i, f := range fms {
		ids[i] = f.ID
	}
	if err := kg.CtxErr(ctx); err != nil {
		return nil, err
	}
	adj, err := e.store.Adjacent(ctx, ids, kg.Both, []kg.RelType{kg.RelTargets, kg.RelRequires, kg.RelMitigates})
	if err != nil {
		return nil, err
	}

	var cands []candidate
	var more []string // capabilities and mitigations to read
	for _, f := range fms {
		c, ok := score(f, adj[f.ID], observed, assets, known)
		if !ok {
			continue
		}
		more = append(more, c.caps...)
		for _, ed := range c.mits {
			more = append(more, ed.Source)
		}
		cands = append(cands, c)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.severity != b.severity {
			return a.severity > b.severity
		}
		return kg.NodeLess(a.FailureMode, b.FailureMode)
	})

	byID, err := e.nodeMap(ctx, kg.DistinctIDs(more))
	if err != nil {
		return nil, err
	}
	out := make([]TriageCandidate, len(cands))
	for i, c := range cands {
		out[i] = c.resolve(byID)
	}
	return out, nil
}

// candidate is a failure mode being triaged, before its capabilities and mitigations are read.
type candidate struct {
	TriageCandidate
	severity int
	caps     []string  // REQUIRES targets, id order
	mits     []kg.Edge // up to 3 MITIGATES edges into it, strongest first, then by source
}

// score matches the failure mode f, whose TARGETS, REQUIRES and MITIGATES edges are es, against the
// observed properties and assets (known: the asset nodes by id). ok is false when nothing matches.
func score(f *kg.Node, es []kg.Edge, observed map[kg.SecurityProperty]bool, assets []string, known map[string]*kg.Node) (c candidate, ok bool) {
	c = candidate{TriageCandidate: TriageCandidate{FailureMode: f, Matched: []kg.SecurityProperty{}, MatchedAssets: []*kg.Node{}}}
	pScore, aScore := 0.0, 0.0
	if len(observed) > 0 {
		for _, p := range kg.SecurityProperties {
			if observed[p] && slices.Contains(f.Compromises, p) {
				c.Matched = append(c.Matched, p)
			}
		}
		pScore = float64(len(c.Matched)) / float64(len(observed))
	}
	var hit []string
	for _, ed := range es {
		switch {
		case ed.Type == kg.RelTargets && ed.Source == f.ID && known[ed.Target] != nil:
			hit = append(hit, ed.Target)
		case ed.Type == kg.RelRequires && ed.Source == f.ID:
			c.caps = append(c.caps, ed.Target)
		case ed.Type == kg.RelMitigates && ed.Target == f.ID:
			c.mits = append(c.mits, ed)
		}
	}
	if len(assets) > 0 {
		hit = kg.DistinctIDs(hit)
		slices.Sort(hit)
		aScore = float64(len(hit)) / float64(len(assets))
		for _, a := range hit {
			c.MatchedAssets = append(c.MatchedAssets, known[a])
		}
	}
	c.Score = round4(pScore + aScore)
	if c.Score <= 0 {
		return c, false
	}
	c.severity = severityRank(f.Severity)
	c.caps = kg.DistinctIDs(c.caps)
	slices.Sort(c.caps)
	sort.SliceStable(c.mits, func(i, j int) bool {
		si, sj := c.mits[i].Strength.Rank(), c.mits[j].Strength.Rank()
		if si != sj {
			return si < sj
		}
		return c.mits[i].Source < c.mits[j].Source
	})
	if len(c.mits) > 3 {
		c.mits = c.mits[:3]
	}
	return c, true
}

// resolve turns c into its answer with the nodes read for its capabilities and mitigations.
func (c candidate) resolve(byID map[string]*kg.Node) TriageCandidate {
	t := c.TriageCandidate
	t.Capabilities = []*kg.Node{}
	for _, id := range c.caps {
		if n := byID[id]; n != nil {
			t.Capabilities = append(t.Capabilities, n)
		}
	}
	t.FirstMitigations = []RankedMitigation{}
	for _, ed := range c.mits {
		if m := byID[ed.Source]; m != nil {
			t.FirstMitigations = append(t.FirstMitigations, RankedMitigation{Mitigation: m, Covers: []*kg.Node{c.FailureMode}, Edges: []kg.Edge{ed}})
		}
	}
	return t
}

// severityRank reads a failure mode's severity ratings as one number: 4 for a level that says
// critical, 3 important, 2 moderate, 1 low, the highest over its ratings, 0 when it has none. Levels
// come from bug bars with their own wording, so the words are looked for, not matched exactly.
func severityRank(ss []kg.Severity) int {
	best := 0
	for _, s := range ss {
		l := strings.ToLower(s.Level)
		r := 0
		switch {
		case strings.Contains(l, "critical"):
			r = 4
		case strings.Contains(l, "important"):
			r = 3
		case strings.Contains(l, "moderate"):
			r = 2
		case strings.Contains(l, "low"):
			r = 1
		}
		if r > best {
			best = r
		}
	}
	return best
}
