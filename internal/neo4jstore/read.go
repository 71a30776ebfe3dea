package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/failgraph/failgraph/internal/kg"
)

func (s *Store) read(ctx context.Context, cypher string, params map[string]any, use func([]*neo4j.Record) error) error {
	return s.run(ctx, neo4j.AccessModeRead, cypher, params, use)
}

// recordNode decodes the node in column key; nil when the column is null (OPTIONAL MATCH).
func recordNode(rec *neo4j.Record, key string) (*kg.Node, error) {
	v, isNil, err := neo4j.GetRecordValue[neo4j.Node](rec, key)
	if err != nil || isNil {
		return nil, err
	}
	return decodeNode(v.Labels, v.Props)
}

// nodeList decodes the single row of a statement that returns a list of nodes in column "nodes".
func nodeList(recs []*neo4j.Record) ([]*kg.Node, error) {
	if len(recs) != 1 {
		return nil, fmt.Errorf("%d rows, want 1", len(recs))
	}
	l, _, err := neo4j.GetRecordValue[[]any](recs[0], "nodes")
	if err != nil {
		return nil, err
	}
	var out []*kg.Node // nil when empty, as the embedded store gives
	for _, v := range l {
		dn, ok := v.(neo4j.Node)
		if !ok {
			return nil, fmt.Errorf("nodes holds a %T", v)
		}
		n, err := decodeNode(dn.Labels, dn.Props)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// Node implements kg.Store.
func (s *Store) Node(ctx context.Context, id string) (*kg.Node, error) {
	var n *kg.Node
	err := s.read(ctx, cypherNode, map[string]any{"id": id}, func(recs []*neo4j.Record) error {
		if len(recs) == 0 {
			return nil
		}
		var err error
		n, err = recordNode(recs[0], "n")
		return err
	})
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, kg.Errorf(kg.ENOTFOUND, "id", "no node with id %q", id)
	}
	return n, nil
}

// Nodes implements kg.Store in one statement.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]*kg.Node, error) {
	out := make([]*kg.Node, len(ids))
	if len(ids) == 0 {
		return out, kg.CtxErr(ctx)
	}
	found := map[string]*kg.Node{}
	err := s.read(ctx, cypherNodes, map[string]any{"ids": kg.DistinctIDs(ids)}, func(recs []*neo4j.Record) error {
		ns, err := nodeList(recs)
		for _, n := range ns {
			found[n.ID] = n
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	for i, id := range ids {
		out[i] = found[id].Clone() // a copy per position: callers may keep and change them
	}
	return out, nil
}

func filterParams(f kg.Filter) map[string]any {
	return map[string]any{
		"intent":       string(f.Intent),
		"compromises":  string(f.Compromises),
		"origin":       string(f.Origin),
		"status":       string(f.Status),
		"jurisdiction": f.Jurisdiction,
		"yearMin":      int64(f.YearMin),
		"yearMax":      int64(f.YearMax),
		"author":       f.Author,
		"text":         f.Text,
	}
}

// List implements kg.Store; the filter is evaluated in Cypher.
func (s *Store) List(ctx context.Context, f kg.Filter) ([]*kg.Node, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	cypher, params, less := listQuery(f)
	var out []*kg.Node
	err := s.read(ctx, cypher, params, func(recs []*neo4j.Record) (err error) {
		out, err = nodeList(recs)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Cypher sorted them already (LIMIT needs it); sorting again in Go makes the order the
	// contract's by construction, whatever collect() does with row order.
	sort.SliceStable(out, func(i, j int) bool { return less(out[i], out[j]) })
	return out, nil
}

// listQuery returns List's statement for f, its parameters and the order of its answer.
func listQuery(f kg.Filter) (string, map[string]any, func(a, b *kg.Node) bool) {
	params := filterParams(f)
	cypher := listByKind[f.Kind]
	less := kg.NodeLess
	if f.After != "" || f.Before != "" || f.Limit > 0 {
		less = func(a, b *kg.Node) bool { return a.ID < b.ID }
		cypher = listPageByKind[f.Kind]
		if f.FromEnd {
			cypher = listPageLastByKind[f.Kind]
		}
		params["after"] = f.After
		params["before"] = f.Before
		limit := int64(f.Limit)
		if limit == 0 {
			limit = 1<<63 - 1
		}
		params["limit"] = limit
	}
	return cypher, params, less
}

// Count implements kg.Store.
func (s *Store) Count(ctx context.Context, f kg.Filter) (int, error) {
	if err := f.Validate(); err != nil {
		return 0, err
	}
	var c int64
	err := s.read(ctx, countByKind[f.Kind], filterParams(f), func(recs []*neo4j.Record) error {
		if len(recs) != 1 {
			return fmt.Errorf("count: %d rows", len(recs))
		}
		var err error
		c, _, err = neo4j.GetRecordValue[int64](recs[0], "count")
		return err
	})
	return int(c), err
}

// Adjacent implements kg.Store in one statement for all ids.
func (s *Store) Adjacent(ctx context.Context, ids []string, dir kg.Direction, types []kg.RelType) (map[string][]kg.Edge, error) {
	out := make(map[string][]kg.Edge, len(ids))
	for _, id := range ids {
		out[id] = []kg.Edge{}
	}
	if len(ids) == 0 {
		return out, kg.CtxErr(ctx)
	}
	cypher := cypherAdjacentBoth
	switch dir {
	case kg.Out:
		cypher = cypherAdjacentOut
	case kg.In:
		cypher = cypherAdjacentIn
	}
	if len(types) == 0 {
		types = kg.RelTypes
	}
	params := map[string]any{"ids": kg.DistinctIDs(ids), "types": strs(types)}
	err := s.read(ctx, cypher, params, func(recs []*neo4j.Record) error {
		if len(recs) != 1 {
			return fmt.Errorf("adjacent: %d rows", len(recs))
		}
		rows, _, err := neo4j.GetRecordValue[[]any](recs[0], "edges")
		if err != nil {
			return err
		}
		for _, row := range rows {
			id, e, err := decodeEdge(row)
			if err != nil {
				return err
			}
			out[id] = append(out[id], e)
			// A loop is both an out- and an in-edge of its node: the embedded store lists it
			// twice under Both, and so does this one.
			if dir == kg.Both && e.Source == e.Target {
				out[id] = append(out[id], e.Clone())
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, es := range out {
		kg.SortEdges(es)
	}
	return out, nil
}

// decodeEdge decodes one [id, type, source, target, note, strength, refs, basis, confidence, reason]
// row of Adjacent.
func decodeEdge(row any) (string, kg.Edge, error) {
	var e kg.Edge
	l, ok := row.([]any)
	if !ok || len(l) != 10 {
		return "", e, fmt.Errorf("adjacent: malformed row %v", row)
	}
	var str [10]string
	for i := range str {
		if i == 6 || l[i] == nil { // column 6 is the refs list
			continue
		}
		if str[i], ok = l[i].(string); !ok {
			return "", e, fmt.Errorf("adjacent: column %d holds a %T", i, l[i])
		}
	}
	id := str[0]
	e.Type, e.Source, e.Target, e.Note, e.Strength = kg.RelType(str[1]), str[2], str[3], str[4], kg.Strength(str[5])
	e.Basis, e.Confidence, e.Reason = kg.Basis(str[7]), kg.Confidence(str[8]), str[9]
	e.ID = kg.EdgeID(e.Type, e.Source, e.Target)
	if l[6] != nil {
		refs, ok := l[6].([]any)
		if !ok {
			return "", e, fmt.Errorf("edge %s: refs holds a %T", e.ID, l[6])
		}
		for _, r := range refs {
			s, ok := r.(string)
			if !ok {
				return "", e, fmt.Errorf("edge %s: refs holds a %T", e.ID, r)
			}
			e.Refs = append(e.Refs, s)
		}
	}
	return id, e, nil
}

// Search implements kg.Store: the full-text index finds the candidates, every node with a token
// equal to a query token or, for query tokens of three bytes or more (kg.TokenMatches), starting
// with one; kg.Score ranks them as the embedded store does.
func (s *Store) Search(ctx context.Context, query string, kinds []kg.Kind, limit int) ([]kg.Hit, error) {
	qt := kg.QueryTokens(query)
	if len(qt) == 0 {
		return nil, kg.Errorf(kg.EINVALID, "query", "must contain at least one word")
	}
	params := map[string]any{"query": luceneQuery(qt), "kinds": strs(kinds)}
	if kinds == nil {
		params["kinds"] = []string{}
	}
	var hits []kg.Hit
	err := s.read(ctx, cypherSearch, params, func(recs []*neo4j.Record) error {
		ns, err := nodeList(recs)
		for _, n := range ns {
			if sc := kg.Score(query, n); sc > 0 {
				hits = append(hits, kg.Hit{Node: n, Score: sc})
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return kg.SortHits(hits, limit), nil
}

// luceneQuery ORs the query tokens: prefix terms for tokens long enough to match as prefixes,
// exact terms for the others.
func luceneQuery(tokens []string) string {
	terms := make([]string, len(tokens))
	for i, t := range tokens {
		terms[i] = luceneEscape(t)
		if kg.TokenMatches(t, t+"x") > 0 { // the same length rule as the scoring
			terms[i] += "*"
		}
	}
	return strings.Join(terms, " OR ")
}

var luceneSpecial = strings.NewReplacer(
	`\`, `\\`, `+`, `\+`, `-`, `\-`, `&`, `\&`, `|`, `\|`, `!`, `\!`, `(`, `\(`, `)`, `\)`,
	`{`, `\{`, `}`, `\}`, `[`, `\[`, `]`, `\]`, `^`, `\^`, `"`, `\"`, `~`, `\~`, `*`, `\*`,
	`?`, `\?`, `:`, `\:`, `/`, `\/`, ` `, `\ `,
)

// luceneEscape quotes Lucene's query syntax. Tokens are letters and digits only, so this is
// defence in depth; an upper-case AND/OR/NOT cannot occur either, tokens being lower-cased.
func luceneEscape(s string) string { return luceneSpecial.Replace(s) }

// Stats implements kg.Store; kinds and types without nodes or edges are left out, as in the
// embedded store.
func (s *Store) Stats(ctx context.Context) (kg.Stats, error) {
	st := kg.Stats{Nodes: map[kg.Kind]int{}, Edges: map[kg.RelType]int{}}
	err := s.read(ctx, cypherStats, nil, func(recs []*neo4j.Record) error {
		for _, rec := range recs {
			what, _, err := neo4j.GetRecordValue[string](rec, "what")
			if err != nil {
				return err
			}
			name, _, err := neo4j.GetRecordValue[string](rec, "name")
			if err != nil {
				return err
			}
			c, _, err := neo4j.GetRecordValue[int64](rec, "count")
			if err != nil {
				return err
			}
			switch {
			case c == 0:
			case what == "node":
				st.Nodes[kg.Kind(name)] = int(c)
			default:
				st.Edges[kg.RelType(name)] = int(c)
			}
		}
		return nil
	})
	if err != nil {
		return kg.Stats{}, err
	}
	err = s.read(ctx, cypherLoaded, nil, func(recs []*neo4j.Record) error {
		if len(recs) == 0 {
			return nil // loaded by a failgraph that did not record it
		}
		rec := recs[0]
		var l kg.Loaded
		var err error
		if l.Hash, _, err = neo4j.GetRecordValue[string](rec, "hash"); err != nil {
			return err
		}
		nodes, _, err := neo4j.GetRecordValue[int64](rec, "nodes")
		if err != nil {
			return err
		}
		edges, _, err := neo4j.GetRecordValue[int64](rec, "edges")
		if err != nil {
			return err
		}
		if l.Merged, _, err = neo4j.GetRecordValue[bool](rec, "merged"); err != nil {
			return err
		}
		if l.At, _, err = neo4j.GetRecordValue[time.Time](rec, "at"); err != nil {
			return err
		}
		l.Nodes, l.Edges, l.At = int(nodes), int(edges), l.At.UTC()
		st.Loaded = &l
		return nil
	})
	if err != nil {
		return kg.Stats{}, err
	}
	return st, nil
}

// Ping implements kg.Store with a trivial statement on the configured database. A context that has
// already ended is ETIMEOUT (or ECANCELED), as for every method; once sent, every failure is EUNAVAILABLE, a server
// that does not answer before ctx's deadline included: the server's fault, whatever the caller's
// deadline (docs/OPERATIONS.md, "One cause, one code").
func (s *Store) Ping(ctx context.Context) error {
	if err := kg.CtxErr(ctx); err != nil {
		return err
	}
	err := s.read(ctx, cypherPing, nil, func([]*neo4j.Record) error { return nil })
	switch {
	case err == nil, kg.ErrorCode(err) == kg.EUNAVAILABLE:
		return err
	case errors.Is(ctx.Err(), context.Canceled):
		return err // the caller gave up: not the server's fault
	case kg.ErrorCode(err) == kg.ETIMEOUT:
		return kg.Wrap(kg.EUNAVAILABLE, err, "the graph database did not answer in time")
	default:
		return kg.Wrap(kg.EUNAVAILABLE, err, "the graph database failed")
	}
}
