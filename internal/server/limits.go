package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/failgraph/failgraph/graph"
)

// The limits on operations, enforced by one gqlgen extension in two steps.
//
// Before validation (MutateOperationParameters): first a lexical scan for tokens and aliases, which
// refuses most oversized queries without parsing them; then, on the parsed document alone, field
// depth, aliases and root fields (fragments expanded) and how often one response name is selected
// in one selection set. This step
// must come before gqlparser's validation, whose overlapping-fields rule is quadratic in repeated
// fields: 5,000 copies of one field (80 KB) take it seconds. A document already in the query cache
// passed this step and validation before, so it is not parsed again.
//
// After validation (MutateOperationContext), with the schema and the variables: the cost of the
// selected operation by the model of graph/complexity.go.
//
// Both walks expand fragment spreads with memoization, so a fragment spread twice in each of thirty
// nested fragments costs thirty steps to measure, not 2^30, and measures 2^30 (saturating).

func init() {
	// Refusals by the limits are answered like parse and validation failures: 200 with
	// application/json, 400 with application/graphql-response+json (httpspec.go).
	errcode.RegisterErrorType(graph.CodeQueryTooComplex, errcode.KindProtocol)
	errcode.RegisterErrorType(graph.CodeQueryTooDeep, errcode.KindProtocol)
}

const (
	// maxRepeats bounds how often one response name is selected in one selection set, counting
	// inline fragments and the fragments spread in it: gqlparser compares such fields pairwise.
	// Legitimate queries repeat a name once per concrete type at most (Node has seven).
	maxRepeats = 25
	// maxSpreadFragments bounds the distinct fragments one selection set reaches through spreads;
	// gqlparser compares them pairwise too.
	maxSpreadFragments = 50
	// maxCheckSteps bounds the work of the checks themselves; past it the document is refused as
	// too complex to measure.
	maxCheckSteps = 1_000_000
	// saturated is where counts stop growing: beyond every limit, far from overflow.
	saturated = 1 << 40
)

// limits is the gqlgen extension that enforces Config's operation limits.
type limits struct {
	maxTokens, maxDepth, maxAliases, maxRootFields, maxComplexity int
	// introspection allows __schema and __type; without it they are refused before execution
	// (gqlgen would answer them with an uncoded "introspection disabled" per field).
	introspection bool
	// docs is gqlgen's query cache: a document found there already passed the checks. A document
	// refused for its cost is removed from it, so that refused queries cannot crowd out the others.
	docs   *boundedCache[*ast.QueryDocument]
	schema *ast.Schema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = (*limits)(nil)

func (*limits) ExtensionName() string { return "FailgraphLimits" }

func (l *limits) Validate(es graphql.ExecutableSchema) error {
	l.schema = es.Schema()
	return nil
}

// MutateOperationParameters checks the document's shape before gqlgen validates it.
func (l *limits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if ri := infoFrom(ctx); ri != nil {
		ri.setClaimedOperation(p.OperationName)
	}
	if p.Query == "" {
		return nil // gqlgen answers "no operation provided"
	}
	if _, ok := l.docs.Get(ctx, p.Query); ok {
		return nil
	}
	if err := l.scan(p.Query); err != nil {
		return err
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.maxTokens)
	if err != nil {
		return parseError(err, l.maxTokens)
	}
	return l.checkShape(doc)
}

// scan refuses, at the cost of lexing alone (a third of parsing, and no allocations for the syntax
// tree), a query with more tokens or aliases than the limits allow: most oversized queries never
// reach the parser. An alias is the only colon outside parentheses (arguments, variable definitions
// and object values are all inside them). A lexical error ends the scan: the parser reports it.
func (l *limits) scan(query string) *gqlerror.Error {
	lex := lexer.New(&ast.Source{Input: query})
	tokens, aliases, parens := 0, 0, 0
	for {
		tok, err := lex.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return nil
		}
		tokens++
		switch tok.Kind {
		case lexer.ParenL:
			parens++
		case lexer.ParenR:
			parens--
		case lexer.Colon:
			if parens <= 0 {
				aliases++
			}
		}
		switch {
		case tokens > l.maxTokens:
			return coded(graph.CodeQueryTooComplex, "the query has more than %d tokens", l.maxTokens)
		case aliases > l.maxAliases:
			return coded(graph.CodeQueryTooComplex, "the document has more than %d aliases", l.maxAliases)
		}
	}
}

