package traverse

import (
	"context"
	"sort"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

// The questions of the paper's audiences: an ML engineer's threat model, an incident responder's
// triage, a lawyer's exposure and matrix, and a maintainer's coverage gaps. Each reads the store in a
// fixed number of calls, whatever the size of the graph or of the answer.

// idArg is one list argument naming nodes of one kind.
type idArg struct {
	name string
	ids  []string
	kind kg.Kind
}

// checkIDArgs validates list arguments in one Nodes call: too long, unknown ids and ids of another
// kind are EINVALID naming the argument. It returns the nodes found, by id.
func (e *Engine) checkIDArgs(ctx context.Context, args ...idArg) (map[string]*kg.Node, error) {
	var all []string
	for _, a := range args {
		if err := checkLen(a.name, len(a.ids)); err != nil {
			return nil, err
		}
		all = append(all, a.ids...)
	}
	all = kg.DistinctIDs(all)
	byID, err := e.nodeMap(ctx, all)
	if err != nil {
		return nil, err
	}
	for _, a := range args {
		for _, id := range a.ids {
			n := byID[id]
			switch {
			case n == nil:
				return nil, kg.Errorf(kg.EINVALID, a.name, "no node with id %q", id)
			case n.Kind != a.kind:
				return nil, kg.Errorf(kg.EINVALID, a.name, "%q is a %s, not a %s", id, n.Kind, a.kind)
			}
		}
	}
	return byID, nil
}

// checkLen refuses a list argument of more than kg.MaxIDs entries.
func checkLen(arg string, n int) error {
	if n > kg.MaxIDs {
		return kg.Errorf(kg.EINVALID, arg, "at most %d ids, got %d", kg.MaxIDs, n)
	}
	return nil
}

// threatModel: Nodes (the arguments), List (capabilities, only when given), Adjacent (TARGETS into
// the assets), Adjacent (REQUIRES and MITIGATES of those failure modes), Nodes (failure modes and
// mitigations).
func (e *Engine) threatModel(ctx context.Context, assets, capabilities []string) (*ThreatModel, error) {
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
		all, err := e.store.List(ctx, kg.Filter{Kind: kg.KindCapability})
		if err != nil {
			return nil, err
		}
		implies := make(map[string][]string, len(all))
		for _, c := range all {
			implies[c.ID] = c.Implies
		}
		closure = map[string]bool{}
		stack := append([]string(nil), caps...)
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if closure[c] {
				continue
			}
			closure[c] = true
			stack = append(stack, implies[c]...)
		}
	}

	if err := kg.CtxErr(ctx); err != nil {
		return nil, err
	}
	targeting, err := e.store.Adjacent(ctx, assets, kg.In, []kg.RelType{kg.RelTargets})
	if err != nil {
		return nil, err
	}
	var fmIDs []string
	for _, a := range assets {
		for _, ed := range targeting[a] {
			fmIDs = append(fmIDs, ed.Source)
		}
	}
	fmIDs = sortedUnique(fmIDs)
	tm := &ThreatModel{FailureModes: []*kg.Node{}, Mitigations: []RankedMitigation{}, MinimalCover: []*kg.Node{}, Uncovered: []*kg.Node{}}
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
	byID, err := e.nodeMap(ctx, append(append([]string(nil), fmIDs...), sortedUnique(mitIDs)...))
	if err != nil {
		return nil, err
	}

	kept := map[string]bool{}
	for _, f := range fmIDs {
		n := byID[f]
		if n == nil || n.Kind != kg.KindFailureMode {
			continue
		}
		if closure != nil {
			if n.Intent != kg.Intentional {
				continue
			}
			feasible := true
			for _, ed := range adj[f] {
				if ed.Type == kg.RelRequires && ed.Source == f && !closure[ed.Target] {
					feasible = false
					break
				}
			}
			if !feasible {
				continue
			}
		}
		kept[f] = true
		tm.FailureModes = append(tm.FailureModes, n)
	}
	sortNodes(tm.FailureModes)

	// Mitigations of the kept failure modes, with their edges in EdgeLess order (by target, as the
	// source and type are fixed), which is also the id order of Covers.
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
	for m, es := range edgesOf {
		kg.SortEdges(es)
		rm := RankedMitigation{Mitigation: byID[m], Covers: make([]*kg.Node, len(es)), Edges: es}
		for i, ed := range es {
			rm.Covers[i] = byID[ed.Target]
		}
		tm.Mitigations = append(tm.Mitigations, rm)
	}
	sort.Slice(tm.Mitigations, func(i, j int) bool {
		a, b := tm.Mitigations[i], tm.Mitigations[j]
		if len(a.Covers) != len(b.Covers) {
			return len(a.Covers) > len(b.Covers)
		}
		return a.Mitigation.ID < b.Mitigation.ID
	})
	tm.MinimalCover = greedyCover(tm.Mitigations)
	for _, n := range tm.FailureModes {
		if !mitigated(n.ID, tm.Mitigations) {
			tm.Uncovered = append(tm.Uncovered, n)
		}
	}
	return tm, nil
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
					if ed.Strength == "strong" {
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

// triage: Nodes (the assets, when given), List (failure modes), Adjacent (their TARGETS, REQUIRES
// and MITIGATES) and Nodes (capabilities and mitigations of the candidates).
func (e *Engine) triage(ctx context.Context, compromised []kg.SecurityProperty, assets []string) ([]TriageCandidate, error) {
	if len(compromised) == 0 && len(assets) == 0 {
		return nil, kg.Errorf(kg.EINVALID, "compromised", "name at least one compromised property or one asset")
	}
	if len(compromised) > kg.MaxIDs {
		return nil, kg.Errorf(kg.EINVALID, "compromised", "at most %d properties, got %d", kg.MaxIDs, len(compromised))
	}
	observed := map[kg.SecurityProperty]bool{}
	for _, p := range compromised {
		if !validProperty(p) {
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
	seenAsset := make(map[string]bool, len(assets))
	for _, a := range assets {
		seenAsset[a] = true
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

	type cand struct {
		TriageCandidate
		severity int
		caps     []string
		mits     []kg.Edge
	}
	var cands []cand
	var more []string // capabilities and mitigations to read
	for _, f := range fms {
		c := cand{TriageCandidate: TriageCandidate{FailureMode: f, Matched: []kg.SecurityProperty{}, MatchedAssets: []*kg.Node{}}}
		pScore, aScore := 0.0, 0.0
		if len(observed) > 0 {
			for _, p := range kg.SecurityProperties {
				if observed[p] && containsProp(f.Compromises, p) {
					c.Matched = append(c.Matched, p)
				}
			}
			pScore = float64(len(c.Matched)) / float64(len(observed))
		}
		var hit []string
		for _, ed := range adj[f.ID] {
			switch {
			case ed.Type == kg.RelTargets && ed.Source == f.ID && seenAsset[ed.Target]:
				hit = append(hit, ed.Target)
			case ed.Type == kg.RelRequires && ed.Source == f.ID:
				c.caps = append(c.caps, ed.Target)
			case ed.Type == kg.RelMitigates && ed.Target == f.ID:
				c.mits = append(c.mits, ed)
			}
		}
		if len(assets) > 0 {
			hit = sortedUnique(hit)
			aScore = float64(len(hit)) / float64(len(assets))
			for _, a := range hit {
				c.MatchedAssets = append(c.MatchedAssets, known[a])
			}
		}
		c.Score = round4(pScore + aScore)
		if c.Score <= 0 {
			continue
		}
		c.severity = severityRank(f.Severity)
		c.caps = sortedUnique(c.caps)
		sort.SliceStable(c.mits, func(i, j int) bool {
			si, sj := strengthRank(c.mits[i].Strength), strengthRank(c.mits[j].Strength)
			if si != sj {
				return si < sj
			}
			return c.mits[i].Source < c.mits[j].Source
		})
		if len(c.mits) > 3 {
			c.mits = c.mits[:3]
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

	byID, err := e.nodeMap(ctx, sortedUnique(more))
	if err != nil {
		return nil, err
	}
	out := make([]TriageCandidate, len(cands))
	for i, c := range cands {
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
		out[i] = t
	}
	return out, nil
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

func strengthRank(s string) int {
	switch s {
	case "strong":
		return 0
	case "partial":
		return 1
	case "detect-only":
		return 2
	}
	return 3
}

func validProperty(p kg.SecurityProperty) bool { return containsProp(kg.SecurityProperties, p) }

func containsProp(ps []kg.SecurityProperty, p kg.SecurityProperty) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

// legalExposure: Nodes (the failure mode), Adjacent (its RAISES and SUBTYPE_OF), Adjacent (its
// parent's RAISES, when it has a parent) and Nodes (considerations, references, parent).
func (e *Engine) legalExposure(ctx context.Context, failureMode string) (*LegalExposure, error) {
	ns, err := e.store.Nodes(ctx, []string{failureMode})
	if err != nil {
		return nil, err
	}
	fm := ns[0]
	if fm == nil || fm.Kind != kg.KindFailureMode {
		return nil, kg.Errorf(kg.ENOTFOUND, "failureMode", "no failure mode with id %q", failureMode)
	}
	own, err := e.store.Adjacent(ctx, []string{fm.ID}, kg.Out, []kg.RelType{kg.RelRaises, kg.RelSubtypeOf})
	if err != nil {
		return nil, err
	}
	type item struct {
		edge      kg.Edge
		inherited string
	}
	var items []item
	raised := map[string]bool{}
	parent := ""
	for _, ed := range own[fm.ID] {
		switch ed.Type {
		case kg.RelRaises:
			items = append(items, item{edge: ed})
			raised[ed.Target] = true
		case kg.RelSubtypeOf:
			if parent == "" {
				parent = ed.Target
			}
		}
	}
	if parent != "" {
		if err := kg.CtxErr(ctx); err != nil {
			return nil, err
		}
		got, err := e.store.Adjacent(ctx, []string{parent}, kg.Out, []kg.RelType{kg.RelRaises})
		if err != nil {
			return nil, err
		}
		for _, ed := range got[parent] {
			if !raised[ed.Target] {
				items = append(items, item{edge: ed, inherited: parent})
			}
		}
	}
	var ids []string
	if parent != "" {
		ids = append(ids, parent)
	}
	for _, it := range items {
		ids = append(ids, it.edge.Target)
		ids = append(ids, it.edge.Refs...)
	}
	byID, err := e.nodeMap(ctx, kg.DistinctIDs(ids))
	if err != nil {
		return nil, err
	}
	le := &LegalExposure{FailureMode: fm, Items: []LegalItem{}}
	for _, it := range items {
		c := byID[it.edge.Target]
		if c == nil {
			continue
		}
		li := LegalItem{Consideration: c, Edge: it.edge, References: []*kg.Node{}}
		for _, r := range it.edge.Refs {
			if n := byID[r]; n != nil {
				li.References = append(li.References, n)
			}
		}
		if it.inherited != "" {
			li.InheritedFrom = byID[it.inherited]
		}
		le.Items = append(le.Items, li)
	}
	sort.SliceStable(le.Items, func(i, j int) bool {
		a, b := le.Items[i].Consideration, le.Items[j].Consideration
		if a.Jurisdiction != b.Jurisdiction {
			return a.Jurisdiction < b.Jurisdiction
		}
		return a.ID < b.ID
	})
	return le, nil
}

// legalMatrix: List (the considerations), Adjacent (RAISES into them) and Nodes (the failure modes).
func (e *Engine) legalMatrix(ctx context.Context, jurisdiction string) (*Matrix, error) {
	if len(jurisdiction) > kg.MaxQueryLen {
		return nil, kg.Errorf(kg.EINVALID, "jurisdiction", "at most %d characters", kg.MaxQueryLen)
	}
	cols, err := e.store.List(ctx, kg.Filter{Kind: kg.KindLegal, Jurisdiction: strings.TrimSpace(jurisdiction)})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(cols, func(i, j int) bool {
		if cols[i].Jurisdiction != cols[j].Jurisdiction {
			return cols[i].Jurisdiction < cols[j].Jurisdiction
		}
		return cols[i].ID < cols[j].ID
	})
	m := &Matrix{Rows: []*kg.Node{}, Columns: cols, Cells: [][]*kg.Edge{}}
	if m.Columns == nil {
		m.Columns = []*kg.Node{}
	}
	if len(cols) == 0 {
		return m, nil
	}
	colIDs := make([]string, len(cols))
	col := make(map[string]int, len(cols))
	for j, c := range cols {
		colIDs[j] = c.ID
		col[c.ID] = j
	}
	adj, err := e.store.Adjacent(ctx, colIDs, kg.In, []kg.RelType{kg.RelRaises})
	if err != nil {
		return nil, err
	}
	var rowIDs []string
	for _, c := range colIDs {
		for _, ed := range adj[c] {
			rowIDs = append(rowIDs, ed.Source)
		}
	}
	rowIDs = sortedUnique(rowIDs)
	byID, err := e.nodeMap(ctx, rowIDs)
	if err != nil {
		return nil, err
	}
	for _, id := range rowIDs {
		if n := byID[id]; n != nil && n.Kind == kg.KindFailureMode {
			m.Rows = append(m.Rows, n)
		}
	}
	sortNodes(m.Rows)
	row := make(map[string]int, len(m.Rows))
	for i, r := range m.Rows {
		row[r.ID] = i
		m.Cells = append(m.Cells, make([]*kg.Edge, len(cols)))
	}
	for _, c := range colIDs {
		for _, ed := range adj[c] {
			if i, ok := row[ed.Source]; ok {
				m.Cells[i][col[c]] = &ed
			}
		}
	}
	return m, nil
}

// coverageGaps: List (failure modes), List (mitigations), Adjacent (their MITIGATES, RAISES, CITES
// and SUBTYPE_OF) and Nodes (the references of the mitigations).
func (e *Engine) coverageGaps(ctx context.Context) (*CoverageGaps, error) {
	fms, err := e.store.List(ctx, kg.Filter{Kind: kg.KindFailureMode})
	if err != nil {
		return nil, err
	}
	mits, err := e.store.List(ctx, kg.Filter{Kind: kg.KindMitigation})
	if err != nil {
		return nil, err
	}
	gaps := &CoverageGaps{WithoutMitigation: []*kg.Node{}, WithoutLegal: []*kg.Node{}, FewReferences: []*kg.Node{}, MitigationsWithoutEvidence: []*kg.Node{}}
	ids := make([]string, 0, len(fms)+len(mits))
	for _, n := range fms {
		ids = append(ids, n.ID)
	}
	for _, n := range mits {
		ids = append(ids, n.ID)
	}
	if len(ids) == 0 {
		return gaps, nil
	}
	if err := kg.CtxErr(ctx); err != nil {
		return nil, err
	}
	adj, err := e.store.Adjacent(ctx, ids, kg.Both, []kg.RelType{kg.RelMitigates, kg.RelRaises, kg.RelCites, kg.RelSubtypeOf})
	if err != nil {
		return nil, err
	}
	raises := func(id string) bool {
		for _, ed := range adj[id] {
			if ed.Type == kg.RelRaises && ed.Source == id {
				return true
			}
		}
		return false
	}
	for _, f := range fms {
		mitigatedBy, cites := 0, 0
		parent := ""
		for _, ed := range adj[f.ID] {
			switch {
			case ed.Type == kg.RelMitigates && ed.Target == f.ID:
				mitigatedBy++
			case ed.Type == kg.RelCites && ed.Source == f.ID:
				cites++
			case ed.Type == kg.RelSubtypeOf && ed.Source == f.ID && parent == "":
				parent = ed.Target
			}
		}
		if mitigatedBy == 0 {
			gaps.WithoutMitigation = append(gaps.WithoutMitigation, f)
		}
		if !raises(f.ID) && (parent == "" || !raises(parent)) {
			gaps.WithoutLegal = append(gaps.WithoutLegal, f)
		}
		if cites < 2 {
			gaps.FewReferences = append(gaps.FewReferences, f)
		}
	}

	evidence := map[string][]string{} // mitigation -> the references it rests on
	var refIDs []string
	for _, m := range mits {
		for _, ed := range adj[m.ID] {
			switch {
			case ed.Type == kg.RelMitigates && ed.Source == m.ID:
				evidence[m.ID] = append(evidence[m.ID], ed.Refs...)
			case ed.Type == kg.RelCites && ed.Source == m.ID:
				evidence[m.ID] = append(evidence[m.ID], ed.Target)
			}
		}
		refIDs = append(refIDs, evidence[m.ID]...)
	}
	refs, err := e.nodeMap(ctx, sortedUnique(refIDs))
	if err != nil {
		return nil, err
	}
	for _, m := range mits {
		paper := false
		for _, r := range evidence[m.ID] {
			if n := refs[r]; n != nil && n.Kind == kg.KindReference && n.RefType == "paper" {
				paper = true
				break
			}
		}
		if !paper {
			gaps.MitigationsWithoutEvidence = append(gaps.MitigationsWithoutEvidence, m)
		}
	}
	// List returns NodeLess order already; sorting keeps the promise whatever the store.
	sortNodes(gaps.WithoutMitigation)
	sortNodes(gaps.WithoutLegal)
	sortNodes(gaps.FewReferences)
	sortNodes(gaps.MitigationsWithoutEvidence)
	return gaps, nil
}

func sortNodes(ns []*kg.Node) {
	sort.SliceStable(ns, func(i, j int) bool { return kg.NodeLess(ns[i], ns[j]) })
}

// sortedUnique sorts ids and drops repeats, in place.
func sortedUnique(ids []string) []string {
	if len(ids) == 0 {
		return ids
	}
	sort.Strings(ids)
	out := ids[:1]
	for _, id := range ids[1:] {
		if id != out[len(out)-1] {
			out = append(out, id)
		}
	}
	return out
}
