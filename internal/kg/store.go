package kg

import (
	"context"
	"unicode/utf8"
)

// Store is the contract between failgraph and a graph backend. The embedded memstore and the Neo4j
// store both implement it, and the conformance suite in internal/storetest holds them to the same
// answers. Every method honours ctx: an expired context ends the work with ETIMEOUT, a cancelled one
// with ECANCELED (see CtxErr). A backend that cannot be reached answers EUNAVAILABLE.
//
// Orders are part of the contract: lists come in NodeLess order (or id order when paginating), edges
// in EdgeLess order, search hits by score then id. Returned values are copies the caller may keep.
type Store interface {
	// Node returns the node with the given id, or an error with code ENOTFOUND.
	Node(ctx context.Context, id string) (*Node, error)

	// Nodes returns the nodes with the given ids, in the order of ids; an absent id gives a nil
	// entry and no error. It is the batch method behind the per-request node loader.
	Nodes(ctx context.Context, ids []string) ([]*Node, error)

	// List returns the nodes matching f. Without f.After, f.Before and f.Limit the order is
	// NodeLess; with any of them, the order is by id (keyset pagination: ids greater than f.After
	// and less than f.Before, at most f.Limit of them: the first ones, or the last ones when
	// f.FromEnd). An invalid filter is EINVALID.
	List(ctx context.Context, f Filter) ([]*Node, error)

	// Count returns how many nodes match f, ignoring f.After, f.Before, f.Limit and f.FromEnd.
	Count(ctx context.Context, f Filter) (int, error)

	// Adjacent returns, for each of ids, its edges whose type is in types (all types when empty)
	// and that leave it (Out), enter it (In) or either (Both), in EdgeLess order. Every id of ids is
	// a key of the result, with an empty slice when it has no such edges or does not exist. It is
	// the batch method behind edge loaders and every traversal: one call per level of depth.
	Adjacent(ctx context.Context, ids []string, dir Direction, types []RelType) (map[string][]Edge, error)

	// Expand reads the nodes with the given ids and, in the same call, everything plan asks around
	// them: from each node reached, the steps of plan for its kind, recursively. Absent ids are left
	// out of the answer without an error, like Nodes; every step's edges are filed under the step's
	// key in EdgeLess order (empty when there are none), as Adjacent gives them. It is the batch
	// method behind GraphQL selections: a selection's whole tree is one call, whatever the number of
	// results.
	Expand(ctx context.Context, ids []string, plan Plan) (*Expansion, error)

	// ListExpand is List and Expand in one call: the nodes matching f, as List gives them (and
	// with its errors), and everything plan asks around them, as Expand gives it. A list field
	// and its whole selection are one call.
	ListExpand(ctx context.Context, f Filter, plan Plan) ([]*Node, *Expansion, error)

	// Search returns up to limit nodes whose text matches query, scored by Score over Document, best
	// first, ties by id. kinds restricts the kinds (all when empty). An empty query is EINVALID.
	Search(ctx context.Context, query string, kinds []Kind, limit int) ([]Hit, error)

	// Stats returns the number of nodes by kind and edges by type, and what was loaded.
	Stats(ctx context.Context) (Stats, error)

	// Ping reports whether the store can answer: nil, or EUNAVAILABLE (a store that does not answer
	// before ctx's deadline included; a ctx already ended is ETIMEOUT, as everywhere).
	Ping(ctx context.Context) error
}

// Filter selects nodes for List and Count. Kind is required; every other non-zero field narrows the
// result. A field that a kind does not have is zero on its nodes, so filtering on it (say, Intent on
// capabilities) matches nothing: the API only offers each filter on the kinds that have the field.
type Filter struct {
	Kind         Kind
	Intent       Intent           // FailureMode
	Compromises  SecurityProperty // FailureMode: has this property among its compromises
	Origin       Origin           // FailureMode: exact
	Status       LegalStatus      // LegalConsideration: exact
	Jurisdiction string           // LegalConsideration: exact, case-insensitive
	YearMin      int              // Reference, LegalConsideration: year >= YearMin (0: no bound)
	YearMax      int              // Reference, LegalConsideration: year <= YearMax (0: no bound)
	Author       string           // Reference: case-insensitive substring of any author
	Text         string           // case-insensitive substring of name or title
	After        string           // keyset cursor: only ids greater than this
	Before       string           // keyset cursor: only ids less than this
	Limit        int              // at most this many (0: no limit)
	FromEnd      bool             // with Limit: the last Limit ids rather than the first (still in id order)
}

// Hit is one search result.
type Hit struct {
	Node  *Node
	Score float64
}

// Stats counts the graph.
type Stats struct {
	Nodes map[Kind]int
	Edges map[RelType]int
	// Loaded is what was loaded into the store, nil when the store does not know (a database
	// loaded by a failgraph before this record existed).
	Loaded *Loaded
}

// Matches reports whether n satisfies every condition of f except the pagination fields. Stores
// that filter in memory use it; the Neo4j store filters in Cypher and is held to the same answers.
func (f Filter) Matches(n *Node) bool {
	if n.Kind != f.Kind {
		return false
	}
	if f.Intent != "" && n.Intent != f.Intent {
		return false
	}
	if f.Compromises != "" && !contains(n.Compromises, f.Compromises) {
		return false
	}
	if f.Origin != "" && n.Origin != f.Origin {
		return false
	}
	if f.Status != "" && n.Status != f.Status {
		return false
	}
	if f.Jurisdiction != "" && !equalFold(n.Jurisdiction, f.Jurisdiction) {
		return false
	}
	if f.YearMin != 0 && n.Year < f.YearMin {
		return false
	}
	if f.YearMax != 0 && n.Year > f.YearMax {
		return false
	}
	if f.Author != "" {
		found := false
		for _, a := range n.Authors {
			if containsFold(a, f.Author) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if f.Text != "" && !containsFold(n.Name, f.Text) && !containsFold(n.Title, f.Text) {
		return false
	}
	return true
}

// Validate checks f and returns EINVALID naming the bad field.
func (f Filter) Validate() error {
	if !f.Kind.Valid() {
		return Errorf(EINVALID, "kind", "unknown node kind %q", f.Kind)
	}
	if f.Origin != "" && !f.Origin.Valid() {
		return Errorf(EINVALID, "origin", "unknown origin %q", f.Origin)
	}
	if f.Status != "" && !f.Status.Valid() {
		return Errorf(EINVALID, "status", "unknown status %q", f.Status)
	}
	if f.Limit < 0 {
		return Errorf(EINVALID, "first", "must not be negative")
	}
	for _, t := range []struct{ arg, v string }{{"jurisdiction", f.Jurisdiction}, {"author", f.Author}, {"search", f.Text}} {
		if l := utf8.RuneCountInString(t.v); l > MaxQueryLen {
			return Errorf(EINVALID, t.arg, "must be at most %d characters, got %d", MaxQueryLen, l)
		}
	}
	if f.FromEnd && f.Limit == 0 {
		return Errorf(EINVALID, "last", "FromEnd needs a limit")
	}
	if f.YearMin != 0 && f.YearMax != 0 && f.YearMin > f.YearMax {
		return Errorf(EINVALID, "yearFrom", "yearFrom %d is after yearTo %d", f.YearMin, f.YearMax)
	}
	return nil
}

func contains[T comparable](s []T, v T) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
