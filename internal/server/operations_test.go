package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/failgraph/failgraph/graph"
	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/server"
)

// gateStore holds every Stats call until release is closed, telling entered when one arrives.
type gateStore struct {
	kg.Store
	entered chan struct{}
	release chan struct{}
}

func (g gateStore) Stats(ctx context.Context) (kg.Stats, error) {
	g.entered <- struct{}{}
	select {
	case <-g.release:
	case <-ctx.Done():
		return kg.Stats{}, kg.CtxErr(ctx)
	}
	return g.Store.Stats(ctx)
}

func TestOverloadIsRefusedFastWithRetryAfter(t *testing.T) {
	gate := gateStore{Store: shippedStore(t), entered: make(chan struct{}, 10), release: make(chan struct{})}
	cfg := server.DefaultConfig()
	cfg.MaxInFlight = 1
	cfg.QueueWait = 10 * time.Millisecond
	ts := newTestServer(t, cfg, gate)

	first := make(chan gqlResponse)
	go func() { first <- ts.post(t, `query Slow { stats { nodes } }`, nil) }()
	<-gate.entered // the first request holds the only slot

	r := ts.post(t, `query Refused { stats { nodes } }`, nil)
	if r.Status != http.StatusServiceUnavailable || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.CodeOverloaded {
		t.Fatalf("second request: status %d errors %+v, want 503 OVERLOADED", r.Status, r.Errors)
	}
	if got := r.Header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After %q, want 1", got)
	}
	// Health and metrics do not queue behind GraphQL.
	if resp, _ := ts.get(t, server.PathHealth); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz while overloaded: %d", resp.StatusCode)
	}
	if _, body := ts.get(t, server.PathMetrics); !strings.Contains(body, "failgraph_graphql_requests_in_flight 1") {
		t.Errorf("metrics lack the request in flight:\n%s", grepLines(body, "in_flight"))
	}

	close(gate.release)
	if r := <-first; r.Status != http.StatusOK || len(r.Errors) != 0 {
		t.Fatalf("first request: status %d errors %+v", r.Status, r.Errors)
	}
	ts.mustData(t, normalQuery, nil)
}

func TestARequestWaitsBrieflyForASlot(t *testing.T) {
	gate := gateStore{Store: shippedStore(t), entered: make(chan struct{}, 10), release: make(chan struct{})}
	cfg := server.DefaultConfig()
	cfg.MaxInFlight = 1
	cfg.QueueWait = time.Minute
	ts := newTestServer(t, cfg, gate)

	first := make(chan gqlResponse)
	go func() { first <- ts.post(t, `{ stats { nodes } }`, nil) }()
	<-gate.entered
	second := make(chan gqlResponse)
	go func() { second <- ts.post(t, `{ stats { edges } }`, nil) }()
	close(gate.release)
	for _, ch := range []chan gqlResponse{first, second} {
		if r := <-ch; r.Status != http.StatusOK || len(r.Errors) != 0 {
			t.Errorf("status %d errors %+v", r.Status, r.Errors)
		}
	}
}

// stuckStore never answers List: it waits for its context to end, as a store blocked on a
// slow backend does.
type stuckStore struct{ kg.Store }

func (stuckStore) List(ctx context.Context, _ kg.Filter) ([]*kg.Node, error) {
	<-ctx.Done()
	return nil, kg.CtxErr(ctx)
}

func TestTimeoutCancelsStoreWork(t *testing.T) {
	for _, tt := range []struct {
		name    string
		timeout time.Duration
		query   string
	}{
		{"the store waits for its context", 30 * time.Millisecond, `{ assets { id } }`},
		{"time runs out before execution", time.Nanosecond, `{ stats { nodes } }`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := server.DefaultConfig()
			cfg.Timeout = tt.timeout
			ts := newTestServer(t, cfg, stuckStore{shippedStore(t)})
			r := ts.post(t, tt.query, nil)
			if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != graph.CodeTimeout {
				t.Fatalf("status %d errors %+v, want TIMEOUT", r.Status, r.Errors)
			}
			if r.Errors[0].Extensions["requestId"] != r.Header.Get(server.HeaderRequestID) {
				t.Errorf("requestId %v, header %q", r.Errors[0].Extensions["requestId"], r.Header.Get(server.HeaderRequestID))
			}
			assertKnownCodes(t, r)
		})
	}
}

