package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/failgraph/failgraph/internal/kg"
	"github.com/failgraph/failgraph/internal/memstore"
	"github.com/failgraph/failgraph/internal/neo4jstore"
)

// The stores serve can open.
const (
	storeMemory = "memory"
	storeNeo4j  = "neo4j"
)

// storeConfig is what openStore needs: which backend, and the validated seed to serve or load.
// Settings of other backends (a Neo4j URI, credentials, ...) belong here too.
type storeConfig struct {
	Kind  string
	Seed  *kg.Graph
	Neo4j neo4jstore.Config // Kind neo4j
}

// openStore opens the backend cfg names. It returns the store and a function that releases it,
// which the caller runs once the server has stopped. This is the only place that knows the
// concrete store types.
func openStore(ctx context.Context, cfg storeConfig, log *slog.Logger) (kg.Store, func(), error) {
	switch cfg.Kind {
	case storeMemory:
		s, err := memstore.New(cfg.Seed)
		if err != nil {
			return nil, nil, err
		}
		st, err := s.Stats(ctx)
		if err != nil {
			return nil, nil, err
		}
		log.Info("store ready", "store", storeMemory, "nodes", sum(st.Nodes), "edges", sum(st.Edges))
		return s, func() {}, nil
	case storeNeo4j:
		// Open checks connectivity, credentials, the database and that it holds a graph ("database
		// is empty: run failgraph seed"); its errors say which.
		s, err := neo4jstore.Open(ctx, cfg.Neo4j)
		if err != nil {
			return nil, nil, err
		}
		st, err := s.Stats(ctx)
		if err != nil {
			s.Close(context.WithoutCancel(ctx))
			return nil, nil, err
		}
		log.Info("store ready", "store", storeNeo4j, "uri", cfg.Neo4j.URI, "database", cfg.Neo4j.Database,
			"nodes", sum(st.Nodes), "edges", sum(st.Edges))
		return s, func() { s.Close(context.Background()) }, nil
	default:
		return nil, nil, fmt.Errorf("unknown store %q", cfg.Kind)
	}
}

func sum[K comparable](m map[K]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
