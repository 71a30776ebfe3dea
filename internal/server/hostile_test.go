package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/failgraph/failgraph/graph"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/server"
	"github.com/failgraph/failgraph/seed"
)

// shippedGraph is the embedded seed, decoded once for every test that needs it.
var shippedGraph = sync.OnceValues(seed.Load)

// shippedStore is a memstore over the shipped seed.
func shippedStore(tb testing.TB) *memstore.Store {
	tb.Helper()
	g, err := shippedGraph()
	if err != nil {
		tb.Fatal(err)
	}
	s, err := memstore.New(g)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// normalQuery is what an ordinary client asks; it must succeed after every hostile request.
const normalQuery = `query Normal { failureMode(id: "poisoning") { name mitigations { id } } stats { nodes } }`

// hostile is one request a careless or malicious client may send, and how it must be refused.
type hostile struct {
	name        string
	method      string // POST when empty
	contentType string // application/json when empty
	body        string // the raw body; built from query and vars when empty
	query       string
	vars        map[string]any
	opName      string
	path        string // for GET: the URL's path and query
	accept      string // the Accept header; none when empty
	status      int
	code        string
}

func (h hostile) send(tb testing.TB, ts *testServer) gqlResponse {
	tb.Helper()
	if h.path != "" && h.accept == "" {
		return ts.getGraphQL(tb, h.path)
	}
	if h.path != "" {
		req, err := http.NewRequest(http.MethodGet, ts.URL+server.PathGraphQL+h.path, nil)
		if err != nil {
			tb.Fatal(err)
		}
		req.Header.Set("Accept", h.accept)
		return ts.send(tb, req)
	}
	body := []byte(h.body)
	if h.body == "" {
		var err error
		if body, err = json.Marshal(map[string]any{"query": h.query, "variables": h.vars, "operationName": h.opName}); err != nil {
			tb.Fatal(err)
		}
	}
	ct := h.contentType
	if ct == "" {
		ct = "application/json"
	}
	method := h.method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequest(method, ts.URL+server.PathGraphQL, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if ct != "-" {
		req.Header.Set("Content-Type", ct)
	}
	if h.accept != "" {
		req.Header.Set("Accept", h.accept)
	}
	return ts.send(tb, req)
}

// nest returns a query whose fields nest n deep (n >= 2): failureMode { parent { ... { id } } }.
func nest(n int) string {
	return `{ failureMode(id: "targeted-poisoning") ` + strings.Repeat("{ parent ", n-2) + "{ id }" + strings.Repeat(" }", n-2) + " }"
}

// aliases returns a query with n aliased root fields.
func aliases(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: stats { nodes }", i)
	}
	b.WriteString(" }")
	return b.String()
}

// fragmentBomb returns a query whose fragment Fi spreads F(i+1) twice, n levels down to leaf.
func fragmentBomb(n int, leaf string) string {
	var b strings.Builder
	b.WriteString("query Bomb { ...F0 }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { %s }\n", n, leaf)
	return b.String()
}

// manySpreads returns a query that spreads n distinct fragments in one selection set.
func manySpreads(n int) string {
	var b strings.Builder
	b.WriteString("query Spreads { stats {")
	for i := range n {
		fmt.Fprintf(&b, " ...F%d", i)
	}
	b.WriteString(" } }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Stats { nodes }\n", i)
	}
	return b.String()
}

