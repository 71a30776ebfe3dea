package seed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/failgraph/failgraph/internal/kg"
)

// rawNode is the YAML shape of every node kind; which keys a section allows is in sectionKeys.
type rawNode struct {
	ID      string   `yaml:"id"`
	Name    string   `yaml:"name"`
	Summary string   `yaml:"summary"`
	Aliases []string `yaml:"aliases"`
	Cites   []string `yaml:"cites"`
	Notes   []string `yaml:"notes"`

	Number                      *int          `yaml:"number"`
	Intent                      string        `yaml:"intent"`
	Compromises                 []string      `yaml:"compromises"`
	Knowledge                   []string      `yaml:"knowledge"`
	ViolatesAccessAuthorization *bool         `yaml:"violates_access_authorization"`
	AccessCommentary            string        `yaml:"access_commentary"`
	Example                     string        `yaml:"example"`
	Severity                    []rawSeverity `yaml:"severity"`
	ExternalIDs                 []rawExternal `yaml:"external_ids"`
	Origin                      string        `yaml:"origin"`
	OriginSources               []string      `yaml:"origin_sources"`

	Category  string   `yaml:"category"`
	Implies   []string `yaml:"implies"`
	Lifecycle []string `yaml:"lifecycle"`

	Jurisdiction string `yaml:"jurisdiction"`
	Instrument   string `yaml:"instrument"`
	Citation     string `yaml:"citation"`
	Year         int    `yaml:"year"`
	InForceFrom  string `yaml:"in_force_from"`
	AppliesFrom  string `yaml:"applies_from"`
	Status       string `yaml:"status"`
	StatusAsOf   string `yaml:"status_as_of"`

	Title   string   `yaml:"title"`
	Authors []string `yaml:"authors"`
	Venue   string   `yaml:"venue"`
	DOI     string   `yaml:"doi"`
	ArXiv   string   `yaml:"arxiv"`
	URL     string   `yaml:"url"`
	Type    string   `yaml:"type"`

	Questions []string `yaml:"questions"`
}

type rawSeverity struct {
	Level   string `yaml:"level"`
	Source  string `yaml:"source"`
	Edition string `yaml:"edition"`
}

type rawExternal struct {
	Framework string `yaml:"framework"`
	Edition   string `yaml:"edition"`
	ID        string `yaml:"id"`
	Name      string `yaml:"name"`
	URL       string `yaml:"url"`
	Match     string `yaml:"match"`
}

type rawRelation struct {
	Type     string   `yaml:"type"`
	Source   string   `yaml:"source"`
	Target   string   `yaml:"target"`
	Cites    []string `yaml:"cites"`
	Note     string   `yaml:"note"`
	Strength string   `yaml:"strength"`

	Basis      string `yaml:"basis"`
	Confidence string `yaml:"confidence"`
	Reason     string `yaml:"reason"`
}

var common = []string{"id", "name", "summary", "aliases", "cites", "notes"}

// sections maps each top-level key to the node kind it holds ("" for relations).
var sections = map[string]kg.Kind{
	"failure_modes":        kg.KindFailureMode,
	"capabilities":         kg.KindCapability,
	"assets":               kg.KindAsset,
	"mitigations":          kg.KindMitigation,
	"legal_considerations": kg.KindLegal,
	"references":           kg.KindReference,
	"stakeholders":         kg.KindStakeholder,
	"relations":            "",
}

var sectionKeys = map[string][]string{
	"failure_modes": append(common[:6:6], "number", "intent", "compromises", "knowledge", "violates_access_authorization",
		"access_commentary", "example", "severity", "external_ids", "origin", "origin_sources"),
	"capabilities": append(common[:6:6], "category", "implies"),
	"assets":       append(common[:6:6], "category"),
	"mitigations":  append(common[:6:6], "category", "lifecycle", "external_ids"),
	"legal_considerations": append(common[:6:6], "jurisdiction", "instrument", "citation", "year",
		"in_force_from", "applies_from", "status", "status_as_of"),
	"references":   {"id", "name", "summary", "aliases", "notes", "title", "authors", "year", "venue", "doi", "arxiv", "url", "type"},
	"stakeholders": append(common[:6:6], "questions"),
	"relations":    {"type", "source", "target", "cites", "note", "strength", "basis", "confidence", "reason"},
}

