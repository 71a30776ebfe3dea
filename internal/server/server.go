// Package server is failgraph's HTTP front: the GraphQL endpoint (gqlgen with the schema of package
// graph), the explorer (web/) and the GraphiQL page, the health endpoints, Prometheus metrics and the middleware around
// them — request ids, one log line per request, CORS, the limits that keep one client from taking
// the server down (operation depth, cost, aliases and size, body size, timeouts, a cap on requests
// in flight) and per-request loaders. docs/OPERATIONS.md documents every limit, code and metric.
//
// It is the only package that imports gqlgen's transports and rs/cors. It never reads the
// environment: cmd/failgraph turns flags and FAILGRAPH_* variables into a Config.
package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/klauspost/compress/gzhttp"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/failgraph/failgraph/graph"
	"github.com/failgraph/failgraph/graph/loader"
	"github.com/failgraph/failgraph/internal/kg"
)

// Paths served.
const (
	PathGraphQL = "/graphql"
	PathHealth  = "/healthz"
	PathReady   = "/readyz"
	PathMetrics = "/metrics"      // when Config.Metrics
	PathPprof   = "/debug/pprof/" // when Config.Pprof
)

// Defaults of Config.
const (
	DefaultMaxBodyBytes    = 1 << 20 // 1 MiB
	DefaultQueryCacheSize  = 1000
	DefaultQueryCacheBytes = 64 << 20 // parsed documents, estimated at docWeight bytes a byte of query
	DefaultAPQCacheSize    = 1000
	DefaultAPQCacheBytes   = 16 << 20 // query text
	DefaultMaxTokens       = 2000     // GraphiQL's introspection query has 172, its examples 55 to 118
	DefaultMaxDepth        = 8
	DefaultMaxComplexity   = 20000
	DefaultMaxAliases      = 30
	DefaultMaxRootFields   = 20
	DefaultTimeout         = 10 * time.Second
	DefaultMaxInFlight     = 64
	DefaultQueueWait       = 100 * time.Millisecond
	readyTimeout           = 2 * time.Second

	// docWeight estimates the bytes of a parsed and validated document per byte of its query:
	// measured at 27 on a query of 1,400 aliased fields.
	docWeight = 32
)

// DefaultCORSOrigins are the origins of local front-end dev servers (Next.js, Vite).
var DefaultCORSOrigins = []string{
	"http://localhost:3000",
	"http://localhost:5173",
	"http://127.0.0.1:3000",
	"http://127.0.0.1:5173",
}

// Config is everything the HTTP front can be told. Zero sizes and durations take the defaults above;
// booleans and lists are taken as given, so a zero Config is closed: no introspection and no
// cross-origin access. Start from DefaultConfig.
type Config struct {
	// Introspection lets clients read the schema (GraphiQL and code generators need it).
	Introspection bool
	// CORSOrigins are the browser origins allowed to call the API, as scheme://host[:port]; the
	// single entry "*" allows any origin, without credentials. Empty: no cross-origin access.
	// CheckOrigins validates them.
	CORSOrigins []string
	// MaxBodyBytes bounds a request body; a larger one gets 413.
	MaxBodyBytes int64
	// QueryCacheSize is how many parsed queries are kept (LRU).
	QueryCacheSize int
	// APQCacheSize is how many automatic persisted queries are kept (LRU).
	APQCacheSize int
	// QueryCacheBytes bounds the memory of the parsed-query cache, estimated at 32 bytes a byte of
	// query text; a query heavier than the whole budget is parsed each time.
	QueryCacheBytes int64
	// APQCacheBytes bounds the query text the persisted-query cache keeps.
	APQCacheBytes int64

	// MaxTokens bounds the GraphQL tokens of a query (QUERY_TOO_COMPLEX).
	MaxTokens int
	// MaxDepth bounds how deep fields nest, fragments expanded (QUERY_TOO_DEEP).
	MaxDepth int
	// MaxComplexity bounds the cost of an operation by the model of graph/complexity.go: lists
	// count by their first, limit, depth or maxLength arguments (QUERY_TOO_COMPLEX).
	MaxComplexity int
	// MaxAliases bounds the aliases of an operation, fragments expanded, and of the whole document
	// (QUERY_TOO_COMPLEX).
	MaxAliases int
	// MaxRootFields bounds the fields at the top of an operation, fragments expanded
	// (QUERY_TOO_COMPLEX).
	MaxRootFields int
	// Timeout bounds the work of one request once admitted; store calls and traversals end with
	// TIMEOUT when it expires.
	Timeout time.Duration
	// MaxInFlight bounds the GraphQL requests served at once; the rest wait up to QueueWait for a
	// slot, then are refused with 503 and OVERLOADED.
	MaxInFlight int
	// QueueWait is how long a request may wait for a slot when MaxInFlight are in flight.
	QueueWait time.Duration

	// Metrics serves Prometheus metrics at /metrics.
	Metrics bool
	// Pprof serves net/http/pprof at /debug/pprof/. Profiles expose internals and cost CPU: keep it
	// off on a public address.
	Pprof bool

	// Drain, when not nil, is how the server shuts down without dropping requests: after
	// Drain.Start it refuses new requests with 503 UNAVAILABLE and lets those in flight finish.
	Drain *Drain
}

