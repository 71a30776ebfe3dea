package kg

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
)

// Kind is the kind of a node. The values double as Neo4j labels, so they are an allowlist.
type Kind string

// The node kinds of the graph.
const (
	KindFailureMode Kind = "FailureMode"
	KindCapability  Kind = "Capability"
	KindAsset       Kind = "Asset"
	KindMitigation  Kind = "Mitigation"
	KindLegal       Kind = "LegalConsideration"
	KindReference   Kind = "Reference"
	KindStakeholder Kind = "Stakeholder"
)

// Kinds lists every node kind in a fixed order.
var Kinds = []Kind{KindFailureMode, KindCapability, KindAsset, KindMitigation, KindLegal, KindReference, KindStakeholder,
	KindAtlasTactic, KindAtlasTechnique, KindAtlasMitigation, KindAtlasCaseStudy}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, v := range Kinds {
		if v == k {
			return true
		}
	}
	return false
}

// RelType is the type of an edge. The values double as Neo4j relationship types, so they are an allowlist.
type RelType string

// The relation types of the graph.
const (
	RelSubtypeOf     RelType = "SUBTYPE_OF"
	RelRequires      RelType = "REQUIRES"
	RelTargets       RelType = "TARGETS"
	RelMitigates     RelType = "MITIGATES"
	RelProtects      RelType = "PROTECTS"
	RelRaises        RelType = "RAISES"
	RelCites         RelType = "CITES"
	RelConcernedWith RelType = "CONCERNED_WITH"
)

// RelTypes lists every relation type in a fixed order.
var RelTypes = []RelType{RelSubtypeOf, RelRequires, RelTargets, RelMitigates, RelProtects, RelRaises, RelCites, RelConcernedWith,
	RelAchieves, RelSubtechniqueOf, RelCounters, RelUses, RelCorrespondsTo}

// Valid reports whether r is one of RelTypes.
func (r RelType) Valid() bool {
	_, ok := relSchema[r]
	return ok
}

// Endpoints says which kinds a relation type joins. An empty Kind means any kind.
type Endpoints struct{ Source, Target Kind }

var relSchema = map[RelType]Endpoints{
	RelSubtypeOf:     {KindFailureMode, KindFailureMode},
	RelRequires:      {KindFailureMode, KindCapability},
	RelTargets:       {KindFailureMode, KindAsset},
	RelMitigates:     {KindMitigation, KindFailureMode},
	RelProtects:      {KindMitigation, KindAsset},
	RelRaises:        {KindFailureMode, KindLegal},
	RelCites:         {"", KindReference},
	RelConcernedWith: {KindStakeholder, ""},

	// The ATLAS layer (atlas.go).
	RelAchieves:       {KindAtlasTechnique, KindAtlasTactic},
	RelSubtechniqueOf: {KindAtlasTechnique, KindAtlasTechnique},
	RelCounters:       {KindAtlasMitigation, KindAtlasTechnique},
	RelUses:           {KindAtlasCaseStudy, KindAtlasTechnique},
	RelCorrespondsTo:  {"", ""},
}

// Schema returns the endpoint kinds of r and whether r is known.
func Schema(r RelType) (Endpoints, bool) {
	e, ok := relSchema[r]
	return e, ok
}

// Intent says whether a failure mode is caused by an adversary or arises unintentionally.
type Intent string

// The intents of the paper's two tables.
const (
	Intentional   Intent = "INTENTIONAL"
	Unintentional Intent = "UNINTENTIONAL"
)

// SecurityProperty is what a failure mode compromises (the paper's CIA column, and safety for the unintentional ones).
type SecurityProperty string

// The security properties of the paper's "compromises" column.
const (
	Confidentiality SecurityProperty = "CONFIDENTIALITY"
	Integrity       SecurityProperty = "INTEGRITY"
	Availability    SecurityProperty = "AVAILABILITY"
	Safety          SecurityProperty = "SAFETY"
)

// SecurityProperties lists every security property in a fixed order.
var SecurityProperties = []SecurityProperty{Confidentiality, Integrity, Availability, Safety}

