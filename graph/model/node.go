// Package model holds the Go types the GraphQL schema binds to. Node types are thin wrappers over
// *kg.Node, one per kind, so that the generated code reads domain values directly and resolvers only
// add the fields that need the store; traversal results wrap the types of internal/traverse. gqlgen
// generates the few plain types not written here into models_gen.go.
//
// Wrappers never hold a nil node: the constructors return nil for nil, which GraphQL shows as null.
package model

import (
	"github.com/failgraph/failgraph/internal/kg"
)

// Node is any node of the graph; it is what the GraphQL Node interface binds to.
type Node interface {
	// KG returns the domain node the wrapper shows.
	KG() *kg.Node
}

// base is what every node type shares: the fields of the Node interface that need no store.
type base struct{ n *kg.Node }

// KG returns the wrapped domain node.
func (b base) KG() *kg.Node { return b.n }

// ID is the node's id.
func (b base) ID() string { return b.n.ID }

// Kind is the node's kind.
func (b base) Kind() kg.Kind { return b.n.Kind }

// Name is the node's display name.
func (b base) Name() string { return b.n.Name }

// Summary is the node's summary.
func (b base) Summary() string { return b.n.Summary }

// Aliases are the node's other names, never nil.
func (b base) Aliases() []string { return nonNil(b.n.Aliases) }

// Notes are the node's editorial notes, never nil.
func (b base) Notes() []string { return nonNil(b.n.Notes) }

// FailureMode is a node of kind kg.KindFailureMode.
type FailureMode struct{ base }

// Capability is a node of kind kg.KindCapability.
type Capability struct{ base }

// Asset is a node of kind kg.KindAsset.
type Asset struct{ base }

// Mitigation is a node of kind kg.KindMitigation.
type Mitigation struct{ base }

// LegalConsideration is a node of kind kg.KindLegal.
type LegalConsideration struct{ base }

// Reference is a node of kind kg.KindReference.
type Reference struct{ base }

// Stakeholder is a node of kind kg.KindStakeholder.
type Stakeholder struct{ base }

// Number is the paper's row number, or nil for subtypes.
func (f FailureMode) Number() *int { return optInt(f.n.Number) }

// Intent says whether an adversary causes the failure mode.
func (f FailureMode) Intent() kg.Intent { return f.n.Intent }

// Compromises lists the security properties the failure mode compromises.
func (f FailureMode) Compromises() []kg.SecurityProperty { return nonNil(f.n.Compromises) }

// ViolatesAccessAuthorization is the paper's access column, nil where it gives none.
func (f FailureMode) ViolatesAccessAuthorization() *bool { return f.n.ViolatesAccessAuthorization }

// AccessCommentary is the paper's commentary on access, or nil.
func (f FailureMode) AccessCommentary() *string { return optString(f.n.AccessCommentary) }

// Knowledge lists what the attacker is assumed to know.
func (f FailureMode) Knowledge() []kg.Knowledge { return nonNil(f.n.Knowledge) }

// Example is an example scenario, or nil.
func (f FailureMode) Example() *string { return optString(f.n.Example) }

// Severity lists the failure mode's severity ratings.
func (f FailureMode) Severity() []kg.Severity { return nonNil(f.n.Severity) }

// ExternalIDs lists the failure mode in other frameworks.
func (f FailureMode) ExternalIDs() []*ExternalID { return externalIDs(f.n.ExternalIDs) }

// Category is the capability's category.
func (c Capability) Category() string { return c.n.Category }

// Category is the asset's category.
func (a Asset) Category() string { return a.n.Category }

// Category is the mitigation's category.
func (m Mitigation) Category() string { return m.n.Category }

// Lifecycle lists the lifecycle stages where the mitigation applies.
func (m Mitigation) Lifecycle() []string { return nonNil(m.n.Lifecycle) }

// ExternalIDs lists the mitigation in other frameworks.
func (m Mitigation) ExternalIDs() []*ExternalID { return externalIDs(m.n.ExternalIDs) }

