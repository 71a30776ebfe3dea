package export

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

// GraphML. Every node carries its kind, name and summary and the fields of its kind that are set;
// every edge its type and, when set, strength, note and the references it rests on (space
// separated ids). List fields are joined with "; ". Keys are declared once with their types, as
// NetworkX's read_graphml expects. The graph is directed; parallel edges (one pair of nodes joined
// by two types) keep their ids, the edge id.

// nodeAttrs are the GraphML node attributes: key, type, and the value of a node.
var nodeAttrs = []struct {
	key, typ string
	get      func(*kg.Node) string
}{
	{"kind", "string", func(n *kg.Node) string { return string(n.Kind) }},
	{"name", "string", func(n *kg.Node) string { return n.Name }},
	{"summary", "string", func(n *kg.Node) string { return n.Summary }},
	{"aliases", "string", func(n *kg.Node) string { return strings.Join(n.Aliases, "; ") }},
	{"number", "int", func(n *kg.Node) string { return intOrEmpty(n.Number) }},
	{"intent", "string", func(n *kg.Node) string { return string(n.Intent) }},
	{"compromises", "string", func(n *kg.Node) string { return joinTyped(n.Compromises) }},
	{"knowledge", "string", func(n *kg.Node) string { return joinTyped(n.Knowledge) }},
	{"violatesAccessAuthorization", "boolean", func(n *kg.Node) string {
		if n.ViolatesAccessAuthorization == nil {
			return ""
		}
		return strconv.FormatBool(*n.ViolatesAccessAuthorization)
	}},
	{"category", "string", func(n *kg.Node) string { return n.Category }},
	{"lifecycle", "string", func(n *kg.Node) string { return strings.Join(n.Lifecycle, "; ") }},
	{"jurisdiction", "string", func(n *kg.Node) string { return n.Jurisdiction }},
	{"instrument", "string", func(n *kg.Node) string { return n.Instrument }},
	{"citation", "string", func(n *kg.Node) string { return n.Citation }},
	{"year", "int", func(n *kg.Node) string { return intOrEmpty(n.Year) }},
	{"title", "string", func(n *kg.Node) string { return n.Title }},
	{"authors", "string", func(n *kg.Node) string { return strings.Join(n.Authors, "; ") }},
	{"venue", "string", func(n *kg.Node) string { return n.Venue }},
	{"doi", "string", func(n *kg.Node) string { return n.DOI }},
	{"arxiv", "string", func(n *kg.Node) string { return n.ArXiv }},
	{"url", "string", func(n *kg.Node) string { return n.URL }},
	{"atlasId", "string", func(n *kg.Node) string { return n.AtlasID }},
	{"atlasRelease", "string", func(n *kg.Node) string { return n.AtlasRelease }},
	{"maturity", "string", func(n *kg.Node) string { return n.Maturity }},
	{"caseStudyType", "string", func(n *kg.Node) string { return n.CaseStudyType }},
	{"incidentDate", "string", func(n *kg.Node) string { return n.IncidentDate }},
}

var edgeAttrs = []struct {
	key string
	get func(kg.Edge) string
}{
	{"type", func(e kg.Edge) string { return string(e.Type) }},
	{"strength", func(e kg.Edge) string { return string(e.Strength) }},
	{"note", func(e kg.Edge) string { return e.Note }},
	{"refs", func(e kg.Edge) string { return strings.Join(e.Refs, " ") }},
}

func intOrEmpty(v int) string {
	if v == 0 {
		return ""
	}
	return strconv.Itoa(v)
}

func joinTyped[T ~string](v []T) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = string(x)
	}
	return strings.Join(s, "; ")
}

func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func writeGraphML(_ context.Context, _ *Exporter, in *input, w io.Writer) error {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">` + "\n")
	for _, a := range nodeAttrs {
		fmt.Fprintf(&b, "  <key id=\"n_%s\" for=\"node\" attr.name=\"%s\" attr.type=\"%s\"/>\n", a.key, a.key, a.typ)
	}
	for _, a := range edgeAttrs {
		fmt.Fprintf(&b, "  <key id=\"e_%s\" for=\"edge\" attr.name=\"%s\" attr.type=\"string\"/>\n", a.key, a.key)
	}
	b.WriteString("  <graph id=\"failgraph\" edgedefault=\"directed\">\n")
	for _, n := range in.nodes {
		fmt.Fprintf(&b, "    <node id=\"%s\">\n", xmlText(n.ID))
		for _, a := range nodeAttrs {
			if v := a.get(n); v != "" {
				fmt.Fprintf(&b, "      <data key=\"n_%s\">%s</data>\n", a.key, xmlText(v))
			}
		}
		b.WriteString("    </node>\n")
	}
	for _, e := range in.edges {
		fmt.Fprintf(&b, "    <edge id=\"%s\" source=\"%s\" target=\"%s\">\n", xmlText(e.ID), xmlText(e.Source), xmlText(e.Target))
		for _, a := range edgeAttrs {
			if v := a.get(e); v != "" {
				fmt.Fprintf(&b, "      <data key=\"e_%s\">%s</data>\n", a.key, xmlText(v))
			}
		}
		b.WriteString("    </edge>\n")
	}
	b.WriteString("  </graph>\n</graphml>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
