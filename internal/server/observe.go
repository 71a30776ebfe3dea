package server

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/failgraph/failgraph/graph"
)

// What the server tells operators: one log line per request and Prometheus metrics on a registry
// each server owns (so a test can build many servers). docs/OPERATIONS.md lists every metric.

// Labels the metrics use for operations that have no name of their own.
const (
	opAnonymous = "anonymous" // an operation without a name
	opNone      = "none"      // the request never reached a valid operation (refused before, or not GraphQL)
	opOther     = "other"     // a name past maxOperationLabels, or a long one
	codeOK      = "OK"        // a store call without error

	// maxOperationLabels bounds the operation names the metrics keep apart: names come from
	// clients, and every name is a time series.
	maxOperationLabels = 100
	maxOperationLen    = 64
)

// requestInfo is what the layers of one request learn about it, for its log line and its metrics.
// It travels in the request's context.
type requestInfo struct {
	mu        sync.Mutex
	claimedOp string   // guarded by mu; the operationName the client sent
	op        string   // guarded by mu; the name of the operation gqlgen found ("" anonymous)
	opFound   bool     // guarded by mu
	codes     []string // guarded by mu; distinct error codes in order of first appearance
	cost      int      // guarded by mu; the operation's cost, once measured (-1 before)

	storeCalls atomic.Int64
}

type requestInfoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	ri, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return ri
}

func (ri *requestInfo) setClaimedOperation(name string) {
	ri.mu.Lock()
	ri.claimedOp = name
	ri.mu.Unlock()
}

func (ri *requestInfo) setOperation(name string) {
	ri.mu.Lock()
	ri.op, ri.opFound = name, true
	ri.mu.Unlock()
}

func (ri *requestInfo) setCost(c int) {
	ri.mu.Lock()
	ri.cost = c
	ri.mu.Unlock()
}

func (ri *requestInfo) addCode(code string) {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	for _, c := range ri.codes {
		if c == code {
			return
		}
	}
	ri.codes = append(ri.codes, code)
}

// noteCode records the code of an error the client is sent, when ctx belongs to a request.
func noteCode(ctx context.Context, code string) {
	if ri := infoFrom(ctx); ri != nil {
		ri.addCode(code)
	}
}

// metrics are the server's Prometheus collectors.
type metrics struct {
	reg *prometheus.Registry

	httpRequests *prometheus.CounterVec   // handler, status
	httpDuration *prometheus.HistogramVec // handler
	httpInFlight prometheus.Gauge

	gqlRequests *prometheus.CounterVec   // operation
	gqlErrors   *prometheus.CounterVec   // operation, code
	gqlDuration *prometheus.HistogramVec // operation
	gqlCost     prometheus.Histogram
	gqlAdmitted prometheus.Gauge

	storeCalls    *prometheus.CounterVec   // method, code
	storeDuration *prometheus.HistogramVec // method

	mu  sync.Mutex
	ops map[string]bool // guarded by mu; operation names given their own label
}

