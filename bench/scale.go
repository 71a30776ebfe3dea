package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/synth"
	"github.com/failgraph/failgraph/seed"
)

// The scale run (bench scale, make bench-scale): for each size, a synthetic graph (failgraph
// synth) measured on the embedded store — heap per edge in this process, start-up of failgraph
// serve --synth N (the graph made in process) and of serve --seed-dir (decoded from seed files, up
// to --seed-files-max nodes), depth-2 neighbourhood and paths latency over HTTP — and, with
// --neo4j-uri, bulk loaded into Neo4j (by default the offline import: failgraph synth --import-dir,
// scripts/neo4j.sh import, failgraph synth --finish-import; --neo4j-load bolt: failgraph synth
// --neo4j into a fresh Neo4j) and measured the same way through failgraph serve --store neo4j.

type scaleRow struct {
	Nodes, Edges           int
	SynthSecs              float64
	HeapBytes              float64
	MemStart, Neo4jStart   time.Duration
	FilesStart             time.Duration // 0: not measured
	ImportSecs             float64       // the import tool's part of LoadSecs (offline import)
	MemNbr, MemPaths       latency
	Neo4jNbr, Neo4jPaths   latency
	LoadSecs, LoadNodesSec float64
	LoadRowsSec            float64
	NbrNodes, PathCount    int
}

type latency struct{ P50, P99 time.Duration }

const (
	neighbourhoodQuery = `query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 200) { truncated nodes { id } edges { source target type } } }`
	pathsQuery         = `query($from: ID!, $to: ID!) { paths(from: $from, to: $to, maxLength: 4, limit: 10) { length nodes { id } } }`
	// The questions start in the first block of every synthetic graph: the same shape at any size.
	scaleFrom = "fm-0-0"
	scaleTo   = "legal-0-0"
)

