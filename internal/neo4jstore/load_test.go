package neo4jstore_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/neo4jstore"
)

// snapshot is everything a store holds, read through the Store interface.
type snapshot struct {
	Stats kg.Stats
	Nodes []*kg.Node
	Edges map[string][]kg.Edge
}

func snap(tb testing.TB, s kg.Store, ids []string) snapshot {
	tb.Helper()
	ctx := context.Background()
	st, err := s.Stats(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	// What was loaded is compared by hash and counts: the time of each load differs, and the
	// embedded store never merges.
	if l := st.Loaded; l != nil {
		st.Loaded = &kg.Loaded{Hash: l.Hash, Nodes: l.Nodes, Edges: l.Edges}
	}
	ns, err := s.Nodes(ctx, ids)
	if err != nil {
		tb.Fatal(err)
	}
	es, err := s.Adjacent(ctx, ids, kg.Out, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return snapshot{st, ns, es}
}

func idsOf(gs ...*kg.Graph) []string {
	var ids []string
	for _, g := range gs {
		for _, n := range g.Nodes {
			ids = append(ids, n.ID)
		}
	}
	return ids
}

func memSnap(tb testing.TB, g *kg.Graph, ids []string) snapshot {
	tb.Helper()
	m, err := memstore.New(g)
	if err != nil {
		tb.Fatal(err)
	}
	return snap(tb, m, ids)
}

func TestLoadTwiceChangesNothing(t *testing.T) {
	s := open(t)
	g := shipped(t)
	load(t, s, g)
	first := snap(t, s, idsOf(g))
	if err := s.Load(context.Background(), g, neo4jstore.LoadOptions{BatchSize: 50}); err != nil {
		t.Fatal(err)
	}
	second := snap(t, s, idsOf(g))
	if !reflect.DeepEqual(first, second) {
		t.Errorf("a second load changed the graph:\nbefore %v\nafter  %v", first.Stats, second.Stats)
	}
	if want := memSnap(t, g, idsOf(g)); !reflect.DeepEqual(second, want) {
		t.Errorf("after two loads the store differs from memstore:\nmemstore %v\nneo4j    %v", want.Stats, second.Stats)
	}
}

func TestLoadReplace(t *testing.T) {
	s := open(t)
	big, small := shipped(t), minimal(t)
	load(t, s, big)

	// Without Replace, the small graph's nodes and edges are upserted and the rest stays.
	if err := s.Load(context.Background(), small, neo4jstore.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if total(st.Nodes) < len(big.Nodes) {
		t.Errorf("without Replace: %d nodes, want at least the %d already there", total(st.Nodes), len(big.Nodes))
	}

	// With Replace, exactly the small graph remains: stale nodes, edges and fields are gone.
	changed := cloneGraph(small)
	changed.Nodes[0].Summary = ""
	changed.Nodes[0].Aliases = []string{}
	changed.Edges = changed.Edges[1:]
	load(t, s, changed)
	ids := idsOf(big, small)
	if got, want := snap(t, s, ids), memSnap(t, changed, ids); !reflect.DeepEqual(got, want) {
		t.Errorf("after Replace:\nneo4j    %v\nmemstore %v", got.Stats, want.Stats)
	}
}

// TestLoadIsAtomic makes a load fail half way, after its first batch was written inside the
// transaction, and checks that the previous graph is untouched.
func TestLoadIsAtomic(t *testing.T) {
	s := open(t)
	before := minimal(t)
	load(t, s, before)
	ids := idsOf(before, synthetic(500, 1500))
	want := snap(t, s, ids)

	for _, stage := range []string{neo4jstore.StageNodes, neo4jstore.StageRelationships} {
		t.Run("cancelled during "+stage, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			batches := 0
			err := s.Load(ctx, synthetic(500, 1500), neo4jstore.LoadOptions{
				Replace:   true,
				BatchSize: 100,
				Progress: func(st string, done, total int) {
					if st == stage {
						batches++
						cancel()
					}
				},
			})
			if batches != 1 {
				t.Errorf("%d batches of %s written before the cancellation took effect, want 1", batches, stage)
			}
			if kg.ErrorCode(err) != kg.ECANCELED {
				t.Fatalf("Load with a cancelled context: %v, want code %s", err, kg.ECANCELED)
			}
			if got := snap(t, s, ids); !reflect.DeepEqual(got, want) {
				t.Errorf("a failed load changed the graph:\nbefore %v\nafter  %v", want.Stats, got.Stats)
			}
		})
	}

	t.Run("invalid graph", func(t *testing.T) {
		bad := cloneGraph(before)
		bad.Edges = append(bad.Edges, kg.Edge{Type: kg.RelCites, Source: bad.Nodes[0].ID, Target: "no-such-reference"})
		err := s.Load(context.Background(), bad, neo4jstore.LoadOptions{Replace: true})
		if kg.ErrorCode(err) != kg.EINVALID {
			t.Fatalf("Load of an edge to a missing node: %v, want code %s", err, kg.EINVALID)
		}
		if got := snap(t, s, ids); !reflect.DeepEqual(got, want) {
			t.Errorf("a refused load changed the graph")
		}
	})
}

// TestNilAndEmptySurvive checks the encoding of every field: a node with every field set, one
// with every slice empty and one with every slice nil come back as kg.Node.Clone (and so the
// embedded store) gives them: empty slices become nil.
func TestNilAndEmptySurvive(t *testing.T) {
	s := open(t)
	yes, no := true, false
	full := &kg.Node{
		ID: "full", Kind: kg.KindFailureMode, Name: "Full – ünïcode ß", Summary: "s", Aliases: []string{"a", "b"},
		Notes: []string{"n"}, Number: 7, Intent: kg.Intentional, Compromises: []kg.SecurityProperty{kg.Integrity, kg.Safety},
		Knowledge: []kg.Knowledge{kg.BlackBox}, ViolatesAccessAuthorization: &yes, AccessCommentary: "ac", Example: "ex",
		Severity:    []kg.Severity{{Level: "high", Source: "src", Edition: "2024"}},
		ExternalIDs: []kg.ExternalID{{Framework: "ATLAS", Edition: "5", ID: "AML.T0020", Name: "Poison", URL: "https://x", Match: "exact"}},
		Category:    "c", Implies: []string{"i"}, Lifecycle: []string{"l"}, Jurisdiction: "EU", Instrument: "in", Citation: "ci",
		Year: 2020, Title: "t", Authors: []string{"au"}, Venue: "v", DOI: "10.1/x", ArXiv: "1234.5678", URL: "https://u",
		RefType: "paper", Questions: []string{"q?"},
		AtlasID: "AML.T0020", AtlasRelease: "5.6.0", Maturity: "realized", CaseStudyType: "incident", IncidentDate: "2020-01-01",
	}
	empty := &kg.Node{
		ID: "empty", Kind: kg.KindMitigation, Aliases: []string{}, Notes: []string{}, Compromises: []kg.SecurityProperty{},
		Knowledge: []kg.Knowledge{}, ViolatesAccessAuthorization: &no, Severity: []kg.Severity{}, ExternalIDs: []kg.ExternalID{},
		Implies: []string{}, Lifecycle: []string{}, Authors: []string{}, Questions: []string{},
	}
	bare := &kg.Node{ID: "bare", Kind: kg.KindReference}
	g := &kg.Graph{
		Nodes: []*kg.Node{full, empty, bare},
		Edges: []kg.Edge{
			{Type: kg.RelCites, Source: "full", Target: "bare"},
			{Type: kg.RelMitigates, Source: "empty", Target: "full", Note: "why", Strength: "strong", Refs: []string{"bare"}},
			{Type: kg.RelCites, Source: "empty", Target: "bare", Refs: []string{}},
		},
	}
	load(t, s, g)
	ids := idsOf(g)
	if got, want := snap(t, s, ids), memSnap(t, g, ids); !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\nneo4j    %s\nmemstore %s", sprint(got), sprint(want))
	}
	for _, n := range g.Nodes {
		got, err := s.Node(context.Background(), n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := n.Clone(); !reflect.DeepEqual(got, want) {
			t.Errorf("Node(%s):\ngot  %#v\nwant %#v", n.ID, *got, *want)
		}
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	t.Run("unreachable", func(t *testing.T) {
		_, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: "bolt://127.0.0.1:1"})
		if !errors.Is(err, neo4jstore.ErrUnreachable) {
			t.Errorf("Open of a closed port: %v, want ErrUnreachable", err)
		}
	})
	t.Run("bad URI", func(t *testing.T) {
		for _, uri := range []string{"", "127.0.0.1:7687", "http://127.0.0.1:7687", "bolt://"} {
			_, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uri})
			if !errors.Is(err, neo4jstore.ErrConfig) {
				t.Errorf("Open(%q): %v, want ErrConfig", uri, err)
			}
		}
	})
	t.Run("no such database", func(t *testing.T) {
		s := open(t)
		_ = s
		_, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uriOf(t), Database: "nosuchdb"})
		if !errors.Is(err, neo4jstore.ErrNoDatabase) {
			t.Errorf("Open of a missing database: %v, want ErrNoDatabase", err)
		}
	})
	t.Run("empty database", func(t *testing.T) {
		s := open(t)
		load(t, s, &kg.Graph{})
		_, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uriOf(t)})
		if !errors.Is(err, neo4jstore.ErrEmpty) || err.Error() != "database is empty: run failgraph seed" {
			t.Errorf("Open of an empty database: %v, want %q", err, "database is empty: run failgraph seed")
		}
		load(t, s, minimal(t))
		s2, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uriOf(t)})
		if err != nil {
			t.Fatalf("Open of a seeded database: %v", err)
		}
		s2.Close(ctx)
	})
}

