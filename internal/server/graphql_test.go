package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/server"
)

func TestLookupsOfAbsentNodesAreNullNotErrors(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	data := ts.mustData(t, `{
		node(id: "no-such-node") { id }
		failureMode(id: "no-such-node") { id }
		notAFailureMode: failureMode(id: "training-data") { id }
		nodes(ids: ["poisoning", "no-such-node", "cfaa"]) { id kind }
	}`, nil)
	assertJSON(t, "absent nodes", data, `{
		"node": null,
		"failureMode": null,
		"notAFailureMode": null,
		"nodes": [{"id": "poisoning", "kind": "FAILURE_MODE"}, null, {"id": "cfaa", "kind": "LEGAL_CONSIDERATION"}]
	}`)
}

func TestListQueries(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	tests := []struct {
		name, query, want string
	}{
		{"failure modes in the paper's order, subtypes last",
			`{ failureModes { id number } }`,
			`{"failureModes": [{"id": "poisoning", "number": 2}, {"id": "distributional-shift", "number": 14}, {"id": "targeted-poisoning", "number": null}]}`},
		{"failure modes by intent",
			`{ failureModes(intent: UNINTENTIONAL) { id intent } }`,
			`{"failureModes": [{"id": "distributional-shift", "intent": "UNINTENTIONAL"}]}`},
		{"failure modes by compromised property",
			`{ failureModes(compromises: INTEGRITY) { id compromises } }`,
			`{"failureModes": [{"id": "poisoning", "compromises": ["INTEGRITY"]}, {"id": "targeted-poisoning", "compromises": ["INTEGRITY"]}]}`},
		{"capabilities", `{ capabilities { id category } }`,
			`{"capabilities": [{"id": "training-data-control", "category": "attacker-capability"}]}`},
		{"assets", `{ assets { id category } }`,
			`{"assets": [{"id": "training-data", "category": "data"}]}`},
		{"mitigations", `{ mitigations { id category lifecycle } }`,
			`{"mitigations": [{"id": "data-sanitisation", "category": "technical", "lifecycle": ["data"]}]}`},
		{"legal considerations", `{ legalConsiderations { id jurisdiction instrument citation year } }`,
			`{"legalConsiderations": [{"id": "cfaa", "jurisdiction": "US", "instrument": "statute", "citation": "18 U.S.C. § 1030", "year": 1986}]}`},
		{"legal considerations of a jurisdiction, case-insensitive",
			`{ us: legalConsiderations(jurisdiction: "us") { id } eu: legalConsiderations(jurisdiction: "EU") { id } }`,
			`{"us": [{"id": "cfaa"}], "eu": []}`},
		{"stakeholders", `{ stakeholders { id questions } }`,
			`{"stakeholders": [{"id": "ml-engineers", "questions": ["What do I do first?"]}]}`},
		{"stats",
			`{ stats { nodes edges byKind { kind count } byRelation { relation count } } }`,
			`{"stats": {"nodes": 10, "edges": 23,
				"byKind": [{"kind": "FAILURE_MODE", "count": 3}, {"kind": "CAPABILITY", "count": 1}, {"kind": "ASSET", "count": 1},
					{"kind": "MITIGATION", "count": 1}, {"kind": "LEGAL_CONSIDERATION", "count": 1}, {"kind": "REFERENCE", "count": 2},
					{"kind": "STAKEHOLDER", "count": 1}],
				"byRelation": [{"relation": "SUBTYPE_OF", "count": 1}, {"relation": "REQUIRES", "count": 2}, {"relation": "TARGETS", "count": 3},
					{"relation": "MITIGATES", "count": 3}, {"relation": "PROTECTS", "count": 1}, {"relation": "RAISES", "count": 1},
					{"relation": "CITES", "count": 11}, {"relation": "CONCERNED_WITH", "count": 1}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertJSON(t, tt.name, ts.mustData(t, tt.query, nil), tt.want)
		})
	}
}

func TestReferencesConnection(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	const page = `query($first: Int, $after: String) {
		references(first: $first, after: $after) {
			totalCount
			edges { cursor node { id } }
			pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
		}
	}`
	type conn struct {
		References struct {
			TotalCount int
			Edges      []struct {
				Cursor string
				Node   struct{ ID string }
			}
			PageInfo struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       *string
			}
		}
	}
	read := func(vars map[string]any) conn {
		t.Helper()
		var c conn
		if err := json.Unmarshal(ts.mustData(t, page, vars), &c); err != nil {
			t.Fatal(err)
		}
		return c
	}

	// Page by page, in id order, the cursor of one page leading to the next.
	first := read(map[string]any{"first": 1})
	r := first.References
	if r.TotalCount != 2 || len(r.Edges) != 1 || r.Edges[0].Node.ID != "jagielski-2018-manipulating" ||
		!r.PageInfo.HasNextPage || r.PageInfo.HasPreviousPage || *r.PageInfo.EndCursor != r.Edges[0].Cursor {
		t.Fatalf("first page: %+v", r)
	}
	if strings.Contains(r.Edges[0].Cursor, "jagielski") {
		t.Errorf("cursor %q is not opaque", r.Edges[0].Cursor)
	}
	second := read(map[string]any{"first": 1, "after": *r.PageInfo.EndCursor}).References
	if second.TotalCount != 2 || len(second.Edges) != 1 || second.Edges[0].Node.ID != "sivakumar-2019-failure" ||
		second.PageInfo.HasNextPage || !second.PageInfo.HasPreviousPage {
		t.Fatalf("second page: %+v", second)
	}
	last := read(map[string]any{"first": 1, "after": *second.PageInfo.EndCursor}).References
	if len(last.Edges) != 0 || last.PageInfo.HasNextPage || last.PageInfo.StartCursor != nil || last.PageInfo.EndCursor != nil {
		t.Fatalf("past the end: %+v", last)
	}

	filters := []struct {
		name, args, want string
	}{
		{"year", `year: 2019`, `sivakumar-2019-failure`},
		{"yearFrom", `yearFrom: 2019`, `sivakumar-2019-failure`},
		{"yearTo", `yearTo: 2018`, `jagielski-2018-manipulating`},
		{"year range", `yearFrom: 2018, yearTo: 2019`, `jagielski-2018-manipulating sivakumar-2019-failure`},
		{"author, case-insensitive substring", `author: "OPREA"`, `jagielski-2018-manipulating`},
		{"search in title", `search: "failure modes"`, `sivakumar-2019-failure`},
		{"nothing matches", `author: "nobody"`, ``},
	}
	for _, f := range filters {
		t.Run(f.name, func(t *testing.T) {
			var c conn
			q := fmt.Sprintf(`{ references(%s) { totalCount edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, f.args)
			if err := json.Unmarshal(ts.mustData(t, q, nil), &c); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range c.References.Edges {
				got = append(got, e.Node.ID)
			}
			if strings.Join(got, " ") != f.want || c.References.TotalCount != len(got) {
				t.Errorf("%s: got %v (totalCount %d), want %q", f.args, got, c.References.TotalCount, f.want)
			}
		})
	}
}