var nestedKeys = map[string][]string{
	"severity":     {"level", "source", "edition"},
	"external_ids": {"framework", "edition", "id", "name", "url", "match"},
}

// entry is a decoded item with where it came from.
type entry struct {
	file, section string
	line          int
	node          rawNode
	rel           rawRelation
}

func (b *builder) decodeFile(file string, data []byte) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			b.problem(file, 0, "file is empty")
			return
		}
		b.problem(file, yamlLine(err), "invalid YAML: %s", yamlMsg(err))
		return
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		b.problem(file, extra.Line, "only one YAML document per file is allowed")
	}
	if len(doc.Content) == 0 {
		b.problem(file, 0, "file is empty")
		return
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		b.problem(file, root.Line, "top level must be a mapping of section names (%s) to lists", sectionList())
		return
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if _, ok := sections[k.Value]; !ok {
			b.problem(file, k.Line, "unknown section %q (want one of %s)", k.Value, sectionList())
			continue
		}
		if v.Kind != yaml.SequenceNode {
			if v.Tag == "!!null" {
				continue // an empty section
			}
			b.problem(file, v.Line, "section %q must be a list", k.Value)
			continue
		}
		for _, item := range v.Content {
			b.decodeItem(file, k.Value, item)
		}
	}
}

func (b *builder) decodeItem(file, section string, item *yaml.Node) {
	if item.Kind != yaml.MappingNode {
		b.problem(file, item.Line, "each item of %q must be a mapping", section)
		return
	}
	// Unknown keys are reported, and the item is kept so that one typo does not cascade into
	// "not defined" problems everywhere it is referenced.
	b.checkKeys(file, section, item, sectionKeys[section])
	e := entry{file: file, section: section, line: item.Line}
	var err error
	if section == "relations" {
		err = item.Decode(&e.rel)
	} else {
		err = item.Decode(&e.node)
	}
	if err != nil {
		b.problem(file, yamlLine(err, item.Line), "%s", yamlMsg(err))
		return
	}
	if section == "relations" {
		b.rels = append(b.rels, e)
	} else {
		b.nodes = append(b.nodes, e)
	}
}

// checkKeys reports every key of m not in allowed, recursing into the nested lists that have
// their own keys. It returns false when any key was unknown.
func (b *builder) checkKeys(file, section string, m *yaml.Node, allowed []string) bool {
	ok := true
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if !containsStr(allowed, k.Value) {
			b.problem(file, k.Line, "unknown field %q in %s (allowed: %s)", k.Value, section, strings.Join(allowed, ", "))
			ok = false
			continue
		}
		if sub, nested := nestedKeys[k.Value]; nested && v.Kind == yaml.SequenceNode {
			for _, it := range v.Content {
				if it.Kind == yaml.MappingNode && !b.checkKeys(file, k.Value, it, sub) {
					ok = false
				}
			}
		}
	}
	return ok
}

func sectionList() string {
	var s []string
	for k := range sections {
		s = append(s, k)
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

func containsStr(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// yamlLine extracts the line number from a yaml.v3 error ("yaml: line 7: ..."), or def.
func yamlLine(err error, def ...int) int {
	var n int
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		if _, e := fmt.Sscanf(msg[i:], "line %d", &n); e == nil {
			return n
		}
	}
	if len(def) > 0 {
		return def[0]
	}
	return 0
}

func yamlMsg(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	if i := strings.Index(msg, "line "); i == 0 {
		if j := strings.Index(msg, ": "); j > 0 {
			msg = msg[j+2:]
		}
	}
	return msg
}
