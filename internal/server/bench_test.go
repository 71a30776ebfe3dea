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
	"syscall"
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

// BenchmarkQuestions measures whole requests through the handler on the embedded store holding
// the shipped seed: the benchmark questions (a), (b) and (c) of docs/BENCHMARKS.md and the depth-2
// neighbourhood that the load mix sends, the largest answer of an ordinary client.
func BenchmarkQuestions(b *testing.B) {
	h := server.New(server.DefaultConfig(), shippedStore(b), slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, bc := range []struct{ name, query string }{
		{"a one failure mode", `{ failureMode(id: "membership-inference") { id name intent compromises } }`},
		{"b its mitigations and their references", `{ failureMode(id: "membership-inference") { id mitigations { id name references { id title } } } }`},
		{"c failure modes, mitigations, assets", `{ failureModes { id mitigations { id protects { id name } } } }`},
		{"depth-2 neighbourhood", `{ neighborhood(id: "poisoning", depth: 2, limit: 100) { truncated nodes { id kind name } edges { type source target } } }`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			body, _ := json.Marshal(map[string]any{"query": bc.query})
			// CPU time, beside wall time: on a machine shared with other work, wall time measures
			// the machine's load as much as the server's work.
			start := cpuTime()
			defer func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }()
			for b.Loop() {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(http.MethodPost, server.PathGraphQL, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
					b.Fatalf("status %d: %.300s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// cpuTime returns the CPU time (user and system) the process has used, in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