// parseError classifies a parse failure: the parser's own limits are failgraph's limits, anything
// else is gqlgen's parse failure.
func parseError(err error, maxTokens int) *gqlerror.Error {
	gqlErr, ok := err.(*gqlerror.Error)
	if !ok {
		gqlErr = gqlerror.Errorf("%s", err.Error())
	}
	switch msg := gqlErr.Message; {
	case strings.Contains(msg, "exceeded token limit"):
		return coded(graph.CodeQueryTooComplex, "the query has more than %d tokens", maxTokens)
	case strings.Contains(msg, "exceeded maximum nesting depth"):
		return coded(graph.CodeQueryTooDeep, "the query nests too deeply to parse (%s)", msg)
	}
	errcode.Set(gqlErr, graph.CodeParseFailed)
	return gqlErr
}

// coded returns an error with the code and message, located nowhere.
func coded(code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	errcode.Set(err, code)
	return err
}

// MutateOperationContext measures the cost of the validated operation with its variables.
func (l *limits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	c := newCoster(l.schema, oc.Doc, oc.Variables)
	cost := c.selectionSet(oc.Operation.SelectionSet, nil, nil)
	if ri := infoFrom(ctx); ri != nil {
		ri.setOperation(oc.Operation.Name)
		ri.setCost(cost)
	}
	switch {
	case c.steps > maxCheckSteps:
		l.docs.Remove(oc.RawQuery)
		return coded(graph.CodeQueryTooComplex, "the operation is too complex to measure")
	case cost > l.maxComplexity:
		l.docs.Remove(oc.RawQuery)
		return coded(graph.CodeQueryTooComplex,
			"the operation costs %s, more than the limit of %d (lists count by their first or limit argument; see docs/OPERATIONS.md)",
			costString(cost), l.maxComplexity)
	}
	return nil
}

func costString(n int) string {
	if n >= saturated {
		return "more than 10^12"
	}
	return fmt.Sprint(n)
}

// shape is what the first step measures of a selection set, fragments expanded.
type shape struct {
	depth         int  // the deepest chain of fields
	aliases       int  // fields whose response name differs from the field name
	fields        int  // fields at the top level
	introspection bool // __schema or __type at the top level
}

// shapeChecker measures one document before validation. Fragments are looked up by name (the
// parser does not resolve spreads); an unknown fragment or a cycle measures as nothing, since
// validation refuses both.
type shapeChecker struct {
	frags map[string]*ast.FragmentDefinition
	memo  map[string]shape
	busy  map[string]bool
	// names and reach are per fragment: the response names of its top level (inline fragments
	// flattened) with their counts, and the fragments its top level reaches through spreads.
	names map[string]map[string]int
	reach map[string]map[string]bool
	steps int
}

func (l *limits) checkShape(doc *ast.QueryDocument) *gqlerror.Error {
	c := &shapeChecker{
		frags: make(map[string]*ast.FragmentDefinition, len(doc.Fragments)),
		memo:  map[string]shape{},
		busy:  map[string]bool{},
		names: map[string]map[string]int{},
		reach: map[string]map[string]bool{},
	}
	for _, f := range doc.Fragments {
		c.frags[f.Name] = f
	}

	// Aliases count over the whole document too, so that fragments no operation uses cannot carry
	// an unbounded number of them into validation.
	docAliases := 0
	for _, f := range doc.Fragments {
		docAliases = satAdd(docAliases, c.textAliases(f.SelectionSet))
	}
	for _, op := range doc.Operations {
		docAliases = satAdd(docAliases, c.textAliases(op.SelectionSet))
	}

	for _, op := range doc.Operations {
		s := c.selectionSet(op.SelectionSet)
		name := op.Name
		if name == "" {
			name = "the anonymous operation"
		} else {
			name = "operation " + name
		}
		switch {
		case s.depth > l.maxDepth:
			return coded(graph.CodeQueryTooDeep, "%s nests fields %d deep, more than the limit of %d", name, s.depth, l.maxDepth)
		case s.aliases > l.maxAliases:
			return coded(graph.CodeQueryTooComplex, "%s has %s aliases (fragments expanded), more than the limit of %d", name, countString(s.aliases), l.maxAliases)
		case s.fields > l.maxRootFields:
			return coded(graph.CodeQueryTooComplex, "%s selects %s root fields (fragments expanded), more than the limit of %d", name, countString(s.fields), l.maxRootFields)
		case s.introspection && !l.introspection:
			return coded(graph.CodeValidationFailed, "introspection is disabled on this server: %s selects __schema or __type", name)
		}
	}
	if docAliases > l.maxAliases {
		return coded(graph.CodeQueryTooComplex, "the document has %s aliases, more than the limit of %d", countString(docAliases), l.maxAliases)
	}
	if err := c.repeats(doc); err != nil {
		return err
	}
	if c.steps > maxCheckSteps {
		return coded(graph.CodeQueryTooComplex, "the query is too complex to measure")
	}
	return nil
}

func countString(n int) string {
	if n >= saturated {
		return "more than 10^12"
	}
	return fmt.Sprint(n)
}

