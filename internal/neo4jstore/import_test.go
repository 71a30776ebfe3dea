package neo4jstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/neo4jstore"
	"github.com/failgraph/failgraph/internal/neo4jtest"
)

// The offline import (WriteImport, scripts/neo4j.sh import, FinishImport) leaves the database
// answering exactly as a Load of the same graph does, with the same record of what was loaded.
// It stops and replaces a database, so it runs on the fault tests' instance, under their lock.
func TestImportAnswersAsLoad(t *testing.T) {
	neo4jtest.Lock(t, fmt.Sprintf("bolt://127.0.0.1:%d", faultPort))
	in := neo4jtest.StartInstance(t, faultInstance, faultPort)
	g := shipped(t)
	// A summary over several lines and a list whose elements hold the CSV's own delimiter and quote.
	g = cloneGraph(g)
	g.Nodes[0].Summary = "first line, with a comma\nsecond \"quoted\" line"
	g.Nodes[0].Aliases = []string{"a, b", "c \"d\"", "e;f"}
	dir := t.TempDir()
	m, err := neo4jstore.WriteImport(dir, g, nil)
	if err != nil {
		t.Fatal(err)
	}
	args, err := os.ReadFile(filepath.Join(dir, neo4jstore.ImportArgsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(args), "--multiline-fields=true") {
		t.Errorf("a summary over two lines, but the import is not told of multiline fields:\n%s", args)
	}
	in.Import(t, dir)
	s := openURI(t, in.URI)
	ctx := context.Background()

	// Before FinishImport the graph is there but no load is recorded; a manifest that does not
	// match what the database holds is refused and records nothing.
	wrong := *m
	wrong.Nodes = map[kg.Kind]int{}
	for k, c := range m.Nodes {
		wrong.Nodes[k] = c
	}
	wrong.Nodes[kg.KindReference]++
	if err := s.FinishImport(ctx, &wrong, nil); kg.ErrorCode(err) != kg.EINVALID {
		t.Fatalf("FinishImport with one Reference too many: %v, want %s", err, kg.EINVALID)
	}
	if st, err := s.Stats(ctx); err != nil || st.Loaded != nil {
		t.Fatalf("after a refused FinishImport: Stats.Loaded %+v (%v), want none", st.Loaded, err)
	}
	var pcts []float64
	if err := s.FinishImport(ctx, m, func(p float64) { pcts = append(pcts, p) }); err != nil {
		t.Fatal(err)
	}
	if len(pcts) == 0 || pcts[len(pcts)-1] != 100 {
		t.Errorf("index progress %v, want reports ending at 100", pcts)
	}
	ids := idsOf(g)
	got, want := snap(t, s, ids), memSnap(t, g, ids)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after an import:\nneo4j    %v %v\nmemstore %v %v", got.Stats, got.Stats.Loaded, want.Stats, want.Stats.Loaded)
		for i := range want.Nodes {
			if i < len(got.Nodes) && !reflect.DeepEqual(got.Nodes[i], want.Nodes[i]) {
				t.Errorf("node %d:\nneo4j    %s\nmemstore %s", i, sprint(got.Nodes[i]), sprint(want.Nodes[i]))
				break
			}
		}
	}
	mem, err := memstore.New(g)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"poisoning", "membership inference"} {
		w, err := mem.Search(ctx, q, nil, 10)
		if err != nil {
			t.Fatal(err)
		}
		h, err := s.Search(ctx, q, nil, 10)
		if err != nil {
			t.Fatalf("Search(%q) after an import: %v", q, err)
		}
		if len(h) == 0 || len(h) != len(w) || h[0].Node.ID != w[0].Node.ID {
			t.Errorf("Search(%q) after an import: %d hits, want %d with the same first", q, len(h), len(w))
		}
	}
}

// WriteImport checks the graph as Load does and refuses a value the CSV format cannot carry,
// naming the node.
func TestWriteImportRefuses(t *testing.T) {
	bad := cloneGraph(minimal(t))
	bad.Edges = append(bad.Edges, kg.Edge{Type: kg.RelCites, Source: bad.Nodes[0].ID, Target: "no-such-node"})
	if _, err := neo4jstore.WriteImport(t.TempDir(), bad, nil); kg.ErrorCode(err) != kg.EINVALID {
		t.Errorf("an edge to a missing node: %v, want %s", err, kg.EINVALID)
	}
	ctl := cloneGraph(minimal(t))
	ctl.Nodes[1].Aliases = []string{"x\x1fy"}
	_, err := neo4jstore.WriteImport(t.TempDir(), ctl, nil)
	if err == nil || !strings.Contains(err.Error(), ctl.Nodes[1].ID) || !strings.Contains(err.Error(), "U+001F") {
		t.Errorf("an alias holding U+001F: %v, want an error naming node %q and the character", err, ctl.Nodes[1].ID)
	}
}
