package neo4jstore

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/failgraph/failgraph/internal/kg"
)

// Expand implements kg.Store in one statement: the plan is compiled into nested COLLECT subqueries,
// as @neo4j/graphql compiles a selection, so that a whole GraphQL selection is one round trip. The
// statement's only variable parts are labels and relationship types from the kg allowlists, quoted;
// the ids travel as a parameter.
func (s *Store) Expand(ctx context.Context, ids []string, plan kg.Plan) (*kg.Expansion, error) {
	if err := plan.Validate(); err != nil {
		return nil, err
	}
	out := &kg.Expansion{Nodes: map[string]*kg.Node{}, Edges: map[kg.EdgeKey][]kg.Edge{}}
	if len(ids) == 0 {
		return out, kg.CtxErr(ctx)
	}
	cypher, err := compileExpand(plan)
	if err != nil {
		return nil, err
	}
	err = s.read(ctx, cypher, map[string]any{"ids": kg.DistinctIDs(ids)}, func(recs []*neo4j.Record) error {
		if len(recs) != 1 {
			return fmt.Errorf("expand: %d rows", len(recs))
		}
		rows, _, err := neo4j.GetRecordValue[[]any](recs[0], "nodes")
		if err != nil {
			return err
		}
		for _, row := range rows {
			if err := decodeExpanded(out, row, plan); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, es := range out.Edges {
		kg.SortEdges(es)
	}
	return out, nil
}

// ListExpand implements kg.Store in one statement: List's statement, whose nodes come back with
// everything plan asks around them, as in Expand.
func (s *Store) ListExpand(ctx context.Context, f kg.Filter, plan kg.Plan) ([]*kg.Node, *kg.Expansion, error) {
	if err := f.Validate(); err != nil {
		return nil, nil, err
	}
	if err := plan.Validate(); err != nil {
		return nil, nil, err
	}
	list, params, less := listQuery(f)
	const tail = "RETURN collect(n) AS nodes"
	if !strings.HasSuffix(list, tail) {
		return nil, nil, kg.Errorf(kg.EINTERNAL, "", "list statement without its return clause")
	}
	c := &compiler{}
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(list, tail) + "RETURN collect(")
	if err := c.node(&b, "n", plan); err != nil {
		return nil, nil, err
	}
	b.WriteString(") AS nodes")
	out := &kg.Expansion{Nodes: map[string]*kg.Node{}, Edges: map[kg.EdgeKey][]kg.Edge{}}
	var listed []*kg.Node
	err := s.read(ctx, b.String(), params, func(recs []*neo4j.Record) error {
		if len(recs) != 1 {
			return fmt.Errorf("list and expand: %d rows", len(recs))
		}
		rows, _, err := neo4j.GetRecordValue[[]any](recs[0], "nodes")
		if err != nil {
			return err
		}
		for _, row := range rows {
			n, err := decodeExpandedNode(out, row, plan)
			if err != nil {
				return err
			}
			listed = append(listed, n)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for _, es := range out.Edges {
		kg.SortEdges(es)
	}
	sort.SliceStable(listed, func(i, j int) bool { return less(listed[i], listed[j]) })
	for i, n := range listed {
		listed[i] = n.Clone() // the list's nodes are the caller's to keep, apart from the expansion's
	}
	return listed, out, nil
}

// compileExpand returns the statement of plan. Every node comes back as [node, steps], steps
// holding one value per step of the plan in planOrder (null for the steps of other kinds); every
// edge as [type, source, target, note, strength, refs, basis, confidence, reason, other end or null,
// cited references or null].
func compileExpand(plan kg.Plan) (string, error) {
	c := &compiler{}
	var b strings.Builder
	b.WriteString("UNWIND $ids AS id\nMATCH (n0:Node {id: id})\nRETURN collect(")
	if err := c.node(&b, "n0", plan); err != nil {
		return "", err
	}
	b.WriteString(") AS nodes")
	return b.String(), nil
}

type compiler struct{ vars int }

func (c *compiler) fresh(prefix string) string {
	c.vars++
	return fmt.Sprintf("%s%d", prefix, c.vars)
}

// planOrder lists the steps of plan in the order the statement returns them: by kind in kg.Kinds
// order, then in the plan's order.
func planOrder(plan kg.Plan, f func(kg.Kind, kg.Step) error) error {
	for _, k := range kg.Kinds {
		for _, st := range plan[k] {
			if err := f(k, st); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *compiler) node(b *strings.Builder, v string, plan kg.Plan) error {
	b.WriteString("[" + v + ", [")
	first := true
	err := planOrder(plan, func(k kg.Kind, st kg.Step) error {
		if !first {
			b.WriteString(", ")
		}
		first = false
		fmt.Fprintf(b, "CASE WHEN %s:%s THEN ", v, quote(string(k)))
		if err := c.step(b, v, st); err != nil {
			return err
		}
		b.WriteString(" END")
		return nil
	})
	b.WriteString("]]")
	return err
}

func (c *compiler) step(b *strings.Builder, v string, st kg.Step) error {
	if st.Implies {
		x := c.fresh("x")
		fmt.Fprintf(b, "COLLECT { MATCH (%s:Node) WHERE %s.id IN coalesce(%s.%s, []) RETURN ", x, x, v, pImplies)
		if err := c.node(b, x, st.Next); err != nil {
			return err
		}
		b.WriteString(" }")
		return nil
	}
	r, w := c.fresh("r"), c.fresh("n")
	types := ""
	for i, t := range st.Types {
		if i == 0 {
			types = ":" + quote(string(t))
		} else {
			types += "|" + quote(string(t))
		}
	}
	left, right := "-", "-"
	switch st.Dir {
	case kg.Out:
		right = "->"
	case kg.In:
		left = "<-"
	}
	fmt.Fprintf(b, "COLLECT { MATCH (%s)%s[%s%s]%s(%s:Node) RETURN [type(%s), startNode(%s).id, endNode(%s).id, %s.%s, %s.%s, %s.%s, %s.%s, %s.%s, %s.%s, ",
		v, left, r, types, right, w, r, r, r, r, pNote, r, pStrength, r, pRefs, r, pBasis, r, pConfidence, r, pReason)
	if st.Nodes {
		if err := c.node(b, w, st.Next); err != nil {
			return err
		}
	} else {
		b.WriteString("null")
	}
	b.WriteString(", ")
	if st.Refs {
		x := c.fresh("x")
		fmt.Fprintf(b, "COLLECT { MATCH (%s:Node) WHERE %s.id IN coalesce(%s.%s, []) RETURN ", x, x, r, pRefs)
		if err := c.node(b, x, st.RefNext); err != nil {
			return err
		}
		b.WriteString(" }")
	} else {
		b.WriteString("null")
	}
	b.WriteString("] }")
	return nil
}

// decodeExpanded files one [node, steps] value of plan's statement into out.
func decodeExpanded(out *kg.Expansion, v any, plan kg.Plan) error {
	_, err := decodeExpandedNode(out, v, plan)
	return err
}

// decodeExpandedNode is decodeExpanded, returning the node.
func decodeExpandedNode(out *kg.Expansion, v any, plan kg.Plan) (*kg.Node, error) {
	l, ok := v.([]any)
	if !ok || len(l) != 2 {
		return nil, fmt.Errorf("expand: malformed node %v", v)
	}
	dn, ok := l[0].(neo4j.Node)
	if !ok {
		return nil, fmt.Errorf("expand: node holds a %T", l[0])
	}
	n, err := decodeNode(dn.Labels, dn.Props)
	if err != nil {
		return nil, err
	}
	out.Nodes[n.ID] = n
	steps, ok := l[1].([]any)
	if !ok {
		return nil, fmt.Errorf("expand: steps of %s hold a %T", n.ID, l[1])
	}
	i := 0
	return n, planOrder(plan, func(k kg.Kind, st kg.Step) error {
		val := steps[i]
		i++
		if k != n.Kind {
			return nil
		}
		rows, ok := val.([]any)
		if !ok {
			return fmt.Errorf("expand: step of %s holds a %T", n.ID, val)
		}
		if st.Implies {
			for _, row := range rows {
				if err := decodeExpanded(out, row, st.Next); err != nil {
					return err
				}
			}
			return nil
		}
		key := st.Key(n.ID)
		es := make([]kg.Edge, 0, len(rows))
		for _, row := range rows {
			cols, ok := row.([]any)
			if !ok || len(cols) != 11 {
				return fmt.Errorf("expand: malformed edge %v", row)
			}
			_, e, err := decodeEdge(append([]any{nil}, cols[:9]...))
			if err != nil {
				return err
			}
			es = append(es, e)
			// A loop is both an out- and an in-edge of its node, as in Adjacent.
			if st.Dir == kg.Both && e.Source == e.Target {
				es = append(es, e.Clone())
			}
			if st.Nodes && cols[9] != nil {
				if err := decodeExpanded(out, cols[9], st.Next); err != nil {
					return err
				}
			}
			if st.Refs && cols[10] != nil {
				refs, ok := cols[10].([]any)
				if !ok {
					return fmt.Errorf("expand: references of %s hold a %T", e.ID, cols[10])
				}
				for _, ref := range refs {
					if err := decodeExpanded(out, ref, st.RefNext); err != nil {
						return err
					}
				}
			}
		}
		out.Edges[key] = es
		return nil
	})
}
