package seed_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/seed"
)

func minimal(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "minimal", "graph.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func problems(tb testing.TB, err error) []string {
	tb.Helper()
	var se *seed.Error
	if !errors.As(err, &se) {
		tb.Fatalf("want a *seed.Error, got %v", err)
	}
	var out []string
	for _, p := range se.Problems {
		out = append(out, p.String())
	}
	return out
}

func TestMinimalFixtureIsValid(t *testing.T) {
	g, err := seed.LoadDir(filepath.Join("testdata", "minimal"))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[kg.Kind]int{}
	for _, n := range g.Nodes {
		kinds[n.Kind]++
	}
	for _, k := range kg.Kinds {
		if kinds[k] == 0 && !k.IsAtlas() { // ATLAS nodes come from an ATLAS.yaml, never from seed files
			t.Errorf("no %s in the minimal fixture", k)
		}
	}
	// CITES edges come from cites and from the references of each claim.
	var cites int
	for _, e := range g.Edges {
		if e.Type == kg.RelCites {
			cites++
			if e.Refs != nil {
				t.Errorf("CITES edge %s carries references", e.ID)
			}
		} else if len(e.Refs) == 0 {
			t.Errorf("edge %s has no references", e.ID)
		}
	}
	if cites == 0 {
		t.Error("no CITES edges built")
	}
}

