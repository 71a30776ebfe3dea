package traverse

import (
	"context"
	"slices"
	"sort"

	"github.com/failgraph/failgraph/internal/kg"
)

// Neighborhood returns the nodes within o.Depth edges of id and the edges among them. Unknown id:
// ENOTFOUND. Bad options: EINVALID naming the argument.
//
// Store calls: Node (the centre), then a breadth-first walk of one Adjacent call per level (plus one
// Nodes call per level when kinds filter what may be entered), then one Adjacent call for the kept
// nodes of the last level so that the edges among them are known, and one Nodes call for the nodes
// not yet read: Depth + 3 calls, 2·Depth + 3 with kinds (a Nodes call is skipped when it would read
// nothing, and a level that finds no new node ends the walk early).
func (e *Engine) Neighborhood(ctx context.Context, id string, o NeighborhoodOpts) (*Subgraph, error) {
	if err := kg.CheckRange("depth", o.Depth, 1, kg.MaxDepth); err != nil {
		return nil, err
	}
	if err := kg.CheckRange("limit", o.Limit, 1, kg.MaxLimit); err != nil {
		return nil, err
	}
	kinds, err := checkKinds("kinds", o.Kinds)
	if err != nil {
		return nil, err
	}
	rels, err := checkRelations("relations", o.Relations)
	if err != nil {
		return nil, err
	}
	centre, err := e.centre(ctx, id)
	if err != nil {
		return nil, err
	}

	hint := min(o.Limit, 256)
	nodes := make(map[string]*kg.Node, hint) // the nodes read so far
	adj := make(map[string][]kg.Edge, hint)  // the adjacency read so far
	seen := make(map[string]bool, 2*hint)    // found, whether kept or of a kind not entered
	kept := make([]string, 1, hint)          // in order of distance, then id
	nodes[id], seen[id], kept[0] = centre, true, id
	frontier := []string{id}
	truncated := false
	for d := 1; d <= o.Depth && len(frontier) > 0; d++ {
		if err := kg.CtxErr(ctx); err != nil {
			return nil, err
		}
		got, err := e.store.Adjacent(ctx, frontier, kg.Both, rels)
		if err != nil {
			return nil, err
		}
		var next []string
		for _, f := range frontier {
			adj[f] = got[f]
			for _, ed := range got[f] {
				if other := ed.Other(f); !seen[other] {
					seen[other] = true
					next = append(next, other)
				}
			}
		}
		if len(kinds) > 0 && len(next) > 0 {
			ns, err := e.store.Nodes(ctx, next)
			if err != nil {
				return nil, err
			}
			ok := next[:0]
			for i, n := range ns {
				switch {
				case n == nil: // an edge to a node the store does not hold: nothing to enter
				case !kinds[n.Kind]: // never entered, whatever the route
				default:
					nodes[n.ID] = n
					ok = append(ok, next[i])
				}
			}
			next = ok
		}
		sort.Strings(next)
		if room := o.Limit - len(kept); len(next) > room {
			kept = append(kept, next[:room]...)
			truncated = true
			break
		}
		// When kept is exactly full, the next level still runs: it tells whether anything was
		// left out, and the adjacency it reads is needed for the edges among kept anyway.
		kept = append(kept, next...)
		frontier = next
	}
	return e.finishSubgraph(ctx, kept, nodes, adj, rels, truncated)
}

// finishSubgraph reads the adjacency and nodes that kept still lacks and assembles the subgraph.
// The kept nodes without adjacency are those of the last level read; an edge between two of them
// leaves one of them, so their outgoing edges are enough, and every other edge among kept nodes is
// already in the adjacency of a node of an earlier level.
func (e *Engine) finishSubgraph(ctx context.Context, kept []string, nodes map[string]*kg.Node, adj map[string][]kg.Edge, rels []kg.RelType, truncated bool) (*Subgraph, error) {
	var missingAdj, missingNodes []string
	for _, id := range kept {
		if _, ok := adj[id]; !ok {
			missingAdj = append(missingAdj, id)
		}
		if nodes[id] == nil {
			missingNodes = append(missingNodes, id)
		}
	}
	if len(missingAdj) > 0 {
		if err := kg.CtxErr(ctx); err != nil {
			return nil, err
		}
		got, err := e.store.Adjacent(ctx, missingAdj, kg.Out, rels)
		if err != nil {
			return nil, err
		}
		for _, id := range missingAdj {
			adj[id] = got[id]
		}
	}
	if len(missingNodes) > 0 {
		ns, err := e.store.Nodes(ctx, missingNodes)
		if err != nil {
			return nil, err
		}
		for i, n := range ns {
			if n != nil {
				nodes[missingNodes[i]] = n
			}
		}
	}
	in := make(map[string]bool, len(kept))
	sg := &Subgraph{Nodes: make([]*kg.Node, 0, len(kept)), Edges: []kg.Edge{}, Truncated: truncated}
	for _, id := range kept {
		if n := nodes[id]; n != nil {
			in[id] = true
			sg.Nodes = append(sg.Nodes, n)
		}
	}
	sg.Edges = edgesAmong(in, kept, adj)
	return sg, nil
}

// edgesAmong returns the edges of adj[ids] whose endpoints are both in set, once each (taken from
// the adjacency of their source), in EdgeLess order. adj must hold, for every id in set, at least
// the edges leaving it.
func edgesAmong(set map[string]bool, ids []string, adj map[string][]kg.Edge) []kg.Edge {
	// Each adjacency list is in EdgeLess order, so a source's edges of one type come sorted by
	// target. Taking sources in id order and bucketing by type therefore yields EdgeLess order
	// without comparing edges; a store that broke the order is caught and sorted after all.
	sources := make([]string, 0, len(ids))
	for _, id := range ids {
		if set[id] {
			sources = append(sources, id)
		}
	}
	slices.Sort(sources)
	buckets := map[kg.RelType][]*kg.Edge{}
	n := 0
	for _, id := range sources {
		es := adj[id]
		for i := range es {
			if es[i].Source == id && set[es[i].Target] {
				buckets[es[i].Type] = append(buckets[es[i].Type], &es[i])
				n++
			}
		}
	}
	types := make([]kg.RelType, 0, len(buckets))
	for t := range buckets {
		types = append(types, t)
	}
	slices.Sort(types)
	out := make([]kg.Edge, 0, n)
	for _, t := range types {
		for _, e := range buckets[t] {
			out = append(out, *e)
		}
	}
	if !slices.IsSortedFunc(out, kg.CompareEdges) {
		slices.SortFunc(out, kg.CompareEdges)
	}
	return out
}

// Subgraph returns the given nodes (in the order asked, repeats dropped) and every edge among them.
// More than kg.MaxIDs ids, or an unknown id: EINVALID naming "ids".
//
// Store calls: Nodes and Adjacent, 2 (none for no ids).
func (e *Engine) Subgraph(ctx context.Context, ids []string) (*Subgraph, error) {
	if err := checkLen("ids", len(ids)); err != nil {
		return nil, err
	}
	ids = kg.DistinctIDs(ids)
	sg := &Subgraph{Nodes: []*kg.Node{}, Edges: []kg.Edge{}}
	if len(ids) == 0 {
		return sg, nil
	}
	ns, err := e.nodesOf(ctx, "ids", ids, "")
	if err != nil {
		return nil, err
	}
	adj, err := e.store.Adjacent(ctx, ids, kg.Both, nil)
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	sg.Nodes = ns
	sg.Edges = edgesAmong(set, ids, adj)
	return sg, nil
}
