package graph_test

import (
	"testing"

	"github.com/failgraph/failgraph/graph"
	"github.com/failgraph/failgraph/internal/kg"
)

func TestListLengthsFollowTheirArgumentsWithinRange(t *testing.T) {
	tests := []struct {
		name         string
		typ, field   string
		args, parent map[string]any
		want         int
	}{
		{"search hits by first", "SearchConnection", "edges", nil, map[string]any{"first": int64(20)}, 20},
		{"search hits by last", "SearchConnection", "edges", nil, map[string]any{"last": int64(7)}, 7},
		{"search hits by default", "SearchConnection", "edges", nil, map[string]any{"query": "x"}, 20},
		{"first past the range counts as the maximum", "SearchConnection", "edges", nil, map[string]any{"first": int64(1 << 40)}, kg.MaxLimit},
		{"a negative first counts as one", "RelatedConnection", "edges", nil, map[string]any{"first": int64(-3)}, 1},
		{"related nodes by default", "RelatedConnection", "edges", nil, map[string]any{"id": "x"}, 10},
		{"first from JSON", "Query", "paths", map[string]any{"limit": float64(7)}, nil, 7},
		{"nodes by ids", "Query", "nodes", map[string]any{"ids": []any{"a", "b", "c"}}, nil, 3},
		{"a page's edges by the page's first", "ReferenceConnection", "edges", nil, map[string]any{"first": int64(50)}, 50},
		{"a neighbourhood's nodes by its limit", "Subgraph", "nodes", nil, map[string]any{"limit": int64(200), "depth": int64(2)}, 200},
		{"a neighbourhood's edges", "Subgraph", "edges", nil, map[string]any{"limit": int64(200)}, 600},
		{"a subgraph's nodes by its ids", "Subgraph", "nodes", nil, map[string]any{"ids": []any{"a", "b"}}, 2},
		{"a path's nodes by maxLength", "Path", "nodes", nil, map[string]any{"maxLength": int64(4)}, 5},
		{"every node of a kind", "Query", "failureModes", nil, nil, graph.RootListLen},
		{"a relation", "FailureMode", "mitigations", nil, nil, graph.RelationListLen},
		{"the legal matrix", "Matrix", "cells", nil, nil, graph.RootListLen * graph.RootListLen},
	}
	for _, tt := range tests {
		if got := graph.ListLen(tt.typ, tt.field, tt.args, tt.parent); got != tt.want {
			t.Errorf("%s: ListLen = %d, want %d", tt.name, got, tt.want)
		}
	}
	if got := graph.FieldWork("Query", "neighborhood", map[string]any{"limit": int64(100), "depth": int64(3)}); got != 300 {
		t.Errorf("neighborhood work %d, want 300", got)
	}
	if got := graph.FieldWork("FailureMode", "mitigations", nil); got != 0 {
		t.Errorf("a relation's work %d, want 0", got)
	}
}
