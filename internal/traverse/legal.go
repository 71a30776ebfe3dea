package traverse

import (
	"context"
	"sort"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

// LegalExposure is the question of a lawyer about one failure mode: which legal considerations it
// raises, its own and those it inherits from the failure mode it is a subtype of, by jurisdiction
// and then consideration id. An id that is not a failure mode: ENOTFOUND naming "failureMode".
//
// Store calls: Node (the failure mode), Adjacent (its RAISES and SUBTYPE_OF), Adjacent (its parent's
// RAISES, only when it has a parent) and Nodes (considerations, references, parent; only when there
// are any): 4, 3 without a parent.
func (e *Engine) LegalExposure(ctx context.Context, failureMode string) (*LegalExposure, error) {
	fm, err := e.store.Node(ctx, failureMode)
	if err != nil && kg.ErrorCode(err) != kg.ENOTFOUND {
		return nil, err
	}
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
	var ids []string
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
		return byJurisdiction(le.Items[i].Consideration, le.Items[j].Consideration)
	})
	return le, nil
}

// LegalMatrix is the question of a policy maker: failure modes (rows) by the legal considerations
// they raise (columns), optionally of one jurisdiction (exact, case-insensitive). A jurisdiction
// longer than kg.MaxQueryLen: EINVALID.
//
// Store calls: List (the considerations), Adjacent (RAISES into them) and Nodes (the failure modes,
// only when any raises one): 3, 1 when no consideration matches.
func (e *Engine) LegalMatrix(ctx context.Context, jurisdiction string) (*Matrix, error) {
	if len(jurisdiction) > kg.MaxQueryLen {
		return nil, kg.Errorf(kg.EINVALID, "jurisdiction", "at most %d characters", kg.MaxQueryLen)
	}
	cols, err := e.store.List(ctx, kg.Filter{Kind: kg.KindLegal, Jurisdiction: strings.TrimSpace(jurisdiction)})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(cols, func(i, j int) bool { return byJurisdiction(cols[i], cols[j]) })
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
	byID, err := e.nodeMap(ctx, kg.DistinctIDs(rowIDs))
	if err != nil {
		return nil, err
	}
	for _, n := range byID {
		if n.Kind == kg.KindFailureMode {
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

// byJurisdiction orders legal considerations by jurisdiction, then id.
func byJurisdiction(a, b *kg.Node) bool {
	if a.Jurisdiction != b.Jurisdiction {
		return a.Jurisdiction < b.Jurisdiction
	}
	return a.ID < b.ID
}
