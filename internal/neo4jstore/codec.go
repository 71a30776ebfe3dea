package neo4jstore

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

// How a kg.Node is stored: scalar fields as properties (absent when zero), string lists as list
// properties and the two nested lists, severity and externalIds, as JSON strings. A list is absent
// when it is empty and decodes to nil, as kg.Node.Clone and kg.Edge.Clone (and so the embedded
// store) turn empty slices into nil. searchText holds kg.DocumentTokens for the full-text index and
// is never decoded. The kind is the node's label.

// Property keys.
const (
	pID                          = "id"
	pName                        = "name"
	pSummary                     = "summary"
	pAliases                     = "aliases"
	pNotes                       = "notes"
	pNumber                      = "number"
	pIntent                      = "intent"
	pCompromises                 = "compromises"
	pKnowledge                   = "knowledge"
	pViolatesAccessAuthorization = "violatesAccessAuthorization"
	pAccessCommentary            = "accessCommentary"
	pExample                     = "example"
	pSeverity                    = "severity"
	pExternalIDs                 = "externalIds"
	pCategory                    = "category"
	pImplies                     = "implies"
	pLifecycle                   = "lifecycle"
	pJurisdiction                = "jurisdiction"
	pInstrument                  = "instrument"
	pCitation                    = "citation"
	pYear                        = "year"
	pTitle                       = "title"
	pAuthors                     = "authors"
	pVenue                       = "venue"
	pDOI                         = "doi"
	pArXiv                       = "arxiv"
	pURL                         = "url"
	pRefType                     = "refType"
	pQuestions                   = "questions"
	pSearchText                  = "searchText"
	pAtlasID                     = "atlasId"
	pAtlasRelease                = "atlasRelease"
	pMaturity                    = "maturity"
	pCaseStudyType               = "caseStudyType"
	pIncidentDate                = "incidentDate"
	pOrigin                      = "origin"
	pOriginSources               = "originSources"
	pInForceFrom                 = "inForceFrom"
	pAppliesFrom                 = "appliesFrom"
	pStatus                      = "status"
	pStatusAsOf                  = "statusAsOf"

	pNote     = "note"
	pStrength = "strength"
	pRefs     = "refs"

	pBasis      = "basis"
	pConfidence = "confidence"
	pReason     = "reason"
)

// severityJSON and externalIDJSON fix the stored JSON format independently of the Go field names.
type severityJSON struct {
	Level   string `json:"level"`
	Source  string `json:"source"`
	Edition string `json:"edition"`
}

type externalIDJSON struct {
	Framework string `json:"framework"`
	Edition   string `json:"edition"`
	ID        string `json:"id"`
	Name      string `json:"name"`
	URL       string `json:"url"`
	Match     string `json:"match"`
}

