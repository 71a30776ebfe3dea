package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/atlas/atlastest"
)

func TestAtlasDiffOfTheRealReleases(t *testing.T) {
	latest, old := atlastest.Release(t, atlastest.Latest), atlastest.Release(t, atlastest.Old)
	if latest == "" || old == "" {
		return
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"atlas", "diff", old, latest}, serveEnv(), &out, &errb); err != nil {
		t.Fatalf("atlas diff: %v\n%s", err, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if lines[0] != "ATLAS 4.9.0 -> 5.6.0: 90 added, 0 removed, 1 renamed, 0 moved to a new id, 3 techniques changed tactic" {
		t.Errorf("summary %q", lines[0])
	}
	added := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "added ") {
			added++
		}
	}
	if added != 90 || !slices.Contains(lines, `renamed  AML.T0053      technique  "LLM Plugin Compromise" -> "AI Agent Tool Invocation"`) ||
		!slices.Contains(lines, "tactics  AML.T0012      technique  Valid Accounts: [AML.TA0004] -> [AML.TA0004 AML.TA0012]") {
		t.Errorf("diff:\n%s", out.String())
	}
	// The upstream slips of both files are reported as warnings, not hidden.
	if !strings.Contains(errb.String(), "ATLAS-4.9.0.yaml:2961: mitigation AML.M0016: ml-lifecycle holds a technique use") {
		t.Errorf("stderr: %s", errb.String())
	}

	out.Reset()
	if err := run(context.Background(), []string{"atlas", "diff", "--json", old, latest}, serveEnv(), &out, &errb); err != nil {
		t.Fatal(err)
	}
	var d struct {
		Added   []struct{ ID string }
		Renamed []struct{ ID, OldName, NewName string }
	}
	if err := json.Unmarshal(out.Bytes(), &d); err != nil || len(d.Added) != 90 || len(d.Renamed) != 1 {
		t.Errorf("--json: %v, %d added, %+v", err, len(d.Added), d.Renamed)
	}
}

func TestAtlasCheckNamesEveryStaleID(t *testing.T) {
	if latest := atlastest.Release(t, atlastest.Latest); latest != "" {
		var out, errb bytes.Buffer
		if err := run(context.Background(), []string{"atlas", "check", latest}, serveEnv(), &out, &errb); err != nil {
			t.Errorf("the shipped seed against 5.6.0: %v\n%s", err, out.String())
		}
		if !strings.HasPrefix(out.String(), "all ") || !strings.Contains(out.String(), "crosswalk ids of the seed match ATLAS 5.6.0") {
			t.Errorf("check: %s", out.String())
		}
	}
	if old := atlastest.Release(t, atlastest.Old); old != "" {
		var out, errb bytes.Buffer
		err := run(context.Background(), []string{"atlas", "check", old}, serveEnv(), &out, &errb)
		// The agent-era techniques, mitigations and case studies came after 4.9.0, and AML.T0053
		// was renamed: every one of them must be named.
		if err == nil || !strings.Contains(err.Error(), "9 of the seed's") {
			t.Errorf("check against 4.9.0: %v", err)
		}
		want := []string{
			`stale: agent-tool-hijacking cites AML.T0053 as "AI Agent Tool Invocation"; ATLAS 4.9.0 calls it "LLM Plugin Compromise"`,
			`stale: agent-tool-least-privilege cites AML.M0026 ("Privileged AI Agent Permissions Configuration", edition 5.6.0), which ATLAS 4.9.0 does not have`,
			`stale: agent-tool-least-privilege cites AML.M0028 ("AI Agent Tools Permissions Configuration", edition 5.6.0), which ATLAS 4.9.0 does not have`,
			`stale: human-oversight cites AML.M0029 ("Human In-the-Loop for AI Agent Actions", edition 5.6.0), which ATLAS 4.9.0 does not have`,
			`stale: model-stealing cites AML.CS0056 ("Model Distillation Campaigns Targeting Anthropic Claude", edition 5.6.0), which ATLAS 4.9.0 does not have`,
			`stale: sponge-attack cites AML.T0034.002 ("Agentic Resource Consumption", edition 5.6.0), which ATLAS 4.9.0 does not have`,
			`stale: tool-invocation-exfiltration cites AML.CS0037 ("Data Exfiltration via Agent Tools in Copilot Studio", edition 5.6.0), which ATLAS 4.9.0 does not have`,
			`stale: tool-invocation-exfiltration cites AML.T0086 ("Exfiltration via AI Agent Tool Invocation", edition 5.6.0), which ATLAS 4.9.0 does not have`,
			`stale: untrusted-data-isolation cites AML.M0030 ("Restrict AI Agent Tool Invocation on Untrusted Data", edition 5.6.0), which ATLAS 4.9.0 does not have`,
		}
		if got := strings.Split(strings.TrimSpace(out.String()), "\n"); !slices.Equal(got, want) {
			t.Errorf("stale ids against 4.9.0:\n%s", out.String())
		}
	}
	// The fixture has 11 objects; the seed cites far more, and the renamed ones are named too.
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"atlas", "check", atlastest.Fixture(t)}, serveEnv(), &out, &errb)
	if err == nil || !strings.Contains(out.String(), `perturbation cites AML.CS0000 as "Evasion of Deep Learning Detector for Malware C&C Traffic"; ATLAS 5.0.1 calls it "Fixture Evasion Exercise"`) ||
		!strings.Contains(out.String(), "poisoning cites AML.T0020 (\"Poison Training Data\", edition 5.6.0), which ATLAS 5.0.1 does not have") {
		t.Errorf("check against the fixture: %v\n%s", err, out.String())
	}
}

