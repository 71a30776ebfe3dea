package server

import (
	"bytes"
	"compress/gzip"
	"embed"
	"html/template"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The GraphiQL page. gqlgen's playground.Handler renders GraphiQL too, but offers no way to open
// with example tabs, so this is the same page (same pinned GraphiQL and React builds, with
// subresource integrity) plus failgraph's examples, one tab per audience. GraphiQL keeps a user's
// own tabs in local storage; the examples appear on a first visit.
//
// The page loads nothing from another host: the React and GraphiQL builds are vendored in assets/
// (see assets/README.md), embedded in the binary and served by the same handler, so GraphiQL works
// on a machine without internet. The page is served at /graphiql and an asset is asked for as
// /graphiql?asset=NAME, NAME being its path under assets/ (package-version/file); /?asset=NAME,
// the address from when GraphiQL was at /, still answers (see explorer.go).

// Example is one tab of the GraphiQL page.
type Example struct {
	Title     string `json:"-"`
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
}

// Examples open in GraphiQL, one tab each: what a researcher, a front-end developer, an ML engineer
// and a policy analyst would ask first. Every variable of an example has a default value equal to
// its entry in Variables: GraphiQL 4 fills the variables editor of the first tab only after a tab
// switch, and an example must run as it opens (TestGraphiQLExamplesRunAsTheyOpen).
var Examples = []Example{
	{
		Title: "researcher",
		Query: `# A researcher: find a failure mode, read what supports it, and look around it.
query Researcher($q: String! = "poisoning", $id: ID! = "poisoning") {
  search(query: $q, kinds: [FAILURE_MODE], first: 5) {
    pageInfo { hasNextPage endCursor }
    edges { score node { id name summary } }
  }
  failureMode(id: $id) {
    name
    number
    intent
    compromises
    knowledge
    parent { id name }
    subtypes { id name }
    capabilities { id name }
    externalIds { framework code name match }
    references { id title authors year arxiv doi }
  }
  neighborhood(id: $id, depth: 1, relations: [MITIGATES, TARGETS]) {
    truncated
    nodes { id kind name }
    edges { type source target strength }
  }
}
`,
		Variables: `{"q": "poisoning", "id": "poisoning"}`,
	},
	{
		Title: "frontend",
		Query: `# A front end: render any node by kind, and page through the literature.
query Frontend($id: ID! = "poisoning", $after: String = null) {
  node(id: $id) {
    __typename
    id
    name
    summary
    degree
    ... on FailureMode { intent compromises severity { level source edition } }
    ... on Mitigation { category lifecycle }
  }
  references(first: 10, after: $after, yearFrom: 2018) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id title authors year venue url } }
  }
  stats { nodes edges byKind { kind count } }
}
`,
		Variables: `{"id": "poisoning", "after": null}`,
	},
	{
		Title: "ML engineer",
		Query: `# An ML engineer: what threatens these assets, and the fewest mitigations that answer it.
query ThreatModel($assets: [ID!]! = ["training-data", "model-weights"]) {
  threatModel(assets: $assets) {
    coverMethod
    failureModes { id name compromises }
    minimalCover { id name category }
    mitigations { coverCount mitigation { name } edges { target strength } }
    uncovered { id name }
  }
}
`,
		Variables: `{"assets": ["training-data", "model-weights"]}`,
	},
	{
		Title: "policy analyst",
		Query: `# A policy analyst: which failure modes raise questions under which laws.
query Policy($jurisdiction: String = "US", $fm: ID! = "model-inversion") {
  legalMatrix(jurisdiction: $jurisdiction) {
    columns { id name instrument citation }
    rows { id name }
    cells { question references { id title } }
  }
  legalExposure(failureMode: $fm) {
    violatesAccessAuthorization
    accessCommentary
    items { jurisdiction consideration { name } question inheritedFrom { id } references { title } }
  }
}
`,
		Variables: `{"jurisdiction": "US", "fm": "model-inversion"}`,
	},
}

var graphiqlPage = template.Must(template.New("graphiql").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>failgraph · GraphiQL</title>
<link rel="icon" type="image/svg+xml" href="{{.Favicon}}">
<style>body{margin:0}#graphiql{height:100vh}.loading{height:100%;display:flex;align-items:center;justify-content:center;font:2rem sans-serif}</style>
<script src="{{.React.URL}}" integrity="{{.React.Integrity}}"></script>
<script src="{{.ReactDOM.URL}}" integrity="{{.ReactDOM.Integrity}}"></script>
<link rel="stylesheet" href="{{.GraphiQLCSS.URL}}" integrity="{{.GraphiQLCSS.Integrity}}">
</head>
<body>
<div id="graphiql"><div class="loading">Loading GraphiQL…</div></div>
<script src="{{.GraphiQLJS.URL}}" integrity="{{.GraphiQLJS.Integrity}}"></script>
<script>
  const url = location.protocol + '//' + location.host + {{.Endpoint}};
  const tabs = {{.Tabs}};
  ReactDOM.render(
    React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url }),
      defaultTabs: tabs,
      defaultQuery: tabs[0].query,
      isHeadersEditorEnabled: true,
      inputValueDeprecation: true,
    }),
    document.getElementById('graphiql'),
  );