func runScale(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bin := fs.String("failgraph", "", "the failgraph binary (required)")
	sizes := fs.String("sizes", "10000,100000,1000000", "graph sizes in nodes, comma-separated")
	work := fs.String("work", ".cache/bench/scale", "where the synthetic seed directories go (kept, reused)")
	uri := fs.String("neo4j-uri", "", "a Neo4j to bulk load and query (its graph is replaced); none skips Neo4j")
	neo4jScript := fs.String("neo4j-script", "scripts/neo4j.sh", "restarts the Neo4j empty before each load (NEO4J_FRESH=1); empty: load into it as it is")
	requests := fs.Int("requests", 200, "timed requests per question (sequential, after 20 untimed)")
	filesMax := fs.Int("seed-files-max", 100000, "also time serve --seed-dir from seed files up to this many nodes (0: never)")
	loadHow := fs.String("neo4j-load", "import", "how to load Neo4j: import (offline, neo4j-admin via --neo4j-script) or bolt (failgraph synth --neo4j)")
	out := fs.String("out", "", "also write the markdown report to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bin == "" {
		return fmt.Errorf("--failgraph is required")
	}
	if *loadHow != "import" && *loadHow != "bolt" {
		return fmt.Errorf("--neo4j-load: want import or bolt, got %q", *loadHow)
	}
	if *loadHow == "import" && *uri != "" && *neo4jScript == "" {
		return fmt.Errorf("--neo4j-load import needs --neo4j-script")
	}
	progress := func(format string, a ...any) { fmt.Fprintf(stderr, "bench scale: "+format+"\n", a...) }
	template, err := seed.Load()
	if err != nil {
		return err
	}
	mix := synth.MixOf(template)
	var rows []scaleRow
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < synth.MinNodes {
			return fmt.Errorf("--sizes: %q is not a size of at least %d", f, synth.MinNodes)
		}
		row := scaleRow{Nodes: n}
		dir := filepath.Join(*work, strconv.Itoa(n))

		// Heap of the embedded store, in this process: after a GC, with the input graph dropped.
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		t := time.Now()
		g, err := synth.Generate(n, mix)
		if err != nil {
			return err
		}
		row.SynthSecs = time.Since(t).Seconds()
		row.Edges = len(g.Edges)
		store, err := memstore.New(g)
		if err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(dir, "failure_modes.yaml")); err != nil && n <= *filesMax {
			progress("%d nodes: writing seed files into %s", n, dir)
			if err := seed.WriteDir(dir, g); err != nil {
				return err
			}
		}
		g = nil
		runtime.GC()
		runtime.ReadMemStats(&ms)
		row.HeapBytes = float64(ms.HeapAlloc) - float64(base)
		runtime.KeepAlive(store)
		store = nil
		runtime.GC()
		progress("%d nodes, %d edges: embedded store %.0f MiB of heap, %.0f B per edge", n, row.Edges, row.HeapBytes/(1<<20), row.HeapBytes/float64(row.Edges))

		// The embedded store behind failgraph serve: the graph made in process, then (start-up
		// only) the same graph decoded from its seed files.
		row.MemStart, row.MemNbr, row.MemPaths, row.NbrNodes, row.PathCount, err = measureServe(ctx, *bin, *requests,
			[]string{"serve", "--addr", "127.0.0.1:0", "--synth", strconv.Itoa(n), "--log-level", "warn"})
		if err != nil {
			return fmt.Errorf("%d nodes, embedded: %w", n, err)
		}
		progress("%d nodes, embedded (--synth): start-up %v, neighbourhood p50 %v, paths p50 %v", n, row.MemStart, row.MemNbr.P50, row.MemPaths.P50)
		if n <= *filesMax {
			if row.FilesStart, _, _, _, _, err = measureServe(ctx, *bin, 0,
				[]string{"serve", "--addr", "127.0.0.1:0", "--seed-dir", dir, "--log-level", "warn"}); err != nil {
				return fmt.Errorf("%d nodes, embedded from seed files: %w", n, err)
			}
			progress("%d nodes, embedded (--seed-dir): start-up %v", n, row.FilesStart)
		}

		if *uri != "" && *loadHow == "bolt" {
			if *neo4jScript != "" {
				progress("%d nodes: restarting Neo4j empty (%s)", n, *neo4jScript)
				if err := restartFresh(ctx, *neo4jScript, stderr); err != nil {
					return err
				}
			}
			progress("%d nodes: failgraph synth --neo4j", n)
			cmd := exec.CommandContext(ctx, *bin, "synth", "--nodes", strconv.Itoa(n), "--neo4j", "--neo4j-uri", *uri)
			cmd.Stderr = stderr
			outb, err := cmd.Output()
			if err != nil {
				return fmt.Errorf("failgraph synth --neo4j: %w: %s", err, outb)
			}
			m := regexp.MustCompile(`in ([^:]+): ([0-9.]+) nodes/s, ([0-9.]+) rows/s`).FindSubmatch(outb)
			if m == nil {
				return fmt.Errorf("cannot read the load rate from %q", outb)
			}
			d, _ := time.ParseDuration(string(m[1]))
			row.LoadSecs = d.Seconds()
			row.LoadNodesSec, _ = strconv.ParseFloat(string(m[2]), 64)
			row.LoadRowsSec, _ = strconv.ParseFloat(string(m[3]), 64)
		}
		if *uri != "" && *loadHow == "import" {
			// The whole offline load, timed from the graph in memory to a database with its
			// indexes online and its load recorded: writing the files, the import tool, the
			// restart and the index build.
			imp := filepath.Join(*work, "import-"+strconv.Itoa(n))
			if err := os.RemoveAll(imp); err != nil {
				return err
			}
			t := time.Now()
			for _, step := range []struct {
				name string
				cmd  *exec.Cmd
			}{
				{"failgraph synth --import-dir", exec.CommandContext(ctx, *bin, "synth", "--nodes", strconv.Itoa(n), "--import-dir", imp)},
				{*neo4jScript + " import", exec.CommandContext(ctx, *neo4jScript, "import", imp)},
				{"failgraph synth --finish-import", exec.CommandContext(ctx, *bin, "synth", "--finish-import", imp, "--neo4j-uri", *uri)},
			} {
				progress("%d nodes: %s", n, step.name)
				step.cmd.Stdout, step.cmd.Stderr = stderr, stderr
				ts := time.Now()
				if err := step.cmd.Run(); err != nil {
					return fmt.Errorf("%s: %w", step.name, err)
				}
				if strings.HasSuffix(step.name, " import") {
					row.ImportSecs = time.Since(ts).Seconds()
				}
			}
			row.LoadSecs = time.Since(t).Seconds()
			row.LoadNodesSec = float64(n) / row.LoadSecs
			row.LoadRowsSec = float64(n+row.Edges) / row.LoadSecs
			// The import files are as large as the seed files; only the database keeps them.
			if err := os.RemoveAll(imp); err != nil {
				return err
			}
		}
		if *uri != "" {
			var nn, pc int
			row.Neo4jStart, row.Neo4jNbr, row.Neo4jPaths, nn, pc, err = measureServe(ctx, *bin, *requests,
				[]string{"serve", "--addr", "127.0.0.1:0", "--store", "neo4j", "--neo4j-uri", *uri, "--log-level", "warn"})
			if err != nil {
				return fmt.Errorf("%d nodes, Neo4j: %w", n, err)
			}
			if nn != row.NbrNodes || pc != row.PathCount {
				return fmt.Errorf("%d nodes: Neo4j answers %d neighbourhood nodes and %d paths, the embedded store %d and %d", n, nn, pc, row.NbrNodes, row.PathCount)
			}
			progress("%d nodes, Neo4j: loaded in %.1f s (%.0f nodes/s), start-up %v, neighbourhood p50 %v, paths p50 %v",
				n, row.LoadSecs, row.LoadNodesSec, row.Neo4jStart, row.Neo4jNbr.P50, row.Neo4jPaths.P50)
		}
		rows = append(rows, row)
	}
	report := scaleMarkdown(rows, *uri != "")
	fmt.Fprint(stdout, report)
	if *out != "" {
		return os.WriteFile(*out, []byte(report), 0o644)
	}
	return nil
}

