package server_test

import (
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/failgraph/failgraph/graph"
	"github.com/failgraph/failgraph/internal/server"
)

// TestRefusalsFollowTheGraphQLOverHTTPSpec: every hostile request refused before execution is
// answered 200 with application/json and 400 with application/graphql-response+json, and neither
// answer has a data entry, since execution never started.
func TestRefusalsFollowTheGraphQLOverHTTPSpec(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), shippedStore(t))
	beforeExecution := map[string]bool{
		graph.CodeQueryTooComplex: true, graph.CodeQueryTooDeep: true,
		graph.CodeParseFailed: true, graph.CodeValidationFailed: true,
	}
	n := 0
	for _, h := range hostileRequests() {
		if !beforeExecution[h.code] || h.path == "websocket" {
			continue
		}
		n++
		t.Run(h.name, func(t *testing.T) {
			for _, c := range []struct {
				accept, contentType string
				status              int
			}{
				{"", "application/json", http.StatusOK},
				{"application/json", "application/json", http.StatusOK},
				{"*/*", "application/json", http.StatusOK}, // Apollo Client 3
				{server.MediaTypeGraphQLResponse, server.MediaTypeGraphQLResponse, http.StatusBadRequest},
				{server.MediaTypeGraphQLResponse + ", application/json;q=0.9", server.MediaTypeGraphQLResponse, http.StatusBadRequest}, // urql, Apollo Client 4
			} {
				h.accept = c.accept
				r := h.send(t, ts)
				mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
				if r.Status != c.status || mt != c.contentType {
					t.Errorf("Accept %q: %d %s, want %d %s", c.accept, r.Status, mt, c.status, c.contentType)
				}
				if r.Data != nil {
					t.Errorf("Accept %q: data %s, want no data entry", c.accept, r.Data)
				}
				if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != h.code {
					t.Errorf("Accept %q: errors %+v, want %s", c.accept, r.Errors, h.code)
				}
			}
		})
	}
	if n < 20 {
		t.Fatalf("only %d hostile requests are refused before execution", n)
	}
}

// TestRequestsWithoutAQueryAreBadRequests: a body or URL without a query (or with a query that is
// not a string) is not a GraphQL request at all: 400 BAD_REQUEST, whatever the client accepts. A
// persisted query may come without its text.
func TestRequestsWithoutAQueryAreBadRequests(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	for _, h := range []hostile{
		{name: "an empty object", body: `{}`},
		{name: "only variables", body: `{"variables": {"id": "poisoning"}}`},
		{name: "a misspelt query", body: `{"qeury": "{ stats { nodes } }"}`},
		{name: "a null query", body: `{"query": null}`},
		{name: "a number", body: `{"query": 1}`},
		{name: "an object", body: `{"query": {"obj": "ect"}}`},
		{name: "a list", body: `{"query": ["{ stats { nodes } }"]}`},
		{name: "a null persisted query", body: `{"extensions": {"persistedQuery": null}}`},
		{name: "an empty body", body: ` `},
		{name: "GET without a query", path: "?variables=%7B%7D"},
		{name: "GET without anything", path: "?"},
	} {
		t.Run(h.name, func(t *testing.T) {
			for _, accept := range []string{"application/json", server.MediaTypeGraphQLResponse} {
				h.accept = accept
				r := h.send(t, ts)
				if r.Status != http.StatusBadRequest || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.CodeBadRequest || r.Data != nil {
					t.Errorf("Accept %s: %d %+v data %s", accept, r.Status, r.Errors, r.Data)
				}
			}
		})
	}

	apq := `{"version": 1, "sha256Hash": "` + strings.Repeat("ab", 32) + `"}`
	for _, h := range []hostile{
		{name: "POST", body: `{"extensions": {"persistedQuery": ` + apq + `}}`},
		{name: "GET", path: "?extensions=" + url.QueryEscape(`{"persistedQuery": `+apq+`}`)},
	} {
		r := h.send(t, ts)
		if r.Status != http.StatusOK || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != graph.CodePersistedQueryNotFound {
			t.Errorf("a persisted query by its hash alone (%s): %d %+v", h.name, r.Status, r.Errors)
		}
	}
}

// TestErrorsDuringExecutionKeepTheirData: once execution started, the answer is 200 with its data
// (null fields included) for every client.
func TestErrorsDuringExecutionKeepTheirData(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	for _, accept := range []string{"application/json", "*/*", server.MediaTypeGraphQLResponse} {
		h := hostile{query: `{ stats { nodes } legalExposure(failureMode: "no-such-node") { items { question } } }`, accept: accept}
		r := h.send(t, ts)
		if r.Status != http.StatusOK || len(r.Errors) != 1 {
			t.Errorf("Accept %s: %d %+v", accept, r.Status, r.Errors)
		}
		assertJSON(t, "data", r.Data, `{"stats": {"nodes": 10}, "legalExposure": null}`)
	}
}

