package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rs/cors"

	"github.com/failgraph/failgraph/graph"
)

// HeaderRequestID carries the request id: a client may send its own, the server always answers with
// the one it used, and errors of the server's fault repeat it in extensions.requestId.
const HeaderRequestID = "X-Request-Id"

// CodePayloadTooLarge is the code of the error answering a body over Config.MaxBodyBytes.
const CodePayloadTooLarge = graph.CodePayloadTooLarge

var clientRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID gives every request an id: the client's X-Request-Id when it is sane, else a new one.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(HeaderRequestID)
		if !clientRequestID.MatchString(id) {
			id = graph.NewRequestID()
		}
		w.Header().Set(HeaderRequestID, id)
		next.ServeHTTP(w, r.WithContext(graph.WithRequestID(r.Context(), id)))
	})
}

// corsMiddleware allows the listed origins to call the API from a browser. Credentials are never
// allowed: the API is read-only and public, so there is nothing a cookie should unlock, and "*"
// must never be combined with them. With no origins it adds nothing, and browsers refuse
// cross-origin calls.
func corsMiddleware(origins []string) func(http.Handler) http.Handler {
	if len(origins) == 0 {
		// rs/cors reads an empty list as "*"; no list must mean no access.
		return func(h http.Handler) http.Handler { return h }
	}
	c := cors.New(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   []string{"Accept", "Content-Type", HeaderRequestID},
		ExposedHeaders:   []string{HeaderRequestID},
		AllowCredentials: false,
		MaxAge:           600,
	})
	return c.Handler
}

// CheckOrigins validates a CORS allowlist: either the single entry "*", or origins of the form
// scheme://host[:port] with scheme http or https and nothing after the host.
func CheckOrigins(origins []string) error {
	for _, o := range origins {
		if o == "*" {
			if len(origins) > 1 {
				return errors.New(`"*" allows every origin and cannot be combined with others`)
			}
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.Contains(u.Host, "*") {
			return fmt.Errorf("%q is not an origin (want scheme://host[:port], e.g. https://example.org, or *)", o)
		}
	}
	return nil
}

// limitBody reads a POST body up to max bytes, answering 413 when it is larger and 400 when it is
// declared JSON but is not a JSON object, both shaped like GraphQL errors. It hands the body on in
// memory, so gqlgen's own reader cannot run past the limit.
func limitBody(max int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body == nil || r.Method != http.MethodPost {
				next.ServeHTTP(w, r)
				return
			}
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
			var tooLarge *http.MaxBytesError
			switch {
			case errors.As(err, &tooLarge):
				writeError(w, r, http.StatusRequestEntityTooLarge, CodePayloadTooLarge,
					fmt.Sprintf("the request body is larger than %d bytes", max))
				return
			case err != nil:
				writeError(w, r, http.StatusBadRequest, graph.CodeBadRequest, "the request body could not be read")
				return
			}
			if isJSON(r) && !isJSONObject(body) {
				writeError(w, r, http.StatusBadRequest, graph.CodeBadRequest,
					"the request body is not a JSON object (want {\"query\": ..., \"variables\": ...})")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			next.ServeHTTP(w, r)
		})
	}
}

func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

func isJSONObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{' && json.Valid(b)
}

// writeError answers with one GraphQL-shaped error, for failures before GraphQL execution starts.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	noteCode(r.Context(), code)
	ext := map[string]any{"code": code}
	if id := graph.RequestID(r.Context()); id != "" {
		ext["requestId"] = id
	}
	w.Header().Set("Content-Type", responseMediaType(r))
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"message": msg, "extensions": ext}},
	})
}

// responseMediaType is the media type of a GraphQL answer to r, chosen as gqlgen's transports
// choose it: the first of application/json and application/graphql-response+json that Accept
// lists, application/json for */*, application/* or no Accept, and the GraphQL one otherwise.
func responseMediaType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return "application/json"
	}
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "*/*", "application/*", "application/json":
			return "application/json"
		case MediaTypeGraphQLResponse:
			return MediaTypeGraphQLResponse
		}
	}
	return MediaTypeGraphQLResponse
}

// checkRequest refuses, with a GraphQL-shaped error, what gqlgen's transports would answer without
// an error code: methods other than GET, POST and OPTIONS (405), POST bodies that are not JSON (415),
// upgrade requests (400), and GET parameters that are not URL-encoded or whose variables or
// extensions are not JSON objects (400).
func checkRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodOptions:
		case http.MethodGet, http.MethodPost:
			if r.Header.Get("Upgrade") != "" {
				writeError(w, r, http.StatusBadRequest, graph.CodeBadRequest, "upgrades (websockets) are not served; use GET or POST")
				return
			}
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeError(w, r, http.StatusMethodNotAllowed, graph.CodeBadRequest,
				fmt.Sprintf("method %s is not allowed; use GET or POST", r.Method))
			return
		}
		if r.Method == http.MethodPost && !isJSON(r) {
			writeError(w, r, http.StatusUnsupportedMediaType, graph.CodeBadRequest,
				"the request body must be application/json: {\"query\": ..., \"variables\": ...}")
			return
		}
		if r.Method == http.MethodGet {
			q, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				writeError(w, r, http.StatusBadRequest, graph.CodeBadRequest, "the URL's query string is not URL-encoded")
				return
			}
			for _, p := range []string{"variables", "extensions"} {
				if v := q.Get(p); v != "" && !isJSONObject([]byte(v)) {
					writeError(w, r, http.StatusBadRequest, graph.CodeBadRequest,
						fmt.Sprintf("the %s parameter is not a JSON object", p))
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// RetryAfter is what an OVERLOADED answer asks a client to wait, in the Retry-After header.
const RetryAfter = time.Second

// admit lets at most max requests through at once. A request that finds every slot taken waits up
// to wait for one, then is refused with 503, OVERLOADED and Retry-After, so that a burst costs the
// server a bounded queue rather than unbounded memory and latency.
func admit(max int, wait time.Duration, m *metrics) func(http.Handler) http.Handler {
	slots := make(chan struct{}, max)
	retry := strconv.Itoa(int(RetryAfter / time.Second))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case slots <- struct{}{}:
			default:
				t := time.NewTimer(wait)
				select {
				case slots <- struct{}{}:
					t.Stop()
				case <-t.C:
					w.Header().Set("Retry-After", retry)
					writeError(w, r, http.StatusServiceUnavailable, graph.CodeOverloaded,
						"the server is busy: too many requests in flight; retry later")
					return
				case <-r.Context().Done():
					t.Stop()
					writeError(w, r, http.StatusServiceUnavailable, graph.CodeOverloaded, "the request ended while waiting for the server")
					return
				}
			}
			m.gqlAdmitted.Inc()
			defer func() {
				m.gqlAdmitted.Dec()
				<-slots
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// timeout gives the rest of the request d: store calls and traversals end with TIMEOUT when the
// context expires.
func timeout(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