// TestBrokenSeeds breaks the minimal fixture one way at a time; each must be refused with a
// problem that names the file and the line.
func TestBrokenSeeds(t *testing.T) {
	base := minimal(t)
	lineOf := func(t *testing.T, s, needle string) int {
		t.Helper()
		i := strings.Index(s, needle)
		if i < 0 {
			t.Fatalf("needle %q not in the fixture", needle)
		}
		return strings.Count(s[:i], "\n") + 1
	}
	tests := []struct {
		name     string
		old, new string // replace the first old by new
		at       string // the line of the problem holds this text (in the broken file)
		want     string // substring of the problem
	}{
		{"unknown field", "    knowledge: [black-box]\n", "    knowledge: [black-box]\n    colour: red\n", "colour: red", `unknown field "colour"`},
		{"unknown section", "capabilities:\n", "capabilitys:\n", "capabilitys:", `unknown section "capabilitys"`},
		{"duplicate id", "  - id: training-data\n", "  - id: training-data-control\n", "  - id: training-data-control\n    name: Training data", `duplicate id "training-data-control"`},
		{"edge to a missing node", "target: training-data-control, cites: [jagielski", "target: query-access, cites: [jagielski", "target: query-access", `"query-access" is not defined`},
		{"relation between wrong kinds", "{type: TARGETS, source: poisoning, target: training-data,", "{type: TARGETS, source: poisoning, target: cfaa,", "target: cfaa", `"cfaa" is a LegalConsideration; TARGETS needs a Asset`},
		{"uncited edge", "{type: PROTECTS, source: data-sanitisation, target: training-data, cites: [jagielski-2018-manipulating],", "{type: PROTECTS, source: data-sanitisation, target: training-data,", "type: PROTECTS", "cites no reference"},
		{"uncited node", "    summary: The data a model learns from.\n    cites: [sivakumar-2019-failure]\n", "    summary: The data a model learns from.\n", "  - id: training-data\n", "must cite at least 1"},
		{"failure mode with one citation", "    summary: A model meets data unlike its training data and fails.\n    cites: [sivakumar-2019-failure, jagielski-2018-manipulating]", "    summary: A model meets data unlike its training data and fails.\n    cites: [sivakumar-2019-failure]", "  - id: distributional-shift", "must cite at least 2"},
		{"cites a non-reference", "    cites: [sivakumar-2019-failure]\nassets:", "    cites: [cfaa]\nassets:", "  - id: training-data-control", `cites "cfaa", which is a LegalConsideration`},
		{"bad slug", "  - id: cfaa\n", "  - id: CFAA_1986\n", "  - id: CFAA_1986", "not a lowercase slug"},
		{"bad enum", "intent: unintentional", "intent: accidental", "  - id: distributional-shift", "intent must be intentional or unintentional"},
		{"bad strength", "strength: partial, note: Drops outliers.", "strength: total, note: Drops outliers.", "strength: total", "strength must be one of"},
		{"raises without question", `note: "Is sending chaff data unauthorised access?", `, "", "type: RAISES", "needs a note"},
		{"bad arxiv id", `arxiv: "1804.00308"`, `arxiv: "18-04"`, "  - id: jagielski-2018-manipulating", "not an arXiv identifier"},
		{"duplicate arxiv id", `arxiv: "1804.00308"`, `arxiv: "1911.11034"`, "  - id: jagielski-2018-manipulating", "same arXiv id"},
		{"orphan reference", "references:\n", "references:\n  - id: lonely-2020-paper\n    name: Lonely 2020\n    title: Nobody Cites This\n    authors: [A. Lonely]\n    year: 2020\n    url: https://example.org/lonely\n    type: paper\n", "  - id: lonely-2020-paper", "is an orphan"},
		{"intentional mode without capability", "  - {type: REQUIRES, source: poisoning, target: training-data-control, cites: [jagielski-2018-manipulating], basis: cited-work, confidence: high}\n", "", "  - id: poisoning", "must REQUIRE at least one capability"},
		{"failure mode without mitigation", "  - {type: MITIGATES, source: data-sanitisation, target: distributional-shift, strength: detect-only, cites: [jagielski-2018-manipulating], basis: cited-work, confidence: high}\n", "", "  - id: distributional-shift", "must be MITIGATED"},
		{"intentional mode without legal consideration", "  - {type: RAISES, source: poisoning, target: cfaa, note: \"Is sending chaff data unauthorised access?\", cites: [sivakumar-2019-failure], basis: paper, confidence: high}\n", "", "  - id: poisoning", "must RAISE at least one legal consideration"},
		{"subtype with a number", "    name: Targeted poisoning\n", "    name: Targeted poisoning\n    number: 3\n", "  - id: targeted-poisoning", "must not carry a scenario number"},
		{"malformed ATLAS id", "    violates_access_authorization: false\n", "    violates_access_authorization: false\n    external_ids:\n      - {framework: MITRE ATLAS, edition: 5.6.0, id: AML.T20, name: Poison Training Data, match: exact}\n", "  - id: poisoning", "not a well-formed MITRE ATLAS id"},
		// Provenance (issue 14): origin, legal dates and status, edge basis and confidence.
		{"failure mode without origin", "    number: 14\n    intent: unintentional\n    origin: paper\n", "    number: 14\n    intent: unintentional\n", "  - id: distributional-shift", "origin must be paper, companion or extension"},
		{"paper origin without the paper", "    summary: A model meets data unlike its training data and fails.\n    cites: [sivakumar-2019-failure, jagielski-2018-manipulating]", "    summary: A model meets data unlike its training data and fails.\n    cites: [jagielski-2018-manipulating, jagielski-2018-manipulating]", "  - id: distributional-shift", "origin paper: must cite sivakumar-2019-failure"},
		{"numbered extension", "    number: 14\n    intent: unintentional\n    origin: paper\n", "    number: 14\n    intent: unintentional\n    origin: extension\n    origin_sources: [jagielski-2018-manipulating]\n", "  - id: distributional-shift", "only the paper's own rows carry a number"},
		{"extension without sources", "    name: Targeted poisoning\n    intent: intentional\n    origin: paper\n", "    name: Targeted poisoning\n    intent: intentional\n    origin: extension\n", "  - id: targeted-poisoning", "origin_sources must name"},
		{"origin source not cited", "    name: Targeted poisoning\n    intent: intentional\n    origin: paper\n", "    name: Targeted poisoning\n    intent: intentional\n    origin: extension\n    origin_sources: [cfaa]\n", "  - id: targeted-poisoning", `origin source "cfaa" must also be in cites`},
		{"legal without status", "    status: in-force\n", "", "  - id: cfaa", "status must be one of"},
		{"legal without review date", "    status_as_of: \"2026-12-02\"\n", "", "  - id: cfaa", "status_as_of is required"},
		{"malformed date", `in_force_from: "1986-10-16"`, `in_force_from: "16 Oct 1986"`, "  - id: cfaa", "is not a date (YYYY-MM-DD)"},
		{"in force before it entered into force", `in_force_from: "1986-10-16"`, `in_force_from: "2030-01-01"`, "  - id: cfaa", "is after status_as_of"},
		{"not yet applicable without a later date", "    status: in-force\n", "    status: not-yet-applicable\n", "  - id: cfaa", "needs an applies_from after status_as_of"},
		{"in force but applying later", "    status: in-force\n", "    applies_from: \"2027-01-01\"\n    status: in-force\n", "  - id: cfaa", "is after status_as_of"},
		{"edge without basis", "target: training-data-control, cites: [jagielski-2018-manipulating], basis: cited-work,", "target: training-data-control, cites: [jagielski-2018-manipulating],", "source: poisoning, target: training-data-control", "basis must be paper, cited-work or editorial"},
		{"edge without confidence", "target: training-data-control, cites: [jagielski-2018-manipulating], basis: cited-work, confidence: high}", "target: training-data-control, cites: [jagielski-2018-manipulating], basis: cited-work}", "source: poisoning, target: training-data-control", "confidence must be high, medium or low"},
		{"medium confidence without a reason", `confidence: medium, reason: "Inferred from what the mitigation answers."`, "confidence: medium", "type: PROTECTS", "confidence medium needs a reason"},
		{"paper basis without the paper", "target: training-data-control, cites: [jagielski-2018-manipulating], basis: cited-work,", "target: training-data-control, cites: [jagielski-2018-manipulating], basis: paper,", "source: poisoning, target: training-data-control", "basis paper needs a citation of the paper"},
		{"invalid YAML", "    category: data\n", "    category: [data\n", "    category: [data", "invalid YAML"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(base, tc.old) {
				t.Fatalf("fixture lacks %q", tc.old)
			}
			broken := strings.Replace(base, tc.old, tc.new, 1)
			_, err := seed.LoadFS(fstest.MapFS{"graph.yaml": {Data: []byte(broken)}})
			ps := problems(t, err)
			line := lineOf(t, broken, tc.at)
			for _, p := range ps {
				if strings.Contains(p, tc.want) {
					if !strings.HasPrefix(p, "graph.yaml:") {
						t.Errorf("problem %q does not name the file", p)
					}
					if tc.name != "invalid YAML" && !strings.HasPrefix(p, "graph.yaml:"+strconv.Itoa(line)+":") {
						t.Errorf("problem %q: want line %d", p, line)
					}
					return
				}
			}
			t.Errorf("no problem contains %q; got:\n%s", tc.want, strings.Join(ps, "\n"))
		})
	}
}

