package traverse_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/traverse"
)

// TestArgumentRules states every argument rule of the questions with the message a client reads: the
// engine is the only place these are checked (the GraphQL resolvers pass arguments straight through),
// so this table is the specification of what a bad argument gets.
func TestArgumentRules(t *testing.T) {
	ctx := context.Background()
	e, _ := synthetic(t)
	tooMany := make([]string, kg.MaxIDs+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("a-%d", i)
	}
	nb := func(o traverse.NeighborhoodOpts) func() error {
		return func() error { _, err := e.Neighborhood(ctx, "fm-shift", o); return err }
	}
	paths := func(from, to string, o traverse.PathOpts) func() error {
		return func() error { _, err := e.Paths(ctx, from, to, o); return err }
	}
	tm := func(assets, caps []string) func() error {
		return func() error { _, err := e.ThreatModel(ctx, assets, caps); return err }
	}
	triage := func(ps []kg.SecurityProperty, assets []string) func() error {
		return func() error { _, err := e.Triage(ctx, ps, assets); return err }
	}
	cases := []struct {
		name string
		run  func() error
		code string
		msg  string
	}{
		{"neighborhood depth 0", nb(traverse.NeighborhoodOpts{Depth: 0, Limit: 10}), kg.EINVALID, `argument "depth": must be between 1 and 3, got 0`},
		{"neighborhood limit over the maximum", nb(traverse.NeighborhoodOpts{Depth: 1, Limit: kg.MaxLimit + 1}), kg.EINVALID, `argument "limit": must be between 1 and 1000, got 1001`},
		{"neighborhood unknown kind", nb(traverse.NeighborhoodOpts{Depth: 1, Limit: 10, Kinds: []kg.Kind{"Bogus"}}), kg.EINVALID, `argument "kinds": unknown node kind "Bogus"`},
		{"neighborhood unknown relation", nb(traverse.NeighborhoodOpts{Depth: 1, Limit: 10, Relations: []kg.RelType{"LIKES"}}), kg.EINVALID, `argument "relations": unknown relation type "LIKES"`},
		{"neighborhood unknown centre", func() error {
			_, err := e.Neighborhood(ctx, "nope", traverse.NeighborhoodOpts{Depth: 1, Limit: 10})
			return err
		}, kg.ENOTFOUND, `argument "id": no node with id "nope"`},
		{"subgraph too many ids", func() error { _, err := e.Subgraph(ctx, tooMany); return err }, kg.EINVALID, `argument "ids": at most 1000 ids, got 1001`},
		{"subgraph unknown id", func() error { _, err := e.Subgraph(ctx, []string{"fm-shift", "nope"}); return err }, kg.EINVALID, `argument "ids": no node with id "nope"`},
		{"paths maxLength 7", paths("fm-shift", "a-data", traverse.PathOpts{MaxLength: 7, Limit: 10}), kg.EINVALID, `argument "maxLength": must be between 1 and 6, got 7`},
		{"paths limit 0", paths("fm-shift", "a-data", traverse.PathOpts{MaxLength: 3}), kg.EINVALID, `argument "limit": must be between 1 and 1000, got 0`},
		{"paths from equals to", paths("fm-shift", "fm-shift", traverse.PathOpts{MaxLength: 3, Limit: 10}), kg.EINVALID, `argument "to": must differ from "from"`},
		{"paths unknown from", paths("nope", "fm-shift", traverse.PathOpts{MaxLength: 3, Limit: 10}), kg.ENOTFOUND, `argument "from": no node with id "nope"`},
		{"paths unknown to", paths("fm-shift", "nope", traverse.PathOpts{MaxLength: 3, Limit: 10}), kg.ENOTFOUND, `argument "to": no node with id "nope"`},
		{"related first 0", func() error { _, err := e.Related(ctx, "fm-shift", 0); return err }, kg.EINVALID, `argument "first": must be between 1 and 1000, got 0`},
		{"threat model without assets", tm(nil, nil), kg.EINVALID, `argument "assets": name at least one asset`},
		{"threat model too many assets", tm(tooMany, nil), kg.EINVALID, `argument "assets": at most 1000 ids, got 1001`},
		{"threat model too many capabilities", tm([]string{"a-data"}, tooMany), kg.EINVALID, `argument "capabilities": at most 1000 ids, got 1001`},
		{"threat model unknown asset", tm([]string{"nope"}, nil), kg.EINVALID, `argument "assets": no node with id "nope"`},
		{"threat model asset of another kind", tm([]string{"fm-shift"}, nil), kg.EINVALID, `argument "assets": "fm-shift" is a FailureMode, not a Asset`},
		{"threat model capability of another kind", tm([]string{"a-data"}, []string{"a-data"}), kg.EINVALID, `argument "capabilities": "a-data" is a Asset, not a Capability`},
		{"threat model assets checked before capabilities", tm([]string{"nope"}, []string{"nope-either"}), kg.EINVALID, `argument "assets": no node with id "nope"`},
		{"triage of nothing", triage(nil, nil), kg.EINVALID, `argument "compromised": name at least one compromised property or one asset`},
		{"triage unknown property", triage([]kg.SecurityProperty{"BEAUTY"}, nil), kg.EINVALID, `argument "compromised": unknown security property "BEAUTY"`},
		{"triage too many properties", triage(make([]kg.SecurityProperty, kg.MaxIDs+1), nil), kg.EINVALID, `argument "compromised": at most 1000 properties, got 1001`},
		{"triage unknown asset", triage(nil, []string{"nope"}), kg.EINVALID, `argument "assets": no node with id "nope"`},
		{"legal exposure of a non failure mode", func() error { _, err := e.LegalExposure(ctx, "a-data"); return err }, kg.ENOTFOUND, `argument "failureMode": no failure mode with id "a-data"`},
		{"legal matrix jurisdiction too long", func() error { _, err := e.LegalMatrix(ctx, strings.Repeat("x", kg.MaxQueryLen+1)); return err }, kg.EINVALID, `argument "jurisdiction": at most 500 characters`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.run()
			if kg.ErrorCode(err) != c.code || kg.ErrorMessage(err) != c.msg {
				t.Fatalf("got %s %q, want %s %q", kg.ErrorCode(err), kg.ErrorMessage(err), c.code, c.msg)
			}
		})
	}
}

// TestArgumentsAreDeduplicated checks that repeated ids count once: in the answer and in the store
// call, so that a client cannot make the engine read the same node twice.
func TestArgumentsAreDeduplicated(t *testing.T) {
	ctx := context.Background()
	e, _ := synthetic(t)
	sg, err := e.Subgraph(ctx, []string{"fm-shift", "a-data", "fm-shift"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range sg.Nodes {
		got = append(got, n.ID)
	}
	if strings.Join(got, " ") != "fm-shift a-data" {
		t.Errorf("Subgraph nodes %v, want [fm-shift a-data]", got)
	}
}
