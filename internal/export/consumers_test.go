package export_test

// Every format is proved by its consumer: the reference library of the format reads the export
// back (tools/python/readback.py for the Python ones, tools/cytoscape/check.mjs for cytoscape) and
// the test compares what the library saw with the graph that was exported. The libraries come from
// scripts/export-checkers.sh (make test runs it first); without them these tests fail and say so.

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/atlas"
	"github.com/failgraph/failgraph/internal/atlas/atlastest"
	"github.com/failgraph/failgraph/internal/export"
	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/storetest"
	"github.com/failgraph/failgraph/internal/traverse"
	"github.com/failgraph/failgraph/seed"
)

func root(tb testing.TB) string {
	tb.Helper()
	r, err := storetest.ModuleRoot()
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// checkers returns the venv's python and node, or fails saying how to install them.
func checkers(tb testing.TB) (python, node string) {
	tb.Helper()
	r := root(tb)
	python = filepath.Join(r, ".cache", "pyenv", "bin", "python")
	out, err := exec.Command(filepath.Join(r, "scripts", "export-checkers.sh"), "--check").CombinedOutput()
	if err != nil {
		tb.Fatalf("the export checkers are missing, so the exports cannot be proved by their consumers:\n%s\n"+
			"Install them with scripts/export-checkers.sh (make test runs it before go test).", out)
	}
	node, err = exec.LookPath("node")
	if err != nil {
		tb.Fatal("node (Node.js 20) is needed to read the Cytoscape.js export back with cytoscape")
	}
	return python, node
}

func writeTemp(tb testing.TB, name string, body []byte) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, body, 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

// readback runs the Python reader of kind on body and decodes its JSON into v.
func readback(tb testing.TB, kind string, body []byte, v any) {
	tb.Helper()
	python, _ := checkers(tb)
	p := writeTemp(tb, "export."+kind, body)
	cmd := exec.Command(python, filepath.Join(root(tb), "tools", "python", "readback.py"), kind, p)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("readback.py %s: %v\n%s", kind, err, stderr.String())
	}
	if err := json.Unmarshal(out, v); err != nil {
		tb.Fatalf("readback.py %s printed %q: %v", kind, out, err)
	}
}

type fixture struct {
	name  string
	graph *kg.Graph
	store kg.Store
	x     *export.Exporter
}

func newFixture(tb testing.TB, name string, g *kg.Graph) fixture {
	tb.Helper()
	s, err := memstore.New(g)
	if err != nil {
		tb.Fatal(err)
	}
	return fixture{name, g, s, export.New(s)}
}

// fixtures are the synthetic graph with the ATLAS fixture, the shipped seed, and the shipped seed
// with the real ATLAS 5.6.0 when it is there.
func fixtures(tb testing.TB) []fixture {
	tb.Helper()
	s, err := seed.Load()
	if err != nil {
		tb.Fatal(err)
	}
	fs := []fixture{newFixture(tb, "synthetic+atlas-fixture", storetest.WithAtlas(tb)), newFixture(tb, "seed", s)}
	if p := atlastest.Release(tb, atlastest.Latest); p != "" {
		r, err := atlas.Load(p)
		if err != nil {
			tb.Fatal(err)
		}
		imp, err := atlas.Import(r, s)
		if err != nil {
			tb.Fatal(err)
		}
		fs = append(fs, newFixture(tb, "seed+atlas-5.6.0", imp.Graph))
	}
	return fs
}

func run(tb testing.TB, f fixture, format string, o export.Options) []byte {
	tb.Helper()
	res, err := f.x.Export(context.Background(), format, o)
	if err != nil {
		tb.Fatalf("%s export of %s: %v", format, f.name, err)
	}
	again, err := f.x.Export(context.Background(), format, o)
	if err != nil || !bytes.Equal(again.Body, res.Body) || again.ETag != res.ETag {
		tb.Errorf("%s export of %s is not deterministic", format, f.name)
	}
	return res.Body
}

func countKinds(g *kg.Graph, kinds ...kg.Kind) int {
	n := 0
	for _, x := range g.Nodes {
		if slices.Contains(kinds, x.Kind) {
			n++
		}
	}
	return n
}