// TestEveryProblemIsReported: several defects at once are all listed, not just the first.
func TestEveryProblemIsReported(t *testing.T) {
	broken := strings.NewReplacer(
		"intent: unintentional", "intent: accidental",
		"category: data\n", "category: datum\n",
		"year: 1986", "year: 86",
	).Replace(minimal(t))
	_, err := seed.LoadFS(fstest.MapFS{"graph.yaml": {Data: []byte(broken)}})
	ps := problems(t, err)
	for _, want := range []string{"intent must be", "category must be one of", "year 86 is not plausible"} {
		found := false
		for _, p := range ps {
			found = found || strings.Contains(p, want)
		}
		if !found {
			t.Errorf("missing problem %q in:\n%s", want, strings.Join(ps, "\n"))
		}
	}
}

// TestProblemsAcrossFiles: a seed split over files reports the file of each problem.
func TestProblemsAcrossFiles(t *testing.T) {
	base := minimal(t)
	i := strings.Index(base, "relations:\n")
	nodes, rels := base[:i], base[i:]
	rels = strings.Replace(rels, "target: training-data-control, cites: [jagielski", "target: nowhere, cites: [jagielski", 1)
	_, err := seed.LoadFS(fstest.MapFS{
		"nodes.yaml":          {Data: []byte(nodes)},
		"relations/rels.yaml": {Data: []byte(rels)},
	})
	ps := problems(t, err)
	for _, p := range ps {
		if strings.HasPrefix(p, "relations/rels.yaml:3:") && strings.Contains(p, `"nowhere" is not defined`) {
			return
		}
	}
	t.Fatalf("want a problem at relations/rels.yaml:3 about nowhere, got %q", ps)
}

func TestLoadDirErrors(t *testing.T) {
	if _, err := seed.LoadDir(filepath.Join("testdata", "does-not-exist")); err == nil {
		t.Error("LoadDir accepted a missing directory")
	}
	if _, err := seed.LoadDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no *.yaml seed files") {
		t.Errorf("LoadDir on an empty directory: %v", err)
	}
}
