package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/neo4jstore"
	"github.com/failgraph/failgraph/seed"
)

func TestSynthCommandWritesAValidSeed(t *testing.T) {
	noenv := func(string) string { return "" }
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"synth", "--nodes", "600", "--out", dir}, noenv, &out, &errb); err != nil {
		t.Fatalf("synth: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "wrote 600 nodes") {
		t.Errorf("stdout %q", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"validate", dir}, noenv, &out, &errb); err != nil {
		t.Fatalf("validate of the synthetic seed: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "600 nodes") {
		t.Errorf("validate: %q, want 600 nodes", out.String())
	}
}

func TestSynthCommandRefusesBadSettings(t *testing.T) {
	noenv := func(string) string { return "" }
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"synth", "--out", "x"}, "--nodes (default)"},
		{[]string{"synth", "--nodes", "5", "--out", "x"}, "want a number of nodes from 20"},
		{[]string{"synth", "--nodes", "100"}, "--out DIR, --neo4j, --import-dir DIR or several"},
		{[]string{"synth", "--finish-import", "/nonexistent/imp"}, "/nonexistent/imp/import.json"},
		{[]string{"synth", "--nodes", "100", "--neo4j", "--batch", "500", "--tx-rows", "100"}, "--tx-rows"},
		{[]string{"synth", "--nodes", "100", "--neo4j", "--neo4j-uri", "http://x"}, "--neo4j-uri"},
	} {
		var out, errb bytes.Buffer
		err := run(context.Background(), c.args, noenv, &out, &errb)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want it to name %q", c.args, err, c.want)
		}
	}
}

// synth --import-dir writes the offline import's files and a manifest that counts the same graph
// as --out's seed files.
func TestSynthCommandWritesImportFiles(t *testing.T) {
	noenv := func(string) string { return "" }
	dir, seedDir := t.TempDir(), t.TempDir()
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"synth", "--nodes", "600", "--import-dir", dir, "--out", seedDir}, noenv, &out, &errb); err != nil {
		t.Fatalf("synth: %v\n%s", err, errb.String())
	}
	m, err := neo4jstore.ReadImportManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	g, err := seed.LoadDir(seedDir)
	if err != nil {
		t.Fatal(err)
	}
	nodes := 0
	for k, c := range m.Nodes {
		nodes += c
		if _, err := os.Stat(filepath.Join(dir, "nodes-"+string(k)+".csv")); err != nil {
			t.Error(err)
		}
	}
	if nodes != 600 || m.Hash != g.Hash() {
		t.Errorf("manifest: %d nodes, hash %s; want 600 and the seed files' %s", nodes, m.Hash, g.Hash())
	}
}

// serve --synth N serves the graph that synth --nodes N writes, and refuses what cannot work.
func TestServeSynthIsTheSynthGraph(t *testing.T) {
	noenv := func(string) string { return "" }
	c, err := parseServeConfig([]string{"--synth", "600"}, noenv, &bytes.Buffer{})
	if err != nil || c.Synth != 600 {
		t.Fatalf("--synth 600: %+v, %v", c.Synth, err)
	}
	g, err := synthGraph(c.Synth)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := run(context.Background(), []string{"synth", "--nodes", "600", "--out", dir}, noenv, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	fromFiles, err := seed.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes) != 600 || g.Hash() != fromFiles.Hash() {
		t.Errorf("serve --synth 600: %d nodes, hash %s; synth --out's files: %s", len(g.Nodes), g.Hash(), fromFiles.Hash())
	}
	for _, args := range [][]string{{"--synth", "5"}, {"--synth", "x"}, {"--synth", "600", "--seed-dir", dir}, {"--synth", "600", "--store", "neo4j"}} {
		if _, err := parseServeConfig(args, noenv, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "--synth") {
			t.Errorf("%v: %v, want an error naming --synth", args, err)
		}
	}
}
