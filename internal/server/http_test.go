package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/server"
)

func TestMalformedAndOversizedBodies(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.MaxBodyBytes = 1024
	ts := newTestServer(t, cfg, minimalStore(t))
	tests := []struct {
		name, body string
		status     int
		code       string
	}{
		{"truncated JSON", `{"query": "{ stats { nodes } }"`, http.StatusBadRequest, "BAD_REQUEST"},
		{"not JSON at all", `query { stats { nodes } }`, http.StatusBadRequest, "BAD_REQUEST"},
		{"a JSON array", `[{"query": "{ stats { nodes } }"}]`, http.StatusBadRequest, "BAD_REQUEST"},
		{"over the size limit", `{"query": "{ stats { nodes } }", "x": "` + strings.Repeat("x", 2048) + `"}`,
			http.StatusRequestEntityTooLarge, server.CodePayloadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ts.postRaw(t, "application/json", []byte(tt.body))
			if r.Status != tt.status {
				t.Errorf("status %d, want %d", r.Status, tt.status)
			}
			if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != tt.code {
				t.Fatalf("errors %+v, want one with code %s", r.Errors, tt.code)
			}
			if strings.Contains(r.Errors[0].Message, "stats") {
				t.Errorf("the error echoes the body: %q", r.Errors[0].Message)
			}
		})
	}
}

func TestGraphQLErrorsKeepGqlgenCodes(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	tests := []struct{ query, code string }{
		{`{ stats { nodes `, "GRAPHQL_PARSE_FAILED"},
		{`{ stats { noSuchField } }`, "GRAPHQL_VALIDATION_FAILED"},
		{`{ failureModes(intent: MAYBE) { id } }`, "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, tt := range tests {
		r := ts.post(t, tt.query, nil)
		if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != tt.code {
			t.Errorf("%s: errors %+v, want code %s", tt.query, r.Errors, tt.code)
		}
	}
}

func TestIntrospectionSwitch(t *testing.T) {
	const q = `{ __schema { queryType { name } } }`
	for _, on := range []bool{true, false} {
		cfg := server.DefaultConfig()
		cfg.Introspection = on
		r := newTestServer(t, cfg, minimalStore(t)).post(t, q, nil)
		if got := len(r.Errors) == 0; got != on {
			t.Errorf("introspection %v: errors %+v", on, r.Errors)
		}
	}
}

func TestGraphiQLPage(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	resp, body := ts.get(t, server.PathGraphiQL)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /graphiql: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"graphiql", "defaultTabs", `"/graphql"`, "query Researcher", "query Frontend", "query ThreatModel", "query Policy"} {
		if !strings.Contains(body, want) {
			t.Errorf("GraphiQL page lacks %q", want)
		}
	}
	if resp, _ := ts.get(t, "/no-such-page"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /no-such-page: %d, want 404", resp.StatusCode)
	}
}

// downStore is a store whose backend cannot be reached.
type downStore struct{ kg.Store }

func (downStore) Ping(context.Context) error {
	return kg.Errorf(kg.EUNAVAILABLE, "", "the graph database cannot be reached")
}

