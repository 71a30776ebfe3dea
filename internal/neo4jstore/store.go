// Package neo4jstore is the kg.Store on a Neo4j 5 server, through neo4j-go-driver v5. It is the
// only package that imports the driver and the only one that holds Cypher.
//
// Every node carries the label :Node and its kind's label; every relationship has its kg.RelType as
// type. Labels and types only ever come from the kg allowlists; values are always parameters.
// Reads run in read transactions with the caller's context and a server-side timeout, one Cypher
// statement per Store call (RoundTrips counts them); Load writes a whole graph in one transaction.
//
// Errors follow the kg.Store contract: an unreachable server is kg.EUNAVAILABLE, an expired context
// kg.ETIMEOUT, anything else kg.EINTERNAL with the driver's error kept as the cause for logs and a
// generic message for clients.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/failgraph/failgraph/internal/kg"
)

var _ kg.Store = (*Store)(nil)

// Config says how to reach Neo4j. Only URI is required.
type Config struct {
	URI      string // bolt://, bolt+s://, bolt+ssc://, neo4j://, neo4j+s:// or neo4j+ssc://
	User     string // empty: no authentication
	Password string
	Database string // default "neo4j"

	// ConnectTimeout bounds opening one connection (default 1s). Connection failures are not
	// retried with back-off, so a call against a down server fails within about this long.
	ConnectTimeout time.Duration
	// AcquireTimeout bounds the wait for a connection from a full pool (default 2s).
	AcquireTimeout time.Duration
	// QueryTimeout is the server-side timeout of each read transaction (default 15s).
	QueryTimeout time.Duration
	// MaxConnections is the size of the connection pool (default 100).
	MaxConnections int
	// CheckTimeout bounds the start-up check of Open, and each attempt of Connect: connecting,
	// authenticating, finding the database and a graph in it (default 15s). A hung server fails
	// the check with ErrUnreachable ("did not answer in time") instead of holding start-up.
	CheckTimeout time.Duration
	// AllowEmpty lets Open succeed on a database without failgraph nodes: the seed command
	// opens the store to fill it.
	AllowEmpty bool
}

// Defaults of Config.
const (
	DefaultDatabase       = "neo4j"
	DefaultConnectTimeout = time.Second
	DefaultAcquireTimeout = 2 * time.Second
	DefaultQueryTimeout   = 15 * time.Second
	DefaultMaxConnections = 100
	DefaultCheckTimeout   = 15 * time.Second
)

func (c Config) withDefaults() Config {
	if c.Database == "" {
		c.Database = DefaultDatabase
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.AcquireTimeout <= 0 {
		c.AcquireTimeout = DefaultAcquireTimeout
	}
	if c.QueryTimeout <= 0 {
		c.QueryTimeout = DefaultQueryTimeout
	}
	if c.MaxConnections <= 0 {
		c.MaxConnections = DefaultMaxConnections
	}
	if c.CheckTimeout <= 0 {
		c.CheckTimeout = DefaultCheckTimeout
	}
	return c
}

// Why Open failed, for errors.Is on an *OpenError.
var (
	ErrConfig       = errors.New("invalid configuration")
	ErrUnreachable  = errors.New("unreachable")
	ErrUnauthorized = errors.New("authentication failed")
	ErrNoDatabase   = errors.New("no such database")
	ErrEmpty        = errors.New("database is empty")
)

// OpenError explains why Open failed, in words for an operator, with the driver's error as the
// cause.
type OpenError struct {
	Reason error  // one of the Err* values above
	Msg    string // the whole explanation
	Err    error  // the driver's error, or nil

	where string // the part of Msg that names the server, left out of brief
}

// brief is Msg without the server's address and without the driver's error: safe to show clients
// (in /readyz and in errors).
func (e *OpenError) brief() string {
	if e == nil {
		return "unknown reason"
	}
	if e.where != "" {
		return "Neo4j " + strings.TrimPrefix(e.Msg, e.where+" ")
	}
	return e.Msg
}

func (e *OpenError) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

// Unwrap returns the reason and the cause.
func (e *OpenError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Reason}
	}
	return []error{e.Reason, e.Err}
}

// Store is a kg.Store on Neo4j. It is safe for concurrent use: every call opens its own session.
type Store struct {
	driver neo4j.DriverWithContext
	cfg    Config
	trips  atomic.Int64
	// notReady, until the start-up check has passed (New without Open or Connect), is the answer
	// of every call: EUNAVAILABLE with the reason of the last failed check.
	notReady atomic.Pointer[kg.Error]
	// answered is when the server last answered a statement (Unix nanoseconds).
	answered atomic.Int64

	probeMu sync.Mutex
	probe   *probe // guarded by probeMu; the probe of answering in flight, if any
}

