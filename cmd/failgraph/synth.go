package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/failgraph/failgraph/internal/neo4jstore"
	"github.com/failgraph/failgraph/internal/synth"
	"github.com/failgraph/failgraph/seed"
)

// synthSettings are the settings of synth, the Neo4j ones last.
var synthSettings = append([]setting{
	{flag: "nodes", env: "FAILGRAPH_SYNTH_NODES", def: "",
		help: fmt.Sprintf("how many nodes the graph has (%d to 10000000); required", synth.MinNodes)},
	{flag: "out", env: "FAILGRAPH_SYNTH_OUT", def: "",
		help: "write the graph as seed files into this directory (serve it with serve --seed-dir)"},
	{flag: "import-dir", env: "FAILGRAPH_SYNTH_IMPORT_DIR", def: "",
		help: "write the graph as the CSV files of neo4j-admin's offline import into this directory (then: scripts/neo4j.sh import DIR, failgraph synth --finish-import DIR)"},
	{flag: "finish-import", env: "FAILGRAPH_SYNTH_FINISH_IMPORT", def: "",
		help: "after scripts/neo4j.sh import DIR: build the indexes of that Neo4j, check it holds DIR's graph and record the load (no --nodes)"},
	{flag: "neo4j", env: "FAILGRAPH_SYNTH_NEO4J", def: "false", boolean: true,
		help: "load the graph into Neo4j, replacing what is there: true or false"},
	{flag: "batch", env: "FAILGRAPH_SYNTH_BATCH", def: strconv.Itoa(neo4jstore.DefaultBatchSize),
		help: "rows per UNWIND statement when loading into Neo4j (1 to 100000)"},
	{flag: "tx-rows", env: "FAILGRAPH_SYNTH_TX_ROWS", def: "50000",
		help: "rows per transaction when loading into Neo4j (batch to 10000000); a failure part way keeps the committed ones"},
}, neo4jSettings...)

const synthUsageHead = `Usage: failgraph synth --nodes N (--out DIR | --neo4j | --import-dir DIR) [flags]
       failgraph synth --finish-import DIR [Neo4j flags]

Makes a deterministic synthetic graph of N nodes with the shipped seed's mix of node kinds and
relation types, keeping every rule the seed's validation checks, and writes it as seed files
(--out), loads it into Neo4j in place of what is there (--neo4j, over Bolt in batched
transactions), writes it for Neo4j's offline bulk import (--import-dir), or several of these. The
same N always gives the same graph. Progress goes to stderr, a summary to stdout.

The offline import is the fast load of a large graph into a database whose contents may go:
  failgraph synth --nodes 1000000 --import-dir DIR
  NEO4J_INSTANCE=... scripts/neo4j.sh import DIR       # stops Neo4j, replaces its database, starts it
  failgraph synth --finish-import DIR --neo4j-uri ...  # indexes, check, load record

`

type synthConfig struct {
	Nodes  int
	Out    string
	Import string
	Finish string
	Neo4j  bool
	Batch  int
	TxRows int
	Store  neo4jstore.Config
}

func parseSynthConfig(args []string, getenv func(string) string, stderr io.Writer) (synthConfig, error) {
	get, err := parseSettings("synth", synthSettings, args, getenv, stderr, synthUsageHead)
	if err != nil {
		return synthConfig{}, err
	}
	var c synthConfig
	c.Finish, _ = get("finish-import")
	if c.Finish != "" {
		if c.Store, err = neo4jConfig(get, getenv); err != nil {
			return c, err
		}
		c.Store.AllowEmpty = true
		return c, nil
	}
	v, src := get("nodes")
	if c.Nodes, err = strconv.Atoi(v); err != nil || c.Nodes < synth.MinNodes || c.Nodes > 10_000_000 {
		return c, fmt.Errorf("%s: want a number of nodes from %d to 10000000, got %q", src, synth.MinNodes, v)
	}
	c.Out, _ = get("out")
	c.Import, _ = get("import-dir")
	v, src = get("neo4j")
	if c.Neo4j, err = strconv.ParseBool(v); err != nil {
		return c, fmt.Errorf("%s: want true or false, got %q", src, v)
	}
	if c.Out == "" && !c.Neo4j && c.Import == "" {
		return c, errors.New("say where the graph goes: --out DIR, --neo4j, --import-dir DIR or several")
	}
	v, src = get("batch")
	if c.Batch, err = strconv.Atoi(v); err != nil || c.Batch < 1 || c.Batch > 100000 {
		return c, fmt.Errorf("%s: want a number of rows from 1 to 100000, got %q", src, v)
	}
	v, src = get("tx-rows")
	if c.TxRows, err = strconv.Atoi(v); err != nil || c.TxRows < c.Batch || c.TxRows > 10_000_000 {
		return c, fmt.Errorf("%s: want a number of rows from --batch (%d) to 10000000, got %q", src, c.Batch, v)
	}
	if c.Store, err = neo4jConfig(get, getenv); err != nil {
		return c, err
	}
	c.Store.AllowEmpty = true
	return c, nil
}