func hostileRequests() []hostile {
	tooComplex, tooDeep := graph.CodeQueryTooComplex, graph.CodeQueryTooDeep
	// With application/json a request refused before execution is still answered 200, with the
	// error and no data (TestRefusalsFollowTheGraphQLOverHTTPSpec sends them for 400 too).
	const refused = http.StatusOK
	return []hostile{
		// Depth.
		{name: "fields nested ten deep", query: nest(10), status: refused, code: tooDeep},
		{name: "nesting hidden in fragments",
			query: `{ failureMode(id: "poisoning") { ...A } }
				fragment A on FailureMode { parent { ...B } }
				fragment B on FailureMode { parent { ...C } }
				fragment C on FailureMode { parent { parent { parent { parent { parent { parent { id } } } } } } }`,
			status: refused, code: tooDeep},
		{name: "two thousand nested fields (past the token limit)", query: "{" + strings.Repeat(" a {", 2000) + strings.Repeat("}", 2001),
			status: refused, code: tooComplex},

		// Width: aliases, root fields, repeats, tokens.
		{name: "a hundred aliases", query: aliases(100), status: refused, code: tooComplex},
		{name: "a thousand aliases (past the token limit)", query: aliases(1000), status: refused, code: tooComplex},
		{name: "aliases in an unused fragment",
			query:  "{ stats { nodes } } fragment Unused on Query {" + strings.TrimPrefix(aliases(40), "{"),
			status: refused, code: tooComplex},
		{name: "too many root fields", query: "{" + strings.Repeat(" stats { nodes }", 21) + " }",
			status: refused, code: tooComplex},
		{name: "one field repeated three thousand times", query: "{ stats {" + strings.Repeat(" nodes", 3000) + " } }",
			status: refused, code: tooComplex},
		{name: "__typename repeated", query: "{" + strings.Repeat(" __typename", 1000) + " }",
			status: refused, code: tooComplex},
		{name: "one alias for conflicting fields", query: func() string {
			var b strings.Builder
			for i := range 200 {
				fmt.Fprintf(&b, ` a: node(id: "n%d") { id }`, i)
			}
			return "{" + b.String() + " }"
		}(), status: refused, code: tooComplex},
		{name: "the same field through inline fragments", query: "{ stats {" + strings.Repeat(" ... on Stats { nodes }", 200) + " } }",
			status: refused, code: tooComplex},
		{name: "six thousand tokens of ids", query: `{ nodes(ids: [` + strings.Repeat(`"poisoning" `, 6000) + `]) { id } }`,
			status: refused, code: tooComplex},

		// Fragments.
		{name: "fragment bomb (2^30 root fields)", query: fragmentBomb(30, "stats { nodes }"), status: refused, code: tooComplex},
		{name: "fragment bomb of aliases", query: fragmentBomb(30, "x: stats { nodes }"), status: refused, code: tooComplex},
		{name: "fragment bomb under a list", query: `{ failureModes { ...G0 } }` +
			strings.ReplaceAll(strings.ReplaceAll(fragmentBomb(25, "mitigations { id }"), "on Query", "on FailureMode"), "query Bomb { ...F0 }", "") +
			"fragment G0 on FailureMode { ...F0 }",
			status: refused, code: tooComplex},
		{name: "sixty distinct fragments spread at once", query: manySpreads(60), status: refused, code: tooComplex},
		{name: "a fragment cycle", query: `{ ...A } fragment A on Query { ...B } fragment B on Query { stats { nodes } ...A }`,
			status: refused, code: graph.CodeValidationFailed},

		// Cost.
		{name: "five nested lists", query: `{ failureModes { mitigations { mitigates { mitigations { mitigates { id } } } } } }`,
			status: refused, code: tooComplex},
		{name: "a big neighbourhood with nested edges",
			query:  `{ neighborhood(id: "poisoning", depth: 3, limit: 1000) { nodes { id edges { sourceNode { id } targetNode { id } } } } }`,
			status: refused, code: tooComplex},
		{name: "a thousand long paths", query: `{ paths(from: "poisoning", to: "gdpr", maxLength: 6, limit: 1000) { nodes { id name } edges { type } } }`,
			status: refused, code: tooComplex},
		{name: "cost from variables", query: `query($n: Int) { search(query: "attack", first: $n) { edges { node { ... on FailureMode { mitigations { mitigates { id } } } } } } }`,
			vars: map[string]any{"n": 1000}, status: refused, code: tooComplex},

		// Arguments out of range are the argument's fault, not the query's.
		{name: "a huge first", query: `{ references(first: 1000000) { edges { node { id } } } }`, status: http.StatusOK, code: graph.CodeBadUserInput},
		{name: "a huge limit in a variable", query: `query($l: Int) { neighborhood(id: "poisoning", limit: $l) { nodes { id } } }`,
			vars: map[string]any{"l": 1 << 40}, status: http.StatusOK, code: graph.CodeBadUserInput},
		{name: "a negative depth", query: `{ neighborhood(id: "poisoning", depth: -5) { nodes { id } } }`, status: http.StatusOK, code: graph.CodeBadUserInput},
		{name: "a megabyte search string", query: `query($q: String!) { search(query: $q) { edges { score } } }`,
			vars: map[string]any{"q": strings.Repeat("poison ", 1_000_000/7)}, status: http.StatusOK, code: graph.CodeBadUserInput},
		{name: "a search string of invalid UTF-8", body: `{"query": "query($q: String!) { search(query: $q) { edges { score } } }", "variables": {"q": "` + "\xff\xfe" + strings.Repeat("x", 600) + `"}}`,
			status: http.StatusOK, code: graph.CodeBadUserInput},

		// Bodies.
		{name: "a body over the limit", body: `{"query": "{ stats { nodes } }", "pad": "` + strings.Repeat("x", 2<<20) + `"}`,
			status: http.StatusRequestEntityTooLarge, code: graph.CodePayloadTooLarge},
		{name: "malformed JSON", body: `{"query": "{ stats { nodes } }"`, status: http.StatusBadRequest, code: graph.CodeBadRequest},
		{name: "JSON of the wrong shape", body: `{"query": 42, "variables": "none"}`, status: http.StatusBadRequest, code: graph.CodeBadRequest},
		{name: "an empty body", body: ` `, status: http.StatusBadRequest, code: graph.CodeBadRequest},
		{name: "a batch (array body)", body: `[{"query": "{ stats { nodes } }"}, {"query": "{ stats { edges } }"}]`,
			status: http.StatusBadRequest, code: graph.CodeBadRequest},
		{name: "JSON nested twenty thousand deep", body: `{"variables": {"x": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}`,
			status: http.StatusBadRequest, code: graph.CodeBadRequest},
		{name: "invalid UTF-8 in the query", body: "{\"query\": \"{ stats { nodes \xff } }\"}", status: refused, code: graph.CodeParseFailed},
		{name: "a NUL byte in the query", body: `{"query": "{ stats { nodes \u0000 } }"}`, status: refused, code: graph.CodeParseFailed},
		{name: "plain text", contentType: "text/plain", body: `{ stats { nodes } }`, status: http.StatusUnsupportedMediaType, code: graph.CodeBadRequest},
		{name: "application/graphql", contentType: "application/graphql", body: `{ stats { nodes } }`, status: http.StatusUnsupportedMediaType, code: graph.CodeBadRequest},
		{name: "a form", contentType: "application/x-www-form-urlencoded", body: `query=%7B%7D`, status: http.StatusUnsupportedMediaType, code: graph.CodeBadRequest},
		{name: "a multipart upload", contentType: "multipart/form-data; boundary=x", body: "--x\r\n\r\n--x--", status: http.StatusUnsupportedMediaType, code: graph.CodeBadRequest},
		{name: "no content type", contentType: "-", body: `{"query": "{ stats { nodes } }"}`, status: http.StatusUnsupportedMediaType, code: graph.CodeBadRequest},
		{name: "PUT", method: http.MethodPut, body: `{"query": "{ stats { nodes } }"}`, status: http.StatusMethodNotAllowed, code: graph.CodeBadRequest},
		{name: "DELETE", method: http.MethodDelete, body: `{}`, status: http.StatusMethodNotAllowed, code: graph.CodeBadRequest},

		// GraphQL that does not fit.
		{name: "not GraphQL", query: `SELECT * FROM nodes`, status: refused, code: graph.CodeParseFailed},
		{name: "no query at all", body: `{"variables": {}}`, status: http.StatusBadRequest, code: graph.CodeBadRequest},
		{name: "an unknown operation name", query: `query A { stats { nodes } } query B { stats { edges } }`, opName: "C",
			status: refused, code: graph.CodeValidationFailed},
		{name: "a megabyte operation name", query: `query A { stats { nodes } }`, opName: strings.Repeat("B", 1_000_000),
			status: refused, code: graph.CodeValidationFailed},
		{name: "two operations and no name", query: `query A { stats { nodes } } query B { stats { edges } }`,
			status: refused, code: graph.CodeValidationFailed},
		{name: "a variable of the wrong type", query: `query($n: Int) { references(first: $n) { totalCount } }`,
			vars: map[string]any{"n": "twenty"}, status: refused, code: graph.CodeValidationFailed},
		{name: "a list where a string goes", query: `query($id: ID!) { node(id: $id) { id } }`,
			vars: map[string]any{"id": []any{"a", "b"}}, status: refused, code: graph.CodeValidationFailed},
		{name: "an integer past 32 bits for Int", query: `query($n: Int) { references(first: $n) { totalCount } }`,
			vars: map[string]any{"n": 1e30}, status: refused, code: graph.CodeValidationFailed},
		{name: "a missing required variable", query: `query($id: ID!) { node(id: $id) { id } }`, status: refused, code: graph.CodeValidationFailed},
		{name: "a mutation", query: `mutation { stats { nodes } }`, status: refused, code: graph.CodeValidationFailed},
		{name: "a subscription", query: `subscription { stats { nodes } }`, status: refused, code: graph.CodeValidationFailed},

		// Persisted queries.
		{name: "an unknown persisted query",
			body:   `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "` + strings.Repeat("ab", 32) + `"}}}`,
			status: http.StatusOK, code: graph.CodePersistedQueryNotFound},
		{name: "a persisted query whose hash does not match",
			body:   `{"query": "{ stats { nodes } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "` + strings.Repeat("ab", 32) + `"}}}`,
			status: http.StatusOK, code: graph.CodeBadRequest},
		{name: "a persisted query of another version",
			body:   `{"extensions": {"persistedQuery": {"version": 7, "sha256Hash": "x"}}}`,
			status: http.StatusOK, code: graph.CodeBadRequest},

		// GET.
		{name: "GET with variables that are not JSON", path: "?query=" + url.QueryEscape(`query($n: Int) { references(first: $n) { totalCount } }`) + "&variables=%7Bnope",
			status: http.StatusBadRequest, code: graph.CodeBadRequest},
		{name: "GET with a broken query string", path: "?query=%zz", status: http.StatusBadRequest, code: graph.CodeBadRequest},
		{name: "GET of a fragment bomb", path: "?query=" + url.QueryEscape(fragmentBomb(30, "stats { nodes }")), status: refused, code: tooComplex},
		{name: "GET with a websocket upgrade", path: "websocket", status: http.StatusBadRequest, code: graph.CodeBadRequest},
	}
}

