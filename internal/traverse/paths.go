package traverse

import (
	"context"
	"sort"

	"github.com/failgraph/failgraph/internal/kg"
)

// pathBudget bounds the steps of the path search (neighbours considered), so that a dense graph
// cannot hold a request: past it, the paths found so far are the answer. The search order is fixed,
// so the answer is still deterministic.
const pathBudget = 2_000_000

// hop is one way out of a node: the neighbour and the first edge (in EdgeLess order) joining them.
type hop struct {
	to   string
	edge kg.Edge
}

// Paths returns up to o.Limit simple paths between from and to, shortest first, then by the
// sequence of node ids. Edges are followed in either direction. Unknown ends: ENOTFOUND naming
// "from" or "to"; bad options, or from equal to to: EINVALID naming the argument.
//
// A breadth-first search from `to` (one Adjacent call per level, at most o.MaxLength) gives nodes'
// distances to `to` and their adjacency. Then, for each length L from the distance of `from` up to
// o.MaxLength, a depth-first search from `from` visits neighbours in id order and skips any whose
// distance to `to` exceeds the steps left, so every branch it enters can still reach `to` in time
// and paths come out in the required order. A search of length L only enters nodes within L-1 of
// `to`, so the breadth-first levels are read as the lengths need them: when the shortest lengths
// already give o.Limit paths, the far levels (usually the largest) are never read. The adjacency of
// `from` may take one more call; one Nodes call reads the nodes of the paths.
//
// Store calls: Nodes (the ends), up to MaxLength Adjacent calls (the levels), at most one Adjacent
// (the adjacency of `from`) and one Nodes (the nodes of the paths, none when there is no path):
// at most MaxLength + 3.
func (e *Engine) Paths(ctx context.Context, from, to string, o PathOpts) ([]Path, error) {
	if err := kg.CheckRange("maxLength", o.MaxLength, 1, kg.MaxPathLength); err != nil {
		return nil, err
	}
	if err := kg.CheckRange("limit", o.Limit, 1, kg.MaxLimit); err != nil {
		return nil, err
	}
	rels, err := checkRelations("relations", o.Relations)
	if err != nil {
		return nil, err
	}
	if from == to {
		return nil, kg.Errorf(kg.EINVALID, "to", "must differ from %q", "from")
	}
	ends, err := e.store.Nodes(ctx, []string{from, to})
	if err != nil {
		return nil, err
	}
	if ends[0] == nil {
		return nil, kg.Errorf(kg.ENOTFOUND, "from", "no node with id %q", from)
	}
	if ends[1] == nil {
		return nil, kg.Errorf(kg.ENOTFOUND, "to", "no node with id %q", to)
	}

	b := &bfs{e: e, rels: rels, dist: map[string]int{to: 0}, adj: map[string][]kg.Edge{}, frontier: []string{to}}
	for !has(b.dist, from) && b.levels < o.MaxLength && len(b.frontier) > 0 {
		if err := b.expand(ctx); err != nil {
			return nil, err
		}
	}
	start, ok := b.dist[from]
	if !ok {
		return []Path{}, nil // farther than o.MaxLength
	}
	s := &pathSearch{to: to, dist: b.dist, adj: b.adj, hops: map[string][]hop{}, limit: o.Limit}
	for L := start; L <= o.MaxLength && !s.stopped; L++ {
		for b.levels < L && len(b.frontier) > 0 { // every node within L-1 of `to` needs its adjacency
			if err := b.expand(ctx); err != nil {
				return nil, err
			}
		}
		if _, ok := b.adj[from]; !ok {
			got, err := e.store.Adjacent(ctx, []string{from}, kg.Both, rels)
			if err != nil {
				return nil, err
			}
			b.adj[from] = got[from]
		}
		s.nodes = append(s.nodes[:0], from)
		s.edges = s.edges[:0]
		s.onPath = map[string]bool{from: true}
		s.dfs(ctx, from, L)
	}
	if s.err != nil {
		return nil, s.err
	}
	return e.materialise(ctx, s.found)
}

// bfs is the breadth-first search from `to`, read one level at a time.
type bfs struct {
	e        *Engine
	rels     []kg.RelType
	dist     map[string]int
	adj      map[string][]kg.Edge
	frontier []string // the nodes at distance levels, adjacency not yet read
	levels   int      // how many levels have been read
}