// Open connects to Neo4j and checks that it answers, that the credentials and the database are
// good and, unless cfg.AllowEmpty, that the database holds a graph, all within cfg.CheckTimeout.
// Failures are *OpenError.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, s.cfg.CheckTimeout)
	defer cancel()
	if err := s.check(cctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	s.notReady.Store(nil)
	return s, nil
}

// New makes a Store without talking to the server: it checks cfg (a malformed URI is an
// *OpenError with ErrConfig) and builds the driver. Until Connect has succeeded every call of the
// store answers EUNAVAILABLE ("not connected yet").
func New(cfg Config) (*Store, error) {
	cfg = cfg.withDefaults()
	u, err := url.Parse(cfg.URI)
	if err != nil || u.Host == "" {
		return nil, &OpenError{Reason: ErrConfig, Msg: fmt.Sprintf("invalid Neo4j URI %q: want bolt://host:port or neo4j://host:port", cfg.URI)}
	}
	switch u.Scheme {
	case "bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc":
	default:
		return nil, &OpenError{Reason: ErrConfig, Msg: fmt.Sprintf("invalid Neo4j URI %q: unsupported scheme %q", cfg.URI, u.Scheme)}
	}
	auth := neo4j.NoAuth()
	if cfg.User != "" {
		auth = neo4j.BasicAuth(cfg.User, cfg.Password, "")
	}
	drv, err := neo4j.NewDriverWithContext(cfg.URI, auth, func(c *config.Config) {
		c.SocketConnectTimeout = cfg.ConnectTimeout
		c.ConnectionAcquisitionTimeout = cfg.AcquireTimeout
		c.MaxConnectionPoolSize = cfg.MaxConnections
		// No driver retries: they back off for seconds before the first retry, which would
		// hold every request while the server is down. run retries a broken connection once.
		c.MaxTransactionRetryTime = 0
		c.TelemetryDisabled = true
	})
	if err != nil {
		return nil, &OpenError{Reason: ErrConfig, Msg: fmt.Sprintf("invalid Neo4j URI %q", cfg.URI), Err: err}
	}
	s := &Store{driver: drv, cfg: cfg}
	s.notReady.Store(kg.Errorf(kg.EUNAVAILABLE, "", "the graph database is not connected yet"))
	return s, nil
}

// Retrying tells what Connect may retry from what it must give up on: a server that cannot be
// reached or does not answer in time, or a database without a graph, may mend by itself; a
// malformed URI, rejected credentials or a missing database will not.
func Retrying(err error) bool {
	return errors.Is(err, ErrUnreachable) || errors.Is(err, ErrEmpty)
}

// Backoff bounds of Connect: the first retry waits ConnectBackoffMin, each next one twice as long, at
// most ConnectBackoffMax.
const (
	ConnectBackoffMin = 250 * time.Millisecond
	ConnectBackoffMax = 5 * time.Second
)

// Connect runs the check of Open until it passes, each attempt bounded by CheckTimeout, retrying with
// backoff what may mend by itself (Retrying). Meanwhile every call of the store answers
// EUNAVAILABLE with the reason of the last failed attempt (/readyz shows it). It returns nil once
// the store serves, the *OpenError that retrying cannot mend, or ctx's error. failed, if not nil,
// is told of every failed attempt and of the wait before the next.
func (s *Store) Connect(ctx context.Context, failed func(err *OpenError, attempts int, wait time.Duration)) error {
	wait := ConnectBackoffMin
	for n := 1; ; n++ {
		actx, cancel := context.WithTimeout(ctx, s.cfg.CheckTimeout)
		err := s.check(actx)
		cancel()
		if err == nil {
			s.notReady.Store(nil)
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var oe *OpenError
		if !errors.As(err, &oe) || !Retrying(err) {
			s.notReady.Store(kg.Wrap(kg.EUNAVAILABLE, err, "the graph database cannot serve: "+oe.brief()))
			return err
		}
		s.notReady.Store(kg.Wrap(kg.EUNAVAILABLE, err, "the graph database is not connected yet: "+oe.brief()))
		if failed != nil {
			failed(oe, n, wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, ConnectBackoffMax)
	}
}

// check classifies what stops the store from serving.
func (s *Store) check(ctx context.Context) error {
	where := fmt.Sprintf("Neo4j at %s", s.cfg.URI)
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return s.openError(ctx, where, err)
	}
	var seeded bool
	// The statement has the check's time: right after the server starts the first one can be slow.
	timeout := s.cfg.QueryTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = max(time.Until(dl), time.Millisecond)
	}
	err := s.exec(ctx, timeout, neo4j.AccessModeRead, cypherAnyNode, nil, func(recs []*neo4j.Record) error {
		seeded = len(recs) > 0
		return nil
	})
	if err != nil {
		return s.openError(ctx, where, errors.Unwrap(err))
	}
	if !seeded && !s.cfg.AllowEmpty {
		return &OpenError{Reason: ErrEmpty, Msg: "database is empty: run failgraph seed"}
	}
	return nil
}

