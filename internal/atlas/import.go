package atlas

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

// Framework is how the seed's crosswalk names MITRE ATLAS.
const Framework = "MITRE ATLAS"

// ReleaseRefID is the id of the reference node that stands for release version: every ATLAS node
// cites it and every ATLAS edge rests on it, so each says which release it came from.
func ReleaseRefID(version string) string {
	return "mitre-atlas-release-" + strings.ReplaceAll(version, ".", "-")
}

// URL is the page of an ATLAS object on atlas.mitre.org.
func URL(o Object) string {
	section := map[string]string{TypeTactic: "tactics", TypeTechnique: "techniques",
		TypeMitigation: "mitigations", TypeCaseStudy: "studies"}[o.ObjectType]
	return "https://atlas.mitre.org/" + section + "/" + o.ID
}

// Imported is what Import did: the graph and what the crosswalk found.
type Imported struct {
	Graph *kg.Graph
	// Added counts the nodes and edges of the ATLAS layer.
	Nodes, Edges int
	// Crosswalk counts the CORRESPONDS_TO edges made from the seed's crosswalk ids.
	Crosswalk int
	// Stale lists the seed's crosswalk ids the release does not have, or names otherwise.
	Stale []Stale
}

// Import returns a new graph: seed with release's ATLAS layer beside it. Tactics, techniques and
// sub-techniques, mitigations and case studies become nodes of the ATLAS kinds (ids from
// kg.AtlasSlug), joined as ATLAS joins them (ACHIEVES, SUBTECHNIQUE_OF, COUNTERS, USES), and the
// seed's failure modes and mitigations are joined to the ATLAS objects their crosswalk names
// (CORRESPONDS_TO, with the crosswalk's match as Strength). A crosswalk id the release lacks makes no
// edge and is listed in Stale. seed is not changed. Import fails only when the two cannot be
// joined (an id of the seed that an ATLAS node would take).
func Import(r *Release, seed *kg.Graph) (*Imported, error) {
	g := &kg.Graph{Nodes: make([]*kg.Node, 0, len(seed.Nodes)+len(r.Objects())+1), Edges: append([]kg.Edge(nil), seed.Edges...)}
	taken := map[string]bool{}
	for _, n := range seed.Nodes {
		g.Nodes = append(g.Nodes, n.Clone())
		taken[n.ID] = true
	}
	ref := ReleaseRefID(r.Version)
	refs := []string{ref}
	var added []*kg.Node
	add := func(n *kg.Node) {
		n.AtlasRelease = r.Version
		added = append(added, n)
	}
	add(&kg.Node{ID: ref, Kind: kg.KindReference, Name: "MITRE ATLAS " + r.Version,
		Title:   fmt.Sprintf("%s (ATLAS.yaml, data release %s)", r.Name, r.Version),
		Authors: []string{"MITRE"}, Year: latestYear(r), Venue: "MITRE ATLAS data (atlas-data, dist/ATLAS.yaml)",
		URL: "https://github.com/mitre-atlas/atlas-data", RefType: "web",
		Summary: "The MITRE ATLAS release file the graph's ATLAS nodes and edges were read from, at start-up, from the user's copy."})

	for _, t := range r.Tactics {
		add(&kg.Node{ID: kg.AtlasSlug(t.ID), Kind: kg.KindAtlasTactic, AtlasID: t.ID, Name: t.Name,
			Summary: strings.TrimSpace(t.Description), URL: URL(t.Object), ExternalIDs: attack(t.Attack)})
	}
	for _, t := range r.Techniques {
		add(&kg.Node{ID: kg.AtlasSlug(t.ID), Kind: kg.KindAtlasTechnique, AtlasID: t.ID, Name: t.Name,
			Summary: strings.TrimSpace(t.Description), URL: URL(t.Object), Maturity: t.Maturity, ExternalIDs: attack(t.Attack)})
	}
	for _, m := range r.Mitigations {
		add(&kg.Node{ID: kg.AtlasSlug(m.ID), Kind: kg.KindAtlasMitigation, AtlasID: m.ID, Name: m.Name,
			Summary: strings.TrimSpace(m.Description), URL: URL(m.Object), Category: strings.Join(m.Category, ", "),
			Lifecycle: append([]string(nil), m.Lifecycle...)})
	}
	for _, c := range r.CaseStudies {
		var notes []string
		for _, kv := range [][2]string{{"Target", c.Target}, {"Actor", c.Actor}, {"Reporter", c.Reporter}} {
			if kv[1] != "" {
				notes = append(notes, kv[0]+": "+kv[1])
			}
		}
		add(&kg.Node{ID: kg.AtlasSlug(c.ID), Kind: kg.KindAtlasCaseStudy, AtlasID: c.ID, Name: c.Name,
			Summary: strings.TrimSpace(c.Summary), URL: URL(c.Object), CaseStudyType: c.Type, IncidentDate: c.IncidentDate, Notes: notes})
	}
	for _, n := range added {
		if taken[n.ID] {
			return nil, fmt.Errorf("%s: ATLAS %s would take the id %q, which the seed already uses", r.File, n.AtlasID, n.ID)
		}
		taken[n.ID] = true
		g.Nodes = append(g.Nodes, n)
	}

	edges := map[string]kg.Edge{}
	edge := func(t kg.RelType, src, dst, note, strength string) {
		id := kg.EdgeID(t, src, dst)
		if prev, ok := edges[id]; ok { // one edge per type and endpoints: merge the notes
			if note != "" && prev.Note != "" && !strings.Contains(prev.Note, note) {
				prev.Note += "; " + note
			}
			edges[id] = prev
			return
		}
		edges[id] = kg.Edge{ID: id, Type: t, Source: src, Target: dst, Note: note, Strength: kg.Strength(strength), Refs: refs}
	}
	for _, n := range added[1:] {
		edge(kg.RelCites, n.ID, ref, "", "")
	}
	for _, t := range r.Techniques {
		for _, ta := range t.Tactics {
			edge(kg.RelAchieves, kg.AtlasSlug(t.ID), kg.AtlasSlug(ta), "", "")
		}
		if t.SubtechniqueOf != "" {
			edge(kg.RelSubtechniqueOf, kg.AtlasSlug(t.ID), kg.AtlasSlug(t.SubtechniqueOf), "", "")
		}
	}
	for _, m := range r.Mitigations {
		for _, u := range m.Techniques {
			edge(kg.RelCounters, kg.AtlasSlug(m.ID), kg.AtlasSlug(u.Technique), u.Use, "")
		}
	}
	tactics := map[string]string{}
	for _, t := range r.Tactics {
		tactics[t.ID] = t.Name
	}
	for _, c := range r.CaseStudies {
		steps := map[string][]string{}
		var order []string
		for i, s := range c.Procedure {
			if _, ok := steps[s.Technique]; !ok {
				order = append(order, s.Technique)
			}
			steps[s.Technique] = append(steps[s.Technique], fmt.Sprintf("step %d (%s, %s)", i+1, s.Tactic, tactics[s.Tactic]))
		}
		for _, tq := range order {
			edge(kg.RelUses, kg.AtlasSlug(c.ID), kg.AtlasSlug(tq), "procedure "+strings.Join(steps[tq], ", "), "")
		}
	}

	imp := &Imported{Graph: g, Nodes: len(added)}
	idx := r.Index()
	for _, n := range seed.Nodes {
		for _, x := range n.ExternalIDs {
			if x.Framework != Framework {
				continue
			}
			if s, stale := checkOne(n, x, idx, r.Version); stale {
				imp.Stale = append(imp.Stale, s)
				if s.Reason != ReasonRenamed {
					continue
				}
			}
			note := fmt.Sprintf("the seed's crosswalk of %s to %s (%s)", n.ID, x.ID, x.Match)
			edge(kg.RelCorrespondsTo, n.ID, kg.AtlasSlug(x.ID), note, x.Match)
			imp.Crosswalk++
		}
	}
	imp.Edges = len(edges)
	for _, e := range edges {
		g.Edges = append(g.Edges, e)
	}
	kg.SortEdges(g.Edges)
	sort.Slice(g.Nodes, func(i, j int) bool { return g.Nodes[i].ID < g.Nodes[j].ID })
	return imp, nil
}

// latestYear is the year of the newest created or modified date in the release, the closest the
// file comes to a publication date (0 when it has none).
func latestYear(r *Release) int {
	best := ""
	for _, d := range append(append(collect(r.Tactics, func(t Tactic) string { return t.Modified }),
		collect(r.Techniques, func(t Technique) string { return t.Modified })...),
		collect(r.Mitigations, func(m Mitigation) string { return m.Modified })...) {
		if d > best {
			best = d
		}
	}
	if len(best) < 4 {
		return 0
	}
	y, _ := strconv.Atoi(best[:4])
	return y
}

func collect[T any](xs []T, f func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func attack(r *Ref) []kg.ExternalID {
	if r == nil {
		return nil
	}
	return []kg.ExternalID{{Framework: "MITRE ATT&CK", ID: r.ID, URL: r.URL, Match: "close"}}
}