</script>
</body>
</html>
`))

// favicon is the page's icon, inline, so that it needs no route of its own: three nodes and the
// edges between them, one of them broken.
const favicon = template.URL(`data:image/svg+xml,` +
	`%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E` +
	`%3Cpath d='M8 24L16 8L24 24' stroke='%23555' stroke-width='2.5' fill='none'/%3E` +
	`%3Cpath d='M11 24H21' stroke='%23c0392b' stroke-width='2.5' stroke-dasharray='3 2'/%3E` +
	`%3Ccircle cx='16' cy='8' r='4.5' fill='%23e10098'/%3E` +
	`%3Ccircle cx='8' cy='24' r='4.5' fill='%232c7be5'/%3E` +
	`%3Ccircle cx='24' cy='24' r='4.5' fill='%23c0392b'/%3E%3C/svg%3E`)

// assetParam is the query parameter that names an asset on the GraphiQL route.
const assetParam = "asset"

// assetsFS holds the vendored builds. Their names carry the package versions, so a name always
// means the same bytes.
//
//go:embed assets/react-18.2.0/react.production.min.js
//go:embed assets/react-dom-18.2.0/react-dom.production.min.js
//go:embed assets/graphiql-4.1.2/graphiql.min.js
//go:embed assets/graphiql-4.1.2/graphiql.min.css
var assetsFS embed.FS

// asset is one vendored file.
type asset struct {
	Name      string // path under assets/
	Integrity string // its SHA-256 as a subresource-integrity value: the one the CDN's copy had
	cache     string // the Cache-Control value; empty: immutable for a year
	body      []byte
	gzOnce    sync.Once
	gz        []byte // body gzipped, made on first demand
}

// The files the page loads. The integrity values are the ones the page had when it loaded these
// same files from jsDelivr; a test checks each embedded file against its value, and a browser
// would refuse a file that does not match.
var (
	reactJS      = newAsset("react-18.2.0/react.production.min.js", "sha256-S0lp+k7zWUMk2ixteM6HZvu8L9Eh//OVrt+ZfbCpmgY=")
	reactDOMJS   = newAsset("react-dom-18.2.0/react-dom.production.min.js", "sha256-IXWO0ITNDjfnNXIu5POVfqlgYoop36bDzhodR6LW5Pc=")
	graphiqlCSS  = newAsset("graphiql-4.1.2/graphiql.min.css", "sha256-MEh+B2NdMSpj9kexQNN3QKc8UzMrCXW/Sx/phcpuyIU=")
	graphiqlJS   = newAsset("graphiql-4.1.2/graphiql.min.js", "sha256-hnImuor1znlJkD/FOTL3jayfS/xsyNoP04abi8bFJWs=")
	assetsByName = map[string]*asset{}
)

// newAsset reads a vendored file and indexes it; a missing file is a build error, so it panics.
func newAsset(name, integrity string) *asset {
	b, err := assetsFS.ReadFile("assets/" + name)
	if err != nil {
		panic("graphiql: " + err.Error())
	}
	a := &asset{Name: name, Integrity: integrity, body: b}
	assetsByName[name] = a
	return a
}

// URL is where the page asks for the asset.
func (a *asset) URL() string { return PathGraphiQL + "?" + assetParam + "=" + a.Name }

// contentType is the asset's media type, from its extension.
func (a *asset) contentType() string {
	switch path.Ext(a.Name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	return "application/octet-stream"
}

// gzipped is the asset gzipped, compressed once on first demand (GraphiQL's 1 MB script becomes
// about a quarter of that).
func (a *asset) gzipped() []byte {
	a.gzOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(a.body)
		_ = zw.Close()
		a.gz = buf.Bytes()
	})
	return a.gz
}

// serve answers with the asset: its own media type, cached for a year as immutable (its name
// carries its version), gzipped when the client accepts it. http.ServeContent handles HEAD, ranges
// and If-None-Match against the ETag, the file's hash.
func (a *asset) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", a.contentType())
	if a.cache != "" {
		h.Set("Cache-Control", a.cache)
	} else {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	body, etag := a.body, strings.TrimPrefix(a.Integrity, "sha256-")
	if acceptsGzip(r) {
		body, etag = a.gzipped(), etag+"-gzip"
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", `"`+etag+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip tells whether the request's Accept-Encoding names gzip with a weight above zero.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(strings.Join(r.Header.Values("Accept-Encoding"), ","), ",") {
		coding, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			w, err := strconv.ParseFloat(q, 64)
			return err == nil && w > 0
		}
		return true
	}
	return false
}

// graphiql serves the GraphiQL page for the GraphQL endpoint at endpoint, and the page's assets as
// ?asset=NAME.
func graphiql(endpoint string) http.Handler {
	data := struct {
		Endpoint                                 string
		Tabs                                     []Example
		Favicon                                  template.URL
		React, ReactDOM, GraphiQLCSS, GraphiQLJS *asset
	}{endpoint, Examples, favicon, reactJS, reactDOMJS, graphiqlCSS, graphiqlJS}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if q := r.URL.Query(); q.Has(assetParam) {
			a := assetsByName[q.Get(assetParam)]
			if a == nil {
				http.NotFound(w, r)
				return
			}
			a.serve(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = graphiqlPage.Execute(w, data)
	})
}
