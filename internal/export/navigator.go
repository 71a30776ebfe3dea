package export

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

// The ATLAS Navigator layer (the ATT&CK Navigator layer format 4.5, with the domain the ATLAS
// Navigator uses). Each ATLAS technique that anything in the export touches is scored by how many
// of failgraph's failure modes name it in their crosswalk, how many mitigations answer it (ATLAS
// mitigations that COUNTER it, and failgraph mitigations that MITIGATE one of those failure modes)
// and how many ATLAS case studies USE it. Without an ATLAS release loaded, the techniques come from
// the seed's crosswalk ids alone and no case study counts. With assets or capabilities, only the
// failure modes of that threat model count, and only techniques they name are in the layer.

// NavigatorDomain is the ATLAS Navigator's domain; NavigatorVersion the Navigator release the
// layer declares (the format requires at least 4.9.0).
const (
	NavigatorDomain  = "atlas-atlas"
	NavigatorVersion = "5.1.0"
	NavigatorLayer   = "4.5"
)

type navLink struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

type navMeta struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type navTechnique struct {
	TechniqueID       string    `json:"techniqueID"`
	Score             int       `json:"score"`
	Comment           string    `json:"comment"`
	Enabled           bool      `json:"enabled"`
	Metadata          []navMeta `json:"metadata"`
	Links             []navLink `json:"links,omitempty"`
	ShowSubtechniques bool      `json:"showSubtechniques"`
}

type navGradient struct {
	Colors   []string `json:"colors"`
	MinValue int      `json:"minValue"`
	MaxValue int      `json:"maxValue"`
}

type navLayer struct {
	Name     string `json:"name"`
	Versions struct {
		Navigator string `json:"navigator"`
		Layer     string `json:"layer"`
	} `json:"versions"`
	Domain      string         `json:"domain"`
	Description string         `json:"description"`
	Sorting     int            `json:"sorting"`
	HideDisable bool           `json:"hideDisabled"`
	Techniques  []navTechnique `json:"techniques"`
	Gradient    navGradient    `json:"gradient"`
	Metadata    []navMeta      `json:"metadata"`
}

type techniqueTouch struct {
	name, url                          string
	failureModes, mitigations, studies map[string]bool
}

func writeNavigator(ctx context.Context, x *Exporter, in *input, w io.Writer) error {
	o := in.opts
	allowed := map[string]bool{} // failure modes that count; nil: all
	layerName := "failgraph: ATLAS techniques behind the failure modes"
	desc := "Each ATLAS technique is scored by the failgraph failure modes whose crosswalk names it, the mitigations that answer it and the ATLAS case studies that use it."
	if len(o.Assets) > 0 || len(o.Capabilities) > 0 {
		tm, err := x.engine.ThreatModel(ctx, o.Assets, o.Capabilities)
		if err != nil {
			return err
		}
		for _, f := range tm.FailureModes {
			allowed[f.ID] = true
		}
		layerName = fmt.Sprintf("failgraph threat model: assets %s; capabilities %s", orNone(o.Assets), orNone(o.Capabilities))
		desc = "The ATLAS techniques behind the failure modes that threaten these assets from an attacker with these capabilities, scored as in the whole-graph layer but counting only those failure modes."
	} else {
		allowed = nil
	}
	touch := map[string]*techniqueTouch{}
	get := func(id string) *techniqueTouch {
		t := touch[id]
		if t == nil {
			t = &techniqueTouch{url: "https://atlas.mitre.org/techniques/" + id,
				failureModes: map[string]bool{}, mitigations: map[string]bool{}, studies: map[string]bool{}}
			touch[id] = t
		}
		return t
	}
	isTechnique := func(id string) bool { return strings.HasPrefix(id, "AML.T") && !strings.HasPrefix(id, "AML.TA") }
	for _, n := range in.nodes {
		if n.Kind != kg.KindFailureMode || (allowed != nil && !allowed[n.ID]) {
			continue
		}
		for _, xid := range n.ExternalIDs {
			if xid.Framework == "MITRE ATLAS" && isTechnique(xid.ID) {
				t := get(xid.ID)
				t.failureModes[n.ID] = true
				if t.name == "" {
					t.name = xid.Name
				}
			}
		}
	}
	mitigatedBy := map[string][]string{} // failure mode → mitigations
	for _, e := range in.ofType(kg.RelMitigates) {
		mitigatedBy[e.Target] = append(mitigatedBy[e.Target], e.Source)
	}
	for _, t := range touch {
		for fm := range t.failureModes {
			for _, m := range mitigatedBy[fm] {
				t.mitigations[m] = true
			}
		}
	}
	atlasID := func(id string) string {
		if n := in.byID[id]; n != nil {
			return n.AtlasID
		}
		return ""
	}
	for _, n := range in.ofKind(kg.KindAtlasTechnique) {
		if allowed != nil && touch[n.AtlasID] == nil {
			continue
		}
		t := get(n.AtlasID)
		t.name, t.url = n.Name, n.URL
	}
	for _, e := range in.edges {
		var t *techniqueTouch
		if e.Type == kg.RelCounters || e.Type == kg.RelUses {
			if t = touch[atlasID(e.Target)]; t == nil {
				continue
			}
		}
		switch e.Type {
		case kg.RelCounters:
			t.mitigations[atlasID(e.Source)] = true
		case kg.RelUses:
			t.studies[atlasID(e.Source)] = true
		}
	}
	ids := make([]string, 0, len(touch))
	for id := range touch {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	layer := navLayer{Name: layerName, Domain: NavigatorDomain, Description: desc, Sorting: 3}
	layer.Versions.Navigator, layer.Versions.Layer = NavigatorVersion, NavigatorLayer
	maxScore := 0
	for _, id := range ids {
		t := touch[id]
		fms, mits, css := sortedKeys(t.failureModes), sortedKeys(t.mitigations), sortedKeys(t.studies)
		score := len(fms) + len(mits) + len(css)
		maxScore = max(maxScore, score)
		nt := navTechnique{TechniqueID: id, Score: score, Enabled: true,
			Comment:  fmt.Sprintf("%s: %d failure modes, %d mitigations, %d case studies", t.name, len(fms), len(mits), len(css)),
			Metadata: []navMeta{{"failure modes", joinOr(fms)}, {"mitigations", joinOr(mits)}, {"case studies", joinOr(css)}},
			Links:    []navLink{{Label: "ATLAS " + id, URL: t.url}}}
		layer.Techniques = append(layer.Techniques, nt)
	}
	if layer.Techniques == nil {
		layer.Techniques = []navTechnique{}
	}
	layer.Gradient = navGradient{Colors: []string{"#ffffff", "#ff6666"}, MinValue: 0, MaxValue: max(maxScore, 1)}
	layer.Metadata = []navMeta{{"generator", "failgraph"}}
	if r := in.ofKind(kg.KindAtlasTactic); len(r) > 0 {
		layer.Metadata = append(layer.Metadata, navMeta{"ATLAS release", r[0].AtlasRelease})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(layer)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func joinOr(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "any"
	}
	return strings.Join(s, ", ")
}
