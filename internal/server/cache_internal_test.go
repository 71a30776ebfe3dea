package server

import (
	"context"
	"fmt"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/failgraph/failgraph/graph"
)

func TestBoundedCacheKeepsBothBounds(t *testing.T) {
	ctx := context.Background()
	weight := func(k, v string) int64 { return int64(len(k) + len(v)) }

	byCount := newBoundedCache(3, 1<<20, weight)
	for i := range 5 {
		byCount.Add(ctx, fmt.Sprint("k", i), "v")
	}
	if n, _ := byCount.Len(); n != 3 {
		t.Errorf("%d entries, want 3", n)
	}
	if _, ok := byCount.Get(ctx, "k0"); ok {
		t.Errorf("the oldest entry survived")
	}
	byCount.Get(ctx, "k2") // now the most recent
	byCount.Add(ctx, "k5", "v")
	if _, ok := byCount.Get(ctx, "k2"); !ok {
		t.Errorf("a recently used entry was evicted")
	}

	byBytes := newBoundedCache(100, 10, weight)
	byBytes.Add(ctx, "a", "1234") // 5
	byBytes.Add(ctx, "b", "1234") // 10
	byBytes.Add(ctx, "c", "1234") // 15: evicts a
	if n, w := byBytes.Len(); n != 2 || w != 10 {
		t.Errorf("%d entries of %d bytes, want 2 of 10", n, w)
	}
	byBytes.Add(ctx, "huge", "12345678901") // heavier than the budget: not cached, nothing evicted
	if _, ok := byBytes.Get(ctx, "huge"); ok {
		t.Errorf("an entry heavier than the budget was cached")
	}
	if n, _ := byBytes.Len(); n != 2 {
		t.Errorf("%d entries after an oversized add, want 2", n)
	}
	byBytes.Add(ctx, "b", "12") // replacing an entry updates the weight
	if _, w := byBytes.Len(); w != 8 {
		t.Errorf("weight %d after replacing, want 8", w)
	}
}

func TestDocumentsRefusedForTheirCostLeaveTheCache(t *testing.T) {
	ctx := context.Background()
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	docs := newBoundedCache(10, 1<<20, func(q string, _ *ast.QueryDocument) int64 { return int64(len(q)) })
	l := &limits{maxComplexity: 100, docs: docs, schema: schema}
	for _, tt := range []struct {
		query string
		kept  bool
	}{
		{`{ failureModes { id } }`, true},                          // 30 × 2
		{`{ failureModes { id mitigations { id name } } }`, false}, // 30 × (2 + 5 × 3)
	} {
		doc, errs := gqlparser.LoadQuery(schema, tt.query)
		if errs != nil {
			t.Fatal(errs)
		}
		docs.Add(ctx, tt.query, doc)
		err := l.MutateOperationContext(ctx, &graphql.OperationContext{RawQuery: tt.query, Doc: doc, Operation: doc.Operations[0]})
		if (err == nil) != tt.kept {
			t.Errorf("%s: err %v", tt.query, err)
		}
		if _, ok := docs.Get(ctx, tt.query); ok != tt.kept {
			t.Errorf("%s: cached %v, want %v", tt.query, ok, tt.kept)
		}
	}
}
