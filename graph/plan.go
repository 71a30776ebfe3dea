package graph

import (
	"context"
	"reflect"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/failgraph/failgraph/graph/loader"
	"github.com/failgraph/failgraph/graph/model"
	"github.com/failgraph/failgraph/internal/kg"
)

// Batching by shape. A field that returns nodes (or edges, or results holding them) knows from its
// selection what the fields below it will ask: Prefetch turns that selection into a kg.Plan and
// reads it in one Store.Expand call before those fields resolve, so they all find their data in the
// request's cache. The number of store calls of a request is fixed by the shape of its query, never
// by the number of results or by the load on the server, and nothing waits for siblings on a timer.

// relField is a field of a node type that lists the neighbours across one relation.
type relField struct {
	dir kg.Direction
	rel kg.RelType
}

// neighbourFields are the fields of each node type ("Node": of every node type) that read
// neighbours; their resolvers are in nodes.resolvers.go and read them with Resolver.neighbours.
var neighbourFields = map[string]map[string]relField{
	"Node": {"references": {kg.Out, kg.RelCites}},
	"FailureMode": {
		"parent": {kg.Out, kg.RelSubtypeOf}, "subtypes": {kg.In, kg.RelSubtypeOf},
		"capabilities": {kg.Out, kg.RelRequires}, "assets": {kg.Out, kg.RelTargets},
		"mitigations": {kg.In, kg.RelMitigates}, "legalConsiderations": {kg.Out, kg.RelRaises},
		"stakeholders": {kg.In, kg.RelConcernedWith},
		// atlas is an object, not a list of nodes: reading the crosswalk's ATLAS nodes ahead serves
		// its techniques and the first hop of its caseStudies.
		"atlas": {kg.Out, kg.RelCorrespondsTo},
		// originSources are among the mode's own references (seed validation), so they ride on its CITES.
		"originSources": {kg.Out, kg.RelCites},
	},
	"Capability": {"requiredBy": {kg.In, kg.RelRequires}},
	"Asset":      {"targetedBy": {kg.In, kg.RelTargets}, "protectedBy": {kg.In, kg.RelProtects}},
	"Mitigation": {"mitigates": {kg.Out, kg.RelMitigates}, "protects": {kg.Out, kg.RelProtects},
		"atlasMitigations": {kg.Out, kg.RelCorrespondsTo}},
	"LegalConsideration": {"raisedBy": {kg.In, kg.RelRaises}},
	"Reference":          {"citedBy": {kg.In, kg.RelCites}},
	"Stakeholder":        {"concernedWith": {kg.Out, kg.RelConcernedWith}},
	// The ATLAS layer (atlas.resolvers.go).
	"AtlasTactic": {"techniques": {kg.In, kg.RelAchieves}},
	"AtlasTechnique": {"tactics": {kg.Out, kg.RelAchieves}, "parent": {kg.Out, kg.RelSubtechniqueOf},
		"subtechniques": {kg.In, kg.RelSubtechniqueOf}, "mitigations": {kg.In, kg.RelCounters},
		"caseStudies": {kg.In, kg.RelUses}, "failureModes": {kg.In, kg.RelCorrespondsTo}},
	"AtlasMitigation": {"techniques": {kg.Out, kg.RelCounters}, "mitigations": {kg.In, kg.RelCorrespondsTo}},
	"AtlasCaseStudy":  {"techniques": {kg.Out, kg.RelUses}, "failureModes": {kg.In, kg.RelCorrespondsTo}},
}

// edgeFields are the fields that list a node's edges of one relation (edges and degree take theirs
// from their arguments).
var edgeFields = map[string]map[string]relField{
	"Mitigation": {"mitigationEdges": {kg.Out, kg.RelMitigates}},
}

// planner turns selections into plans for one request. Plans are memoised per selection and kind:
// the hundreds of sibling objects of a list share one selection.
type planner struct {
	op   *graphql.OperationContext
	memo *sync.Map // *ast.Selection → *selMemo
}

// selMemo is what the planner worked out for one selection set (keyed by its first selection).
type selMemo struct {
	mu    sync.Mutex
	steps map[kg.Kind][]kg.Step // guarded by mu
	edge  *edgeSel              // guarded by mu; nil until asked
}

// edgeSel is what a selection of Edge asks beyond the edge itself: its references and endpoints.
type edgeSel struct {
	refs, source, target ast.SelectionSet
	any                  bool // one of them is selected
}

