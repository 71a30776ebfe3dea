package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// peersConfig are the settings of bench peers.
type peersConfig struct {
	Neo4jURI  string
	Neo4jPid  int
	Failgraph string // the failgraph binary
	PeerDir   string // bench/peer, with node_modules installed
	Node      string
	Duration  time.Duration
	Warmup    time.Duration
	Rounds    int
	Clients   []int
	Questions []*question
	Out       string // also write the markdown here
}

func parsePeersConfig(args []string, stderr io.Writer) (peersConfig, error) {
	fs := flag.NewFlagSet("peers", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c peersConfig
	fs.StringVar(&c.Neo4jURI, "neo4j-uri", "", "the Neo4j both Neo4j-backed servers and the raw floor use (required; it is re-seeded)")
	fs.IntVar(&c.Neo4jPid, "neo4j-pid", 0, "Neo4j's process id, so that its CPU counts as ours, not others'")
	fs.StringVar(&c.Failgraph, "failgraph", "", "the failgraph binary to run (required)")
	fs.StringVar(&c.PeerDir, "peer-dir", "bench/peer", "the @neo4j/graphql peer's directory, after npm ci")
	fs.StringVar(&c.Node, "node", "node", "the Node.js binary")
	fs.DurationVar(&c.Duration, "duration", 10*time.Second, "length of one timed round (whole seconds)")
	fs.DurationVar(&c.Warmup, "warmup", 2*time.Second, "untimed warm-up of each target before each question and client count")
	fs.IntVar(&c.Rounds, "rounds", 1, "timed rounds per target, alternating targets")
	clients := fs.String("clients", "1,8,32", "closed-loop client counts, comma-separated")
	qs := fs.String("questions", "a,b,c", "the questions to time, comma-separated")
	fs.StringVar(&c.Out, "out", "", "also write the markdown report to this file")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.Neo4jURI == "" || c.Failgraph == "" {
		return c, fmt.Errorf("--neo4j-uri and --failgraph are required")
	}
	if c.Duration < time.Second || c.Duration > 5*time.Minute || c.Warmup < 0 || c.Warmup > time.Minute {
		return c, fmt.Errorf("--duration from 1s to 5m and --warmup from 0 to 1m, got %v and %v", c.Duration, c.Warmup)
	}
	if c.Rounds < 1 || c.Rounds > 10 {
		return c, fmt.Errorf("--rounds: 1 to 10, got %d", c.Rounds)
	}
	for _, f := range strings.Split(*clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 256 {
			return c, fmt.Errorf("--clients: want counts from 1 to 256, got %q", f)
		}
		c.Clients = append(c.Clients, n)
	}
	for _, name := range strings.Split(*qs, ",") {
		found := false
		for _, q := range questions {
			if q.Name == strings.TrimSpace(name) {
				c.Questions = append(c.Questions, q)
				found = true
			}
		}
		if !found {
			return c, fmt.Errorf("--questions: no question %q (a, b or c)", name)
		}
	}
	return c, nil
}

// result is one timed round of one target.
type result struct {
	Q        string
	Clients  int
	Target   string
	Requests int64
	Seconds  float64
	P50, P99 float64 // ms
	Errors   int64   // connection errors, timeouts and non-2xx answers
	CPU      cpuUse
}

func (r result) RPS() float64 { return float64(r.Requests) / r.Seconds }

func runPeers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parsePeersConfig(args, stderr)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "failgraph-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	progress := func(format string, a ...any) { fmt.Fprintf(stderr, "bench: "+format+"\n", a...) }

	progress("seeding %s with the shipped seed (failgraph seed --replace)", c.Neo4jURI)
	seedCmd := exec.CommandContext(ctx, c.Failgraph, "seed", "--replace", "--neo4j-uri", c.Neo4jURI)
	seedCmd.Stderr = io.Discard
	if out, err := seedCmd.Output(); err != nil {
		return fmt.Errorf("failgraph seed: %v: %s", err, out)
	}

	targets, stopAll, err := startTargets(ctx, c, tmp, progress)
	defer stopAll()
	if err != nil {
		return err
	}
	progress("checking that every target returns the same ids")
	var started []*target
	for _, t := range targets {
		if t.Base != "" {
			started = append(started, t)
		}
	}
	answers, err := check(ctx, started, c.Questions)
	if err != nil {
		return err
	}
	// The bare floor answers failgraph's bytes, now that they are known.
	if err := startBare(ctx, targets, answers, tmp); err != nil {
		return err
	}
	if _, err := check(ctx, targets, c.Questions); err != nil {
		return err
	}
	for _, q := range c.Questions {
		progress("(%s) %s: every target returns the same %d ids", q.Name, q.Title, q.IDsPerReply)
	}

	total := len(c.Questions) * len(c.Clients) * len(targets) * (c.Rounds*int(c.Duration.Seconds()) + int(c.Warmup.Seconds()))
	progress("timing %d questions × %d client counts × %d targets, about %v", len(c.Questions), len(c.Clients), len(targets),
		(time.Duration(total) * time.Second).Round(time.Second))
	var results []result
	ours := []int{os.Getpid(), c.Neo4jPid}
	for _, t := range targets {
		ours = append(ours, t.Pid())
	}
	ac := filepath.Join(c.PeerDir, "load.mjs")
	for _, q := range c.Questions {
		for _, n := range c.Clients {
			if c.Warmup > 0 {
				for _, t := range targets {
					if _, err := autocannon(ctx, c.Node, ac, t, q, n, c.Warmup, ours, c.Neo4jPid); err != nil {
						return fmt.Errorf("warm-up of %s: %w", t.Name, err)
					}
				}
			}
			for r := 0; r < c.Rounds; r++ {
				for i := range targets {
					t := targets[(i+r)%len(targets)]
					res, err := autocannon(ctx, c.Node, ac, t, q, n, c.Duration, ours, c.Neo4jPid)
					if err != nil {
						return fmt.Errorf("(%s) %s at %d clients: %w", q.Name, t.Name, n, err)
					}
					res.Q, res.Clients, res.Target = q.Name, n, t.Key
					progress("(%s) %2d clients %-34s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d  CPUs: server %.2f, Neo4j %.2f, client %.2f, others %.2f",
						q.Name, n, t.Name, res.RPS(), res.P50, res.P99, res.Errors, res.CPU.Server, res.CPU.Neo4j, res.CPU.Client, res.CPU.Others)
					results = append(results, res)
				}
			}
		}
	}
	report := markdown(c, targets, results)
	fmt.Fprint(stdout, report)
	if c.Out != "" {
		return os.WriteFile(c.Out, []byte(report), 0o644)
	}
	return nil
}