func restartFresh(ctx context.Context, script string, stderr io.Writer) error {
	stop := exec.CommandContext(ctx, script, "stop")
	stop.Stdout, stop.Stderr = stderr, stderr
	if err := stop.Run(); err != nil {
		return fmt.Errorf("%s stop: %w", script, err)
	}
	start := exec.CommandContext(ctx, script, "start")
	start.Env = append(os.Environ(), "NEO4J_FRESH=1")
	start.Stdout, start.Stderr = stderr, stderr
	if err := start.Run(); err != nil {
		return fmt.Errorf("%s start: %w", script, err)
	}
	return nil
}

// measureServe starts failgraph with args, times its start-up (to "listening"), then asks the
// depth-2 neighbourhood and the paths question requests times each, one at a time.
func measureServe(ctx context.Context, bin string, requests int, args []string) (start time.Duration, nbr, paths latency, nodes, pathCount int, err error) {
	logFile := filepath.Join(os.TempDir(), fmt.Sprintf("failgraph-bench-scale-%d.log", os.Getpid()))
	defer os.Remove(logFile)
	t := time.Now()
	cmd, base, err := startProcess(ctx, logFile, bin, args...)
	if err != nil {
		return
	}
	defer stopProcess(cmd)
	c := &http.Client{Timeout: 60 * time.Second}
	// Start-up is to ready, not to listening: serve --store neo4j listens at once and connects in
	// the background (/readyz 503 until then).
	for {
		resp, rerr := c.Get(base + "/readyz")
		if rerr == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(t) > 10*time.Minute {
			err = fmt.Errorf("not ready after 10 minutes")
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	start = time.Since(t)
	if requests <= 0 {
		return
	}
	ask := func(query string, vars map[string]any) ([]byte, error) {
		resp, err := c.Post(base+"/graphql", "application/json", bytes.NewReader(body(query, vars)))
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && (resp.StatusCode != http.StatusOK || bytes.Contains(b, []byte(`"errors"`))) {
			err = fmt.Errorf("status %d: %.300s", resp.StatusCode, b)
		}
		return b, err
	}
	time1 := func(query string, vars map[string]any) (latency, []byte, error) {
		var ds []time.Duration
		var last []byte
		for i := 0; i < 20+requests; i++ {
			t := time.Now()
			b, err := ask(query, vars)
			if err != nil {
				return latency{}, nil, err
			}
			if i >= 20 {
				ds = append(ds, time.Since(t))
			}
			last = b
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return latency{ds[len(ds)/2], ds[len(ds)*99/100]}, last, nil
	}
	var b []byte
	if nbr, b, err = time1(neighbourhoodQuery, map[string]any{"id": scaleFrom}); err != nil {
		return
	}
	var nr struct {
		Data struct {
			Neighborhood struct {
				Nodes []struct{ ID string } `json:"nodes"`
			} `json:"neighborhood"`
		} `json:"data"`
	}
	if err = json.Unmarshal(b, &nr); err != nil {
		return
	}
	nodes = len(nr.Data.Neighborhood.Nodes)
	if paths, b, err = time1(pathsQuery, map[string]any{"from": scaleFrom, "to": scaleTo}); err != nil {
		return
	}
	var pr struct {
		Data struct {
			Paths []json.RawMessage `json:"paths"`
		} `json:"data"`
	}
	if err = json.Unmarshal(b, &pr); err != nil {
		return
	}
	pathCount = len(pr.Data.Paths)
	return
}

func scaleMarkdown(rows []scaleRow, neo bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Run finished %s (%d CPUs). Neighbourhood: depth 2 of `%s`, limit 200; paths: `%s` → `%s`, maxLength 4, limit 10; sequential requests over HTTP to failgraph serve, p50 (p99).\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), scaleFrom, scaleFrom, scaleTo)
	b.WriteString("| nodes | edges | embedded heap | per edge | embedded start-up, --synth | from seed files | neighbourhood, embedded | paths, embedded |")
	if neo {
		b.WriteString(" Neo4j bulk load (import tool) | nodes/s (rows/s) | Neo4j start-up | neighbourhood, Neo4j | paths, Neo4j |")
	}
	b.WriteString(" answer: nodes, paths |\n|---:|---:|---:|---:|---:|---:|---:|---:|")
	if neo {
		b.WriteString("---:|---:|---:|---:|---:|")
	}
	b.WriteString("---:|\n")
	lat := func(l latency) string { return fmt.Sprintf("%s (%s)", dur(l.P50), dur(l.P99)) }
	for _, r := range rows {
		files := "not measured"
		if r.FilesStart > 0 {
			files = dur(r.FilesStart)
		}
		fmt.Fprintf(&b, "| %s | %s | %.0f MiB | %.0f B | %s | %s | %s | %s |", thousands(float64(r.Nodes)), thousands(float64(r.Edges)),
			r.HeapBytes/(1<<20), r.HeapBytes/float64(r.Edges), dur(r.MemStart), files, lat(r.MemNbr), lat(r.MemPaths))
		if neo {
			load := fmt.Sprintf("%.1f s", r.LoadSecs)
			if r.ImportSecs > 0 {
				load += fmt.Sprintf(" (%.1f s)", r.ImportSecs)
			}
			fmt.Fprintf(&b, " %s | %s (%s) | %s | %s | %s |", load, thousands(r.LoadNodesSec), thousands(r.LoadRowsSec),
				dur(r.Neo4jStart), lat(r.Neo4jNbr), lat(r.Neo4jPaths))
		}
		fmt.Fprintf(&b, " %d, %d |\n", r.NbrNodes, r.PathCount)
	}
	return b.String()
}

func dur(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms >= 1000:
		return fmt.Sprintf("%.2f s", ms/1000)
	case ms >= 10:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.2f ms", ms)
}