// Jurisdiction is where the consideration applies, or nil.
func (l LegalConsideration) Jurisdiction() *string { return optString(l.n.Jurisdiction) }

// Instrument is the kind of legal instrument, or nil.
func (l LegalConsideration) Instrument() *string { return optString(l.n.Instrument) }

// Citation is the formal citation, or nil.
func (l LegalConsideration) Citation() *string { return optString(l.n.Citation) }

// Year is the year enacted or decided, or nil.
func (l LegalConsideration) Year() *int { return optInt(l.n.Year) }

// Title is the reference's full title.
func (r Reference) Title() string { return r.n.Title }

// Authors lists the reference's authors.
func (r Reference) Authors() []string { return nonNil(r.n.Authors) }

// Year is the year of publication.
func (r Reference) Year() int { return r.n.Year }

// Venue is where the reference was published, or nil.
func (r Reference) Venue() *string { return optString(r.n.Venue) }

// Doi is the reference's DOI, or nil.
func (r Reference) Doi() *string { return optString(r.n.DOI) }

// Arxiv is the reference's arXiv id, or nil.
func (r Reference) Arxiv() *string { return optString(r.n.ArXiv) }

// URL is a link to the reference, or nil.
func (r Reference) URL() *string { return optString(r.n.URL) }

// Type is the reference's type (paper, report, ...).
func (r Reference) Type() string { return string(r.n.RefType) }

// Questions lists the stakeholder's typical questions.
func (s Stakeholder) Questions() []string { return nonNil(s.n.Questions) }

// ExternalID is an identifier of a concept in another framework.
type ExternalID struct{ x kg.ExternalID }

// Framework is the other framework's name.
func (e ExternalID) Framework() string { return e.x.Framework }

// Edition is the framework's edition.
func (e ExternalID) Edition() string { return e.x.Edition }

// Code is the concept's code in the framework. It is not called ID: the same code repeats under
// several nodes with different match values, and client caches merge objects by id.
func (e ExternalID) Code() string { return e.x.ID }

// Name is the concept's name in the framework.
func (e ExternalID) Name() string { return e.x.Name }

// URL links to the concept, or is nil.
func (e ExternalID) URL() *string { return optString(e.x.URL) }

// Match says how close the concepts are.
func (e ExternalID) Match() string { return e.x.Match }

func externalIDs(xs []kg.ExternalID) []*ExternalID {
	return mapAll(xs, func(x kg.ExternalID) *ExternalID { return &ExternalID{x} })
}

// Edge is a directed, typed edge.
type Edge struct{ e kg.Edge }

// NewEdge wraps e.
func NewEdge(e kg.Edge) *Edge { return &Edge{e} }

// NewEdgePtr wraps *e, or returns nil for nil.
func NewEdgePtr(e *kg.Edge) *Edge {
	if e == nil {
		return nil
	}
	return &Edge{*e}
}

// Edges wraps es.
func Edges(es []kg.Edge) []*Edge {
	return mapAll(es, NewEdge)
}

// KG returns the wrapped domain edge.
func (e Edge) KG() kg.Edge { return e.e }

// ID is the edge's id, TYPE:source:target.
func (e Edge) ID() string {
	if e.e.ID != "" {
		return e.e.ID
	}
	return kg.EdgeID(e.e.Type, e.e.Source, e.e.Target)
}

// Type is the relation type.
func (e Edge) Type() kg.RelType { return e.e.Type }

// Source is the source node's id.
func (e Edge) Source() string { return e.e.Source }

// Target is the target node's id.
func (e Edge) Target() string { return e.e.Target }

// Note is the edge's note, or nil.
func (e Edge) Note() *string { return optString(e.e.Note) }

// Strength is a MITIGATES edge's strength, or nil.
func (e Edge) Strength() *string { return optString(string(e.e.Strength)) }

