package traverse

import (
	"context"

	"github.com/failgraph/failgraph/internal/kg"
)

// Trusting returns an engine whose every traversal sees only the edges t admits, as if the graph
// had no others: a threat model from paper-stated edges only, a legal matrix of high-confidence
// questions. The zero t returns e itself. A bad t is EINVALID naming the field.
//
// The filter wraps the store's Adjacent, the one method through which traversals read edges, so
// every algorithm obeys it without knowing about it and both stores filter by the same rule.
func (e *Engine) Trusting(t kg.EdgeTrust) (*Engine, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if t.IsZero() {
		return e, nil
	}
	c := *e
	c.store = trustStore{Store: e.store, trust: t}
	return &c, nil
}

// trustStore is a kg.Store that hides the edges its trust does not admit.
type trustStore struct {
	kg.Store
	trust kg.EdgeTrust
}

// Adjacent implements kg.Store: the inner store's edges, less those the trust does not admit.
func (s trustStore) Adjacent(ctx context.Context, ids []string, dir kg.Direction, types []kg.RelType) (map[string][]kg.Edge, error) {
	adj, err := s.Store.Adjacent(ctx, ids, dir, types)
	if err != nil {
		return nil, err
	}
	for id, es := range adj {
		kept := es[:0]
		for _, ed := range es {
			if s.trust.Admits(ed) {
				kept = append(kept, ed)
			}
		}
		adj[id] = kept
	}
	return adj, nil
}
