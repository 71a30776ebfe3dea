package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/neo4jtest"
	"github.com/failgraph/failgraph/seed"
)

// A seed killed half way, for real: the test binary runs itself as `failgraph seed` and SIGKILLs
// itself when its output shows a chosen moment of the load.
const (
	envKillSeedAt   = "FAILGRAPH_TEST_KILL_SEED_AT"   // the output that triggers the kill
	envKillSeedArgs = "FAILGRAPH_TEST_KILL_SEED_ARGS" // the seed command's arguments, as JSON
)

func TestMain(m *testing.M) {
	if at := os.Getenv(envKillSeedAt); at != "" {
		var args []string
		if err := json.Unmarshal([]byte(os.Getenv(envKillSeedArgs)), &args); err != nil {
			panic(err)
		}
		w := &killWhen{marker: at}
		err := run(context.Background(), append([]string{"seed"}, args...), os.Getenv, w, w)
		os.Stderr.WriteString("the seed was not killed: " + at + " never showed; " + w.b.String())
		if err != nil {
			os.Stderr.WriteString(err.Error())
		}
		os.Exit(3)
	}
	os.Exit(m.Run())
}

// killWhen kills the process, at once and without cleanup, when what was written to it contains
// marker.
type killWhen struct {
	marker string
	b      bytes.Buffer
}

func (k *killWhen) Write(p []byte) (int, error) {
	k.b.Write(p)
	if strings.Contains(k.b.String(), k.marker) {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
	return len(p), nil
}

// graphOf reads the whole graph a store holds back into a kg.Graph.
func graphOf(tb testing.TB, s kg.Store) *kg.Graph {
	tb.Helper()
	ctx := context.Background()
	g := &kg.Graph{}
	var ids []string
	for _, k := range kg.Kinds {
		ns, err := s.List(ctx, kg.Filter{Kind: k})
		if err != nil {
			tb.Fatal(err)
		}
		for _, n := range ns {
			g.Nodes = append(g.Nodes, n)
			ids = append(ids, n.ID)
		}
	}
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		adj, err := s.Adjacent(ctx, batch, kg.Out, nil)
		if err != nil {
			tb.Fatal(err)
		}
		for _, id := range batch {
			g.Edges = append(g.Edges, adj[id]...)
		}
	}
	return g
}

// TestKilledSeedLeavesAKnownGraph kills `failgraph seed` at moments of its load — while writing
// nodes, while writing relationships, after the commit — and checks that the database's record of
// what was loaded always describes the graph it holds: the hash of the graph read back equals the
// recorded hash, which is the old graph's before the commit and the new one's after. Seeding the
// graph the database holds then says "already loaded".
func TestKilledSeedLeavesAKnownGraph(t *testing.T) {
	uri := neo4jtest.URI(t)
	neo4jtest.Lock(t, uri)
	minimal, err := seed.LoadDir(minimalSeed)
	if err != nil {
		t.Fatal(err)
	}
	full, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	env := serveEnv("FAILGRAPH_NEO4J_URI", uri)
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"seed", "--replace", "--seed-dir", minimalSeed}, env, &out, &errb); err != nil {
		t.Fatalf("seed: %v\n%s", err, errb.String())
	}
	s := openNeo4jStore(t, uri)

	holds := func(t *testing.T, want *kg.Graph, when string) {
		t.Helper()
		st, err := s.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got := graphOf(t, s).Hash()
		if st.Loaded == nil || st.Loaded.Hash != got {
			t.Fatalf("%s: the database records %+v but holds the graph %s", when, st.Loaded, got)
		}
		if got != want.Hash() {
			t.Fatalf("%s: the database holds %s, want %s", when, got, want.Hash())
		}
	}
	holds(t, minimal, "after seeding the minimal graph")

	for _, c := range []struct {
		name, at string
		after    *kg.Graph
	}{
		{"while writing nodes", "\nnodes ", minimal},
		{"while writing relationships", "\nrelationships ", minimal},
		{"after the commit", "\nseeded ", full},
	} {
		t.Run(c.name, func(t *testing.T) {
			args, _ := json.Marshal([]string{"--replace", "--batch", "200"})
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), envKillSeedAt+"="+c.at, envKillSeedArgs+"="+string(args),
				"FAILGRAPH_NEO4J_URI="+uri, "FAILGRAPH_NEO4J_CHECK_TIMEOUT=1m")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("the seed process ended with %v, want killed at %q:\n%s", err, c.at, stderr.String())
			}
			holds(t, c.after, "a seed killed "+c.name)
		})
	}

	// The database holds the full seed now: seeding it again writes nothing.
	out.Reset()
	start := time.Now()
	if err := run(context.Background(), []string{"seed"}, env, &out, &errb); err != nil {
		t.Fatalf("seed: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "already loaded: ") || !strings.Contains(out.String(), full.Hash()) {
		t.Errorf("seeding the graph the database holds printed %q, want already loaded with %s", out.String(), full.Hash())
	}
	t.Logf("already loaded, in %v", time.Since(start).Round(time.Millisecond))

	out.Reset()
	if err := run(context.Background(), []string{"stats", "--neo4j"}, env, &out, &errb); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"loaded: " + full.Hash(), "that is the seed embedded in this binary"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stats --neo4j printed %q, want it to say %q", out.String(), want)
		}
	}
}