// expand reads the adjacency of the frontier and finds the next level.
func (b *bfs) expand(ctx context.Context) error {
	if err := kg.CtxErr(ctx); err != nil {
		return err
	}
	var ask []string
	for _, f := range b.frontier {
		if _, ok := b.adj[f]; !ok {
			ask = append(ask, f)
		}
	}
	if len(ask) > 0 {
		got, err := b.e.store.Adjacent(ctx, ask, kg.Both, b.rels)
		if err != nil {
			return err
		}
		for _, f := range ask {
			b.adj[f] = got[f]
		}
	}
	var next []string
	for _, f := range b.frontier {
		for _, ed := range b.adj[f] {
			if other := ed.Other(f); !has(b.dist, other) {
				b.dist[other] = b.levels + 1
				next = append(next, other)
			}
		}
	}
	b.frontier = next
	b.levels++
	return nil
}

// pathSearch is the state of the depth-first search of paths.
type pathSearch struct {
	to    string
	dist  map[string]int
	adj   map[string][]kg.Edge
	hops  map[string][]hop // adj as distinct neighbours in id order, built on first visit
	limit int

	nodes  []string // the current path
	edges  []kg.Edge
	onPath map[string]bool

	found   []rawPath
	steps   int
	stopped bool // the limit, the budget or the context ended the search
	err     error
}

type rawPath struct {
	nodes []string
	edges []kg.Edge
}

// dfs extends the current path, which ends at v, by exactly left more edges to s.to. It checks ctx
// every few thousand steps.
func (s *pathSearch) dfs(ctx context.Context, v string, left int) {
	if left == 0 {
		if v == s.to {
			s.found = append(s.found, rawPath{
				nodes: append([]string(nil), s.nodes...),
				edges: append([]kg.Edge(nil), s.edges...),
			})
			if len(s.found) >= s.limit {
				s.stopped = true
			}
		}
		return
	}
	if v == s.to {
		return // a path passes `to` only at its end
	}
	for _, h := range s.neighbours(v) {
		if s.stopped {
			return
		}
		s.steps++
		if s.steps >= pathBudget {
			s.stopped = true
			return
		}
		if s.steps%4096 == 0 {
			if err := kg.CtxErr(ctx); err != nil {
				s.err, s.stopped = err, true
				return
			}
		}
		d, ok := s.dist[h.to]
		if !ok || d > left-1 || s.onPath[h.to] {
			continue
		}
		s.onPath[h.to] = true
		s.nodes = append(s.nodes, h.to)
		s.edges = append(s.edges, h.edge)
		s.dfs(ctx, h.to, left-1)
		s.nodes = s.nodes[:len(s.nodes)-1]
		s.edges = s.edges[:len(s.edges)-1]
		delete(s.onPath, h.to)
	}
}

// neighbours returns v's distinct neighbours in id order, each with the first joining edge.
func (s *pathSearch) neighbours(v string) []hop {
	if hs, ok := s.hops[v]; ok {
		return hs
	}
	es := s.adj[v] // EdgeLess order, so the first edge met for a neighbour is the one to use
	hs := make([]hop, 0, len(es))
	seen := make(map[string]bool, len(es))
	for _, ed := range es {
		if o := ed.Other(v); !seen[o] {
			seen[o] = true
			hs = append(hs, hop{to: o, edge: ed})
		}
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].to < hs[j].to })
	s.hops[v] = hs
	return hs
}

// materialise reads the nodes of the paths in one Nodes call.
func (e *Engine) materialise(ctx context.Context, raw []rawPath) ([]Path, error) {
	out := make([]Path, 0, len(raw))
	if len(raw) == 0 {
		return out, nil
	}
	var ids []string
	index := map[string]int{}
	for _, p := range raw {
		for _, id := range p.nodes {
			if !has(index, id) {
				index[id] = len(ids)
				ids = append(ids, id)
			}
		}
	}
	ns, err := e.store.Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range raw {
		path := Path{Nodes: make([]*kg.Node, len(p.nodes)), Edges: p.edges}
		for i, id := range p.nodes {
			path.Nodes[i] = ns[index[id]]
		}
		out = append(out, path)
	}
	return out, nil
}
