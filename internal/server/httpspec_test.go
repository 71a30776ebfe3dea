package server_test

import (
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/graph"
	"github.com/failgraph/failgraph/internal/server"
)

// TestRefusalsFollowTheGraphQLOverHTTPSpec: every hostile request refused before execution is
// answered 200 with application/json and 400 with application/graphql-response+json, and neither
// answer has a data entry, since execution never started.
func TestRefusalsFollowTheGraphQLOverHTTPSpec(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), shippedStore(t))
	beforeExecution := map[string]bool{
		graph.CodeQueryTooComplex: true, graph.CodeQueryTooDeep: true,
		graph.CodeParseFailed: true, graph.CodeValidationFailed: true,
	}
	n := 0
	for _, h := range hostileRequests() {
		if !beforeExecution[h.code] || h.path == "websocket" {
			continue
		}
		n++
		t.Run(h.name, func(t *testing.T) {
			for _, c := range []struct {
				accept, contentType string
				status              int
			}{
				{"", "application/json", http.StatusOK},
				{"application/json", "application/json", http.StatusOK},
				{"*/*", "application/json", http.StatusOK}, // Apollo Client 3
				{server.MediaTypeGraphQLResponse, server.MediaTypeGraphQLResponse, http.StatusBadRequest},
				{server.MediaTypeGraphQLResponse + ", application/json;q=0.9", server.MediaTypeGraphQLResponse, http.StatusBadRequest}, // urql, Apollo Client 4
			} {
				h.accept = c.accept
				r := h.send(t, ts)
				mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
				if r.Status != c.status || mt != c.contentType {
					t.Errorf("Accept %q: %d %s, want %d %s", c.accept, r.Status, mt, c.status, c.contentType)
				}
				if r.Data != nil {
					t.Errorf("Accept %q: data %s, want no data entry", c.accept, r.Data)
				}
				if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != h.code {
					t.Errorf("Accept %q: errors %+v, want %s", c.accept, r.Errors, h.code)
				}
			}
		})
	}
	if n < 20 {
		t.Fatalf("only %d hostile requests are refused before execution", n)
	}
}

// TestRequestsWithoutAQueryAreBadRequests: a body or URL without a query (or with a query that is
// not a string) is not a GraphQL request at all: 400 BAD_REQUEST, whatever the client accepts. A
// persisted query may come without its text.
func TestRequestsWithoutAQueryAreBadRequests(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	for _, h := range []hostile{
		{name: "an empty object", body: `{}`},
		{name: "only variables", body: `{"variables": {"id": "poisoning"}}`},
		{name: "a misspelt query", body: `{"qeury": "{ stats { nodes } }"}`},
		{name: "a null query", body: `{"query": null}`},
		{name: "a number", body: `{"query": 1}`},
		{name: "an object", body: `{"query": {"obj": "ect"}}`},
		{name: "a list", body: `{"query": ["{ stats { nodes } }"]}`},
		{name: "a null persisted query", body: `{"extensions": {"persistedQuery": null}}`},
		{name: "an empty body", body: ` `},
		{name: "GET without a query", path: "?variables=%7B%7D"},
		{name: "GET without anything", path: "?"},
	} {
		t.Run(h.name, func(t *testing.T) {
			for _, accept := range []string{"application/json", server.MediaTypeGraphQLResponse} {
				h.accept = accept
				r := h.send(t, ts)
				if r.Status != http.StatusBadRequest || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.CodeBadRequest || r.Data != nil {
					t.Errorf("Accept %s: %d %+v data %s", accept, r.Status, r.Errors, r.Data)
				}
			}
		})
	}

	apq := `{"version": 1, "sha256Hash": "` + strings.Repeat("ab", 32) + `"}`
	for _, h := range []hostile{
		{name: "POST", body: `{"extensions": {"persistedQuery": ` + apq + `}}`},
		{name: "GET", path: "?extensions=" + url.QueryEscape(`{"persistedQuery": `+apq+`}`)},
	} {
		r := h.send(t, ts)
		if r.Status != http.StatusOK || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.CodePersistedQueryNotFound {
			t.Errorf("a persisted query by its hash alone (%s): %d %+v", h.name, r.Status, r.Errors)
		}
	}
}

// TestErrorsDuringExecutionKeepTheirData: once execution started, the answer is 200 with its data
// (null fields included) for every client.
func TestErrorsDuringExecutionKeepTheirData(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	for _, accept := range []string{"application/json", "*/*", server.MediaTypeGraphQLResponse} {
		h := hostile{query: `{ stats { nodes } legalExposure(failureMode: "no-such-node") { items { question } } }`, accept: accept}
		r := h.send(t, ts)
		if r.Status != http.StatusOK || len(r.Errors) != 1 {
			t.Errorf("Accept %s: %d %+v", accept, r.Status, r.Errors)
		}
		assertJSON(t, "data", r.Data, `{"stats": {"nodes": 10}, "legalExposure": null}`)
	}
}