// Strength is how fully a mitigation answers a failure mode: the strength of a MITIGATES edge.
type Strength string

// The strengths of a MITIGATES edge, strongest first.
const (
	StrengthStrong     Strength = "strong"      // prevents or defeats the failure mode
	StrengthPartial    Strength = "partial"     // reduces its likelihood or impact
	StrengthDetectOnly Strength = "detect-only" // only tells that it happened
)

// Strengths lists every strength, strongest first.
var Strengths = []Strength{StrengthStrong, StrengthPartial, StrengthDetectOnly}

// Rank is s's place in Strengths (0 for strong), or len(Strengths) for no or an unknown strength, so
// that sorting by Rank puts the strongest first.
func (s Strength) Rank() int {
	if i := slices.Index(Strengths, s); i >= 0 {
		return i
	}
	return len(Strengths)
}

// RefType is the type of a reference: what kind of document it is.
type RefType string

// The reference types.
const (
	RefPaper      RefType = "paper"
	RefBook       RefType = "book"
	RefReport     RefType = "report"
	RefWeb        RefType = "web"
	RefStatute    RefType = "statute"
	RefRegulation RefType = "regulation"
	RefCase       RefType = "case"
	RefStandard   RefType = "standard"
)

// ReferenceTypes lists every reference type.
var ReferenceTypes = []RefType{RefPaper, RefBook, RefReport, RefWeb, RefStatute, RefRegulation, RefCase, RefStandard}

// Knowledge is the attacker's knowledge of the model the paper tags its scenarios with.
type Knowledge string

// The knowledge levels (NIST AI 100-2 adds gray box to the paper's two).
const (
	BlackBox Knowledge = "BLACK_BOX"
	GrayBox  Knowledge = "GRAY_BOX"
	WhiteBox Knowledge = "WHITE_BOX"
)

// Severity is one rating of a failure mode by one source document and edition.
type Severity struct {
	Level   string
	Source  string
	Edition string
}

// ExternalID is an identifier of the same concept in another framework (MITRE ATLAS, OWASP, NIST, AVID).
type ExternalID struct {
	Framework string
	Edition   string
	ID        string
	Name      string
	URL       string
	Match     string // exact, close or related
}

// Node is one node of the graph. Common fields come first; the rest apply to the kinds named in
// their comments and are zero elsewhere. A flat struct keeps both stores and the seed simple.
type Node struct {
	ID      string
	Kind    Kind
	Name    string
	Summary string
	Aliases []string
	Notes   []string

	// FailureMode
	Number                      int // 0 when the paper gives none (subtypes)
	Intent                      Intent
	Compromises                 []SecurityProperty
	Knowledge                   []Knowledge
	ViolatesAccessAuthorization *bool
	AccessCommentary            string
	Example                     string
	Severity                    []Severity
	Origin                      Origin   // PAPER, COMPANION or EXTENSION
	OriginSources               []string // EXTENSION: the references that define the failure mode

	// FailureMode, Mitigation
	ExternalIDs []ExternalID

	// Capability, Asset, Mitigation
	Category string
	// Capability
	Implies []string
	// Mitigation
	Lifecycle []string

	// LegalConsideration
	Jurisdiction string
	Instrument   string
	Citation     string
	InForceFrom  string      // ISO date the instrument entered into force (or was decided); "" when it has none
	AppliesFrom  string      // ISO date the provisions in question apply from; "" when the same as InForceFrom or none
	Status       LegalStatus // where it stands on StatusAsOf
	StatusAsOf   string      // ISO date the status was last checked (the seed's review date)

	// LegalConsideration, Reference
	Year int

	// Reference
	Title   string
	Authors []string
	Venue   string
	DOI     string
	ArXiv   string
	URL     string
	RefType RefType

	// Stakeholder
	Questions []string

	// The ATLAS kinds (atlas.go): the object's ATLAS id, the release it was imported from and, for
	// techniques and case studies, their maturity, type and date. URL links to ATLAS's page.
	AtlasID       string
	AtlasRelease  string
	Maturity      string // AtlasTechnique: feasible, demonstrated or realized
	CaseStudyType string // AtlasCaseStudy: incident or exercise
	IncidentDate  string // AtlasCaseStudy: YYYY-MM-DD as ATLAS gives it
}

