package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/failgraph/failgraph/graph"
)

// The GraphQL-over-HTTP specification's SHOULDs, which gqlgen's transports do not follow by
// themselves (docs/OPERATIONS.md has the resulting statuses):
//
//   - A request that is not GraphQL at all (a body or URL without a query, or a query that is not a
//     string) is 400 BAD_REQUEST. gqlgen would run an empty document and answer 422.
//   - With application/json, every well-formed request is answered 200, whatever GraphQL errors it
//     carries: gqlgen answers parse and validation errors (and the limits, which are validation
//     rules) with 422, which older clients (Apollo Client 3 sends Accept: */*) read as a bare HTTP
//     failure and never show the GraphQL errors of. With application/graphql-response+json gqlgen's
//     400 stays, as the specification asks.
//   - A response to a request whose execution never started has no data entry: gqlgen writes
//     "data": null, which says that execution started and failed at a non-null root field.
//
// And HTTP caching of this read-only API: a GET query answered without errors carries a weak ETag
// (a hash of the answer) and Cache-Control (cacheControl), and If-None-Match gets 304; any other GET
// answer is no-store. POST answers are not cacheable by HTTP's rules anyway.

// MediaTypeGraphQLResponse is the media type of the GraphQL-over-HTTP specification; a client that
// accepts it gets 4xx statuses for requests refused before execution.
const MediaTypeGraphQLResponse = "application/graphql-response+json"

type execMarkKey struct{}

// markExecuted records, in the context graphqlOverHTTP made, that execution started.
func markExecuted(ctx context.Context) {
	if m, ok := ctx.Value(execMarkKey{}).(*atomic.Bool); ok {
		m.Store(true)
	}
}

// graphqlOverHTTP wraps gqlgen's handler: it refuses requests that are not GraphQL and holds
// gqlgen's answer to rewrite its status and body as the specification asks.
func graphqlOverHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if msg := notGraphQL(r); msg != "" {
			writeError(w, r, http.StatusBadRequest, graph.CodeBadRequest, msg)
			return
		}
		executed := new(atomic.Bool)
		r = r.WithContext(context.WithValue(r.Context(), execMarkKey{}, executed))
		buf := &heldResponse{header: w.Header(), status: http.StatusOK}
		next.ServeHTTP(buf, r)

		status, body := buf.status, buf.body.Bytes()
		mt, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type"))
		if mt == "application/json" && status == http.StatusUnprocessableEntity {
			status = http.StatusOK
		}
		if !executed.Load() {
			body = withoutNullData(body)
		}
		if r.Method == http.MethodGet {
			w.Header().Add("Vary", "Accept")
			if status != http.StatusOK || !executed.Load() || bytes.HasPrefix(body, []byte(`{"errors"`)) {
				w.Header().Set("Cache-Control", "no-store")
			} else {
				etag := etagOf(body)
				w.Header().Set("ETag", etag)
				w.Header().Set("Cache-Control", cacheControl)
				if etagMatches(r.Header.Get("If-None-Match"), etag) {
					w.Header().Del("Content-Type")
					w.WriteHeader(http.StatusNotModified)
					return
				}
			}
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

// cacheControl is the Cache-Control of a GET query answered without errors. The API is read-only,
// but a restart may serve another graph: a minute of freshness, then revalidation by ETag (304
// when nothing changed).
const cacheControl = "public, max-age=60"

// etagOf is the weak entity tag of a body: weak, because the compression middleware changes the
// bytes on the wire but not what they mean.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `W/"` + hex.EncodeToString(sum[:16]) + `"`
}

// etagMatches reports whether an If-None-Match header lists etag (or is *), comparing weakly.
func etagMatches(header, etag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// notGraphQL returns why r is not a GraphQL request, or "". Only a persisted query (an
// extensions.persistedQuery hash) may come without its query.
func notGraphQL(r *http.Request) string {
	var query, extensions json.RawMessage
	switch r.Method {
	case http.MethodPost:
		if r.Body == nil {
			return "the request has no body: send {\"query\": ...}"
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return "the request body could not be read"
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		var params struct {
			Query      json.RawMessage `json:"query"`
			Extensions json.RawMessage `json:"extensions"`
		}
		if json.Unmarshal(b, &params) != nil {
			return "" // not a JSON object: limitBody and gqlgen answer it
		}
		query, extensions = params.Query, params.Extensions
	case http.MethodGet:
		q, _ := url.ParseQuery(r.URL.RawQuery) // checkRequest refused what does not parse
		if v, ok := q["query"]; ok {
			query, _ = json.Marshal(v[0])
		}
		if e := q.Get("extensions"); e != "" {
			extensions = json.RawMessage(e)
		}
	default:
		return ""
	}
	switch {
	case len(query) == 0 || string(query) == "null":
		var ext struct {
			PersistedQuery json.RawMessage `json:"persistedQuery"`
		}
		if json.Unmarshal(extensions, &ext) == nil && len(ext.PersistedQuery) > 0 && string(ext.PersistedQuery) != "null" {
			return ""
		}
		return "the request has no query: send {\"query\": \"{ ... }\", \"variables\": {...}}"
	case query[0] != '"':
		return "the query parameter must be a string of GraphQL"
	}
	return ""
}

// withoutNullData drops a null data entry from a GraphQL response body.
func withoutNullData(body []byte) []byte {
	var resp map[string]json.RawMessage
	if json.Unmarshal(body, &resp) != nil {
		return body
	}
	if d, ok := resp["data"]; !ok || string(d) != "null" {
		return body
	}
	delete(resp, "data")
	out, err := json.Marshal(resp) // keys sorted: errors, extensions
	if err != nil {
		return body
	}
	return out
}

// heldResponse is an http.ResponseWriter that keeps the status and body for graphqlOverHTTP to
// rewrite; headers go straight to the real writer's map.
type heldResponse struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (h *heldResponse) Header() http.Header { return h.header }

func (h *heldResponse) WriteHeader(status int) {
	if !h.wrote {
		h.status, h.wrote = status, true
	}
}

func (h *heldResponse) Write(p []byte) (int, error) {
	h.wrote = true
	return h.body.Write(p)
}
