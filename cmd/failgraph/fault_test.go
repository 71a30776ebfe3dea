package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/neo4jtest"
	"github.com/failgraph/failgraph/internal/server"
	"github.com/failgraph/failgraph/seed"
)

// Fault tests of serve --store neo4j on an instance of their own, which they hang, stop and start.
// Starting Neo4j takes seconds to tens of seconds on a busy machine: one test walks through every
// fault with one restart.

// The fault instance of serve's tests: its own port (the shared "fault" one on 7697 serves
// internal/neo4jstore), so that the two packages' fault tests run side by side; neo4jtest.Lock
// keeps two runs of this one apart.
const (
	faultInstance = "serve-fault"
	faultPort     = 7791
)

// readyBody is the answer of /readyz.
type readyBody struct {
	Status string `json:"status"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

func readiness(tb testing.TB, base string) (int, readyBody) {
	tb.Helper()
	resp, err := http.Get(base + server.PathReady)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var b readyBody
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
		tb.Fatalf("/readyz: status %d: %v", resp.StatusCode, err)
	}
	return resp.StatusCode, b
}

// waitReady polls /readyz until it answers 200, failing tb after within.
func waitReady(tb testing.TB, base string, within time.Duration) {
	tb.Helper()
	waitReadiness(tb, base, within, func(code int, _ readyBody) bool { return code == http.StatusOK })
}

// waitReadiness polls /readyz until ok accepts its answer, failing tb after within.
func waitReadiness(tb testing.TB, base string, within time.Duration, ok func(int, readyBody) bool) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for {
		code, b := readiness(tb, base)
		if ok(code, b) {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s/readyz still answers %d %+v after %v", base, code, b, within)
		}
		time.Sleep(100 * time.Millisecond) // polling a remote state; nothing to wait on
	}
}

// logBuffer is a server's JSON log, safe to read while it writes.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// lines returns the log's records from the nth on.
func (l *logBuffer) lines(tb testing.TB, from int) []map[string]any {
	tb.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for i, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		if i < from || line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			tb.Fatalf("log line %d is not JSON: %q", i, line)
		}
		out = append(out, rec)
	}
	return out
}

func (l *logBuffer) count(tb testing.TB) int { return len(l.lines(tb, 0)) }

// queryCode posts a query and returns the code of its first error ("" for none).
func queryCode(tb testing.TB, base string) string {
	tb.Helper()
	resp, err := http.Post(base+server.PathGraphQL, "application/json",
		strings.NewReader(`{"query": "{ failureMode(id: \"poisoning\") { id mitigations { id } } }"}`))
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var r gqlResult
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		tb.Fatalf("status %d: %v", resp.StatusCode, err)
	}
	if len(r.Errors) == 0 {
		return ""
	}
	code, _ := r.Errors[0].Extensions["code"].(string)
	return code
}

// warm retries a query until it succeeds: the first statements after Neo4j starts are planned
// cold, which can outlast the request timeout on a busy machine.
func warm(tb testing.TB, base string) {
	tb.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for code := queryCode(tb, base); code != ""; code = queryCode(tb, base) {
		if time.Now().After(deadline) {
			tb.Fatalf("%s: queries with Neo4j up still answer %s after 2 minutes", base, code)
		}
	}
}

// TestServeSurvivesNeo4j runs serve --store neo4j through the faults of its database, in one walk
// with one start of Neo4j (tens of seconds on a busy machine):
//
//   - down: a serve started before Neo4j listens, answers /healthz, says in /readyz that the
//     database is unreachable, and becomes ready by itself once Neo4j has started and been seeded;
//   - hung (SIGSTOP): a serve started against it listens at once, says why it is not ready and
//     becomes ready by itself when the database wakes; a running serve answers UNAVAILABLE to every
//     query and to /readyz, and the outage costs a handful of log lines beside the one per request.
func TestServeSurvivesNeo4j(t *testing.T) {
	neo4jtest.Lock(t, fmt.Sprintf("bolt://127.0.0.1:%d", faultPort))
	in := neo4jtest.StoppedInstance(t, faultInstance, faultPort)
	g, err := seed.LoadDir(minimalSeed)
	if err != nil {
		t.Fatal(err)
	}
	// The first statements after Neo4j starts can take seconds on a busy machine: only the serve
	// started against the hung database has a short check timeout.
	envFor := func(checkTimeout string) func(string) string {
		return serveEnv("FAILGRAPH_NEO4J_URI", in.URI, "FAILGRAPH_SEED_DIR", minimalSeed,
			"FAILGRAPH_REQUEST_TIMEOUT", "3s", "FAILGRAPH_NEO4J_CHECK_TIMEOUT", checkTimeout, "FAILGRAPH_LOG_FORMAT", "json")
	}
	args := []string{"serve", "--store", "neo4j", "--addr", "127.0.0.1:0"}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()

	// Down: serve first.
	var logA logBuffer
	a, _ := startServe(t, ctx, args, envFor("30s"), &logA)
	if resp, err := http.Get(a + server.PathHealth); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz of a serve started before Neo4j: %v %v", resp, err)
	}
	waitReadiness(t, a, 10*time.Second, func(code int, rb readyBody) bool {
		return code == http.StatusServiceUnavailable && rb.Code == kg.EUNAVAILABLE && strings.Contains(rb.Reason, "unreachable")
	})
	if code := queryCode(t, a); code != kg.EUNAVAILABLE {
		t.Errorf("query before Neo4j started: %q, want %s", code, kg.EUNAVAILABLE)
	}
	in.Start(t)
	loadNeo4j(t, openNeo4jStore(t, in.URI), g)
	start := time.Now()
	waitReady(t, a, 30*time.Second)
	t.Logf("down: the serve started first was ready %v after the seed", time.Since(start).Round(time.Millisecond))
	warm(t, a)

	t.Run("hung", func(t *testing.T) {
		resume := in.Hang(t)
		mark := logA.count(t)

		start := time.Now()
		var logB logBuffer
		b, _ := startServe(t, ctx, args, envFor("1s"), &logB)
		t.Logf("hung: a new serve listens after %v", time.Since(start).Round(time.Millisecond))
		waitReadiness(t, b, 10*time.Second, func(code int, rb readyBody) bool {
			return code == http.StatusServiceUnavailable && rb.Code == kg.EUNAVAILABLE && strings.Contains(rb.Reason, "did not answer in time")
		})
		if strings.Contains(fmt.Sprint(readiness(t, b)), fmt.Sprint(faultPort)) {
			t.Errorf("/readyz shows the database's address")
		}

		// The running serve: clients hold connections that hang and wait for new ones.
		const clients, each = 4, 2
		codes := make(chan string, clients*each)
		var wg sync.WaitGroup
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					codes <- queryCode(t, a)
				}
			}()
		}
		if code, rb := readiness(t, a); code != http.StatusServiceUnavailable || rb.Code != kg.EUNAVAILABLE {
			t.Errorf("/readyz with Neo4j hung: %d %+v, want 503 %s", code, rb, kg.EUNAVAILABLE)
		}
		wg.Wait()
		close(codes)
		for c := range codes {
			if c != kg.EUNAVAILABLE {
				t.Errorf("query with Neo4j hung: code %q, want %s", c, kg.EUNAVAILABLE)
			}
		}
		t.Logf("hung: %d queries answered in %v", clients*each, time.Since(start).Round(time.Millisecond))

		resume()
		waitReady(t, a, 15*time.Second)
		waitReady(t, b, 15*time.Second)
		warm(t, a)

		requests, other := 0, map[string]int{}
		var others []string
		for _, rec := range logA.lines(t, mark) {
			msg, _ := rec["msg"].(string)
			if msg == "request" {
				if rec["path"] == server.PathGraphQL {
					requests++
				}
				continue
			}
			other[msg]++
			others = append(others, fmt.Sprint(rec))
		}
		t.Logf("hung: the running serve logged %d request lines for /graphql and %d others: %v", requests, len(others), other)
		if requests < clients*each+1 {
			t.Errorf("%d request lines for /graphql, want one per query: at least %d", requests, clients*each+1)
		}
		if other["store down"] != 1 || other["store back up"] != 1 || len(others) > 5 {
			t.Errorf("the outage logged, besides the request lines:\n%s\nwant one store down, one store back up and at most 5 lines in all", strings.Join(others, "\n"))
		}
	})
}
