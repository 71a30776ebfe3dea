package seed

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

type builder struct {
	problems []Problem
	// paperChecks are the problems that hold only when the paper's references are part of the
	// graph (the shipped seed): a synthetic graph without them cannot cite them.
	paperChecks []Problem
	nodes       []entry
	rels        []entry
}

func newBuilder() *builder { return &builder{} }

func (b *builder) problem(file string, line int, format string, args ...any) {
	b.problems = append(b.problems, Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

var (
	intents     = map[string]kg.Intent{"intentional": kg.Intentional, "unintentional": kg.Unintentional}
	properties  = map[string]kg.SecurityProperty{"confidentiality": kg.Confidentiality, "integrity": kg.Integrity, "availability": kg.Availability, "safety": kg.Safety}
	knowledges  = map[string]kg.Knowledge{"black-box": kg.BlackBox, "gray-box": kg.GrayBox, "white-box": kg.WhiteBox}
	capCats     = []string{"attacker-capability", "knowledge", "access", "position"}
	assetCats   = []string{"data", "model", "system", "physical", "people"}
	mitCats     = []string{"technical", "process", "detection", "governance"}
	lifecycles  = []string{"design", "data", "training", "deployment", "operations"}
	instruments = []string{"statute", "regulation", "directive", "treaty", "case", "doctrine", "contract", "standard", "guidance"}
	refTypes    = strs(kg.ReferenceTypes)
	strengths   = strs(kg.Strengths)
	matches     = []string{"exact", "close", "related"}

	doiRE   = regexp.MustCompile(`^10\.\d{4,9}/\S+$`)
	arxivRE = regexp.MustCompile(`^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?/\d{7})$`)
	urlRE   = regexp.MustCompile(`^https?://\S+$`)

	// ExternalIDPatterns are the well-formed identifiers of each framework failgraph crosswalks to.
	ExternalIDPatterns = map[string]*regexp.Regexp{
		"MITRE ATLAS":      regexp.MustCompile(`^AML\.(T\d{4}(\.\d{3})?|M\d{4}|CS\d{4}|TA\d{4})$`),
		"OWASP ML Top 10":  regexp.MustCompile(`^ML(0[1-9]|10)$`),
		"OWASP LLM Top 10": regexp.MustCompile(`^LLM(0[1-9]|10):20\d\d$`),
		"NIST AI 100-2":    regexp.MustCompile(`^NISTAML\.\d{2,3}$`),
		"AVID":             regexp.MustCompile(`^[SPE]\d{4}$`),
	}
)

// build converts the decoded entries into a graph, checking each item and then the whole.
func (b *builder) build() *kg.Graph {
	g := &kg.Graph{}
	byID := map[string]*kg.Node{}
	where := map[string]entry{}
	cites := map[string][]string{} // node id -> reference ids it cites directly

	for _, e := range b.nodes {
		n := b.convertNode(e)
		if n == nil {
			continue
		}
		if prev, dup := where[n.ID]; dup {
			b.problem(e.file, e.line, "duplicate id %q (first defined at %s:%d)", n.ID, prev.file, prev.line)
			continue
		}
		where[n.ID] = e
		byID[n.ID] = n
		g.Nodes = append(g.Nodes, n)
		cites[n.ID] = e.node.Cites
	}

	b.checkReferences(g, where)

	edges := map[string]kg.Edge{}
	addEdge := func(ed kg.Edge) { edges[ed.ID] = ed }

	// CITES from each node's cites.
	for _, n := range g.Nodes {
		e := where[n.ID]
		seen := map[string]bool{}
		for _, r := range cites[n.ID] {
			if seen[r] {
				b.problem(e.file, e.line, "%s cites %q twice", n.ID, r)
				continue
			}
			seen[r] = true
			if b.checkRef(e, n.ID, r, byID) {
				ed := kg.Edge{ID: kg.EdgeID(kg.RelCites, n.ID, r), Type: kg.RelCites, Source: n.ID, Target: r}
				citesProvenance(&ed)
				addEdge(ed)
			}
		}
	}

	// Relations.
	relWhere := map[string]entry{}
	for _, e := range b.rels {
		ed, ok := b.convertRelation(e, byID)
		if !ok {
			continue
		}
		if prev, dup := relWhere[ed.ID]; dup {
			b.problem(e.file, e.line, "duplicate relation %s %s -> %s (first at %s:%d)", ed.Type, ed.Source, ed.Target, prev.file, prev.line)
			continue
		}
		relWhere[ed.ID] = e
		addEdge(ed)
		// A claim rests on its references, so the node that makes it cites them too.
		for _, r := range ed.Refs {
			id := kg.EdgeID(kg.RelCites, ed.Source, r)
			if _, ok := edges[id]; !ok {
				c := kg.Edge{ID: id, Type: kg.RelCites, Source: ed.Source, Target: r}
				citesProvenance(&c)
				addEdge(c)
			}
		}
	}

	for _, ed := range edges {
		g.Edges = append(g.Edges, ed)
	}
	kg.SortEdges(g.Edges)
	sort.Slice(g.Nodes, func(i, j int) bool { return g.Nodes[i].ID < g.Nodes[j].ID })

	b.checkCapabilities(g, byID, where)
	b.checkSubtypes(g, byID, where)
	b.checkInvariants(g, byID, where, relWhere)
	if _, ok := byID[PaperReference]; ok {
		b.problems = append(b.problems, b.paperChecks...)
	}
	return g
}

func (b *builder) convertNode(e entry) *kg.Node {
	r := e.node
	kind := sections[e.section]
	bad := func(format string, args ...any) {
		b.problem(e.file, e.line, "%s %q: "+format, append([]any{kind, r.ID}, args...)...)
	}
	if r.ID == "" {
		b.problem(e.file, e.line, "%s without id", kind)
		return nil
	}
	if !kg.ValidID(r.ID) {
		b.problem(e.file, e.line, "id %q is not a lowercase slug (a-z, 0-9 and single hyphens)", r.ID)
		return nil
	}
	n := &kg.Node{ID: r.ID, Kind: kind, Name: strings.TrimSpace(r.Name), Summary: strings.TrimSpace(r.Summary),
		Aliases: r.Aliases, Notes: r.Notes}
	if n.Name == "" {
		bad("name is required")
	}
	if n.Summary == "" && kind != kg.KindReference {
		bad("summary is required")
	}
	needCites := map[kg.Kind]int{kg.KindFailureMode: 2, kg.KindReference: 0}
	min, ok := needCites[kind]
	if !ok {
		min = 1
	}
	if len(r.Cites) < min {
		bad("must cite at least %d reference(s), cites %d", min, len(r.Cites))
	}
	switch kind {
	case kg.KindFailureMode:
		if r.Number != nil {
			if *r.Number < 1 {
				bad("number must be positive")
			}
			n.Number = *r.Number
		}
		if v, ok := intents[r.Intent]; ok {
			n.Intent = v
		} else {
			bad("intent must be intentional or unintentional, got %q", r.Intent)
		}
		if len(r.Compromises) == 0 {
			bad("compromises is required")
		}
		for _, c := range r.Compromises {
			if v, ok := properties[c]; ok {
				n.Compromises = append(n.Compromises, v)
			} else {
				bad("unknown security property %q", c)
			}
		}
		for _, k := range r.Knowledge {
			if v, ok := knowledges[k]; ok {
				n.Knowledge = append(n.Knowledge, v)
			} else {
				bad("unknown knowledge %q (want black-box, gray-box or white-box)", k)
			}
		}
		n.ViolatesAccessAuthorization = r.ViolatesAccessAuthorization
		n.AccessCommentary = strings.TrimSpace(r.AccessCommentary)
		n.Example = strings.TrimSpace(r.Example)
		for _, s := range r.Severity {
			if s.Level == "" || s.Source == "" || s.Edition == "" {
				bad("severity needs level, source and edition")
			}
			n.Severity = append(n.Severity, kg.Severity{Level: s.Level, Source: s.Source, Edition: s.Edition})
		}
		n.ExternalIDs = b.convertExternal(e, r)
		b.convertOrigin(n, r, bad)
	case kg.KindCapability:
		n.Category = b.oneOf(e, r.ID, "category", r.Category, capCats)
		n.Implies = r.Implies
	case kg.KindAsset:
		n.Category = b.oneOf(e, r.ID, "category", r.Category, assetCats)
	case kg.KindMitigation:
		n.Category = b.oneOf(e, r.ID, "category", r.Category, mitCats)
		for _, l := range r.Lifecycle {
			n.Lifecycle = append(n.Lifecycle, b.oneOf(e, r.ID, "lifecycle", l, lifecycles))
		}
		n.ExternalIDs = b.convertExternal(e, r)
	case kg.KindLegal:
		n.Jurisdiction = strings.TrimSpace(r.Jurisdiction)
		if n.Jurisdiction == "" {
			bad("jurisdiction is required")
		}
		n.Instrument = b.oneOf(e, r.ID, "instrument", r.Instrument, instruments)
		n.Citation = strings.TrimSpace(r.Citation)
		if n.Citation == "" {
			bad("citation is required")
		}
		n.Year = r.Year
		if r.Year < 1600 || r.Year > 2100 {
			bad("year %d is not plausible", r.Year)
		}
		b.convertLegalDates(n, r, bad)
	case kg.KindReference:
		n.Title, n.Authors, n.Year, n.Venue = strings.TrimSpace(r.Title), r.Authors, r.Year, r.Venue
		n.DOI, n.ArXiv, n.URL = r.DOI, r.ArXiv, r.URL
		n.RefType = kg.RefType(b.oneOf(e, r.ID, "type", r.Type, refTypes))
		if n.Title == "" {
			bad("title is required")
		}
		if len(n.Authors) == 0 {
			bad("authors is required")
		}
		if r.Year < 1600 || r.Year > 2100 {
			bad("year %d is not plausible", r.Year)
		}
		if r.DOI != "" && !doiRE.MatchString(r.DOI) {
			bad("doi %q is not of the form 10.NNNN/suffix", r.DOI)
		}
		if r.ArXiv != "" && !arxivRE.MatchString(r.ArXiv) {
			bad("arxiv %q is not an arXiv identifier like 1706.06083", r.ArXiv)
		}
		if r.URL != "" && !urlRE.MatchString(r.URL) {
			bad("url %q is not an http(s) URL", r.URL)
		}
		if r.DOI == "" && r.ArXiv == "" && r.URL == "" {
			bad("needs a doi, an arxiv id or a url so that it can be checked")
		}
	case kg.KindStakeholder:
		n.Questions = r.Questions
		if len(r.Questions) == 0 {
			bad("questions is required")
		}
	}
	if kind != kg.KindFailureMode && (r.Number != nil || r.Intent != "") {
		bad("number and intent apply to failure modes only")
	}
	return n
}

func (b *builder) convertExternal(e entry, r rawNode) []kg.ExternalID {
	var out []kg.ExternalID
	for _, x := range r.ExternalIDs {
		re, ok := ExternalIDPatterns[x.Framework]
		switch {
		case !ok:
			b.problem(e.file, e.line, "%s: external id %q: unknown framework %q", r.ID, x.ID, x.Framework)
		case !re.MatchString(x.ID):
			b.problem(e.file, e.line, "%s: external id %q is not a well-formed %s id", r.ID, x.ID, x.Framework)
		}
		if x.Edition == "" || x.Name == "" {
			b.problem(e.file, e.line, "%s: external id %q needs edition and name", r.ID, x.ID)
		}
		if !containsStr(matches, x.Match) {
			b.problem(e.file, e.line, "%s: external id %q: match must be exact, close or related, got %q", r.ID, x.ID, x.Match)
		}
		if x.URL != "" && !urlRE.MatchString(x.URL) {
			b.problem(e.file, e.line, "%s: external id %q: url %q is not an http(s) URL", r.ID, x.ID, x.URL)
		}
		out = append(out, kg.ExternalID{Framework: x.Framework, Edition: x.Edition, ID: x.ID, Name: x.Name, URL: x.URL, Match: x.Match})
	}
	return out
}

// strs returns the values of a string enumeration of the domain as strings, in order.
func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func (b *builder) oneOf(e entry, id, field, v string, allowed []string) string {
	if !containsStr(allowed, v) {
		b.problem(e.file, e.line, "%s: %s must be one of %s, got %q", id, field, strings.Join(allowed, ", "), v)
	}
	return v
}

func (b *builder) checkRef(e entry, from, r string, byID map[string]*kg.Node) bool {
	n, ok := byID[r]
	switch {
	case !ok:
		b.problem(e.file, e.line, "%s cites %q, which is not defined", from, r)
		return false
	case n.Kind != kg.KindReference:
		b.problem(e.file, e.line, "%s cites %q, which is a %s, not a Reference", from, r, n.Kind)
		return false
	}
	return true
}

func (b *builder) convertRelation(e entry, byID map[string]*kg.Node) (kg.Edge, bool) {
	r := e.rel
	t := kg.RelType(r.Type)
	ends, ok := kg.Schema(t)
	if !ok || t == kg.RelCites {
		b.problem(e.file, e.line, "unknown relation type %q (CITES comes from a node's cites)", r.Type)
		return kg.Edge{}, false
	}
	good := true
	for _, end := range []struct {
		role, id string
		kind     kg.Kind
	}{{"source", r.Source, ends.Source}, {"target", r.Target, ends.Target}} {
		n, ok := byID[end.id]
		switch {
		case !ok:
			b.problem(e.file, e.line, "%s %s %q is not defined", r.Type, end.role, end.id)
			good = false
		case end.kind != "" && n.Kind != end.kind:
			b.problem(e.file, e.line, "%s %s %q is a %s; %s needs a %s", r.Type, end.role, end.id, n.Kind, r.Type, end.kind)
			good = false
		}
	}
	if r.Source == r.Target && r.Source != "" {
		b.problem(e.file, e.line, "%s from %q to itself", r.Type, r.Source)
		good = false
	}
	if len(r.Cites) == 0 {
		b.problem(e.file, e.line, "%s %s -> %s cites no reference", r.Type, r.Source, r.Target)
		good = false
	}
	for _, c := range r.Cites {
		if !b.checkRef(e, fmt.Sprintf("%s %s -> %s", r.Type, r.Source, r.Target), c, byID) {
			good = false
		}
	}
	if t == kg.RelMitigates {
		if !containsStr(strengths, r.Strength) {
			b.problem(e.file, e.line, "MITIGATES %s -> %s: strength must be one of %s, got %q", r.Source, r.Target, strings.Join(strengths, ", "), r.Strength)
			good = false
		}
	} else if r.Strength != "" {
		b.problem(e.file, e.line, "%s: strength applies to MITIGATES only", r.Type)
		good = false
	}
	if (t == kg.RelRaises || t == kg.RelConcernedWith) && strings.TrimSpace(r.Note) == "" {
		b.problem(e.file, e.line, "%s %s -> %s needs a note stating the question", r.Type, r.Source, r.Target)
		good = false
	}
	ed := kg.Edge{ID: kg.EdgeID(t, r.Source, r.Target), Type: t, Source: r.Source, Target: r.Target,
		Note: strings.TrimSpace(r.Note), Strength: kg.Strength(r.Strength), Refs: r.Cites}
	if !b.convertProvenance(e, &ed, r) {
		good = false
	}
	return ed, good
}

func (b *builder) checkReferences(g *kg.Graph, where map[string]entry) {
	dois, arxivs := map[string]string{}, map[string]string{}
	for _, n := range g.Nodes {
		if n.Kind != kg.KindReference {
			continue
		}
		e := where[n.ID]
		if n.DOI != "" {
			k := strings.ToLower(n.DOI)
			if prev, dup := dois[k]; dup {
				b.problem(e.file, e.line, "reference %q has the same DOI %s as %q", n.ID, n.DOI, prev)
			}
			dois[k] = n.ID
		}
		if n.ArXiv != "" {
			if prev, dup := arxivs[n.ArXiv]; dup {
				b.problem(e.file, e.line, "reference %q has the same arXiv id %s as %q", n.ID, n.ArXiv, prev)
			}
			arxivs[n.ArXiv] = n.ID
		}
	}
}

func (b *builder) checkCapabilities(g *kg.Graph, byID map[string]*kg.Node, where map[string]entry) {
	for _, n := range g.Nodes {
		for _, im := range n.Implies {
			if t, ok := byID[im]; !ok || t.Kind != kg.KindCapability {
				e := where[n.ID]
				b.problem(e.file, e.line, "capability %q implies %q, which is not a capability", n.ID, im)
			}
		}
	}
}

func (b *builder) checkSubtypes(g *kg.Graph, byID map[string]*kg.Node, where map[string]entry) {
	parent := map[string]string{}
	numbers := map[int]string{}
	for _, ed := range g.Edges {
		if ed.Type == kg.RelSubtypeOf {
			if p, dup := parent[ed.Source]; dup {
				e := where[ed.Source]
				b.problem(e.file, e.line, "failure mode %q is a subtype of both %q and %q", ed.Source, p, ed.Target)
			}
			parent[ed.Source] = ed.Target
		}
	}
	for _, n := range g.Nodes {
		if n.Kind != kg.KindFailureMode {
			continue
		}
		e := where[n.ID]
		if n.Number != 0 {
			if prev, dup := numbers[n.Number]; dup {
				b.problem(e.file, e.line, "failure modes %q and %q share number %d", prev, n.ID, n.Number)
			}
			numbers[n.Number] = n.ID
		}
		_, isSub := parent[n.ID]
		if isSub && n.Number != 0 {
			b.problem(e.file, e.line, "subtype %q must not carry a scenario number", n.ID)
		}
		if !isSub && n.Number == 0 && n.Origin != kg.OriginExtension {
			b.problem(e.file, e.line, "failure mode %q has neither a scenario number nor a SUBTYPE_OF parent (only an extension may stand alone without one)", n.ID)
		}
		// Cycles.
		seen := map[string]bool{n.ID: true}
		for p, ok := parent[n.ID]; ok; p, ok = parent[p] {
			if seen[p] {
				b.problem(e.file, e.line, "SUBTYPE_OF cycle through %q", n.ID)
				break
			}
			seen[p] = true
		}
		if p, ok := byID[parent[n.ID]]; ok && p.Intent != n.Intent {
			b.problem(e.file, e.line, "subtype %q and its parent %q differ in intent", n.ID, p.ID)
		}
	}
}

func (b *builder) checkInvariants(g *kg.Graph, byID map[string]*kg.Node, where map[string]entry, relWhere map[string]entry) {
	out := map[string]map[kg.RelType]int{}
	in := map[string]map[kg.RelType]int{}
	degree := map[string]int{}
	for _, ed := range g.Edges {
		if out[ed.Source] == nil {
			out[ed.Source] = map[kg.RelType]int{}
		}
		if in[ed.Target] == nil {
			in[ed.Target] = map[kg.RelType]int{}
		}
		out[ed.Source][ed.Type]++
		in[ed.Target][ed.Type]++
		degree[ed.Source]++
		degree[ed.Target]++
	}
	for _, n := range g.Nodes {
		e := where[n.ID]
		need := func(ok bool, format string, args ...any) {
			if !ok {
				b.problem(e.file, e.line, "%s %q: "+format, append([]any{n.Kind, n.ID}, args...)...)
			}
		}
		if degree[n.ID] == 0 {
			need(false, "is an orphan: no edge joins it to the graph")
			continue
		}
		switch n.Kind {
		case kg.KindFailureMode:
			need(out[n.ID][kg.RelTargets] > 0, "must TARGET at least one asset")
			need(in[n.ID][kg.RelMitigates] > 0, "must be MITIGATED by at least one mitigation")
			if n.Intent == kg.Intentional {
				need(out[n.ID][kg.RelRequires] > 0, "intentional failure modes must REQUIRE at least one capability")
				if out[n.ID][kg.RelSubtypeOf] == 0 {
					need(out[n.ID][kg.RelRaises] > 0, "top-level intentional failure modes must RAISE at least one legal consideration")
				}
			}
		case kg.KindReference:
			need(in[n.ID][kg.RelCites] > 0, "is cited by nothing")
		case kg.KindMitigation:
			need(out[n.ID][kg.RelMitigates] > 0, "mitigates no failure mode")
		}
	}
}