func TestSearch(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	var got struct {
		Search struct {
			Edges []struct {
				Score float64
				Node  struct{ ID, Kind string }
			}
		}
	}
	if err := json.Unmarshal(ts.mustData(t, `{ search(query: "poisoning") { edges { score node { id kind } } } }`, nil), &got); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, h := range got.Search.Edges {
		ids = append(ids, h.Node.ID)
		if i > 0 && h.Score > got.Search.Edges[i-1].Score {
			t.Errorf("hit %d (%s, %v) scores above hit %d", i, h.Node.ID, h.Score, i-1)
		}
	}
	// Names match best (ties by id), then titles.
	if len(ids) < 3 || ids[0] != "poisoning" || ids[1] != "targeted-poisoning" || ids[2] != "jagielski-2018-manipulating" {
		t.Errorf("search order %v", ids)
	}

	data := ts.mustData(t, `{ search(query: "poisoning", kinds: [REFERENCE], first: 5) { edges { node { id } } } }`, nil)
	assertJSON(t, "kinds filter", data, `{"search": {"edges": [{"node": {"id": "jagielski-2018-manipulating"}}]}}`)

	data = ts.mustData(t, `{ search(query: "poisoning", first: 1) { edges { node { id } } } }`, nil)
	assertJSON(t, "first", data, `{"search": {"edges": [{"node": {"id": "poisoning"}}]}}`)
}

