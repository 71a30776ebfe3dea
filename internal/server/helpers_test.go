package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/server"
	"github.com/failgraph/failgraph/seed"
)

// minimalStore is a memstore over the small valid fixture seed/testdata/minimal: three failure
// modes (poisoning, its subtype targeted-poisoning, distributional-shift), one node of every other
// kind and two references.
func minimalStore(tb testing.TB) *memstore.Store {
	tb.Helper()
	g, err := seed.LoadDir(filepath.Join("..", "..", "seed", "testdata", "minimal"))
	if err != nil {
		tb.Fatal(err)
	}
	s, err := memstore.New(g)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServer is the real handler of server.New over store, on a local port.
type testServer struct {
	*httptest.Server
	log *syncBuffer
}

func newTestServer(tb testing.TB, cfg server.Config, store kg.Store) *testServer {
	tb.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ts := httptest.NewServer(server.New(cfg, store, log))
	tb.Cleanup(ts.Close)
	return &testServer{Server: ts, log: logs}
}

// gqlError is one error of a GraphQL response.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// gqlResponse is a GraphQL response with its HTTP status and headers.
type gqlResponse struct {
	Status int
	Header http.Header
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// post sends a GraphQL request as JSON.
func (ts *testServer) post(tb testing.TB, query string, vars map[string]any) gqlResponse {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		tb.Fatal(err)
	}
	return ts.postRaw(tb, "application/json", body)
}

// postRaw sends body to /graphql as it is.
func (ts *testServer) postRaw(tb testing.TB, contentType string, body []byte) gqlResponse {
	tb.Helper()
	return ts.do(tb, http.MethodPost, contentType, body)
}

// do sends body to /graphql with the method and content type ("-" for none).
func (ts *testServer) do(tb testing.TB, method, contentType string, body []byte) gqlResponse {
	tb.Helper()
	req, err := http.NewRequest(method, ts.URL+server.PathGraphQL, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if contentType != "-" {
		req.Header.Set("Content-Type", contentType)
	}
	return ts.send(tb, req)
}

// getGraphQL sends a GET to /graphql with the URL query suffix ("?query=..."); the suffix
// "websocket" sends a websocket upgrade instead.
func (ts *testServer) getGraphQL(tb testing.TB, suffix string) gqlResponse {
	tb.Helper()
	upgrade := suffix == "websocket"
	if upgrade {
		suffix = "?query=%7B%7D"
	}
	req, err := http.NewRequest(http.MethodGet, ts.URL+server.PathGraphQL+suffix, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if upgrade {
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", "websocket")
	}
	return ts.send(tb, req)
}

// send sends req and decodes the GraphQL response.
func (ts *testServer) send(tb testing.TB, req *http.Request) gqlResponse {
	tb.Helper()
	resp, err := ts.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	out := gqlResponse{Status: resp.StatusCode, Header: resp.Header}
	if err := json.Unmarshal(raw, &out); err != nil {
		tb.Fatalf("response is not JSON (%d): %s", resp.StatusCode, raw)
	}
	return out
}

// mustData sends a query that must succeed and returns its data.
func (ts *testServer) mustData(tb testing.TB, query string, vars map[string]any) json.RawMessage {
	tb.Helper()
	r := ts.post(tb, query, vars)
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		tb.Fatalf("query %s: status %d, errors %+v", oneLine(query), r.Status, r.Errors)
	}
	return r.Data
}

// get fetches a path and returns the response with its body read.
func (ts *testServer) get(tb testing.TB, path string) (*http.Response, string) {
	tb.Helper()
	resp, err := ts.Client().Get(ts.URL + path)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, string(b)
}

// assertJSON fails unless got and want are the same JSON value.
func assertJSON(tb testing.TB, what string, got json.RawMessage, want string) {
	tb.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		tb.Fatalf("%s: bad want: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		tb.Errorf("%s:\n got %s\nwant %s", what, compact(got), compact([]byte(want)))
	}
}

func compact(b []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return string(b)
	}
	return buf.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
