package traverse

import (
	"context"

	"github.com/failgraph/failgraph/internal/kg"
)

// CoverageGaps is the question of the graph's maintainers: where is it thin. It lists the failure
// modes no mitigation answers, those raising no legal consideration (own or inherited), those citing
// fewer than two references, and the mitigations none of whose evidence is a paper.
//
// Store calls: List (failure modes), List (mitigations), Adjacent (their MITIGATES, RAISES, CITES and
// SUBTYPE_OF) and Nodes (the references of the mitigations, only when they cite any): 4, 2 on an
// empty graph.
func (e *Engine) CoverageGaps(ctx context.Context) (*CoverageGaps, error) {
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
	failureModeGaps(gaps, fms, adj)

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
	refs, err := e.nodeMap(ctx, kg.DistinctIDs(refIDs))
	if err != nil {
		return nil, err
	}
	for _, m := range mits {
		paper := false
		for _, r := range evidence[m.ID] {
			if n := refs[r]; n != nil && n.Kind == kg.KindReference && n.RefType == kg.RefPaper {
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

// failureModeGaps adds to gaps the failure modes of fms without a mitigation, without a legal
// consideration (own or their parent's) and with fewer than two references, from their adjacency.
func failureModeGaps(gaps *CoverageGaps, fms []*kg.Node, adj map[string][]kg.Edge) {
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
}
