package model

import (
	"encoding/base64"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
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

// SearchHit is one search result.
type SearchHit struct {
	Node  Node
	Score float64
}

// cursorPrefix makes cursors recognisable, so that a mistyped one is refused rather than read as an id.
const cursorPrefix = "ref:"

// EncodeCursor returns the opaque cursor of the node with id.
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
