package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// A target is one server under test. Each question is asked at URL(q) with Body(q).
type target struct {
	Key, Name string
	UsesNeo4j bool
	Dialect   string // "failgraph", "peer" or "floor": which query a question sends
	Base      string // http://127.0.0.1:PORT
	cmd       *exec.Cmd
	stop      func()
}

func (t *target) URL(q *question) string {
	switch t.Dialect {
	case "floor":
		return t.Base + "/" + q.Name
	default:
		return t.Base + "/graphql"
	}
}

func (t *target) Body(q *question) []byte {
	if t.Dialect == "peer" {
		return body(q.Peer, q.Variables)
	}
	return body(q.Failgraph, q.Variables)
}

// Pid is the target's process, or 0 when it runs inside this one (tests).
func (t *target) Pid() int {
	if t.cmd == nil || t.cmd.Process == nil {
		return 0
	}
	return t.cmd.Process.Pid
}

// The targets in the table's column order.
var targetOrder = []struct{ Key, Name string }{
	{"bare", "bare net/http"},
	{"memory", "failgraph memory"},
	{"neo4j", "failgraph Neo4j"},
	{"peer", "@neo4j/graphql 7.6.3 (same Neo4j)"},
	{"cypher", "raw Cypher, Go driver"},
}

// startProcess starts a server and waits for the line "listening on http://HOST:PORT..." on its
// stdout; its stderr goes to logFile.
func startProcess(ctx context.Context, logFile string, name string, args ...string) (*exec.Cmd, string, error) {
	cmd := exec.Command(name, args...)
	log, err := os.Create(logFile)
	if err != nil {
		return nil, "", err
	}
	cmd.Stderr = log
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "listening on "); ok && !sent {
				u := strings.TrimSuffix(strings.Fields(rest)[0], "/graphql")
				found <- u
				sent = true
			}
		}
		if !sent {
			close(found)
		}
	}()
	timer := time.NewTimer(2 * time.Minute)
	defer timer.Stop()
	select {
	case u, ok := <-found:
		if ok {
			return cmd, u, nil
		}
		_ = cmd.Wait()
		return nil, "", fmt.Errorf("%s exited before listening; its log: %s", name, tail(logFile))
	case <-timer.C:
	case <-ctx.Done():
	}
	stopProcess(cmd)
	return nil, "", fmt.Errorf("%s did not listen within 2 minutes; its log: %s", name, tail(logFile))
}

// stopProcess sends SIGTERM to the process group, then SIGKILL after 10 s.
func stopProcess(cmd *exec.Cmd) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

func tail(file string) string {
	b, _ := os.ReadFile(file)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// ask sends q to t once and returns the answer's body, which must come with status 200.
func ask(ctx context.Context, c *http.Client, t *target, q *question) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL(q), bytes.NewReader(t.Body(q)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d: %.300s", resp.StatusCode, b)
	}
	return b, nil
}

// check asks every question of every target once and fails unless all give the same ids as the
// first target that answers in failgraph's dialect. It returns failgraph memory's answers (the
// bare floor's canned bytes) by question.
func check(ctx context.Context, targets []*target, qs []*question) (map[string][]byte, error) {
	c := &http.Client{Timeout: 30 * time.Second}
	answers := map[string][]byte{}
	var problems []string
	for _, q := range qs {
		var want string
		var wantFrom string
		for _, t := range targets {
			b, err := ask(ctx, c, t, q)
			if err != nil {
				problems = append(problems, fmt.Sprintf("(%s) %s: %v", q.Name, t.Name, err))
				continue
			}
			tr, n, err := Tree(b)
			if err != nil {
				problems = append(problems, fmt.Sprintf("(%s) %s: %v", q.Name, t.Name, err))
				continue
			}
			if t.Key == "memory" {
				answers[q.Name] = b
				q.IDsPerReply = n
			}
			if wantFrom == "" {
				want, wantFrom = tr, t.Name
				continue
			}
			if tr != want {
				problems = append(problems, fmt.Sprintf("(%s) %s and %s return different ids:\n  %s: %.400s\n  %s: %.400s",
					q.Name, wantFrom, t.Name, wantFrom, want, t.Name, tr))
			}
		}
	}
	if len(problems) > 0 {
		return nil, errors.New("the targets disagree, so nothing was timed:\n" + strings.Join(problems, "\n"))
	}
	return answers, nil
}

// freeAddr is a loopback address with a port nobody listens on now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// runFloor serves one floor until ctx ends: bench floor --kind bare --answers FILE, or
// bench floor --kind cypher --neo4j-uri URI.
func runFloor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kind := fs.String("kind", "", "bare or cypher")
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	answersFile := fs.String("answers", "", "bare: a JSON file of the canned answers by question")
	uri := fs.String("neo4j-uri", "bolt://127.0.0.1:7687", "cypher: the Neo4j to ask")
	database := fs.String("neo4j-database", "neo4j", "cypher: the database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var h http.Handler
	switch *kind {
	case "bare":
		raw, err := os.ReadFile(*answersFile)
		if err != nil {
			return err
		}
		var answers map[string]string
		if err := json.Unmarshal(raw, &answers); err != nil {
			return fmt.Errorf("%s: %w", *answersFile, err)
		}
		bs := map[string][]byte{}
		for k, v := range answers {
			bs[k] = []byte(v)
		}
		h = bareHandler(bs)
	case "cypher":
		d, err := neo4j.NewDriverWithContext(*uri, neo4j.NoAuth())
		if err != nil {
			return err
		}
		defer d.Close(context.WithoutCancel(ctx))
		if err := d.VerifyConnectivity(ctx); err != nil {
			return fmt.Errorf("%s: %w", *uri, err)
		}
		h = cypherHandler(d, *database)
	default:
		return fmt.Errorf("--kind: want bare or cypher, got %q", *kind)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.WithoutCancel(ctx))
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
