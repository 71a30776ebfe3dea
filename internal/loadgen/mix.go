package loadgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/failgraph/failgraph/graph/model"
	"github.com/failgraph/failgraph/internal/kg"
)

// request is one GraphQL request of a mix, its JSON body ready to send.
type request struct {
	name string
	body []byte
}

// bodyFor returns the body of the k-th sending of r: r.body with varyMark, if any, replaced by k.
func (r request) bodyFor(k int, buf []byte) []byte {
	i := bytes.Index(r.body, []byte(varyMark))
	if i < 0 {
		return r.body
	}
	buf = append(buf[:0], r.body[:i]...)
	buf = strconv.AppendInt(buf, int64(k), 10)
	return append(buf, r.body[i+len(varyMark):]...)
}

// normalMix returns the requests of an ordinary client, weighted by repetition: node lookups,
// failure modes with their mitigations, search, depth-2 neighbourhoods, paths, threat models and
// pages of references, over ids of g.
func normalMix(g *kg.Graph) ([]request, error) {
	ids := map[kg.Kind][]string{}
	for _, n := range g.Nodes {
		ids[n.Kind] = append(ids[n.Kind], n.ID)
	}
	for _, k := range []kg.Kind{kg.KindFailureMode, kg.KindAsset, kg.KindMitigation, kg.KindReference} {
		if len(ids[k]) < 3 {
			return nil, fmt.Errorf("the graph has fewer than 3 nodes of kind %s", k)
		}
		slices.Sort(ids[k])
	}
	fms, assets, mits, refs := ids[kg.KindFailureMode], ids[kg.KindAsset], ids[kg.KindMitigation], ids[kg.KindReference]
	pick := func(s []string, i int) string { return s[i*7%len(s)] }

	var out []request
	add := func(name, query string, vars map[string]any) {
		b, err := json.Marshal(map[string]any{"operationName": name, "query": query, "variables": vars})
		if err != nil {
			panic(err) // only maps of strings and lists
		}
		out = append(out, request{name: name, body: b})
	}
	for i := range 4 {
		add("Node", `query Node($id: ID!) { node(id: $id) { id kind name summary aliases
			... on FailureMode { number intent compromises } ... on Mitigation { category lifecycle } } }`,
			map[string]any{"id": pick(fms, i)})
		add("Node", `query Node($id: ID!) { node(id: $id) { id kind name summary aliases
			... on FailureMode { number intent compromises } ... on Mitigation { category lifecycle } } }`,
			map[string]any{"id": pick(mits, i)})
	}
	add("FailureModes", `query FailureModes { failureModes { id name intent compromises mitigations { id name category } } }`, nil)
	add("FailureModes", `query FailureModes($intent: Intent) { failureModes(intent: $intent) { id name mitigations { id name } } }`,
		map[string]any{"intent": "INTENTIONAL"})
	for _, q := range []string{"poisoning", "model inversion", "membership", "adversarial examples", "supply chain", "privacy"} {
		add("Search", `query Search($q: String!) { search(query: $q, first: 10) { edges { score node { id kind name } } } }`,
			map[string]any{"q": q})
	}
	for i := range 3 {
		add("Neighborhood", `query Neighborhood($id: ID!) { neighborhood(id: $id, depth: 2, limit: 100) {
			truncated nodes { id kind name } edges { type source target } } }`, map[string]any{"id": pick(fms, i)})
	}
	for i := range 2 {
		add("Paths", `query Paths($from: ID!, $to: ID!) { paths(from: $from, to: $to, maxLength: 4, limit: 5) {
			length nodes { id name } edges { type } } }`, map[string]any{"from": pick(fms, i), "to": pick(assets, i)})
	}
	for i := range 2 {
		add("ThreatModel", `query ThreatModel($assets: [ID!]!) { threatModel(assets: $assets) {
			coverMethod failureModes { id name } minimalCover { id name } uncovered { id } } }`,
			map[string]any{"assets": []string{pick(assets, i), pick(assets, i+1)}})
	}
	for _, after := range []any{nil, refs[len(refs)/3], refs[2*len(refs)/3]} {
		add("References", `query References($after: String) { references(first: 20, after: $after) {
			totalCount pageInfo { endCursor hasNextPage } edges { node { id title year authors } } } }`,
			map[string]any{"after": cursor(after)})
	}
	return out, nil
}

// cursor is the page cursor after the reference with id, or nil.
func cursor(id any) any {
	s, ok := id.(string)
	if !ok {
		return nil
	}
	return model.EncodeCursor(s)
}

// varyMark is where an abusive query carries a number that changes with every request, inside a
// comment, so that no cache of the server can remember the query.
const varyMark = "VARY"

// abusiveMix returns what an abusive client sends: deep nesting, alias bombs, fragment bombs,
// nested lists, repeated fields and a neighbourhood far past the cost limit, each one fresh (see
// varyMark). A server that holds its limits refuses every one of them before resolving anything.
func abusiveMix() []request {
	var out []request
	add := func(name, query string) {
		b, err := json.Marshal(map[string]any{"query": query + "\n#" + varyMark})
		if err != nil {
			panic(err)
		}
		out = append(out, request{name: name, body: b})
	}
	add("deep", `{ failureMode(id: "poisoning") `+strings.Repeat("{ subtypes { parent ", 10)+"{ id }"+strings.Repeat(" } }", 10)+" }")
	var b strings.Builder
	for i := range 500 {
		fmt.Fprintf(&b, " a%d: failureModes { mitigations { mitigates { id } } }", i)
	}
	add("aliases", "{"+b.String()+" }")
	b.Reset()
	b.WriteString("query Bomb { ...F0 }\n")
	for i := range 40 {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	b.WriteString("fragment F40 on Query { failureModes { mitigations { id } } }\n")
	add("fragments", b.String())
	add("complex", `{ failureModes { mitigations { mitigates { mitigations { mitigates { mitigations { id } } } } } } }`)
	add("repeats", "{ failureModes { "+strings.Repeat("id ", 4000)+"} }")
	add("neighborhood", `{ neighborhood(id: "poisoning", depth: 3, limit: 1000) { nodes { id edges { sourceNode { id } targetNode { id } } } } }`)
	return out
}
