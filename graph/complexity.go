package graph

import (
	"encoding/json"

	"github.com/failgraph/failgraph/internal/kg"
)

// The cost model behind the complexity limit (internal/server enforces it; docs/OPERATIONS.md
// documents it). The cost of an operation estimates how many values its answer may hold plus the
// traversal work it asks for:
//
//   - a scalar or enum field costs 1, a list of them too;
//   - an object field costs 1 plus the cost of its selection;
//   - a list of objects costs ListLen times (1 plus the cost of its selection);
//   - a field that runs a traversal adds FieldWork.
//
// Lengths come from the arguments that bound them (first, limit, maxLength, ids), clamped to the
// range the resolvers accept, so that an argument out of range is refused by the resolver as
// BAD_USER_INPUT naming it rather than as too complex. Lists without such an argument are
// estimates: every node of a kind (RootListLen) or one node's neighbours (RelationListLen).

// Lengths assumed for lists without an argument that bounds them.
const (
	// RootListLen is the length assumed of a list of every node of a kind (Query.failureModes,
	// Query.mitigations, the failure modes of a threat model, ...): the seed has 16 to 53 nodes of
	// each kind but references, which are paginated.
	RootListLen = 30
	// RelationListLen is the length assumed of one node's neighbours of a relation, its edges or
	// its references: the seed averages 3.2 edges per node. The estimate compounds with nesting,
	// which is the point: five nested lists of relations cost 30 × 5^4 and more.
	RelationListLen = 5
	// AtlasTechniquesLen is the length assumed of Query.atlasTechniques: ATLAS 5.6.0 has 170.
	AtlasTechniquesLen = 200
	// IntrospectionCost is the flat cost of __schema and __type: the schema is fixed and
	// gqlparser bounds the depth of introspection queries itself.
	IntrospectionCost = 100
)

// ListLen returns the length the cost model assumes for the list field typ.field, given the
// field's arguments and those of the field whose selection it is in (parent; nil at the root).
func ListLen(typ, field string, args, parent map[string]any) int {
	switch typ + "." + field {
	case "Query.paths":
		return clamp(intArgOf(args, "limit"), 1, kg.MaxLimit)
	case "Query.nodes":
		return clamp(listArgLen(args, "ids"), 1, kg.MaxIDs)
	case "ReferenceConnection.edges", "SearchConnection.edges":
		return pageLen(parent, 20)
	case "RelatedConnection.edges":
		return pageLen(parent, 10)
	case "Subgraph.nodes", "Subgraph.edges":
		n := clamp(listArgLen(parent, "ids"), 1, kg.MaxIDs) // subgraph(ids)
		if _, ok := parent["limit"]; ok {
			n = clamp(intArgOf(parent, "limit"), 1, kg.MaxLimit) // neighborhood(limit)
		}
		if field == "edges" {
			n *= 3 // edges among n nodes: the seed averages about 3 per node
		}
		return n
	case "Path.nodes":
		return clamp(intArgOf(parent, "maxLength"), 1, kg.MaxPathLength) + 1
	case "Path.edges":
		return clamp(intArgOf(parent, "maxLength"), 1, kg.MaxPathLength)
	case "Matrix.cells":
		return RootListLen * RootListLen
	case "Query.atlasTechniques":
		return AtlasTechniquesLen
	}
	switch typ {
	case "Query", "ThreatModel", "Matrix", "CoverageGaps":
		return RootListLen
	}
	return RelationListLen
}

// FieldWork returns the cost of the traversal a field runs, over and above the values it returns:
// the nodes a neighbourhood or a path search may visit, or a pass over a whole kind.
func FieldWork(typ, field string, args map[string]any) int {
	if typ != "Query" {
		return 0
	}
	switch field {
	case "neighborhood":
		return clamp(intArgOf(args, "limit"), 1, kg.MaxLimit) * clamp(intArgOf(args, "depth"), 1, kg.MaxDepth)
	case "paths":
		// A path search visits the nodes within maxLength of both ends, at worst most of the graph.
		return clamp(intArgOf(args, "limit"), 1, kg.MaxLimit) * clamp(intArgOf(args, "maxLength"), 1, kg.MaxPathLength)
	case "search", "related", "threatModel", "triage", "legalExposure", "legalMatrix", "coverageGaps":
		return RootListLen
	}
	return 0
}

// pageLen is the length of a connection's page: its first or last argument, def when neither is
// given (the resolvers' default).
func pageLen(args map[string]any, def int) int {
	for _, name := range []string{"first", "last"} {
		if v, ok := args[name]; ok && v != nil {
			return clamp(intArgOf(args, name), 1, kg.MaxLimit)
		}
	}
	return def
}

func clamp(v, lo, hi int) int {
	return max(lo, min(v, hi))
}

// intArgOf returns the integer argument name of args (with defaults applied), or 0. Arguments come
// from literals and coerced variables (int64), or raw JSON (json.Number, float64).
func intArgOf(args map[string]any, name string) int {
	switch v := args[name].(type) {
	case int:
		return v
	case int32:
		return int(v)
	case int64:
		return int(max(min(v, 1<<31), -1<<31))
	case float64:
		return int(max(min(v, 1<<31), -1<<31))
	case json.Number:
		n, _ := v.Int64()
		return int(max(min(n, 1<<31), -1<<31))
	}
	return 0
}

// listArgLen returns the length of the list argument name of args, or 0.
func listArgLen(args map[string]any, name string) int {
	switch v := args[name].(type) {
	case []any:
		return len(v)
	case []string:
		return len(v)
	}
	return 0
}
