// Package memstore is the embedded, in-memory kg.Store: failgraph's default backend. It holds the
// whole graph in maps indexed by id, kind and relation, with an inverted index for search. It is
// safe for concurrent use: readers share a read lock, Replace swaps the whole graph under the write
// lock, and every value handed in or out is a copy.
package memstore

import (
	"context"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
)

var _ kg.Store = (*Store)(nil)

// Store is the in-memory graph.
type Store struct {
	mu sync.RWMutex
	g  *graph // guarded by mu; replaced whole, never mutated in place
}

// graph is one immutable snapshot with its indexes.
type graph struct {
	nodes  map[string]*kg.Node
	byKind map[kg.Kind][]*kg.Node // NodeLess order
	byID   map[kg.Kind][]*kg.Node // id order, for keyset pagination
	// Each edge is held once, in edges, compactly (see edge); a node's outgoing and incoming edges
	// are indexes into it, each list in EdgeLess order. A node's edges in both directions are the
	// merge of the two lists, made when asked: holding them a third time would cost more memory
	// than merging costs time.
	edges  []edge
	refs   []int32  // the references of every edge, as positions in all (see edge.refs)
	extra  []string // references that name no node of the graph (the seed validator refuses them)
	out    map[string][]int32
	in     map[string][]int32
	all    []*kg.Node         // every node, in the order of the graph loaded
	index  map[string][]int32 // token -> positions in all of the nodes with it
	tokens []string           // sorted distinct tokens, for prefix lookups
	stats  kg.Stats
}

// New returns a store holding a copy of g. It fails with EINVALID when g.Validate does: the seed
// validator normally catches those problems first.
func New(g *kg.Graph) (*Store, error) {
	s := &Store{}
	if err := s.Replace(g); err != nil {
		return nil, err
	}
	return s, nil
}

// Replace swaps the whole graph for a copy of g, atomically: readers see the old graph or the new
// one, never a mix.
func (s *Store) Replace(g *kg.Graph) error {
	ng, err := build(g)
	if err != nil {
		return err
	}
	// What the store holds, as the Neo4j store records it with each load.
	ng.stats.Loaded = &kg.Loaded{Hash: g.Hash(), Nodes: len(g.Nodes), Edges: len(g.Edges), At: time.Now().UTC()}
	s.mu.Lock()
	s.g = ng
	s.mu.Unlock()
	return nil
}

// build indexes a copy of g, once g.Validate has passed.
func build(g *kg.Graph) (*graph, error) {
	if len(g.Nodes) > math.MaxInt32 {
		return nil, kg.Errorf(kg.EINVALID, "", "%d nodes: at most %d", len(g.Nodes), math.MaxInt32)
	}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	ng := &graph{
		nodes:  make(map[string]*kg.Node, len(g.Nodes)),
		byKind: map[kg.Kind][]*kg.Node{},
		byID:   map[kg.Kind][]*kg.Node{},
		edges:  make([]edge, 0, len(g.Edges)),
		out:    map[string][]int32{},
		in:     map[string][]int32{},
		all:    make([]*kg.Node, 0, len(g.Nodes)),
		index:  map[string][]int32{},
		stats:  kg.Stats{Nodes: map[kg.Kind]int{}, Edges: map[kg.RelType]int{}},
	}
	// One batch copy: the nodes in one array and their slices in shared backing arrays, rather
	// than a dozen allocations per node, each rounded up to its size class.
	clones := cloneNodes(g.Nodes)
	for _, c := range clones {
		ng.nodes[c.ID] = c
		ng.all = append(ng.all, c)
		ng.byKind[c.Kind] = append(ng.byKind[c.Kind], c)
		ng.stats.Nodes[c.Kind]++
		for _, t := range kg.DocumentTokens(c) {
			ng.index[t] = append(ng.index[t], int32(len(ng.all)-1))
		}
	}
	if len(g.Edges) > math.MaxInt32 {
		return nil, kg.Errorf(kg.EINVALID, "", "%d edges: at most %d", len(g.Edges), math.MaxInt32)
	}
	pos := make(map[string]int32, len(ng.all))
	for i, n := range ng.all {
		pos[n.ID] = int32(i)
	}
	for _, e := range g.Edges {
		src, tgt := ng.nodes[e.Source], ng.nodes[e.Target]
		c := edge{note: e.Note, strength: e.Strength, basis: e.Basis, confidence: e.Confidence, reason: e.Reason, src: pos[src.ID], tgt: pos[tgt.ID],
			typ: uint8(slices.Index(kg.RelTypes, e.Type)), refOff: int32(len(ng.refs)), refN: int32(len(e.Refs))}
		for _, r := range e.Refs {
			p, ok := pos[r]
			if !ok {
				p = -1 - int32(len(ng.extra))
				ng.extra = append(ng.extra, r)
			}
			ng.refs = append(ng.refs, p)
		}
		i := int32(len(ng.edges))
		ng.edges = append(ng.edges, c)
		ng.out[src.ID] = append(ng.out[src.ID], i)
		ng.in[tgt.ID] = append(ng.in[tgt.ID], i)
		ng.stats.Edges[e.Type]++
	}
	ng.refs = slices.Clip(ng.refs)
	less := func(a, b int32) int { return ng.compare(&ng.edges[a], &ng.edges[b]) }
	for _, m := range []map[string][]int32{ng.out, ng.in} {
		for id, is := range m {
			slices.SortFunc(is, less)
			m[id] = slices.Clip(is)
		}
	}
	for k, ns := range ng.byKind {
		slices.SortFunc(ns, kg.CompareNodes)
		ids := append([]*kg.Node(nil), ns...)
		sort.Slice(ids, func(i, j int) bool { return ids[i].ID < ids[j].ID })
		ng.byID[k] = ids
	}
	for t, is := range ng.index {
		ng.index[t] = slices.Clip(is)
		ng.tokens = append(ng.tokens, t)
	}
	sort.Strings(ng.tokens)
	return ng, nil
}

