// Package server is failgraph's HTTP front: the GraphQL endpoint (gqlgen with the schema of package
// graph), the GraphiQL page, the health endpoints and the middleware around them — request ids,
// CORS, body limits and per-request loaders.
//
// It is the only package that imports gqlgen's transports and rs/cors. It never reads the
// environment: cmd/failgraph turns flags and FAILGRAPH_* variables into a Config.
package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/failgraph/failgraph/graph"
	"github.com/failgraph/failgraph/graph/loader"
	"github.com/failgraph/failgraph/internal/kg"
)

// Paths served.
const (
	PathGraphQL = "/graphql"
	PathHealth  = "/healthz"
	PathReady   = "/readyz"
)

// Defaults of Config.
const (
	DefaultMaxBodyBytes   = 1 << 20 // 1 MiB
	DefaultQueryCacheSize = 1000
	DefaultAPQCacheSize   = 1000
	readyTimeout          = 2 * time.Second
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
	// BatchWait is how long dataloaders wait to gather keys into one store call (loader.DefaultWait).
	BatchWait time.Duration

	// Hardening goes here (fields, defaults in withDefaults, and wiring in New and graphqlHandler):
	// query depth and complexity limits, per-request timeout, in-flight request cap, metrics and
	// access logs.
}

// DefaultConfig is the configuration of a local development server.
func DefaultConfig() Config {
	return Config{
		Introspection:  true,
		CORSOrigins:    append([]string(nil), DefaultCORSOrigins...),
		MaxBodyBytes:   DefaultMaxBodyBytes,
		QueryCacheSize: DefaultQueryCacheSize,
		APQCacheSize:   DefaultAPQCacheSize,
		BatchWait:      loader.DefaultWait,
	}
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
	if c.BatchWait <= 0 {
		c.BatchWait = loader.DefaultWait
	}
	return c
}

// New returns the whole HTTP front over store. It checks nothing that can fail: validate
// cfg.CORSOrigins with CheckOrigins first.
//
// Middleware, outermost first (each list is where the hardening middleware goes):
//
//	every path: requestID → [access log, metrics] → cors → routes
//	/graphql:   limitBody → [timeout, in-flight cap] → loaders → gqlgen
func New(cfg Config, store kg.Store, log *slog.Logger) http.Handler {
	cfg = cfg.withDefaults()

	gql := chain(graphqlHandler(cfg, store, log),
		limitBody(cfg.MaxBodyBytes),
		loader.Middleware(store, loader.WithWait(cfg.BatchWait)),
	)

	mux := http.NewServeMux()
	mux.Handle(PathGraphQL, gql)
	mux.Handle("GET /{$}", graphiql(PathGraphQL))
	mux.HandleFunc("GET "+PathHealth, healthz)
	mux.Handle("GET "+PathReady, readyz(store, log))

	return chain(mux,
		requestID,
		corsMiddleware(cfg.CORSOrigins),
	)
}

// graphqlHandler is gqlgen's server with failgraph's transports, caches, extensions and error
// presenter.
func graphqlHandler(cfg Config, store kg.Store, log *slog.Logger) http.Handler {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: graph.NewResolver(store)}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](cfg.QueryCacheSize))
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](cfg.APQCacheSize)})
	srv.SetErrorPresenter(graph.ErrorPresenter(log))
	srv.SetRecoverFunc(graph.Recover)
	// Hardening: depth and complexity limits (extension.FixedComplexityLimit), operation timeouts.
	return srv
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

// readyz answers 200 when the store answers a ping, else 503 with the reason.
func readyz(store kg.Store, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := store.Ping(ctx); err != nil {
			log.WarnContext(ctx, "not ready", "requestId", graph.RequestID(ctx), "err", err.Error())
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{
				"status": "unavailable",
				"code":   kg.ErrorCode(err),
				"reason": kg.ErrorMessage(err),
			})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