// enteringStore is a stuckStore that says when List starts waiting.
type enteringStore struct {
	stuckStore
	entered chan struct{}
}

func (s enteringStore) List(ctx context.Context, f kg.Filter) ([]*kg.Node, error) {
	close(s.entered)
	return s.stuckStore.List(ctx, f)
}

// TestClientThatLeavesIsCancelledNotTimeout closes the connection of a client while its request
// waits on the store: the store work ends, and the request's outcome in the log line and the
// metrics is CANCELLED, not TIMEOUT (the server was not too slow; the client went away).
func TestClientThatLeavesIsCancelledNotTimeout(t *testing.T) {
	store := enteringStore{stuckStore{shippedStore(t)}, make(chan struct{})}
	ts := newTestServer(t, server.DefaultConfig(), store)
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL+server.PathGraphQL,
		strings.NewReader(`{"query": "query Leaving { assets { id } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	done := make(chan error, 1)
	go func() {
		resp, err := ts.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-store.entered
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the request finished although its client left")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(ts.log.String(), "operation=Leaving") {
		if time.Now().After(deadline) {
			t.Fatalf("no request line for the cancelled request:\n%s", ts.log.String())
		}
		time.Sleep(5 * time.Millisecond) // polling for the server's log line, not synchronising
	}
	line := grepLines(ts.log.String(), "operation=Leaving")
	if !strings.Contains(line, `codes=CANCELLED`) || strings.Contains(line, "TIMEOUT") {
		t.Errorf("request line of a client that left: %s", line)
	}
	_, body := ts.get(t, server.PathMetrics)
	if !strings.Contains(body, `failgraph_graphql_errors_total{code="CANCELLED",operation="Leaving"} 1`) || strings.Contains(body, `code="TIMEOUT"`) {
		t.Errorf("metrics of a client that left:\n%s", grepLines(body, "errors_total"))
	}
}

func TestMetrics(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), shippedStore(t))
	other := newTestServer(t, server.DefaultConfig(), shippedStore(t)) // its own registry

	ts.mustData(t, normalQuery, nil)
	ts.mustData(t, `{ stats { nodes } }`, nil)
	deep := hostile{query: `query Deep ` + strings.TrimPrefix(nest(12), "query"), accept: server.MediaTypeGraphQLResponse}
	if r := deep.send(t, ts); r.Status != http.StatusBadRequest {
		t.Fatalf("a deep query for %s: status %d", server.MediaTypeGraphQLResponse, r.Status)
	}
	ts.postRaw(t, "application/json", []byte(`{"query": "`+strings.Repeat("x", 2<<20)+`"}`))
	ts.post(t, `query Missing { legalExposure(failureMode: "nope") { items { question } } }`, nil)

	resp, body := ts.get(t, server.PathMetrics)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d", resp.StatusCode)
	}
	for _, want := range []string{
		`failgraph_graphql_requests_total{operation="Normal"} 1`,
		`failgraph_graphql_requests_total{operation="anonymous"} 1`,
		`failgraph_graphql_requests_total{operation="none"} 2`,
		`failgraph_graphql_errors_total{code="QUERY_TOO_DEEP",operation="none"} 1`,
		`failgraph_graphql_errors_total{code="PAYLOAD_TOO_LARGE",operation="none"} 1`,
		`failgraph_graphql_errors_total{code="NOT_FOUND",operation="Missing"} 1`,
		`failgraph_graphql_request_duration_seconds_count{operation="Normal"} 1`,
		`failgraph_http_requests_total{handler="graphql",status="413"} 1`,
		`failgraph_http_requests_total{handler="graphql",status="400"} 1`,
		`failgraph_http_request_duration_seconds_bucket{handler="graphql",le="+Inf"} 5`,
		`failgraph_http_requests_in_flight 1`,
		`failgraph_graphql_requests_in_flight 0`,
		`failgraph_graphql_operation_cost_count 3`,
		`failgraph_store_calls_total{code="OK",method="Stats"} 2`,
		`failgraph_store_call_duration_seconds_count{method="Stats"} 2`,
		`go_goroutines `,
		`process_resident_memory_bytes `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if !regexp.MustCompile(`failgraph_store_calls_total\{code="OK",method="(Nodes|Adjacent|Expand)"\} [1-9]`).MatchString(body) {
		t.Errorf("metrics count no batched store calls:\n%s", grepLines(body, "store_calls"))
	}
	if _, body := other.get(t, server.PathMetrics); strings.Contains(body, `operation="Normal"`) {
		t.Errorf("a second server shares the first one's metrics")
	}

	cfg := server.DefaultConfig()
	cfg.Metrics = false
	if resp, _ := newTestServer(t, cfg, shippedStore(t)).get(t, server.PathMetrics); resp.StatusCode != http.StatusNotFound {
		t.Errorf("metrics off: GET /metrics answered %d", resp.StatusCode)
	}
}

func TestOperationLabelsAreBounded(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), shippedStore(t))
	for i := range 105 {
		ts.mustData(t, fmt.Sprintf(`query Op%d { __typename }`, i), nil)
	}
	ts.mustData(t, `query Op0 { __typename }`, nil)
	_, body := ts.get(t, server.PathMetrics)
	for _, want := range []string{
		`failgraph_graphql_requests_total{operation="Op0"} 2`,
		`failgraph_graphql_requests_total{operation="Op99"} 1`,
		`failgraph_graphql_requests_total{operation="other"} 5`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestOneLogLinePerRequest(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), shippedStore(t))
	ok := ts.post(t, normalQuery, nil)
	deep := ts.post(t, nest(12), nil)
	ts.get(t, server.PathHealth)

	lines := grepLines(ts.log.String(), "msg=request")
	if n := strings.Count(lines, "\n"); n != 3 {
		t.Fatalf("%d request lines, want 3:\n%s", n, ts.log.String())
	}
	for _, tt := range []struct {
		id   string
		want []string
	}{
		{ok.Header.Get(server.HeaderRequestID), []string{"level=INFO", "path=/graphql", "status=200", "operation=Normal", "codes=\"\"", "storeCalls=", "ms="}},
		{deep.Header.Get(server.HeaderRequestID), []string{"status=200", "codes=QUERY_TOO_DEEP", "cost=-1"}},
	} {
		line := grepLines(lines, "requestId="+tt.id)
		for _, w := range tt.want {
			if !strings.Contains(line, w) {
				t.Errorf("log line of %s lacks %q: %s", tt.id, w, line)
			}
		}
	}
	if !strings.Contains(grepLines(lines, "path=/healthz"), "level=DEBUG") {
		t.Errorf("health checks are not logged at debug level:\n%s", lines)
	}
}

func TestPprofOnlyWhenAskedFor(t *testing.T) {
	for _, on := range []bool{false, true} {
		cfg := server.DefaultConfig()
		cfg.Pprof = on
		resp, body := newTestServer(t, cfg, shippedStore(t)).get(t, server.PathPprof)
		if got := resp.StatusCode == http.StatusOK && strings.Contains(body, "goroutine"); got != on {
			t.Errorf("pprof %v: GET %s answered %d", on, server.PathPprof, resp.StatusCode)
		}
	}
}

func TestManyServersInOneProcess(t *testing.T) {
	// Each server owns its registry: building many must not panic on duplicate registration.
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := shippedStore(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			rec := httptest.NewRecorder()
			server.New(server.DefaultConfig(), store, log).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, server.PathMetrics, nil))
			if rec.Code != http.StatusOK {
				t.Errorf("GET /metrics: %d", rec.Code)
			}
		})
	}
	wg.Wait()
}

// grepLines returns the lines of s that contain substr, each ending in a newline.
func grepLines(s, substr string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
