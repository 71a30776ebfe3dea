// Command failgraph serves the failure-mode knowledge graph over GraphQL and manages its data.
//
//	failgraph serve      serve the GraphQL API (embedded store by default, or Neo4j)
//	failgraph validate   check a directory of seed files
//	failgraph seed       load the seed into Neo4j
//	failgraph load       measure the server under load, beside a bare HTTP floor and an abuser
//	failgraph synth      make a synthetic graph of any size, as seed files or into Neo4j
//	failgraph atlas      compare MITRE ATLAS releases; check the seed's crosswalk against one
//	failgraph export     write the graph in the field's formats (STIX 2.1, Navigator, GraphML, ...)
//
// Run "failgraph --help" or "failgraph COMMAND --help" for details.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `failgraph: a GraphQL knowledge graph of the ways machine-learning systems fail.

Usage:
  failgraph serve [flags]       serve the GraphQL API (see failgraph serve --help)
  failgraph validate [DIR]      check seed files and list every problem (see failgraph validate --help)
  failgraph stats [--markdown]  count the seed by kind, relation, intent, framework, ... (--neo4j: the database)
  failgraph seed [flags]        load the seed into Neo4j (see failgraph seed --help)
  failgraph load [flags]        measure failgraph under load on loopback (see failgraph load --help)
  failgraph synth --nodes N     make a synthetic graph of N nodes (see failgraph synth --help)
  failgraph atlas diff|check    compare ATLAS releases; check the seed's ATLAS ids (see failgraph atlas --help)
  failgraph export --format F   write the graph as STIX 2.1, a Navigator layer, GraphML, ... (see failgraph export --help)
  failgraph --help              show this help

Every flag of serve can also be set with a FAILGRAPH_* environment variable.
`

// errUsage means the usage text was already printed; exit 2 without another message.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "failgraph:", err)
		os.Exit(1)
	}
}

// run is the whole program, testable: arguments, environment and output are passed in.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		fmt.Fprint(stdout, "\nSettings of serve:\n")
		settingsTable(stdout)
		return nil
	case "serve":
		return runServe(ctx, args[1:], getenv, stdout, stderr)
	case "validate":
		return runValidate(ctx, args[1:], stdout, stderr)
	case "stats":
		return runStats(ctx, args[1:], getenv, stdout, stderr)
	case "seed":
		return runSeed(ctx, args[1:], getenv, stdout, stderr)
	case "load":
		return runLoad(ctx, args[1:], stdout, stderr)
	case "synth":
		return runSynth(ctx, args[1:], getenv, stdout, stderr)
	case "atlas":
		return runAtlas(ctx, args[1:], stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], getenv, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "failgraph: unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
}
