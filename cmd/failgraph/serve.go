package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/neo4jstore"
	"github.com/failgraph/failgraph/internal/server"
	"github.com/failgraph/failgraph/internal/synth"
	"github.com/failgraph/failgraph/seed"
)

// serveSettings is every setting of serve, in the order --help lists them, the Neo4j connection
// last (neo4j.go). To add one: add it here, read it in parseServeConfig, and pass it on.
var serveSettings = append([]setting{
	{flag: "addr", env: "FAILGRAPH_ADDR", def: "127.0.0.1:8080",
		help: "address to listen on, host:port (port 0 picks a free port)"},
	{flag: "store", env: "FAILGRAPH_STORE", def: "memory",
		help: "where the graph lives: memory (the seed, in this process) or neo4j"},
	{flag: "seed-dir", env: "FAILGRAPH_SEED_DIR", def: "",
		help: "with --store memory, serve the seed files of this directory instead of the seed embedded in the binary"},
	{flag: "synth", env: "FAILGRAPH_SYNTH", def: "0",
		help: fmt.Sprintf("with --store memory, serve the synthetic graph of this many nodes (%d to 10000000) that failgraph synth --nodes makes, generated in this process instead of decoded from seed files; 0: off", synth.MinNodes)},
	atlasSetting,
	{flag: "cors-origins", env: "FAILGRAPH_CORS_ORIGINS", def: strings.Join(server.DefaultCORSOrigins, ","),
		help: "browser origins allowed to call the API, comma-separated scheme://host[:port]; * allows any origin (never with credentials); an empty --cors-origins= allows none"},
	{flag: "introspection", env: "FAILGRAPH_INTROSPECTION", def: "true", boolean: true,
		help: "let clients read the schema (GraphiQL needs it): true or false"},
	{flag: "max-body-bytes", env: "FAILGRAPH_MAX_BODY_BYTES", def: strconv.Itoa(server.DefaultMaxBodyBytes),
		help: "largest request body accepted, in bytes; larger gets 413"},
	{flag: "max-tokens", env: "FAILGRAPH_MAX_TOKENS", def: strconv.Itoa(server.DefaultMaxTokens),
		help: "most GraphQL tokens in a query; more gets QUERY_TOO_COMPLEX"},
	{flag: "max-depth", env: "FAILGRAPH_MAX_DEPTH", def: strconv.Itoa(server.DefaultMaxDepth),
		help: "deepest nesting of fields, fragments expanded; deeper gets QUERY_TOO_DEEP"},
	{flag: "max-complexity", env: "FAILGRAPH_MAX_COMPLEXITY", def: strconv.Itoa(server.DefaultMaxComplexity),
		help: "highest cost of an operation, lists counted by first/limit/depth/maxLength (docs/OPERATIONS.md); more gets QUERY_TOO_COMPLEX"},
	{flag: "max-aliases", env: "FAILGRAPH_MAX_ALIASES", def: strconv.Itoa(server.DefaultMaxAliases),
		help: "most aliases in an operation, fragments expanded; more gets QUERY_TOO_COMPLEX"},
	{flag: "max-root-fields", env: "FAILGRAPH_MAX_ROOT_FIELDS", def: strconv.Itoa(server.DefaultMaxRootFields),
		help: "most fields at the top of an operation, fragments expanded; more gets QUERY_TOO_COMPLEX"},
	{flag: "request-timeout", env: "FAILGRAPH_REQUEST_TIMEOUT", def: server.DefaultTimeout.String(),
		help: "how long one GraphQL request may work once admitted; store work is cancelled and the answer is TIMEOUT"},
	{flag: "max-in-flight", env: "FAILGRAPH_MAX_IN_FLIGHT", def: strconv.Itoa(server.DefaultMaxInFlight),
		help: "most GraphQL requests served at once; others wait up to --queue-wait, then get 503 OVERLOADED"},
	{flag: "queue-wait", env: "FAILGRAPH_QUEUE_WAIT", def: server.DefaultQueueWait.String(),
		help: "how long a request may wait for one of the --max-in-flight slots"},
	{flag: "query-cache-size", env: "FAILGRAPH_QUERY_CACHE_SIZE", def: strconv.Itoa(server.DefaultQueryCacheSize),
		help: "parsed queries kept (LRU)"},
	{flag: "query-cache-bytes", env: "FAILGRAPH_QUERY_CACHE_BYTES", def: strconv.Itoa(server.DefaultQueryCacheBytes),
		help: "memory the parsed queries may take, estimated at 32 bytes a byte of query"},
	{flag: "apq-cache-size", env: "FAILGRAPH_APQ_CACHE_SIZE", def: strconv.Itoa(server.DefaultAPQCacheSize),
		help: "automatic persisted queries kept (LRU)"},
	{flag: "apq-cache-bytes", env: "FAILGRAPH_APQ_CACHE_BYTES", def: strconv.Itoa(server.DefaultAPQCacheBytes),
		help: "query text the automatic persisted queries may take, in bytes"},
	{flag: "metrics", env: "FAILGRAPH_METRICS", def: "true", boolean: true,
		help: "serve Prometheus metrics at /metrics: true or false"},
	{flag: "pprof", env: "FAILGRAPH_PPROF", def: "false", boolean: true,
		help: "serve net/http/pprof at /debug/pprof/ (never on a public address): true or false"},
	{flag: "shutdown-timeout", env: "FAILGRAPH_SHUTDOWN_TIMEOUT", def: "10s",
		help: "on SIGINT or SIGTERM, how long in-flight requests may take to finish"},
	{flag: "log-format", env: "FAILGRAPH_LOG_FORMAT", def: "text",
		help: "log format: text or json"},
	{flag: "log-level", env: "FAILGRAPH_LOG_LEVEL", def: "info",
		help: "least severe level logged: debug, info, warn or error"},
}, neo4jSettings...)