func byID(g *kg.Graph) map[string]*kg.Node {
	m := map[string]*kg.Node{}
	for _, n := range g.Nodes {
		m[n.ID] = n
	}
	return m
}

func TestSTIXIsValidAndStable(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			body := run(t, f, "stix", export.Options{})
			var got struct {
				Valid         bool
				Errors        []string
				Warnings      []string
				Types         map[string]int
				IDs           []string
				Relationships [][3]string
				External      map[string][]string
			}
			readback(t, "stix", body, &got)
			if !got.Valid || len(got.Errors) > 0 {
				t.Fatalf("stix2-validator: valid=%v errors %v", got.Valid, got.Errors)
			}
			t.Logf("stix2-validator: valid, %d warnings (first: %v)", len(got.Warnings), first(got.Warnings, 3))
			nodes := byID(f.graph)
			wantTypes := map[string]int{"identity": 1,
				"attack-pattern":   countKinds(f.graph, kg.KindFailureMode, kg.KindAtlasTechnique),
				"course-of-action": countKinds(f.graph, kg.KindMitigation, kg.KindAtlasMitigation),
			}
			if c := countKinds(f.graph, kg.KindAtlasCaseStudy); c > 0 {
				wantTypes["campaign"] = c
			}
			var wantRels [][3]string
			for _, e := range f.graph.Edges {
				rt := export.STIXRelationship(e.Type)
				st, tt := export.STIXType(nodes[e.Source].Kind), export.STIXType(nodes[e.Target].Kind)
				if rt != "" && st != "" && tt != "" {
					wantRels = append(wantRels, [3]string{rt, export.STIXID(st, e.Source), export.STIXID(tt, e.Target)})
				}
			}
			wantTypes["relationship"] = len(wantRels)
			if !mapsEqual(got.Types, wantTypes) {
				t.Errorf("objects by type %v, want %v", got.Types, wantTypes)
			}
			sort.Slice(wantRels, func(i, j int) bool { return strings.Join(wantRels[i][:], " ") < strings.Join(wantRels[j][:], " ") })
			if !slices.Equal(got.Relationships, wantRels) {
				t.Errorf("%d relationships read back, want %d", len(got.Relationships), len(wantRels))
			}
			// External references carry every crosswalk id, with the framework as source name.
			for _, n := range f.graph.Nodes {
				typ := export.STIXType(n.Kind)
				if typ == "" {
					continue
				}
				refs := got.External[export.STIXID(typ, n.ID)]
				if !slices.Contains(refs, "failgraph:"+n.ID) {
					t.Errorf("%s lacks its failgraph reference: %v", n.ID, refs)
				}
				for _, x := range n.ExternalIDs {
					src := map[string]string{"MITRE ATLAS": "mitre-atlas", "MITRE ATT&CK": "mitre-attack", "OWASP ML Top 10": "owasp-ml-top-10",
						"OWASP LLM Top 10": "owasp-llm-top-10", "NIST AI 100-2": "nist-ai-100-2", "AVID": "avid"}[x.Framework]
					if !slices.Contains(refs, src+":"+x.ID) {
						t.Errorf("%s lacks the external reference %s:%s: %v", n.ID, src, x.ID, refs)
					}
				}
			}
		})
	}
}

