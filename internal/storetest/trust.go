package storetest

import (
	"context"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/traverse"
)

// testTrust holds traversals filtered by edge provenance to the synthetic graph's provenance (see
// provenance() in synthetic.go): a trusting engine behaves as if the other edges were absent.
func testTrust(t *testing.T, e *traverse.Engine) {
	ctx := context.Background()
	trusting := func(t *testing.T, tr kg.EdgeTrust) *traverse.Engine {
		t.Helper()
		te, err := e.Trusting(tr)
		noErr(t, err)
		return te
	}
	paperOnly := kg.EdgeTrust{Bases: []kg.Basis{kg.BasisPaper}}
	high := kg.EdgeTrust{MinConfidence: kg.ConfidenceHigh}
	medium := kg.EdgeTrust{MinConfidence: kg.ConfidenceMedium}

	threat := []struct {
		name         string
		trust        kg.EdgeTrust
		failureModes []string
		mitigations  []string
		cover        []string
		uncovered    []string
	}{
		// Of the TARGETS into a-data only fm-poison's is the paper's; of its MITIGATES only m-sanitise's.
		{"paper-stated edges only", paperOnly, []string{"fm-poison"},
			[]string{"m-sanitise[fm-poison]"}, []string{"m-sanitise"}, nil},
		// HIGH drops fm-inversion's TARGETS (MEDIUM) and m-monitor's MITIGATES (LOW). Every mitigation
		// covers one mode; m-governance's strong edge wins the first pick.
		{"high confidence only", high, []string{"fm-poison", "fm-shift", "fm-poison-backdoor"},
			[]string{"m-advtrain[fm-shift]", "m-governance[fm-shift]", "m-sanitise[fm-poison]"},
			[]string{"m-governance", "m-sanitise"}, []string{"fm-poison-backdoor"}},
		// MEDIUM keeps fm-inversion; m-monitor's LOW edge to fm-poison is still gone, its HIGH one to
		// fm-inversion is not.
		{"medium or better", medium, []string{"fm-poison", "fm-inversion", "fm-shift", "fm-poison-backdoor"},
			[]string{"m-governance[fm-inversion,fm-shift]", "m-sanitise[fm-inversion,fm-poison]",
				"m-advtrain[fm-shift]", "m-dp[fm-inversion]", "m-monitor[fm-inversion]"},
			[]string{"m-governance", "m-sanitise"}, []string{"fm-poison-backdoor"}},
		// Every MITIGATES into fm-inversion is cited work, so it is uncovered here; the two that answer
		// fm-poison tie with no strong edge, so the cover takes the first by id.
		{"editorial and paper together", kg.EdgeTrust{Bases: []kg.Basis{kg.BasisPaper, kg.BasisEditorial}},
			[]string{"fm-poison", "fm-inversion"},
			[]string{"m-monitor[fm-poison]", "m-sanitise[fm-poison]"}, []string{"m-monitor"}, []string{"fm-inversion"}},
	}
	for _, c := range threat {
		t.Run("threat model, "+c.name, func(t *testing.T) {
			tm, err := trusting(t, c.trust).ThreatModel(ctx, []string{"a-data"}, nil)
			noErr(t, err)
			wantIDs(t, "failure modes", tm.FailureModes, c.failureModes...)
			wantStrings(t, "mitigations", mitigationKeys(tm.Mitigations), c.mitigations)
			wantIDs(t, "minimal cover", tm.MinimalCover, c.cover...)
			wantIDs(t, "uncovered", tm.Uncovered, c.uncovered...)
		})
	}

	legal := []struct {
		name  string
		trust kg.EdgeTrust
		fm    string
		want  []string
	}{
		{"paper-stated only", paperOnly, "fm-evasion", []string{"l-cfaa RAISES:fm-evasion:l-cfaa refs[r-delta,r-alpha]"}},
		{"high keeps cited work", high, "fm-evasion", []string{
			"l-aiact RAISES:fm-evasion:l-aiact refs[r-gamma]",
			"l-cfaa RAISES:fm-evasion:l-cfaa refs[r-delta,r-alpha]",
		}},
		// fm-poison's only question is an editorial inference of medium confidence.
		{"high hides an editorial question", high, "fm-poison", nil},
		{"medium shows it", medium, "fm-poison", []string{"l-cfaa RAISES:fm-poison:l-cfaa refs[r-delta]"}},
		// The inherited question is filtered like an own one.
		{"inherited questions too", high, "fm-poison-backdoor", nil},
	}
	for _, c := range legal {
		t.Run("legal exposure, "+c.name, func(t *testing.T) {
			le, err := trusting(t, c.trust).LegalExposure(ctx, c.fm)
			noErr(t, err)
			wantStrings(t, "items", legalKeys(le.Items), c.want)
		})
	}

	t.Run("neighbourhood of editorial edges", func(t *testing.T) {
		sg, err := trusting(t, kg.EdgeTrust{Bases: []kg.Basis{kg.BasisEditorial}}).
			Neighborhood(ctx, "fm-poison", traverse.NeighborhoodOpts{Depth: 1, Limit: 100})
		noErr(t, err)
		wantIDs(t, "nodes", sg.Nodes, "fm-poison", "l-cfaa", "m-monitor")
		wantEdges(t, "edges", sg.Edges, "MITIGATES:m-monitor:fm-poison", "RAISES:fm-poison:l-cfaa")
	})
	t.Run("the zero trust is the engine itself", func(t *testing.T) {
		if te := trusting(t, kg.EdgeTrust{}); te != e {
			t.Fatal("Trusting(zero) returned a new engine")
		}
	})
	t.Run("refuses an unknown basis", func(t *testing.T) {
		_, err := e.Trusting(kg.EdgeTrust{Bases: []kg.Basis{"RUMOUR"}})
		wantCode(t, err, kg.EINVALID, "trust.basis")
	})
	t.Run("refuses an unknown confidence", func(t *testing.T) {
		_, err := e.Trusting(kg.EdgeTrust{MinConfidence: "CERTAIN"})
		wantCode(t, err, kg.EINVALID, "trust.minConfidence")
	})
}