const serveUsageHead = `Usage: failgraph serve [flags]

Serves the GraphQL API at /graphql, GraphiQL at /, liveness at /healthz, readiness at /readyz and
Prometheus metrics at /metrics. docs/OPERATIONS.md explains every limit, error code and metric.
Stops on SIGINT or SIGTERM: refuses new requests (503 UNAVAILABLE, "shutting down"), lets those in
flight finish within --shutdown-timeout.

Every flag can also be set with its environment variable; a flag wins over the variable.

`

// settingsTable lists serve's settings with their variables and defaults.
func settingsTable(w io.Writer) { writeSettings(w, serveSettings) }

// serveConfig is serve's validated configuration.
type serveConfig struct {
	Addr            string
	Store           string
	SeedDir         string
	Synth           int
	Atlas           string // an ATLAS.yaml to load beside the seed (memory store)
	ShutdownTimeout time.Duration
	LogFormat       string
	LogLevel        slog.Level
	Server          server.Config
	Neo4j           neo4jstore.Config // --store neo4j
}

// parseServeConfig reads flags, then the environment, then defaults, and validates every value.
// Errors name the flag or variable the bad value came from.
func parseServeConfig(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	get, err := parseSettings("serve", serveSettings, args, getenv, stderr, serveUsageHead)
	if err != nil {
		return serveConfig{}, err
	}

	var c serveConfig
	var src string

	c.Addr, src = get("addr")
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		return c, fmt.Errorf("%s: %q is not host:port", src, c.Addr)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return c, fmt.Errorf("%s: %q has no valid port (want 0 to 65535)", src, c.Addr)
	}

	c.Store, src = get("store")
	if c.Store != storeMemory && c.Store != storeNeo4j {
		return c, fmt.Errorf("%s: unknown store %q (want %s or %s)", src, c.Store, storeMemory, storeNeo4j)
	}
	if c.Store == storeNeo4j {
		n4j, err := neo4jConfig(get, getenv)
		if err != nil {
			return c, err
		}
		c.Neo4j = n4j
	}

	c.SeedDir, _ = get("seed-dir")
	sv, src := get("synth")
	if c.Synth, err = strconv.Atoi(sv); err != nil || (c.Synth != 0 && (c.Synth < synth.MinNodes || c.Synth > 10_000_000)) {
		return c, fmt.Errorf("%s: want 0 or a number of nodes from %d to 10000000, got %q", src, synth.MinNodes, sv)
	}
	if c.Synth != 0 && (c.SeedDir != "" || c.Store != storeMemory) {
		return c, fmt.Errorf("%s: --synth makes the graph of --store memory; it cannot go with --seed-dir or --store neo4j", src)
	}
	c.Atlas, src = get("atlas")
	if c.Atlas != "" && c.Store == storeNeo4j {
		return c, fmt.Errorf("%s: serve --store neo4j serves what the database holds; load ATLAS into it with failgraph seed --atlas", src)
	}

	c.Server = server.DefaultConfig()
	origins, src := get("cors-origins")
	c.Server.CORSOrigins = splitList(origins)
	if err := server.CheckOrigins(c.Server.CORSOrigins); err != nil {
		return c, fmt.Errorf("%s: %v", src, err)
	}

	v, src := get("introspection")
	intro, err := strconv.ParseBool(v)
	if err != nil {
		return c, fmt.Errorf("%s: want true or false, got %q", src, v)
	}
	c.Server.Introspection = intro

	v, src = get("max-body-bytes")
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return c, fmt.Errorf("%s: want a positive number of bytes, got %q", src, v)
	}
	c.Server.MaxBodyBytes = n

	for _, l := range []struct {
		name string
		dst  *int
	}{
		{"max-tokens", &c.Server.MaxTokens}, {"max-depth", &c.Server.MaxDepth},
		{"max-complexity", &c.Server.MaxComplexity}, {"max-aliases", &c.Server.MaxAliases},
		{"max-root-fields", &c.Server.MaxRootFields}, {"max-in-flight", &c.Server.MaxInFlight},
		{"query-cache-size", &c.Server.QueryCacheSize}, {"apq-cache-size", &c.Server.APQCacheSize},
	} {
		v, src := get(l.name)
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("%s: want a positive whole number, got %q", src, v)
		}
		*l.dst = n
	}
	for _, l := range []struct {
		name string
		dst  *int64
	}{{"query-cache-bytes", &c.Server.QueryCacheBytes}, {"apq-cache-bytes", &c.Server.APQCacheBytes}} {
		v, src := get(l.name)
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return c, fmt.Errorf("%s: want a positive number of bytes, got %q", src, v)
		}
		*l.dst = n
	}
	for _, l := range []struct {
		name string
		dst  *time.Duration
	}{{"request-timeout", &c.Server.Timeout}, {"queue-wait", &c.Server.QueueWait}} {
		v, src := get(l.name)
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("%s: want a positive duration such as 10s, got %q", src, v)
		}
		*l.dst = d
	}
	for _, l := range []struct {
		name string
		dst  *bool
	}{{"metrics", &c.Server.Metrics}, {"pprof", &c.Server.Pprof}} {
		v, src := get(l.name)
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("%s: want true or false, got %q", src, v)
		}
		*l.dst = b
	}

	v, src = get("shutdown-timeout")
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return c, fmt.Errorf("%s: want a duration such as 10s, got %q", src, v)
	}
	c.ShutdownTimeout = d

	c.LogFormat, src = get("log-format")
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("%s: unknown log format %q (want text or json)", src, c.LogFormat)
	}

	v, src = get("log-level")
	if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
		return c, fmt.Errorf("%s: unknown log level %q (want debug, info, warn or error)", src, v)
	}
	return c, nil
}

