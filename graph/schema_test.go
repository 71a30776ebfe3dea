package graph_test

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/failgraph/failgraph/graph"
)

// TestEveryIDIsGlobal: normalised client caches (Apollo's InMemoryCache, urql's Graphcache) key an
// object by __typename and id and merge every object with the same key. So every object type with
// an id field must be one whose id names one thing across the API: a node (its slug, unique across
// kinds) or an edge (TYPE:source:target). A type that carries another system's identifier (such as
// ExternalId's code) must not call it id.
func TestEveryIDIsGlobal(t *testing.T) {
	s := graph.NewExecutableSchema(graph.Config{Resolvers: graph.NewResolver(nil)}).Schema()
	global := map[string]bool{"Edge": true}
	for _, impl := range s.GetPossibleTypes(s.Types["Node"]) {
		global[impl.Name] = true
	}
	if len(global) < 8 {
		t.Fatalf("Node has %d implementations, want one per kind", len(global)-1)
	}
	for name, def := range s.Types {
		if def.Kind != ast.Object && def.Kind != ast.Interface || def.BuiltIn {
			continue
		}
		f := def.Fields.ForName("id")
		if f == nil {
			continue
		}
		if !global[name] && name != "Node" {
			t.Errorf("%s has an id field but its ids are not global: rename it (as ExternalId.code) or make it a Node", name)
		}
		if f.Type.String() != "ID!" {
			t.Errorf("%s.id is %s, want ID!", name, f.Type)
		}
	}
}

// TestRootFieldsWithArgumentsThatCanBeWrongAreNullable: a bad argument must null one root field,
// not the whole answer. Root fields without arguments, or whose arguments are only enums that
// validation already checks, stay non-null.
func TestRootFieldsWithArgumentsThatCanBeWrongAreNullable(t *testing.T) {
	s := graph.NewExecutableSchema(graph.Config{Resolvers: graph.NewResolver(nil)}).Schema()
	for _, f := range s.Query.Fields {
		if len(f.Name) > 1 && f.Name[:2] == "__" {
			continue
		}
		canBeWrong := false
		for _, a := range f.Arguments {
			if def := s.Types[a.Type.Name()]; def == nil || def.Kind != ast.Enum {
				canBeWrong = true
			}
		}
		if canBeWrong && f.Type.NonNull {
			t.Errorf("Query.%s takes arguments that can be wrong but is %s: make it nullable", f.Name, f.Type)
		}
	}
}
