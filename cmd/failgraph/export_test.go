package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/atlas/atlastest"
	"github.com/failgraph/failgraph/internal/export"
)

func TestExportCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "g.graphml")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"export", "--format", "graphml", "--out", out, "--focus", "model-inversion", "--depth", "1",
		"--atlas", atlastest.Fixture(t)}, serveEnv(), &stdout, &stderr)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Nodes []struct {
			ID string `xml:"id,attr"`
		} `xml:"graph>node"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil || len(doc.Nodes) < 5 || doc.Nodes[0].ID != "model-inversion" {
		t.Errorf("the GraphML of model-inversion's neighbourhood: %v, %d nodes", err, len(doc.Nodes))
	}
	if !strings.Contains(stderr.String(), "export: graphml, ") || stdout.Len() != 0 {
		t.Errorf("stderr %q, stdout %d bytes", stderr.String(), stdout.Len())
	}

	stdout.Reset()
	if err := run(context.Background(), []string{"export", "--format", "csv-failure-modes"}, serveEnv("FAILGRAPH_EXPORT_FOCUS", ""), &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stdout.String(), "number,id,name,intent,") || strings.Count(stdout.String(), "\r\n") < 18 {
		t.Errorf("csv to stdout: %q", stdout.String()[:min(100, stdout.Len())])
	}

	stdout.Reset()
	if err := run(context.Background(), []string{"export", "--help"}, serveEnv(), &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	for _, f := range export.Names() {
		if !strings.Contains(stdout.String(), "  "+f+" ") {
			t.Errorf("export --help does not list %s", f)
		}
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export"}, "--format (default): name a format"},
		{[]string{"export", "--format", "pdf"}, `unknown format "pdf"`},
		{[]string{"export", "--format", "stix", "--focus", "nope"}, `argument "focus": no node with id "nope"`},
		{[]string{"export", "--format", "stix", "--depth", "x"}, "--depth: want a whole number"},
		{[]string{"export", "--format", "stix", "--store", "neo4j", "--atlas", "x.yaml"}, "load ATLAS with failgraph seed --atlas"},
	} {
		err := run(context.Background(), c.args, serveEnv(), &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
	missing := filepath.Join(t.TempDir(), "no", "such", "dir", "x.json")
	if err := run(context.Background(), []string{"export", "--format", "stix", "--out", missing}, serveEnv(), &stdout, &stderr); err == nil {
		t.Error("export to a missing directory succeeded")
	}
}