func (p *planner) memoFor(sel ast.SelectionSet) *selMemo {
	key := &sel[0]
	if v, ok := p.memo.Load(key); ok {
		return v.(*selMemo)
	}
	v, _ := p.memo.LoadOrStore(key, &selMemo{steps: map[kg.Kind][]kg.Step{}})
	return v.(*selMemo)
}

// edgeSel returns what sel, a selection of Edge, asks of the edges' references and endpoints.
func (p *planner) edgeSel(sel ast.SelectionSet) *edgeSel {
	if len(sel) == 0 {
		return &edgeSel{}
	}
	m := p.memoFor(sel)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.edge == nil {
		e := &edgeSel{}
		for _, f := range graphql.CollectFields(p.op, sel, []string{"Edge"}) {
			switch f.Name {
			case "references":
				e.refs, e.any = append(e.refs, f.Selections...), true
			case "sourceNode":
				e.source, e.any = append(e.source, f.Selections...), true
			case "targetNode":
				e.target, e.any = append(e.target, f.Selections...), true
			}
		}
		m.edge = e
	}
	return m.edge
}

func (r *Resolver) planner(ctx context.Context) *planner {
	return &planner{op: graphql.GetOperationContext(ctx), memo: r.loaders(ctx).Plans()}
}

// steps returns the steps that the fields of sel ask of a node of kind k.
func (p *planner) steps(sel ast.SelectionSet, k kg.Kind) []kg.Step {
	if len(sel) == 0 {
		return nil
	}
	m := p.memoFor(sel)
	m.mu.Lock()
	steps, ok := m.steps[k]
	m.mu.Unlock()
	if ok {
		return steps
	}
	var plan kg.Plan
	for _, f := range graphql.CollectFields(p.op, sel, []string{string(k), "Node"}) {
		plan = p.field(plan, k, f)
	}
	steps = plan[k]
	m.mu.Lock()
	m.steps[k] = steps
	m.mu.Unlock()
	return steps
}

// field adds to plan the steps that field f of a node of kind k asks.
func (p *planner) field(plan kg.Plan, k kg.Kind, f graphql.CollectedField) kg.Plan {
	rf, ok := neighbourFields[string(k)][f.Name]
	if !ok {
		rf, ok = neighbourFields["Node"][f.Name]
	}
	if ok {
		return plan.Add(k, kg.Step{Dir: rf.dir, Types: []kg.RelType{rf.rel}, Nodes: true, Next: p.neighbours(f.Selections, k, rf)})
	}
	if rf, ok := edgeFields[string(k)][f.Name]; ok {
		return p.edges(plan, k, kg.Step{Dir: rf.dir, Types: []kg.RelType{rf.rel}}, f.Selections)
	}
	switch {
	case f.Name == "implies" && k == kg.KindCapability:
		return plan.Add(k, kg.Step{Implies: true, Next: kg.Plan{kg.KindCapability: p.steps(f.Selections, kg.KindCapability)}})
	case f.Name == "degree":
		args := f.ArgumentMap(p.op.Variables)
		return plan.Add(k, kg.Step{Dir: kg.Both, Types: relArg(args["relation"])})
	case f.Name == "edges":
		args := f.ArgumentMap(p.op.Variables)
		return p.edges(plan, k, kg.Step{Dir: dirArg(args["direction"]), Types: relArg(args["relation"])}, f.Selections)
	}
	return plan
}

// neighbours plans sel for the nodes across rf from a node of kind k: of the kind the relation
// joins, or of any kind.
func (p *planner) neighbours(sel ast.SelectionSet, k kg.Kind, rf relField) kg.Plan {
	ends, _ := kg.Schema(rf.rel)
	other := ends.Target
	if rf.dir == kg.In {
		other = ends.Source
	}
	if other != "" {
		return p.kinds(sel, other)
	}
	return p.kinds(sel, kg.Kinds...)
}

// kinds plans sel for nodes of any of ks.
func (p *planner) kinds(sel ast.SelectionSet, ks ...kg.Kind) kg.Plan {
	var plan kg.Plan
	for _, k := range ks {
		if steps := p.steps(sel, k); len(steps) > 0 {
			if plan == nil {
				plan = kg.Plan{}
			}
			plan[k] = steps
		}
	}
	return plan
}

