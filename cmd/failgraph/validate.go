package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/seed"
)

const validateUsage = `Usage: failgraph validate [DIR]

Checks a directory of seed files (default: the seed embedded in this binary) and lists every problem
with its file and line. Exits 1 when there is any problem, 0 when the seed is valid.
`

func runValidate(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, validateUsage) }
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return errUsage
	}
	var (
		g    *kg.Graph
		err  error
		from = "embedded seed"
	)
	if fs.NArg() == 1 {
		from = fs.Arg(0)
		g, err = seed.LoadDir(from)
	} else {
		g, err = seed.Load()
	}
	var se *seed.Error
	if errors.As(err, &se) {
		for _, p := range se.Problems {
			if p.File != "" && fs.NArg() == 1 {
				p.File = from + "/" + p.File
			}
			fmt.Fprintln(stderr, p.String())
		}
		return fmt.Errorf("%s: %d problem(s)", from, len(se.Problems))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: valid: %s\n", from, summarize(g))
	return nil
}

// summarize counts a graph by kind and relation type in a fixed order.
func summarize(g *kg.Graph) string {
	nodes := map[kg.Kind]int{}
	for _, n := range g.Nodes {
		nodes[n.Kind]++
	}
	edges := map[kg.RelType]int{}
	for _, e := range g.Edges {
		edges[e.Type]++
	}
	s := fmt.Sprintf("%d nodes (", len(g.Nodes))
	for i, k := range seedKinds() {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %d", k, nodes[k])
	}
	s += fmt.Sprintf("), %d edges (", len(g.Edges))
	for i, t := range seedRels() {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %d", t, edges[t])
	}
	return s + ")"
}

// seedKinds and seedRels are the kinds and relation types seed files can hold: the ATLAS layer is
// imported from an ATLAS release file (docs/ATLAS.md), never validated as seed.
func seedKinds() []kg.Kind {
	var out []kg.Kind
	for _, k := range kg.Kinds {
		if !k.IsAtlas() {
			out = append(out, k)
		}
	}
	return out
}

func seedRels() []kg.RelType {
	var out []kg.RelType
	for _, t := range kg.RelTypes {
		if !t.IsAtlas() {
			out = append(out, t)
		}
	}
	return out
}
