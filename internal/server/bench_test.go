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

	"github.com/failgraph/failgraph/internal/server"
)

// BenchmarkRefusals measures what a hostile query costs the server to refuse, through the whole
// handler (middleware, body, scan, parse, checks), next to two ordinary queries. Every hostile
// query is fresh (a numbered comment), so no cache helps.
func BenchmarkRefusals(b *testing.B) {
	h := server.New(server.DefaultConfig(), shippedStore(b), slog.New(slog.NewTextHandler(io.Discard, nil)))
	var many strings.Builder
	for i := range 500 {
		fmt.Fprintf(&many, " a%d: failureModes { mitigations { mitigates { id } } }", i)
	}
	for _, bc := range []struct{ name, query string }{
		{"deep", nest(12)},
		{"500 aliases", "{" + many.String() + " }"},
		{"40 aliases", aliases(40)},
		{"4000 repeats", "{ failureModes { " + strings.Repeat("id ", 4000) + "} }"},
		{"1900 repeats", "{ failureModes { " + strings.Repeat("id ", 1900) + "} }"},
		{"fragment bomb", fragmentBomb(40, "stats { nodes }")},
		{"five nested lists", `{ failureModes { mitigations { mitigates { mitigations { mitigates { id } } } } } }`},
		{"ordinary: a node", `{ node(id: "poisoning") { id kind name summary ... on FailureMode { intent compromises } } }`},
		{"ordinary: failure modes and mitigations", `{ failureModes { id name intent mitigations { id name category } } }`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			fresh := !strings.HasPrefix(bc.name, "ordinary")
			i := 0
			for b.Loop() {
				i++
				q := bc.query
				if fresh {
					q += fmt.Sprintf("\n# %d", i)
				}
				body, _ := json.Marshal(map[string]any{"query": q})
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(http.MethodPost, server.PathGraphQL, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				h.ServeHTTP(rec, req)
				if fresh != (rec.Code == http.StatusUnprocessableEntity) {
					b.Fatalf("status %d: %.200s", rec.Code, rec.Body)
				}
			}
		})
	}
}