// TestHostileRequestsAreRefusedAndTheServerKeepsServing sends every hostile request to one server
// over the shipped seed: each is refused with its status and code, and an ordinary query succeeds
// right after it.
func TestHostileRequestsAreRefusedAndTheServerKeepsServing(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), shippedStore(t))
	ts.mustData(t, normalQuery, nil)
	for _, h := range hostileRequests() {
		t.Run(h.name, func(t *testing.T) {
			r := h.send(t, ts)
			if r.Status != h.status {
				t.Errorf("status %d, want %d", r.Status, h.status)
			}
			if len(r.Errors) == 0 {
				t.Fatalf("no errors; data %s", r.Data)
			}
			if got := r.Errors[0].Extensions["code"]; got != h.code {
				t.Errorf("code %v (%s), want %s", got, r.Errors[0].Message, h.code)
			}
			assertKnownCodes(t, r)
			t.Logf("%d %s: %.200s", r.Status, r.Errors[0].Extensions["code"], r.Errors[0].Message)
			if len(r.Errors[0].Message) > 1000 {
				t.Errorf("message of %d bytes (echoes the request?)", len(r.Errors[0].Message))
			}
			ts.mustData(t, normalQuery, nil)
		})
	}
}

// assertKnownCodes fails unless every error of r has a code of the documented list.
func assertKnownCodes(tb testing.TB, r gqlResponse) {
	tb.Helper()
	for _, e := range r.Errors {
		code, _ := e.Extensions["code"].(string)
		if !graph.KnownCode(code) {
			tb.Errorf("error %q has code %q, not one of graph.Codes", e.Message, code)
		}
	}
}