func TestHealthAndReadiness(t *testing.T) {
	store := minimalStore(t)
	up := newTestServer(t, server.DefaultConfig(), store)
	down := newTestServer(t, server.DefaultConfig(), downStore{minimalStore(t)})
	// A ready answer says which graph the store holds.
	st, err := store.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ready := fmt.Sprintf(`{"status":"ready","graph":{"hash":%q,"nodes":10,"edges":23,"loadedAt":%q,"merged":false}}`,
		st.Loaded.Hash, st.Loaded.At.Format(time.RFC3339))
	tests := []struct {
		name   string
		ts     *testServer
		path   string
		status int
		want   string
	}{
		{"live", up, server.PathHealth, http.StatusOK, `{"status":"ok"}`},
		{"live while the store is down", down, server.PathHealth, http.StatusOK, `{"status":"ok"}`},
		{"ready", up, server.PathReady, http.StatusOK, ready},
		{"not ready", down, server.PathReady, http.StatusServiceUnavailable,
			`{"status":"unavailable","code":"UNAVAILABLE","reason":"the graph database cannot be reached"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := tt.ts.get(t, tt.path)
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
			assertJSON(t, tt.path, json.RawMessage(body), tt.want)
		})
	}
}

func TestCORS(t *testing.T) {
	star := server.DefaultConfig()
	star.CORSOrigins = []string{"*"}
	none := server.DefaultConfig()
	none.CORSOrigins = nil
	tests := []struct {
		name      string
		cfg       server.Config
		origin    string
		wantAllow string // "" for refused
	}{
		{"a default dev origin", server.DefaultConfig(), "http://localhost:5173", "http://localhost:5173"},
		{"an origin not on the list", server.DefaultConfig(), "https://evil.example", ""},
		{"a listed host on another port", server.DefaultConfig(), "http://localhost:8081", ""},
		{"any origin with *, as *", star, "https://anyone.example", "*"},
		{"no origins configured", none, "http://localhost:5173", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, tt.cfg, minimalStore(t))
			req, err := http.NewRequest(http.MethodOptions, ts.URL+server.PathGraphQL, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Origin", tt.origin)
			req.Header.Set("Access-Control-Request-Method", http.MethodPost)
			req.Header.Set("Access-Control-Request-Headers", "content-type")
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.wantAllow {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tt.wantAllow)
			}
			if got := resp.Header.Get("Access-Control-Allow-Credentials"); got != "" {
				t.Errorf("credentials allowed: %q", got)
			}
		})
	}
}

func TestCheckOrigins(t *testing.T) {
	tests := []struct {
		origins []string
		ok      bool
	}{
		{server.DefaultCORSOrigins, true},
		{[]string{"*"}, true},
		{[]string{"https://failgraph.example:8443"}, true},
		{nil, true},
		{[]string{"*", "http://localhost:3000"}, false},
		{[]string{"localhost:3000"}, false},
		{[]string{"http://localhost:3000/"}, false},
		{[]string{"ftp://example.org"}, false},
		{[]string{"https://*.example.org"}, false},
	}
	for _, tt := range tests {
		if err := server.CheckOrigins(tt.origins); (err == nil) != tt.ok {
			t.Errorf("CheckOrigins(%q) = %v, want ok=%v", tt.origins, err, tt.ok)
		}
	}
}

// panickyStore panics where a resolver calls it directly.
type panickyStore struct{ kg.Store }

func (panickyStore) Stats(context.Context) (kg.Stats, error) { panic("the store fell over") }

// brokenStore fails with an error that must not reach clients.
type brokenStore struct{ kg.Store }

func (brokenStore) List(context.Context, kg.Filter) ([]*kg.Node, error) {
	return nil, kg.Wrap(kg.EINTERNAL, errFake, "listing")
}

var errFake = fakeError("bolt://secret-host:7687: MATCH (n:Secret) connection refused")

type fakeError string

func (e fakeError) Error() string { return string(e) }

func TestServerFaultsAreMaskedLoggedAndCarryTheRequestID(t *testing.T) {
	tests := []struct {
		name   string
		store  kg.Store
		query  string
		logged string
	}{
		{"a panic in a resolver", panickyStore{minimalStore(t)}, `{ stats { nodes } }`, "the store fell over"},
		{"an internal store error", brokenStore{minimalStore(t)}, `{ assets { id } }`, "secret-host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, server.DefaultConfig(), tt.store)
			r := ts.post(t, tt.query, nil)
			if len(r.Errors) != 1 {
				t.Fatalf("errors %+v", r.Errors)
			}
			e := r.Errors[0]
			id, _ := e.Extensions["requestId"].(string)
			if e.Extensions["code"] != kg.EINTERNAL || e.Message != "internal error" || id == "" {
				t.Errorf("error %+v, want a masked INTERNAL error with a request id", e)
			}
			if h := r.Header.Get(server.HeaderRequestID); h != id {
				t.Errorf("requestId %q differs from the %s header %q", id, server.HeaderRequestID, h)
			}
			logs := ts.log.String()
			if !strings.Contains(logs, tt.logged) || !strings.Contains(logs, id) {
				t.Errorf("log lacks the cause or the request id %s:\n%s", id, logs)
			}
		})
	}
}

func TestClientRequestIDIsKeptWhenSane(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	for _, tt := range []struct{ sent, kept bool }{{true, true}, {false, false}} {
		req, err := http.NewRequest(http.MethodGet, ts.URL+server.PathHealth, nil)
		if err != nil {
			t.Fatal(err)
		}
		id := "abc-123"
		if !tt.sent {
			id = "<script>"
		}
		req.Header.Set(server.HeaderRequestID, id)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		got := resp.Header.Get(server.HeaderRequestID)
		if (got == id) != tt.kept || got == "" {
			t.Errorf("sent %q, got %q", id, got)
		}
	}
}

// TestStatsSaysWhichGraphIsLoaded: GraphQL stats carries what the store says was loaded.
func TestStatsSaysWhichGraphIsLoaded(t *testing.T) {
	store := minimalStore(t)
	ts := newTestServer(t, server.DefaultConfig(), store)
	st, err := store.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	data := ts.mustData(t, `{ stats { nodes edges loaded { hash nodes edges loadedAt merged } } }`, nil)
	want := fmt.Sprintf(`{"stats":{"nodes":10,"edges":23,"loaded":{"hash":%q,"nodes":10,"edges":23,"loadedAt":%q,"merged":false}}}`,
		st.Loaded.Hash, st.Loaded.At.Format(time.RFC3339))
	assertJSON(t, "stats", data, want)
}