func isIntrospectionRoot(f *ast.Field) bool { return f.Name == "__schema" || f.Name == "__type" }

// selectionSet measures a selection set, fragments expanded.
func (c *shapeChecker) selectionSet(set ast.SelectionSet) shape {
	var s shape
	for _, sel := range set {
		c.steps++
		if c.steps > maxCheckSteps {
			return s
		}
		var t shape
		switch sel := sel.(type) {
		case *ast.Field:
			t.fields = 1
			if sel.Alias != "" && sel.Alias != sel.Name {
				t.aliases = 1
			}
			// Introspection is bounded by gqlparser's own depth rule and the fixed schema.
			t.introspection = isIntrospectionRoot(sel)
			if !t.introspection {
				sub := c.selectionSet(sel.SelectionSet)
				t.depth = 1 + sub.depth
				t.aliases = satAdd(t.aliases, sub.aliases)
			} else {
				t.depth = 1
			}
		case *ast.InlineFragment:
			t = c.selectionSet(sel.SelectionSet)
		case *ast.FragmentSpread:
			t = c.fragment(sel.Name)
		}
		s.depth = max(s.depth, t.depth)
		s.aliases = satAdd(s.aliases, t.aliases)
		s.fields = satAdd(s.fields, t.fields)
		s.introspection = s.introspection || t.introspection
	}
	return s
}

func (c *shapeChecker) fragment(name string) shape {
	if s, ok := c.memo[name]; ok {
		return s
	}
	f := c.frags[name]
	if f == nil || c.busy[name] {
		return shape{}
	}
	c.busy[name] = true
	s := c.selectionSet(f.SelectionSet)
	delete(c.busy, name)
	c.memo[name] = s
	return s
}

// textAliases counts the aliases written in a selection set, fragments not expanded.
func (c *shapeChecker) textAliases(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		c.steps++
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Alias != "" && sel.Alias != sel.Name {
				n++
			}
			n = satAdd(n, c.textAliases(sel.SelectionSet))
		case *ast.InlineFragment:
			n = satAdd(n, c.textAliases(sel.SelectionSet))
		}
	}
	return n
}