func TestLegitimateQueriesPassTheLimits(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), shippedStore(t))
	for _, ex := range server.Examples {
		t.Run(ex.Title, func(t *testing.T) {
			var vars map[string]any
			if err := json.Unmarshal([]byte(ex.Variables), &vars); err != nil {
				t.Fatal(err)
			}
			ts.mustData(t, ex.Query, vars)
		})
	}
	t.Run("GraphiQL's introspection query", func(t *testing.T) {
		ts.mustData(t, introspectionQuery, nil)
	})
	t.Run("fields eight deep", func(t *testing.T) {
		ts.mustData(t, nest(8), nil)
	})
	t.Run("twenty aliased root fields", func(t *testing.T) {
		ts.mustData(t, "{"+aliasedNodes(20)+" }", nil)
	})
	t.Run("a fragment per node kind", func(t *testing.T) {
		ts.mustData(t, `{ neighborhood(id: "poisoning", depth: 2) { nodes { id ...K } } }
			fragment K on Node { name ... on FailureMode { intent } ... on Mitigation { category } ... on Reference { year }
			... on Asset { category } ... on Capability { category } ... on Stakeholder { questions } ... on LegalConsideration { citation } }`, nil)
	})
}

func aliasedNodes(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, ` n%d: node(id: "poisoning") { id name }`, i)
	}
	return b.String()
}

