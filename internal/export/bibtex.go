package export

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/failgraph/failgraph/internal/kg"
)

// BibTeX of the references in the export (the whole graph's, or those of the focus neighbourhood).
// The key is the reference's id; the entry type follows its type and venue: papers in proceedings
// are @inproceedings, other papers @article, books @book, reports @techreport, everything else
// (web pages, statutes, regulations, cases, standards) @misc. Corporate authors (one word, or a
// name with no comma that BibTeX would split) are braced so BibTeX keeps them whole.

func bibType(n *kg.Node) string {
	switch n.RefType {
	case "paper":
		v := strings.ToLower(n.Venue)
		for _, w := range []string{"conference", "proceedings", "symposium", "workshop", "neurips", "icml", "iclr", "(ccs", "usenix", "s&p", "cvpr", "iccv", "eccv", "aaai", "acl", "emnlp", "naacl"} {
			if strings.Contains(v, w) {
				return "inproceedings"
			}
		}
		if n.ArXiv != "" && (v == "" || strings.Contains(v, "arxiv")) {
			return "misc"
		}
		return "article"
	case "book":
		return "book"
	case "report":
		return "techreport"
	}
	return "misc"
}

// venueField is the field a venue goes into for an entry type.
func venueField(typ string) string {
	switch typ {
	case "inproceedings":
		return "booktitle"
	case "article":
		return "journal"
	case "techreport":
		return "institution"
	case "book":
		return "publisher"
	}
	return "howpublished"
}

var bibEscaper = strings.NewReplacer(`\`, `\textbackslash{}`, "&", `\&`, "%", `\%`, "$", `\$`, "#", `\#`, "_", `\_`, "{", `\{`, "}", `\}`, "~", `\textasciitilde{}`, "^", `\textasciicircum{}`)

// BibEscape escapes s for a braced BibTeX field value.
func BibEscape(s string) string { return bibEscaper.Replace(s) }

// bibAuthor writes one author: people as they are, organisations braced.
func bibAuthor(a string) string {
	if personName(a) {
		return BibEscape(a)
	}
	return "{" + BibEscape(a) + "}"
}

// personName guesses whether a is a person's name (given names then surname) rather than an
// organisation: organisations are one word or contain a word BibTeX must not split.
func personName(a string) bool {
	f := strings.Fields(a)
	if len(f) < 2 || len(f) > 5 {
		return false
	}
	for _, w := range f {
		lw := strings.ToLower(w)
		for _, org := range []string{"congress", "parliament", "council", "commission", "court", "office", "institute", "foundation", "agency", "university", "microsoft", "mitre", "owasp", "nist", "government", "department", "union", "national", "states", "kingdom", "association", "team", "group", "centre", "center", "board", "authority", "corporation", "inc", "ltd", "llc"} {
			if strings.Trim(lw, ".,()") == org {
				return false
			}
		}
	}
	return true
}

func writeBibTeX(_ context.Context, _ *Exporter, in *input, w io.Writer) error {
	var b strings.Builder
	b.WriteString("% The references of failgraph, a knowledge graph of the ways machine-learning systems fail.\n")
	for _, n := range in.ofKind(kg.KindReference) {
		typ := bibType(n)
		fmt.Fprintf(&b, "\n@%s{%s,\n", typ, n.ID)
		field := func(k, v string) {
			if v != "" {
				fmt.Fprintf(&b, "  %s = {%s},\n", k, v)
			}
		}
		field("title", BibEscape(n.Title))
		authors := make([]string, len(n.Authors))
		for i, a := range n.Authors {
			authors[i] = bibAuthor(a)
		}
		field("author", strings.Join(authors, " and "))
		if n.Year != 0 {
			field("year", fmt.Sprint(n.Year))
		}
		field(venueField(typ), BibEscape(n.Venue))
		field("doi", BibEscape(n.DOI))
		if n.ArXiv != "" {
			field("eprint", n.ArXiv)
			field("archiveprefix", "arXiv")
		}
		field("url", n.URL)
		b.WriteString("}\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
