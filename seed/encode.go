package seed

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/failgraph/failgraph/internal/kg"
)

// outNode is rawNode for writing: empty fields are left out.
type outNode struct {
	ID      string   `yaml:"id"`
	Name    string   `yaml:"name"`
	Summary string   `yaml:"summary,omitempty"`
	Aliases []string `yaml:"aliases,omitempty,flow"`
	Cites   []string `yaml:"cites,omitempty,flow"`
	Notes   []string `yaml:"notes,omitempty"`

	Number                      *int          `yaml:"number,omitempty"`
	Intent                      string        `yaml:"intent,omitempty"`
	Compromises                 []string      `yaml:"compromises,omitempty,flow"`
	Knowledge                   []string      `yaml:"knowledge,omitempty,flow"`
	ViolatesAccessAuthorization *bool         `yaml:"violates_access_authorization,omitempty"`
	AccessCommentary            string        `yaml:"access_commentary,omitempty"`
	Example                     string        `yaml:"example,omitempty"`
	Severity                    []rawSeverity `yaml:"severity,omitempty"`
	ExternalIDs                 []rawExternal `yaml:"external_ids,omitempty"`
	Origin                      string        `yaml:"origin,omitempty"`
	OriginSources               []string      `yaml:"origin_sources,omitempty,flow"`

	Category  string   `yaml:"category,omitempty"`
	Implies   []string `yaml:"implies,omitempty,flow"`
	Lifecycle []string `yaml:"lifecycle,omitempty,flow"`

	Jurisdiction string `yaml:"jurisdiction,omitempty"`
	Instrument   string `yaml:"instrument,omitempty"`
	Citation     string `yaml:"citation,omitempty"`
	Year         int    `yaml:"year,omitempty"`
	InForceFrom  string `yaml:"in_force_from,omitempty"`
	AppliesFrom  string `yaml:"applies_from,omitempty"`
	Status       string `yaml:"status,omitempty"`
	StatusAsOf   string `yaml:"status_as_of,omitempty"`

	Title   string   `yaml:"title,omitempty"`
	Authors []string `yaml:"authors,omitempty,flow"`
	Venue   string   `yaml:"venue,omitempty"`
	DOI     string   `yaml:"doi,omitempty"`
	ArXiv   string   `yaml:"arxiv,omitempty"`
	URL     string   `yaml:"url,omitempty"`
	Type    string   `yaml:"type,omitempty"`

	Questions []string `yaml:"questions,omitempty"`
}

type outRelation struct {
	Type     string   `yaml:"type"`
	Source   string   `yaml:"source"`
	Target   string   `yaml:"target"`
	Strength string   `yaml:"strength,omitempty"`
	Cites    []string `yaml:"cites,flow"`
	Note     string   `yaml:"note,omitempty"`

	Basis      string `yaml:"basis"`
	Confidence string `yaml:"confidence"`
	Reason     string `yaml:"reason,omitempty"`
}

// sectionOf is the inverse of sections.
func sectionOf(k kg.Kind) string {
	for s, kind := range sections {
		if kind == k && s != "relations" {
			return s
		}
	}
	return ""
}

