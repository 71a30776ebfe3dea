package seed

import (
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

// The provenance fields of the seed: where a failure mode comes from (origin), when a legal
// consideration applies (dates and status) and how every edge is known (basis, confidence, reason).
// The rules are in docs/DATA.md ("Provenance").

// PaperReference is the paper itself; CompanionReferences are its two Microsoft companion documents.
// An edge whose basis is paper cites one of them, and so does a failure mode whose origin is the
// paper or a companion.
const PaperReference = "sivakumar-2019-failure"

// CompanionReferences are the companion documents of the paper.
var CompanionReferences = []string{"marshall-2019-threat", "marshall-2019-bugbar"}

var (
	origins     = map[string]kg.Origin{"paper": kg.OriginPaper, "companion": kg.OriginCompanion, "extension": kg.OriginExtension}
	bases       = map[string]kg.Basis{"paper": kg.BasisPaper, "cited-work": kg.BasisCitedWork, "editorial": kg.BasisEditorial}
	confidences = map[string]kg.Confidence{"high": kg.ConfidenceHigh, "medium": kg.ConfidenceMedium, "low": kg.ConfidenceLow}
	statuses    = map[string]kg.LegalStatus{
		"in-force": kg.StatusInForce, "partly-applicable": kg.StatusPartlyApplicable,
		"not-yet-applicable": kg.StatusNotYetApplicable, "signed-not-in-force": kg.StatusSignedNotInForce,
		"proposed": kg.StatusProposed, "voluntary": kg.StatusVoluntary, "decided": kg.StatusDecided,
	}
)

// isPaperSet reports whether ref is the paper or one of its companions.
func isPaperSet(ref string) bool {
	return ref == PaperReference || containsStr(CompanionReferences, ref)
}

// convertOrigin sets n's origin from r and checks it against the number and the citations.
func (b *builder) convertOrigin(n *kg.Node, r rawNode, bad func(string, ...any)) {
	o, ok := origins[r.Origin]
	if !ok {
		bad("origin must be paper, companion or extension, got %q", r.Origin)
		return
	}
	n.Origin = o
	n.OriginSources = r.OriginSources
	switch o {
	case kg.OriginPaper:
		if !containsStr(r.Cites, PaperReference) {
			b.paperProblem(func() { bad("origin paper: must cite %s", PaperReference) })
		}
	case kg.OriginCompanion:
		if r.Number != nil {
			bad("origin companion: only the paper's own rows carry a number")
		}
		if !containsAny(r.Cites, CompanionReferences) {
			b.paperProblem(func() {
				bad("origin companion: must cite a companion document (%s)", strings.Join(CompanionReferences, ", "))
			})
		}
	case kg.OriginExtension:
		if r.Number != nil {
			bad("origin extension: only the paper's own rows carry a number")
		}
		if len(r.OriginSources) == 0 {
			bad("origin extension: origin_sources must name the references that define it")
		}
		for _, s := range r.OriginSources {
			if !containsStr(r.Cites, s) {
				bad("origin source %q must also be in cites", s)
			}
		}
	}
	if o != kg.OriginExtension && len(r.OriginSources) > 0 {
		bad("origin_sources apply to origin extension only")
	}
}

// convertLegalDates sets n's dates and status from r and checks that they agree with each other.
func (b *builder) convertLegalDates(n *kg.Node, r rawNode, bad func(string, ...any)) {
	for _, d := range []struct{ field, v string }{{"in_force_from", r.InForceFrom}, {"applies_from", r.AppliesFrom}, {"status_as_of", r.StatusAsOf}} {
		if d.v != "" && !kg.ValidDate(d.v) {
			bad("%s %q is not a date (YYYY-MM-DD)", d.field, d.v)
			return
		}
	}
	n.InForceFrom, n.AppliesFrom, n.StatusAsOf = r.InForceFrom, r.AppliesFrom, r.StatusAsOf
	s, ok := statuses[r.Status]
	if !ok {
		bad("status must be one of in-force, partly-applicable, not-yet-applicable, signed-not-in-force, proposed, voluntary, decided, got %q", r.Status)
		return
	}
	n.Status = s
	asOf := r.StatusAsOf
	if asOf == "" {
		bad("status_as_of is required: the date the status was checked")
		return
	}
	// ISO dates compare as strings.
	in, applies := r.InForceFrom, r.AppliesFrom
	switch s {
	case kg.StatusInForce, kg.StatusPartlyApplicable, kg.StatusDecided:
		if in == "" && r.Instrument != "doctrine" && r.Instrument != "contract" {
			bad("status %s needs in_force_from (for a case: the date of the decision)", r.Status)
		} else if in > asOf {
			bad("in_force_from %s is after status_as_of %s, so the status cannot be %s", in, asOf, r.Status)
		}
	case kg.StatusNotYetApplicable:
		// Enacted and perhaps already in force (the AI Act), or enacted with a later effective
		// date and no earlier entry into force (a US statute): in_force_from is optional.
		if in != "" && in > asOf {
			bad("in_force_from %s is after status_as_of %s, so the status cannot be %s", in, asOf, r.Status)
		}
	case kg.StatusSignedNotInForce, kg.StatusProposed:
		if in != "" && in <= asOf {
			bad("in_force_from %s is not after status_as_of %s, yet the status is %s", in, asOf, r.Status)
		}
	}
	switch {
	case applies != "" && in != "" && applies < in:
		bad("applies_from %s is before in_force_from %s", applies, in)
	case s == kg.StatusNotYetApplicable && (applies == "" || applies <= asOf):
		bad("status not-yet-applicable needs an applies_from after status_as_of %s", asOf)
	case s == kg.StatusInForce && applies > asOf:
		bad("applies_from %s is after status_as_of %s: the status is not-yet-applicable or partly-applicable", applies, asOf)
	}
}

// convertProvenance sets ed's basis, confidence and reason from r and checks them.
func (b *builder) convertProvenance(e entry, ed *kg.Edge, r rawRelation) bool {
	good := true
	what := string(ed.Type) + " " + ed.Source + " -> " + ed.Target
	basis, ok := bases[r.Basis]
	if !ok {
		b.problem(e.file, e.line, "%s: basis must be paper, cited-work or editorial, got %q", what, r.Basis)
		good = false
	}
	conf, ok := confidences[r.Confidence]
	if !ok {
		b.problem(e.file, e.line, "%s: confidence must be high, medium or low, got %q", what, r.Confidence)
		good = false
	}
	reason := strings.TrimSpace(r.Reason)
	switch {
	case conf != kg.ConfidenceHigh && conf != "" && reason == "":
		b.problem(e.file, e.line, "%s: confidence %s needs a reason", what, r.Confidence)
		good = false
	case strings.Contains(reason, "\n"):
		b.problem(e.file, e.line, "%s: the reason must be one line", what)
		good = false
	}
	if basis == kg.BasisPaper && !containsAny(r.Cites, append([]string{PaperReference}, CompanionReferences...)) {
		b.paperProblem(func() {
			b.problem(e.file, e.line, "%s: basis paper needs a citation of the paper or a companion (%s, %s)", what, PaperReference, strings.Join(CompanionReferences, ", "))
		})
	}
	ed.Basis, ed.Confidence, ed.Reason = basis, conf, reason
	return good
}

// citesProvenance is the provenance of a CITES edge to ref: a citation is a bibliographic fact, so
// it is sure; it is paper-stated when it cites the paper or a companion.
func citesProvenance(ed *kg.Edge) {
	ed.Basis, ed.Confidence = kg.BasisCitedWork, kg.ConfidenceHigh
	if isPaperSet(ed.Target) {
		ed.Basis = kg.BasisPaper
	}
}

func containsAny(s, any []string) bool {
	for _, v := range any {
		if containsStr(s, v) {
			return true
		}
	}
	return false
}

// paperProblem runs report, which records problems, and files what it recorded as paperChecks:
// they count only when the graph holds the paper's references (see build).
func (b *builder) paperProblem(report func()) {
	n := len(b.problems)
	report()
	b.paperChecks = append(b.paperChecks, b.problems[n:]...)
	b.problems = b.problems[:n]
}
