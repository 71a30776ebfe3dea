package graph

import (
	"context"
	"slices"

	"github.com/failgraph/failgraph/graph/loader"
	"github.com/failgraph/failgraph/graph/model"
	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/traverse"
)

// The helpers below are what the resolvers share: reading through the request's loaders, and
// checking arguments. Nothing here decides anything about the domain.

// loaders returns the request's loaders, or fresh ones when the request came without any (a caller
// that skipped the HTTP middleware): answers are the same, only unbatched.
func (r *Resolver) loaders(ctx context.Context) *loader.Loaders {
	if l := loader.For(ctx); l != nil {
		return l
	}
	return loader.New(r.Store)
}

// prime puts nodes the resolver already has into the request's cache.
func (r *Resolver) prime(ctx context.Context, ns []*kg.Node) {
	r.loaders(ctx).Prime(ns...)
}

// node returns the node with id, or nil when there is none.
func (r *Resolver) node(ctx context.Context, id string) (*kg.Node, error) {
	ns, err := r.nodes(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	return ns[0], nil
}

// nodes returns the nodes with ids, in order, with nil for absent ids. Those the request's cache
// does not hold are read in one call together with everything the current field's selection asks
// of them, so that a field like failureMode(id) reads its whole selection in one store call.
func (r *Resolver) nodes(ctx context.Context, ids []string) ([]*kg.Node, error) {
	l := r.loaders(ctx)
	for _, id := range ids {
		if _, ok := l.Cached(id); !ok {
			return l.Nodes(ctx, ids, r.planHere(ctx))
		}
	}
	return l.Nodes(ctx, ids, nil)
}

// present returns the nodes with ids that exist, in the order of ids.
func (r *Resolver) present(ctx context.Context, ids []string) ([]*kg.Node, error) {
	ns, err := r.nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ns, func(n *kg.Node) bool { return n == nil }), nil
}

// edges returns id's edges of the given types (all when none) in direction dir, in edge order.
func (r *Resolver) edges(ctx context.Context, id string, dir kg.Direction, types ...kg.RelType) ([]kg.Edge, error) {
	return r.loaders(ctx).Edges(ctx, kg.NewEdgeKey(id, dir, types...))
}

// neighbours returns the nodes at the other end of id's edges of type rel in direction dir, by kind
// (in kg.Kinds order, for the relations that join any kind) and then in list order (kg.NodeLess).
func (r *Resolver) neighbours(ctx context.Context, id string, dir kg.Direction, rel kg.RelType) ([]*kg.Node, error) {
	es, err := r.edges(ctx, id, dir, rel)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.Other(id)
	}
	ns, err := r.present(ctx, ids)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(ns, compareNodes)
	return ns, nil
}

// compareNodes orders nodes by kind (in kg.Kinds order), then by kg.CompareNodes.
func compareNodes(a, b *kg.Node) int {
	if a.Kind != b.Kind {
		return slices.Index(kg.Kinds, a.Kind) - slices.Index(kg.Kinds, b.Kind)
	}
	return kg.CompareNodes(a, b)
}

// edgeField answers the edges field of every node type.
func (r *Resolver) edgeField(ctx context.Context, n model.Node, relation *kg.RelType, direction *kg.Direction) ([]*model.Edge, error) {
	dir := kg.Both
	if direction != nil {
		dir = *direction
	}
	var types []kg.RelType
	if relation != nil {
		types = []kg.RelType{*relation}
	}
	es, err := r.edges(ctx, n.KG().ID, dir, types...)
	if err != nil {
		return nil, err
	}
	return model.Edges(es), nil
}

// degreeField answers the degree field of every node type.
func (r *Resolver) degreeField(ctx context.Context, n model.Node, relation *kg.RelType) (int, error) {
	var types []kg.RelType
	if relation != nil {
		types = []kg.RelType{*relation}
	}
	es, err := r.edges(ctx, n.KG().ID, kg.Both, types...)
	return len(es), err
}

// referencesField answers the references field of every node type: the node's outgoing CITES.
func (r *Resolver) referencesField(ctx context.Context, n model.Node) ([]*model.Reference, error) {
	ns, err := r.neighbours(ctx, n.KG().ID, kg.Out, kg.RelCites)
	return model.References(ns), err
}

