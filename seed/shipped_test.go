package seed_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/atlas"
	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/seed"
)

func shipped(tb testing.TB) *kg.Graph {
	tb.Helper()
	g, err := seed.Load()
	if err != nil {
		tb.Fatalf("the shipped seed must be valid:\n%v", err)
	}
	return g
}

// TestShippedSeedMinimums holds the shipped knowledge to the minimums the project promises; it
// asserts counts' lower bounds and invariants, not exact content.
func TestShippedSeedMinimums(t *testing.T) {
	g := shipped(t)
	count := map[kg.Kind]int{}
	for _, n := range g.Nodes {
		count[n.Kind]++
	}
	subtypes := 0
	for _, e := range g.Edges {
		if e.Type == kg.RelSubtypeOf {
			subtypes++
		}
	}
	for _, c := range []struct {
		what string
		got  int
		min  int
	}{
		{"failure-mode subtypes", subtypes, 6},
		{"capabilities", count[kg.KindCapability], 10},
		{"assets", count[kg.KindAsset], 12},
		{"mitigations", count[kg.KindMitigation], 35},
		{"legal considerations", count[kg.KindLegal], 15},
		{"references", count[kg.KindReference], 120},
		{"stakeholders", count[kg.KindStakeholder], 5},
	} {
		if c.got < c.min {
			t.Errorf("%s: %d, want at least %d", c.what, c.got, c.min)
		}
	}
}

// TestShippedSeedPaperColumns checks the facts carried over from the paper's tables: the 17
// scenarios, their intent, and the access/authorization column (No for 1-7, Yes for 8-11, absent
// for the unintentional 12-17); unintentional modes compromise safety.
func TestShippedSeedPaperColumns(t *testing.T) {
	g := shipped(t)
	byNumber := map[int]*kg.Node{}
	for _, n := range g.Nodes {
		if n.Kind == kg.KindFailureMode && n.Number != 0 {
			byNumber[n.Number] = n
		}
	}
	if len(byNumber) != 17 {
		t.Fatalf("%d numbered failure modes, want the paper's 17", len(byNumber))
	}
	for num := 1; num <= 17; num++ {
		n := byNumber[num]
		if n == nil {
			t.Errorf("scenario %d missing", num)
			continue
		}
		switch {
		case num <= 7:
			if n.Intent != kg.Intentional || n.ViolatesAccessAuthorization == nil || *n.ViolatesAccessAuthorization {
				t.Errorf("#%d %s: want intentional, access/authorization No", num, n.ID)
			}
		case num <= 11:
			if n.Intent != kg.Intentional || n.ViolatesAccessAuthorization == nil || !*n.ViolatesAccessAuthorization {
				t.Errorf("#%d %s: want intentional, access/authorization Yes", num, n.ID)
			}
		default:
			if n.Intent != kg.Unintentional || n.ViolatesAccessAuthorization != nil {
				t.Errorf("#%d %s: want unintentional with no access/authorization answer", num, n.ID)
			}
			if len(n.Compromises) != 1 || n.Compromises[0] != kg.Safety {
				t.Errorf("#%d %s: compromises %v, want [SAFETY]", num, n.ID, n.Compromises)
			}
		}
		if num <= 11 && len(n.Severity) == 0 {
			t.Errorf("#%d %s: no severity", num, n.ID)
		}
	}
}

// TestShippedSeedCitesThePaper: the taxonomy's own failure modes all cite the paper.
func TestShippedSeedCitesThePaper(t *testing.T) {
	g := shipped(t)
	cites := map[string]bool{}
	for _, e := range g.Edges {
		if e.Type == kg.RelCites && e.Target == "sivakumar-2019-failure" {
			cites[e.Source] = true
		}
	}
	for _, n := range g.Nodes {
		if n.Kind == kg.KindFailureMode && n.Number != 0 && !cites[n.ID] {
			t.Errorf("%s does not cite the paper", n.ID)
		}
	}
}

func atlasPath(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("FAILGRAPH_ATLAS_YAML"); p != "" {
		return p
	}
	return filepath.Join("..", "..", "shared", "data", "atlas", "ATLAS.yaml")
}

// TestAtlasCrosswalk reads the real MITRE ATLAS release and fails if any ATLAS id the seed cites
// is missing from it or has another name there, or if the edition differs from the release.
func TestAtlasCrosswalk(t *testing.T) {
	g := shipped(t)
	r, err := atlas.Load(atlasPath(t))
	if err != nil {
		t.Fatalf("the ATLAS release file is needed for this check (set FAILGRAPH_ATLAS_YAML to its path): %v", err)
	}
	idx := r.Index()
	checked := 0
	for _, n := range g.Nodes {
		for _, x := range n.ExternalIDs {
			if x.Framework != "MITRE ATLAS" {
				continue
			}
			checked++
			o, ok := idx[x.ID]
			switch {
			case !ok:
				t.Errorf("%s cites %s, which ATLAS %s does not have", n.ID, x.ID, r.Version)
			case o.Name != x.Name:
				t.Errorf("%s cites %s as %q; ATLAS %s calls it %q", n.ID, x.ID, x.Name, r.Version, o.Name)
			}
			if x.Edition != r.Version {
				t.Errorf("%s cites %s with edition %q; the release is %s", n.ID, x.ID, x.Edition, r.Version)
			}
			if x.URL != "" && !strings.Contains(x.URL, x.ID) {
				t.Errorf("%s: url %s does not name %s", n.ID, x.URL, x.ID)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d ATLAS ids cited; the crosswalk should cover the intentional failure modes and mitigations", checked)
	}
}