func newMetrics() *metrics {
	reg := prometheus.NewRegistry()
	latency := []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	m := &metrics{
		reg: reg,
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "failgraph_http_requests_total",
			Help: "HTTP requests answered, by handler and status code.",
		}, []string{"handler", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "failgraph_http_request_duration_seconds",
			Help:    "Time from the request's arrival to the end of its answer, by handler.",
			Buckets: latency,
		}, []string{"handler"}),
		httpInFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "failgraph_http_requests_in_flight",
			Help: "HTTP requests being served now, on every path.",
		}),
		gqlRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "failgraph_graphql_requests_total",
			Help: "Requests to the GraphQL endpoint, by operation name (anonymous, none before an operation was found, other past the first 100 names).",
		}, []string{"operation"}),
		gqlErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "failgraph_graphql_errors_total",
			Help: "GraphQL requests answered with at least one error of a code, by operation and code (a request with two codes counts once for each).",
		}, []string{"operation", "code"}),
		gqlDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "failgraph_graphql_request_duration_seconds",
			Help:    "Time to answer a GraphQL request, by operation name.",
			Buckets: latency,
		}, []string{"operation"}),
		gqlCost: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "failgraph_graphql_operation_cost",
			Help:    "The cost of each operation measured against the complexity limit (refused ones included).",
			Buckets: prometheus.ExponentialBuckets(10, 4, 9), // 10 .. 655360
		}),
		gqlAdmitted: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "failgraph_graphql_requests_in_flight",
			Help: "GraphQL requests holding one of the slots of the concurrency limit now.",
		}),
		storeCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "failgraph_store_calls_total",
			Help: "Calls of the graph store (round trips, for Neo4j), by method and result code (OK or an error code).",
		}, []string{"method", "code"}),
		storeDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "failgraph_store_call_duration_seconds",
			Help:    "Duration of graph store calls, by method.",
			Buckets: []float64{.00001, .0001, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}, []string{"method"}),
		ops: map[string]bool{},
	}
	reg.MustRegister(m.httpRequests, m.httpDuration, m.httpInFlight, m.gqlRequests, m.gqlErrors,
		m.gqlDuration, m.gqlCost, m.gqlAdmitted, m.storeCalls, m.storeDuration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// opLabel returns the label of an operation name: the name itself for the first
// maxOperationLabels names seen, opOther after.
func (m *metrics) opLabel(name string, found bool) string {
	switch {
	case !found:
		return opNone
	case name == "":
		return opAnonymous
	case len(name) > maxOperationLen:
		return opOther
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ops[name] {
		return name
	}
	if len(m.ops) >= maxOperationLabels {
		return opOther
	}
	m.ops[name] = true
	return name
}

// handlerLabel names the route of a path for the metrics.
func handlerLabel(path string) string {
	switch {
	case path == PathGraphQL:
		return "graphql"
	case path == PathExplorer || strings.HasPrefix(path, pathExplorerFiles):
		return "explorer"
	case path == PathGraphiQL:
		return "graphiql"
	case path == PathHealth:
		return "healthz"
	case path == PathReady:
		return "readyz"
	case path == PathMetrics:
		return "metrics"
	case strings.HasPrefix(path, PathPprof):
		return "pprof"
	case strings.HasPrefix(path, PathExport):
		return "export"
	}
	return "other"
}

// statusWriter records the status and size of an answer.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe writes one log line per request and records its metrics. It runs inside requestID, so
// the line carries the request id.
func observe(log *slog.Logger, m *metrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ri := &requestInfo{cost: -1}
			sw := &statusWriter{ResponseWriter: w}
			m.httpInFlight.Inc()
			defer m.httpInFlight.Dec()
			defer func() {
				// A panic that escaped every handler is answered by net/http; count and log it first.
				if v := recover(); v != nil {
					if sw.status == 0 {
						sw.status = http.StatusInternalServerError
					}
					ri.addCode(graph.CodeInternal)
					record(log, m, r, ri, sw, time.Since(start))
					panic(v)
				}
				record(log, m, r, ri, sw, time.Since(start))
			}()
			next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, ri)))
		})
	}
}

// record writes the request's log line and metrics.
func record(log *slog.Logger, m *metrics, r *http.Request, ri *requestInfo, sw *statusWriter, d time.Duration) {
	status := sw.status
	if status == 0 {
		status = http.StatusOK // nothing written: net/http answers 200 with an empty body
	}
	handler := handlerLabel(r.URL.Path)
	m.httpRequests.WithLabelValues(handler, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(handler).Observe(d.Seconds())

	ri.mu.Lock()
	op, found, claimed, cost := ri.op, ri.opFound, ri.claimedOp, ri.cost
	codes := append([]string(nil), ri.codes...)
	ri.mu.Unlock()

	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Float64("ms", float64(d.Microseconds())/1000),
		slog.String("requestId", graph.RequestID(r.Context())),
	}
	if handler == "graphql" {
		label := m.opLabel(op, found)
		m.gqlRequests.WithLabelValues(label).Inc()
		m.gqlDuration.WithLabelValues(label).Observe(d.Seconds())
		for _, c := range codes {
			if !graph.KnownCode(c) {
				c = graph.CodeInternal // cannot happen: the presenter gives only known codes
			}
			m.gqlErrors.WithLabelValues(label, c).Inc()
		}
		if cost >= 0 {
			m.gqlCost.Observe(float64(cost))
		}
		name := op
		if !found {
			name = claimed
		}
		if len(name) > maxOperationLen {
			name = name[:maxOperationLen] + "…"
		}
		attrs = append(attrs,
			slog.String("operation", name),
			slog.String("codes", strings.Join(codes, ",")),
			slog.Int("cost", cost),
			slog.Int64("storeCalls", ri.storeCalls.Load()),
		)
	}
	attrs = append(attrs, slog.Int64("bytes", sw.bytes))

	level := slog.LevelInfo
	switch {
	case status >= 500 && status != http.StatusServiceUnavailable:
		level = slog.LevelError
	case status >= 500:
		level = slog.LevelWarn
	case handler == "healthz" || handler == "readyz" || handler == "metrics":
		level = slog.LevelDebug // probes and scrapes would drown the rest
	}
	log.LogAttrs(r.Context(), level, "request", attrs...)
}
