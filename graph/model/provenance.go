package model

import "github.com/failgraph/failgraph/internal/kg"

// The provenance fields of issue 14: a failure mode's origin, a legal consideration's dates and
// status, an edge's basis and confidence. originSources needs the store and has a resolver.

// Origin says whether the failure mode is the paper's, a companion's or the extension's.
func (f FailureMode) Origin() kg.Origin { return f.n.Origin }

// InForceFrom is the date the instrument entered into force (or was decided), or nil.
func (l LegalConsideration) InForceFrom() *string { return optString(l.n.InForceFrom) }

// AppliesFrom is the date the provisions in question apply from, or nil.
func (l LegalConsideration) AppliesFrom() *string { return optString(l.n.AppliesFrom) }

// Status is where the consideration stands on StatusAsOf.
func (l LegalConsideration) Status() kg.LegalStatus { return l.n.Status }

// StatusAsOf is the date the status was checked.
func (l LegalConsideration) StatusAsOf() string { return l.n.StatusAsOf }

// Basis says how the edge is known.
func (e Edge) Basis() kg.Basis { return e.e.Basis }

// Confidence says how sure the graph is of the edge.
func (e Edge) Confidence() kg.Confidence { return e.e.Confidence }

// Reason qualifies a confidence that is not high, or is nil.
func (e Edge) Reason() *string { return optString(e.e.Reason) }

// Trust converts the GraphQL EdgeTrust input to the domain's; nil admits every edge.
func (t *EdgeTrust) Trust() kg.EdgeTrust {
	if t == nil {
		return kg.EdgeTrust{}
	}
	out := kg.EdgeTrust{Bases: t.Basis}
	if t.MinConfidence != nil {
		out.MinConfidence = *t.MinConfidence
	}
	return out
}