func (s *Store) openError(ctx context.Context, where string, err error) error {
	var ne *neo4j.Neo4jError
	mk := func(reason error, brief string) *OpenError {
		return &OpenError{Reason: reason, Msg: where + " " + brief, Err: err, where: where}
	}
	switch {
	case ctx.Err() != nil:
		return mk(ErrUnreachable, "did not answer in time")
	case errors.As(err, &ne) && strings.HasPrefix(ne.Code, "Neo.ClientError.Security."):
		return mk(ErrUnauthorized, fmt.Sprintf("rejected the credentials of user %q (set FAILGRAPH_NEO4J_USER and FAILGRAPH_NEO4J_PASSWORD)", s.cfg.User))
	case errors.As(err, &ne) && ne.Code == "Neo.ClientError.Database.DatabaseNotFound":
		return mk(ErrNoDatabase, fmt.Sprintf("has no database %q (set --neo4j-database or FAILGRAPH_NEO4J_DATABASE)", s.cfg.Database))
	case unavailable(err):
		return mk(ErrUnreachable, "is unreachable (is it running?)")
	default:
		return mk(ErrUnreachable, "cannot serve")
	}
}

// Close releases the connections.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

// RoundTrips returns how many Cypher statements the store has sent so far. Tests use it to check
// that a traversal costs a number of statements bound by its depth; servers may export it.
func (s *Store) RoundTrips() int64 { return s.trips.Load() }

// maxAttempts bounds the attempts of one statement whose connection turns out to be broken.
const maxAttempts = 3

// run sends one statement in its own transaction and hands its records to use. A pooled connection
// found broken (after a server restart) is dropped and the statement retried at once, a few times
// at most (the pool then drops every older idle connection too); a server that refuses
// connections is reported without delay. Errors come back as *kg.Error.
func (s *Store) run(ctx context.Context, mode neo4j.AccessMode, cypher string, params map[string]any, use func([]*neo4j.Record) error) error {
	return s.runFor(ctx, s.cfg.QueryTimeout, mode, cypher, params, use)
}

// runFor is run with another server-side timeout.
func (s *Store) runFor(ctx context.Context, timeout time.Duration, mode neo4j.AccessMode, cypher string, params map[string]any, use func([]*neo4j.Record) error) error {
	if e := s.notReady.Load(); e != nil {
		return e
	}
	return s.exec(ctx, timeout, mode, cypher, params, use)
}

// exec is runFor without the start-up gate, for the check itself.
func (s *Store) exec(ctx context.Context, timeout time.Duration, mode neo4j.AccessMode, cypher string, params map[string]any, use func([]*neo4j.Record) error) error {
	if err := kg.CtxErr(ctx); err != nil {
		return err
	}
	var (
		recs  []*neo4j.Record
		err   error
		start = time.Now()
	)
	for attempt := 1; ; attempt++ {
		recs, err = s.once(ctx, timeout, mode, cypher, params)
		var ne *neo4j.Neo4jError
		if err == nil || errors.As(err, &ne) {
			s.answered.Store(time.Now().UnixNano())
		}
		if err == nil || attempt == maxAttempts || ctx.Err() != nil || !brokenConnection(err) {
			break
		}
	}
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && cypher != cypherPing && !s.answering(ctx, start) {
			return kg.Wrap(kg.EUNAVAILABLE, err, "the graph database did not answer")
		}
		return s.classify(ctx, err)
	}
	if err := use(recs); err != nil {
		return s.classify(ctx, err)
	}
	return nil
}

// ProbeTimeout bounds the probe that tells a hung server from a slow query.
const ProbeTimeout = time.Second

