package atlas_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/atlas"
	"github.com/failgraph/failgraph/internal/atlas/atlastest"
	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/storetest"
	"github.com/failgraph/failgraph/seed"
)

func fixtureText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(atlastest.Fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFixture(t *testing.T) {
	r, err := atlas.Load(atlastest.Fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != "5.0.1" || len(r.Tactics) != 3 || len(r.Techniques) != 4 || len(r.Mitigations) != 2 || len(r.CaseStudies) != 2 {
		t.Fatalf("read %s: %d tactics, %d techniques, %d mitigations, %d case studies", r.Version,
			len(r.Tactics), len(r.Techniques), len(r.Mitigations), len(r.CaseStudies))
	}
	tq := r.TechniqueByID()
	sub := tq["AML.T0043.000"]
	if sub.SubtechniqueOf != "AML.T0043" || sub.Maturity != "demonstrated" || len(sub.Tactics) != 0 {
		t.Errorf("sub-technique read as %+v", sub)
	}
	if got := r.EffectiveTactics(sub, tq); !slices.Equal(got, []string{"AML.TA0001"}) {
		t.Errorf("a sub-technique inherits its parent's tactics: got %v", got)
	}
	if ev := tq["AML.T0015"]; ev.Attack == nil || ev.Attack.ID != "T1562" || !slices.Equal(ev.Tactics, []string{"AML.TA0007", "AML.TA0001"}) {
		t.Errorf("AML.T0015 read as %+v", ev)
	}
	if m := r.Mitigations[0]; len(m.Techniques) != 2 || m.Techniques[1] != (atlas.Use{Technique: "AML.T0015", Use: "Fixture use against evasion.", Line: m.Techniques[1].Line}) ||
		!slices.Equal(m.Lifecycle, []string{"Deployment"}) || !slices.Equal(m.Category, []string{"Technical - ML"}) {
		t.Errorf("mitigation read as %+v", m)
	}
	if c := r.CaseStudies[0]; len(c.Procedure) != 4 || c.Procedure[2] != (atlas.Step{Tactic: "AML.TA0007", Technique: "AML.T0015", Line: c.Procedure[2].Line}) ||
		c.Type != "exercise" || c.IncidentDate != "2020-01-01" || c.Actor != "A fixture red team" {
		t.Errorf("case study read as %+v", c)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings on a clean file: %v", r.Warnings)
	}
}

// TestBadFiles changes the fixture in one place each and expects a refusal naming the file, the
// line and what is wrong.
func TestBadFiles(t *testing.T) {
	good := fixtureText(t)
	for _, c := range []struct {
		name, old, new string
		line           int // 0: any
		want           string
	}{
		{"not YAML", "matrices:\n", "matrices: [\n", 0, "yaml"},
		{"not a release", good, "- just\n- a list\n", 1, "not an ATLAS release file"},
		{"no version", "version: 5.0.1\n", "", 0, "the release has no version"},
		{"unsupported version", "version: 5.0.1\n", "version: 3.2.0\n", 6, "only ATLAS 4.x and 5.x"},
		{"bad technique id", "  - id: AML.T0040\n", "  - id: AML.X0040\n", 29, `id "AML.X0040" is not a well-formed ATLAS technique id`},
		{"missing name", "    name: Craft Adversarial Data\n", "", 36, "technique AML.T0043 has no name"},
		{"wrong object type", "    name: Model Hardening\n    description: Fixture mitigation, train the model to resist crafted inputs.\n    object-type: mitigation\n",
			"    name: Model Hardening\n    description: Fixture mitigation, train the model to resist crafted inputs.\n    object-type: technique\n", 79, `object-type is "technique", want "mitigation"`},
		{"duplicate id", "  - id: AML.T0043.000\n", "  - id: AML.T0040\n", 43, "duplicate id AML.T0040 (first defined at line 29)"},
		{"unknown tactic", "    - AML.TA0007\n    - AML.TA0001\n", "    - AML.TA0099\n    - AML.TA0001\n", 54, "tactic AML.TA0099 is not in the release"},
		{"unknown parent", "    subtechnique-of: AML.T0043\n", "    subtechnique-of: AML.T0044\n", 43, "subtechnique-of AML.T0044 is not a technique"},
		{"mitigation of nothing", "    - id: AML.T0043\n      use: Fixture use against crafted data.\n", "    - id: AML.T0099\n      use: x\n", 81, "mitigation AML.M0003: technique AML.T0099 is not in the release"},
		{"procedure of nothing", "  - tactic: AML.TA0007\n    technique: AML.T0015\n    description: Fixture step.\n", "  - tactic: AML.TA0007\n    technique: AML.T0099\n    description: Fixture step.\n", 101, "procedure technique AML.T0099 is not in the release"},
		{"no procedure", "  procedure:\n  - tactic: AML.TA0000\n    technique: AML.T0040\n    description: Fixture step.\n  case-study-type: incident\n", "  case-study-type: incident\n", 110, "case study AML.CS0001 has no procedure"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(good, c.old) {
				t.Fatalf("the fixture has no %q", c.old)
			}
			text := strings.Replace(good, c.old, c.new, 1)
			p := filepath.Join(t.TempDir(), "bad-ATLAS.yaml")
			if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			r, err := atlas.Load(p)
			var ae *atlas.Error
			if !errors.As(err, &ae) {
				t.Fatalf("Load = %v, %v; want an *atlas.Error", r, err)
			}
			if r != nil {
				t.Error("a refused file still returned a release")
			}
			msg := err.Error()
			if !strings.Contains(msg, p) || !strings.Contains(msg, c.want) {
				t.Errorf("message %q should name the file and say %q", msg, c.want)
			}
			if c.line > 0 {
				found := false
				for _, pr := range ae.Problems {
					found = found || (pr.Line == c.line && strings.Contains(pr.Msg, c.want))
				}
				if !found {
					t.Errorf("no problem at line %d saying %q: %v", c.line, c.want, ae.Problems)
				}
			}
		})
	}
	if _, err := atlas.Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("Load accepted a missing file")
	}
}