// edges adds step, which reads edges of a node of kind k, with what sel (a selection of Edge)
// asks of them: the references they cite, their endpoints. The endpoint at the node itself is the
// node, so what sel asks of it is planned for the node too.
func (p *planner) edges(plan kg.Plan, k kg.Kind, step kg.Step, sel ast.SelectionSet) kg.Plan {
	for _, f := range graphql.CollectFields(p.op, sel, []string{"Edge"}) {
		switch f.Name {
		case "references":
			step.Refs = true
			step.RefNext = step.RefNext.Merge(p.kinds(f.Selections, kg.KindReference))
		case "sourceNode", "targetNode":
			step.Nodes = true
			ends := p.kinds(f.Selections, kg.Kinds...)
			step.Next = step.Next.Merge(ends)
			for _, s := range ends[k] {
				plan = plan.Add(k, s)
			}
		}
	}
	return plan.Add(k, step)
}

func relArg(v any) []kg.RelType {
	switch v := v.(type) {
	case string:
		return []kg.RelType{kg.RelType(v)}
	case kg.RelType:
		return []kg.RelType{v}
	}
	return nil
}

func dirArg(v any) kg.Direction {
	switch v {
	case "OUT", kg.Out:
		return kg.Out
	case "IN", kg.In:
		return kg.In
	}
	return kg.Both
}

// nodeTypes are the GraphQL types whose values are graph nodes.
var nodeTypes = func() map[string]bool {
	m := map[string]bool{"Node": true}
	for _, k := range kg.Kinds {
		m[string(k)] = true
	}
	return m
}()

// planHere plans the current field's selection for the nodes it returns, when it returns nodes.
func (r *Resolver) planHere(ctx context.Context) kg.Plan {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil || len(fc.Field.Selections) == 0 {
		return nil
	}
	if !nodeTypes[fc.Field.Definition.Type.Name()] {
		return nil
	}
	return r.planner(ctx).kinds(fc.Field.Selections, kg.Kinds...)
}

