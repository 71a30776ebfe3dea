// Package graph is failgraph's GraphQL layer: the schema (*.graphqls), the resolvers that pair with
// each schema file, the code gqlgen generates from them, and the error presenter that is the only
// place client errors are shaped. Resolvers are thin: they fill in the schema's defaults, call the
// store, the traversal engine or a per-request loader, and wrap the answer in a graph/model type. The
// rules on a traversal's arguments live in the engine (internal/traverse) alone.
package graph

//go:generate go tool gqlgen generate

import (
	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/traverse"
)

// Resolver is the dependency root of every resolver. It holds no request state: per-request
// loaders travel in the context (see graph/loader).
type Resolver struct {
	Store  kg.Store
	Engine *traverse.Engine
}

// NewResolver returns a resolver over store, with a traversal engine over the same store.
func NewResolver(store kg.Store) *Resolver {
	return &Resolver{Store: store, Engine: traverse.New(store)}
}
