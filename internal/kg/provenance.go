package kg

import "time"

// Origin says where a failure mode comes from: the paper's tables, its companion documents, or
// failgraph's extension beyond them (with the sources that define it).
type Origin string

// The origins of a failure mode.
const (
	OriginPaper     Origin = "PAPER"     // a row of the paper's two tables
	OriginCompanion Origin = "COMPANION" // a subtype the paper's companion documents define
	OriginExtension Origin = "EXTENSION" // added after the paper, defined by the sources it names
)

// Origins lists every origin in a fixed order.
var Origins = []Origin{OriginPaper, OriginCompanion, OriginExtension}

// Valid reports whether o is one of Origins.
func (o Origin) Valid() bool { return contains(Origins, o) }

// Basis says how an edge is known.
type Basis string

// The bases of an edge.
const (
	BasisPaper     Basis = "PAPER"      // stated by the paper or one of its companion documents
	BasisCitedWork Basis = "CITED_WORK" // stated by a work the edge cites
	BasisEditorial Basis = "EDITORIAL"  // an editorial inference from the works the edge cites
)

// Bases lists every basis in a fixed order.
var Bases = []Basis{BasisPaper, BasisCitedWork, BasisEditorial}

// Valid reports whether b is one of Bases.
func (b Basis) Valid() bool { return contains(Bases, b) }

// Confidence says how sure the graph is of an edge.
type Confidence string

// The confidence levels of an edge, from most to least sure.
const (
	ConfidenceHigh   Confidence = "HIGH"
	ConfidenceMedium Confidence = "MEDIUM"
	ConfidenceLow    Confidence = "LOW"
)

// Confidences lists every confidence level, most sure first.
var Confidences = []Confidence{ConfidenceHigh, ConfidenceMedium, ConfidenceLow}

// Valid reports whether c is one of Confidences.
func (c Confidence) Valid() bool { return contains(Confidences, c) }

// AtLeast reports whether c is as sure as min or surer. An invalid level is never at least anything.
func (c Confidence) AtLeast(min Confidence) bool {
	return c.Valid() && min.Valid() && c.rank() <= min.rank()
}

func (c Confidence) rank() int {
	for i, v := range Confidences {
		if v == c {
			return i
		}
	}
	return len(Confidences)
}

// LegalStatus is where a legal consideration stands on the date its status was last checked.
type LegalStatus string

// The statuses of a legal consideration.
const (
	StatusInForce          LegalStatus = "IN_FORCE"            // binding and applying
	StatusPartlyApplicable LegalStatus = "PARTLY_APPLICABLE"   // in force, some provisions apply, others later
	StatusNotYetApplicable LegalStatus = "NOT_YET_APPLICABLE"  // in force or enacted, applies from a later date
	StatusSignedNotInForce LegalStatus = "SIGNED_NOT_IN_FORCE" // a treaty open for signature, not yet in force
	StatusProposed         LegalStatus = "PROPOSED"            // a proposal, not adopted
	StatusVoluntary        LegalStatus = "VOLUNTARY"           // a standard, code or guidance with no legal force of its own
	StatusDecided          LegalStatus = "DECIDED"             // a court decision, authority as precedent
)

// LegalStatuses lists every status in a fixed order.
var LegalStatuses = []LegalStatus{StatusInForce, StatusPartlyApplicable, StatusNotYetApplicable,
	StatusSignedNotInForce, StatusProposed, StatusVoluntary, StatusDecided}

// Valid reports whether s is one of LegalStatuses.
func (s LegalStatus) Valid() bool { return contains(LegalStatuses, s) }

// DateLayout is the one format of every date in the graph: an ISO 8601 calendar date.
const DateLayout = "2006-01-02"

// ValidDate reports whether s is an ISO 8601 calendar date (YYYY-MM-DD).
func ValidDate(s string) bool {
	_, err := time.Parse(DateLayout, s)
	return err == nil
}

// EdgeTrust selects edges by how they are known. The zero value admits every edge.
type EdgeTrust struct {
	Bases         []Basis    // only edges of these bases; empty: every basis
	MinConfidence Confidence // only edges at least this sure; "": every confidence
}

// IsZero reports whether t admits every edge.
func (t EdgeTrust) IsZero() bool { return len(t.Bases) == 0 && t.MinConfidence == "" }

// Admits reports whether e satisfies t.
func (t EdgeTrust) Admits(e Edge) bool {
	if len(t.Bases) > 0 && !contains(t.Bases, e.Basis) {
		return false
	}
	return t.MinConfidence == "" || e.Confidence.AtLeast(t.MinConfidence)
}

// Validate returns EINVALID naming the bad field of t.
func (t EdgeTrust) Validate() error {
	for _, b := range t.Bases {
		if !b.Valid() {
			return Errorf(EINVALID, "trust.basis", "unknown basis %q", b)
		}
	}
	if t.MinConfidence != "" && !t.MinConfidence.Valid() {
		return Errorf(EINVALID, "trust.minConfidence", "unknown confidence %q", t.MinConfidence)
	}
	return nil
}