// startTargets starts every target but the bare floor, which needs failgraph's answers first.
func startTargets(ctx context.Context, c peersConfig, tmp string, progress func(string, ...any)) ([]*target, func(), error) {
	var targets []*target
	stopAll := func() {
		for _, t := range targets {
			if t.stop != nil {
				t.stop()
			}
		}
	}
	self, err := os.Executable()
	if err != nil {
		return nil, stopAll, err
	}
	for _, o := range targetOrder {
		t := &target{Key: o.Key, Name: o.Name}
		targets = append(targets, t)
		var name string
		var args []string
		switch o.Key {
		case "bare":
			t.Dialect = "floor"
			continue
		case "memory":
			t.Dialect = "failgraph"
			name, args = c.Failgraph, []string{"serve", "--addr", "127.0.0.1:0"}
		case "neo4j":
			t.Dialect, t.UsesNeo4j = "failgraph", true
			name, args = c.Failgraph, []string{"serve", "--addr", "127.0.0.1:0", "--store", "neo4j", "--neo4j-uri", c.Neo4jURI}
		case "peer":
			t.Dialect, t.UsesNeo4j = "peer", true
			name, args = c.Node, []string{filepath.Join(c.PeerDir, "server.mjs"), "--neo4j", c.Neo4jURI, "--port", "0"}
		case "cypher":
			t.Dialect, t.UsesNeo4j = "floor", true
			name, args = self, []string{"floor", "--kind", "cypher", "--neo4j-uri", c.Neo4jURI}
		}
		progress("starting %s", o.Name)
		cmd, base, err := startProcess(ctx, filepath.Join(tmp, o.Key+".log"), name, args...)
		if err != nil {
			return targets, stopAll, fmt.Errorf("%s: %w", o.Name, err)
		}
		t.cmd, t.Base, t.stop = cmd, base, func() { stopProcess(cmd) }
	}
	return targets, stopAll, nil
}

// startBare starts the bare floor with the canned answers.
func startBare(ctx context.Context, targets []*target, answers map[string][]byte, tmp string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	strs := map[string]string{}
	for k, v := range answers {
		strs[k] = string(v)
	}
	raw, _ := json.Marshal(strs)
	file := filepath.Join(tmp, "answers.json")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		return err
	}
	for _, t := range targets {
		if t.Key != "bare" {
			continue
		}
		cmd, base, err := startProcess(ctx, filepath.Join(tmp, "bare.log"), self, "floor", "--kind", "bare", "--answers", file)
		if err != nil {
			return err
		}
		t.cmd, t.Base, t.stop = cmd, base, func() { stopProcess(cmd) }
	}
	return nil
}

