package export

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

// RDF Turtle. failgraph's own small vocabulary (prefix fg:, namespace VocabIRI) has a class per
// node kind, each a subclass of skos:Concept, and a property per relation type; nodes (prefix
// fgn:, NodeIRI) are SKOS concepts with skos:prefLabel, skos:altLabel and skos:definition. The
// crosswalk becomes SKOS mapping properties by match (exact → skos:exactMatch, close →
// skos:closeMatch, related → skos:relatedMatch) to the framework's page where it has one, or to a
// urn:failgraph:external IRI. Each edge is a triple of its relation's property; an edge with a
// strength, note or references is also described by an fg:Statement resource (fge:, EdgeIRI)
// with fg:subject, fg:predicate, fg:object, fg:strength, fg:note and fg:evidence.

// The IRIs of failgraph's vocabulary, nodes and edge statements. failgraph has no web domain of its
// own, so they are URNs.
const (
	VocabIRI = "urn:failgraph:vocab#"
	NodeIRI  = "urn:failgraph:node:"
	EdgeIRI  = "urn:failgraph:edge:"
)

// TurtleClass is the vocabulary class of kind k (fg:FailureMode, fg:AtlasTechnique, ...).
func TurtleClass(k kg.Kind) string { return "fg:" + string(k) }

// TurtleProperty is the vocabulary property of relation t: the type in lower camel case
// (MITIGATES → fg:mitigates, CORRESPONDS_TO → fg:correspondsTo).
func TurtleProperty(t kg.RelType) string {
	parts := strings.Split(strings.ToLower(string(t)), "_")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	return "fg:" + strings.Join(parts, "")
}

// TurtleMatch is the SKOS mapping property of a crosswalk match.
func TurtleMatch(match string) string {
	switch match {
	case "exact":
		return "skos:exactMatch"
	case "close":
		return "skos:closeMatch"
	}
	return "skos:relatedMatch"
}

var ttlEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`)

func lit(s string) string { return `"` + ttlEscaper.Replace(s) + `"` }

// iri writes an absolute IRI, escaping what Turtle forbids inside <>.
func iri(s string) string {
	var b strings.Builder
	b.WriteByte('<')
	for _, r := range s {
		if r <= 0x20 || strings.ContainsRune(`<>"{}|^`+"`\\", r) {
			fmt.Fprintf(&b, `\u%04X`, r)
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('>')
	return b.String()
}

// local is a slug as a prefixed local name; slugs ([a-z0-9-]) are always valid ones.
func local(prefix, id string) string { return prefix + ":" + id }

func writeTurtle(_ context.Context, _ *Exporter, in *input, w io.Writer) error {
	var b strings.Builder
	b.WriteString("@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n")
	b.WriteString("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
	b.WriteString("@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n")
	b.WriteString("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n")
	b.WriteString("@prefix dcterms: <http://purl.org/dc/terms/> .\n")
	fmt.Fprintf(&b, "@prefix fg: <%s> .\n@prefix fgn: <%s> .\n@prefix fge: <%s> .\n\n", VocabIRI, NodeIRI, EdgeIRI)

	b.WriteString("# The vocabulary.\n")
	b.WriteString("fg:Statement a rdfs:Class ; rdfs:label \"an edge of failgraph, with its strength, note and evidence\" .\n")
	for _, p := range []string{"subject", "predicate", "object", "strength", "note", "evidence", "atlasId", "atlasRelease", "intent", "compromises", "number", "category", "jurisdiction", "citation", "maturity"} {
		fmt.Fprintf(&b, "fg:%s a rdf:Property .\n", p)
	}
	for _, k := range kg.Kinds {
		fmt.Fprintf(&b, "%s a rdfs:Class ; rdfs:subClassOf skos:Concept ; rdfs:label %s .\n", TurtleClass(k), lit(string(k)))
	}
	for _, t := range kg.RelTypes {
		fmt.Fprintf(&b, "%s a rdf:Property ; rdfs:label %s .\n", TurtleProperty(t), lit(string(t)))
	}

	b.WriteString("\n# The nodes.\n")
	for _, n := range in.nodes {
		fmt.Fprintf(&b, "%s a %s, skos:Concept ;\n  skos:prefLabel %s", local("fgn", n.ID), TurtleClass(n.Kind), lit(n.Name))
		add := func(p, o string) { fmt.Fprintf(&b, " ;\n  %s %s", p, o) }
		if n.Summary != "" {
			add("skos:definition", lit(n.Summary))
		}
		for _, a := range n.Aliases {
			add("skos:altLabel", lit(a))
		}
		if n.Number != 0 {
			add("fg:number", fmt.Sprintf("%d", n.Number))
		}
		if n.Intent != "" {
			add("fg:intent", lit(strings.ToLower(string(n.Intent))))
		}
		for _, c := range n.Compromises {
			add("fg:compromises", lit(strings.ToLower(string(c))))
		}
		if n.Category != "" {
			add("fg:category", lit(n.Category))
		}
		if n.Jurisdiction != "" {
			add("fg:jurisdiction", lit(n.Jurisdiction))
		}
		if n.Citation != "" {
			add("fg:citation", lit(n.Citation))
		}
		if n.Title != "" {
			add("dcterms:title", lit(n.Title))
		}
		for _, a := range n.Authors {
			add("dcterms:creator", lit(a))
		}
		if n.Year != 0 {
			add("dcterms:date", fmt.Sprintf("\"%d\"^^xsd:gYear", n.Year))
		}
		if n.DOI != "" {
			add("dcterms:identifier", lit("doi:"+n.DOI))
		}
		if n.URL != "" {
			add("rdfs:seeAlso", iri(n.URL))
		}
		if n.AtlasID != "" {
			add("fg:atlasId", lit(n.AtlasID))
			add("fg:atlasRelease", lit(n.AtlasRelease))
		}
		if n.Maturity != "" {
			add("fg:maturity", lit(n.Maturity))
		}
		for _, x := range n.ExternalIDs {
			target := x.URL
			if target == "" || strings.Contains(target, "owasp.org") || strings.Contains(target, "csrc.nist.gov") {
				// several ids share one page there: an IRI of the id itself keeps them apart
				target = "urn:failgraph:external:" + strings.ReplaceAll(x.Framework, " ", "-") + ":" + x.ID
			}
			add(TurtleMatch(x.Match), iri(target))
		}
		b.WriteString(" .\n")
	}

	b.WriteString("\n# The edges.\n")
	for _, e := range in.edges {
		s, p, o := local("fgn", e.Source), TurtleProperty(e.Type), local("fgn", e.Target)
		fmt.Fprintf(&b, "%s %s %s .\n", s, p, o)
		if e.Strength == "" && e.Note == "" && len(e.Refs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s a fg:Statement ;\n  fg:subject %s ;\n  fg:predicate %s ;\n  fg:object %s", iri(EdgeIRI+e.ID), s, p, o)
		if e.Strength != "" {
			fmt.Fprintf(&b, " ;\n  fg:strength %s", lit(string(e.Strength)))
		}
		if e.Note != "" {
			fmt.Fprintf(&b, " ;\n  fg:note %s", lit(e.Note))
		}
		for _, r := range e.Refs {
			fmt.Fprintf(&b, " ;\n  fg:evidence %s", local("fgn", r))
		}
		b.WriteString(" .\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
