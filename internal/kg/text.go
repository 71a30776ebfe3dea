package kg

import (
	"sort"
	"strings"
	"unicode"
)

// Search ranking. Scoring depends only on the query and the node itself (no corpus statistics), so
// the embedded inverted index and Neo4j's full-text index, which only find candidates, rank the same
// candidates identically.

// Field weights of Document.
const (
	WeightName    = 4.0
	WeightAlias   = 3.0
	WeightID      = 3.0 // the slug and external ids
	WeightTitle   = 3.0
	WeightAuthors = 2.0
	WeightSummary = 1.0
	WeightOther   = 1.0 // venue, jurisdiction, citation, example
	prefixFactor  = 0.5 // a query token that is only a prefix of a document token
	phraseBonus   = 2.0 // the whole query occurs in the name or title
	minPrefixLen  = 3
)

var stopwords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true, "by": true,
	"for": true, "from": true, "in": true, "into": true, "is": true, "it": true, "its": true, "of": true,
	"on": true, "or": true, "that": true, "the": true, "their": true, "this": true, "to": true,
	"was": true, "what": true, "which": true, "with": true,
}

// Tokenize lower-cases s, splits it on anything but letters and digits, folds common Latin accents
// and drops stopwords.
func Tokenize(s string) []string {
	s = foldAccents(strings.ToLower(s))
	fields := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := fields[:0]
	for _, f := range fields {
		if !stopwords[f] {
			out = append(out, f)
		}
	}
	return out
}

var accentFolder = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ä", "a", "ã", "a", "å", "a", "ç", "c", "è", "e", "é", "e", "ê", "e",
	"ë", "e", "ì", "i", "í", "i", "î", "i", "ï", "i", "ñ", "n", "ò", "o", "ó", "o", "ô", "o", "ö", "o",
	"õ", "o", "ø", "o", "ù", "u", "ú", "u", "û", "u", "ü", "u", "ý", "y", "ÿ", "y", "ß", "ss",
)

func foldAccents(s string) string { return accentFolder.Replace(s) }

// DocField is one weighted field of a node's searchable text.
type DocField struct {
	Weight float64
	Tokens []string
}

// Document returns the searchable fields of n.
func Document(n *Node) []DocField {
	ids := []string{n.ID}
	if n.AtlasID != "" {
		ids = append(ids, n.AtlasID)
	}
	for _, x := range n.ExternalIDs {
		ids = append(ids, x.ID, x.Name)
	}
	other := []string{n.Venue, n.Jurisdiction, n.Citation, n.Instrument, n.Category}
	return []DocField{
		{WeightName, Tokenize(n.Name)},
		{WeightAlias, Tokenize(strings.Join(n.Aliases, " "))},
		{WeightID, Tokenize(strings.Join(ids, " "))},
		{WeightTitle, Tokenize(n.Title)},
		{WeightAuthors, Tokenize(strings.Join(n.Authors, " "))},
		{WeightSummary, Tokenize(n.Summary)},
		{WeightOther, Tokenize(strings.Join(other, " "))},
	}
}

// DocumentTokens returns the distinct tokens of n's document, sorted. Stores index these.
func DocumentTokens(n *Node) []string {
	seen := map[string]bool{}
	for _, f := range Document(n) {
		for _, t := range f.Tokens {
			seen[t] = true
		}
	}
	out := make([]string, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// QueryTokens returns the distinct tokens of a query, in query order.
func QueryTokens(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range Tokenize(q) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// TokenMatches reports how a query token matches a document token: 1 for equal, prefixFactor when
// the query token (of at least three characters) is a prefix, 0 otherwise.
func TokenMatches(q, d string) float64 {
	if q == d {
		return 1
	}
	if len(q) >= minPrefixLen && strings.HasPrefix(d, q) {
		return prefixFactor
	}
	return 0
}

// Score returns the relevance of n to the query: for each query token, the best weighted match over
// the fields (counting a field's repeated matches with diminishing returns), plus a bonus when the
// whole query occurs in the name or title. Zero means no match.
func Score(query string, n *Node) float64 {
	qt := QueryTokens(query)
	if len(qt) == 0 {
		return 0
	}
	fields := Document(n)
	total := 0.0
	for _, q := range qt {
		best := 0.0
		for _, f := range fields {
			hits := 0.0
			for _, d := range f.Tokens {
				if m := TokenMatches(q, d); m > hits {
					hits = m
				}
			}
			if s := f.Weight * hits; s > best {
				best = s
			}
		}
		total += best
	}
	if total == 0 {
		return 0
	}
	phrase := strings.Join(qt, " ")
	if strings.Contains(strings.Join(Tokenize(n.Name), " "), phrase) || strings.Contains(strings.Join(Tokenize(n.Title), " "), phrase) {
		total += phraseBonus
	}
	// Rounded so that backends agree to the last digit.
	return float64(int(total*1000+0.5)) / 1000
}

// SortHits orders hits best first, ties by id, and cuts them to limit (0: no cut).
func SortHits(hits []Hit, limit int) []Hit {
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Node.ID < hits[j].Node.ID
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
