package server_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/server"
)

// page is one page of any connection: the ids of its nodes and its page information.
type page struct {
	ids                          []string
	hasNext, hasPrev             bool
	startCursor, endCursor       string
	firstCursor, lastEdgesCursor string
}

// fetchPage asks the connection field (with args, page arguments appended) for one page.
func fetchPage(tb testing.TB, ts *testServer, field, args, pageArgs string) page {
	tb.Helper()
	q := fmt.Sprintf(`{ c: %s(%s%s) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, field, args, pageArgs)
	var got struct {
		C struct {
			Edges []struct {
				Cursor string
				Node   struct{ ID string }
			}
			PageInfo struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       *string
			}
		}
	}
	if err := json.Unmarshal(ts.mustData(tb, q, nil), &got); err != nil {
		tb.Fatal(err)
	}
	p := page{hasNext: got.C.PageInfo.HasNextPage, hasPrev: got.C.PageInfo.HasPreviousPage}
	for _, e := range got.C.Edges {
		p.ids = append(p.ids, e.Node.ID)
	}
	if len(got.C.Edges) > 0 {
		p.firstCursor, p.lastEdgesCursor = got.C.Edges[0].Cursor, got.C.Edges[len(got.C.Edges)-1].Cursor
		if got.C.PageInfo.StartCursor == nil || got.C.PageInfo.EndCursor == nil {
			tb.Fatalf("%s: a page of %d edges without start or end cursor", q, len(got.C.Edges))
		}
		p.startCursor, p.endCursor = *got.C.PageInfo.StartCursor, *got.C.PageInfo.EndCursor
		if p.startCursor != p.firstCursor || p.endCursor != p.lastEdgesCursor {
			tb.Fatalf("%s: pageInfo cursors %q..%q are not the edges' %q..%q", q, p.startCursor, p.endCursor, p.firstCursor, p.lastEdgesCursor)
		}
	} else if got.C.PageInfo.StartCursor != nil || got.C.PageInfo.EndCursor != nil {
		tb.Fatalf("%s: an empty page with cursors", q)
	}
	return p
}

// TestConnectionsPageBothWays walks every connection forwards with first/after and backwards with
// last/before, in pages of 3, and holds both walks to the whole list asked for in one page.
func TestConnectionsPageBothWays(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), shippedStore(t))
	connections := []struct{ field, args string }{
		{"references", `author: "Carlini", `},
		{"references", ``},
		{"search", `query: "poisoning attack model", `},
		{"related", `id: "model-inversion", `},
	}
	for _, c := range connections {
		t.Run(c.field+"("+strings.TrimSuffix(c.args, ", ")+")", func(t *testing.T) {
			all := fetchPage(t, ts, c.field, c.args, "first: 1000")
			if len(all.ids) < 7 || all.hasNext || all.hasPrev {
				t.Fatalf("whole list: %d items, hasNext %v, hasPrev %v", len(all.ids), all.hasNext, all.hasPrev)
			}

			var forward []string
			after := ""
			for i := 0; ; i++ {
				p := fetchPage(t, ts, c.field, c.args, "first: 3"+after)
				forward = append(forward, p.ids...)
				if p.hasPrev != (i > 0) {
					t.Errorf("forward page %d: hasPreviousPage %v", i, p.hasPrev)
				}
				if !p.hasNext {
					break
				}
				if len(p.ids) != 3 || i > len(all.ids) {
					t.Fatalf("forward page %d: %v with hasNextPage", i, p.ids)
				}
				after = fmt.Sprintf(", after: %q", p.endCursor)
			}
			if !slices.Equal(forward, all.ids) {
				t.Errorf("forwards in pages of 3:\n%v\nin one page:\n%v", forward, all.ids)
			}

			var backward []string
			before := ""
			for i := 0; ; i++ {
				p := fetchPage(t, ts, c.field, c.args, "last: 3"+before)
				backward = append(slices.Clone(p.ids), backward...)
				if p.hasNext != (i > 0) {
					t.Errorf("backward page %d: hasNextPage %v", i, p.hasNext)
				}
				if !p.hasPrev {
					break
				}
				if len(p.ids) != 3 || i > len(all.ids) {
					t.Fatalf("backward page %d: %v with hasPreviousPage", i, p.ids)
				}
				before = fmt.Sprintf(", before: %q", p.startCursor)
			}
			if !slices.Equal(backward, all.ids) {
				t.Errorf("backwards in pages of 3:\n%v\nin one page:\n%v", backward, all.ids)
			}

			// A window between two cursors, from either end.
			a, b := cursorAt(t, ts, c.field, c.args, 1), cursorAt(t, ts, c.field, c.args, 6)
			between := fetchPage(t, ts, c.field, c.args, fmt.Sprintf("first: 10, after: %q, before: %q", a, b))
			if !slices.Equal(between.ids, all.ids[2:6]) || !between.hasPrev || !between.hasNext {
				t.Errorf("first 10 between items 1 and 6: %v (prev %v, next %v), want %v", between.ids, between.hasPrev, between.hasNext, all.ids[2:6])
			}
			between = fetchPage(t, ts, c.field, c.args, fmt.Sprintf("last: 2, after: %q, before: %q", a, b))
			if !slices.Equal(between.ids, all.ids[4:6]) || !between.hasPrev || !between.hasNext {
				t.Errorf("last 2 between items 1 and 6: %v (prev %v, next %v), want %v", between.ids, between.hasPrev, between.hasNext, all.ids[4:6])
			}
		})
	}
}

// cursorAt returns the cursor of the item at position i of a connection.
func cursorAt(tb testing.TB, ts *testServer, field, args string, i int) string {
	tb.Helper()
	p := fetchPage(tb, ts, field, args, fmt.Sprintf("first: %d", i+1))
	if len(p.ids) != i+1 {
		tb.Fatalf("%s has no item %d", field, i)
	}
	return p.endCursor
}

func TestBadPageArgumentsAreBadUserInput(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	refCursor := cursorAt(t, ts, "references", "", 0)
	searchCursor := cursorAt(t, ts, "search", `query: "poisoning", `, 0)
	tests := []struct {
		query string
		arg   string
	}{
		{`{ references(first: 2, last: 2) { totalCount } }`, "last"},
		{`{ references(last: 0) { totalCount } }`, "last"},
		{`{ references(last: 1001) { totalCount } }`, "last"},
		{`{ references(before: "not-a-cursor") { totalCount } }`, "before"},
		{fmt.Sprintf(`{ references(after: %q) { totalCount } }`, searchCursor), "after"},
		{`{ search(query: "poisoning", first: 1, last: 1) { edges { score } } }`, "last"},
		{fmt.Sprintf(`{ search(query: "poisoning", after: %q) { edges { score } } }`, refCursor), "after"},
		{`{ search(query: "poisoning", before: "cmVsYXRlZDoy") { edges { score } } }`, "before"},
		{`{ related(id: "poisoning", last: 0) { edges { score } } }`, "last"},
		{fmt.Sprintf(`{ related(id: "poisoning", before: %q) { edges { score } } }`, searchCursor), "before"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := ts.post(t, tt.query, nil)
			if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != kg.EINVALID || !strings.Contains(r.Errors[0].Message, `"`+tt.arg+`"`) {
				t.Fatalf("errors %+v, want one BAD_USER_INPUT naming %q", r.Errors, tt.arg)
			}
		})
	}
}

// TestOneBadRootFieldLeavesTheOthers: a root field with a bad argument is null with its error and
// path, and every other root field of the request answers.
func TestOneBadRootFieldLeavesTheOthers(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	bad := map[string]string{
		"nodes":         `nodes(ids: $tooMany) { id }`,
		"references":    `references(first: 0) { totalCount }`,
		"search":        `search(query: " ") { edges { score } }`,
		"neighborhood":  `neighborhood(id: "no-such-node") { truncated }`,
		"subgraph":      `subgraph(ids: ["no-such-node"]) { truncated }`,
		"paths":         `paths(from: "poisoning", to: "poisoning", maxLength: 9) { length }`,
		"related":       `related(id: "no-such-node") { edges { score } }`,
		"threatModel":   `threatModel(assets: ["no-such-node"]) { coverMethod }`,
		"triage":        `triage(assets: ["no-such-node"]) { score }`,
		"legalExposure": `legalExposure(failureMode: "no-such-node") { violatesAccessAuthorization }`,
		"legalMatrix":   `legalMatrix(jurisdiction: $long) { rows { id } }`,
	}
	tooMany := make([]string, kg.MaxIDs+1)
	for i := range tooMany {
		tooMany[i] = "poisoning"
	}
	vars := map[string]any{"tooMany": tooMany, "long": strings.Repeat("x", kg.MaxQueryLen+1)}
	for field, sel := range bad {
		t.Run(field, func(t *testing.T) {
			q := `query($tooMany: [ID!]!, $long: String) { stats { nodes } ` + sel + ` failureMode(id: "poisoning") { id } }`
			if !strings.Contains(sel, "$tooMany") {
				q = strings.Replace(q, "$tooMany: [ID!]!, ", "", 1)
			}
			if !strings.Contains(sel, "$long") {
				q = strings.Replace(q, "($long: String)", "", 1)
				q = strings.Replace(q, ", $long: String", "", 1)
			}
			r := ts.post(t, q, vars)
			if r.Status != 200 {
				t.Errorf("status %d", r.Status)
			}
			if len(r.Errors) != 1 || len(r.Errors[0].Path) != 1 || r.Errors[0].Path[0] != field {
				t.Fatalf("errors %+v, want one at path [%s]", r.Errors, field)
			}
			var data map[string]json.RawMessage
			if err := json.Unmarshal(r.Data, &data); err != nil {
				t.Fatalf("data %s: %v", r.Data, err)
			}
			if string(data[field]) != "null" {
				t.Errorf("%s = %s, want null", field, data[field])
			}
			assertJSON(t, "stats", data["stats"], `{"nodes": 10}`)
			assertJSON(t, "failureMode", data["failureMode"], `{"id": "poisoning"}`)
		})
	}
}
