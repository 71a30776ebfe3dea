package kg_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
)

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Membership Inference", []string{"membership", "inference"}},
		{"The attack on a model", []string{"attack", "model"}},
		{"AML.T0024.001", []string{"aml", "t0024", "001"}},
		{"Tramèr, Viljöen & Müller", []string{"tramer", "viljoen", "muller"}},
		{"  ", nil},
	}
	for _, tc := range tests {
		got := kg.Tokenize(tc.in)
		if len(got) == 0 && len(tc.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestScoreRanksNameAboveSummaryAndPrefixBelowExact(t *testing.T) {
	byName := &kg.Node{ID: "a", Name: "Model inversion", Summary: "x"}
	bySummary := &kg.Node{ID: "b", Name: "Something else", Summary: "mentions inversion once"}
	byPrefix := &kg.Node{ID: "c", Name: "Inversions everywhere"}
	none := &kg.Node{ID: "d", Name: "Poisoning"}
	sName, sSummary, sPrefix := kg.Score("inversion", byName), kg.Score("inversion", bySummary), kg.Score("inversion", byPrefix)
	if !(sName > sPrefix && sPrefix > 0 && sName > sSummary && sSummary > 0) {
		t.Errorf("scores name %v, prefix %v, summary %v: want name > prefix > 0 and name > summary > 0", sName, sPrefix, sSummary)
	}
	if s := kg.Score("inversion", none); s != 0 {
		t.Errorf("unrelated node scored %v", s)
	}
	if s := kg.Score("the of", byName); s != 0 {
		t.Errorf("a query of stopwords scored %v", s)
	}
	// The whole query in the name earns the phrase bonus over the same words scattered.
	phrase := &kg.Node{ID: "e", Name: "Model inversion attack"}
	scattered := &kg.Node{ID: "f", Name: "Inversion of a model"}
	if kg.Score("model inversion", phrase) <= kg.Score("model inversion", scattered) {
		t.Error("phrase match does not outrank scattered words")
	}
	// Two-letter query tokens match exactly only.
	if kg.Score("mo", byName) != 0 {
		t.Error("a two-letter prefix matched")
	}
}

func TestSortHits(t *testing.T) {
	hits := []kg.Hit{{Node: &kg.Node{ID: "b"}, Score: 1}, {Node: &kg.Node{ID: "a"}, Score: 1}, {Node: &kg.Node{ID: "c"}, Score: 2}}
	got := kg.SortHits(hits, 2)
	if len(got) != 2 || got[0].Node.ID != "c" || got[1].Node.ID != "a" {
		t.Errorf("SortHits = %v, want c then a (ties by id), cut to 2", []string{got[0].Node.ID, got[1].Node.ID})
	}
}

func TestFilter(t *testing.T) {
	fm := &kg.Node{ID: "x", Kind: kg.KindFailureMode, Intent: kg.Intentional, Compromises: []kg.SecurityProperty{kg.Integrity}}
	ref := &kg.Node{ID: "r", Kind: kg.KindReference, Name: "Shokri et al. 2017", Title: "Membership Inference Attacks", Year: 2017, Authors: []string{"Reza Shokri", "Vitaly Shmatikov"}}
	tests := []struct {
		f    kg.Filter
		n    *kg.Node
		want bool
	}{
		{kg.Filter{Kind: kg.KindFailureMode}, fm, true},
		{kg.Filter{Kind: kg.KindAsset}, fm, false},
		{kg.Filter{Kind: kg.KindFailureMode, Intent: kg.Unintentional}, fm, false},
		{kg.Filter{Kind: kg.KindFailureMode, Compromises: kg.Integrity}, fm, true},
		{kg.Filter{Kind: kg.KindFailureMode, Compromises: kg.Safety}, fm, false},
		{kg.Filter{Kind: kg.KindReference, YearMin: 2017, YearMax: 2017}, ref, true},
		{kg.Filter{Kind: kg.KindReference, YearMin: 2018}, ref, false},
		{kg.Filter{Kind: kg.KindReference, Author: "shmatikov"}, ref, true},
		{kg.Filter{Kind: kg.KindReference, Author: "carlini"}, ref, false},
		{kg.Filter{Kind: kg.KindReference, Text: "membership"}, ref, true},
	}
	for i, tc := range tests {
		if got := tc.f.Matches(tc.n); got != tc.want {
			t.Errorf("%d: %+v matches %s = %v, want %v", i, tc.f, tc.n.ID, got, tc.want)
		}
	}
	for _, bad := range []kg.Filter{{Kind: "Nope"}, {Kind: kg.KindReference, Limit: -1}, {Kind: kg.KindReference, YearMin: 2020, YearMax: 2010}} {
		if err := bad.Validate(); kg.ErrorCode(err) != kg.EINVALID {
			t.Errorf("%+v: Validate = %v, want BAD_USER_INPUT", bad, err)
		}
	}
}

func TestErrors(t *testing.T) {
	inner := kg.Errorf(kg.ENOTFOUND, "id", "no node with id %q", "x")
	wrapped := fmt.Errorf("loading: %w", inner)
	if kg.ErrorCode(wrapped) != kg.ENOTFOUND {
		t.Errorf("code through wrapping = %q", kg.ErrorCode(wrapped))
	}
	if got := kg.ErrorMessage(wrapped); got != `argument "id": no node with id "x"` {
		t.Errorf("message = %q", got)
	}
	secret := kg.Wrap(kg.EINTERNAL, errors.New("Neo.ClientError.Statement.SyntaxError: MATCH (n) ..."), "reading")
	if got := kg.ErrorMessage(secret); got != "internal error" {
		t.Errorf("internal message leaks: %q", got)
	}
	if kg.ErrorCode(context.DeadlineExceeded) != kg.ETIMEOUT || kg.ErrorCode(errors.New("x")) != kg.EINTERNAL || kg.ErrorCode(nil) != "" {
		t.Error("ErrorCode mapping of context, plain and nil errors")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if kg.ErrorCode(kg.CtxErr(ctx)) != kg.ECANCELED || kg.ErrorCode(context.Canceled) != kg.ECANCELED || kg.CtxErr(context.Background()) != nil {
		t.Error("CtxErr of a cancelled context")
	}
	expired, stop := context.WithTimeout(context.Background(), -time.Second)
	defer stop()
	if kg.ErrorCode(kg.CtxErr(expired)) != kg.ETIMEOUT {
		t.Error("CtxErr of an expired context")
	}
	if err := kg.CheckRange("depth", 4, 1, kg.MaxDepth); kg.ErrorCode(err) != kg.EINVALID || kg.ErrorMessage(err) != `argument "depth": must be between 1 and 3, got 4` {
		t.Errorf("CheckRange: %v", err)
	}
}

func TestSchemaAllowlist(t *testing.T) {
	for _, r := range kg.RelTypes {
		if _, ok := kg.Schema(r); !ok || !r.Valid() {
			t.Errorf("%s missing from the schema", r)
		}
	}
	if kg.RelType("DROP_ALL").Valid() || kg.Kind("Node) DETACH DELETE (n").Valid() {
		t.Error("the allowlist accepts names it does not define")
	}
	if !kg.ValidID("membership-inference") || kg.ValidID("Bad_ID") || kg.ValidID("-x") || kg.ValidID("a--b") {
		t.Error("ValidID")
	}
}

func TestEdgeKeysOfEqualTypeSetsAreEqual(t *testing.T) {
	a := kg.NewEdgeKey("x", kg.In, kg.RelMitigates, kg.RelCites)
	b := kg.NewEdgeKey("x", kg.In, kg.RelCites, kg.RelMitigates, kg.RelCites)
	if a != b {
		t.Errorf("%+v != %+v", a, b)
	}
	if got := a.RelTypes(); len(got) != 2 || got[0] != kg.RelCites || got[1] != kg.RelMitigates {
		t.Errorf("RelTypes %v", got)
	}
	if got := kg.NewEdgeKey("x", kg.Both).RelTypes(); got != nil {
		t.Errorf("no types: %v, want nil (all)", got)
	}
}

func TestPlanMergeJoinsStepsThatReadTheSameEdges(t *testing.T) {
	cites := kg.Step{Dir: kg.Out, Types: []kg.RelType{kg.RelCites}}
	p := kg.Plan{}.Add(kg.KindMitigation, cites)
	p = p.Merge(kg.Plan{kg.KindMitigation: {{Dir: kg.Out, Types: []kg.RelType{kg.RelCites}, Nodes: true,
		Next: kg.Plan{kg.KindReference: {{Dir: kg.In}}}}}})
	p = p.Add(kg.KindMitigation, kg.Step{Dir: kg.In, Types: []kg.RelType{kg.RelCites}})
	steps := p[kg.KindMitigation]
	if len(steps) != 2 || !steps[0].Nodes || len(steps[0].Next[kg.KindReference]) != 1 || steps[1].Dir != kg.In {
		t.Fatalf("merged plan: %+v", steps)
	}
	if err := (kg.Plan{kg.KindAsset: {{Next: kg.Plan{kg.KindAsset: {{Types: []kg.RelType{"DROP"}}}}}}}).Validate(); kg.ErrorCode(err) != kg.EINVALID {
		t.Fatalf("a plan naming an unknown relation type: %v", err)
	}
}