func TestIntrospectionOffIsAValidationFailure(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.Introspection = false
	ts := newTestServer(t, cfg, shippedStore(t))
	for _, q := range []string{introspectionQuery, `{ __type(name: "Query") { name } }`, `{ ...F } fragment F on Query { __schema { queryType { name } } }`} {
		r := ts.post(t, q, nil)
		if r.Status != http.StatusOK || r.Data != nil || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.CodeValidationFailed {
			t.Errorf("%.40s: status %d errors %+v", q, r.Status, r.Errors)
		}
	}
	ts.mustData(t, `{ stats { __typename nodes } }`, nil)
	if strings.Contains(ts.log.String(), "level=ERROR") {
		t.Errorf("refused introspection was logged as an error:\n%s", ts.log.String())
	}
}

func TestLimitsAreConfigurable(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.MaxDepth = 3
	cfg.MaxAliases = 2
	cfg.MaxRootFields = 2
	cfg.MaxComplexity = 100
	cfg.MaxTokens = 50
	ts := newTestServer(t, cfg, shippedStore(t))
	tests := []struct {
		query string
		code  string // "" for success
	}{
		{nest(3), ""},
		{nest(4), graph.CodeQueryTooDeep},
		{`{ a: stats { nodes } b: stats { edges } }`, ""},
		{`{ a: stats { nodes } b: stats { edges } c: stats { nodes } }`, graph.CodeQueryTooComplex},
		{`{ stats { nodes } failureModes { id } capabilities { id } }`, graph.CodeQueryTooComplex},
		{`{ failureModes { id } }`, ""},                                     // 30 × 2 = 60
		{`{ failureModes { id name summary } }`, graph.CodeQueryTooComplex}, // 30 × 4 = 120
		{`{ stats { ` + strings.Repeat("nodes ", 60) + `} }`, graph.CodeQueryTooComplex},
	}
	for _, tt := range tests {
		r := ts.post(t, tt.query, nil)
		var got string
		if len(r.Errors) > 0 {
			got, _ = r.Errors[0].Extensions["code"].(string)
		}
		if got != tt.code {
			t.Errorf("%s: code %q, want %q (%+v)", tt.query, got, tt.code, r.Errors)
		}
	}
}

func TestNestingPastTheParsersLimitIsTooDeep(t *testing.T) {
	cfg := server.DefaultConfig()
	cfg.MaxTokens = 10000
	ts := newTestServer(t, cfg, shippedStore(t))
	r := ts.post(t, "{"+strings.Repeat(" a {", 2000)+strings.Repeat("}", 2001), nil)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.CodeQueryTooDeep {
		t.Errorf("status %d errors %+v", r.Status, r.Errors)
	}
}

