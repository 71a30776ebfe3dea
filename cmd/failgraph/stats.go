package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/neo4jstore"
	"github.com/failgraph/failgraph/seed"
)

const statsUsage = `Usage: failgraph stats [--markdown] [DIR]
       failgraph stats --neo4j [--neo4j-uri URI] [--neo4j-user USER] [--neo4j-database DB]

Counts the seed (default: the one embedded in this binary): nodes by kind, edges by relation,
failure modes by intent, references by type, mitigation edges by strength, legal considerations by
jurisdiction and external ids by framework, and prints its content hash. --markdown prints the
tables docs/DATA.md embeds.

With --neo4j it counts what the Neo4j database holds instead and says what was loaded into it (the
seed's content hash, its counts, when), and whether that is the seed embedded in this binary.
`

func runStats(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "--neo4j" || args[0] == "-neo4j") {
		return runStatsNeo4j(ctx, args[1:], getenv, stdout, stderr)
	}
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, statsUsage) }
	markdown := fs.Bool("markdown", false, "print Markdown tables")
	if err := fs.Parse(args); err != nil || fs.NArg() > 1 {
		if err == nil {
			fs.Usage()
		}
		return errUsage
	}
	var (
		g   *kg.Graph
		err error
	)
	if fs.NArg() == 1 {
		g, err = seed.LoadDir(fs.Arg(0))
	} else {
		g, err = seed.Load()
	}
	if err != nil {
		return err
	}
	if *markdown {
		fmt.Fprint(stdout, StatsMarkdown(g))
		return nil
	}
	fmt.Fprintln(stdout, summarize(g))
	fmt.Fprintf(stdout, "content hash %s\n", g.Hash())
	return nil
}

// runStatsNeo4j counts the Neo4j database and says what was loaded into it.
func runStatsNeo4j(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	get, err := parseSettings("stats --neo4j", neo4jSettings, args, getenv, stderr, statsUsage)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, statsUsage)
		writeSettings(stdout, neo4jSettings)
		return nil
	}
	if err != nil {
		return err
	}
	cfg, err := neo4jConfig(get, getenv)
	if err != nil {
		return err
	}
	cfg.AllowEmpty = true
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close(context.WithoutCancel(ctx))
	st, err := s.Stats(ctx)
	if err != nil {
		return fmt.Errorf("counting %s: %w", cfg.URI, err)
	}
	fmt.Fprintf(stdout, "%s (database %s) holds %s\n", cfg.URI, cfg.Database, formatStats(st))
	l := st.Loaded
	if l == nil {
		fmt.Fprintln(stdout, "loaded: unknown (no record of a load: seeded by an older failgraph, or never)")
		return nil
	}
	how := "replacing what it held"
	if l.Merged {
		how = "merged into what it held"
	}
	fmt.Fprintf(stdout, "loaded: %s, %d nodes and %d relationships, at %s, %s\n", l.Hash, l.Nodes, l.Edges, l.At.Format(time.RFC3339), how)
	if g, err := seed.Load(); err == nil {
		if g.Hash() == l.Hash {
			fmt.Fprintln(stdout, "that is the seed embedded in this binary")
		} else {
			fmt.Fprintf(stdout, "that is not the seed embedded in this binary (%s)\n", g.Hash())
		}
	}
	return nil
}

// StatsMarkdown renders the count tables of docs/DATA.md from a graph.
func StatsMarkdown(g *kg.Graph) string {
	var b strings.Builder
	table := func(title, col string, rows [][2]string) {
		fmt.Fprintf(&b, "| %s | %s |\n|---|---:|\n", title, col)
		for _, r := range rows {
			fmt.Fprintf(&b, "| %s | %s |\n", r[0], r[1])
		}
		b.WriteString("\n")
	}
	nodes := map[kg.Kind]int{}
	intent := map[string]int{}
	refTypes := map[string]int{}
	juris := map[string]int{}
	origins := map[string]int{}
	statuses := map[string]int{}
	frameworks := map[string]int{}
	byID := map[string]*kg.Node{}
	subtypes := map[string]bool{}
	for _, e := range g.Edges {
		if e.Type == kg.RelSubtypeOf {
			subtypes[e.Source] = true
		}
	}
	for _, n := range g.Nodes {
		byID[n.ID] = n
		nodes[n.Kind]++
		switch n.Kind {
		case kg.KindFailureMode:
			k := strings.ToLower(string(n.Intent))
			switch {
			case subtypes[n.ID]:
				k += " (subtype)"
			case n.Origin == kg.OriginExtension:
				k += " (extension)"
			}
			intent[k]++
			origins[string(n.Origin)]++
		case kg.KindReference:
			refTypes[string(n.RefType)]++
		case kg.KindLegal:
			juris[n.Jurisdiction]++
			statuses[string(n.Status)]++
		}
		for _, x := range n.ExternalIDs {
			frameworks[x.Framework+" "+x.Edition]++
		}
	}
	edges := map[kg.RelType]int{}
	strength := map[string]int{}
	basis := map[string]int{}
	claimBasis := map[string]int{} // every edge but CITES: the claims, not the citations
	confidence := map[string]int{}
	for _, e := range g.Edges {
		edges[e.Type]++
		basis[string(e.Basis)]++
		confidence[string(e.Confidence)]++
		if e.Type != kg.RelCites {
			claimBasis[string(e.Basis)]++
		}
		if e.Type == kg.RelMitigates {
			strength[string(e.Strength)]++
		}
	}
	var rows [][2]string
	for _, k := range kg.Kinds {
		if k.IsAtlas() {
			continue // never in the seed: imported from an ATLAS release file (docs/ATLAS.md)
		}
		rows = append(rows, [2]string{string(k), fmt.Sprint(nodes[k])})
	}
	rows = append(rows, [2]string{"**all nodes**", fmt.Sprint(len(g.Nodes))})
	table("Node kind", "count", rows)
	rows = nil
	for _, t := range kg.RelTypes {
		if t.IsAtlas() {
			continue
		}
		rows = append(rows, [2]string{string(t), fmt.Sprint(edges[t])})
	}
	rows = append(rows, [2]string{"**all edges**", fmt.Sprint(len(g.Edges))})
	table("Relation", "count", rows)
	table("Failure modes", "count", sortedRows(intent))
	table("References by type", "count", sortedRows(refTypes))
	table("MITIGATES by strength", "count", sortedRows(strength))
	table("Legal considerations by jurisdiction", "count", sortedRows(juris))
	table("External ids by framework and edition", "count", sortedRows(frameworks))
	table("Failure modes by origin", "count", sortedRows(origins))
	table("Legal considerations by status", "count", sortedRows(statuses))
	table("Edges by basis", "count", sortedRows(basis))
	table("Edges other than CITES by basis", "count", sortedRows(claimBasis))
	table("Edges by confidence", "count", sortedRows(confidence))
	return b.String()
}

func sortedRows(m map[string]int) [][2]string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rows := make([][2]string, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, [2]string{k, fmt.Sprint(m[k])})
	}
	return rows
}
