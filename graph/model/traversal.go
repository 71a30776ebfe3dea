package model

import (
	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/traverse"
)

// CoverMethod documents how ThreatModel.minimalCover is computed.
const CoverMethod = "greedy set cover: repeatedly pick the mitigation that answers the most failure " +
	"modes not yet answered (ties to more strong edges among those, then to the smaller id) until " +
	"none answers any more; a small cover, not necessarily the smallest"

// Subgraph is a set of nodes and the edges among them.
type Subgraph struct{ s *traverse.Subgraph }

// NewSubgraph wraps s.
func NewSubgraph(s *traverse.Subgraph) *Subgraph { return &Subgraph{s} }

// Nodes are the subgraph's nodes.
func (s *Subgraph) Nodes() []Node { return Nodes(s.s.Nodes) }

// Edges are the edges among them.
func (s *Subgraph) Edges() []*Edge { return Edges(s.s.Edges) }

// Truncated says whether the limit left nodes out.
func (s *Subgraph) Truncated() bool { return s.s.Truncated }

// Path is a simple path.
type Path struct{ p traverse.Path }

// Paths wraps ps.
func Paths(ps []traverse.Path) []*Path {
	return mapAll(ps, func(p traverse.Path) *Path { return &Path{p} })
}

// Nodes are the nodes along the path.
func (p *Path) Nodes() []Node { return Nodes(p.p.Nodes) }

// Edges are the edges along the path.
func (p *Path) Edges() []*Edge { return Edges(p.p.Edges) }

// Length is the number of edges.
func (p *Path) Length() int { return p.p.Length() }

// ThreatModel is what threatens a set of assets and what answers it.
type ThreatModel struct{ t *traverse.ThreatModel }

// NewThreatModel wraps t.
func NewThreatModel(t *traverse.ThreatModel) *ThreatModel { return &ThreatModel{t} }

// FailureModes are the threatening failure modes.
func (t *ThreatModel) FailureModes() []*FailureMode { return FailureModes(t.t.FailureModes) }

// Mitigations are the ranked mitigations.
func (t *ThreatModel) Mitigations() []*RankedMitigation { return rankedMitigations(t.t.Mitigations) }

// MinimalCover is the greedy cover.
func (t *ThreatModel) MinimalCover() []*Mitigation { return Mitigations(t.t.MinimalCover) }

// Uncovered are the failure modes no mitigation answers.
func (t *ThreatModel) Uncovered() []*FailureMode { return FailureModes(t.t.Uncovered) }

// CoverMethod documents the cover algorithm.
func (t *ThreatModel) CoverMethod() string { return CoverMethod }

// RankedMitigation is a mitigation with the failure modes it answers.
type RankedMitigation struct{ m traverse.RankedMitigation }

func rankedMitigations(ms []traverse.RankedMitigation) []*RankedMitigation {
	return mapAll(ms, func(m traverse.RankedMitigation) *RankedMitigation { return &RankedMitigation{m} })
}

// Mitigation is the mitigation.
func (r *RankedMitigation) Mitigation() *Mitigation { return NewMitigation(r.m.Mitigation) }

// Covers are the failure modes it answers.
func (r *RankedMitigation) Covers() []*FailureMode { return FailureModes(r.m.Covers) }

// CoverCount is how many failure modes it answers.
func (r *RankedMitigation) CoverCount() int { return len(r.m.Covers) }

// Edges are its MITIGATES edges to them.
func (r *RankedMitigation) Edges() []*Edge { return Edges(r.m.Edges) }

// TriageCandidate is a failure mode consistent with an observation.
type TriageCandidate struct{ c traverse.TriageCandidate }

// TriageCandidates wraps cs.
func TriageCandidates(cs []traverse.TriageCandidate) []*TriageCandidate {
	return mapAll(cs, func(c traverse.TriageCandidate) *TriageCandidate { return &TriageCandidate{c} })
}

// FailureMode is the candidate.
func (t *TriageCandidate) FailureMode() *FailureMode { return NewFailureMode(t.c.FailureMode) }

// Score is how consistent it is.
func (t *TriageCandidate) Score() float64 { return t.c.Score }

// Matched are the observed properties it compromises.
func (t *TriageCandidate) Matched() []kg.SecurityProperty { return nonNil(t.c.Matched) }

// MatchedAssets are the observed assets it targets.
func (t *TriageCandidate) MatchedAssets() []*Asset { return Assets(t.c.MatchedAssets) }

// Severity lists its severity ratings.
func (t *TriageCandidate) Severity() []kg.Severity {
	if t.c.FailureMode == nil {
		return []kg.Severity{}
	}
	return nonNil(t.c.FailureMode.Severity)
}

// Capabilities are what the attacker must have had.
func (t *TriageCandidate) Capabilities() []*Capability { return Capabilities(t.c.Capabilities) }

