// Package neo4jtest gives tests a real Neo4j server: the one named by FAILGRAPH_TEST_NEO4J_URI, or
// else the repository's own (scripts/neo4j.sh start, which downloads Neo4j Community once and
// starts it in a few seconds). There is no fake and no skip: without a server, the tests fail and
// say how to get one.
//
// Neo4j Community has a single database, and go test runs packages in parallel processes, so every
// test that loads a graph first takes Lock, an exclusive file lock per server held until the test
// ends, and then loads what it needs.
//
// It does not import the Neo4j driver, so that the driver stays in internal/neo4jstore.
package neo4jtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// EnvURI names the environment variable that points the tests at an existing server, for example
// bolt://127.0.0.1:7687 for a "docker compose up neo4j".
const EnvURI = "FAILGRAPH_TEST_NEO4J_URI"

const howTo = "tests need a real Neo4j 5 server: run `make neo4j-up` (scripts/neo4j.sh start), " +
	"or set " + EnvURI + " to a running one, e.g. bolt://127.0.0.1:7687 after `docker compose up neo4j`"

// scriptTimeout bounds scripts/neo4j.sh: the first start downloads Neo4j from Maven Central.
const scriptTimeout = 10 * time.Minute

var (
	mu     sync.Mutex
	cached string // guarded by mu: the URI once known
)

// URI returns the Bolt URI of the test server, starting the repository's default instance when
// FAILGRAPH_TEST_NEO4J_URI is not set. It fails tb when no server can be had.
func URI(tb testing.TB) string {
	tb.Helper()
	if uri := os.Getenv(EnvURI); uri != "" {
		return uri
	}
	mu.Lock()
	defer mu.Unlock()
	if cached != "" {
		return cached
	}
	uri, err := script(nil, "start")
	if err != nil {
		tb.Fatalf("neo4jtest: %v\n%s", err, howTo)
	}
	cached = uri
	return uri
}

// RepoRoot returns the root of the failgraph repository the tests run from.
func RepoRoot() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		root := filepath.Join(filepath.Dir(file), "..", "..")
		if _, err := os.Stat(filepath.Join(root, "scripts", "neo4j.sh")); err == nil {
			return filepath.Clean(root), nil
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "scripts", "neo4j.sh")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no scripts/neo4j.sh above the working directory")
		}
		dir = parent
	}
}

// script runs scripts/neo4j.sh with extra environment and returns its trimmed stdout.
func script(env []string, args ...string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(root, "scripts", "neo4j.sh"), args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("scripts/neo4j.sh %s: %v\n%s", strings.Join(args, " "), err, lastLines(stderr.String(), 40))
	}
	return strings.TrimSpace(stdout.String()), nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Instance is a Neo4j server of its own (scripts/neo4j.sh with NEO4J_INSTANCE and NEO4J_BOLT_PORT)
// that a test may stop and start again, for fault tests. It does not share Lock with the default
// server.
type Instance struct {
	Name string
	Port int
	URI  string
}

// StartInstance starts the named instance on port and stops it when tb ends.
func StartInstance(tb testing.TB, name string, port int) *Instance {
	tb.Helper()
	in := StoppedInstance(tb, name, port)
	in.Start(tb)
	return in
}

// StoppedInstance returns the named instance on port, stopped (a test of what happens before the
// database is up starts it itself), and stops it when tb ends.
func StoppedInstance(tb testing.TB, name string, port int) *Instance {
	tb.Helper()
	in := &Instance{Name: name, Port: port, URI: fmt.Sprintf("bolt://127.0.0.1:%d", port)}
	tb.Cleanup(func() {
		if _, err := script(in.env(), "stop"); err != nil {
			tb.Errorf("neo4jtest: stopping instance %s: %v", name, err)
		}
	})
	in.Stop(tb)
	return in
}

func (in *Instance) env() []string {
	return []string{"NEO4J_INSTANCE=" + in.Name, "NEO4J_BOLT_PORT=" + strconv.Itoa(in.Port)}
}

// Start starts the instance if it is stopped and waits until Bolt answers.
func (in *Instance) Start(tb testing.TB) {
	tb.Helper()
	uri, err := script(in.env(), "start")
	if err != nil {
		tb.Fatalf("neo4jtest: starting instance %s: %v\n%s", in.Name, err, howTo)
	}
	in.URI = uri
}

// Stop stops the instance and waits until it is gone.
func (in *Instance) Stop(tb testing.TB) {
	tb.Helper()
	if _, err := script(in.env(), "stop"); err != nil {
		tb.Fatalf("neo4jtest: stopping instance %s: %v", in.Name, err)
	}
}

// Pid returns the process id of the running instance, as scripts/neo4j.sh records it.
func (in *Instance) Pid(tb testing.TB) int {
	tb.Helper()
	out, err := script(in.env(), "status")
	if err != nil {
		tb.Fatalf("neo4jtest: status of instance %s: %v", in.Name, err)
	}
	for _, f := range strings.Fields(out) {
		if p, ok := strings.CutPrefix(f, "pid="); ok {
			if pid, err := strconv.Atoi(p); err == nil {
				return pid
			}
		}
	}
	tb.Fatalf("neo4jtest: no pid in the status of instance %s: %q", in.Name, out)
	return 0
}

// Hang stops the instance's process with SIGSTOP: it keeps its port and accepts connections but
// answers nothing, as a server that hangs does. The returned function resumes it (SIGCONT); it
// also runs when tb ends, so that a failed test leaves no hung server behind.
func (in *Instance) Hang(tb testing.TB) (resume func()) {
	tb.Helper()
	pid := in.Pid(tb)
	var once sync.Once
	resume = func() {
		once.Do(func() {
			if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
				tb.Errorf("neo4jtest: resuming instance %s (pid %d): %v", in.Name, pid, err)
			}
		})
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		tb.Fatalf("neo4jtest: hanging instance %s (pid %d): %v", in.Name, pid, err)
	}
	tb.Cleanup(resume)
	return resume
}

// Import replaces the instance's database with the import files in dir (scripts/neo4j.sh import:
// it stops the instance, runs neo4j-admin database import full and starts it again).
func (in *Instance) Import(tb testing.TB, dir string) {
	tb.Helper()
	uri, err := script(in.env(), "import", dir)
	if err != nil {
		tb.Fatalf("neo4jtest: importing %s into instance %s: %v", dir, in.Name, err)
	}
	in.URI = uri
}
