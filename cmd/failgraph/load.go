package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/failgraph/failgraph/internal/loadgen"
	"github.com/failgraph/failgraph/internal/server"
	"github.com/failgraph/failgraph/seed"
)

const loadUsage = `Usage: failgraph load [flags]

Measures failgraph under load on this machine, on loopback addresses only, and stops by itself.
Three phases of the same length, with the same number of closed-loop clients:

  1. a bare net/http handler answering a canned JSON body: the floor of the machine;
  2. failgraph (in this process over the embedded seed, or --target) with a realistic query mix:
     node lookups, failure modes with mitigations, search, depth-2 neighbourhoods, paths, threat
     models, pages of references;
  3. the same, while --abusers clients send fresh deep, costly, aliased and fragment-bombing
     queries as fast as they are answered.

Prints requests, errors, throughput, p50/p90/p99 latency and the server's memory (from /metrics),
the ratio to the floor and the normal clients' p99 with and without the abusers. docs/BENCHMARKS.md
records a run.

Flags:
`

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := loadgen.DefaultOptions()
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, loadUsage)
		fs.PrintDefaults()
	}
	fs.DurationVar(&o.Duration, "duration", o.Duration, "how long each phase is measured (at most 5m)")
	fs.DurationVar(&o.Warmup, "warmup", o.Warmup, "how long each phase runs before it is measured")
	fs.IntVar(&o.Clients, "clients", o.Clients, "concurrent normal clients")
	fs.IntVar(&o.Abusers, "abusers", o.Abusers, "concurrent abusive clients in the third phase (0 skips it)")
	fs.IntVar(&o.MaxRequests, "max-requests", o.MaxRequests, "end a phase once the normal clients have sent this many requests")
	fs.StringVar(&o.Target, "target", "", "base URL of a running failgraph on a loopback address (default: one in this process)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "failgraph load: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	o.Progress = stderr
	g, err := seed.Load()
	if err != nil {
		return err
	}
	o.Graph = g // a --target is assumed to serve the embedded seed too: the mix asks about its nodes
	if o.Target == "" {
		// The log lines are still formatted, to nowhere: their cost is part of the measure.
		quiet := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
		store, err := openStore(ctx, storeConfig{Kind: storeMemory, Seed: g}, quiet)
		if err != nil {
			return err
		}
		defer store.Close()
		o.Handler = server.New(server.DefaultConfig(), store.Store, quiet)
	}
	rep, err := loadgen.Run(ctx, o)
	if err != nil {
		return err
	}
	rep.Write(stdout)
	for _, p := range rep.Phases {
		if p.Normal.Errors > 0 {
			return fmt.Errorf("%s: %d errors", p.Name, p.Normal.Errors)
		}
	}
	return nil
}
