package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

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

// openedStore is a store serve can put behind the API at once.
type openedStore struct {
	kg.Store
	// Close releases the store, once the server has stopped.
	Close func()
	// Connect, when not nil, makes the store ready: it returns nil once the store serves, or the
	// error that stops serve (a setting that cannot work). Until then the store answers
	// UNAVAILABLE with the reason, which /readyz shows. serve runs it while it listens.
	Connect func(ctx context.Context) error
}

// stillWaitingEvery is how often serve repeats that the store is still not ready, when the reason
// stays the same.
const stillWaitingEvery = 30 * time.Second

// openStore opens the backend cfg names without waiting for it to answer: only a setting that
// cannot work (a malformed URI) fails here. This is the only place that knows the concrete store
// types.
func openStore(ctx context.Context, cfg storeConfig, log *slog.Logger) (openedStore, error) {
	switch cfg.Kind {
	case storeMemory:
		s, err := memstore.New(cfg.Seed)
		if err != nil {
			return openedStore{}, err
		}
		st, err := s.Stats(ctx)
		if err != nil {
			return openedStore{}, err
		}
		log.Info("store ready", "store", storeMemory, "nodes", sum(st.Nodes), "edges", sum(st.Edges))
		return openedStore{Store: s, Close: func() {}}, nil
	case storeNeo4j:
		s, err := neo4jstore.New(cfg.Neo4j)
		if err != nil {
			return openedStore{}, err
		}
		return openedStore{
			Store:   s,
			Close:   func() { s.Close(context.Background()) },
			Connect: func(ctx context.Context) error { return connectNeo4j(ctx, s, cfg.Neo4j, log) },
		}, nil
	default:
		return openedStore{}, fmt.Errorf("unknown store %q", cfg.Kind)
	}
}

// connectNeo4j checks Neo4j until it serves, logging why it does not: the first failure, every
// change of reason and, while the reason stays, a line every stillWaitingEvery.
func connectNeo4j(ctx context.Context, s *neo4jstore.Store, cfg neo4jstore.Config, log *slog.Logger) error {
	start := time.Now()
	var (
		lastMsg  string
		lastLine time.Time
	)
	err := s.Connect(ctx, func(oe *neo4jstore.OpenError, attempts int, wait time.Duration) {
		if oe.Msg == lastMsg && time.Since(lastLine) < stillWaitingEvery {
			return
		}
		msg := "store not ready"
		if oe.Msg == lastMsg {
			msg = "store still not ready"
		}
		lastMsg, lastLine = oe.Msg, time.Now()
		log.Warn(msg, "store", storeNeo4j, "reason", oe.Msg, "attempts", attempts,
			"waiting", time.Since(start).Round(time.Millisecond).String(), "retryIn", wait.String(), "err", oe.Error())
	})
	if err != nil {
		if errors.Is(err, ctx.Err()) {
			return nil
		}
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, cfg.CheckTimeout)
	defer cancel()
	attrs := []any{"store", storeNeo4j, "uri", cfg.URI, "database", cfg.Database,
		"after", time.Since(start).Round(time.Millisecond).String()}
	if st, err := s.Stats(sctx); err == nil {
		attrs = append(attrs, "nodes", sum(st.Nodes), "edges", sum(st.Edges))
	}
	log.Info("store ready", attrs...)
	return nil
}

func sum[K comparable](m map[K]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
