package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/neo4jstore"
)

// seedSettings are the settings of seed, in the order --help lists them, the Neo4j ones last.
var seedSettings = append([]setting{
	{flag: "replace", env: "FAILGRAPH_SEED_REPLACE", def: "false", boolean: true,
		help: "delete every node and relationship the seed lacks, so that the database holds exactly the seed: true or false"},
	{flag: "seed-dir", env: "FAILGRAPH_SEED_DIR", def: "",
		help: "load the seed files of this directory instead of the seed embedded in the binary"},
	atlasSetting,
	{flag: "batch", env: "FAILGRAPH_SEED_BATCH", def: strconv.Itoa(neo4jstore.DefaultBatchSize),
		help: "rows per UNWIND statement (1 to 100000)"},
}, neo4jSettings...)

const seedUsageHead = `Usage: failgraph seed [flags]

Loads the seed (embedded, or --seed-dir) into Neo4j in one transaction: nodes are merged on their
id with their properties replaced, relationships merged on type and endpoints, so seeding twice
changes nothing. A failure leaves the database as it was. The same transaction records what was
loaded (the seed's content hash, its counts, when): when the database already holds exactly this
seed, seed says "already loaded" and writes nothing. Progress goes to stderr, a summary to stdout.

Every flag can also be set with its environment variable; a flag wins over the variable. The
password comes only from FAILGRAPH_NEO4J_PASSWORD.

`

// seedConfig is seed's validated configuration.
type seedConfig struct {
	Replace bool
	SeedDir string
	Atlas   string
	Batch   int
	Neo4j   neo4jstore.Config
}

func seedSettingsTable(w io.Writer) { writeSettings(w, seedSettings) }

// parseSeedConfig reads flags, then the environment, then defaults; errors name the flag or
// variable the bad value came from.
func parseSeedConfig(args []string, getenv func(string) string, stderr io.Writer) (seedConfig, error) {
	get, err := parseSettings("seed", seedSettings, args, getenv, stderr, seedUsageHead)
	if err != nil {
		return seedConfig{}, err
	}

	var c seedConfig
	v, src := get("replace")
	replace, err := strconv.ParseBool(v)
	if err != nil {
		return c, fmt.Errorf("%s: want true or false, got %q", src, v)
	}
	c.Replace = replace
	c.SeedDir, _ = get("seed-dir")
	c.Atlas, _ = get("atlas")
	v, src = get("batch")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100000 {
		return c, fmt.Errorf("%s: want a number of rows from 1 to 100000, got %q", src, v)
	}
	c.Batch = n
	if c.Neo4j, err = neo4jConfig(get, getenv); err != nil {
		return c, err
	}
	c.Neo4j.AllowEmpty = true // seeding is how a database stops being empty
	return c, nil
}

// runSeed loads the seed into Neo4j.
func runSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := parseSeedConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, seedUsageHead)
		seedSettingsTable(stdout)
		return nil
	}
	if err != nil {
		return err
	}
	g, err := loadSeed(c.SeedDir, stderr)
	if err != nil {
		return err
	}
	if g, err = withAtlas(c.Atlas, g, stderr); err != nil {
		return err
	}
	start := time.Now()
	s, err := neo4jstore.Open(ctx, c.Neo4j)
	if err != nil {
		return err
	}
	defer s.Close(context.WithoutCancel(ctx))

	where := fmt.Sprintf("%s (database %s)", c.Neo4j.URI, c.Neo4j.Database)
	hash := g.Hash()
	// Nothing to do when the database holds exactly this graph, as its record of the last load says.
	if st, err := s.Stats(ctx); err == nil && st.Loaded != nil && st.Loaded.Hash == hash &&
		sum(st.Nodes) == len(g.Nodes) && sum(st.Edges) == len(g.Edges) {
		fmt.Fprintf(stdout, "already loaded: %s holds %s (loaded %s); the database holds %s\n",
			where, hash, st.Loaded.At.Format(time.RFC3339), formatStats(st))
		return nil
	}
	mode := "merging into"
	if c.Replace {
		mode = "replacing the graph of"
	}
	fmt.Fprintf(stderr, "seed: %d nodes and %d relationships, %s %s\n", len(g.Nodes), len(g.Edges), mode, where)
	err = s.Load(ctx, g, neo4jstore.LoadOptions{
		Replace:   c.Replace,
		BatchSize: c.Batch,
		Progress: func(stage string, done, total int) {
			fmt.Fprintf(stderr, "%s %d/%d\n", stage, done, total)
		},
	})
	if err != nil {
		return fmt.Errorf("seeding %s: %w; the database is unchanged", where, err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		return fmt.Errorf("seeded %s, but cannot count it: %w", where, err)
	}
	fmt.Fprintf(stdout, "seeded %s in %v with %s: the database holds %s\n", where, time.Since(start).Round(time.Millisecond), hash, formatStats(st))
	return nil
}

// formatStats counts a store's graph by kind and relation type in a fixed order.
func formatStats(st kg.Stats) string {
	var nodes, edges []string
	nn, ne := 0, 0
	for _, k := range kg.Kinds {
		nodes = append(nodes, fmt.Sprintf("%s %d", k, st.Nodes[k]))
		nn += st.Nodes[k]
	}
	for _, t := range kg.RelTypes {
		edges = append(edges, fmt.Sprintf("%s %d", t, st.Edges[t]))
		ne += st.Edges[t]
	}
	return fmt.Sprintf("%d nodes (%s), %d relationships (%s)", nn, strings.Join(nodes, ", "), ne, strings.Join(edges, ", "))
}