// Clone returns a deep copy of n, so that stores can hand nodes out without sharing memory.
func (n *Node) Clone() *Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Aliases = cloneSlice(n.Aliases)
	c.Notes = cloneSlice(n.Notes)
	c.Compromises = cloneSlice(n.Compromises)
	c.Knowledge = cloneSlice(n.Knowledge)
	if n.ViolatesAccessAuthorization != nil {
		v := *n.ViolatesAccessAuthorization
		c.ViolatesAccessAuthorization = &v
	}
	c.Severity = cloneSlice(n.Severity)
	c.OriginSources = cloneSlice(n.OriginSources)
	c.ExternalIDs = cloneSlice(n.ExternalIDs)
	c.Implies = cloneSlice(n.Implies)
	c.Lifecycle = cloneSlice(n.Lifecycle)
	c.Authors = cloneSlice(n.Authors)
	c.Questions = cloneSlice(n.Questions)
	return &c
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append([]T(nil), s...)
}

// Edge is one directed, typed edge. Every edge but CITES carries the ids of the references that support it.
type Edge struct {
	ID       string
	Type     RelType
	Source   string
	Target   string
	Note     string
	Strength Strength // MITIGATES only
	Refs     []string

	// Provenance: how the edge is known and how sure the graph is; Reason says why when
	// Confidence is not high.
	Basis      Basis
	Confidence Confidence
	Reason     string
}

// EdgeID is the stable id of the edge of type t from source to target: there is at most one.
func EdgeID(t RelType, source, target string) string {
	return fmt.Sprintf("%s:%s:%s", t, source, target)
}

// Clone returns a deep copy of e.
func (e Edge) Clone() Edge {
	e.Refs = cloneSlice(e.Refs)
	return e
}

// Other returns the endpoint of e that is not id.
func (e Edge) Other(id string) string {
	if e.Source == id {
		return e.Target
	}
	return e.Source
}

// Direction selects the edges of a node by which end the node is on.
type Direction int

// The directions of Adjacent.
const (
	Both Direction = iota
	Out
	In
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidID reports whether id is a well-formed slug.
func ValidID(id string) bool { return len(id) <= 128 && slugRE.MatchString(id) }

// SortEdges orders edges canonically (CompareEdges). Both stores return this order.
func SortEdges(es []Edge) { slices.SortFunc(es, CompareEdges) }

// CompareEdges is the canonical edge order, as a comparison for slices.SortFunc: by type, then
// source, then target. It is the one definition of the order; EdgeLess and SortEdges use it.
func CompareEdges(a, b Edge) int {
	if c := cmp.Compare(a.Type, b.Type); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Source, b.Source); c != 0 {
		return c
	}
	return cmp.Compare(a.Target, b.Target)
}

// EdgeLess reports whether a comes before b in the canonical edge order (CompareEdges).
func EdgeLess(a, b Edge) bool { return CompareEdges(a, b) < 0 }

// CompareNodes is the canonical node order of lists, as a comparison for slices.SortFunc: failure
// modes by the paper's number (subtypes, numbered 0, after), then everything by id. It is the one
// definition of the order; NodeLess uses it.
func CompareNodes(a, b *Node) int {
	if a.Kind == KindFailureMode && b.Kind == KindFailureMode && a.Number != b.Number {
		switch {
		case a.Number == 0:
			return 1
		case b.Number == 0:
			return -1
		default:
			return cmp.Compare(a.Number, b.Number)
		}
	}
	return cmp.Compare(a.ID, b.ID)
}

// NodeLess reports whether a comes before b in the canonical node order (CompareNodes).
func NodeLess(a, b *Node) bool { return CompareNodes(a, b) < 0 }

// DistinctIDs returns ids without repeats, first occurrences kept in order.
func DistinctIDs(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
