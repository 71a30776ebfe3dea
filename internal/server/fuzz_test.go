package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/graph"
	"github.com/failgraph/failgraph/internal/server"
)

// fuzzTemplates are operations whose arguments the fuzzer fills: from variables (the first ones) or
// by pasting the fuzzed text where %s stands (the last ones).
var fuzzTemplates = []string{
	`query($id: ID!, $depth: Int, $limit: Int, $kinds: [NodeKind!], $rels: [RelationType!]) {
		neighborhood(id: $id, depth: $depth, limit: $limit, kinds: $kinds, relations: $rels) { truncated nodes { id } edges { id } } }`,
	`query($q: String!, $first: Int, $kinds: [NodeKind!]) { search(query: $q, first: $first, kinds: $kinds) { edges { score node { id } } } }`,
	`query($first: Int, $after: String, $year: Int, $yearFrom: Int, $yearTo: Int, $author: String, $search: String) {
		references(first: $first, after: $after, year: $year, yearFrom: $yearFrom, yearTo: $yearTo, author: $author, search: $search) {
			totalCount pageInfo { endCursor hasNextPage } edges { cursor node { id } } } }`,
	`query($from: ID!, $to: ID!, $maxLength: Int, $limit: Int, $rels: [RelationType!]) {
		paths(from: $from, to: $to, maxLength: $maxLength, limit: $limit, relations: $rels) { length nodes { id } } }`,
	`query($assets: [ID!]!, $caps: [ID!]) { threatModel(assets: $assets, capabilities: $caps) { failureModes { id } minimalCover { id } uncovered { id } } }`,
	`query($ids: [ID!]!) { nodes(ids: $ids) { id } subgraph(ids: $ids) { nodes { id } edges { id } } }`,
	`query($c: [SecurityProperty!], $a: [ID!]) { triage(compromised: $c, assets: $a) { score failureMode { id } } }`,
	`query($id: ID!, $first: Int, $j: String) { related(id: $id, first: $first) { edges { score node { id } } }
		legalExposure(failureMode: $id) { items { question } } legalMatrix(jurisdiction: $j) { rows { id } } }`,
	`query($id: ID!, $rel: RelationType, $dir: Direction) { node(id: $id) { id degree(relation: $rel) edges(relation: $rel, direction: $dir) { id } } }`,
	`{ neighborhood(id: "poisoning", depth: %s) { nodes { id } } }`,
	`{ search(query: %s) { edges { score node { id } } } }`,
	`{ references(first: 2, after: %s) { edges { cursor } } }`,
	`{ failureModes(intent: %s) { id } node(id: %s) { id } }`,
}

// FuzzArguments sends fuzzed variables and argument literals through the real handler over the
// shipped seed. Whatever they are, the answer is never a 500 nor a panic, always a GraphQL-shaped
// body, and every error carries a documented code other than INTERNAL. The seed corpus is in
// testdata/fuzz/FuzzArguments; `go test -fuzz FuzzArguments ./internal/server` explores further.
func FuzzArguments(f *testing.F) {
	f.Add(uint8(0), "", []byte(`{"id": "poisoning", "depth": 2, "limit": 50, "kinds": ["MITIGATION"], "rels": ["MITIGATES"]}`))
	f.Add(uint8(1), "", []byte(`{"q": "poison", "first": 1000}`))
	f.Add(uint8(9), "-1", []byte(`{}`))

	h := server.New(server.DefaultConfig(), shippedStore(f), slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.Fuzz(func(t *testing.T, tpl uint8, arg string, vars []byte) {
		query := fuzzTemplates[int(tpl)%len(fuzzTemplates)]
		query = strings.ReplaceAll(query, "%s", arg)
		var v json.RawMessage
		if json.Valid(vars) {
			v = vars
		} else {
			v, _ = json.Marshal(string(vars))
		}
		body, err := json.Marshal(map[string]any{"query": query, "variables": v})
		if err != nil {
			t.Skip() // not a body a client could send
		}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, server.PathGraphQL, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)

		if rec.Code >= 500 {
			t.Fatalf("status %d for %s: %s", rec.Code, body, rec.Body)
		}
		var resp struct {
			Data   *json.RawMessage `json:"data"`
			Errors []struct {
				Message    string         `json:"message"`
				Path       []any          `json:"path"`
				Locations  []any          `json:"locations"`
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		dec := json.NewDecoder(rec.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&resp); err != nil {
			t.Fatalf("body is not a GraphQL response (%v): %s", err, rec.Body)
		}
		if resp.Data == nil && len(resp.Errors) == 0 {
			t.Fatalf("neither data nor errors: %s", rec.Body)
		}
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			if !graph.KnownCode(code) || code == graph.CodeInternal {
				t.Errorf("error %q has code %q for %s", e.Message, code, fmt.Sprintf("%.300s", body))
			}
		}
	})
}