// Prefetch is the field middleware that batches by shape. After a field resolves, it gathers the
// nodes and edges of the field's value that its selection will ask about and reads, in one
// Store.Expand call, what the cache does not hold yet; below a field that did this, every field
// finds its data cached and Prefetch has nothing to read.
func (r *Resolver) Prefetch(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	if err != nil || res == nil {
		return res, err
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || len(fc.Field.Selections) == 0 || fc.Field.Definition == nil {
		return res, nil
	}
	g := gatherer{p: r.planner(ctx), l: r.loaders(ctx), plan: kg.Plan{}}
	g.value(reflect.ValueOf(res), fc.Field.Selections, fc.Field.Definition.Type.Name(), 0)
	if len(g.ids) == 0 {
		return res, nil
	}
	if err := g.l.Expand(ctx, kg.DistinctIDs(g.ids), g.plan); err != nil {
		return nil, err
	}
	return res, nil
}

// gatherer walks a field's value along its selection and collects the nodes whose plans the
// cache does not cover.
type gatherer struct {
	p    *planner
	l    *loader.Loaders
	ids  []string
	plan kg.Plan
}

// maxWalk bounds the nesting of plain values (results, connections) that gather looks into.
const maxWalk = 8

var (
	nodeIface = reflect.TypeFor[model.Node]()
	edgeType  = reflect.TypeFor[*model.Edge]()
)

// modelPkg is the package of the values gather looks into: graph/model's results and connections.
var modelPkg = reflect.TypeFor[model.Subgraph]().PkgPath()

// refHolder is a value whose references field (a resolver) reads the nodes of an id list.
type refHolder interface{ RefIDs() []string }

// value gathers from v, a value of GraphQL type typ selected by sel.
func (g *gatherer) value(v reflect.Value, sel ast.SelectionSet, typ string, depth int) {
	if depth > maxWalk || len(sel) == 0 || !v.IsValid() {
		return
	}
	if (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer) && v.IsNil() {
		return
	}
	switch {
	case v.Type() == edgeType:
		if es := g.p.edgeSel(sel); es.any {
			g.edge(v.Interface().(*model.Edge).KG(), es)
		}
		return
	case v.Type().Implements(nodeIface):
		n := v.Interface().(model.Node).KG()
		g.node(n.ID, n, kg.Plan{n.Kind: g.p.steps(sel, n.Kind)})
		return
	}
	switch v.Kind() {
	case reflect.Interface:
		g.value(v.Elem(), sel, typ, depth)
		return
	case reflect.Slice, reflect.Array:
		if v.Type().Elem() == edgeType && !g.p.edgeSel(sel).any {
			return // the edges' own fields only: nothing to read
		}
		for i := range v.Len() {
			g.value(v.Index(i), sel, typ, depth+1)
		}
		return
	}
	// A plain value of graph/model (a traversal's answer, a connection): look into the struct
	// fields and methods without arguments that the selection asks for, by the name gqlgen binds
	// them by. Their values are plain too, or nodes and edges.
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t.PkgPath() != modelPkg {
		return
	}
	for _, f := range graphql.CollectFields(g.p.op, sel, []string{typ}) {
		if len(f.Selections) == 0 {
			continue
		}
		if h, ok := v.Interface().(refHolder); ok && f.Name == "references" {
			plan := g.p.kinds(f.Selections, kg.KindReference)
			for _, id := range h.RefIDs() {
				g.node(id, nil, plan)
			}
			continue
		}
		ft := ""
		if f.Definition != nil {
			ft = f.Definition.Type.Name()
		}
		if fv, ok := member(v, f.Name); ok {
			g.value(fv, f.Selections, ft, depth+1)
		}
	}
}

// member returns the exported struct field or argument-free method of v that gqlgen binds to the
// GraphQL field name.
func member(v reflect.Value, name string) (reflect.Value, bool) {
	match := func(n string) bool { return strings.EqualFold(n, name) }
	t := v.Type()
	for i := range t.NumMethod() {
		m := t.Method(i)
		if match(m.Name) && m.Type.NumIn() == 1 && m.Type.NumOut() == 1 {
			return v.Method(i).Call(nil)[0], true
		}
	}
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if sf, ok := v.Type().FieldByNameFunc(match); ok && sf.IsExported() {
		return v.FieldByIndex(sf.Index), true
	}
	return reflect.Value{}, false
}

// edge gathers what es, a selection of Edge, asks of e: its references and its endpoints.
func (g *gatherer) edge(e kg.Edge, es *edgeSel) {
	if es.refs != nil {
		plan := g.p.kinds(es.refs, kg.KindReference)
		for _, id := range e.Refs {
			g.node(id, nil, plan)
		}
	}
	if es.source != nil {
		g.node(e.Source, nil, g.p.kinds(es.source, kg.Kinds...))
	}
	if es.target != nil {
		g.node(e.Target, nil, g.p.kinds(es.target, kg.Kinds...))
	}
}

// node gathers the node with id (n, when the caller has it) with plan, unless the cache already
// holds the node and everything plan asks around it.
func (g *gatherer) node(id string, n *kg.Node, plan kg.Plan) {
	if n == nil {
		cached, ok := g.l.Cached(id)
		if !ok {
			g.ids = append(g.ids, id)
			g.plan = g.plan.Merge(plan)
			return
		}
		n = cached
	}
	if n == nil || covered(g.l, n, plan[n.Kind], 0) {
		return
	}
	g.ids = append(g.ids, id)
	g.plan = g.plan.Merge(kg.Plan{n.Kind: plan[n.Kind]})
}

// covered reports whether the cache holds everything steps ask around n.
func covered(l *loader.Loaders, n *kg.Node, steps []kg.Step, depth int) bool {
	if depth > maxWalk {
		return true
	}
	for _, st := range steps {
		if st.Implies {
			for _, id := range n.Implies {
				if !coveredID(l, id, st.Next, depth) {
					return false
				}
			}
			continue
		}
		es, ok := l.CachedEdges(st.Key(n.ID))
		if !ok {
			return false
		}
		if !st.Nodes && !st.Refs {
			continue
		}
		for _, e := range es {
			if st.Nodes && !coveredID(l, e.Other(n.ID), st.Next, depth) {
				return false
			}
			if st.Refs {
				for _, id := range e.Refs {
					if !coveredID(l, id, st.RefNext, depth) {
						return false
					}
				}
			}
		}
	}
	return true
}

func coveredID(l *loader.Loaders, id string, plan kg.Plan, depth int) bool {
	n, ok := l.Cached(id)
	if !ok {
		return false
	}
	return n == nil || covered(l, n, plan[n.Kind], depth+1)
}
