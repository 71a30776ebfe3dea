package server

import (
	"html/template"
	"net/http"
)

// The GraphiQL page. gqlgen's playground.Handler renders GraphiQL too, but offers no way to open
// with example tabs, so this is the same page (same pinned GraphiQL and React builds from jsDelivr,
// with subresource integrity) plus failgraph's examples, one tab per audience. GraphiQL keeps a
// user's own tabs in local storage; the examples appear on a first visit.

// Example is one tab of the GraphiQL page.
type Example struct {
	Title     string `json:"-"`
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
}

// Examples open in GraphiQL, one tab each: what a researcher, a front-end developer, an ML engineer
// and a policy analyst would ask first.
var Examples = []Example{
	{
		Title: "researcher",
		Query: `# A researcher: find a failure mode, read what supports it, and look around it.
query Researcher($q: String!, $id: ID!) {
  search(query: $q, kinds: [FAILURE_MODE], first: 5) {
    score
    node { id name summary }
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
    externalIds { framework id name match }
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
query Frontend($id: ID!, $after: String) {
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
query ThreatModel($assets: [ID!]!) {
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
query Policy($jurisdiction: String, $fm: ID!) {
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
<style>body{margin:0}#graphiql{height:100vh}.loading{height:100%;display:flex;align-items:center;justify-content:center;font:2rem sans-serif}</style>
<script src="https://cdn.jsdelivr.net/npm/react@18.2.0/umd/react.production.min.js" integrity="sha256-S0lp+k7zWUMk2ixteM6HZvu8L9Eh//OVrt+ZfbCpmgY=" crossorigin="anonymous"></script>
<script src="https://cdn.jsdelivr.net/npm/react-dom@18.2.0/umd/react-dom.production.min.js" integrity="sha256-IXWO0ITNDjfnNXIu5POVfqlgYoop36bDzhodR6LW5Pc=" crossorigin="anonymous"></script>
<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/graphiql@4.1.2/graphiql.min.css" integrity="sha256-MEh+B2NdMSpj9kexQNN3QKc8UzMrCXW/Sx/phcpuyIU=" crossorigin="anonymous">
</head>
<body>
<div id="graphiql"><div class="loading">Loading GraphiQL…</div></div>
<script src="https://cdn.jsdelivr.net/npm/graphiql@4.1.2/graphiql.min.js" integrity="sha256-hnImuor1znlJkD/FOTL3jayfS/xsyNoP04abi8bFJWs=" crossorigin="anonymous"></script>
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

// graphiql serves the GraphiQL page for the endpoint at path.
func graphiql(path string) http.Handler {
	data := struct {
		Endpoint string
		Tabs     []Example
	}{path, Examples}
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = graphiqlPage.Execute(w, data)
	})
}
