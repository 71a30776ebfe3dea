package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateCommand(t *testing.T) {
	noenv := func(string) string { return "" }
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"validate", filepath.Join("..", "..", "seed", "testdata", "minimal")}, noenv, &out, &errb); err != nil {
		t.Fatalf("minimal fixture: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "valid:") {
		t.Errorf("stdout %q", out.String())
	}

	// A broken copy: every problem is listed with its file and line, and the command fails.
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "seed", "testdata", "minimal", "graph.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(src), "intent: unintentional", "intent: accidental", 1)
	broken = strings.Replace(broken, "    category: data\n", "    category: data\n    colour: red\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "graph.yaml"), []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errb.Reset()
	err = run(context.Background(), []string{"validate", dir}, noenv, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "2 problem(s)") {
		t.Fatalf("broken seed: err = %v, want 2 problems; stderr:\n%s", err, errb.String())
	}
	for _, want := range []string{filepath.Join(dir, "graph.yaml") + ":", "intent must be", `unknown field "colour"`} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
}
