package neo4jstore

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/failgraph/failgraph/internal/kg"
)

// LoadOptions tune Load.
type LoadOptions struct {
	// Replace deletes every node and edge that g lacks; without it Load only adds and updates.
	Replace bool
	// BatchSize is the number of rows per UNWIND statement (default 1000).
	BatchSize int
	// Progress, when set, is called after each batch with the stage ("nodes" or "relationships"),
	// the rows written so far in that stage and the stage's total.
	Progress func(stage string, done, total int)
	// TxRows, when positive, commits every TxRows rows in a transaction of their own instead of
	// writing the whole graph in one: the bulk load of a large graph, whose single transaction
	// would have to fit in the server's heap. It gives up atomicity: a failure part way leaves
	// the rows of the committed transactions (loading again completes the graph), and no record
	// of what was loaded (Stats.Loaded is nil until a load completes). Into an empty
	// database it creates instead of merging and builds the full-text index once at the end.
	TxRows int
}

// DefaultBatchSize is the default LoadOptions.BatchSize.
const DefaultBatchSize = 1000

// Stages reported to LoadOptions.Progress.
const (
	StageNodes         = "nodes"
	StageRelationships = "relationships"
)

// AwaitIndexesSeconds bounds the wait for the full-text index after a load.
const AwaitIndexesSeconds = 300

// Load writes g into the database: it creates the id constraint and the full-text index if
// needed, then upserts the nodes (MERGE on id, the property map replaced whole) kind by kind and
// the relationships (MERGE on type and endpoints) type by type, in batches, ALL IN ONE WRITE
// TRANSACTION: a failure or a cancelled ctx half way leaves the previous graph as it was. Loading the
// same graph twice changes nothing. With Replace, what g lacks is deleted in the same transaction.
// The same transaction records what was loaded (kg.Loaded: g's hash and counts, the commit's time),
// which Stats returns: the record and the graph are committed together or not at all.
// After the commit it waits for the indexes to be online, so that Search sees the new graph.
//
// g is checked first as the embedded store checks it: a repeated id, an unknown kind or type, or an
// edge to a node g lacks is EINVALID.
func (s *Store) Load(ctx context.Context, g *kg.Graph, opts LoadOptions) error {
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	nodes, edges, err := loadRows(g)
	if err != nil {
		return err
	}
	if err := kg.CtxErr(ctx); err != nil {
		return err
	}
	// Schema changes cannot share a transaction with data writes; both are idempotent.
	for _, cypher := range []string{cypherConstraint, cypherSearchIndex} {
		if err := s.run(ctx, neo4j.AccessModeWrite, cypher, nil, func([]*neo4j.Record) error { return nil }); err != nil {
			return err
		}
	}

	if opts.TxRows > 0 {
		return s.loadBatched(ctx, g, nodes, edges, opts)
	}

	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.cfg.Database, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(context.WithoutCancel(ctx))
	// The result type is not any: the driver cannot cast a nil any back (it panics).
	_, err = neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (bool, error) {
		return true, s.write(ctx, tx, g, nodes, edges, opts)
	})
	if err != nil {
		return s.classify(ctx, err)
	}
	return s.runFor(ctx, (AwaitIndexesSeconds+10)*time.Second, neo4j.AccessModeRead, cypherAwaitIndexes,
		map[string]any{"seconds": int64(AwaitIndexesSeconds)}, func([]*neo4j.Record) error { return nil })
}