func TestAutomaticPersistedQueries(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), shippedStore(t))
	const q = `query Persisted { stats { nodes } }`
	sum := sha256.Sum256([]byte(q))
	ext := fmt.Sprintf(`{"persistedQuery": {"version": 1, "sha256Hash": %q}}`, hex.EncodeToString(sum[:]))
	hashOnly := []byte(`{"extensions": ` + ext + `}`)

	r := ts.postRaw(t, "application/json", hashOnly)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.CodePersistedQueryNotFound {
		t.Fatalf("before registration: %+v", r.Errors)
	}
	r = ts.postRaw(t, "application/json", []byte(fmt.Sprintf(`{"query": %q, "extensions": %s}`, q, ext)))
	if len(r.Errors) != 0 {
		t.Fatalf("registration: %+v", r.Errors)
	}
	r = ts.postRaw(t, "application/json", hashOnly)
	if len(r.Errors) != 0 || !strings.Contains(string(r.Data), `"nodes"`) {
		t.Fatalf("by hash: %+v %s", r.Errors, r.Data)
	}
	r = ts.getGraphQL(t, "?extensions="+url.QueryEscape(ext))
	if len(r.Errors) != 0 {
		t.Fatalf("by hash over GET: %+v", r.Errors)
	}

	// A persisted query is held to the same limits as any other.
	bomb := fragmentBomb(30, "stats { nodes }")
	sum = sha256.Sum256([]byte(bomb))
	ext = fmt.Sprintf(`{"persistedQuery": {"version": 1, "sha256Hash": %q}}`, hex.EncodeToString(sum[:]))
	body, _ := json.Marshal(map[string]any{"query": bomb, "extensions": json.RawMessage(ext)})
	r = ts.postRaw(t, "application/json", body)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.CodeQueryTooComplex {
		t.Fatalf("persisted bomb: %+v", r.Errors)
	}
	r = ts.postRaw(t, "application/json", []byte(`{"extensions": `+ext+`}`))
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.CodeQueryTooComplex {
		t.Fatalf("persisted bomb by hash: %+v", r.Errors)
	}
}

// introspectionQuery is the query GraphiQL sends to read the schema (graphql-js
// getIntrospectionQuery with inputValueDeprecation).
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args(includeDeprecated: true) { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description
    args(includeDeprecated: true) { ...InputValue }
    type { ...TypeRef }
    isDeprecated deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name description
  type { ...TypeRef }
  defaultValue isDeprecated deprecationReason
}
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}`

// TestIntrospectionOffSuggestsNothing: with introspection off, a wrong name is refused without a
// "Did you mean" naming the schema's fields, arguments, types or enum values; with it on, the
// suggestions help.
func TestIntrospectionOffSuggestsNothing(t *testing.T) {
	wrong := []struct{ query, leak string }{
		{`{ failureMod(id: "poisoning") { id } }`, "failureMode"},
		{`{ neighborhood(id: "poisoning", dept: 2) { truncated } }`, `"depth"`},
		{`{ search(query: "x", kinds: [FAILURE_MOD]) { edges { score } } }`, "FAILURE_MODE"},
		{`{ failureMode(id: "poisoning") { nam } }`, `"name"`},
		{`{ references(firts: 2) { totalCount } }`, `"first"`},
	}
	for _, introspection := range []bool{true, false} {
		cfg := server.DefaultConfig()
		cfg.Introspection = introspection
		ts := newTestServer(t, cfg, minimalStore(t))
		for _, w := range wrong {
			r := ts.post(t, w.query, nil)
			if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != graph.CodeValidationFailed {
				t.Fatalf("%s: errors %+v, want a validation failure", w.query, r.Errors)
			}
			var msgs []string
			for _, e := range r.Errors {
				msgs = append(msgs, e.Message)
			}
			all := strings.Join(msgs, " | ")
			suggests := strings.Contains(all, "Did you mean")
			if !introspection && (suggests || strings.Contains(all, w.leak)) {
				t.Errorf("introspection off, %s: %s", w.query, all)
			}
			if introspection && !suggests {
				t.Errorf("introspection on, %s: no suggestion in %s", w.query, all)
			}
		}
	}
}