// runSynth makes the synthetic graph and writes it where asked.
func runSynth(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := parseSynthConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, synthUsageHead)
		writeSettings(stdout, synthSettings)
		return nil
	}
	if err != nil {
		return err
	}
	if c.Finish != "" {
		return finishImport(ctx, c, stdout, stderr)
	}
	template, err := seed.Load()
	if err != nil {
		return fmt.Errorf("the embedded seed, whose mix synth copies: %w", err)
	}
	start := time.Now()
	g, err := synth.Generate(c.Nodes, synth.MixOf(template))
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "synth: %d nodes and %d edges made in %v\n", len(g.Nodes), len(g.Edges), time.Since(start).Round(time.Millisecond))
	if c.Out != "" {
		t := time.Now()
		if err := seed.WriteDir(c.Out, g); err != nil {
			return fmt.Errorf("writing seed files into %s: %w", c.Out, err)
		}
		fmt.Fprintf(stdout, "wrote %d nodes and %d edges as seed files into %s in %v\n", len(g.Nodes), len(g.Edges), c.Out, time.Since(t).Round(time.Millisecond))
	}
	if c.Import != "" {
		t := time.Now()
		if _, err := neo4jstore.WriteImport(c.Import, g, func(done, total int) {
			fmt.Fprintf(stderr, "synth: import files %d/%d rows, %v elapsed\n", done, total, time.Since(t).Round(100*time.Millisecond))
		}); err != nil {
			return fmt.Errorf("writing import files into %s: %w", c.Import, err)
		}
		fmt.Fprintf(stdout, "wrote %d nodes and %d edges as neo4j-admin import files into %s in %v; next: scripts/neo4j.sh import %s, then failgraph synth --finish-import %s\n",
			len(g.Nodes), len(g.Edges), c.Import, time.Since(t).Round(time.Millisecond), c.Import, c.Import)
	}
	if c.Neo4j {
		if err := ctx.Err(); err != nil {
			return err
		}
		s, err := neo4jstore.Open(ctx, c.Store)
		if err != nil {
			return err
		}
		defer s.Close(context.WithoutCancel(ctx))
		where := fmt.Sprintf("%s (database %s)", c.Store.URI, c.Store.Database)
		fmt.Fprintf(stderr, "synth: replacing the graph of %s\n", where)
		t := time.Now()
		err = s.Load(ctx, g, neo4jstore.LoadOptions{Replace: true, BatchSize: c.Batch, TxRows: c.TxRows, Progress: loadProgress(stderr)})
		if err != nil {
			return fmt.Errorf("loading into %s: %w; the database is unchanged", where, err)
		}
		d := time.Since(t)
		fmt.Fprintf(stdout, "loaded %d nodes and %d relationships into %s in %v: %.0f nodes/s, %.0f rows/s\n",
			len(g.Nodes), len(g.Edges), where, d.Round(time.Millisecond),
			float64(len(g.Nodes))/d.Seconds(), float64(len(g.Nodes)+len(g.Edges))/d.Seconds())
	}
	return nil
}

// loadProgress reports a Neo4j load on w at most once a second and at the end of each stage, with
// the rate so far.
func loadProgress(w io.Writer) func(stage string, done, total int) {
	start := time.Now()
	var last time.Time
	return func(stage string, done, total int) {
		now := time.Now()
		if done < total && now.Sub(last) < time.Second {
			return
		}
		last = now
		el := now.Sub(start)
		fmt.Fprintf(w, "%s %d/%d (%.0f%%), %v elapsed, %.0f rows/s overall\n", stage, done, total,
			100*float64(done)/float64(max(total, 1)), el.Round(100*time.Millisecond), float64(done)/max(el.Seconds(), 1e-9))
	}
}

// finishImport completes an offline import of c.Finish into the Neo4j of c.Store.
func finishImport(ctx context.Context, c synthConfig, stdout, stderr io.Writer) error {
	m, err := neo4jstore.ReadImportManifest(c.Finish)
	if err != nil {
		return fmt.Errorf("--finish-import: %w", err)
	}
	s, err := neo4jstore.Open(ctx, c.Store)
	if err != nil {
		return err
	}
	defer s.Close(context.WithoutCancel(ctx))
	where := fmt.Sprintf("%s (database %s)", c.Store.URI, c.Store.Database)
	t := time.Now()
	var last time.Time
	err = s.FinishImport(ctx, m, func(pct float64) {
		if now := time.Now(); now.Sub(last) >= time.Second {
			last = now
			fmt.Fprintf(stderr, "synth: indexes %.0f%% built, %v elapsed\n", pct, now.Sub(t).Round(100*time.Millisecond))
		}
	})
	if err != nil {
		return fmt.Errorf("finishing the import of %s into %s: %w", c.Finish, where, err)
	}
	nodes, edges := 0, 0
	for _, n := range m.Nodes {
		nodes += n
	}
	for _, n := range m.Edges {
		edges += n
	}
	fmt.Fprintf(stdout, "finished the import of %d nodes and %d relationships into %s in %v (indexes, check, load record)\n",
		nodes, edges, where, time.Since(t).Round(time.Millisecond))
	return nil
}