// autocannon times one target (through bench/peer/load.mjs, which drives autocannon) with one question for d at n closed-loop connections, and measures
// the CPU of the target, Neo4j, the client and everything else over the same interval.
func autocannon(ctx context.Context, node, script string, t *target, q *question, n int, d time.Duration, ours []int, neo4jPid int) (result, error) {
	cmd := exec.CommandContext(ctx, node, script, "--url", t.URL(q), "--connections", strconv.Itoa(n),
		"--duration", strconv.Itoa(int(d.Seconds())), "--body", string(t.Body(q)))
	var stderrBuf strings.Builder
	cmd.Stderr = &stderrBuf
	before := sampleCPU(ours)
	out, err := cmd.Output()
	after := sampleCPU(ours)
	if err != nil {
		return result{}, fmt.Errorf("autocannon: %v: %s", err, stderrBuf.String())
	}
	var ac struct {
		P50      float64 `json:"p50"`
		P99      float64 `json:"p99"`
		Requests int64   `json:"requests"`
		Duration float64 `json:"duration"`
		Errors   int64   `json:"errors"`
		Timeouts int64   `json:"timeouts"`
		Non2xx   int64   `json:"non2xx"`
	}
	if err := json.Unmarshal(out, &ac); err != nil {
		return result{}, fmt.Errorf("autocannon's report: %v: %.300s", err, out)
	}
	res := result{Requests: ac.Requests, Seconds: ac.Duration, P50: ac.P50, P99: ac.P99,
		Errors: ac.Errors + ac.Timeouts + ac.Non2xx}
	if res.Seconds <= 0 {
		res.Seconds = d.Seconds()
	}
	client := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if !t.UsesNeo4j {
		neo4jPid = 0
	}
	res.CPU = cpuBetween(before, after, t.Pid(), neo4jPid, client)
	return res, nil
}

// markdown writes the report: the main table (req/s and p50 per target, ratios, others' CPU) and
// every round's details.
func markdown(c peersConfig, targets []*target, results []result) string {
	var b strings.Builder
	host, _ := os.Hostname()
	fmt.Fprintf(&b, "Run finished %s on %s (%d CPUs, %s/%s): autocannon 9.0.0, closed loop, %v warm-up per target, %d alternating round(s) of %v per target.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), host, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, c.Warmup, c.Rounds, c.Duration)
	for _, q := range c.Questions {
		fmt.Fprintf(&b, "- (%s) %s: %d ids per answer. failgraph: `%s`\n", q.Name, q.Title, q.IDsPerReply, q.Failgraph)
	}
	b.WriteString("\nReq/s, p50 in ms in brackets.\n\n| question, clients |")
	for _, t := range targets {
		fmt.Fprintf(&b, " %s |", t.Name)
	}
	b.WriteString(" failgraph Neo4j ÷ @neo4j/graphql (req/s) | failgraph memory ÷ bare | failgraph Neo4j p50 ÷ raw Cypher p50 | other processes, CPUs |\n|---|")
	for range targets {
		b.WriteString("---:|")
	}
	b.WriteString("---:|---:|---:|---:|\n")
	type cell struct {
		rps, p50 float64
		ok       bool
	}
	for _, q := range c.Questions {
		for _, n := range c.Clients {
			cells := map[string]cell{}
			others := 0.0
			for _, t := range targets {
				var reqs int64
				var secs float64
				var p50s []float64
				for _, r := range results {
					if r.Q == q.Name && r.Clients == n && r.Target == t.Key {
						reqs += r.Requests
						secs += r.Seconds
						p50s = append(p50s, r.P50)
						others = max(others, r.CPU.Others)
					}
				}
				if secs > 0 {
					sort.Float64s(p50s)
					cells[t.Key] = cell{float64(reqs) / secs, p50s[len(p50s)/2], true}
				}
			}
			fmt.Fprintf(&b, "| (%s), %d |", q.Name, n)
			for _, t := range targets {
				if x := cells[t.Key]; x.ok {
					fmt.Fprintf(&b, " %s (%s) |", thousands(x.rps), msStr(x.p50))
				} else {
					b.WriteString(" |")
				}
			}
			ratio := func(a, b cell, f func(cell) float64) string {
				if !a.ok || !b.ok || f(b) == 0 {
					return ""
				}
				return fmt.Sprintf("%.2f×", f(a)/f(b))
			}
			rps := func(x cell) float64 { return x.rps }
			p50 := func(x cell) float64 { return x.p50 }
			fmt.Fprintf(&b, " %s | %s | %s | %.2f |\n", ratio(cells["neo4j"], cells["peer"], rps), ratio(cells["memory"], cells["bare"], rps),
				ratio(cells["neo4j"], cells["cypher"], p50), others)
		}
	}
	b.WriteString("\nEvery round (CPUs used during it: the target's process, Neo4j's when the target uses it, the load tool's, and every other process's):\n\n")
	b.WriteString("| question | clients | target | requests | req/s | p50 ms | p99 ms | errors | server CPUs | Neo4j CPUs | client CPUs | other CPUs |\n")
	b.WriteString("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	names := map[string]string{}
	for _, t := range targets {
		names[t.Key] = t.Name
	}
	for _, r := range results {
		fmt.Fprintf(&b, "| (%s) | %d | %s | %d | %s | %s | %s | %d | %.2f | %.2f | %.2f | %.2f |\n", r.Q, r.Clients, names[r.Target], r.Requests,
			thousands(r.RPS()), msStr(r.P50), msStr(r.P99), r.Errors, r.CPU.Server, r.CPU.Neo4j, r.CPU.Client, r.CPU.Others)
	}
	return b.String()
}

func msStr(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// thousands formats v rounded, with commas: 12,345.
func thousands(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	return b.String()
}
