package export

import (
	"context"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

// STIX 2.1. What maps to what:
//
//   - failure modes and ATLAS techniques → attack-pattern (ATLAS tactics become the technique's
//     kill_chain_phases, kill chain "mitre-atlas"), with external references to failgraph, ATLAS,
//     OWASP, NIST AI 100-2, AVID and the literature the node cites;
//   - failgraph's and ATLAS's mitigations → course-of-action;
//   - ATLAS case studies → campaign, joined to the techniques of their procedure by "uses";
//   - MITIGATES and COUNTERS → "mitigates"; SUBTYPE_OF and SUBTECHNIQUE_OF → "subtechnique-of" (as
//     ATT&CK writes it); CORRESPONDS_TO → "related-to", its description giving the match;
//   - one identity, failgraph, creates every object.
//
// Capabilities, assets, legal considerations and stakeholders have no STIX counterpart and are left
// out; references appear as external references. Ids are UUIDv5 in stixNamespace of the object type
// and failgraph id, so they are the same in every export; timestamps are fixed (stixTime), because
// failgraph does not track edit times and the same graph must give the same bundle.

// stixNamespace is the UUIDv5 namespace of failgraph's STIX ids: UUIDv5 of the URL namespace
// (RFC 4122, 6ba7b811-…) and the name "urn:failgraph:stix".
var stixNamespace = uuid5(mustUUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "urn:failgraph:stix")

const stixTime = "2026-01-01T00:00:00.000Z"

// STIXID returns the stable STIX id of failgraph object key (a node id, or an edge id) of type typ.
func STIXID(typ, key string) string {
	return typ + "--" + formatUUID(uuid5(stixNamespace, typ+":"+key))
}

func mustUUID(s string) [16]byte {
	var u [16]byte
	h := strings.ReplaceAll(s, "-", "")
	for i := range u {
		fmt.Sscanf(h[2*i:2*i+2], "%02x", &u[i])
	}
	return u
}

// uuid5 is RFC 4122 section 4.3: SHA-1 of namespace and name, version 5, variant RFC 4122.
func uuid5(ns [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = (u[6] & 0x0f) | 0x50
	u[8] = (u[8] & 0x3f) | 0x80
	return u
}

func formatUUID(u [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

type stixRef struct {
	SourceName  string `json:"source_name"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
	ExternalID  string `json:"external_id,omitempty"`
}

type killChainPhase struct {
	KillChainName string `json:"kill_chain_name"`
	PhaseName     string `json:"phase_name"`
}

// stixObject holds the properties of every object type failgraph writes; empty ones are omitted.
type stixObject struct {
	Type             string           `json:"type"`
	SpecVersion      string           `json:"spec_version"`
	ID               string           `json:"id"`
	CreatedByRef     string           `json:"created_by_ref,omitempty"`
	Created          string           `json:"created"`
	Modified         string           `json:"modified"`
	Name             string           `json:"name,omitempty"`
	Description      string           `json:"description,omitempty"`
	IdentityClass    string           `json:"identity_class,omitempty"`
	Aliases          []string         `json:"aliases,omitempty"`
	KillChainPhases  []killChainPhase `json:"kill_chain_phases,omitempty"`
	RelationshipType string           `json:"relationship_type,omitempty"`
	SourceRef        string           `json:"source_ref,omitempty"`
	TargetRef        string           `json:"target_ref,omitempty"`
	FirstSeen        string           `json:"first_seen,omitempty"`
	ExternalRefs     []stixRef        `json:"external_references,omitempty"`
}

// The source names of external references, by crosswalk framework.
var stixSources = map[string]string{
	"MITRE ATLAS":      "mitre-atlas",
	"MITRE ATT&CK":     "mitre-attack",
	"OWASP ML Top 10":  "owasp-ml-top-10",
	"OWASP LLM Top 10": "owasp-llm-top-10",
	"NIST AI 100-2":    "nist-ai-100-2",
	"AVID":             "avid",
}

// STIXType is the STIX object type of a node of kind k, or "" when the kind is not exported.
func STIXType(k kg.Kind) string {
	switch k {
	case kg.KindFailureMode, kg.KindAtlasTechnique:
		return "attack-pattern"
	case kg.KindMitigation, kg.KindAtlasMitigation:
		return "course-of-action"
	case kg.KindAtlasCaseStudy:
		return "campaign"
	}
	return ""
}

// STIXRelationship is the relationship_type of an edge of type t, or "" when t is not exported.
func STIXRelationship(t kg.RelType) string {
	switch t {
	case kg.RelMitigates, kg.RelCounters:
		return "mitigates"
	case kg.RelSubtypeOf, kg.RelSubtechniqueOf:
		return "subtechnique-of"
	case kg.RelCorrespondsTo:
		return "related-to"
	case kg.RelUses:
		return "uses"
	}
	return ""
}

func writeSTIX(_ context.Context, _ *Exporter, in *input, w io.Writer) error {
	identity := STIXID("identity", "failgraph")
	objects := []stixObject{{Type: "identity", SpecVersion: "2.1", ID: identity, Created: stixTime, Modified: stixTime,
		Name: "failgraph", IdentityClass: "system",
		Description: "failgraph, a knowledge graph of the ways machine-learning systems fail, built on Failure Modes in Machine Learning Systems (Siva Kumar et al., 2019) and MITRE ATLAS."}}
	stixIDs := map[string]string{}
	for _, n := range in.nodes {
		typ := STIXType(n.Kind)
		if typ == "" {
			continue
		}
		o := stixObject{Type: typ, SpecVersion: "2.1", ID: STIXID(typ, n.ID), CreatedByRef: identity,
			Created: stixTime, Modified: stixTime, Name: n.Name, Description: n.Summary, ExternalRefs: stixExternal(in, n)}
		stixIDs[n.ID] = o.ID
		if typ == "campaign" && len(n.IncidentDate) == 10 {
			o.FirstSeen = n.IncidentDate + "T00:00:00.000Z"
		}
		if typ == "attack-pattern" || typ == "campaign" {
			o.Aliases = n.Aliases
		}
		if n.Kind == kg.KindAtlasTechnique {
			o.KillChainPhases = killChain(in, n)
		}
		objects = append(objects, o)
	}
	for _, e := range in.edges {
		rt := STIXRelationship(e.Type)
		src, dst := stixIDs[e.Source], stixIDs[e.Target]
		if rt == "" || src == "" || dst == "" {
			continue
		}
		desc := e.Note
		if e.Strength != "" {
			label := "strength"
			if e.Type == kg.RelCorrespondsTo {
				label = "crosswalk match"
			}
			desc = strings.TrimSpace(fmt.Sprintf("%s: %s. %s", label, e.Strength, e.Note))
		}
		var refs []stixRef
		for _, r := range e.Refs {
			if n := in.byID[r]; n != nil {
				refs = append(refs, literature(n))
			}
		}
		objects = append(objects, stixObject{Type: "relationship", SpecVersion: "2.1", ID: STIXID("relationship", e.ID),
			CreatedByRef: identity, Created: stixTime, Modified: stixTime, RelationshipType: rt,
			SourceRef: src, TargetRef: dst, Description: desc, ExternalRefs: refs})
	}
	keys := make([]string, len(objects))
	for i, o := range objects {
		keys[i] = o.ID
	}
	sort.Strings(keys)
	bundle := struct {
		Type    string       `json:"type"`
		ID      string       `json:"id"`
		Objects []stixObject `json:"objects"`
	}{"bundle", STIXID("bundle", strings.Join(keys, ",")), objects}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(bundle)
}

// stixExternal lists n's external references: failgraph itself, its crosswalk (or, for an ATLAS
// node, ATLAS and ATT&CK) and the literature it cites.
func stixExternal(in *input, n *kg.Node) []stixRef {
	refs := []stixRef{{SourceName: "failgraph", ExternalID: n.ID}}
	if n.AtlasID != "" {
		refs = append(refs, stixRef{SourceName: "mitre-atlas", ExternalID: n.AtlasID, URL: n.URL})
	}
	for _, x := range n.ExternalIDs {
		src := stixSources[x.Framework]
		if src == "" {
			src = strings.ToLower(strings.ReplaceAll(x.Framework, " ", "-"))
		}
		r := stixRef{SourceName: src, ExternalID: x.ID, URL: x.URL}
		if x.Match != "" || x.Name != "" {
			r.Description = strings.TrimSpace(fmt.Sprintf("%s (match: %s)", x.Name, x.Match))
		}
		refs = append(refs, r)
	}
	for _, e := range in.out[n.ID] {
		if e.Type == kg.RelCites {
			if r := in.byID[e.Target]; r != nil && !r.Kind.IsAtlas() && r.AtlasRelease == "" {
				refs = append(refs, literature(r))
			}
		}
	}
	return refs
}

// literature is the external reference of a reference node.
func literature(r *kg.Node) stixRef {
	ref := stixRef{SourceName: r.Name, Description: r.Title}
	switch {
	case r.DOI != "":
		ref.URL, ref.ExternalID = "https://doi.org/"+r.DOI, "doi:"+r.DOI
	case r.ArXiv != "":
		ref.URL, ref.ExternalID = "https://arxiv.org/abs/"+r.ArXiv, "arXiv:"+r.ArXiv
	default:
		ref.URL = r.URL
	}
	if ref.SourceName == "" {
		ref.SourceName = r.ID
	}
	return ref
}

// killChain is the ATLAS tactics of technique n as kill chain phases (the tactic's name in lower
// case with hyphens, as ATT&CK names its phases).
func killChain(in *input, n *kg.Node) []killChainPhase {
	var out []killChainPhase
	for _, e := range in.out[n.ID] {
		if e.Type == kg.RelAchieves {
			if t := in.byID[e.Target]; t != nil {
				out = append(out, killChainPhase{KillChainName: "mitre-atlas", PhaseName: phaseName(t.Name)})
			}
		}
	}
	return out
}

func phaseName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}