func inverse[T comparable](m map[string]T) map[T]string {
	out := make(map[T]string, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}

// WriteDir writes g as seed files into dir (created if missing): one file per node section
// (failure_modes.yaml, ...) and one per relation type under relations/. A node's outgoing CITES
// edges become its cites; the other edges become relations. LoadDir reads the files back into the
// same graph when g keeps the seed's rules, among them that the source of every claim cites the
// claim's references. Files are written item by item, so a graph of a million nodes never exists
// twice in memory.
func WriteDir(dir string, g *kg.Graph) error {
	if err := os.MkdirAll(filepath.Join(dir, "relations"), 0o755); err != nil {
		return err
	}
	cites := map[string][]string{}
	rels := map[kg.RelType][]kg.Edge{}
	for _, e := range g.Edges {
		if e.Type == kg.RelCites {
			cites[e.Source] = append(cites[e.Source], e.Target)
		} else {
			rels[e.Type] = append(rels[e.Type], e)
		}
	}
	byKind := map[kg.Kind][]*kg.Node{}
	for _, n := range g.Nodes {
		if n.Kind.IsAtlas() {
			return fmt.Errorf("node %q: the ATLAS layer is imported from an ATLAS release file, not written as seed", n.ID)
		}
		byKind[n.Kind] = append(byKind[n.Kind], n)
	}
	intentName, propName, knowName := inverse(intents), inverse(properties), inverse(knowledges)
	originName, statusName := inverse(origins), inverse(statuses)
	basisName, confidenceName := inverse(bases), inverse(confidences)
	for _, k := range kg.Kinds {
		if k.IsAtlas() {
			continue
		}
		section := sectionOf(k)
		err := writeSection(filepath.Join(dir, section+".yaml"), section, len(byKind[k]), func(i int) any {
			n := byKind[k][i]
			o := outNode{ID: n.ID, Name: n.Name, Summary: n.Summary, Aliases: n.Aliases, Cites: cites[n.ID], Notes: n.Notes,
				Intent: intentName[n.Intent], ViolatesAccessAuthorization: n.ViolatesAccessAuthorization,
				AccessCommentary: n.AccessCommentary, Example: n.Example, Category: n.Category, Implies: n.Implies,
				Lifecycle: n.Lifecycle, Jurisdiction: n.Jurisdiction, Instrument: n.Instrument, Citation: n.Citation,
				Year: n.Year, Title: n.Title, Authors: n.Authors, Venue: n.Venue, DOI: n.DOI, ArXiv: n.ArXiv, URL: n.URL,
				Type: string(n.RefType), Questions: n.Questions, Origin: originName[n.Origin], OriginSources: n.OriginSources,
				InForceFrom: n.InForceFrom, AppliesFrom: n.AppliesFrom, Status: statusName[n.Status], StatusAsOf: n.StatusAsOf}
			if n.Number != 0 {
				num := n.Number
				o.Number = &num
			}
			for _, c := range n.Compromises {
				o.Compromises = append(o.Compromises, propName[c])
			}
			for _, kn := range n.Knowledge {
				o.Knowledge = append(o.Knowledge, knowName[kn])
			}
			for _, s := range n.Severity {
				o.Severity = append(o.Severity, rawSeverity(s))
			}
			for _, x := range n.ExternalIDs {
				o.ExternalIDs = append(o.ExternalIDs, rawExternal(x))
			}
			return o
		})
		if err != nil {
			return err
		}
	}
	for _, t := range kg.RelTypes {
		if t == kg.RelCites || t.IsAtlas() {
			continue
		}
		es := rels[t]
		err := writeSection(filepath.Join(dir, "relations", strings.ToLower(string(t))+".yaml"), "relations", len(es), func(i int) any {
			e := es[i]
			return outRelation{Type: string(t), Source: e.Source, Target: e.Target, Strength: string(e.Strength), Cites: e.Refs, Note: e.Note,
				Basis: basisName[e.Basis], Confidence: confidenceName[e.Confidence], Reason: e.Reason}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// writeSection writes "section:" and then the n items item(0..n-1) as a YAML list.
func writeSection(file, section string, n int, item func(int) any) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(w, "# Written by failgraph (seed.WriteDir).\n%s:", section)
	if n == 0 {
		fmt.Fprint(w, " []")
	}
	fmt.Fprintln(w)
	for i := 0; i < n; i++ {
		b, err := yaml.Marshal([]any{item(i)})
		if err != nil {
			f.Close()
			return fmt.Errorf("%s: item %d: %w", file, i, err)
		}
		for _, line := range bytes.SplitAfter(b, []byte("\n")) {
			if len(line) > 0 {
				w.WriteString("  ")
				w.Write(line)
			}
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