func TestSTIXIDsAreUUIDv5(t *testing.T) {
	// The same id whatever else is in the graph: a STIX id depends on the type and the failgraph id only.
	id := export.STIXID("attack-pattern", "membership-inference")
	if !regexp.MustCompile(`^attack-pattern--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(id) {
		t.Errorf("%s is not a UUIDv5 STIX id", id)
	}
	if export.STIXID("attack-pattern", "membership-inference") != id || export.STIXID("attack-pattern", "model-inversion") == id {
		t.Error("STIX ids are not a function of the failgraph id")
	}
	// Python's uuid.uuid5(uuid.NAMESPACE_URL, "urn:failgraph:stix") gives the namespace, and
	// uuid.uuid5(that, "attack-pattern:membership-inference") the id: the readback cross-checks them.
	python, _ := checkers(t)
	out, err := exec.Command(python, "-c", `import uuid; ns = uuid.uuid5(uuid.NAMESPACE_URL, "urn:failgraph:stix"); print("attack-pattern--" + str(uuid.uuid5(ns, "attack-pattern:membership-inference")))`).Output()
	if err != nil || strings.TrimSpace(string(out)) != id {
		t.Errorf("Python's uuid5 gives %q (%v), failgraph %q", out, err, id)
	}
}

var navKeys = []string{"name", "versions", "domain", "description", "sorting", "hideDisabled", "techniques", "gradient", "metadata"}

// checkLayer holds a layer to the layer format 4.5's published definition (the keys failgraph
// writes, their types, the version object, ATLAS technique ids and the gradient's bounds).
func checkLayer(t *testing.T, raw map[string]any) {
	t.Helper()
	for k := range raw {
		if !slices.Contains(navKeys, k) {
			t.Errorf("layer key %q is not one failgraph writes", k)
		}
	}
	if v, _ := raw["versions"].(map[string]any); v["layer"] != "4.5" || v["navigator"] != export.NavigatorVersion {
		t.Errorf("versions %v", raw["versions"])
	}
	if raw["domain"] != "atlas-atlas" || raw["name"] == "" {
		t.Errorf("domain %v name %v", raw["domain"], raw["name"])
	}
	g, _ := raw["gradient"].(map[string]any)
	if cs, _ := g["colors"].([]any); len(cs) < 2 || g["maxValue"].(float64) <= g["minValue"].(float64) {
		t.Errorf("gradient %v", g)
	}
	idRE := regexp.MustCompile(`^AML\.T\d{4}(\.\d{3})?$`)
	for _, x := range raw["techniques"].([]any) {
		tq := x.(map[string]any)
		if !idRE.MatchString(tq["techniqueID"].(string)) {
			t.Errorf("techniqueID %v", tq["techniqueID"])
		}
		if _, ok := tq["score"].(float64); !ok {
			t.Errorf("%v has no numeric score", tq["techniqueID"])
		}
		for _, l := range tq["links"].([]any) {
			if u := l.(map[string]any)["url"].(string); !strings.HasPrefix(u, "https://") {
				t.Errorf("link %q lacks a protocol", u)
			}
		}
	}
}

// roundTrip loads body with mitreattack-python's navlayers (see readback.py for how the ATLAS
// domain and ids are mapped for it) and checks that every field failgraph wrote comes back equal.
func roundTrip(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	checkLayer(t, raw)
	var got struct{ Layer map[string]any }
	readback(t, "navigator", body, &got)
	for _, k := range navKeys {
		a, _ := json.Marshal(raw[k])
		b, _ := json.Marshal(got.Layer[k])
		if k == "techniques" || k == "versions" {
			continue // compared field by field below
		}
		if !bytes.Equal(a, b) {
			t.Errorf("navlayers changed %s: wrote %s, read %s", k, a, b)
		}
	}
	if got.Layer["versions"].(map[string]any)["layer"] != "4.5" {
		t.Errorf("navlayers read versions %v", got.Layer["versions"])
	}
	wrote, read := raw["techniques"].([]any), got.Layer["techniques"].([]any)
	if len(wrote) != len(read) {
		t.Fatalf("navlayers read %d techniques of %d", len(read), len(wrote))
	}
	for i := range wrote {
		w, r := wrote[i].(map[string]any), read[i].(map[string]any)
		for k, v := range w {
			a, _ := json.Marshal(v)
			b, _ := json.Marshal(r[k])
			if k == "enabled" && r[k] == nil && v == true { // navlayers leaves the default out
				continue
			}
			if !bytes.Equal(a, b) {
				t.Errorf("technique %v: navlayers changed %s: wrote %s, read %s", w["techniqueID"], k, a, b)
			}
		}
	}
	return raw
}

func scores(raw map[string]any) map[string]int {
	out := map[string]int{}
	for _, x := range raw["techniques"].([]any) {
		tq := x.(map[string]any)
		out[tq["techniqueID"].(string)] = int(tq["score"].(float64))
	}
	return out
}

func TestNavigatorLayer(t *testing.T) {
	fs := fixtures(t)
	raw := roundTrip(t, run(t, fs[0], "navigator", export.Options{}))
	// Worked out from the fixture: AML.T0015 is named by fm-evasion (1), answered by m-advtrain and
	// m-monitor (which mitigate fm-evasion) and AML.M0002 (3), used by AML.CS0000 (1): 5.
	// AML.T0040: no failure mode, AML.M0002, AML.CS0000 and AML.CS0001: 3. AML.T0043: AML.M0003: 1.
	want := map[string]int{"AML.T0015": 5, "AML.T0040": 3, "AML.T0043": 1, "AML.T0043.000": 1}
	if got := scores(raw); !mapsEqual(got, want) {
		t.Errorf("scores %v, want %v", got, want)
	}

	// One threat model's layer: only the techniques its failure modes name.
	o := export.Options{Assets: []string{"a-api"}, Capabilities: []string{"cap-query", "cap-blackbox"}}
	tm, err := traverse.New(fs[0].store).ThreatModel(context.Background(), o.Assets, o.Capabilities)
	if err != nil {
		t.Fatal(err)
	}
	raw = roundTrip(t, run(t, fs[0], "navigator", o))
	named := map[string]bool{}
	for _, f := range tm.FailureModes {
		for _, x := range f.ExternalIDs {
			named[x.ID] = true
		}
	}
	got := scores(raw)
	if len(got) == 0 || !strings.Contains(raw["name"].(string), "threat model") {
		t.Errorf("threat-model layer %v named %v", got, raw["name"])
	}
	for id := range got {
		if !named[id] {
			t.Errorf("the threat-model layer has %s, which none of its failure modes %v names", id, tm.FailureModes)
		}
	}

	for _, f := range fs[1:] {
		t.Run(f.name, func(t *testing.T) {
			raw := roundTrip(t, run(t, f, "navigator", export.Options{}))
			n := len(raw["techniques"].([]any))
			if c := countKinds(f.graph, kg.KindAtlasTechnique); c > 0 && n != c {
				t.Errorf("%d techniques in the layer, the release has %d", n, c)
			}
			if n == 0 {
				t.Error("an empty layer")
			}
		})
	}
}

func TestGraphMLReadByNetworkX(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			var got struct {
				Directed, Multigraph bool
				Nodes                map[string]map[string]any
				Edges                []struct {
					Source, Target, ID string
					Data               map[string]any
				}
			}
			readback(t, "graphml", run(t, f, "graphml", export.Options{}), &got)
			if !got.Directed || len(got.Nodes) != len(f.graph.Nodes) || len(got.Edges) != len(f.graph.Edges) {
				t.Fatalf("networkx read %d nodes and %d edges (directed %v), want %d and %d",
					len(got.Nodes), len(got.Edges), got.Directed, len(f.graph.Nodes), len(f.graph.Edges))
			}
			for _, n := range f.graph.Nodes {
				d := got.Nodes[n.ID]
				if d["kind"] != string(n.Kind) || d["name"] != n.Name || (n.Summary != "" && d["summary"] != n.Summary) {
					t.Errorf("node %s read as %v", n.ID, d)
				}
				if n.Number != 0 && d["number"] != float64(n.Number) {
					t.Errorf("node %s number %v (%T), want the integer %d", n.ID, d["number"], d["number"], n.Number)
				}
				if n.AtlasID != "" && d["atlasId"] != n.AtlasID {
					t.Errorf("node %s atlasId %v", n.ID, d["atlasId"])
				}
			}
			want := map[string]kg.Edge{}
			for _, e := range f.graph.Edges {
				want[e.ID] = e
			}
			for _, e := range got.Edges {
				w, ok := want[e.ID]
				if !ok || w.Source != e.Source || w.Target != e.Target || e.Data["type"] != string(w.Type) ||
					(w.Strength != "" && e.Data["strength"] != string(w.Strength)) || (w.Note != "" && e.Data["note"] != w.Note) {
					t.Errorf("edge %s read as %+v", e.ID, e)
				}
			}
		})
	}
}

func TestCytoscapeLoadsTheExport(t *testing.T) {
	_, node := checkers(t)
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			p := writeTemp(t, "graph.cyjs", run(t, f, "cytoscape", export.Options{}))
			out, err := exec.Command(node, filepath.Join(root(t), "tools", "cytoscape", "check.mjs"), p).CombinedOutput()
			if err != nil {
				t.Fatalf("cytoscape: %v\n%s", err, out)
			}
			var got struct {
				Nodes, Edges int
				Kinds        map[string]int
				Types        map[string]int
				Degree       map[string]int
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%s: %v", out, err)
			}
			kinds, types, degree := map[string]int{}, map[string]int{}, map[string]int{}
			for _, n := range f.graph.Nodes {
				kinds[string(n.Kind)]++
			}
			for _, e := range f.graph.Edges {
				types[string(e.Type)]++
				degree[e.Source]++
				degree[e.Target]++
			}
			if got.Nodes != len(f.graph.Nodes) || got.Edges != len(f.graph.Edges) || !mapsEqual(got.Kinds, kinds) || !mapsEqual(got.Types, types) {
				t.Errorf("cytoscape holds %d nodes %v and %d edges %v; want %d %v and %d %v",
					got.Nodes, got.Kinds, got.Edges, got.Types, len(f.graph.Nodes), kinds, len(f.graph.Edges), types)
			}
			for _, n := range f.graph.Nodes {
				if got.Degree[n.ID] != degree[n.ID] {
					t.Errorf("cytoscape degree of %s = %d, want %d", n.ID, got.Degree[n.ID], degree[n.ID])
				}
			}
		})
	}
}

// unbib undoes failgraph's BibTeX escaping and braces, giving the text a reader sees.
var unbibber = strings.NewReplacer(`\textbackslash{}`, `\`, `\textasciitilde{}`, "~", `\textasciicircum{}`, "^",
	`\&`, "&", `\%`, "%", `\$`, "$", `\#`, "#", `\_`, "_", `\{`, "\x00", `\}`, "\x01")

func unbib(s string) string {
	s = unbibber.Replace(s)
	s = strings.NewReplacer("{", "", "}", "").Replace(s)
	return strings.NewReplacer("\x00", "{", "\x01", "}").Replace(s)
}

func TestBibTeXParsedByBibtexparser(t *testing.T) {
	for _, f := range fixtures(t)[:2] {
		t.Run(f.name, func(t *testing.T) {
			var got struct {
				Entries []struct {
					Key, Type string
					Fields    map[string]string
				}
				Failed int
			}
			readback(t, "bibtex", run(t, f, "bibtex", export.Options{}), &got)
			refs := map[string]*kg.Node{}
			for _, n := range f.graph.Nodes {
				if n.Kind == kg.KindReference {
					refs[n.ID] = n
				}
			}
			if got.Failed != 0 || len(got.Entries) != len(refs) {
				t.Fatalf("bibtexparser read %d entries (%d failed blocks), want %d", len(got.Entries), got.Failed, len(refs))
			}
			for _, e := range got.Entries {
				r := refs[e.Key]
				if r == nil {
					t.Errorf("entry %s is no reference", e.Key)
					continue
				}
				if unbib(e.Fields["title"]) != r.Title {
					t.Errorf("%s title %q, want %q", e.Key, unbib(e.Fields["title"]), r.Title)
				}
				var authors []string
				for _, a := range splitAuthors(e.Fields["author"]) {
					authors = append(authors, unbib(a))
				}
				if !slices.Equal(authors, r.Authors) {
					t.Errorf("%s authors %q, want %q", e.Key, authors, r.Authors)
				}
				if r.Year != 0 && e.Fields["year"] != itoa(r.Year) {
					t.Errorf("%s year %q, want %d", e.Key, e.Fields["year"], r.Year)
				}
				if unbib(e.Fields["doi"]) != r.DOI || e.Fields["eprint"] != r.ArXiv {
					t.Errorf("%s doi %q eprint %q, want %q and %q", e.Key, e.Fields["doi"], e.Fields["eprint"], r.DOI, r.ArXiv)
				}
			}
		})
	}
	// A focus exports only the references of its neighbourhood.
	f := fixtures(t)[0]
	var got struct{ Entries []struct{ Key string } }
	readback(t, "bibtex", run(t, f, "bibtex", export.Options{Focus: "m-dp", Depth: 1}), &got)
	if len(got.Entries) != 1 || got.Entries[0].Key != "r-delta" {
		t.Errorf("the references around m-dp: %v, want r-delta", got.Entries)
	}
}

// splitAuthors splits a BibTeX author list on the " and " that are not inside braces.
func splitAuthors(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
		case ' ':
			if depth == 0 && strings.HasPrefix(s[i:], " and ") {
				out = append(out, s[start:i])
				start = i + len(" and ")
				i += len(" and ") - 1
			}
		}
	}
	return append(out, s[start:])
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	var got struct {
		Rows     [][]string
		CRLF, LF int
	}
	readback(t, "csv", body, &got)
	if got.CRLF == 0 || got.CRLF < len(got.Rows) {
		t.Errorf("%d CRLF line ends for %d records: RFC 4180 ends each record with CRLF", got.CRLF, len(got.Rows))
	}
	return got.Rows
}

