package traverse

import (
	"context"
	"sort"

	"github.com/failgraph/failgraph/internal/kg"
)

// Related returns up to first nodes of id's kind ranked by the Jaccard similarity of their neighbour
// sets (all relations, both directions) to id's. Unknown id: ENOTFOUND; first out of range: EINVALID.
//
// Store calls: Node (the node and its kind), List (every node of that kind), Adjacent (all of their
// neighbours) and Nodes (the shared neighbours of the answer, none when nothing is related): 4,
// whatever the size of the answer.
func (e *Engine) Related(ctx context.Context, id string, first int) ([]Relatedness, error) {
	if err := kg.CheckRange("first", first, 1, kg.MaxLimit); err != nil {
		return nil, err
	}
	a, err := e.centre(ctx, id)
	if err != nil {
		return nil, err
	}
	peers, err := e.store.List(ctx, kg.Filter{Kind: a.Kind})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(peers)+1)
	ids = append(ids, id)
	for _, p := range peers {
		if p.ID != id {
			ids = append(ids, p.ID)
		}
	}
	if err := kg.CtxErr(ctx); err != nil {
		return nil, err
	}
	adj, err := e.store.Adjacent(ctx, ids, kg.Both, nil)
	if err != nil {
		return nil, err
	}
	na := neighbourSet(id, adj[id])

	type cand struct {
		node   *kg.Node
		score  float64
		shared []string
	}
	var cands []cand
	for _, p := range peers {
		if p.ID == id {
			continue
		}
		nb := neighbourSet(p.ID, adj[p.ID])
		var shared []string
		for n := range nb {
			if na[n] {
				shared = append(shared, n)
			}
		}
		if len(shared) == 0 {
			continue
		}
		union := len(na) + len(nb) - len(shared)
		sort.Strings(shared)
		cands = append(cands, cand{node: p, score: round4(float64(len(shared)) / float64(union)), shared: shared})
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].node.ID < cands[j].node.ID
	})
	if len(cands) > first {
		cands = cands[:first]
	}

	out := make([]Relatedness, 0, len(cands))
	if len(cands) == 0 {
		return out, nil
	}
	var sharedIDs []string
	seen := map[string]bool{}
	for _, c := range cands {
		for _, s := range c.shared {
			if !seen[s] {
				seen[s] = true
				sharedIDs = append(sharedIDs, s)
			}
		}
	}
	byID, err := e.nodeMap(ctx, sharedIDs)
	if err != nil {
		return nil, err
	}
	for _, c := range cands {
		r := Relatedness{Node: c.node, Score: c.score, Shared: make([]*kg.Node, 0, len(c.shared))}
		for _, s := range c.shared {
			if n := byID[s]; n != nil {
				r.Shared = append(r.Shared, n)
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// neighbourSet returns the distinct nodes joined to id by es, id itself excluded.
func neighbourSet(id string, es []kg.Edge) map[string]bool {
	set := make(map[string]bool, len(es))
	for _, ed := range es {
		if o := ed.Other(id); o != id {
			set[o] = true
		}
	}
	return set
}