// nodeProps returns the property map of n.
func nodeProps(n *kg.Node) (map[string]any, error) {
	p := map[string]any{pID: n.ID}
	str := func(k, v string) {
		if v != "" {
			p[k] = v
		}
	}
	num := func(k string, v int) {
		if v != 0 {
			p[k] = int64(v)
		}
	}
	list := func(k string, v []string) {
		if len(v) > 0 {
			p[k] = append([]string{}, v...)
		}
	}
	str(pName, n.Name)
	str(pSummary, n.Summary)
	list(pAliases, n.Aliases)
	list(pNotes, n.Notes)
	num(pNumber, n.Number)
	str(pIntent, string(n.Intent))
	list(pCompromises, strs(n.Compromises))
	list(pKnowledge, strs(n.Knowledge))
	if n.ViolatesAccessAuthorization != nil {
		p[pViolatesAccessAuthorization] = *n.ViolatesAccessAuthorization
	}
	str(pAccessCommentary, n.AccessCommentary)
	str(pExample, n.Example)
	if len(n.Severity) > 0 {
		v := make([]severityJSON, len(n.Severity))
		for i, s := range n.Severity {
			v[i] = severityJSON(s)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		p[pSeverity] = string(b)
	}
	if len(n.ExternalIDs) > 0 {
		v := make([]externalIDJSON, len(n.ExternalIDs))
		for i, x := range n.ExternalIDs {
			v[i] = externalIDJSON(x)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		p[pExternalIDs] = string(b)
	}
	str(pCategory, n.Category)
	list(pImplies, n.Implies)
	list(pLifecycle, n.Lifecycle)
	str(pJurisdiction, n.Jurisdiction)
	str(pInstrument, n.Instrument)
	str(pCitation, n.Citation)
	num(pYear, n.Year)
	str(pTitle, n.Title)
	list(pAuthors, n.Authors)
	str(pVenue, n.Venue)
	str(pDOI, n.DOI)
	str(pArXiv, n.ArXiv)
	str(pURL, n.URL)
	str(pRefType, string(n.RefType))
	list(pQuestions, n.Questions)
	str(pAtlasID, n.AtlasID)
	str(pAtlasRelease, n.AtlasRelease)
	str(pMaturity, n.Maturity)
	str(pCaseStudyType, n.CaseStudyType)
	str(pIncidentDate, n.IncidentDate)
	str(pOrigin, string(n.Origin))
	list(pOriginSources, n.OriginSources)
	str(pInForceFrom, n.InForceFrom)
	str(pAppliesFrom, n.AppliesFrom)
	str(pStatus, string(n.Status))
	str(pStatusAsOf, n.StatusAsOf)
	str(pSearchText, strings.Join(kg.DocumentTokens(n), " "))
	return p, nil
}

func strs[T ~string](v []T) []string {
	if v == nil {
		return nil
	}
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = string(x)
	}
	return out
}

func typed[T ~string](v []string) []T {
	if v == nil {
		return nil
	}
	out := make([]T, len(v))
	for i, x := range v {
		out[i] = T(x)
	}
	return out
}

// edgeProps returns the property map of e; endpoints and type are the relationship itself.
func edgeProps(e kg.Edge) map[string]any {
	p := map[string]any{}
	if e.Note != "" {
		p[pNote] = e.Note
	}
	if e.Strength != "" {
		p[pStrength] = e.Strength
	}
	if len(e.Refs) > 0 {
		p[pRefs] = append([]string{}, e.Refs...)
	}
	if e.Basis != "" {
		p[pBasis] = string(e.Basis)
	}
	if e.Confidence != "" {
		p[pConfidence] = string(e.Confidence)
	}
	if e.Reason != "" {
		p[pReason] = e.Reason
	}
	return p
}

// props decodes a property map, remembering the first problem: stored data that does not have
// the shape nodeProps wrote means a foreign or corrupt database.
type props struct {
	m   map[string]any
	err error
}

func (p *props) fail(key string, v any, want string) {
	if p.err == nil {
		p.err = fmt.Errorf("property %q: got %T, want %s", key, v, want)
	}
}

func (p *props) str(key string) string {
	v, ok := p.m[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		p.fail(key, v, "string")
	}
	return s
}

func (p *props) int(key string) int {
	v, ok := p.m[key]
	if !ok || v == nil {
		return 0
	}
	i, ok := v.(int64)
	if !ok {
		p.fail(key, v, "integer")
	}
	return int(i)
}

func (p *props) list(key string) []string {
	v, ok := p.m[key]
	if !ok || v == nil {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		p.fail(key, v, "list")
		return nil
	}
	if len(l) == 0 {
		return nil
	}
	out := make([]string, len(l))
	for i, x := range l {
		s, ok := x.(string)
		if !ok {
			p.fail(key, x, "string list")
			return nil
		}
		out[i] = s
	}
	return out
}

func (p *props) boolPtr(key string) *bool {
	v, ok := p.m[key]
	if !ok || v == nil {
		return nil
	}
	b, ok := v.(bool)
	if !ok {
		p.fail(key, v, "boolean")
		return nil
	}
	return &b
}

func (p *props) json(key string, into any) {
	s := p.str(key)
	if s == "" {
		return
	}
	if err := json.Unmarshal([]byte(s), into); err != nil && p.err == nil {
		p.err = fmt.Errorf("property %q: %w", key, err)
	}
}

// decodeNode rebuilds the kg.Node that nodeProps stored under labels.
func decodeNode(labels []string, m map[string]any) (*kg.Node, error) {
	n := &kg.Node{}
	for _, l := range labels {
		if k := kg.Kind(l); k.Valid() {
			if n.Kind != "" {
				return nil, fmt.Errorf("node %v has two kind labels, %s and %s", m[pID], n.Kind, k)
			}
			n.Kind = k
		}
	}
	if n.Kind == "" {
		return nil, fmt.Errorf("node %v has no kind label among %v", m[pID], labels)
	}
	p := &props{m: m}
	n.ID = p.str(pID)
	n.Name = p.str(pName)
	n.Summary = p.str(pSummary)
	n.Aliases = p.list(pAliases)
	n.Notes = p.list(pNotes)
	n.Number = p.int(pNumber)
	n.Intent = kg.Intent(p.str(pIntent))
	n.Compromises = typed[kg.SecurityProperty](p.list(pCompromises))
	n.Knowledge = typed[kg.Knowledge](p.list(pKnowledge))
	n.ViolatesAccessAuthorization = p.boolPtr(pViolatesAccessAuthorization)
	n.AccessCommentary = p.str(pAccessCommentary)
	n.Example = p.str(pExample)
	var sev []severityJSON
	if p.json(pSeverity, &sev); len(sev) > 0 {
		n.Severity = make([]kg.Severity, len(sev))
		for i, s := range sev {
			n.Severity[i] = kg.Severity(s)
		}
	}
	var xids []externalIDJSON
	if p.json(pExternalIDs, &xids); len(xids) > 0 {
		n.ExternalIDs = make([]kg.ExternalID, len(xids))
		for i, x := range xids {
			n.ExternalIDs[i] = kg.ExternalID(x)
		}
	}
	n.Category = p.str(pCategory)
	n.Implies = p.list(pImplies)
	n.Lifecycle = p.list(pLifecycle)
	n.Jurisdiction = p.str(pJurisdiction)
	n.Instrument = p.str(pInstrument)
	n.Citation = p.str(pCitation)
	n.Year = p.int(pYear)
	n.Title = p.str(pTitle)
	n.Authors = p.list(pAuthors)
	n.Venue = p.str(pVenue)
	n.DOI = p.str(pDOI)
	n.ArXiv = p.str(pArXiv)
	n.URL = p.str(pURL)
	n.RefType = kg.RefType(p.str(pRefType))
	n.Questions = p.list(pQuestions)
	n.AtlasID = p.str(pAtlasID)
	n.AtlasRelease = p.str(pAtlasRelease)
	n.Maturity = p.str(pMaturity)
	n.CaseStudyType = p.str(pCaseStudyType)
	n.IncidentDate = p.str(pIncidentDate)
	n.Origin = kg.Origin(p.str(pOrigin))
	n.OriginSources = p.list(pOriginSources)
	n.InForceFrom = p.str(pInForceFrom)
	n.AppliesFrom = p.str(pAppliesFrom)
	n.Status = kg.LegalStatus(p.str(pStatus))
	n.StatusAsOf = p.str(pStatusAsOf)
	if p.err != nil {
		return nil, fmt.Errorf("node %q: %w", n.ID, p.err)
	}
	return n, nil
}