// endpoint returns the node at one end of an edge; the store guarantees it exists.
func (r *Resolver) endpoint(ctx context.Context, e kg.Edge, id string) (model.Node, error) {
	n, err := r.node(ctx, id)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, kg.Errorf(kg.EINTERNAL, "", "edge %s names missing node %q", kg.EdgeID(e.Type, e.Source, e.Target), id)
	}
	return model.Wrap(n), nil
}

// intArg returns *p, or def when the argument was null.
func intArg(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// strArg returns *p, or "" when the argument was null.
func strArg(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// checkIDs refuses a list argument longer than kg.MaxIDs.
func checkIDs(arg string, ids []string) error {
	if len(ids) > kg.MaxIDs {
		return kg.Errorf(kg.EINVALID, arg, "at most %d ids, got %d", kg.MaxIDs, len(ids))
	}
	return nil
}

// list returns the nodes matching f and primes the node loader with them, so that nested fields
// reaching the same nodes read no further.
func (r *Resolver) list(ctx context.Context, f kg.Filter) ([]*kg.Node, error) {
	if plan := r.planHere(ctx); len(plan) > 0 {
		// The list and the whole selection below it in one store call.
		return r.loaders(ctx).ListExpand(ctx, f, plan)
	}
	ns, err := r.Store.List(ctx, f)
	if err != nil {
		return nil, err
	}
	r.prime(ctx, ns)
	return ns, nil
}

// maxYear bounds year arguments; 0 would mean "no bound" to kg.Filter, so years start at 1.
const maxYear = 9999

// neighboursOfKind is neighbours keeping only the nodes of kind k (for relations, such as
// CORRESPONDS_TO, that join several kinds).
func (r *Resolver) neighboursOfKind(ctx context.Context, id string, dir kg.Direction, rel kg.RelType, k kg.Kind) ([]*kg.Node, error) {
	ns, err := r.neighbours(ctx, id, dir, rel)
	return slices.DeleteFunc(ns, func(n *kg.Node) bool { return n.Kind != k }), err
}

// atlasCaseStudies returns the ATLAS case studies behind failure mode fm, by id: those its
// crosswalk names, and those whose procedure uses a technique its crosswalk names. Both hops are
// read in one Expand, from which the edge reads below are served.
func (r *Resolver) atlasCaseStudies(ctx context.Context, fm string) ([]*kg.Node, error) {
	uses := kg.Plan{kg.KindAtlasTechnique: {{Dir: kg.In, Types: []kg.RelType{kg.RelUses}}}}
	plan := kg.Plan{kg.KindFailureMode: {{Dir: kg.Out, Types: []kg.RelType{kg.RelCorrespondsTo}, Nodes: true, Next: uses}}}
	if err := r.loaders(ctx).Expand(ctx, []string{fm}, plan); err != nil {
		return nil, err
	}
	es, err := r.edges(ctx, fm, kg.Out, kg.RelCorrespondsTo)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range es {
		ids = append(ids, e.Target) // case studies stay, the rest drop out by kind below
		used, err := r.edges(ctx, e.Target, kg.In, kg.RelUses)
		if err != nil {
			return nil, err
		}
		for _, u := range used {
			ids = append(ids, u.Source)
		}
	}
	ns, err := r.present(ctx, kg.DistinctIDs(ids))
	if err != nil {
		return nil, err
	}
	ns = slices.DeleteFunc(ns, func(n *kg.Node) bool { return n.Kind != kg.KindAtlasCaseStudy })
	slices.SortFunc(ns, compareNodes)
	return ns, nil
}

// engine returns the traversal engine that sees only the edges trust admits (all when nil); a bad
// trust is BAD_USER_INPUT naming the field. Nested fields of the answer read the whole graph.
func (r *Resolver) engine(trust *model.EdgeTrust) (*traverse.Engine, error) {
	return r.Engine.Trusting(trust.Trust())
}

// pick returns the nodes of ns whose ids are in ids, in the order of ids.
func pick(ns []*kg.Node, ids []string) []*kg.Node {
	byID := make(map[string]*kg.Node, len(ns))
	for _, n := range ns {
		byID[n.ID] = n
	}
	out := make([]*kg.Node, 0, len(ids))
	for _, id := range ids {
		if n := byID[id]; n != nil {
			out = append(out, n)
		}
	}
	return out
}