// DefaultConfig is the configuration of a local development server.
func DefaultConfig() Config {
	return Config{
		Introspection:  true,
		CORSOrigins:    append([]string(nil), DefaultCORSOrigins...),
		MaxBodyBytes:   DefaultMaxBodyBytes,
		QueryCacheSize: DefaultQueryCacheSize,
		APQCacheSize:   DefaultAPQCacheSize,
		Metrics:        true,
	}.withDefaults()
}

func (c Config) withDefaults() Config {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.QueryCacheSize <= 0 {
		c.QueryCacheSize = DefaultQueryCacheSize
	}
	if c.APQCacheSize <= 0 {
		c.APQCacheSize = DefaultAPQCacheSize
	}
	if c.QueryCacheBytes <= 0 {
		c.QueryCacheBytes = DefaultQueryCacheBytes
	}
	if c.APQCacheBytes <= 0 {
		c.APQCacheBytes = DefaultAPQCacheBytes
	}
	setDefault(&c.MaxTokens, DefaultMaxTokens)
	setDefault(&c.MaxDepth, DefaultMaxDepth)
	setDefault(&c.MaxComplexity, DefaultMaxComplexity)
	setDefault(&c.MaxAliases, DefaultMaxAliases)
	setDefault(&c.MaxRootFields, DefaultMaxRootFields)
	setDefault(&c.MaxInFlight, DefaultMaxInFlight)
	setDefault(&c.Timeout, DefaultTimeout)
	setDefault(&c.QueueWait, DefaultQueueWait)
	return c
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// New returns the whole HTTP front over store. It checks nothing that can fail: validate
// cfg.CORSOrigins with CheckOrigins first.
//
// Each server owns its metrics registry and wraps store in a decorator that counts its calls.
//
// Middleware, outermost first:
//
//	every path: requestID → observe (log line, metrics) → drain (shutdown) → cors →
//	            compress (zstd, gzip) → routes
//	/graphql:   checkRequest → admit (in-flight cap) → limitBody → timeout → loaders →
//	            graphqlOverHTTP (statuses and bodies as the GraphQL-over-HTTP spec asks) → gqlgen
//
// A request waits for a slot before its body is read, so bodies in memory are bounded by
// MaxInFlight × MaxBodyBytes; the timeout starts once the body is in.
func New(cfg Config, store kg.Store, log *slog.Logger) http.Handler {
	cfg = cfg.withDefaults()
	m := newMetrics()
	store = &countingStore{s: store, m: m, health: &storeHealth{log: log}}
	// Warnings (TIMEOUT and UNAVAILABLE errors) are sampled: an outage fails every request.
	quiet := slog.New(newSampler(log.Handler()))

	gql := chain(graphqlHandler(cfg, store, quiet),
		checkRequest,
		admit(cfg.MaxInFlight, cfg.QueueWait, m),
		limitBody(cfg.MaxBodyBytes),
		timeout(cfg.Timeout),
		loader.Middleware(store),
		graphqlOverHTTP,
	)

	mux := http.NewServeMux()
	mux.Handle(PathGraphQL, gql)
	gi := graphiql(PathGraphQL)
	mux.Handle("GET "+PathGraphiQL, gi)
	mux.Handle("GET /{$}", explorerIndex(gi))
	mux.HandleFunc("GET "+pathExplorerFiles+"{name}", explorerFile)
	mux.HandleFunc("GET "+PathHealth, healthz)
	mux.Handle("GET "+PathReady, readyz(store, log))
	mux.Handle("GET "+PathExport+"{format}", chain(exportHandler(store, log),
		admit(cfg.MaxInFlight, cfg.QueueWait, m), timeout(cfg.Timeout)))
	if cfg.Metrics {
		mux.Handle("GET "+PathMetrics, promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
			ErrorLog:            slog.NewLogLogger(log.Handler(), slog.LevelWarn),
			MaxRequestsInFlight: 2,
		}))
	}
	if cfg.Pprof {
		mux.HandleFunc(PathPprof, pprof.Index)
		mux.HandleFunc(PathPprof+"cmdline", pprof.Cmdline)
		mux.HandleFunc(PathPprof+"profile", pprof.Profile)
		mux.HandleFunc(PathPprof+"symbol", pprof.Symbol)
		mux.HandleFunc(PathPprof+"trace", pprof.Trace)
	}

	return chain(mux,
		requestID,
		observe(log, m),
		cfg.Drain.middleware,
		corsMiddleware(cfg.CORSOrigins),
		compress,
	)
}

// compress answers with zstd or gzip (klauspost/compress's gzhttp) when the client accepts them
// and the answer is big enough to gain (gzhttp's default, 1 KiB or more); answers already encoded
// (the vendored GraphiQL assets) pass as they are.
func compress(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper()
	if err != nil {
		panic(err) // the default options are valid
	}
	return wrap(next)
}

