package server_test

import (
	"testing"

	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/server"
	"github.com/failgraph/failgraph/internal/storetest"
)

// TestTraversalQueriesMakeTheEngineCalls holds each traversal query, asked over HTTP with a selection
// that needs no further reads, to exactly the store calls internal/traverse documents for it: the
// resolvers add none of their own (they used to check arguments again, a store read each).
func TestTraversalQueriesMakeTheEngineCalls(t *testing.T) {
	s, err := memstore.New(storetest.Synthetic())
	if err != nil {
		t.Fatal(err)
	}
	c := newCountingStore(s)
	ts := newTestServer(t, server.Config{}, c)
	const assets = `["a-data", "a-model", "a-api", "a-people"]`
	cases := []struct {
		name  string
		query string
		want  map[string]int
	}{
		{"neighborhood depth 2", `{ neighborhood(id: "fm-shift", depth: 2) { nodes { id } } }`,
			map[string]int{"Node": 1, "Adjacent": 3, "Nodes": 1}},
		{"subgraph", `{ subgraph(ids: ["fm-evasion", "a-api", "a-model", "m-advtrain"]) { nodes { id } } }`,
			map[string]int{"Nodes": 1, "Adjacent": 1}},
		{"paths", `{ paths(from: "fm-shift", to: "a-people", limit: 1) { length } }`,
			map[string]int{"Nodes": 2, "Adjacent": 2}},
		{"related", `{ related(id: "fm-evasion") { edges { score } } }`,
			map[string]int{"Node": 1, "List": 1, "Adjacent": 1, "Nodes": 1}},
		{"threatModel with capabilities", `{ threatModel(assets: ` + assets + `, capabilities: ["cap-whitebox"]) { failureModes { id } } }`,
			map[string]int{"Nodes": 2, "List": 1, "Adjacent": 2}},
		{"triage with assets", `{ triage(compromised: [INTEGRITY], assets: ` + assets + `) { score } }`,
			map[string]int{"Nodes": 2, "List": 1, "Adjacent": 1}},
		{"legalExposure", `{ legalExposure(failureMode: "fm-evasion-targeted") { items { edge { id } } } }`,
			map[string]int{"Node": 1, "Adjacent": 2, "Nodes": 1}},
		{"legalMatrix", `{ legalMatrix { rows { id } } }`,
			map[string]int{"List": 1, "Adjacent": 1, "Nodes": 1}},
		{"coverageGaps", `{ coverageGaps { withoutMitigation { id } } }`,
			map[string]int{"List": 2, "Adjacent": 1, "Nodes": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.snapshot()
			ts.mustData(t, tc.query, nil)
			got := c.snapshot()
			if len(got) != len(tc.want) {
				t.Fatalf("store calls %v, want %v", got, tc.want)
			}
			for m, n := range tc.want {
				if got[m] != n {
					t.Fatalf("store calls %v, want %v", got, tc.want)
				}
			}
		})
	}
}
