// Package atlas reads the MITRE ATLAS release file (ATLAS.yaml, as published in the atlas-data
// repository's dist/ folder, any 4.x or 5.x release), turns it into failgraph's ATLAS layer (Import),
// compares two releases (Diff) and checks the seed's crosswalk ids against a release (Check).
//
// The reader is strict: every object must have the fields the release's JSON Schema requires, ids
// must be well-formed and unique, and every id an object points at (a technique's tactics, a
// sub-technique's parent, a mitigation's techniques, a case study's procedure) must exist. Every
// problem is reported with the file and line of the object, so that a bad file is refused whole.
package atlas

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Object types, as the file's object-type field spells them.
const (
	TypeTactic     = "tactic"
	TypeTechnique  = "technique"
	TypeMitigation = "mitigation"
	TypeCaseStudy  = "case-study"
)

// Object is one ATLAS object: a tactic, technique, sub-technique, mitigation or case study.
type Object struct {
	ID         string
	Name       string
	ObjectType string
	Line       int // where the object starts in the file
}

// Ref is a reference to an ATT&CK object (ATT&CK-reference).
type Ref struct {
	ID  string `yaml:"id"`
	URL string `yaml:"url"`
}

// Tactic is an ATLAS tactic (AML.TA….).
type Tactic struct {
	Object
	Description string
	Attack      *Ref
	Modified    string
}

// Technique is an ATLAS technique (AML.T….) or sub-technique (AML.T….NNN).
type Technique struct {
	Object
	Description    string
	Tactics        []string // the tactics it serves, as listed (sub-techniques may list none)
	SubtechniqueOf string   // the parent technique of a sub-technique
	Maturity       string   // 5.x: feasible, demonstrated or realized
	Attack         *Ref
	Modified       string
	tacticLines    []int
}

// Use is one technique a mitigation addresses, and how.
type Use struct {
	Technique string
	Use       string
	Line      int
}

// Mitigation is an ATLAS mitigation (AML.M….).
type Mitigation struct {
	Object
	Description string
	Techniques  []Use
	Category    []string
	Lifecycle   []string
	Modified    string
}

// Step is one step of a case study's procedure.
type Step struct {
	Tactic    string
	Technique string
	Line      int
}

// CaseStudy is an ATLAS case study (AML.CS….).
type CaseStudy struct {
	Object
	Summary      string
	IncidentDate string
	Type         string // incident or exercise
	Target       string
	Actor        string
	Reporter     string
	Procedure    []Step
}

// Release is an ATLAS release file, read.
type Release struct {
	File        string
	ID          string
	Name        string
	Version     string
	Tactics     []Tactic
	Techniques  []Technique
	Mitigations []Mitigation
	CaseStudies []CaseStudy
	// Warnings are oddities of the file that the reader mended (each says how); they do not refuse it.
	Warnings []Problem
}

// Problem is one thing wrong with a release file, at a line (0 when unknown).
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// Error lists every problem of a refused release file.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

var (
	tacticRE     = regexp.MustCompile(`^AML\.TA\d{4}$`)
	techniqueRE  = regexp.MustCompile(`^AML\.T\d{4}(\.\d{3})?$`)
	mitigationRE = regexp.MustCompile(`^AML\.M\d{4}$`)
	caseStudyRE  = regexp.MustCompile(`^AML\.CS\d{4}$`)
	versionRE    = regexp.MustCompile(`^(\d+)\.(\d+)(\.\d+)?$`)
)

// Load reads, decodes and checks an ATLAS.yaml file. A file with any problem is refused with an
// *Error listing them all, each with its line.
func Load(path string) (*Release, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse decodes and checks the content of an ATLAS.yaml file; name is used in messages.
func Parse(name string, data []byte) (*Release, error) {
	p := &parser{file: name}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, &Error{[]Problem{{File: name, Msg: strings.Join(te.Errors, "; ")}}}
		}
		return nil, &Error{[]Problem{{File: name, Line: yamlErrLine(err), Msg: err.Error()}}}
	}
	r := p.release(&root)
	if len(p.problems) > 0 {
		return nil, &Error{p.problems}
	}
	r.Warnings = p.warnings
	return r, nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

