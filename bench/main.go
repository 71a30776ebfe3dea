// Command bench is failgraph's side-by-side benchmark against its peers (`make bench-peers`).
//
//	bench peers --neo4j-uri URI --failgraph BIN [flags]   the whole run: seed, start, check, time, table
//	bench floor --kind bare|cypher [flags]                one floor server (started by peers)
//	bench scale --failgraph BIN [--neo4j-uri URI] [flags]  synthetic graphs of 10k to 1M nodes on both stores
//
// peers seeds the Neo4j at URI with failgraph's shipped seed and starts five targets, each its own
// process on loopback: a bare net/http floor answering canned bytes, failgraph on its embedded
// store, failgraph on that Neo4j, the @neo4j/graphql server over the same Neo4j (bench/peer), and a
// raw-Cypher floor in Go (one statement per question through neo4j-go-driver). It asks each the
// three questions of questions.go once and stops unless every target returns the same ids; then it
// times them with autocannon (closed loop, a warm-up per target, alternating rounds, at each client
// count), records the CPU that every process used, ours and others', and prints the markdown table
// of docs/BENCHMARKS.md with its ratios. Nothing here is a test: bench_test.go only checks the ids.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
		os.Exit(1)
	}
}

const usage = `Usage:
  bench peers --neo4j-uri URI --failgraph BIN [flags]   the side-by-side run (see bench peers -h)
  bench floor --kind bare|cypher [flags]                one floor server, as peers starts it
  bench scale --failgraph BIN [--neo4j-uri URI] [flags]  the 10k/100k/1M table (see scale.go)
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command")
	}
	switch args[0] {
	case "peers":
		return runPeers(ctx, args[1:], stdout, stderr)
	case "floor":
		return runFloor(ctx, args[1:], stdout, stderr)
	case "scale":
		return runScale(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
