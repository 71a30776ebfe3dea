package loadgen_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/failgraph/failgraph/internal/loadgen"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/server"
	"github.com/failgraph/failgraph/seed"
)

// inProcess returns options that load a failgraph handler over the embedded seed in this process.
func inProcess(tb testing.TB) loadgen.Options {
	tb.Helper()
	g, err := seed.Load()
	if err != nil {
		tb.Fatal(err)
	}
	s, err := memstore.New(g)
	if err != nil {
		tb.Fatal(err)
	}
	opts := loadgen.DefaultOptions()
	opts.Graph = g
	opts.Handler = server.New(server.DefaultConfig(), s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return opts
}

// TestSmoke runs every phase briefly: a few hundred requests, no errors, accounting that adds up.
// It asserts nothing about speed.
func TestSmoke(t *testing.T) {
	opts := inProcess(t)
	opts.Duration = 20 * time.Second // the request cap ends each phase long before
	opts.Warmup = 0
	opts.Clients = 4
	opts.Abusers = 2
	opts.MaxRequests = 200
	rep, err := loadgen.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Phases) != 3 {
		t.Fatalf("%d phases, want 3", len(rep.Phases))
	}
	for _, p := range rep.Phases {
		s := p.Normal
		if s.Errors != 0 || s.FirstError != "" {
			t.Errorf("%s: %d errors, first %s", p.Name, s.Errors, s.FirstError)
		}
		// Each client may overshoot the cap by the request it had in flight.
		if s.Requests < 200 || s.Requests > 200+int64(opts.Clients) {
			t.Errorf("%s: %d requests, want 200 to %d", p.Name, s.Requests, 200+opts.Clients)
		}
		if !(0 < s.P50 && s.P50 <= s.P90 && s.P90 <= s.P99 && s.P99 <= s.Max) || s.Throughput() <= 0 {
			t.Errorf("%s: percentiles %v %v %v %v, throughput %.0f", p.Name, s.P50, s.P90, s.P99, s.Max, s.Throughput())
		}
	}
	ab := rep.Phases[2].Abuse
	if ab == nil || ab.Requests == 0 {
		t.Fatalf("the abuse phase sent no abusive requests: %+v", ab)
	}
	var refused int64
	for c, n := range ab.Codes {
		if !strings.HasPrefix(c, "200 QUERY_TOO_") {
			t.Errorf("an abusive request was answered %q (%d times)", c, n)
		}
		refused += n
	}
	if refused != ab.Requests {
		t.Errorf("%d abusive requests, %d answers counted", ab.Requests, refused)
	}
	var out bytes.Buffer
	rep.Write(&out)
	for _, want := range []string{"| bare net/http |", "| failgraph |", "| failgraph + abuser |", "failgraph / bare floor", "normal client's p99"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestOnlyLoopbackTargets(t *testing.T) {
	for _, target := range []string{"http://example.org:8080", "http://10.0.0.1:8080", "https://127.0.0.1:8080", "127.0.0.1:8080"} {
		opts := inProcess(t)
		opts.Target = target
		if _, err := loadgen.Run(context.Background(), opts); err == nil {
			t.Errorf("target %s accepted", target)
		}
	}
	opts := inProcess(t)
	opts.Duration = time.Hour
	if _, err := loadgen.Run(context.Background(), opts); err == nil {
		t.Errorf("an hour-long phase accepted")
	}
}
