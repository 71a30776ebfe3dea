package server

import (
	"context"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
)

// countingStore is a kg.Store that counts and times every call of the store it wraps, in the
// server's metrics and in the request's store-call count (its log line), and follows the store's
// health (storeHealth). It changes no answer.
type countingStore struct {
	s      kg.Store
	m      *metrics
	health *storeHealth
}

var _ kg.Store = (*countingStore)(nil)

// noHealthKey marks a context whose store calls storeHealth leaves out.
type noHealthKey struct{}

func batchMethod(method string) bool {
	return method == "Nodes" || method == "Adjacent" || method == "Expand"
}

func (c *countingStore) done(ctx context.Context, method string, start time.Time, err error) {
	code := codeOK
	if err != nil {
		code = kg.ErrorCode(err)
	}
	// The batch methods may answer without asking the store (no ids): their successes say nothing
	// of its health. /readyz's own reading of the loaded graph does not count either: the ping
	// before it does.
	if ctx.Value(noHealthKey{}) == nil && (err != nil || !batchMethod(method)) {
		c.health.observe(method, err)
	}
	c.m.storeCalls.WithLabelValues(method, code).Inc()
	c.m.storeDuration.WithLabelValues(method).Observe(time.Since(start).Seconds())
	if ri := infoFrom(ctx); ri != nil {
		ri.storeCalls.Add(1)
	}
}

func (c *countingStore) Node(ctx context.Context, id string) (*kg.Node, error) {
	start := time.Now()
	n, err := c.s.Node(ctx, id)
	c.done(ctx, "Node", start, err)
	return n, err
}

func (c *countingStore) Nodes(ctx context.Context, ids []string) ([]*kg.Node, error) {
	start := time.Now()
	ns, err := c.s.Nodes(ctx, ids)
	c.done(ctx, "Nodes", start, err)
	return ns, err
}

func (c *countingStore) List(ctx context.Context, f kg.Filter) ([]*kg.Node, error) {
	start := time.Now()
	ns, err := c.s.List(ctx, f)
	c.done(ctx, "List", start, err)
	return ns, err
}

func (c *countingStore) Count(ctx context.Context, f kg.Filter) (int, error) {
	start := time.Now()
	n, err := c.s.Count(ctx, f)
	c.done(ctx, "Count", start, err)
	return n, err
}

func (c *countingStore) Adjacent(ctx context.Context, ids []string, dir kg.Direction, types []kg.RelType) (map[string][]kg.Edge, error) {
	start := time.Now()
	es, err := c.s.Adjacent(ctx, ids, dir, types)
	c.done(ctx, "Adjacent", start, err)
	return es, err
}

func (c *countingStore) Expand(ctx context.Context, ids []string, plan kg.Plan) (*kg.Expansion, error) {
	start := time.Now()
	x, err := c.s.Expand(ctx, ids, plan)
	c.done(ctx, "Expand", start, err)
	return x, err
}

func (c *countingStore) ListExpand(ctx context.Context, f kg.Filter, plan kg.Plan) ([]*kg.Node, *kg.Expansion, error) {
	start := time.Now()
	ns, x, err := c.s.ListExpand(ctx, f, plan)
	c.done(ctx, "ListExpand", start, err)
	return ns, x, err
}

func (c *countingStore) Search(ctx context.Context, query string, kinds []kg.Kind, limit int) ([]kg.Hit, error) {
	start := time.Now()
	hs, err := c.s.Search(ctx, query, kinds, limit)
	c.done(ctx, "Search", start, err)
	return hs, err
}

func (c *countingStore) Stats(ctx context.Context) (kg.Stats, error) {
	start := time.Now()
	st, err := c.s.Stats(ctx)
	c.done(ctx, "Stats", start, err)
	return st, err
}

func (c *countingStore) Ping(ctx context.Context) error {
	start := time.Now()
	err := c.s.Ping(ctx)
	c.done(ctx, "Ping", start, err)
	return err
}