// answering tells, for a call that started at start and ran out of time, whether the server was
// answering meanwhile: some statement got an answer since start, or else a probe (RETURN 1 on
// another connection, at most ProbeTimeout) does. A call that ran out of time against a server that
// answers is TIMEOUT (the query was slow); against one that answers nobody, UNAVAILABLE (the server
// is hung), the code of every other way the server fails. Concurrent callers share one probe.
func (s *Store) answering(ctx context.Context, start time.Time) bool {
	if s.answered.Load() >= start.UnixNano() {
		return true
	}
	s.probeMu.Lock()
	p := s.probe
	if p == nil {
		p = &probe{done: make(chan struct{})}
		s.probe = p
		go func() {
			pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ProbeTimeout)
			defer cancel()
			_, err := s.once(pctx, ProbeTimeout, neo4j.AccessModeRead, cypherPing, nil)
			p.ok = err == nil
			if p.ok {
				s.answered.Store(time.Now().UnixNano())
			}
			s.probeMu.Lock()
			s.probe = nil
			s.probeMu.Unlock()
			close(p.done)
		}()
	}
	s.probeMu.Unlock()
	<-p.done
	return p.ok
}

// probe is one probe of answering, shared by the callers that wait for it.
type probe struct {
	done chan struct{}
	ok   bool // written before done is closed
}

func (s *Store) once(ctx context.Context, timeout time.Duration, mode neo4j.AccessMode, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.cfg.Database, AccessMode: mode})
	// A cancelled context would drop the connection instead of returning it to the pool.
	defer sess.Close(context.WithoutCancel(ctx))
	s.trips.Add(1)
	work := func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error) {
		res, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		return res.Collect(ctx)
	}
	if mode == neo4j.AccessModeWrite {
		return neo4j.ExecuteWrite(ctx, sess, work, neo4j.WithTxTimeout(timeout))
	}
	return neo4j.ExecuteRead(ctx, sess, work, neo4j.WithTxTimeout(timeout))
}

// classify maps an error to the kg codes: the cause stays in Err for logs, the message is generic.
func (s *Store) classify(ctx context.Context, err error) error {
	var ke *kg.Error
	var ne *neo4j.Neo4jError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ke):
		return err
	case ctx.Err() != nil:
		return kg.CtxError(ctx.Err(), err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return kg.CtxError(err, nil)
	case errors.As(err, &ne) && strings.HasPrefix(ne.Code, "Neo.ClientError.Transaction.TransactionTimedOut"):
		return kg.Wrap(kg.ETIMEOUT, err, "the query ran out of time")
	case unavailable(err):
		return kg.Wrap(kg.EUNAVAILABLE, err, "the graph database is unavailable")
	default:
		return kg.Wrap(kg.EINTERNAL, err, "the graph database failed")
	}
}

// causes lists err and what it wraps, including the driver's wrappers that do not implement Unwrap.
func causes(err error) []error {
	var out []error
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		out = append(out, e)
		switch x := e.(type) {
		case *neo4j.TransactionExecutionLimit:
			for _, inner := range x.Errors {
				walk(inner)
			}
		case *neo4j.ConnectivityError:
			walk(x.Inner)
		case interface{ Unwrap() []error }:
			for _, inner := range x.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	return out
}

// unavailable reports whether err means the server cannot be reached or cannot serve.
func unavailable(err error) bool {
	for _, e := range causes(err) {
		switch x := e.(type) {
		case *neo4j.ConnectivityError, net.Error:
			return true
		case *neo4j.TransactionExecutionLimit:
			// The driver gives up on retryable errors this way: connectivity ones, or transient
			// server errors that the loop below sees.
			if len(x.Errors) > 0 {
				if _, isDB := x.Errors[len(x.Errors)-1].(*neo4j.Neo4jError); !isDB {
					return true
				}
			}
		case *neo4j.Neo4jError:
			switch {
			case strings.HasPrefix(x.Code, "Neo.TransientError.General.DatabaseUnavailable"),
				strings.HasPrefix(x.Code, "Neo.ClientError.Security."),
				x.Code == "Neo.ClientError.Database.DatabaseNotFound",
				x.Code == "Neo.TransientError.Database.DatabaseUnavailable":
				return true
			}
		}
	}
	return false
}

// brokenConnection reports a connectivity failure on an established connection (worth one retry
// on a fresh one), as opposed to a refused or timed-out dial (not worth it).
func brokenConnection(err error) bool {
	if !unavailable(err) {
		return false
	}
	for _, e := range causes(err) {
		var op *net.OpError
		if errors.As(e, &op) && op.Op == "dial" {
			return false
		}
		var ne net.Error
		if errors.Is(e, context.DeadlineExceeded) || (errors.As(e, &ne) && ne.Timeout()) {
			return false
		}
	}
	return true
}