// loadBatched is Load with LoadOptions.TxRows: the same statements (or CREATE into an empty
// database), TxRows rows per transaction.
func (s *Store) loadBatched(ctx context.Context, g *kg.Graph, nodes map[kg.Kind][]map[string]any, edges map[kg.RelType][]map[string]any, opts LoadOptions) error {
	empty := true
	if err := s.run(ctx, neo4j.AccessModeRead, cypherAnyNode, nil, func(recs []*neo4j.Record) error {
		empty = len(recs) == 0
		return nil
	}); err != nil {
		return err
	}
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.cfg.Database, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(context.WithoutCancel(ctx))
	// commit runs the statements in one write transaction; each returns a count, which is added up.
	commit := func(stmts []statement) (int64, error) {
		total, err := neo4j.ExecuteWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (int64, error) {
			var sum int64
			for _, st := range stmts {
				c, err := s.execCount(ctx, tx, st.cypher, st.params)
				if err != nil {
					return 0, err
				}
				if st.want >= 0 && c != st.want {
					return 0, fmt.Errorf("%s: wrote %d of %d rows", st.what, c, st.want)
				}
				sum += c
			}
			return sum, nil
		})
		if err != nil {
			return 0, s.classify(ctx, err)
		}
		return total, nil
	}
	// The record of what was loaded goes first and comes back last: a batched load stopped part
	// way leaves no record (the graph is then unknown) rather than one that describes another graph.
	if _, err := commit([]statement{{what: "the load record", cypher: cypherForgetLoad, want: -1}}); err != nil {
		return err
	}
	if opts.Replace && !empty {
		// What g lacks goes first, a bounded number of deletions per transaction.
		ids := make([]string, len(g.Nodes))
		for i, n := range g.Nodes {
			ids[i] = n.ID
		}
		keys := make([]string, len(g.Edges))
		for i, e := range g.Edges {
			keys[i] = kg.EdgeID(e.Type, e.Source, e.Target)
		}
		for _, del := range []statement{
			{cypher: cypherDeleteStaleNodesSome, params: map[string]any{"ids": ids, "limit": int64(opts.TxRows)}, want: -1},
			{cypher: cypherDeleteStaleEdgesSome, params: map[string]any{"keys": keys, "limit": int64(opts.TxRows)}, want: -1},
		} {
			for {
				c, err := commit([]statement{del})
				if err != nil {
					return err
				}
				if c < int64(opts.TxRows) {
					break
				}
			}
		}
	}
	if empty {
		// Lucene indexes a million documents faster in one pass than row by row in each commit.
		if err := s.run(ctx, neo4j.AccessModeWrite, cypherDropSearchIndex, nil, func([]*neo4j.Record) error { return nil }); err != nil {
			return err
		}
	}
	nodeStmt, edgeStmt := upsertNodesByKind, upsertEdgesByType
	if empty {
		nodeStmt, edgeStmt = createNodesByKind, createEdgesByType
	}
	var pending []statement
	rows, done := 0, 0
	flush := func(stage string, total int) error {
		if len(pending) == 0 {
			return nil
		}
		if _, err := commit(pending); err != nil {
			return err
		}
		done += rows
		pending, rows = nil, 0
		if opts.Progress != nil {
			opts.Progress(stage, done, total)
		}
		return nil
	}
	add := func(stage string, total int, st statement, n int) error {
		pending = append(pending, st)
		rows += n
		if rows >= opts.TxRows {
			return flush(stage, total)
		}
		return nil
	}
	for _, k := range kg.Kinds {
		for _, batch := range batches(nodes[k], opts.BatchSize) {
			st := statement{what: string(k) + " nodes", cypher: nodeStmt[k], params: map[string]any{"rows": batch}, want: int64(len(batch))}
			if err := add(StageNodes, len(g.Nodes), st, len(batch)); err != nil {
				return err
			}
		}
	}
	if err := flush(StageNodes, len(g.Nodes)); err != nil {
		return err
	}
	done = 0
	for _, t := range kg.RelTypes {
		for _, batch := range batches(edges[t], opts.BatchSize) {
			st := statement{what: string(t) + " relationships", cypher: edgeStmt[t], params: map[string]any{"rows": batch}, want: int64(len(batch))}
			if err := add(StageRelationships, len(g.Edges), st, len(batch)); err != nil {
				return err
			}
		}
	}
	if err := flush(StageRelationships, len(g.Edges)); err != nil {
		return err
	}
	if _, err := commit([]statement{{what: "the load record", cypher: cypherRecordLoad, want: 1, params: map[string]any{
		"hash": g.Hash(), "nodes": int64(len(g.Nodes)), "edges": int64(len(g.Edges)), "merged": !opts.Replace,
	}}}); err != nil {
		return err
	}
	if empty {
		if err := s.run(ctx, neo4j.AccessModeWrite, cypherSearchIndex, nil, func([]*neo4j.Record) error { return nil }); err != nil {
			return err
		}
	}
	return s.runFor(ctx, (AwaitIndexesSeconds+10)*time.Second, neo4j.AccessModeRead, cypherAwaitIndexes,
		map[string]any{"seconds": int64(AwaitIndexesSeconds)}, func([]*neo4j.Record) error { return nil })
}