func (s *Store) snapshot(ctx context.Context) (*graph, error) {
	if err := kg.CtxErr(ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.g, nil
}

// Node implements kg.Store.
func (s *Store) Node(ctx context.Context, id string) (*kg.Node, error) {
	g, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	n, ok := g.nodes[id]
	if !ok {
		return nil, kg.Errorf(kg.ENOTFOUND, "id", "no node with id %q", id)
	}
	return n.Clone(), nil
}

// Nodes implements kg.Store.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]*kg.Node, error) {
	g, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*kg.Node, len(ids))
	for i, id := range ids {
		out[i] = g.nodes[id] // nil when absent
	}
	return cloneNodes(out), nil
}

// List implements kg.Store.
func (s *Store) List(ctx context.Context, f kg.Filter) ([]*kg.Node, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	g, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return cloneNodes(g.list(f)), nil
}

// list returns the nodes of g that match f, in List's order; the store's own, not copies.
func (g *graph) list(f kg.Filter) []*kg.Node {
	src := g.byKind[f.Kind]
	paged := f.After != "" || f.Before != "" || f.Limit > 0
	if paged {
		src = g.byID[f.Kind]
	}
	var out []*kg.Node
	for _, n := range src {
		if f.After != "" && n.ID <= f.After {
			continue
		}
		if f.Before != "" && n.ID >= f.Before {
			break
		}
		if !f.Matches(n) {
			continue
		}
		out = append(out, n)
		if f.Limit > 0 && !f.FromEnd && len(out) == f.Limit {
			break
		}
	}
	if f.FromEnd && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return out
}

