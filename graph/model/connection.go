package model

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/traverse"
)

// ReferenceConnection is one page of references.
type ReferenceConnection struct {
	Edges    []*ReferenceEdge
	PageInfo *PageInfo
	// Filter is the page's filter without its pagination fields; totalCount counts it lazily.
	Filter kg.Filter
}

// ReferenceEdge is a reference and its cursor.
type ReferenceEdge struct {
	Cursor string
	Node   *Reference
}

// PageInfo is Relay's page information.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// SearchConnection is one page of search hits.
type SearchConnection struct {
	Edges    []*SearchEdge
	PageInfo *PageInfo
}

// SearchEdge is one search hit and its cursor.
type SearchEdge struct {
	Cursor string
	Node   Node
	Score  float64
}

// RelatedConnection is one page of related nodes.
type RelatedConnection struct {
	Edges    []*RelatedEdge
	PageInfo *PageInfo
}

// RelatedEdge is a node related to another by shared neighbours, and its cursor.
type RelatedEdge struct {
	Cursor string
	r      traverse.Relatedness
}

// Node is the related node.
func (r *RelatedEdge) Node() Node { return Wrap(r.r.Node) }

// Score is the Jaccard similarity.
func (r *RelatedEdge) Score() float64 { return r.r.Score }

// Shared lists the shared neighbours.
func (r *RelatedEdge) Shared() []Node { return Nodes(r.r.Shared) }

// Page is the checked Relay arguments of one connection field: exactly one of First and Last is
// positive; After and Before are the raw cursors ("" when absent).
type Page struct {
	First, Last   int
	After, Before string
}

// NewPage checks first and last (each 1 to kg.MaxLimit, not both) and takes def as first when
// neither is given.
func NewPage(first *int, after *string, last *int, before *string, def int) (Page, error) {
	var p Page
	if after != nil {
		p.After = *after
	}
	if before != nil {
		p.Before = *before
	}
	switch {
	case first != nil && last != nil:
		return p, kg.Errorf(kg.EINVALID, "last", "cannot be combined with first")
	case first != nil:
		p.First = *first
		return p, kg.CheckRange("first", p.First, 1, kg.MaxLimit)
	case last != nil:
		p.Last = *last
		return p, kg.CheckRange("last", p.Last, 1, kg.MaxLimit)
	}
	p.First = def
	return p, nil
}

// Keyset narrows f (a filter without pagination fields) to the page, asking for one reference
// more than the page holds, so that the answer tells whether another page follows.
func (p Page) Keyset(f kg.Filter) (kg.Filter, error) {
	var err error
	if p.After != "" {
		if f.After, err = DecodeCursor("after", p.After); err != nil {
			return f, err
		}
	}
	if p.Before != "" {
		if f.Before, err = DecodeCursor("before", p.Before); err != nil {
			return f, err
		}
	}
	f.Limit, f.FromEnd = p.First+1, false
	if p.Last > 0 {
		f.Limit, f.FromEnd = p.Last+1, true
	}
	return f, nil
}

// NewReferenceConnection is the page of ns, the answer to the filter Keyset returned; f is the
// filter without pagination fields, which totalCount counts.
func NewReferenceConnection(p Page, ns []*kg.Node, f kg.Filter) *ReferenceConnection {
	pi := &PageInfo{HasNextPage: p.Before != "", HasPreviousPage: p.After != ""}
	if p.Last > 0 {
		if len(ns) > p.Last {
			ns, pi.HasPreviousPage = ns[len(ns)-p.Last:], true
		}
	} else if len(ns) > p.First {
		ns, pi.HasNextPage = ns[:p.First], true
	}
	conn := &ReferenceConnection{Edges: make([]*ReferenceEdge, len(ns)), PageInfo: pi, Filter: f}
	for i, n := range ns {
		conn.Edges[i] = &ReferenceEdge{Cursor: EncodeCursor(n.ID), Node: NewReference(n)}
	}
	if len(ns) > 0 {
		pi.StartCursor, pi.EndCursor = &conn.Edges[0].Cursor, &conn.Edges[len(ns)-1].Cursor
	}
	return conn
}

// Ranking is where a page falls in a ranked list (search hits, related nodes) of at most
// kg.MaxLimit items, whose cursors are positions in the ranking.
type Ranking struct {
	page   Page
	list   string
	lo, hi int // the positions after the after cursor and of the before cursor (-1: none)
}