func yamlErrLine(err error) int {
	m := yamlLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	n := 0
	fmt.Sscan(m[1], &n)
	return n
}

type parser struct {
	file     string
	problems []Problem
	warnings []Problem
}

func (p *parser) warn(line int, format string, args ...any) {
	p.warnings = append(p.warnings, Problem{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) problem(line int, format string, args ...any) {
	p.problems = append(p.problems, Problem{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// field returns the value node of key in mapping m, or nil.
func field(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// str returns the scalar value of key; a missing required key, or a value that is not a scalar, is a problem.
func (p *parser) str(m *yaml.Node, key, what string, required bool) string {
	v := field(m, key)
	if v == nil || (v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
		if required {
			p.problem(m.Line, "%s has no %s", what, key)
		}
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		p.problem(v.Line, "%s: %s must be a single value", what, key)
		return ""
	}
	if required && strings.TrimSpace(v.Value) == "" {
		p.problem(v.Line, "%s: %s is empty", what, key)
	}
	return v.Value
}

// list returns the items of key when it is a sequence (nil when absent).
func (p *parser) list(m *yaml.Node, key, what string, required bool) []*yaml.Node {
	v := field(m, key)
	if v == nil {
		if required {
			p.problem(m.Line, "%s has no %s", what, key)
		}
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		if v.Tag == "!!null" && !required {
			return nil
		}
		p.problem(v.Line, "%s: %s must be a list", what, key)
		return nil
	}
	return v.Content
}

func (p *parser) strs(m *yaml.Node, key, what string) []string {
	var out []string
	for _, it := range p.list(m, key, what, false) {
		if it.Kind != yaml.ScalarNode {
			p.problem(it.Line, "%s: every item of %s must be a single value", what, key)
			continue
		}
		out = append(out, it.Value)
	}
	return out
}

func (p *parser) attackRef(m *yaml.Node, what string) *Ref {
	v := field(m, "ATT&CK-reference")
	if v == nil {
		return nil
	}
	var r Ref
	if err := v.Decode(&r); err != nil || r.ID == "" {
		p.problem(v.Line, "%s: ATT&CK-reference needs an id", what)
		return nil
	}
	return &r
}

func (p *parser) object(m *yaml.Node, wantType string, re *regexp.Regexp, what string) (Object, bool) {
	if m.Kind != yaml.MappingNode {
		p.problem(m.Line, "every %s must be a mapping", what)
		return Object{}, false
	}
	o := Object{Line: m.Line}
	o.ID = p.str(m, "id", what, true)
	label := what
	if o.ID != "" {
		label = fmt.Sprintf("%s %s", what, o.ID)
		if !re.MatchString(o.ID) {
			p.problem(field(m, "id").Line, "%s: id %q is not a well-formed ATLAS %s id", what, o.ID, what)
			return o, false
		}
	}
	o.Name = p.str(m, "name", label, true)
	o.ObjectType = p.str(m, "object-type", label, true)
	if o.ObjectType != "" && o.ObjectType != wantType {
		p.problem(field(m, "object-type").Line, "%s: object-type is %q, want %q", label, o.ObjectType, wantType)
	}
	return o, o.ID != ""
}

func (p *parser) release(root *yaml.Node) *Release {
	r := &Release{File: p.file}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		p.problem(root.Line, "not an ATLAS release file: the top level must be a mapping with id, name, version and matrices")
		return r
	}
	top := root.Content[0]
	r.ID = p.str(top, "id", "the release", true)
	r.Name = p.str(top, "name", "the release", true)
	r.Version = p.str(top, "version", "the release", true)
	if r.Version != "" {
		if m := versionRE.FindStringSubmatch(r.Version); m == nil {
			p.problem(field(top, "version").Line, "version %q is not a release number such as 5.6.0", r.Version)
		} else if m[1] != "4" && m[1] != "5" {
			p.problem(field(top, "version").Line, "version %s: only ATLAS 4.x and 5.x release files are supported", r.Version)
		}
	}
	matrices := p.list(top, "matrices", "the release", true)
	if field(top, "matrices") != nil && len(matrices) == 0 {
		p.problem(top.Line, "the release has no matrices")
	}
	for _, mx := range matrices {
		what := "matrix"
		if mx.Kind != yaml.MappingNode {
			p.problem(mx.Line, "every matrix must be a mapping")
			continue
		}
		p.str(mx, "id", what, true)
		p.str(mx, "name", what, true)
		for _, t := range p.list(mx, "tactics", what, true) {
			if o, ok := p.object(t, TypeTactic, tacticRE, "tactic"); ok {
				desc := p.str(t, "description", "tactic "+o.ID, true)
				r.Tactics = append(r.Tactics, Tactic{Object: o, Description: desc,
					Attack: p.attackRef(t, "tactic "+o.ID), Modified: p.str(t, "modified_date", "", false)})
			}
		}
		for _, t := range p.list(mx, "techniques", what, true) {
			if o, ok := p.object(t, TypeTechnique, techniqueRE, "technique"); ok {
				label := "technique " + o.ID
				desc := p.str(t, "description", label, true)
				tq := Technique{Object: o, Description: desc, Tactics: p.strs(t, "tactics", label),
					tacticLines:    lines(p.list(t, "tactics", label, false)),
					SubtechniqueOf: p.str(t, "subtechnique-of", label, false), Maturity: p.str(t, "maturity", label, false),
					Attack: p.attackRef(t, label), Modified: p.str(t, "modified_date", "", false)}
				r.Techniques = append(r.Techniques, tq)
			}
		}
		for _, t := range p.list(mx, "mitigations", what, false) {
			if o, ok := p.object(t, TypeMitigation, mitigationRE, "mitigation"); ok {
				label := "mitigation " + o.ID
				mi := Mitigation{Object: o, Description: p.str(t, "description", label, true),
					Category: p.strs(t, "category", label), Modified: p.str(t, "modified_date", "", false)}
				uses := p.list(t, "techniques", label, false)
				// Two mitigations of 5.6.0 (AML.M0018, AML.M0034) carry a technique use inside their
				// ml-lifecycle list, an indentation slip upstream: read it as the technique use it is.
				for _, it := range p.list(t, "ml-lifecycle", label, false) {
					switch {
					case it.Kind == yaml.ScalarNode:
						mi.Lifecycle = append(mi.Lifecycle, it.Value)
					case it.Kind == yaml.MappingNode && field(it, "id") != nil:
						p.warn(it.Line, "%s: ml-lifecycle holds a technique use (%s); read as one of its techniques", label, field(it, "id").Value)
						uses = append(uses, it)
					default:
						p.problem(it.Line, "%s: every item of ml-lifecycle must be a lifecycle stage", label)
					}
				}
				for _, u := range uses {
					if u.Kind == yaml.ScalarNode { // older files list bare ids
						mi.Techniques = append(mi.Techniques, Use{Technique: u.Value, Line: u.Line})
						continue
					}
					id := p.str(u, "id", label+" technique", true)
					mi.Techniques = append(mi.Techniques, Use{Technique: id, Use: strings.TrimSpace(p.str(u, "use", "", false)), Line: u.Line})
				}
				r.Mitigations = append(r.Mitigations, mi)
			}
		}
	}
	for _, c := range p.list(top, "case-studies", "the release", false) {
		if o, ok := p.object(c, TypeCaseStudy, caseStudyRE, "case study"); ok {
			label := "case study " + o.ID
			cs := CaseStudy{Object: o, Summary: p.str(c, "summary", label, true),
				IncidentDate: p.str(c, "incident-date", label, false), Type: p.str(c, "case-study-type", label, false),
				Target: p.str(c, "target", label, false), Actor: p.str(c, "actor", label, false),
				Reporter: p.str(c, "reporter", label, false)}
			for _, s := range p.list(c, "procedure", label, true) {
				st := Step{Line: s.Line, Tactic: p.str(s, "tactic", label+" procedure step", true),
					Technique: p.str(s, "technique", label+" procedure step", true)}
				cs.Procedure = append(cs.Procedure, st)
			}
			r.CaseStudies = append(r.CaseStudies, cs)
		}
	}
	if len(p.problems) == 0 {
		p.crossCheck(r)
	}
	return r
}

func lines(ns []*yaml.Node) []int {
	out := make([]int, len(ns))
	for i, n := range ns {
		out[i] = n.Line
	}
	return out
}

// crossCheck finds duplicate ids and ids that point at nothing.
func (p *parser) crossCheck(r *Release) {
	seen := map[string]Object{}
	for _, o := range r.Objects() {
		if prev, dup := seen[o.ID]; dup {
			p.problem(o.Line, "duplicate id %s (first defined at line %d)", o.ID, prev.Line)
			continue
		}
		seen[o.ID] = o
	}
	is := func(id, typ string) bool { o, ok := seen[id]; return ok && o.ObjectType == typ }
	for _, t := range r.Techniques {
		for i, ta := range t.Tactics {
			if !is(ta, TypeTactic) {
				p.problem(t.tacticLines[i], "technique %s: tactic %s is not in the release", t.ID, ta)
			}
		}
		if t.SubtechniqueOf != "" {
			if !is(t.SubtechniqueOf, TypeTechnique) {
				p.problem(t.Line, "technique %s: subtechnique-of %s is not a technique of the release", t.ID, t.SubtechniqueOf)
			} else if !strings.HasPrefix(t.ID, t.SubtechniqueOf+".") {
				p.problem(t.Line, "technique %s: a sub-technique's id must extend its parent's, %s", t.ID, t.SubtechniqueOf)
			}
		} else if strings.Count(t.ID, ".") == 2 {
			p.problem(t.Line, "technique %s has a sub-technique id but no subtechnique-of", t.ID)
		} else if len(t.Tactics) == 0 {
			p.problem(t.Line, "technique %s has no tactics", t.ID)
		}
	}
	for _, m := range r.Mitigations {
		for _, u := range m.Techniques {
			if !is(u.Technique, TypeTechnique) {
				p.problem(u.Line, "mitigation %s: technique %s is not in the release", m.ID, u.Technique)
			}
		}
	}
	for _, c := range r.CaseStudies {
		for _, s := range c.Procedure {
			if s.Tactic != "" && !is(s.Tactic, TypeTactic) {
				p.problem(s.Line, "case study %s: procedure tactic %s is not in the release", c.ID, s.Tactic)
			}
			if s.Technique != "" && !is(s.Technique, TypeTechnique) {
				p.problem(s.Line, "case study %s: procedure technique %s is not in the release", c.ID, s.Technique)
			}
		}
	}
}

// Objects returns every object of the release: tactics, techniques, mitigations, case studies, in
// file order within each.
func (r *Release) Objects() []Object {
	var out []Object
	for _, t := range r.Tactics {
		out = append(out, t.Object)
	}
	for _, t := range r.Techniques {
		out = append(out, t.Object)
	}
	for _, m := range r.Mitigations {
		out = append(out, m.Object)
	}
	for _, c := range r.CaseStudies {
		out = append(out, c.Object)
	}
	return out
}

// Index returns every object of the release by id.
func (r *Release) Index() map[string]Object {
	idx := map[string]Object{}
	for _, o := range r.Objects() {
		idx[o.ID] = o
	}
	return idx
}

// TechniqueByID returns the release's techniques by id.
func (r *Release) TechniqueByID() map[string]*Technique {
	m := make(map[string]*Technique, len(r.Techniques))
	for i := range r.Techniques {
		m[r.Techniques[i].ID] = &r.Techniques[i]
	}
	return m
}

// EffectiveTactics returns the tactics of technique t: its own, or its parent's when a
// sub-technique lists none. Sorted.
func (r *Release) EffectiveTactics(t *Technique, byID map[string]*Technique) []string {
	ts := t.Tactics
	if len(ts) == 0 && t.SubtechniqueOf != "" {
		if p := byID[t.SubtechniqueOf]; p != nil {
			ts = p.Tactics
		}
	}
	out := append([]string(nil), ts...)
	sort.Strings(out)
	return out
}
