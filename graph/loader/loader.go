// Package loader is the per-request read cache of GraphQL resolvers. It batches by shape, not by
// time: a resolver that returns nodes knows from its selection what their fields will ask, reads all
// of it in one kg.Store.Expand call (Expand) and puts it here before the nested fields resolve;
// they then find their nodes and edges in the cache and make no store call. Nothing waits on a
// timer. A key the plan did not foresee is read alone, straight from the store (Node, Nodes, Edges).
//
// A cache lives for one request only: Middleware makes a fresh one for each request and puts it in
// the context, where For finds it.
package loader

import (
	"context"
	"net/http"
	"sync"

	"github.com/failgraph/failgraph/internal/kg"
)

// Loaders is the read cache of one request. It is safe for concurrent use by the resolvers of the
// request. Cached nodes and edges are shared between resolvers, which only read them.
type Loaders struct {
	store kg.Store

	mu    sync.RWMutex
	nodes map[string]*kg.Node      // guarded by mu; a nil value: known not to exist
	edges map[kg.EdgeKey][]kg.Edge // guarded by mu

	plans sync.Map // the memo of whoever plans selections for this request (see Plans)
}

// New returns an empty cache over store.
func New(store kg.Store) *Loaders {
	return &Loaders{store: store, nodes: map[string]*kg.Node{}, edges: map[kg.EdgeKey][]kg.Edge{}}
}

// Plans is a memo the planner of selections may keep for the life of the request.
func (l *Loaders) Plans() *sync.Map { return &l.plans }

// Prime puts nodes the caller already has into the cache.
func (l *Loaders) Prime(ns ...*kg.Node) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, n := range ns {
		if n != nil {
			l.nodes[n.ID] = n
		}
	}
}

// Cached returns the cached node with id (nil when it is known not to exist) and whether the
// cache knows it.
func (l *Loaders) Cached(id string) (*kg.Node, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	n, ok := l.nodes[id]
	return n, ok
}

// CachedEdges returns the cached edges of key and whether the cache holds them.
func (l *Loaders) CachedEdges(key kg.EdgeKey) ([]kg.Edge, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	es, ok := l.edges[key]
	return es, ok
}

// Expand reads ids and everything plan asks around them in one store call, and caches it all; ids
// the store does not have are cached as absent.
func (l *Loaders) Expand(ctx context.Context, ids []string, plan kg.Plan) error {
	x, err := l.store.Expand(ctx, ids, plan)
	if err != nil {
		return err
	}
	l.cache(ids, x)
	return nil
}

// ListExpand returns the nodes matching f, read in one store call together with everything plan
// asks around them, which it caches.
func (l *Loaders) ListExpand(ctx context.Context, f kg.Filter, plan kg.Plan) ([]*kg.Node, error) {
	ns, x, err := l.store.ListExpand(ctx, f, plan)
	if err != nil {
		return nil, err
	}
	l.cache(nil, x)
	l.Prime(ns...)
	return ns, nil
}

// cache files x; ids the expansion lacks are cached as absent.
func (l *Loaders) cache(ids []string, x *kg.Expansion) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, n := range x.Nodes {
		l.nodes[id] = n
	}
	for _, id := range ids {
		if _, ok := x.Nodes[id]; !ok {
			l.nodes[id] = nil
		}
	}
	for k, es := range x.Edges {
		l.edges[k] = es
	}
}

// Node returns the node with id, or nil when there is none.
func (l *Loaders) Node(ctx context.Context, id string) (*kg.Node, error) {
	ns, err := l.Nodes(ctx, []string{id}, nil)
	if err != nil {
		return nil, err
	}
	return ns[0], nil
}

// Nodes returns the nodes with ids, in order, with nil for absent ids. The ids the cache does not
// hold are read in one Expand call with plan (nil: the nodes alone).
func (l *Loaders) Nodes(ctx context.Context, ids []string, plan kg.Plan) ([]*kg.Node, error) {
	out := make([]*kg.Node, len(ids))
	var missing []string
	l.mu.RLock()
	for i, id := range ids {
		n, ok := l.nodes[id]
		if !ok {
			missing = append(missing, id)
		}
		out[i] = n
	}
	l.mu.RUnlock()
	if len(missing) == 0 {
		return out, nil
	}
	if err := l.Expand(ctx, kg.DistinctIDs(missing), plan); err != nil {
		return nil, err
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	for i, id := range ids {
		out[i] = l.nodes[id]
	}
	return out, nil
}

// Edges returns the edges of key in kg.EdgeLess order, from the cache or, when it does not hold
// them, from one Adjacent call for this key alone.
func (l *Loaders) Edges(ctx context.Context, key kg.EdgeKey) ([]kg.Edge, error) {
	if es, ok := l.CachedEdges(key); ok {
		return es, nil
	}
	m, err := l.store.Adjacent(ctx, []string{key.ID}, key.Dir, key.RelTypes())
	if err != nil {
		return nil, err
	}
	es := m[key.ID]
	if es == nil {
		es = []kg.Edge{}
	}
	l.mu.Lock()
	l.edges[key] = es
	l.mu.Unlock()
	return es, nil
}

type ctxKey struct{}

// With returns ctx carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the loaders of ctx, or nil when there are none.
func For(ctx context.Context) *Loaders {
	l, _ := ctx.Value(ctxKey{}).(*Loaders)
	return l
}

// Middleware gives each request a fresh cache over store.
func Middleware(store kg.Store) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(With(r.Context(), New(store))))
		})
	}
}