func byID(g *kg.Graph) map[string]*kg.Node {
	m := map[string]*kg.Node{}
	for _, n := range g.Nodes {
		m[n.ID] = n
	}
	return m
}

func edgeIndex(g *kg.Graph) map[string]kg.Edge {
	m := map[string]kg.Edge{}
	for _, e := range g.Edges {
		m[e.ID] = e
	}
	return m
}

func TestImportFixture(t *testing.T) {
	r, err := atlas.Load(atlastest.Fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	base := storetest.Synthetic()
	before := storetest.CloneGraph(base)
	imp, err := atlas.Import(r, base)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(base, before) {
		t.Error("Import changed the graph it was given")
	}
	g := imp.Graph
	if len(g.Nodes) != len(base.Nodes)+12 || imp.Nodes != 12 {
		t.Errorf("%d nodes (%d added), want the synthetic graph's %d + 12 (11 ATLAS objects and the release)", len(g.Nodes), imp.Nodes, len(base.Nodes))
	}
	nodes, edges := byID(g), edgeIndex(g)
	ref := atlas.ReleaseRefID("5.0.1")
	if ref != "mitre-atlas-release-5-0-1" || nodes[ref] == nil || nodes[ref].Kind != kg.KindReference || nodes[ref].Year != 2025 {
		t.Errorf("release reference %s: %+v", ref, nodes[ref])
	}
	for id, want := range map[string]kg.Kind{"aml-ta0000": kg.KindAtlasTactic, "aml-t0043-000": kg.KindAtlasTechnique,
		"aml-m0002": kg.KindAtlasMitigation, "aml-cs0000": kg.KindAtlasCaseStudy} {
		n := nodes[id]
		if n == nil || n.Kind != want || n.AtlasRelease != "5.0.1" || !strings.HasPrefix(n.URL, "https://atlas.mitre.org/") || kg.AtlasSlug(n.AtlasID) != id {
			t.Errorf("%s: %+v", id, n)
		}
		if _, ok := edges[kg.EdgeID(kg.RelCites, id, ref)]; !ok {
			t.Errorf("%s does not cite the release", id)
		}
	}
	if n := nodes["aml-t0015"]; n.Maturity != "realized" || n.Summary != "Fixture technique, get past a model-based defence." ||
		len(n.ExternalIDs) != 1 || n.ExternalIDs[0].ID != "T1562" {
		t.Errorf("aml-t0015: %+v", n)
	}
	if n := nodes["aml-cs0000"]; n.CaseStudyType != "exercise" || n.IncidentDate != "2020-01-01" ||
		!slices.Equal(n.Notes, []string{"Target: A fixture detector", "Actor: A fixture red team"}) {
		t.Errorf("aml-cs0000: %+v", n)
	}
	want := map[string]string{ // edge -> note
		"ACHIEVES:aml-t0015:aml-ta0007":           "",
		"ACHIEVES:aml-t0015:aml-ta0001":           "",
		"ACHIEVES:aml-t0040:aml-ta0000":           "",
		"ACHIEVES:aml-t0043:aml-ta0001":           "",
		"SUBTECHNIQUE_OF:aml-t0043-000:aml-t0043": "",
		"COUNTERS:aml-m0002:aml-t0040":            "Fixture use of the mitigation against API access.",
		"COUNTERS:aml-m0002:aml-t0015":            "Fixture use against evasion.",
		"COUNTERS:aml-m0003:aml-t0043":            "Fixture use against crafted data.",
		"USES:aml-cs0000:aml-t0040":               "procedure step 1 (AML.TA0000, AI Model Access)",
		"USES:aml-cs0000:aml-t0043-000":           "procedure step 2 (AML.TA0001, AI Attack Staging)",
		"USES:aml-cs0000:aml-t0015":               "procedure step 3 (AML.TA0007, Defense Evasion), step 4 (AML.TA0001, AI Attack Staging)",
		"USES:aml-cs0001:aml-t0040":               "procedure step 1 (AML.TA0000, AI Model Access)",
		"CORRESPONDS_TO:fm-evasion:aml-t0015":     "the seed's crosswalk of fm-evasion to AML.T0015 (close)",
	}
	layer := 0
	for _, e := range g.Edges {
		if e.Type.Valid() && (e.Type == kg.RelCites && e.Target == ref) {
			continue
		}
		if slices.Contains([]kg.RelType{kg.RelAchieves, kg.RelSubtechniqueOf, kg.RelCounters, kg.RelUses, kg.RelCorrespondsTo}, e.Type) {
			layer++
			note, ok := want[e.ID]
			if !ok {
				t.Errorf("unexpected edge %s", e.ID)
				continue
			}
			if e.Note != note || !slices.Equal(e.Refs, []string{ref}) {
				t.Errorf("%s: note %q refs %v; want note %q resting on %s", e.ID, e.Note, e.Refs, note, ref)
			}
		}
	}
	if layer != len(want) {
		t.Errorf("%d ATLAS edges, want %d", layer, len(want))
	}
	if e := edges["CORRESPONDS_TO:fm-evasion:aml-t0015"]; e.Strength != "close" {
		t.Errorf("the crosswalk edge keeps the match as its strength: %+v", e)
	}
	// The synthetic graph cites AML.T0015 as "Evade ML Model", the fixture's name is "Evade AI Model".
	if len(imp.Stale) != 1 || imp.Stale[0].Reason != atlas.ReasonRenamed || imp.Stale[0].Name != "Evade AI Model" || imp.Crosswalk != 1 {
		t.Errorf("stale %v, crosswalk %d", imp.Stale, imp.Crosswalk)
	}
}

func TestImportRefusesAClash(t *testing.T) {
	r, err := atlas.Load(atlastest.Fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	g := storetest.Synthetic()
	g.Nodes = append(g.Nodes, &kg.Node{ID: "aml-t0040", Kind: kg.KindAsset, Name: "A clash", Category: "data"})
	if _, err := atlas.Import(r, g); err == nil || !strings.Contains(err.Error(), `"aml-t0040"`) {
		t.Errorf("Import = %v; want a refusal naming the clashing id", err)
	}
}

func TestFixtureDiff(t *testing.T) {
	text := fixtureText(t)
	old, err := atlas.Parse("old.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	// The next release: AML.T0043.000 renamed, AML.M0003 gone, AML.M0004 new with M0003's name,
	// AML.T0040 moved to another tactic, a case study added.
	next := strings.NewReplacer(
		"version: 5.0.1", "version: 5.1.0",
		"name: White-Box Optimization", "name: White-Box Gradient Optimization",
		"id: AML.M0003", "id: AML.M0004",
		"    tactics:\n    - AML.TA0000\n    maturity: realized", "    tactics:\n    - AML.TA0001\n    maturity: realized",
	).Replace(text) + `- id: AML.CS0002
  name: Fixture Newcomer
  object-type: case-study
  summary: Fixture.
  procedure:
  - tactic: AML.TA0001
    technique: AML.T0043
`
	nw, err := atlas.Parse("new.yaml", []byte(next))
	if err != nil {
		t.Fatal(err)
	}
	d := atlas.Compare(old, nw)
	ids := func(os []atlas.Object) []string {
		var out []string
		for _, o := range os {
			out = append(out, o.ID)
		}
		return out
	}
	if got := ids(d.Added); !slices.Equal(got, []string{"AML.CS0002", "AML.M0004"}) {
		t.Errorf("added %v", got)
	}
	if got := ids(d.Removed); !slices.Equal(got, []string{"AML.M0003"}) {
		t.Errorf("removed %v", got)
	}
	if want := []atlas.Renamed{{ID: "AML.T0043.000", ObjectType: "technique", OldName: "White-Box Optimization", NewName: "White-Box Gradient Optimization"}}; !reflect.DeepEqual(d.Renamed, want) {
		t.Errorf("renamed %+v", d.Renamed)
	}
	if want := []atlas.Moved{{OldID: "AML.M0003", NewID: "AML.M0004", ObjectType: "mitigation", Name: "Model Hardening"}}; !reflect.DeepEqual(d.Moved, want) {
		t.Errorf("moved %+v", d.Moved)
	}
	if len(d.TacticChanges) != 1 || d.TacticChanges[0].ID != "AML.T0040" || !slices.Equal(d.TacticChanges[0].Old, []string{"AML.TA0000"}) ||
		!slices.Equal(d.TacticChanges[0].New, []string{"AML.TA0001"}) {
		t.Errorf("tactic changes %+v", d.TacticChanges)
	}
	var b strings.Builder
	d.Write(&b)
	if !strings.HasPrefix(b.String(), "ATLAS 5.0.1 -> 5.1.0: 2 added, 1 removed, 1 renamed, 1 moved to a new id, 1 techniques changed tactic\n") {
		t.Errorf("report:\n%s", b.String())
	}
}

// TestRealReleases reads the two real releases, imports 5.6.0 beside the shipped seed and compares
// 4.9.0 with 5.6.0.
func TestRealReleases(t *testing.T) {
	latest := atlastest.Release(t, atlastest.Latest)
	if latest == "" {
		return
	}
	r, err := atlas.Load(latest)
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != "5.6.0" || len(r.Tactics) != 16 || len(r.Techniques) != 170 || len(r.Mitigations) != 35 || len(r.CaseStudies) != 57 {
		t.Fatalf("5.6.0 read as %s: %d tactics, %d techniques, %d mitigations, %d case studies", r.Version,
			len(r.Tactics), len(r.Techniques), len(r.Mitigations), len(r.CaseStudies))
	}
	// The two upstream slips (technique uses inside ml-lifecycle) are mended and reported.
	if len(r.Warnings) != 2 || !strings.Contains(r.Warnings[0].String(), "mitigation AML.M0018: ml-lifecycle holds a technique use (AML.T0052.001)") {
		t.Errorf("warnings: %v", r.Warnings)
	}
	s, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	imp, err := atlas.Import(r, s)
	if err != nil {
		t.Fatal(err)
	}
	cited := 0
	for _, n := range s.Nodes {
		for _, x := range n.ExternalIDs {
			if x.Framework == atlas.Framework {
				cited++
			}
		}
	}
	if len(imp.Stale) != 0 || imp.Crosswalk == 0 || imp.Crosswalk > cited {
		t.Errorf("the shipped seed against 5.6.0: %d stale %v, %d crosswalk edges of %d cited ids", len(imp.Stale), imp.Stale, imp.Crosswalk, cited)
	}
	if imp.Nodes != 16+170+35+57+1 {
		t.Errorf("%d ATLAS nodes", imp.Nodes)
	}

	oldPath := atlastest.Release(t, atlastest.Old)
	if oldPath == "" {
		return
	}
	old, err := atlas.Load(oldPath)
	if err != nil {
		t.Fatal(err)
	}
	d := atlas.Compare(old, r)
	// The data README: between the two, 90 ids were added and one technique renamed.
	if len(d.Added) != 90 || len(d.Removed) != 0 {
		t.Errorf("4.9.0 -> 5.6.0: %d added, %d removed; want 90 and 0", len(d.Added), len(d.Removed))
	}
	if want := []atlas.Renamed{{ID: "AML.T0053", ObjectType: "technique", OldName: "LLM Plugin Compromise", NewName: "AI Agent Tool Invocation"}}; !reflect.DeepEqual(d.Renamed, want) {
		t.Errorf("renamed %+v", d.Renamed)
	}
	for _, c := range d.TacticChanges {
		if slices.Equal(c.Old, c.New) || len(c.Added)+len(c.Remove) == 0 {
			t.Errorf("a tactic change that changes nothing: %+v", c)
		}
	}
	t.Logf("4.9.0 -> 5.6.0: %d techniques changed tactic", len(d.TacticChanges))

	// The seed cites 5.6.0; against 4.9.0 every id that 4.9.0 lacks, and the renamed AML.T0053, is stale.
	stale := atlas.Check(old, s)
	idx := old.Index()
	wantStale := map[string]bool{}
	for _, n := range s.Nodes {
		for _, x := range n.ExternalIDs {
			if o, ok := idx[x.ID]; x.Framework == atlas.Framework && (!ok || o.Name != x.Name) {
				wantStale[n.ID+" "+x.ID] = true
			}
		}
	}
	if len(stale) == 0 || len(stale) != len(wantStale) {
		t.Errorf("%d stale ids against 4.9.0, want %d", len(stale), len(wantStale))
	}
	for _, st := range stale {
		if !wantStale[st.Node+" "+st.AtlasID] || !strings.Contains(st.String(), st.AtlasID) {
			t.Errorf("stale %v", st)
		}
	}
}