// TestAnswersAreCompressedWhenTheClientAcceptsIt: zstd or gzip on /graphql and the other JSON
// endpoints, the same answer once decoded; small answers and clients that accept nothing stay plain.
func TestAnswersAreCompressedWhenTheClientAcceptsIt(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), shippedStore(t))
	body := `{"query": "{ failureModes { id name summary mitigations { id name } } }"}`
	fetch := func(method, path, encoding string) (*http.Response, []byte) {
		t.Helper()
		var rd io.Reader
		if method == http.MethodPost {
			rd = strings.NewReader(body)
		}
		req, err := http.NewRequest(method, ts.URL+path, rd)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if encoding != "" {
			req.Header.Set("Accept-Encoding", encoding) // set by hand, so the client does not decode
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r io.Reader = resp.Body
		switch resp.Header.Get("Content-Encoding") {
		case "gzip":
			if r, err = gzip.NewReader(resp.Body); err != nil {
				t.Fatal(err)
			}
		case "zstd":
			zr, err := zstd.NewReader(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			r = zr
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return resp, b
	}
	plainResp, plain := fetch(http.MethodPost, server.PathGraphQL, "identity")
	if plainResp.Header.Get("Content-Encoding") != "" || len(plain) < 10_000 {
		t.Fatalf("identity: encoding %q, %d bytes", plainResp.Header.Get("Content-Encoding"), len(plain))
	}
	for _, c := range []struct{ accept, want string }{
		{"gzip", "gzip"},
		{"gzip, deflate, br", "gzip"},
		{"zstd", "zstd"},
		{"gzip, zstd", "zstd"},
	} {
		resp, b := fetch(http.MethodPost, server.PathGraphQL, c.accept)
		if got := resp.Header.Get("Content-Encoding"); got != c.want {
			t.Errorf("Accept-Encoding %s: Content-Encoding %q, want %s", c.accept, got, c.want)
		}
		if string(b) != string(plain) {
			t.Errorf("Accept-Encoding %s: the decoded answer differs from the plain one", c.accept)
		}
		if !varies(resp.Header, "Accept-Encoding") {
			t.Errorf("Accept-Encoding %s: Vary %q", c.accept, resp.Header.Values("Vary"))
		}
	}
	if resp, _ := fetch(http.MethodGet, server.PathMetrics, "gzip"); resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("/metrics: Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	if resp, b := fetch(http.MethodGet, server.PathHealth, "gzip"); resp.Header.Get("Content-Encoding") != "" || !strings.Contains(string(b), "ok") {
		t.Errorf("/healthz (small): Content-Encoding %q, body %s", resp.Header.Get("Content-Encoding"), b)
	}
}

// TestGETQueriesAreCacheable: a GET query answered without errors has an ETag and Cache-Control,
// and If-None-Match gets 304 without a body; errors and POSTs are not cached.
func TestGETQueriesAreCacheable(t *testing.T) {
	ts := newTestServer(t, server.DefaultConfig(), minimalStore(t))
	get := func(query, ifNoneMatch string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, ts.URL+server.PathGraphQL+"?query="+url.QueryEscape(query), nil)
		if err != nil {
			t.Fatal(err)
		}
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Header.Set("X-Test-Body", string(b))
		return resp
	}
	q := `{ failureMode(id: "poisoning") { id name } }`
	first := get(q, "")
	etag := first.Header.Get("ETag")
	if first.StatusCode != http.StatusOK || !strings.HasPrefix(etag, `W/"`) || first.Header.Get("Cache-Control") != "public, max-age=60" {
		t.Fatalf("GET: %d, ETag %q, Cache-Control %q", first.StatusCode, etag, first.Header.Get("Cache-Control"))
	}
	if !varies(first.Header, "Accept") {
		t.Errorf("Vary %q lacks Accept", first.Header.Values("Vary"))
	}
	if again := get(q, ""); again.Header.Get("ETag") != etag {
		t.Errorf("the same query twice: ETags %q and %q", etag, again.Header.Get("ETag"))
	}
	for _, inm := range []string{etag, strings.TrimPrefix(etag, "W/"), `"other", ` + etag, "*"} {
		nm := get(q, inm)
		if nm.StatusCode != http.StatusNotModified || nm.Header.Get("X-Test-Body") != "" || nm.Header.Get("ETag") != etag {
			t.Errorf("If-None-Match %s: %d, body %q, ETag %q", inm, nm.StatusCode, nm.Header.Get("X-Test-Body"), nm.Header.Get("ETag"))
		}
	}
	if stale := get(q, `W/"something-else"`); stale.StatusCode != http.StatusOK || stale.Header.Get("X-Test-Body") == "" {
		t.Errorf("a stale If-None-Match: %d", stale.StatusCode)
	}
	if other := get(`{ failureMode(id: "poisoning") { id } }`, ""); other.Header.Get("ETag") == etag || other.Header.Get("ETag") == "" {
		t.Errorf("another query's ETag %q (first %q)", other.Header.Get("ETag"), etag)
	}
	for _, bad := range []string{`{ legalExposure(failureMode: "nope") { items { question } } }`, `{ nope }`} {
		r := get(bad, etag)
		if r.StatusCode != http.StatusOK || r.Header.Get("ETag") != "" || r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: %d, ETag %q, Cache-Control %q", bad, r.StatusCode, r.Header.Get("ETag"), r.Header.Get("Cache-Control"))
		}
	}
	if p := ts.post(t, q, nil); p.Header.Get("ETag") != "" || p.Header.Get("Cache-Control") != "" {
		t.Errorf("POST: ETag %q, Cache-Control %q", p.Header.Get("ETag"), p.Header.Get("Cache-Control"))
	}
}

// varies reports whether the Vary headers of h list name.
func varies(h http.Header, name string) bool {
	for _, v := range h.Values("Vary") {
		for part := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), name) {
				return true
			}
		}
	}
	return false
}