func TestCSVTables(t *testing.T) {
	f := fixtures(t)[0]
	rows := readCSV(t, run(t, f, "csv-failure-modes", export.Options{}))
	if !slices.Equal(rows[0], export.FailureModeColumns) || len(rows) != 1+countKinds(f.graph, kg.KindFailureMode) {
		t.Fatalf("failure-mode table: header %v, %d rows", rows[0], len(rows))
	}
	// fm-evasion: number 1, integrity only, black and white box, no access violation, and its
	// commentary; then the paper's order (numbers), subtypes last with their parent.
	if want := []string{"1", "fm-evasion", "Evasion attack", "intentional", "", "No", "Yes", "No", "No", "Yes", "No", "Yes", "No", "Queries are ordinary use."}; !slices.Equal(rows[1], want) {
		t.Errorf("row 1 %q, want %q", rows[1], want)
	}
	if rows[5][1] != "fm-evasion-targeted" || rows[5][0] != "" || rows[5][4] != "fm-evasion" {
		t.Errorf("row 5 %q", rows[5])
	}

	m, err := traverse.New(f.store).LegalMatrix(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	rows = readCSV(t, run(t, f, "csv-legal-matrix", export.Options{}))
	if len(rows) != 1+len(m.Rows) || len(rows[0]) != 2+len(m.Columns) {
		t.Fatalf("legal matrix %dx%d, want %dx%d", len(rows), len(rows[0]), 1+len(m.Rows), 2+len(m.Columns))
	}
	for i, r := range m.Rows {
		for j := range m.Columns {
			want := ""
			if e := m.Cells[i][j]; e != nil {
				want = e.Note
				if want == "" {
					want = "raised"
				}
			}
			if rows[1+i][0] != r.ID || rows[1+i][2+j] != want {
				t.Errorf("legal matrix cell %s × %s = %q, want %q", r.ID, m.Columns[j].ID, rows[1+i][2+j], want)
			}
		}
	}
	rows = readCSV(t, run(t, f, "csv-legal-matrix", export.Options{Jurisdiction: "EU"}))
	if !slices.Equal(rows[0], []string{"failure_mode", "name", "l-aiact (EU)", "l-gdpr (EU)"}) {
		t.Errorf("EU legal matrix header %q", rows[0])
	}

	rows = readCSV(t, run(t, f, "csv-mitigations", export.Options{}))
	header := rows[0]
	col := slices.Index(header, "fm-evasion")
	for _, r := range rows[1:] {
		if r[0] == "m-advtrain" && (r[col] == "" || r[len(r)-1] != "3") {
			t.Errorf("m-advtrain row %q (header %q)", r, header)
		}
	}
	mitigates := 0
	for _, e := range f.graph.Edges {
		if e.Type == kg.RelMitigates {
			mitigates++
		}
	}
	cells := 0
	for _, r := range rows[1:] {
		for _, c := range r[3 : len(r)-1] {
			if c != "" {
				cells++
			}
		}
	}
	if cells != mitigates {
		t.Errorf("%d strength cells, %d MITIGATES edges", cells, mitigates)
	}

	// Quoting: the seed's legal questions hold commas and quotes, and survive the round trip.
	s := fixtures(t)[1]
	rows = readCSV(t, run(t, s, "csv-legal-matrix", export.Options{}))
	quoted := 0
	for _, r := range rows[1:] {
		for _, c := range r[2:] {
			if strings.ContainsAny(c, ",\"") {
				quoted++
			}
		}
	}
	if quoted == 0 {
		t.Error("no cell of the seed's legal matrix needed quoting: the quoting is untested")
	}
}

func TestTurtleParsedByRDFLib(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			var got struct {
				Triples    int
				Predicates map[string]int
				Concepts   []string
			}
			readback(t, "turtle", run(t, f, "turtle", export.Options{}), &got)
			var want []string
			for _, n := range f.graph.Nodes {
				want = append(want, export.NodeIRI+n.ID)
			}
			sort.Strings(want)
			if !slices.Equal(got.Concepts, want) {
				t.Errorf("rdflib found %d skos:Concepts, want %d", len(got.Concepts), len(want))
			}
			types := map[kg.RelType]int{}
			for _, e := range f.graph.Edges {
				types[e.Type]++
			}
			for typ, n := range types {
				p := export.VocabIRI + strings.TrimPrefix(export.TurtleProperty(typ), "fg:")
				if got.Predicates[p] != n {
					t.Errorf("%d triples of %s, want %d", got.Predicates[p], p, n)
				}
			}
			matches := map[string]int{}
			for _, n := range f.graph.Nodes {
				for _, x := range n.ExternalIDs {
					matches["http://www.w3.org/2004/02/skos/core#"+strings.TrimPrefix(export.TurtleMatch(x.Match), "skos:")]++
				}
			}
			for p, n := range matches {
				if got.Predicates[p] != n {
					t.Errorf("%d %s triples, want %d", got.Predicates[p], p, n)
				}
			}
		})
	}
}