func TestServeAtlasLayer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr bytes.Buffer
	base, done := startServe(t, ctx, []string{"serve", "--addr", "127.0.0.1:0", "--atlas", atlastest.Fixture(t)}, serveEnv(), &stderr)
	defer func() { cancel(); <-done }()

	q := `{ atlasRelease
  failureMode(id: "perturbation") { atlas { techniques { atlasId release tactics { atlasId } } caseStudies { atlasId name techniques { atlasId } }
    crosswalk { target strength references { id } } } }
  atlasObject(atlasId: "AML.T0043.000") { id kind ... on AtlasTechnique { parent { atlasId } tactics { atlasId } caseStudies { atlasId } } }
  viaTechnique: failureMode(id: "source-target-misclassification") { atlas { caseStudies { atlasId } } }
  stats { byKind { kind count } } }`
	body, _ := json.Marshal(map[string]string{"query": q})
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Data struct {
			AtlasRelease string
			FailureMode  struct {
				Atlas struct {
					Techniques []struct {
						AtlasID, Release string
						Tactics          []struct{ AtlasID string }
					}
					CaseStudies []struct{ AtlasID, Name string }
					Crosswalk   []struct {
						Target, Strength string
						References       []struct{ ID string }
					}
				}
			}
			AtlasObject struct {
				ID, Kind    string
				Parent      struct{ AtlasID string }
				Tactics     []struct{ AtlasID string }
				CaseStudies []struct{ AtlasID string }
			}
			ViaTechnique struct {
				Atlas struct{ CaseStudies []struct{ AtlasID string } }
			}
			Stats struct {
				ByKind []struct {
					Kind  string
					Count int
				}
			}
		}
		Errors []any
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || got.Errors != nil {
		t.Fatalf("%v %v", err, got.Errors)
	}
	d := got.Data
	if d.AtlasRelease != "5.0.1" {
		t.Errorf("atlasRelease %q", d.AtlasRelease)
	}
	var techs []string
	for _, tq := range d.FailureMode.Atlas.Techniques {
		techs = append(techs, tq.AtlasID)
	}
	// perturbation's crosswalk names AML.T0015, AML.T0043, AML.T0043.000, AML.T0043.001, AML.T0042,
	// AML.CS0000, AML.CS0001 and AML.CS0008; the fixture has the first three and two case studies
	// (under other names: the crosswalk still joins them, and serve warns of the names).
	if !slices.Equal(techs, []string{"AML.T0015", "AML.T0043", "AML.T0043.000"}) {
		t.Errorf("perturbation's ATLAS techniques %v", techs)
	}
	if cs := d.FailureMode.Atlas.CaseStudies; len(cs) != 2 || cs[0].AtlasID != "AML.CS0000" || cs[0].Name != "Fixture Evasion Exercise" || cs[1].AtlasID != "AML.CS0001" {
		t.Errorf("case studies %+v", cs)
	}
	// source-target-misclassification's crosswalk names AML.T0015 but no case study: the fixture's
	// AML.CS0000 is behind it through its procedure.
	if cs := d.ViaTechnique.Atlas.CaseStudies; len(cs) != 1 || cs[0].AtlasID != "AML.CS0000" {
		t.Errorf("case studies through techniques %+v", cs)
	}
	for _, e := range d.FailureMode.Atlas.Crosswalk {
		if e.Strength == "" || len(e.References) != 1 || e.References[0].ID != "mitre-atlas-release-5-0-1" {
			t.Errorf("crosswalk edge %+v should carry its match and rest on the release", e)
		}
	}
	if o := d.AtlasObject; o.ID != "aml-t0043-000" || o.Kind != "ATLAS_TECHNIQUE" || o.Parent.AtlasID != "AML.T0043" ||
		len(o.Tactics) != 1 || o.Tactics[0].AtlasID != "AML.TA0001" || len(o.CaseStudies) != 1 {
		t.Errorf("atlasObject %+v", o)
	}
	counts := map[string]int{}
	for _, k := range d.Stats.ByKind {
		counts[k.Kind] = k.Count
	}
	if counts["ATLAS_TECHNIQUE"] != 4 || counts["ATLAS_CASE_STUDY"] != 2 {
		t.Errorf("stats %v", counts)
	}
	if !strings.Contains(stderr.String(), "atlas: release 5.0.1: 3 tactics, 4 techniques, 2 mitigations, 2 case studies") ||
		!strings.Contains(stderr.String(), "warning: stale crosswalk id: poisoning cites AML.T0020") {
		t.Errorf("serve's report of the import:\n%s", stderr.String())
	}
}

func TestServeRefusesABadAtlasFile(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "ATLAS.yaml")
	text, err := os.ReadFile(atlastest.Fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, bytes.Replace(text, []byte("    technique: AML.T0015\n"), []byte("    technique: AML.T0099\n"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	err = run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--atlas", bad}, serveEnv(), &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "nothing of it was loaded") {
		t.Fatalf("serve with a bad ATLAS file: %v", err)
	}
	if !strings.Contains(errb.String(), bad+":101: case study AML.CS0000: procedure technique AML.T0099 is not in the release") {
		t.Errorf("stderr should name file, line and problem:\n%s", errb.String())
	}
	if strings.Contains(out.String(), "listening") {
		t.Error("serve listened with a bad ATLAS file")
	}
	err = run(context.Background(), []string{"serve", "--store", "neo4j", "--atlas", bad}, serveEnv(), &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "--atlas") {
		t.Errorf("serve --store neo4j --atlas: %v", err)
	}
}
