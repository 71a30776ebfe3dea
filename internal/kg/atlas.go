package kg

import "strings"

// The ATLAS layer: MITRE ATLAS's tactics, techniques (with sub-techniques), mitigations and case
// studies, imported at run time from a user's ATLAS.yaml by internal/atlas. They are nodes of their
// own kinds, joined as ATLAS joins them and to failgraph's failure modes and mitigations by the
// seed's crosswalk ids (CORRESPONDS_TO, whose Strength is the crosswalk's match: exact, close or
// related). Every ATLAS node carries AtlasRelease, and every ATLAS edge cites the release's
// reference node, so each says where it came from.
const (
	KindAtlasTactic     Kind = "AtlasTactic"
	KindAtlasTechnique  Kind = "AtlasTechnique" // techniques and sub-techniques
	KindAtlasMitigation Kind = "AtlasMitigation"
	KindAtlasCaseStudy  Kind = "AtlasCaseStudy"
)

// The relation types of the ATLAS layer.
const (
	RelAchieves       RelType = "ACHIEVES"        // AtlasTechnique → AtlasTactic
	RelSubtechniqueOf RelType = "SUBTECHNIQUE_OF" // AtlasTechnique → AtlasTechnique
	RelCounters       RelType = "COUNTERS"        // AtlasMitigation → AtlasTechnique; Note: ATLAS's use
	RelUses           RelType = "USES"            // AtlasCaseStudy → AtlasTechnique; Note: the procedure steps
	RelCorrespondsTo  RelType = "CORRESPONDS_TO"  // FailureMode or Mitigation → an ATLAS node; Strength: the match
)

// IsAtlas reports whether k is one of the ATLAS kinds.
func (k Kind) IsAtlas() bool {
	switch k {
	case KindAtlasTactic, KindAtlasTechnique, KindAtlasMitigation, KindAtlasCaseStudy:
		return true
	}
	return false
}

// AtlasSlug is the node id of the ATLAS object id: lower case, dots as hyphens
// (AML.T0024.001 → aml-t0024-001), so that ATLAS nodes have slugs like every other node.
func AtlasSlug(atlasID string) string {
	return strings.ReplaceAll(strings.ToLower(atlasID), ".", "-")
}

// IsAtlas reports whether r is one of the relation types of the ATLAS layer.
func (r RelType) IsAtlas() bool {
	switch r {
	case RelAchieves, RelSubtechniqueOf, RelCounters, RelUses, RelCorrespondsTo:
		return true
	}
	return false
}