func total[K comparable](m map[K]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func cloneGraph(g *kg.Graph) *kg.Graph {
	c := &kg.Graph{}
	for _, n := range g.Nodes {
		c.Nodes = append(c.Nodes, n.Clone())
	}
	for _, e := range g.Edges {
		c.Edges = append(c.Edges, e.Clone())
	}
	return c
}

// A batched load (LoadOptions.TxRows) into an empty database creates what one transaction would
// have merged, and rebuilds the full-text index it drops for the load.
func TestBatchedLoadIntoAnEmptyDatabase(t *testing.T) {
	s := open(t)
	load(t, s, &kg.Graph{}) // empty
	g := shipped(t)
	var calls []int
	err := s.Load(context.Background(), g, neo4jstore.LoadOptions{BatchSize: 40, TxRows: 200,
		Progress: func(stage string, done, total int) {
			if stage == neo4jstore.StageNodes {
				calls = append(calls, done)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	ids := idsOf(g)
	if got, want := snap(t, s, ids), memSnap(t, g, ids); !reflect.DeepEqual(got, want) {
		t.Errorf("after a batched load:\nneo4j    %v\nmemstore %v", got.Stats, want.Stats)
	}
	// 285-odd nodes in transactions of at least 200 rows: progress after each commit, ending at the total.
	if len(calls) < 2 || calls[len(calls)-1] != len(g.Nodes) {
		t.Errorf("node progress %v, want one report per transaction ending at %d", calls, len(g.Nodes))
	}
	m, err := memstore.New(g)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"poisoning", "membership inference"} {
		want, err := m.Search(context.Background(), q, nil, 10)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Search(context.Background(), q, nil, 10)
		if err != nil {
			t.Fatalf("Search(%q) after a batched load: %v", q, err)
		}
		if len(got) == 0 || len(got) != len(want) || got[0].Node.ID != want[0].Node.ID {
			t.Errorf("Search(%q) after a batched load: %d hits, want %d with the same first", q, len(got), len(want))
		}
	}
}

// A batched load over a graph with Replace deletes what the new graph lacks, in bounded
// transactions, and merges the rest.
func TestBatchedLoadReplace(t *testing.T) {
	s := open(t)
	big, small := shipped(t), minimal(t)
	load(t, s, big)
	changed := cloneGraph(small)
	changed.Nodes[0].Summary = ""
	changed.Edges = changed.Edges[1:]
	if err := s.Load(context.Background(), changed, neo4jstore.LoadOptions{Replace: true, BatchSize: 7, TxRows: 20}); err != nil {
		t.Fatal(err)
	}
	ids := idsOf(big, small)
	if got, want := snap(t, s, ids), memSnap(t, changed, ids); !reflect.DeepEqual(got, want) {
		t.Errorf("after a batched Replace:\nneo4j    %v\nmemstore %v", got.Stats, want.Stats)
	}
}