// ListExpand implements kg.Store: List and Expand over one snapshot.
func (s *Store) ListExpand(ctx context.Context, f kg.Filter, plan kg.Plan) ([]*kg.Node, *kg.Expansion, error) {
	if err := f.Validate(); err != nil {
		return nil, nil, err
	}
	if err := plan.Validate(); err != nil {
		return nil, nil, err
	}
	g, err := s.snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	ns := g.list(f)
	ids := make([]string, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	return cloneNodes(ns), g.expand(ids, plan), nil
}

// Count implements kg.Store.
func (s *Store) Count(ctx context.Context, f kg.Filter) (int, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	g, err := s.snapshot(ctx)
	if err != nil {
		return 0, err
	}
	c := 0
	for _, n := range g.byKind[f.Kind] {
		if f.Matches(n) {
			c++
		}
	}
	return c, nil
}

// Adjacent implements kg.Store.
func (s *Store) Adjacent(ctx context.Context, ids []string, dir kg.Direction, types []kg.RelType) (map[string][]kg.Edge, error) {
	g, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	c := edgeCopier{g: g}
	for _, id := range ids {
		g.each(id, dir, types, c.count)
	}
	c.alloc()
	out := make(map[string][]kg.Edge, len(ids))
	for _, id := range ids {
		out[id] = c.copy(id, dir, types)
	}
	c.finish()
	return out, nil
}

// edge is one edge as the store holds it: 48 bytes and its references, where a kg.Edge takes 120
// and its id and references' strings. Endpoints and references are positions in graph.all, the
// type a position in kg.RelTypes; copies out are whole kg.Edge values (edgeCopier).
type edge struct {
	note         string
	strength     kg.Strength
	basis        kg.Basis
	confidence   kg.Confidence
	reason       string
	refOff, refN int32 // the edge's references: graph.refs[refOff:refOff+refN]
	src, tgt     int32
	typ          uint8
}

func (g *graph) typeOf(e *edge) kg.RelType { return kg.RelTypes[e.typ] }
func (g *graph) source(e *edge) string     { return g.all[e.src].ID }
func (g *graph) target(e *edge) string     { return g.all[e.tgt].ID }

// ref returns the id of the i-th reference of e.
func (g *graph) ref(e *edge, i int32) string {
	p := g.refs[e.refOff+i]
	if p < 0 {
		return g.extra[-1-p]
	}
	return g.all[p].ID
}

// other returns the endpoint of e that is not id.
func (g *graph) other(e *edge, id string) string {
	if s := g.source(e); s != id {
		return s
	}
	return g.target(e)
}

// compare orders edges as kg.EdgeLess does: by type, source, then target.
func (g *graph) compare(a, b *edge) int {
	if a.typ != b.typ {
		return strings.Compare(string(g.typeOf(a)), string(g.typeOf(b)))
	}
	if c := strings.Compare(g.source(a), g.source(b)); c != 0 {
		return c
	}
	return strings.Compare(g.target(a), g.target(b))
}

// each calls f with every edge of id in direction dir whose type is in types (all when empty), in
// EdgeLess order. Under Both, a loop comes twice, once as an outgoing and once as an incoming edge.
func (g *graph) each(id string, dir kg.Direction, types []kg.RelType, f func(*edge)) {
	keep := func(i int32) {
		if e := &g.edges[i]; len(types) == 0 || hasType(types, g.typeOf(e)) {
			f(e)
		}
	}
	switch dir {
	case kg.Out:
		for _, i := range g.out[id] {
			keep(i)
		}
	case kg.In:
		for _, i := range g.in[id] {
			keep(i)
		}
	default:
		out, in := g.out[id], g.in[id]
		for len(out) > 0 || len(in) > 0 {
			if len(in) == 0 || len(out) > 0 && g.compare(&g.edges[in[0]], &g.edges[out[0]]) >= 0 {
				keep(out[0])
				out = out[1:]
			} else {
				keep(in[0])
				in = in[1:]
			}
		}
	}
}

// edgeCopier copies edges out of the store in two passes: count, then copy into one backing array
// of edges, one of refs and one string of ids, each slice capped at its length so that a caller
// appending to one cannot write into its neighbour's. finish gives the copies their ids.
type edgeCopier struct {
	g                   *graph
	nEdges, nRefs, nIDs int
	edges               []kg.Edge
	refs                []string
	ids                 []byte
	idEnds              []int
}

func (c *edgeCopier) count(e *edge) {
	c.nEdges++
	c.nRefs += int(e.refN)
	c.nIDs += len(c.g.typeOf(e)) + len(c.g.source(e)) + len(c.g.target(e)) + 2
}

func (c *edgeCopier) alloc() {
	c.edges = make([]kg.Edge, 0, c.nEdges)
	c.refs = make([]string, 0, c.nRefs)
	c.ids = make([]byte, 0, c.nIDs)
	c.idEnds = make([]int, 0, c.nEdges)
}

func (c *edgeCopier) copy(id string, dir kg.Direction, types []kg.RelType) []kg.Edge {
	g := c.g
	start := len(c.edges)
	g.each(id, dir, types, func(e *edge) {
		cp := kg.Edge{Type: g.typeOf(e), Source: g.source(e), Target: g.target(e), Note: e.note, Strength: e.strength,
			Basis: e.basis, Confidence: e.confidence, Reason: e.reason}
		if e.refN > 0 {
			r := len(c.refs)
			for i := range e.refN {
				c.refs = append(c.refs, g.ref(e, i))
			}
			cp.Refs = c.refs[r:len(c.refs):len(c.refs)]
		}
		c.ids = append(append(append(append(append(c.ids, cp.Type...), ':'), cp.Source...), ':'), cp.Target...)
		c.idEnds = append(c.idEnds, len(c.ids))
		c.edges = append(c.edges, cp)
	})
	return c.edges[start:len(c.edges):len(c.edges)]
}

// finish sets the ids of every copy, kg.EdgeID's, as substrings of one string.
func (c *edgeCopier) finish() {
	all := string(c.ids)
	prev := 0
	for i, end := range c.idEnds {
		c.edges[i].ID = all[prev:end]
		prev = end
	}
}

// Expand implements kg.Store: one read of the snapshot for the whole plan.
func (s *Store) Expand(ctx context.Context, ids []string, plan kg.Plan) (*kg.Expansion, error) {
	if err := plan.Validate(); err != nil {
		return nil, err
	}
	g, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return g.expand(ids, plan), nil
}

// expand reads ids and what plan asks around them from g, as copies.
func (g *graph) expand(ids []string, plan kg.Plan) *kg.Expansion {
	x := expander{g: g, nodes: map[string]*kg.Node{}, keys: map[kg.EdgeKey]stepRead{}, seen: map[visit]bool{}}
	for _, id := range ids {
		x.visit(id, plan)
	}
	// Copy out: the edges of every key into shared backing arrays, the nodes in one batch.
	c := edgeCopier{g: g}
	for k, r := range x.keys {
		g.each(k.ID, k.Dir, r.types, c.count)
	}
	c.alloc()
	out := &kg.Expansion{Nodes: make(map[string]*kg.Node, len(x.nodes)), Edges: make(map[kg.EdgeKey][]kg.Edge, len(x.keys))}
	for k, r := range x.keys {
		out.Edges[k] = c.copy(k.ID, k.Dir, r.types)
	}
	c.finish()
	ns := make([]*kg.Node, 0, len(x.nodes))
	for _, n := range x.nodes {
		ns = append(ns, n)
	}
	for _, n := range cloneNodes(ns) {
		out.Nodes[n.ID] = n
	}
	return out
}

// expander walks a plan over one snapshot, remembering what it has read.
type expander struct {
	g     *graph
	nodes map[string]*kg.Node
	keys  map[kg.EdgeKey]stepRead
	seen  map[visit]bool
}

type stepRead struct{ types []kg.RelType }

// visit is one node reached with one plan: the same node reached again with the same plan has
// nothing more to read.
type visit struct {
	id   string
	plan *kg.Step
}

func (x *expander) visit(id string, plan kg.Plan) {
	n := x.g.nodes[id]
	if n == nil {
		return
	}
	x.nodes[id] = n
	steps := plan[n.Kind]
	if len(steps) == 0 {
		return
	}
	v := visit{id, &steps[0]}
	if x.seen[v] {
		return
	}
	x.seen[v] = true
	for _, st := range steps {
		if st.Implies {
			for _, other := range n.Implies {
				x.visit(other, st.Next)
			}
			continue
		}
		x.keys[st.Key(id)] = stepRead{st.Types}
		if !st.Nodes && !st.Refs {
			continue
		}
		x.g.each(id, st.Dir, st.Types, func(e *edge) {
			if st.Nodes {
				x.visit(x.g.other(e, id), st.Next)
			}
			if st.Refs {
				for i := range e.refN {
					x.visit(x.g.ref(e, i), st.RefNext)
				}
			}
		})
	}
}

// cloneNodes deep-copies ns (nil entries stay nil) as kg.Node.Clone does, but in a handful of
// allocations for the whole batch instead of a dozen per node: the copies share backing arrays, each
// slice capped at its length so that appending to one cannot write into another. Traversals read
// hundreds of nodes a request, so this is on the hot path. TestClonesShareNothing holds it to every
// slice and pointer field of kg.Node, including any added later.
func cloneNodes(ns []*kg.Node) []*kg.Node {
	if ns == nil {
		return nil // List's "nothing matched" stays nil, as before
	}
	var count, strs, props, knows, sevs, exts, bools int
	for _, n := range ns {
		if n == nil {
			continue
		}
		count++
		strs += len(n.Aliases) + len(n.Notes) + len(n.Implies) + len(n.Lifecycle) + len(n.Authors) + len(n.Questions) + len(n.OriginSources)
		props += len(n.Compromises)
		knows += len(n.Knowledge)
		sevs += len(n.Severity)
		exts += len(n.ExternalIDs)
		if n.ViolatesAccessAuthorization != nil {
			bools++
		}
	}
	var (
		nodes = make([]kg.Node, count)
		sb    = make([]string, 0, strs)
		pb    = make([]kg.SecurityProperty, 0, props)
		kb    = make([]kg.Knowledge, 0, knows)
		svb   = make([]kg.Severity, 0, sevs)
		eb    = make([]kg.ExternalID, 0, exts)
		bb    = make([]bool, 0, bools)
	)
	out := make([]*kg.Node, len(ns))
	j := 0
	for i, n := range ns {
		if n == nil {
			continue
		}
		c := &nodes[j]
		j++
		*c = *n
		c.Aliases = carve(&sb, n.Aliases)
		c.Notes = carve(&sb, n.Notes)
		c.Implies = carve(&sb, n.Implies)
		c.Lifecycle = carve(&sb, n.Lifecycle)
		c.Authors = carve(&sb, n.Authors)
		c.Questions = carve(&sb, n.Questions)
		c.OriginSources = carve(&sb, n.OriginSources)
		c.Compromises = carve(&pb, n.Compromises)
		c.Knowledge = carve(&kb, n.Knowledge)
		c.Severity = carve(&svb, n.Severity)
		c.ExternalIDs = carve(&eb, n.ExternalIDs)
		if n.ViolatesAccessAuthorization != nil {
			bb = append(bb, *n.ViolatesAccessAuthorization)
			c.ViolatesAccessAuthorization = &bb[len(bb)-1]
		}
		out[i] = c
	}
	return out
}

// carve copies s to the end of *buf, which has room for it, and returns the copy capped at its
// length; nil for an empty s, as kg.Node.Clone gives.
func carve[T any](buf *[]T, s []T) []T {
	if len(s) == 0 {
		return nil
	}
	i := len(*buf)
	*buf = append(*buf, s...)
	return (*buf)[i:len(*buf):len(*buf)]
}

func hasType(ts []kg.RelType, t kg.RelType) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// Search implements kg.Store: the inverted index finds every node with a token equal to, or (for
// query tokens of three or more characters) starting with, a query token; kg.Score ranks them.
func (s *Store) Search(ctx context.Context, query string, kinds []kg.Kind, limit int) ([]kg.Hit, error) {
	qt := kg.QueryTokens(query)
	if len(qt) == 0 {
		return nil, kg.Errorf(kg.EINVALID, "query", "must contain at least one word")
	}
	g, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	cand := map[int32]bool{}
	for _, t := range qt {
		for _, i := range g.index[t] {
			cand[i] = true
		}
		if len(t) >= 3 {
			for i := sort.SearchStrings(g.tokens, t); i < len(g.tokens) && strings.HasPrefix(g.tokens[i], t); i++ {
				for _, j := range g.index[g.tokens[i]] {
					cand[j] = true
				}
			}
		}
	}
	var hits []kg.Hit
	for i := range cand {
		n := g.all[i]
		if len(kinds) > 0 && !hasKind(kinds, n.Kind) {
			continue
		}
		if sc := kg.Score(query, n); sc > 0 {
			hits = append(hits, kg.Hit{Node: n, Score: sc})
		}
	}
	hits = kg.SortHits(hits, limit)
	ns := make([]*kg.Node, len(hits))
	for i, h := range hits {
		ns[i] = h.Node
	}
	for i, n := range cloneNodes(ns) {
		hits[i].Node = n
	}
	return hits, nil
}

func hasKind(ks []kg.Kind, k kg.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// Stats implements kg.Store.
func (s *Store) Stats(ctx context.Context) (kg.Stats, error) {
	g, err := s.snapshot(ctx)
	if err != nil {
		return kg.Stats{}, err
	}
	st := kg.Stats{Nodes: map[kg.Kind]int{}, Edges: map[kg.RelType]int{}}
	for k, v := range g.stats.Nodes {
		st.Nodes[k] = v
	}
	for k, v := range g.stats.Edges {
		st.Edges[k] = v
	}
	if g.stats.Loaded != nil {
		l := *g.stats.Loaded
		st.Loaded = &l
	}
	return st, nil
}

// Ping implements kg.Store: the embedded store is always there.
func (s *Store) Ping(ctx context.Context) error { return kg.CtxErr(ctx) }
