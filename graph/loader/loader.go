// Package loader batches the store reads of one GraphQL request. Resolvers of nested fields run
// concurrently, one per parent; each asks a loader for one key, and the loader gathers the keys asked
// within a short wait into one call of a batch method of kg.Store (Nodes or Adjacent). So a request
// makes one store call per level of its selection, whatever the number of results.
//
// Loaders cache for the life of a request only: Middleware makes a fresh set for each request and
// puts it in the context, where For finds it.
package loader

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/failgraph/failgraph/internal/kg"
)

// DefaultWait is how long a loader waits for more keys before calling the store. Resolvers of one
// level start within microseconds of each other, so a short wait catches them all while adding
// little latency per level.
const DefaultWait = 2 * time.Millisecond

// maxBatch bounds the keys of one store call; it matches the limit on ids of the API.
const maxBatch = kg.MaxIDs

// Loaders are the per-request loaders.
type Loaders struct {
	// Nodes loads nodes by id; an absent id gives a nil node and no error.
	Nodes *dataloadgen.Loader[string, *kg.Node]
	// Edges loads a node's edges of some types in one direction, in kg.EdgeLess order.
	Edges *dataloadgen.Loader[EdgeKey, []kg.Edge]
	// Degrees loads how many edges of one type (or all) a node has, in either direction.
	Degrees *dataloadgen.Loader[DegreeKey, int]
}

// EdgeKey selects the edges of one node: those in direction Dir whose type is in Types.
type EdgeKey struct {
	ID    string
	Dir   kg.Direction
	Types string // the types, sorted and comma-joined, so that equal sets make equal keys; "" for all
}

// NewEdgeKey returns the key of id's edges of the given types (all when none) in direction dir.
func NewEdgeKey(id string, dir kg.Direction, types ...kg.RelType) EdgeKey {
	ts := make([]string, 0, len(types))
	for _, t := range types {
		if !slices.Contains(ts, string(t)) {
			ts = append(ts, string(t))
		}
	}
	slices.Sort(ts)
	return EdgeKey{ID: id, Dir: dir, Types: strings.Join(ts, ",")}
}

// RelTypes returns the key's types, or nil for all.
func (k EdgeKey) RelTypes() []kg.RelType {
	if k.Types == "" {
		return nil
	}
	var out []kg.RelType
	for _, t := range strings.Split(k.Types, ",") {
		out = append(out, kg.RelType(t))
	}
	return out
}

// DegreeKey selects the edges of one node of one type, or of every type when Rel is "".
type DegreeKey struct {
	ID  string
	Rel kg.RelType
}

// config holds the options of New.
type config struct{ wait time.Duration }

// Option changes how loaders batch.
type Option func(*config)

// WithWait sets how long loaders wait for more keys before calling the store (DefaultWait).
func WithWait(d time.Duration) Option { return func(c *config) { c.wait = d } }

// New returns fresh loaders over store.
func New(store kg.Store, opts ...Option) *Loaders {
	c := config{wait: DefaultWait}
	for _, o := range opts {
		o(&c)
	}
	lo := []dataloadgen.Option{dataloadgen.WithWait(c.wait), dataloadgen.WithBatchCapacity(maxBatch)}
	return &Loaders{
		Nodes:   dataloadgen.NewLoader(nodesFetch(store), lo...),
		Edges:   dataloadgen.NewLoader(edgesFetch(store), lo...),
		Degrees: dataloadgen.NewLoader(degreesFetch(store), lo...),
	}
}

// nodesFetch is one Store.Nodes call for the whole batch.
func nodesFetch(store kg.Store) func(context.Context, []string) ([]*kg.Node, []error) {
	return func(ctx context.Context, ids []string) ([]*kg.Node, []error) {
		ns, err := store.Nodes(ctx, ids)
		if err != nil {
			return nil, []error{err}
		}
		return ns, nil
	}
}

// edgesFetch is one Store.Adjacent call per distinct (direction, types) of the batch: usually one,
// because the keys of one batch come from the same field of sibling objects.
func edgesFetch(store kg.Store) func(context.Context, []EdgeKey) ([][]kg.Edge, []error) {
	return func(ctx context.Context, keys []EdgeKey) ([][]kg.Edge, []error) {
		type group struct {
			dir   kg.Direction
			types string
		}
		byGroup := map[group][]string{}
		var order []group
		for _, k := range keys {
			g := group{k.Dir, k.Types}
			if _, ok := byGroup[g]; !ok {
				order = append(order, g)
			}
			byGroup[g] = append(byGroup[g], k.ID)
		}
		found := map[group]map[string][]kg.Edge{}
		for _, g := range order {
			m, err := store.Adjacent(ctx, byGroup[g], g.dir, EdgeKey{Types: g.types}.RelTypes())
			if err != nil {
				return nil, []error{err}
			}
			found[g] = m
		}
		out := make([][]kg.Edge, len(keys))
		for i, k := range keys {
			es := found[group{k.Dir, k.Types}][k.ID]
			if es == nil {
				es = []kg.Edge{}
			}
			out[i] = es
		}
		return out, nil
	}
}

// degreesFetch is one Store.Adjacent call per distinct relation type of the batch.
func degreesFetch(store kg.Store) func(context.Context, []DegreeKey) ([]int, []error) {
	return func(ctx context.Context, keys []DegreeKey) ([]int, []error) {
		byRel := map[kg.RelType][]string{}
		var order []kg.RelType
		for _, k := range keys {
			if _, ok := byRel[k.Rel]; !ok {
				order = append(order, k.Rel)
			}
			byRel[k.Rel] = append(byRel[k.Rel], k.ID)
		}
		counts := map[DegreeKey]int{}
		for _, rel := range order {
			var types []kg.RelType
			if rel != "" {
				types = []kg.RelType{rel}
			}
			m, err := store.Adjacent(ctx, byRel[rel], kg.Both, types)
			if err != nil {
				return nil, []error{err}
			}
			for id, es := range m {
				counts[DegreeKey{id, rel}] = len(es)
			}
		}
		out := make([]int, len(keys))
		for i, k := range keys {
			out[i] = counts[k]
		}
		return out, nil
	}
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

// Middleware gives each request fresh loaders over store.
func Middleware(store kg.Store, opts ...Option) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(With(r.Context(), New(store, opts...))))
		})
	}
}
