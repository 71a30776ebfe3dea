package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestServeRefusesBadLimitsNamingThem(t *testing.T) {
	tests := []struct {
		args, env []string
		want      string
	}{
		{nil, []string{"FAILGRAPH_MAX_DEPTH", "0"}, `FAILGRAPH_MAX_DEPTH: want a positive whole number, got "0"`},
		{[]string{"--max-complexity", "lots"}, nil, `--max-complexity: want a positive whole number, got "lots"`},
		{[]string{"--max-in-flight=-3"}, nil, `--max-in-flight: want a positive whole number, got "-3"`},
		{nil, []string{"FAILGRAPH_QUERY_CACHE_BYTES", "64MB"}, `FAILGRAPH_QUERY_CACHE_BYTES: want a positive number of bytes, got "64MB"`},
		{nil, []string{"FAILGRAPH_REQUEST_TIMEOUT", "soon"}, `FAILGRAPH_REQUEST_TIMEOUT: want a positive duration such as 10s, got "soon"`},
		{[]string{"--queue-wait", "0s"}, nil, `--queue-wait: want a positive duration such as 10s, got "0s"`},
		{nil, []string{"FAILGRAPH_PPROF", "maybe"}, `FAILGRAPH_PPROF: want true or false, got "maybe"`},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := run(ctx, append([]string{"serve"}, tt.args...), serveEnv(tt.env...), &out, &errb)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v: err = %v, want %q", tt.args, tt.env, err, tt.want)
		}
	}
}

func TestLimitSettingsReachTheServer(t *testing.T) {
	c, err := parseServeConfig(
		[]string{"--max-depth", "5", "--pprof", "--request-timeout", "3s", "--max-in-flight", "7"},
		serveEnv("FAILGRAPH_MAX_DEPTH", "9", "FAILGRAPH_MAX_ALIASES", "4", "FAILGRAPH_METRICS", "false",
			"FAILGRAPH_APQ_CACHE_BYTES", "1024", "FAILGRAPH_QUEUE_WAIT", "250ms"),
		io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Server
	if s.MaxDepth != 5 || s.MaxAliases != 4 || !s.Pprof || s.Metrics || s.Timeout != 3*time.Second ||
		s.MaxInFlight != 7 || s.APQCacheBytes != 1024 || s.QueueWait != 250*time.Millisecond || s.MaxComplexity != 20000 {
		t.Errorf("server config %+v", s)
	}
}

func TestServeEnforcesItsLimits(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	base, done := startServe(t, ctx, []string{"serve", "--addr", "127.0.0.1:0", "--max-depth", "3", "--pprof"},
		serveEnv("FAILGRAPH_SEED_DIR", minimalSeed), &stderr)

	resp, err := http.Post(base+"/graphql", "application/json",
		strings.NewReader(`{"query": "{ failureMode(id: \"poisoning\") { subtypes { parent { id } } } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "QUERY_TOO_DEEP") || strings.Contains(string(body), `"data"`) {
		t.Errorf("deep query: %d %s", resp.StatusCode, body)
	}
	for _, path := range []string{"/metrics", "/debug/pprof/"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "codes=QUERY_TOO_DEEP") {
		t.Errorf("no request log line with the code:\n%s", stderr.String())
	}
}