// statement is one statement of a batched transaction; want is the count it must return (-1: any).
type statement struct {
	what   string
	cypher string
	params map[string]any
	want   int64
}

// execCount runs one counting statement in tx and returns its "count" column.
func (s *Store) execCount(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) (int64, error) {
	if err := kg.CtxErr(ctx); err != nil {
		return 0, err
	}
	s.trips.Add(1)
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return 0, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return 0, err
	}
	c, _, err := neo4j.GetRecordValue[int64](rec, "count")
	return c, err
}

// write is the body of Load's transaction.
func (s *Store) write(ctx context.Context, tx neo4j.ManagedTransaction, g *kg.Graph, nodes map[kg.Kind][]map[string]any, edges map[kg.RelType][]map[string]any, opts LoadOptions) error {
	exec := func(cypher string, params map[string]any) (int64, error) { return s.execCount(ctx, tx, cypher, params) }
	if opts.Replace {
		ids := make([]string, len(g.Nodes))
		for i, n := range g.Nodes {
			ids[i] = n.ID
		}
		keys := make([]string, len(g.Edges))
		for i, e := range g.Edges {
			keys[i] = kg.EdgeID(e.Type, e.Source, e.Target)
		}
		if _, err := exec(cypherDeleteStaleNodes, map[string]any{"ids": ids}); err != nil {
			return err
		}
		if _, err := exec(cypherDeleteStaleEdges, map[string]any{"keys": keys}); err != nil {
			return err
		}
	}
	progress := func(stage string, done, total int) {
		if opts.Progress != nil {
			opts.Progress(stage, done, total)
		}
	}
	done := 0
	for _, k := range kg.Kinds {
		for _, batch := range batches(nodes[k], opts.BatchSize) {
			c, err := exec(upsertNodesByKind[k], map[string]any{"rows": batch})
			if err != nil {
				return err
			}
			if int(c) != len(batch) {
				return fmt.Errorf("wrote %d of %d %s nodes", c, len(batch), k)
			}
			done += len(batch)
			progress(StageNodes, done, len(g.Nodes))
		}
	}
	done = 0
	for _, t := range kg.RelTypes {
		for _, batch := range batches(edges[t], opts.BatchSize) {
			c, err := exec(upsertEdgesByType[t], map[string]any{"rows": batch})
			if err != nil {
				return err
			}
			if int(c) != len(batch) { // an endpoint went missing: cannot happen after loadRows
				return fmt.Errorf("wrote %d of %d %s relationships", c, len(batch), t)
			}
			done += len(batch)
			progress(StageRelationships, done, len(g.Edges))
		}
	}
	// What was loaded, committed with it or not at all.
	if _, err := exec(cypherRecordLoad, map[string]any{
		"hash": g.Hash(), "nodes": int64(len(g.Nodes)), "edges": int64(len(g.Edges)), "merged": !opts.Replace,
	}); err != nil {
		return err
	}
	// A cancellation during the last Progress call must still abort the commit.
	return kg.CtxErr(ctx)
}

// loadRows checks g (kg.Graph.Validate) and turns it into UNWIND rows by kind and by type.
func loadRows(g *kg.Graph) (map[kg.Kind][]map[string]any, map[kg.RelType][]map[string]any, error) {
	if err := g.Validate(); err != nil {
		return nil, nil, err
	}
	nodes := map[kg.Kind][]map[string]any{}
	for _, n := range g.Nodes {
		p, err := nodeProps(n)
		if err != nil {
			return nil, nil, kg.Wrap(kg.EINTERNAL, err, fmt.Sprintf("cannot encode node %q", n.ID))
		}
		nodes[n.Kind] = append(nodes[n.Kind], map[string]any{"id": n.ID, "props": p})
	}
	edges := map[kg.RelType][]map[string]any{}
	for _, e := range g.Edges {
		edges[e.Type] = append(edges[e.Type], map[string]any{"source": e.Source, "target": e.Target, "props": edgeProps(e)})
	}
	return nodes, edges, nil
}

func batches[T any](rows []T, size int) [][]T {
	var out [][]T
	for len(rows) > 0 {
		n := min(size, len(rows))
		out = append(out, rows[:n])
		rows = rows[n:]
	}
	return out
}