func TestFocusAndBadOptions(t *testing.T) {
	f := fixtures(t)[0]
	res, err := f.x.Export(context.Background(), "graphml", export.Options{Focus: "fm-evasion", Depth: 1})
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Nodes map[string]any }
	readback(t, "graphml", res.Body, &got)
	sub, err := traverse.New(f.store).Neighborhood(context.Background(), "fm-evasion", traverse.NeighborhoodOpts{Depth: 1, Limit: kg.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Nodes) != len(sub.Nodes) || got.Nodes["aml-t0015"] == nil {
		t.Errorf("focus fm-evasion depth 1: %d nodes, want the neighbourhood's %d with aml-t0015", len(got.Nodes), len(sub.Nodes))
	}
	if n := res.Format.FileName(export.Options{Focus: "fm-evasion", Depth: 1}); n != "failgraph-fm-evasion-depth1-graphml.graphml" {
		t.Errorf("file name %q", n)
	}
	for _, c := range []struct {
		format string
		o      export.Options
		arg    string
	}{
		{"pdf", export.Options{}, "format"},
		{"stix", export.Options{Focus: "no-such-node"}, ""},
		{"stix", export.Options{Focus: "fm-evasion", Depth: 9}, "depth"},
		{"navigator", export.Options{Assets: []string{"no-such-asset"}}, "assets"},
	} {
		_, err := f.x.Export(context.Background(), c.format, c.o)
		if err == nil || (c.arg != "" && !strings.Contains(err.Error(), c.arg)) {
			t.Errorf("Export(%s, %+v) = %v, want an error naming %q", c.format, c.o, err, c.arg)
		}
	}
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }

func mapsEqual[K comparable](a, b map[K]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