// Wrap returns the node type of n's kind, or nil for nil or an unknown kind.
func Wrap(n *kg.Node) Node {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case kg.KindFailureMode:
		return NewFailureMode(n)
	case kg.KindCapability:
		return NewCapability(n)
	case kg.KindAsset:
		return NewAsset(n)
	case kg.KindMitigation:
		return NewMitigation(n)
	case kg.KindLegal:
		return NewLegalConsideration(n)
	case kg.KindReference:
		return NewReference(n)
	case kg.KindStakeholder:
		return NewStakeholder(n)
	}
	return wrapAtlas(n)
}

// Nodes wraps every node of ns that is not nil, in order.
func Nodes(ns []*kg.Node) []Node { return wrapAll(ns, Wrap) }

// NewFailureMode wraps n, or returns nil for nil.
func NewFailureMode(n *kg.Node) *FailureMode {
	if n == nil {
		return nil
	}
	return &FailureMode{base{n}}
}

// NewCapability wraps n, or returns nil for nil.
func NewCapability(n *kg.Node) *Capability {
	if n == nil {
		return nil
	}
	return &Capability{base{n}}
}

// NewAsset wraps n, or returns nil for nil.
func NewAsset(n *kg.Node) *Asset {
	if n == nil {
		return nil
	}
	return &Asset{base{n}}
}

// NewMitigation wraps n, or returns nil for nil.
func NewMitigation(n *kg.Node) *Mitigation {
	if n == nil {
		return nil
	}
	return &Mitigation{base{n}}
}

// NewLegalConsideration wraps n, or returns nil for nil.
func NewLegalConsideration(n *kg.Node) *LegalConsideration {
	if n == nil {
		return nil
	}
	return &LegalConsideration{base{n}}
}

// NewReference wraps n, or returns nil for nil.
func NewReference(n *kg.Node) *Reference {
	if n == nil {
		return nil
	}
	return &Reference{base{n}}
}

// NewStakeholder wraps n, or returns nil for nil.
func NewStakeholder(n *kg.Node) *Stakeholder {
	if n == nil {
		return nil
	}
	return &Stakeholder{base{n}}
}

// FailureModes wraps every node of ns that is not nil.
func FailureModes(ns []*kg.Node) []*FailureMode { return wrapAll(ns, NewFailureMode) }

// Capabilities wraps every node of ns that is not nil.
func Capabilities(ns []*kg.Node) []*Capability { return wrapAll(ns, NewCapability) }

// Assets wraps every node of ns that is not nil.
func Assets(ns []*kg.Node) []*Asset { return wrapAll(ns, NewAsset) }

// Mitigations wraps every node of ns that is not nil.
func Mitigations(ns []*kg.Node) []*Mitigation { return wrapAll(ns, NewMitigation) }

// LegalConsiderations wraps every node of ns that is not nil.
func LegalConsiderations(ns []*kg.Node) []*LegalConsideration {
	return wrapAll(ns, NewLegalConsideration)
}

// References wraps every node of ns that is not nil.
func References(ns []*kg.Node) []*Reference { return wrapAll(ns, NewReference) }

// Stakeholders wraps every node of ns that is not nil.
func Stakeholders(ns []*kg.Node) []*Stakeholder { return wrapAll(ns, NewStakeholder) }

// wrapAll wraps the nodes of ns that are not nil; the result is never nil, because GraphQL lists
// declared non-null must not come back null.
func wrapAll[T any](ns []*kg.Node, wrap func(*kg.Node) T) []T {
	out := make([]T, 0, len(ns))
	for _, n := range ns {
		if n != nil {
			out = append(out, wrap(n))
		}
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optInt(v int) *int {
	if v == 0 {
		return nil
	}
	return &v
}

// mapAll wraps every value of xs, keeping the order; the result is never nil.
func mapAll[T, W any](xs []T, wrap func(T) *W) []*W {
	out := make([]*W, len(xs))
	for i, x := range xs {
		out[i] = wrap(x)
	}
	return out
}
