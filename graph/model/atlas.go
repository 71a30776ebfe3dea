package model

import "github.com/failgraph/failgraph/internal/kg"

// The node types of the ATLAS layer, thin wrappers over *kg.Node like the others.

// AtlasTactic is a node of kind kg.KindAtlasTactic.
type AtlasTactic struct{ atlasBase }

// AtlasTechnique is a node of kind kg.KindAtlasTechnique.
type AtlasTechnique struct{ atlasBase }

// AtlasMitigation is a node of kind kg.KindAtlasMitigation.
type AtlasMitigation struct{ atlasBase }

// AtlasCaseStudy is a node of kind kg.KindAtlasCaseStudy.
type AtlasCaseStudy struct{ atlasBase }

// atlasBase is what the ATLAS types share beyond the Node interface.
type atlasBase struct{ base }

// AtlasID is the ATLAS id.
func (b atlasBase) AtlasID() string { return b.n.AtlasID }

// Release is the ATLAS release the node was imported from.
func (b atlasBase) Release() string { return b.n.AtlasRelease }

// URL is the node's page on atlas.mitre.org.
func (b atlasBase) URL() string { return b.n.URL }

// AttackID is the ATT&CK object adapted, or nil.
func (b atlasBase) AttackID() *string {
	for _, x := range b.n.ExternalIDs {
		if x.Framework == "MITRE ATT&CK" {
			return optString(x.ID)
		}
	}
	return nil
}

// Maturity is the technique's maturity, or nil.
func (t AtlasTechnique) Maturity() *string { return optString(t.n.Maturity) }

// Category is the mitigation's categories, or nil.
func (m AtlasMitigation) Category() *string { return optString(m.n.Category) }

// Lifecycle lists the lifecycle stages of the mitigation.
func (m AtlasMitigation) Lifecycle() []string { return nonNil(m.n.Lifecycle) }

// Type is incident or exercise, or nil.
func (c AtlasCaseStudy) Type() *string { return optString(c.n.CaseStudyType) }

// IncidentDate is the case study's date, or nil.
func (c AtlasCaseStudy) IncidentDate() *string { return optString(c.n.IncidentDate) }

// FailureModeAtlas is the ATLAS layer behind one failure mode; its fields are resolved.
type FailureModeAtlas struct{ FailureMode string }

// NewAtlasTactic wraps n, or returns nil for nil.
func NewAtlasTactic(n *kg.Node) *AtlasTactic {
	if n == nil {
		return nil
	}
	return &AtlasTactic{atlasBase{base{n}}}
}

// NewAtlasTechnique wraps n, or returns nil for nil.
func NewAtlasTechnique(n *kg.Node) *AtlasTechnique {
	if n == nil {
		return nil
	}
	return &AtlasTechnique{atlasBase{base{n}}}
}

// NewAtlasMitigation wraps n, or returns nil for nil.
func NewAtlasMitigation(n *kg.Node) *AtlasMitigation {
	if n == nil {
		return nil
	}
	return &AtlasMitigation{atlasBase{base{n}}}
}

// NewAtlasCaseStudy wraps n, or returns nil for nil.
func NewAtlasCaseStudy(n *kg.Node) *AtlasCaseStudy {
	if n == nil {
		return nil
	}
	return &AtlasCaseStudy{atlasBase{base{n}}}
}

// AtlasTactics wraps every node of ns that is not nil.
func AtlasTactics(ns []*kg.Node) []*AtlasTactic { return wrapAll(ns, NewAtlasTactic) }

// AtlasTechniques wraps every node of ns that is not nil.
func AtlasTechniques(ns []*kg.Node) []*AtlasTechnique { return wrapAll(ns, NewAtlasTechnique) }

// AtlasMitigations wraps every node of ns that is not nil.
func AtlasMitigations(ns []*kg.Node) []*AtlasMitigation { return wrapAll(ns, NewAtlasMitigation) }

// AtlasCaseStudies wraps every node of ns that is not nil.
func AtlasCaseStudies(ns []*kg.Node) []*AtlasCaseStudy { return wrapAll(ns, NewAtlasCaseStudy) }

// wrapAtlas wraps the ATLAS kinds for Wrap.
func wrapAtlas(n *kg.Node) Node {
	switch n.Kind {
	case kg.KindAtlasTactic:
		return NewAtlasTactic(n)
	case kg.KindAtlasTechnique:
		return NewAtlasTechnique(n)
	case kg.KindAtlasMitigation:
		return NewAtlasMitigation(n)
	case kg.KindAtlasCaseStudy:
		return NewAtlasCaseStudy(n)
	}
	return nil
}
