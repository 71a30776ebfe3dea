package kg_test

import (
	"errors"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
)

func TestConfidenceAtLeast(t *testing.T) {
	h, m, l := kg.ConfidenceHigh, kg.ConfidenceMedium, kg.ConfidenceLow
	tests := []struct {
		c, min kg.Confidence
		want   bool
	}{
		{h, h, true}, {h, m, true}, {h, l, true},
		{m, h, false}, {m, m, true}, {m, l, true},
		{l, h, false}, {l, m, false}, {l, l, true},
		{"", l, false}, {"SURE", l, false}, {h, "SURE", false},
	}
	for _, tc := range tests {
		if got := tc.c.AtLeast(tc.min); got != tc.want {
			t.Errorf("%q.AtLeast(%q) = %v, want %v", tc.c, tc.min, got, tc.want)
		}
	}
}

func TestEdgeTrustAdmits(t *testing.T) {
	paperHigh := kg.Edge{Basis: kg.BasisPaper, Confidence: kg.ConfidenceHigh}
	editorialLow := kg.Edge{Basis: kg.BasisEditorial, Confidence: kg.ConfidenceLow}
	tests := []struct {
		name  string
		trust kg.EdgeTrust
		edge  kg.Edge
		want  bool
	}{
		{"zero admits all", kg.EdgeTrust{}, editorialLow, true},
		{"basis listed", kg.EdgeTrust{Bases: []kg.Basis{kg.BasisPaper}}, paperHigh, true},
		{"basis not listed", kg.EdgeTrust{Bases: []kg.Basis{kg.BasisPaper, kg.BasisCitedWork}}, editorialLow, false},
		{"confidence enough", kg.EdgeTrust{MinConfidence: kg.ConfidenceMedium}, paperHigh, true},
		{"confidence too low", kg.EdgeTrust{MinConfidence: kg.ConfidenceMedium}, editorialLow, false},
		{"both must hold", kg.EdgeTrust{Bases: []kg.Basis{kg.BasisEditorial}, MinConfidence: kg.ConfidenceHigh}, editorialLow, false},
		{"an edge without provenance fails a confidence bound", kg.EdgeTrust{MinConfidence: kg.ConfidenceLow}, kg.Edge{}, false},
	}
	for _, tc := range tests {
		if got := tc.trust.Admits(tc.edge); got != tc.want {
			t.Errorf("%s: Admits = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestEdgeTrustValidate(t *testing.T) {
	if err := (kg.EdgeTrust{Bases: kg.Bases, MinConfidence: kg.ConfidenceLow}).Validate(); err != nil {
		t.Fatalf("valid trust refused: %v", err)
	}
	for arg, tr := range map[string]kg.EdgeTrust{
		"trust.basis":         {Bases: []kg.Basis{kg.BasisPaper, "RUMOUR"}},
		"trust.minConfidence": {MinConfidence: "CERTAIN"},
	} {
		err := tr.Validate()
		var e *kg.Error
		if kg.ErrorCode(err) != kg.EINVALID || !errors.As(err, &e) || e.Arg != arg {
			t.Errorf("Validate(%+v) = %v, want EINVALID naming %s", tr, err, arg)
		}
	}
}

func TestValidDate(t *testing.T) {
	for d, want := range map[string]bool{"2026-12-02": true, "2024-02-29": true, "2023-02-29": false, "2026-13-01": false, "2 Dec 2026": false, "": false} {
		if got := kg.ValidDate(d); got != want {
			t.Errorf("ValidDate(%q) = %v, want %v", d, got, want)
		}
	}
}

func TestFilterOriginAndStatus(t *testing.T) {
	fm := &kg.Node{Kind: kg.KindFailureMode, Origin: kg.OriginExtension}
	if !(kg.Filter{Kind: kg.KindFailureMode, Origin: kg.OriginExtension}).Matches(fm) ||
		(kg.Filter{Kind: kg.KindFailureMode, Origin: kg.OriginPaper}).Matches(fm) {
		t.Error("Origin filter")
	}
	legal := &kg.Node{Kind: kg.KindLegal, Status: kg.StatusVoluntary}
	if !(kg.Filter{Kind: kg.KindLegal, Status: kg.StatusVoluntary}).Matches(legal) ||
		(kg.Filter{Kind: kg.KindLegal, Status: kg.StatusInForce}).Matches(legal) {
		t.Error("Status filter")
	}
	for arg, f := range map[string]kg.Filter{
		"origin": {Kind: kg.KindFailureMode, Origin: "FOLKLORE"},
		"status": {Kind: kg.KindLegal, Status: "RUMOURED"},
	} {
		var e *kg.Error
		if err := f.Validate(); !errors.As(err, &e) || e.Code != kg.EINVALID || e.Arg != arg {
			t.Errorf("Validate = %v, want EINVALID naming %s", err, arg)
		}
	}
}
