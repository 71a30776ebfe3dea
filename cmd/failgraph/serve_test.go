package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/failgraph/failgraph/internal/neo4jstore"
)

var minimalSeed = filepath.Join("..", "..", "seed", "testdata", "minimal")

// serveEnv returns a getenv over a fixed environment.
func serveEnv(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestServeRefusesBadSettingsNamingThem(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"unknown store from the environment", nil, []string{"FAILGRAPH_STORE", "foo"},
			`FAILGRAPH_STORE: unknown store "foo" (want memory or neo4j)`},
		{"the flag wins over the environment", []string{"--store", "bar"}, []string{"FAILGRAPH_STORE", "memory"},
			`--store: unknown store "bar" (want memory or neo4j)`},
		{"address without a port", nil, []string{"FAILGRAPH_ADDR", "localhost"}, `FAILGRAPH_ADDR: "localhost" is not host:port`},
		{"address with a bad port", []string{"--addr", "127.0.0.1:99999"}, nil, `--addr: "127.0.0.1:99999" has no valid port`},
		{"an origin with a path", nil, []string{"FAILGRAPH_CORS_ORIGINS", "https://ok.example,https://bad.example/app"},
			`FAILGRAPH_CORS_ORIGINS: "https://bad.example/app" is not an origin`},
		{"* mixed with origins", []string{"--cors-origins", "*,http://localhost:3000"}, nil,
			`--cors-origins: "*" allows every origin and cannot be combined with others`},
		{"introspection not a boolean", nil, []string{"FAILGRAPH_INTROSPECTION", "maybe"},
			`FAILGRAPH_INTROSPECTION: want true or false, got "maybe"`},
		{"body limit not a number", []string{"--max-body-bytes", "1MB"}, nil,
			`--max-body-bytes: want a positive number of bytes, got "1MB"`},
		{"shutdown timeout not a duration", nil, []string{"FAILGRAPH_SHUTDOWN_TIMEOUT", "soon"},
			`FAILGRAPH_SHUTDOWN_TIMEOUT: want a duration such as 10s, got "soon"`},
		{"unknown log format", []string{"--log-format", "xml"}, nil, `--log-format: unknown log format "xml" (want text or json)`},
		{"unknown log level", nil, []string{"FAILGRAPH_LOG_LEVEL", "loud"}, `FAILGRAPH_LOG_LEVEL: unknown log level "loud"`},
		{"a neo4j check timeout that is not a duration", []string{"--store", "neo4j", "--neo4j-check-timeout", "1"}, nil,
			`--neo4j-check-timeout: want a positive duration such as 10s, got "1"`},
		{"a bad neo4j uri", nil, []string{"FAILGRAPH_STORE", "neo4j", "FAILGRAPH_NEO4J_URI", "http://127.0.0.1:7474"},
			`FAILGRAPH_NEO4J_URI: "http://127.0.0.1:7474" has scheme "http"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			// An ended context: should a case wrongly start serving, it stops at once and fails.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			err := run(ctx, append([]string{"serve"}, tt.args...), serveEnv(tt.env...), &out, &errb)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
			if strings.Contains(out.String(), "listening") {
				t.Errorf("started listening despite the bad setting")
			}
		})
	}
}

func TestServeRefusesABrokenSeedListingEveryProblem(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(minimalSeed, "graph.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	broken := strings.Replace(string(src), "intent: unintentional", "intent: accidental", 1)
	broken = strings.Replace(broken, "    category: data\n", "    category: data\n    colour: red\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "graph.yaml"), []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	err = run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, serveEnv("FAILGRAPH_SEED_DIR", dir), &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "2 problem(s)") {
		t.Fatalf("err = %v, want 2 problems", err)
	}
	for _, want := range []string{filepath.Join(dir, "graph.yaml") + ":", "intent must be", `unknown field "colour"`} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
}

func TestHelpDocumentsEverySetting(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}} {
		var out, errb bytes.Buffer
		if err := run(context.Background(), args, serveEnv(), &out, &errb); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		for _, s := range serveSettings {
			if !strings.Contains(out.String(), "--"+s.flag) || !strings.Contains(out.String(), s.env) {
				t.Errorf("%v: help lacks --%s or %s", args, s.flag, s.env)
			}
		}
	}
}

// lineWriter hands each line written to it to a channel, so a test can wait for one.
type lineWriter struct {
	w     *io.PipeWriter
	lines chan string
}

func newLineWriter() *lineWriter {
	r, w := io.Pipe()
	lw := &lineWriter{w: w, lines: make(chan string, 16)}
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lw.lines <- sc.Text()
		}
		close(lw.lines)
	}()
	return lw
}

func (lw *lineWriter) Write(p []byte) (int, error) { return lw.w.Write(p) }

// startServe runs `failgraph` with args in the background until ctx ends, waits until it prints
// the address it listens on, and returns that base URL and the channel run's result arrives on.
// stderr receives the server's logs.
func startServe(t *testing.T, ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) (string, <-chan error) {
	t.Helper()
	stdout := newLineWriter()
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, getenv, stdout, stderr) }()
	select {
	case line := <-stdout.lines:
		base := strings.TrimPrefix(line, "listening on ")
		if base == line {
			t.Fatalf("first line %q, want the listening address", line)
		}
		return base, done
	case err := <-done:
		t.Fatalf("serve returned before listening: %v\n%s", err, stderr)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start listening")
	}
	return "", nil
}

func TestServeAnswersThenShutsDownOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	base, done := startServe(t, ctx, []string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"},
		serveEnv("FAILGRAPH_SEED_DIR", minimalSeed, "FAILGRAPH_SHUTDOWN_TIMEOUT", "5s"), &stderr)

	resp, err := http.Post(base+"/graphql", "application/json",
		strings.NewReader(`{"query": "{ failureMode(id: \"poisoning\") { name mitigations { id } } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Data struct {
			FailureMode struct {
				Name        string
				Mitigations []struct{ ID string }
			}
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if body.Data.FailureMode.Name != "Poisoning attack" || len(body.Data.FailureMode.Mitigations) != 1 {
		t.Errorf("answer %+v", body.Data)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}
	if !strings.Contains(stderr.String(), `"msg":"stopped"`) {
		t.Errorf("no json log of the stop:\n%s", stderr.String())
	}
}

// TestServeDrainsOnShutdown shuts serve down under load from clients on keep-alive connections:
// every request gets an answer — the ones in flight their data, the ones after the signal a 503
// UNAVAILABLE that says the server is shutting down — or finds the port closed; none has its
// connection closed under it.
func TestServeDrainsOnShutdown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, done := startServe(t, ctx, []string{"serve", "--addr", "127.0.0.1:0", "--shutdown-timeout", "20s"},
		serveEnv(), io.Discard)

	// A query of milliseconds on the embedded seed, so that requests are in flight when
	// the signal comes.
	const query = `{"query": "{ failureModes { id mitigations { id references { id } } } }"}`
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}

	type outcome struct{ ok, refused, portClosed, dropped int }
	results := make(chan outcome)
	answered := make(chan struct{}, 1000)
	for range 8 {
		go func() {
			var o outcome
			defer func() { results <- o }()
			for {
				resp, err := client.Post(base+"/graphql", "application/json", strings.NewReader(query))
				var op *net.OpError
				if err != nil {
					// A failed dial sent nothing: the port is closed (refused, or reset from the
					// accept queue as the listener closed). Anything else lost a request.
					if errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &op) && op.Op == "dial") {
						o.portClosed++
					} else {
						t.Logf("dropped: %v", err)
						o.dropped++
					}
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				switch {
				case err != nil:
					t.Logf("dropped while reading the answer: %v", err)
					o.dropped++
					return
				case resp.StatusCode == http.StatusOK && bytes.Contains(body, []byte(`"failureModes":[{`)):
					o.ok++
					select {
					case answered <- struct{}{}:
					default:
					}
				case resp.StatusCode == http.StatusServiceUnavailable && bytes.Contains(body, []byte(`"code":"UNAVAILABLE"`)) &&
					bytes.Contains(body, []byte("shutting down")) && resp.Close: // Connection: close
					o.refused++
					return // a client told the server is going away goes elsewhere
				default:
					t.Errorf("unexpected answer %d %v: %.200s", resp.StatusCode, resp.Header, body)
					return
				}
			}
		}()
	}
	for range 16 { // the clients are busy: shut down in the middle of their requests
		<-answered
	}
	cancel()
	var total outcome
	for range 8 {
		o := <-results
		total.ok += o.ok
		total.refused += o.refused
		total.portClosed += o.portClosed
		total.dropped += o.dropped
	}
	t.Logf("answered %d, refused %d, found the port closed %d, dropped %d", total.ok, total.refused, total.portClosed, total.dropped)
	if total.dropped > 0 {
		t.Errorf("%d requests dropped during shutdown, want none", total.dropped)
	}
	if total.refused == 0 {
		t.Errorf("no client was told the server is shutting down")
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestServeNeo4jReadsNoSeed checks that serve --store neo4j does not decode seed files it would
// not serve: a seed directory that does not exist is not read, whatever becomes of the connection
// (here to a port where nothing listens).
func TestServeNeo4jReadsNoSeed(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-seed")
	env := serveEnv("FAILGRAPH_SEED_DIR", missing)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	err := run(ctx, []string{"serve", "--store", "neo4j", "--neo4j-uri", "bolt://127.0.0.1:1", "--addr", "127.0.0.1:0"}, env, &out, &errb)
	if err != nil && strings.Contains(err.Error(), "no-such-seed") || strings.Contains(errb.String(), "no-such-seed") {
		t.Fatalf("serve --store neo4j read the seed directory: %v\n%s", err, errb.String())
	}
}

// TestServeNeo4jSettingsReachTheStore checks that every Neo4j knob of neo4jstore.Config has a
// setting: the defaults are the store's, and a flag or variable sets each one.
func TestServeNeo4jSettingsReachTheStore(t *testing.T) {
	c, err := parseServeConfig([]string{"--store", "neo4j"}, serveEnv(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Neo4j.ConnectTimeout != neo4jstore.DefaultConnectTimeout || c.Neo4j.AcquireTimeout != neo4jstore.DefaultAcquireTimeout ||
		c.Neo4j.QueryTimeout != neo4jstore.DefaultQueryTimeout || c.Neo4j.MaxConnections != neo4jstore.DefaultMaxConnections {
		t.Errorf("defaults %+v, want the store's", c.Neo4j)
	}
	c, err = parseServeConfig([]string{"--store", "neo4j", "--neo4j-connect-timeout", "3s", "--neo4j-query-timeout", "40s"},
		serveEnv("FAILGRAPH_NEO4J_ACQUIRE_TIMEOUT", "500ms", "FAILGRAPH_NEO4J_MAX_CONNECTIONS", "7"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Neo4j.ConnectTimeout != 3*time.Second || c.Neo4j.AcquireTimeout != 500*time.Millisecond ||
		c.Neo4j.QueryTimeout != 40*time.Second || c.Neo4j.MaxConnections != 7 {
		t.Errorf("settings gave %+v", c.Neo4j)
	}
}