// FirstMitigations are the mitigations to reach for first.
func (t *TriageCandidate) FirstMitigations() []*RankedMitigation {
	return rankedMitigations(t.c.FirstMitigations)
}

// LegalExposure is the legal questions one failure mode raises.
type LegalExposure struct{ x *traverse.LegalExposure }

// NewLegalExposure wraps x.
func NewLegalExposure(x *traverse.LegalExposure) *LegalExposure { return &LegalExposure{x} }

// FailureMode is the failure mode asked about.
func (l *LegalExposure) FailureMode() *FailureMode { return NewFailureMode(l.x.FailureMode) }

// ViolatesAccessAuthorization is the paper's access column, or nil.
func (l *LegalExposure) ViolatesAccessAuthorization() *bool {
	if l.x.FailureMode == nil {
		return nil
	}
	return l.x.FailureMode.ViolatesAccessAuthorization
}

// AccessCommentary is the paper's commentary on access, or nil.
func (l *LegalExposure) AccessCommentary() *string {
	if l.x.FailureMode == nil {
		return nil
	}
	return optString(l.x.FailureMode.AccessCommentary)
}

// Items are the considerations raised.
func (l *LegalExposure) Items() []*LegalItem {
	return mapAll(l.x.Items, func(it traverse.LegalItem) *LegalItem { return &LegalItem{it} })
}

// LegalItem is one consideration a failure mode raises.
type LegalItem struct{ i traverse.LegalItem }

// Consideration is the legal consideration.
func (l *LegalItem) Consideration() *LegalConsideration {
	return NewLegalConsideration(l.i.Consideration)
}

// Jurisdiction is the consideration's jurisdiction, or nil.
func (l *LegalItem) Jurisdiction() *string {
	if l.i.Consideration == nil {
		return nil
	}
	return optString(l.i.Consideration.Jurisdiction)
}

// Instrument is the consideration's instrument, or nil.
func (l *LegalItem) Instrument() *string {
	if l.i.Consideration == nil {
		return nil
	}
	return optString(l.i.Consideration.Instrument)
}

// Question is the RAISES edge's note.
func (l *LegalItem) Question() string { return l.i.Edge.Note }

// References are the edge's references.
func (l *LegalItem) References() []*Reference { return References(l.i.References) }

// InheritedFrom is the parent the item is inherited from, or nil.
func (l *LegalItem) InheritedFrom() *FailureMode { return NewFailureMode(l.i.InheritedFrom) }

// Edge is the RAISES edge.
func (l *LegalItem) Edge() *Edge { return NewEdge(l.i.Edge) }

// Matrix is failure modes by legal considerations.
type Matrix struct{ m *traverse.Matrix }

// NewMatrix wraps m.
func NewMatrix(m *traverse.Matrix) *Matrix { return &Matrix{m} }

// Rows are the failure modes.
func (m *Matrix) Rows() []*FailureMode { return FailureModes(m.m.Rows) }

// Columns are the legal considerations.
func (m *Matrix) Columns() []*LegalConsideration { return LegalConsiderations(m.m.Columns) }

// Cells are the RAISES edges, nil where there is none.
func (m *Matrix) Cells() [][]*MatrixCell {
	out := make([][]*MatrixCell, len(m.m.Cells))
	for i, row := range m.m.Cells {
		out[i] = make([]*MatrixCell, len(row))
		for j, e := range row {
			if e != nil {
				out[i][j] = &MatrixCell{*e}
			}
		}
	}
	return out
}

// MatrixCell is one RAISES edge of the legal matrix; its references are resolved through loaders.
type MatrixCell struct{ e kg.Edge }

// Question is the edge's note.
func (c *MatrixCell) Question() string { return c.e.Note }

// RefIDs are the ids of the references that support the edge.
func (c *MatrixCell) RefIDs() []string { return c.e.Refs }

// CoverageGaps lists where the graph is thin.
type CoverageGaps struct{ g *traverse.CoverageGaps }

// NewCoverageGaps wraps g.
func NewCoverageGaps(g *traverse.CoverageGaps) *CoverageGaps { return &CoverageGaps{g} }

// WithoutMitigation are failure modes no mitigation answers.
func (c *CoverageGaps) WithoutMitigation() []*FailureMode { return FailureModes(c.g.WithoutMitigation) }

// WithoutLegal are failure modes raising no legal consideration.
func (c *CoverageGaps) WithoutLegal() []*FailureMode { return FailureModes(c.g.WithoutLegal) }

// FewReferences are failure modes citing fewer than two references.
func (c *CoverageGaps) FewReferences() []*FailureMode { return FailureModes(c.g.FewReferences) }

// MitigationsWithoutEvidence are mitigations with no cited MITIGATES edge.
func (c *CoverageGaps) MitigationsWithoutEvidence() []*Mitigation {
	return Mitigations(c.g.MitigationsWithoutEvidence)
}