// writeTimeout is how long a connection may take to answer: a request's queue wait and work plus a
// margin, and a minute when pprof may record a 30-second profile.
func writeTimeout(c server.Config) time.Duration {
	d := c.QueueWait + c.Timeout + 10*time.Second
	if c.Pprof {
		d = max(d, time.Minute)
	}
	return d
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func newLogger(c serveConfig, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// synthGraph makes the synthetic graph of failgraph synth --nodes n and checks it as a store does.
func synthGraph(n int) (*kg.Graph, error) {
	template, err := seed.Load()
	if err != nil {
		return nil, fmt.Errorf("the embedded seed, whose mix synth copies: %w", err)
	}
	g, err := synth.Generate(n, synth.MixOf(template))
	if err != nil {
		return nil, err
	}
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("the synthetic graph of %d nodes: %w", n, err)
	}
	return g, nil
}

// loadSeed loads the seed directory, or the embedded seed, printing every problem with its file and
// line to stderr.
func loadSeed(dir string, stderr io.Writer) (*kg.Graph, error) {
	var (
		g    *kg.Graph
		err  error
		from = "embedded seed"
	)
	if dir != "" {
		from = dir
		g, err = seed.LoadDir(dir)
	} else {
		g, err = seed.Load()
	}
	var se *seed.Error
	if errors.As(err, &se) {
		for _, p := range se.Problems {
			if p.File != "" && dir != "" {
				p.File = dir + "/" + p.File
			}
			fmt.Fprintln(stderr, p.String())
		}
		return nil, fmt.Errorf("%s: %d problem(s); not serving a broken seed", from, len(se.Problems))
	}
	return g, err
}

// drainSettle is the least time a draining server keeps its listener and connections open, and the
// quiet (no request at all) it waits for before closing them, so that clients between two requests
// send their next one and get the refusal (with Connection: close) rather than a connection closed
// or reset under them.
const drainSettle = 250 * time.Millisecond

// drainServer refuses new requests and waits, within ctx, until those in flight are done and
// drainSettle has passed; the caller then closes the listener and idle connections.
func drainServer(ctx context.Context, d *server.Drain, log *slog.Logger, timeout time.Duration) error {
	start := time.Now()
	d.Start()
	log.Info("shutting down: refusing new requests, letting those in flight finish", "inFlight", d.InFlight(), "timeout", timeout.String())
	settle := time.NewTimer(drainSettle)
	defer settle.Stop()
	select {
	case <-settle.C:
	case <-ctx.Done():
	}
	if err := d.Wait(ctx); err != nil {
		return fmt.Errorf("shutting down: %d requests still in flight after %v were cut off", d.InFlight(), timeout)
	}
	// A client whose last answer just came (with Connection: close) may be dialling again: close
	// the listener only after drainSettle without a request, so that its connection is refused
	// cleanly rather than reset from the accept queue.
	for {
		quiet := time.Since(d.LastRequest())
		if quiet >= drainSettle {
			break
		}
		t := time.NewTimer(drainSettle - quiet)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil
		}
	}
	log.Info("drained", "after", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// runServe serves until ctx ends, then drains in-flight requests for up to the shutdown timeout.
// It prints "listening on http://HOST:PORT" to stdout once the port is open.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := parseServeConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, serveUsageHead)
		settingsTable(stdout)
		return nil
	}
	if err != nil {
		return err
	}
	log := newLogger(c, stderr)

	var g *kg.Graph // the graph to serve from memory; Neo4j serves what `failgraph seed` loaded
	if c.Store == storeMemory {
		if c.Synth > 0 {
			if g, err = synthGraph(c.Synth); err != nil {
				return err
			}
		} else if g, err = loadSeed(c.SeedDir, stderr); err != nil {
			return err
		}
	}
	if g, err = withAtlas(c.Atlas, g, stderr); err != nil {
		return err
	}
	store, err := openStore(ctx, storeConfig{Kind: c.Store, Seed: g, Neo4j: c.Neo4j}, log)
	if err != nil {
		return fmt.Errorf("opening the %s store: %w", c.Store, err)
	}
	defer store.Close()

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", c.Addr, err)
	}
	drain := server.NewDrain()
	c.Server.Drain = drain
	srv := &http.Server{
		Handler:           server.New(c.Server, store, log),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// A client has 30 s to send its body and the answer as long as a request may wait and
		// work, plus a margin; a GET's query string is bounded like a POST's body.
		ReadTimeout:    30 * time.Second,
		WriteTimeout:   writeTimeout(c.Server),
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: int(min(c.Server.MaxBodyBytes, 1<<20)) + 8<<10,
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "listening on %s\n", url)
	log.Info("serving", "graphql", url+server.PathGraphQL, "graphiql", url+"/", "store", c.Store,
		"introspection", c.Server.Introspection, "corsOrigins", strings.Join(c.Server.CORSOrigins, ","))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// The store connects while the server listens: /healthz answers at once, /readyz says why the
	// store is not ready until it is. A setting that cannot work stops serve.
	cctx, stopConnect := context.WithCancel(ctx)
	defer stopConnect()
	failed := make(chan error, 1)
	if store.Connect != nil {
		go func() {
			if err := store.Connect(cctx); err != nil {
				failed <- err
			}
		}()
	}

	var stopErr error
	select {
	case err := <-served:
		return fmt.Errorf("serving: %w", err)
	case err := <-failed:
		stopErr = fmt.Errorf("opening the %s store: %w", c.Store, err)
		log.Error("cannot serve", "store", c.Store, "err", err.Error())
	case <-ctx.Done():
	}
	stopConnect()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.ShutdownTimeout)
	defer cancel()
	if err := drainServer(sctx, drain, log, c.ShutdownTimeout); err != nil {
		_ = srv.Close()
		return errors.Join(stopErr, err)
	}
	if err := srv.Shutdown(sctx); err != nil {
		return errors.Join(stopErr, fmt.Errorf("shutting down: %w (in-flight requests were cut off)", err))
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return errors.Join(stopErr, fmt.Errorf("serving: %w", err))
	}
	if stopErr != nil {
		return stopErr
	}
	log.Info("stopped")
	return nil
}
