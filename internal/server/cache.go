package server

import (
	"container/list"
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
)

// boundedCache is a least-recently-used cache bounded both by entries and by an estimate of the
// bytes it holds. gqlgen's lru counts entries only, and entries are client-controlled: a thousand
// distinct 1 MiB queries would keep a gigabyte of query text, and their parsed documents far more.
type boundedCache[T any] struct {
	maxEntries int
	maxBytes   int64
	weight     func(key string, v T) int64

	mu    sync.Mutex
	ll    *list.List               // guarded by mu; front is the most recently used
	items map[string]*list.Element // guarded by mu
	bytes int64                    // guarded by mu
}

type cacheEntry[T any] struct {
	key    string
	value  T
	weight int64
}

var _ graphql.Cache[string] = (*boundedCache[string])(nil)

func newBoundedCache[T any](maxEntries int, maxBytes int64, weight func(string, T) int64) *boundedCache[T] {
	return &boundedCache[T]{
		maxEntries: maxEntries,
		maxBytes:   maxBytes,
		weight:     weight,
		ll:         list.New(),
		items:      map[string]*list.Element{},
	}
}

// Get returns the value cached under key.
func (c *boundedCache[T]) Get(_ context.Context, key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*cacheEntry[T]).value, true
	}
	var zero T
	return zero, false
}

// Add caches value under key, evicting the least recently used entries until both bounds hold. A
// value heavier than the whole budget is not cached.
func (c *boundedCache[T]) Add(_ context.Context, key string, value T) {
	w := c.weight(key, value)
	if w > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.remove(e)
	}
	c.items[key] = c.ll.PushFront(&cacheEntry[T]{key: key, value: value, weight: w})
	c.bytes += w
	for c.ll.Len() > c.maxEntries || c.bytes > c.maxBytes {
		c.remove(c.ll.Back())
	}
}

// Remove forgets key.
func (c *boundedCache[T]) Remove(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.remove(e)
	}
}

func (c *boundedCache[T]) remove(e *list.Element) {
	ent := c.ll.Remove(e).(*cacheEntry[T])
	delete(c.items, ent.key)
	c.bytes -= ent.weight
}

// Len returns the number of entries and their weight.
func (c *boundedCache[T]) Len() (int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len(), c.bytes
}
