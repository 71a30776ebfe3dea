package traverse

import (
	"context"
	"math"
	"slices"

	"github.com/failgraph/failgraph/internal/kg"
)

// The reads and small helpers the questions share. Each read is one store call.

// centre reads the node a traversal starts from with one Node call: ENOTFOUND when it does not exist.
func (e *Engine) centre(ctx context.Context, id string) (*kg.Node, error) {
	return e.store.Node(ctx, id)
}

// nodesOf reads ids (deduplicated by the caller) in one Nodes call; an unknown id, or one of another
// kind than kind (when kind is not empty), is EINVALID naming arg.
func (e *Engine) nodesOf(ctx context.Context, arg string, ids []string, kind kg.Kind) ([]*kg.Node, error) {
	if err := checkLen(arg, len(ids)); err != nil {
		return nil, err
	}
	ns, err := e.store.Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, n := range ns {
		if err := checkKind(arg, ids[i], n, kind); err != nil {
			return nil, err
		}
	}
	return ns, nil
}

// nodeMap reads ids in one Nodes call (none when ids is empty) and indexes the nodes found by id.
func (e *Engine) nodeMap(ctx context.Context, ids []string) (map[string]*kg.Node, error) {
	out := make(map[string]*kg.Node, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	ns, err := e.store.Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, n := range ns {
		if n != nil {
			out[ids[i]] = n
		}
	}
	return out, nil
}

// sortNodes puts ns in kg.NodeLess order.
func sortNodes(ns []*kg.Node) {
	slices.SortStableFunc(ns, kg.CompareNodes)
}

// round4 rounds x to four decimals, the precision every score is compared at.
func round4(x float64) float64 { return math.Round(x*10000) / 10000 }

func has[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}