// Rank decodes the page's cursors as positions in the ranked list named list.
func (p Page) Rank(list string) (Ranking, error) {
	r := Ranking{page: p, list: list, hi: -1}
	if p.After != "" {
		i, err := decodeRank(list, "after", p.After)
		if err != nil {
			return r, err
		}
		r.lo = i + 1
	}
	if p.Before != "" {
		i, err := decodeRank(list, "before", p.Before)
		if err != nil {
			return r, err
		}
		r.hi = i
	}
	return r, nil
}

// Fetch is how many of the best items the page needs: up to its end, and one more to tell whether
// another page follows.
func (r Ranking) Fetch() int {
	need := kg.MaxLimit
	switch {
	case r.page.First > 0 && r.hi >= 0:
		need = min(r.hi, r.lo+r.page.First) + 1
	case r.page.First > 0:
		need = r.lo + r.page.First + 1
	case r.hi >= 0:
		need = r.hi + 1
	}
	return max(1, min(need, kg.MaxLimit))
}

// window returns the positions [start, end) of the page in a ranking of which n items were fetched,
// and its page information without cursors.
func (r Ranking) window(n int) (start, end int, pi *PageInfo) {
	lo, hi := min(r.lo, n), n
	if r.hi >= 0 {
		hi = min(r.hi, n)
	}
	lo = min(lo, hi)
	if r.page.Last > 0 {
		start, end = max(lo, hi-r.page.Last), hi
	} else {
		start, end = lo, min(hi, lo+r.page.First)
	}
	return start, end, &PageInfo{HasNextPage: end < n, HasPreviousPage: start > 0}
}

func (r Ranking) cursors(pi *PageInfo, cursors []string) {
	if len(cursors) > 0 {
		pi.StartCursor, pi.EndCursor = &cursors[0], &cursors[len(cursors)-1]
	}
}

// NewSearchConnection is the page of hits, the best r.Fetch() hits of a search.
func NewSearchConnection(r Ranking, hits []kg.Hit) *SearchConnection {
	start, end, pi := r.window(len(hits))
	conn := &SearchConnection{Edges: make([]*SearchEdge, 0, end-start), PageInfo: pi}
	cursors := make([]string, 0, end-start)
	for i := start; i < end; i++ {
		c := encodeRank(r.list, i)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, &SearchEdge{Cursor: c, Node: Wrap(hits[i].Node), Score: hits[i].Score})
	}
	r.cursors(pi, cursors)
	return conn
}

// NewRelatedConnection is the page of rs, the r.Fetch() most related nodes.
func NewRelatedConnection(r Ranking, rs []traverse.Relatedness) *RelatedConnection {
	start, end, pi := r.window(len(rs))
	conn := &RelatedConnection{Edges: make([]*RelatedEdge, 0, end-start), PageInfo: pi}
	cursors := make([]string, 0, end-start)
	for i := start; i < end; i++ {
		c := encodeRank(r.list, i)
		cursors = append(cursors, c)
		conn.Edges = append(conn.Edges, &RelatedEdge{Cursor: c, r: rs[i]})
	}
	r.cursors(pi, cursors)
	return conn
}

// cursorPrefix makes cursors recognisable, so that a mistyped one is refused rather than read as an id.
const cursorPrefix = "ref:"

// EncodeCursor returns the opaque cursor of the reference with id.
func EncodeCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + id))
}

// DecodeCursor returns the id in cursor, or EINVALID naming arg when cursor is not one of ours.
func DecodeCursor(arg, cursor string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || !strings.HasPrefix(string(b), cursorPrefix) {
		return "", kg.Errorf(kg.EINVALID, arg, "not a cursor returned by this API")
	}
	return strings.TrimPrefix(string(b), cursorPrefix), nil
}

// encodeRank returns the opaque cursor of position i in the ranked list named list.
func encodeRank(list string, i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(list + ":" + strconv.Itoa(i)))
}

// decodeRank returns the position in cursor, or EINVALID naming arg when cursor is not a cursor of
// list.
func decodeRank(list, arg, cursor string) (int, error) {
	bad := kg.Errorf(kg.EINVALID, arg, "not a cursor returned by this API for %s", list)
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, bad
	}
	s, ok := strings.CutPrefix(string(b), list+":")
	if !ok {
		return 0, bad
	}
	i, err := strconv.Atoi(s)
	if err != nil || i < 0 || i >= kg.MaxLimit || strconv.Itoa(i) != s {
		return 0, bad
	}
	return i, nil
}