// graphqlHandler is gqlgen's server with failgraph's transports, caches, extensions and error
// presenter.
func graphqlHandler(cfg Config, store kg.Store, log *slog.Logger) http.Handler {
	resolver := graph.NewResolver(store)
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: resolver}))
	// Batching by shape: every field reads what its selection asks below it before that resolves.
	srv.AroundFields(resolver.Prefetch)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})

	docs := newBoundedCache(cfg.QueryCacheSize, cfg.QueryCacheBytes,
		func(q string, _ *ast.QueryDocument) int64 { return docWeight * int64(len(q)) })
	srv.SetQueryCache(docs)
	srv.SetParserTokenLimit(cfg.MaxTokens)
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		// The schema stays private: no "Did you mean" naming fields, arguments, types or enum
		// values the client did not already know.
		srv.SetDisableSuggestion(true)
		srv.SetValidationRulesFn(rulesWithoutSuggestions)
	}
	// APQ first: the limits check the query it resolves.
	srv.Use(extension.AutomaticPersistedQuery{Cache: newBoundedCache(cfg.APQCacheSize, cfg.APQCacheBytes,
		func(hash, q string) int64 { return int64(len(hash) + len(q)) })})
	srv.Use(&limits{
		maxTokens:     cfg.MaxTokens,
		maxDepth:      cfg.MaxDepth,
		maxAliases:    cfg.MaxAliases,
		maxRootFields: cfg.MaxRootFields,
		maxComplexity: cfg.MaxComplexity,
		introspection: cfg.Introspection,
		docs:          docs,
	})

	present := graph.ErrorPresenter(log)
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		e := present(ctx, err)
		if code, ok := e.Extensions["code"].(string); ok {
			noteCode(ctx, code)
		}
		return e
	})
	srv.SetRecoverFunc(graph.Recover)

	// gqlgen answers an operation whose context ended before it started with no response at all
	// (the body "null"); answer TIMEOUT (or CANCELLED, when the client went away) instead.
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		markExecuted(ctx)
		h := next(ctx)
		first := true
		return func(ctx context.Context) *graphql.Response {
			resp := h(ctx)
			if resp == nil && first && ctx.Err() != nil {
				err := kg.CtxErr(ctx)
				resp = &graphql.Response{Errors: gqlerror.List{present(ctx, err)}}
				noteCode(ctx, kg.ErrorCode(err))
			}
			first = false
			return resp
		}
	})
	return srv
}

// rulesWithoutSuggestions are gqlparser's validation rules with every rule that suggests names
// swapped for its variant that does not (gqlgen's SetDisableSuggestion swaps two of the five).
func rulesWithoutSuggestions() *rules.Rules {
	r := rules.NewDefaultRules()
	for _, rule := range []core.Rule{
		rules.FieldsOnCorrectTypeRuleWithoutSuggestions,
		rules.KnownArgumentNamesRuleWithoutSuggestions,
		rules.KnownTypeNamesRuleWithoutSuggestions,
		rules.ScalarLeafsRuleWithoutSuggestions,
		rules.ValuesOfCorrectTypeRuleWithoutSuggestions,
	} {
		r.RemoveRule(strings.TrimSuffix(rule.Name, "WithoutSuggestions"))
		r.AddRule(rule.Name, rule.RuleFunc)
	}
	return r
}

// chain wraps h in mws, the first outermost.
func chain(h http.Handler, mws ...func(http.Handler) http.Handler) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

func healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 when the store answers a ping, else 503 with the reason. A ready answer says
// which graph the store holds (kg.Loaded), read at most every loadedTTL: probes come every few
// seconds, and counting a Neo4j graph is not free.
func readyz(store kg.Store, log *slog.Logger) http.Handler {
	var (
		mu     sync.Mutex
		loaded *kg.Loaded // guarded by mu
		read   time.Time  // guarded by mu
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := store.Ping(ctx); err != nil {
			// The store's state changes are logged by storeHealth; a probe every few seconds
			// must not add a line each.
			log.DebugContext(ctx, "not ready", "requestId", graph.RequestID(ctx), "err", err.Error())
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{
				"status": "unavailable",
				"code":   kg.ErrorCode(err),
				"reason": kg.ErrorMessage(err),
			})
			return
		}
		mu.Lock()
		if time.Since(read) > loadedTTL {
			if st, err := store.Stats(context.WithValue(ctx, noHealthKey{}, true)); err == nil {
				loaded, read = st.Loaded, time.Now()
			}
		}
		l := loaded
		mu.Unlock()
		body := map[string]any{"status": "ready"}
		if l != nil {
			body["graph"] = map[string]any{"hash": l.Hash, "nodes": l.Nodes, "edges": l.Edges,
				"loadedAt": l.At.UTC().Format(time.RFC3339), "merged": l.Merged}
		}
		writeJSON(w, http.StatusOK, body)
	})
}

// loadedTTL is how long /readyz reuses what it read of the loaded graph.
const loadedTTL = 10 * time.Second

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
