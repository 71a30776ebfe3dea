package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/failgraph/failgraph/internal/export"
	"github.com/failgraph/failgraph/internal/kg"
)

// PathExport is the prefix of the export endpoints: GET /export/FORMAT.
const PathExport = "/export/"

// exportHandler serves GET /export/{format}: the whole graph, or with ?focus=ID&depth=N a node's
// neighbourhood, in one of export.Formats, as a download (Content-Disposition names the file) with
// a strong ETag; If-None-Match with that ETag gets 304. Query parameters: focus, depth,
// jurisdiction (csv-legal-matrix), assets and capabilities (navigator; comma-separated ids). Bad
// parameters get 400 and an unknown format 404, each with a GraphQL-shaped error and its code.
func exportHandler(store kg.Store, log *slog.Logger) http.Handler {
	x := export.New(store)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		format := r.PathValue("format")
		if _, err := export.Lookup(format); err != nil {
			writeError(w, r, http.StatusNotFound, kg.ENOTFOUND, err.Error())
			return
		}
		q := r.URL.Query()
		o := export.Options{Focus: q.Get("focus"), Jurisdiction: q.Get("jurisdiction"),
			Assets: splitIDs(q.Get("assets")), Capabilities: splitIDs(q.Get("capabilities"))}
		if d := q.Get("depth"); d != "" {
			n, err := strconv.Atoi(d)
			if err != nil || o.Focus == "" {
				writeError(w, r, http.StatusBadRequest, kg.EINVALID, "depth: want a whole number, with focus")
				return
			}
			o.Depth = n
		}
		res, err := x.Export(r.Context(), format, o)
		if err != nil {
			code := kg.ErrorCode(err)
			status := map[string]int{kg.EINVALID: http.StatusBadRequest, kg.ENOTFOUND: http.StatusNotFound,
				kg.EUNAVAILABLE: http.StatusServiceUnavailable, kg.ETIMEOUT: http.StatusGatewayTimeout}[code]
			msg := "the export failed; the server log has the request id"
			var ke *kg.Error
			if status != 0 && errors.As(err, &ke) {
				msg = ke.Message // what a client may see; the internal cause stays in the log
				if ke.Arg != "" {
					msg = ke.Arg + ": " + msg
				}
			}
			if status == 0 || status >= 500 {
				log.Error("export failed", "format", format, "focus", o.Focus, "err", err)
			}
			if status == 0 {
				status, code = http.StatusInternalServerError, kg.EINTERNAL
			}
			writeError(w, r, status, code, msg)
			return
		}
		h := w.Header()
		h.Set("ETag", res.ETag)
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Type", res.Format.ContentType)
		h.Set("Content-Disposition", `attachment; filename="`+res.Format.FileName(o)+`"`)
		h.Set("X-Content-Type-Options", "nosniff")
		if match(r.Header.Get("If-None-Match"), res.ETag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(res.Body)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(res.Body)
		}
	})
}

// match reports whether an If-None-Match header names etag (or is *).
func match(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

func splitIDs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