// repeats refuses a document in which a selection set selects one response name more than
// maxRepeats times, or reaches more than maxSpreadFragments fragments, counting what gqlparser's
// overlapping-fields rule compares: the fields of the set, of its inline fragments and of every
// fragment it reaches through spreads (each once).
func (c *shapeChecker) repeats(doc *ast.QueryDocument) *gqlerror.Error {
	var sets []ast.SelectionSet
	for _, op := range doc.Operations {
		sets = append(sets, op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		sets = append(sets, f.SelectionSet)
	}
	for len(sets) > 0 && c.steps <= maxCheckSteps {
		set := sets[len(sets)-1]
		sets = sets[:len(sets)-1]

		counts := map[string]int{}
		reached := map[string]bool{}
		c.collect(set, counts, reached, &sets)
		if len(reached) > maxSpreadFragments {
			return coded(graph.CodeQueryTooComplex, "a selection set spreads %d fragments, more than the limit of %d", len(reached), maxSpreadFragments)
		}
		for name := range reached {
			for n, k := range c.fragmentNames(name) {
				counts[n] += k
				c.steps++
			}
		}
		for n, k := range counts {
			if k > maxRepeats {
				return coded(graph.CodeQueryTooComplex, "%q is selected %d times in one selection set (fragments included), more than the limit of %d", n, k, maxRepeats)
			}
		}
	}
	return nil
}

// collect adds the response names of set's top level (inline fragments flattened) to counts and
// the fragments it reaches to reached, and queues the selection sets of its fields in more.
func (c *shapeChecker) collect(set ast.SelectionSet, counts map[string]int, reached map[string]bool, more *[]ast.SelectionSet) {
	for _, sel := range set {
		c.steps++
		switch sel := sel.(type) {
		case *ast.Field:
			counts[sel.Alias]++
			if len(sel.SelectionSet) > 0 && more != nil {
				*more = append(*more, sel.SelectionSet)
			}
		case *ast.InlineFragment:
			c.collect(sel.SelectionSet, counts, reached, more)
		case *ast.FragmentSpread:
			if reached[sel.Name] || len(reached) > maxSpreadFragments {
				continue
			}
			reached[sel.Name] = true
			for r := range c.fragmentReach(sel.Name) {
				reached[r] = true
				if len(reached) > maxSpreadFragments {
					break
				}
			}
		}
	}
}

// fragmentNames returns the response names of a fragment's top level with their counts (inline
// fragments flattened, spreads not followed).
func (c *shapeChecker) fragmentNames(name string) map[string]int {
	if m, ok := c.names[name]; ok {
		return m
	}
	m := map[string]int{}
	if f := c.frags[name]; f != nil {
		var nested []string
		c.namesOf(f.SelectionSet, m, &nested)
	}
	c.names[name] = m
	return m
}

func (c *shapeChecker) namesOf(set ast.SelectionSet, m map[string]int, spreads *[]string) {
	for _, sel := range set {
		c.steps++
		switch sel := sel.(type) {
		case *ast.Field:
			m[sel.Alias]++
		case *ast.InlineFragment:
			c.namesOf(sel.SelectionSet, m, spreads)
		case *ast.FragmentSpread:
			*spreads = append(*spreads, sel.Name)
		}
	}
}

// fragmentReach returns the fragments a fragment's top level reaches through spreads, transitively.
func (c *shapeChecker) fragmentReach(name string) map[string]bool {
	if r, ok := c.reach[name]; ok {
		return r
	}
	r := map[string]bool{}
	c.reach[name] = r // a cycle finds this (partial) set, and validation refuses the cycle
	f := c.frags[name]
	if f == nil {
		return r
	}
	var spreads []string
	c.namesOf(f.SelectionSet, map[string]int{}, &spreads)
	for _, s := range spreads {
		if r[s] {
			continue
		}
		r[s] = true
		for t := range c.fragmentReach(s) {
			r[t] = true
			c.steps++
		}
		if len(r) > maxSpreadFragments {
			break
		}
	}
	return r
}

// coster measures the cost of an operation by the model of graph/complexity.go, after validation
// (fields carry their definitions) and with the request's variables.
type coster struct {
	schema *ast.Schema
	vars   map[string]any
	frags  map[string]*ast.FragmentDefinition
	memo   map[spreadKey]int
	busy   map[string]bool
	steps  int
}

// spreadKey identifies a fragment spread in the selection of one field: a fragment's cost depends
// on the arguments of the field it is spread under (a page's edges count by the page's first).
type spreadKey struct {
	fragment string
	parent   *ast.Field
}

func newCoster(schema *ast.Schema, doc *ast.QueryDocument, vars map[string]any) *coster {
	c := &coster{
		schema: schema,
		vars:   vars,
		frags:  make(map[string]*ast.FragmentDefinition, len(doc.Fragments)),
		memo:   map[spreadKey]int{},
		busy:   map[string]bool{},
	}
	for _, f := range doc.Fragments {
		c.frags[f.Name] = f
	}
	return c
}

// selectionSet returns the cost of set, selected under parent (nil at the root) with its
// arguments parentArgs.
func (c *coster) selectionSet(set ast.SelectionSet, parent *ast.Field, parentArgs map[string]any) int {
	cost := 0
	for _, sel := range set {
		c.steps++
		if c.steps > maxCheckSteps {
			return saturated
		}
		switch sel := sel.(type) {
		case *ast.Field:
			cost = satAdd(cost, c.field(sel, parentArgs))
		case *ast.InlineFragment:
			cost = satAdd(cost, c.selectionSet(sel.SelectionSet, parent, parentArgs))
		case *ast.FragmentSpread:
			key := spreadKey{sel.Name, parent}
			v, ok := c.memo[key]
			if !ok {
				f := c.frags[sel.Name]
				if f == nil || c.busy[sel.Name] {
					continue
				}
				c.busy[sel.Name] = true
				v = c.selectionSet(f.SelectionSet, parent, parentArgs)
				delete(c.busy, sel.Name)
				c.memo[key] = v
			}
			cost = satAdd(cost, v)
		}
	}
	return cost
}

func (c *coster) field(f *ast.Field, parentArgs map[string]any) int {
	switch {
	case f.Name == "__typename":
		// Free: normalised caches (Apollo Client, urql) add it to every selection set, and the
		// server answers it without a resolver. Repeating it is bounded by the other limits.
		return 0
	case isIntrospectionRoot(f):
		return graph.IntrospectionCost
	case f.Definition == nil || f.ObjectDefinition == nil:
		return 1 // not validated; cannot happen after validation
	}
	def := c.schema.Types[f.Definition.Type.Name()]
	if def == nil || (def.Kind != ast.Object && def.Kind != ast.Interface && def.Kind != ast.Union) {
		return 1
	}
	typ := f.ObjectDefinition.Name
	args := f.ArgumentMap(c.vars)
	cost := satAdd(1, c.selectionSet(f.SelectionSet, f, args))
	if f.Definition.Type.Elem != nil {
		cost = satMul(cost, graph.ListLen(typ, f.Name, args, parentArgs))
	}
	return satAdd(cost, graph.FieldWork(typ, f.Name, args))
}

func satAdd(a, b int) int {
	if a >= saturated-b {
		return saturated
	}
	return a + b
}

func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a >= saturated/b {
		return saturated
	}
	return a * b
}