func TestNestedFields(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	tests := []struct {
		name, query, want string
	}{
		{"a subtype's relations",
			`{ failureMode(id: "targeted-poisoning") {
				parent { id } subtypes { id } capabilities { id } assets { id }
				mitigations { id } legalConsiderations { id } references { id } } }`,
			`{"failureMode": {"parent": {"id": "poisoning"}, "subtypes": [], "capabilities": [{"id": "training-data-control"}],
				"assets": [{"id": "training-data"}], "mitigations": [{"id": "data-sanitisation"}], "legalConsiderations": [],
				"references": [{"id": "jagielski-2018-manipulating"}, {"id": "sivakumar-2019-failure"}]}}`},
		{"a failure mode's scalar fields and inverse edges",
			`{ failureMode(id: "poisoning") {
				kind intent knowledge violatesAccessAuthorization accessCommentary example severity { level } externalIds { code }
				aliases notes parent { id } subtypes { id } legalConsiderations { id } stakeholders { id }
				degree citing: degree(relation: CITES)
				edges(relation: MITIGATES) { id type source target note strength references { id } sourceNode { id kind } targetNode { id } } } }`,
			`{"failureMode": {"kind": "FAILURE_MODE", "intent": "INTENTIONAL", "knowledge": ["BLACK_BOX"],
				"violatesAccessAuthorization": false, "accessCommentary": null, "example": null, "severity": [], "externalIds": [],
				"aliases": [], "notes": [], "parent": null, "subtypes": [{"id": "targeted-poisoning"}],
				"legalConsiderations": [{"id": "cfaa"}], "stakeholders": [{"id": "ml-engineers"}],
				"degree": 8, "citing": 2,
				"edges": [{"id": "MITIGATES:data-sanitisation:poisoning", "type": "MITIGATES", "source": "data-sanitisation",
					"target": "poisoning", "note": "Drops outliers.", "strength": "partial",
					"references": [{"id": "jagielski-2018-manipulating"}],
					"sourceNode": {"id": "data-sanitisation", "kind": "MITIGATION"}, "targetNode": {"id": "poisoning"}}]}}`},
		{"edges by direction",
			`{ failureMode(id: "poisoning") { out: edges(direction: OUT, relation: REQUIRES) { target } in: edges(direction: IN, relation: REQUIRES) { source } } }`,
			`{"failureMode": {"out": [{"target": "training-data-control"}], "in": []}}`},
		{"a mitigation's edges carry strength",
			`{ mitigations { mitigates { id } protects { id } mitigationEdges { target strength } } }`,
			`{"mitigations": [{"mitigates": [{"id": "poisoning"}, {"id": "distributional-shift"}, {"id": "targeted-poisoning"}],
				"protects": [{"id": "training-data"}],
				"mitigationEdges": [{"target": "distributional-shift", "strength": "detect-only"}, {"target": "poisoning", "strength": "partial"},
					{"target": "targeted-poisoning", "strength": "partial"}]}]}`},
		{"inverse edges of capabilities, assets and legal considerations",
			`{ capabilities { implies { id } requiredBy { id } } assets { targetedBy { id } protectedBy { id } } legalConsiderations { raisedBy { id } } }`,
			`{"capabilities": [{"implies": [], "requiredBy": [{"id": "poisoning"}, {"id": "targeted-poisoning"}]}],
				"assets": [{"targetedBy": [{"id": "poisoning"}, {"id": "distributional-shift"}, {"id": "targeted-poisoning"}],
					"protectedBy": [{"id": "data-sanitisation"}]}],
				"legalConsiderations": [{"raisedBy": [{"id": "poisoning"}]}]}`},
		{"a reference's metadata and the nodes citing it, by kind then in list order",
			`{ node(id: "jagielski-2018-manipulating") { ... on Reference { title year venue doi arxiv url type authors
				citedBy { __typename id } } } }`,
			`{"node": {"title": "Manipulating Machine Learning: Poisoning Attacks and Countermeasures for Regression Learning",
				"year": 2018, "venue": "IEEE Symposium on Security and Privacy", "doi": null, "arxiv": "1804.00308", "url": null,
				"type": "paper", "authors": ["Matthew Jagielski", "Alina Oprea", "Battista Biggio", "Chang Liu", "Cristina Nita-Rotaru", "Bo Li"],
				"citedBy": [{"__typename": "FailureMode", "id": "poisoning"}, {"__typename": "FailureMode", "id": "distributional-shift"},
					{"__typename": "FailureMode", "id": "targeted-poisoning"}, {"__typename": "Mitigation", "id": "data-sanitisation"}]}}`},
		{"a stakeholder's concerns through the Node interface",
			`{ stakeholders { concernedWith { __typename id name } edges(relation: CONCERNED_WITH) { note } } }`,
			`{"stakeholders": [{"concernedWith": [{"__typename": "FailureMode", "id": "poisoning", "name": "Poisoning attack"}],
				"edges": [{"note": "How do I detect it?"}]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertJSON(t, tt.name, ts.mustData(t, tt.query, nil), tt.want)
		})
	}
}

func TestTraversalQueries(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	tests := []struct {
		name, query, want string
	}{
		{"neighborhood",
			`{ neighborhood(id: "targeted-poisoning", relations: [SUBTYPE_OF, MITIGATES]) { nodes { id } edges { id } truncated } }`,
			`{"neighborhood": {"nodes": [{"id": "targeted-poisoning"}, {"id": "data-sanitisation"}, {"id": "poisoning"}],
				"edges": [{"id": "MITIGATES:data-sanitisation:poisoning"}, {"id": "MITIGATES:data-sanitisation:targeted-poisoning"},
					{"id": "SUBTYPE_OF:targeted-poisoning:poisoning"}],
				"truncated": false}}`},
		{"subgraph",
			`{ subgraph(ids: ["cfaa", "poisoning"]) { nodes { id } edges { type } } }`,
			`{"subgraph": {"nodes": [{"id": "cfaa"}, {"id": "poisoning"}], "edges": [{"type": "RAISES"}]}}`},
		{"paths",
			`{ paths(from: "targeted-poisoning", to: "cfaa", relations: [SUBTYPE_OF, RAISES]) { length nodes { id } } }`,
			`{"paths": [{"length": 2, "nodes": [{"id": "targeted-poisoning"}, {"id": "poisoning"}, {"id": "cfaa"}]}]}`},
		{"threat model",
			`{ threatModel(assets: ["training-data"]) { failureModes { id } minimalCover { id } uncovered { id }
				mitigations { mitigation { id } coverCount covers { id } } } }`,
			`{"threatModel": {"failureModes": [{"id": "poisoning"}, {"id": "distributional-shift"}, {"id": "targeted-poisoning"}],
				"minimalCover": [{"id": "data-sanitisation"}], "uncovered": [],
				"mitigations": [{"mitigation": {"id": "data-sanitisation"}, "coverCount": 3,
					"covers": [{"id": "distributional-shift"}, {"id": "poisoning"}, {"id": "targeted-poisoning"}]}]}}`},
		{"legal exposure inherits from the parent",
			`{ legalExposure(failureMode: "targeted-poisoning") { failureMode { id } items { consideration { id } jurisdiction question inheritedFrom { id } references { id } edge { type } } } }`,
			`{"legalExposure": {"failureMode": {"id": "targeted-poisoning"}, "items": [{"consideration": {"id": "cfaa"}, "jurisdiction": "US",
				"question": "Is sending chaff data unauthorised access?", "inheritedFrom": {"id": "poisoning"},
				"references": [{"id": "sivakumar-2019-failure"}], "edge": {"type": "RAISES"}}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertJSON(t, tt.name, ts.mustData(t, tt.query, nil), tt.want)
		})
	}

	// The rest: answered without errors, in the shapes the schema promises.
	for _, q := range []string{
		`{ related(id: "poisoning") { edges { node { id } score shared { id } } } }`,
		`{ triage(compromised: [INTEGRITY], assets: ["training-data"]) { failureMode { id } score matched matchedAssets { id } severity { level } capabilities { id } firstMitigations { mitigation { id } edges { strength } } } }`,
		`{ legalMatrix(jurisdiction: "US") { rows { id } columns { id } cells { question references { id } } } }`,
		`{ coverageGaps { withoutMitigation { id } withoutLegal { id } fewReferences { id } mitigationsWithoutEvidence { id } } }`,
		`{ threatModel(assets: ["training-data"], capabilities: []) { coverMethod failureModes { id } } }`,
	} {
		ts.mustData(t, q, nil)
	}

	r := ts.post(t, `{ neighborhood(id: "no-such-node") { truncated } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != kg.ENOTFOUND {
		t.Errorf("unknown centre: %+v", r.Errors)
	}
}

func TestOutOfRangeArgumentsAreBadUserInputNamingTheArgument(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	tooMany := make([]string, kg.MaxIDs+1)
	for i := range tooMany {
		tooMany[i] = "poisoning"
	}
	tests := []struct {
		query string
		vars  map[string]any
		arg   string
	}{
		{`{ references(first: 0) { totalCount } }`, nil, "first"},
		{`{ references(first: 1001) { totalCount } }`, nil, "first"},
		{`{ references(after: "not-a-cursor") { totalCount } }`, nil, "after"},
		{`{ references(year: 2019, yearFrom: 2018) { totalCount } }`, nil, "year"},
		{`{ references(yearFrom: 2020, yearTo: 2018) { totalCount } }`, nil, "yearFrom"},
		{`{ references(yearTo: -1) { totalCount } }`, nil, "yearTo"},
		{`{ search(query: "poisoning", first: 0) { edges { score } } }`, nil, "first"},
		{`query($q: String!) { search(query: $q) { edges { score } } }`, map[string]any{"q": strings.Repeat("a", kg.MaxQueryLen+1)}, "query"},
		{`{ search(query: "  ") { edges { score } } }`, nil, "query"},
		{`{ neighborhood(id: "poisoning", depth: 0) { truncated } }`, nil, "depth"},
		{`{ neighborhood(id: "poisoning", depth: 4) { truncated } }`, nil, "depth"},
		{`{ neighborhood(id: "poisoning", limit: 0) { truncated } }`, nil, "limit"},
		{`{ neighborhood(id: "poisoning", limit: 1001) { truncated } }`, nil, "limit"},
		{`{ paths(from: "poisoning", to: "cfaa", maxLength: 0) { length } }`, nil, "maxLength"},
		{`{ paths(from: "poisoning", to: "cfaa", maxLength: 7) { length } }`, nil, "maxLength"},
		{`{ paths(from: "poisoning", to: "cfaa", limit: 0) { length } }`, nil, "limit"},
		{`{ related(id: "poisoning", first: 0) { edges { score } } }`, nil, "first"},
		{`{ subgraph(ids: ["poisoning", "no-such-node"]) { truncated } }`, nil, "ids"},
		{`query($ids: [ID!]!) { subgraph(ids: $ids) { truncated } }`, map[string]any{"ids": tooMany}, "ids"},
		{`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": tooMany}, "ids"},
		{`{ threatModel(assets: ["no-such-node"]) { coverMethod } }`, nil, "assets"},
		{`{ threatModel(assets: ["poisoning"]) { coverMethod } }`, nil, "assets"},
		{`{ threatModel(assets: ["training-data"], capabilities: ["training-data"]) { coverMethod } }`, nil, "capabilities"},
		{`{ triage(assets: ["no-such-node"]) { score } }`, nil, "assets"},
	}
	for _, tt := range tests {
		t.Run(oneLine(tt.query), func(t *testing.T) {
			r := ts.post(t, tt.query, tt.vars)
			if len(r.Errors) != 1 {
				t.Fatalf("errors %+v, want one", r.Errors)
			}
			e := r.Errors[0]
			if e.Extensions["code"] != kg.EINVALID {
				t.Errorf("code %v, want %s (%s)", e.Extensions["code"], kg.EINVALID, e.Message)
			}
			if want := fmt.Sprintf("argument %q", tt.arg); !strings.Contains(e.Message, want) {
				t.Errorf("message %q does not name %s", e.Message, want)
			}
			if _, leaked := e.Extensions["requestId"]; leaked {
				t.Errorf("a client error carries a request id: %+v", e)
			}
		})
	}
}

// TestVariableErrorsNameTheVariableAndItsType: a missing or wrong variable is refused naming the
// variable and the type the operation declares for it.
func TestVariableErrorsNameTheVariableAndItsType(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	tests := []struct {
		query string
		vars  map[string]any
		want  string
	}{
		{`query($id: ID!) { failureMode(id: $id) { id } }`, nil,
			`variable "$id" of type "ID!" must be defined (send it in "variables", or give it a default in the query)`},
		{`query Q($q: String!, $first: Int) { search(query: $q, first: $first) { edges { score } } }`, map[string]any{"first": 3},
			`variable "$q" of type "String!" must be defined`},
		{`query($id: ID!) { failureMode(id: $id) { id } }`, map[string]any{"id": nil},
			`variable "$id" of type "ID!": cannot be null`},
		{`query($k: [NodeKind!]) { search(query: "x", kinds: $k) { edges { score } } }`, map[string]any{"k": []any{"FAILURE_MODE", "NOPE"}},
			`variable "$k" of type "[NodeKind!]" at [1]: `},
	}
	for _, tt := range tests {
		r := ts.post(t, tt.query, tt.vars)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" || !strings.HasPrefix(r.Errors[0].Message, tt.want) {
			t.Errorf("%s %v: errors %+v, want a message starting %q", tt.query, tt.vars, r.Errors, tt.want)
		}
	}
}
