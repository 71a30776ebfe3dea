package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/failgraph/failgraph/internal/atlas"
	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/traverse"
)

// WithAtlas returns the synthetic graph with the ATLAS fixture (internal/atlas/testdata) imported
// beside it: 11 ATLAS objects and the release's reference, joined to fm-evasion by its crosswalk id
// AML.T0015.
func WithAtlas(tb testing.TB) *kg.Graph {
	tb.Helper()
	root, err := ModuleRoot()
	if err != nil {
		tb.Fatal(err)
	}
	r, err := atlas.Load(filepath.Join(root, "internal", "atlas", "testdata", "ATLAS-fixture.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	imp, err := atlas.Import(r, Synthetic())
	if err != nil {
		tb.Fatal(err)
	}
	return imp.Graph
}

// testAtlas holds a store with the ATLAS layer to the answers worked out from the fixture: the
// new kinds are nodes like any other to Node, List, Search, Stats, neighbourhoods and paths.
func testAtlas(t *testing.T, s kg.Store) {
	ctx := context.Background()
	e := traverse.New(s)

	n, err := s.Node(ctx, "aml-t0043-000")
	noErr(t, err)
	if n.Kind != kg.KindAtlasTechnique || n.AtlasID != "AML.T0043.000" || n.AtlasRelease != "5.0.1" || n.Maturity != "demonstrated" {
		t.Errorf("Node(aml-t0043-000) = %+v", n)
	}
	cs, err := s.Node(ctx, "aml-cs0000")
	noErr(t, err)
	if cs.CaseStudyType != "exercise" || cs.IncidentDate != "2020-01-01" {
		t.Errorf("Node(aml-cs0000) = %+v", cs)
	}

	for k, want := range map[kg.Kind][]string{
		kg.KindAtlasTactic:     {"aml-ta0000", "aml-ta0001", "aml-ta0007"},
		kg.KindAtlasTechnique:  {"aml-t0015", "aml-t0040", "aml-t0043", "aml-t0043-000"},
		kg.KindAtlasMitigation: {"aml-m0002", "aml-m0003"},
		kg.KindAtlasCaseStudy:  {"aml-cs0000", "aml-cs0001"},
	} {
		ns, err := s.List(ctx, kg.Filter{Kind: k})
		noErr(t, err)
		wantIDs(t, "List "+string(k), ns, want...)
		c, err := s.Count(ctx, kg.Filter{Kind: k})
		noErr(t, err)
		if c != len(want) {
			t.Errorf("Count %s = %d, want %d", k, c, len(want))
		}
	}

	// Search finds ATLAS ids: the technique itself and the failure mode whose crosswalk cites it.
	hits, err := s.Search(ctx, "AML.T0015", nil, 10)
	noErr(t, err)
	got := map[string]bool{}
	for _, h := range hits {
		got[h.Node.ID] = true
	}
	if !got["aml-t0015"] || !got["fm-evasion"] {
		t.Errorf("Search(AML.T0015) = %v, want aml-t0015 and fm-evasion among them", hitKeys(hits))
	}
	hits, err = s.Search(ctx, "white-box optimization", []kg.Kind{kg.KindAtlasTechnique}, 10)
	noErr(t, err)
	if len(hits) == 0 || hits[0].Node.ID != "aml-t0043-000" {
		t.Errorf("Search(white-box optimization, techniques) = %v, want aml-t0043-000 first", hitKeys(hits))
	}

	st, err := s.Stats(ctx)
	noErr(t, err)
	for k, want := range map[kg.RelType]int{kg.RelAchieves: 4, kg.RelSubtechniqueOf: 1, kg.RelCounters: 3, kg.RelUses: 4, kg.RelCorrespondsTo: 1} {
		if st.Edges[k] != want {
			t.Errorf("Stats: %d %s edges, want %d", st.Edges[k], k, want)
		}
	}
	if st.Nodes[kg.KindAtlasTechnique] != 4 || st.Nodes[kg.KindAtlasCaseStudy] != 2 {
		t.Errorf("Stats nodes %v", st.Nodes)
	}

	// From the paper's evasion to ATLAS's case studies: crosswalk, then the procedure.
	sub, err := e.Neighborhood(ctx, "fm-evasion", traverse.NeighborhoodOpts{Depth: 2, Limit: 50,
		Relations: []kg.RelType{kg.RelCorrespondsTo, kg.RelUses}})
	noErr(t, err)
	wantIDs(t, "neighbourhood of fm-evasion over CORRESPONDS_TO and USES", sub.Nodes, "fm-evasion", "aml-t0015", "aml-cs0000")
	wantEdges(t, "its edges", sub.Edges, "CORRESPONDS_TO:fm-evasion:aml-t0015", "USES:aml-cs0000:aml-t0015")

	ps, err := e.Paths(ctx, "fm-evasion", "aml-ta0001", traverse.PathOpts{MaxLength: 3, Limit: 10,
		Relations: []kg.RelType{kg.RelCorrespondsTo, kg.RelAchieves, kg.RelSubtechniqueOf}})
	noErr(t, err)
	wantStrings(t, "paths fm-evasion → aml-ta0001", pathKeys(ps), []string{"fm-evasion>aml-t0015>aml-ta0001"})

	adj, err := s.Adjacent(ctx, []string{"aml-t0015"}, kg.Both, nil)
	noErr(t, err)
	// ACHIEVES ×2, COUNTERS, USES, CORRESPONDS_TO and CITES of the release.
	wantEdges(t, "edges of aml-t0015", adj["aml-t0015"], "ACHIEVES:aml-t0015:aml-ta0001", "ACHIEVES:aml-t0015:aml-ta0007",
		"CITES:aml-t0015:mitre-atlas-release-5-0-1", "CORRESPONDS_TO:fm-evasion:aml-t0015", "COUNTERS:aml-m0002:aml-t0015",
		"USES:aml-cs0000:aml-t0015")
}
