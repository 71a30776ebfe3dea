package server_test

import (
	"testing"

	"github.com/failgraph/failgraph/internal/server"
)

// TestProvenanceOverGraphQL checks that origin, the legal dates and edge provenance are served and
// filter what they claim to, on the minimal fixture (all three of its failure modes are the
// paper's; its PROTECTS edge is an editorial inference of medium confidence).
func TestProvenanceOverGraphQL(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	tests := []struct {
		name, query, want string
	}{
		{"origin is served and filters",
			`{ paper: failureModes(origin: PAPER) { id origin originSources { id } } ext: failureModes(origin: EXTENSION) { id } }`,
			`{"paper": [{"id": "poisoning", "origin": "PAPER", "originSources": []},
				{"id": "distributional-shift", "origin": "PAPER", "originSources": []},
				{"id": "targeted-poisoning", "origin": "PAPER", "originSources": []}], "ext": []}`},
		{"legal dates and status are served and filter",
			`{ inForce: legalConsiderations(status: IN_FORCE) { id inForceFrom appliesFrom status statusAsOf }
			   proposed: legalConsiderations(status: PROPOSED, jurisdiction: "US") { id } }`,
			`{"inForce": [{"id": "cfaa", "inForceFrom": "1986-10-16", "appliesFrom": null, "status": "IN_FORCE", "statusAsOf": "2026-12-02"}],
			  "proposed": []}`},
		{"edges carry basis, confidence and reason",
			`{ mitigations { edges(relation: PROTECTS) { id basis confidence reason } }
			   failureMode(id: "poisoning") { edges(relation: RAISES) { basis confidence reason } } }`,
			`{"mitigations": [{"edges": [{"id": "PROTECTS:data-sanitisation:training-data", "basis": "EDITORIAL", "confidence": "MEDIUM",
				"reason": "Inferred from what the mitigation answers."}]}],
			  "failureMode": {"edges": [{"basis": "PAPER", "confidence": "HIGH", "reason": null}]}}`},
		{"a CITES edge to the paper is paper-stated",
			`{ failureMode(id: "poisoning") { edges(relation: CITES) { target basis confidence } } }`,
			`{"failureMode": {"edges": [{"target": "jagielski-2018-manipulating", "basis": "CITED_WORK", "confidence": "HIGH"},
				{"target": "sivakumar-2019-failure", "basis": "PAPER", "confidence": "HIGH"}]}}`},
		// Every TARGETS is the paper's, every MITIGATES cited work: the paper's own threat model
		// has the three modes and nothing that answers them.
		{"threat model from paper-stated edges only",
			`{ threatModel(assets: ["training-data"], trust: {basis: [PAPER]}) { failureModes { id } mitigations { mitigation { id } } uncovered { id } } }`,
			`{"threatModel": {"failureModes": [{"id": "poisoning"}, {"id": "distributional-shift"}, {"id": "targeted-poisoning"}],
				"mitigations": [], "uncovered": [{"id": "poisoning"}, {"id": "distributional-shift"}, {"id": "targeted-poisoning"}]}}`},
		{"threat model at high confidence keeps everything here",
			`{ threatModel(assets: ["training-data"], trust: {minConfidence: HIGH}) { minimalCover { id } uncovered { id } } }`,
			`{"threatModel": {"minimalCover": [{"id": "data-sanitisation"}], "uncovered": []}}`},
		{"legal exposure and matrix by basis",
			`{ legalExposure(failureMode: "poisoning", trust: {basis: [CITED_WORK]}) { items { question } }
			   legalMatrix(trust: {basis: [PAPER]}) { cells { question } } }`,
			`{"legalExposure": {"items": []},
			  "legalMatrix": {"cells": [[{"question": "Is sending chaff data unauthorised access?"}]]}}`},
		{"neighbourhood of editorial edges",
			`{ neighborhood(id: "data-sanitisation", trust: {basis: [EDITORIAL]}) { nodes { id } edges { id } } }`,
			`{"neighborhood": {"nodes": [{"id": "data-sanitisation"}, {"id": "training-data"}], "edges": [{"id": "PROTECTS:data-sanitisation:training-data"}]}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assertJSON(t, tc.name, ts.mustData(t, tc.query, nil), tc.want)
		})
	}
}
