package server

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/failgraph/failgraph/graph"
)

// Drain lets a server shut down without dropping a request: once Start is called, requests already
// in flight finish (their answers close their connections), and every new one is refused at once
// with a clear answer: 503, UNAVAILABLE ("the server is shutting down"), Retry-After and
// Connection: close; /readyz answers 503 so that load balancers stop sending. /healthz still
// answers 200: the process is alive. Wait tells when the requests in flight are done; the caller
// then closes the listener and the idle connections (http.Server.Shutdown).
type Drain struct {
	on   atomic.Bool
	last atomic.Int64 // when the last request arrived or ended, Unix nanoseconds

	mu       sync.Mutex
	inFlight int           // guarded by mu; requests let through and not finished
	idle     chan struct{} // guarded by mu; closed when draining with nothing in flight
}

// NewDrain returns a Drain that has not started: every request goes through.
func NewDrain() *Drain { return &Drain{idle: make(chan struct{})} }

// Start refuses every request from now on, except /healthz and those already in flight.
func (d *Drain) Start() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.on.Swap(true) {
		return
	}
	if d.inFlight == 0 {
		close(d.idle)
	}
}

// Draining reports whether Start has been called.
func (d *Drain) Draining() bool { return d.on.Load() }

// Wait returns nil once Start has been called and no request is in flight any more, or ctx's
// error.
func (d *Drain) Wait(ctx context.Context) error {
	select {
	case <-d.idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// InFlight returns how many requests are being served.
func (d *Drain) InFlight() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.inFlight
}

// LastRequest returns when the last request arrived or was answered.
func (d *Drain) LastRequest() time.Time { return time.Unix(0, d.last.Load()) }

func (d *Drain) enter() bool {
	d.last.Store(time.Now().UnixNano())
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.on.Load() {
		return false
	}
	d.inFlight++
	return true
}

func (d *Drain) leave() {
	d.last.Store(time.Now().UnixNano())
	d.mu.Lock()
	defer d.mu.Unlock()
	d.inFlight--
	if d.inFlight == 0 && d.on.Load() {
		close(d.idle)
	}
}

// Messages of a draining server.
const msgShuttingDown = "the server is shutting down; retry, on another instance if there is one"

// middleware refuses requests once draining; nil lets everything through.
func (d *Drain) middleware(next http.Handler) http.Handler {
	if d == nil {
		return next
	}
	retry := strconv.Itoa(int(RetryAfter.Seconds()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == PathHealth {
			next.ServeHTTP(w, r)
			return
		}
		if !d.enter() {
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", retry)
			if r.URL.Path == PathReady {
				writeJSON(w, http.StatusServiceUnavailable, map[string]string{
					"status": "draining", "code": graph.CodeUnavailable, "reason": "the server is shutting down",
				})
				return
			}
			writeError(w, r, http.StatusServiceUnavailable, graph.CodeUnavailable, msgShuttingDown)
			return
		}
		defer d.leave()
		next.ServeHTTP(&closeWhenDraining{ResponseWriter: w, d: d}, r)
	})
}

// closeWhenDraining adds Connection: close to an answer that starts once draining has started, so
// that the client does not send its next request on a connection about to close.
type closeWhenDraining struct {
	http.ResponseWriter
	d       *Drain
	started bool
}

func (w *closeWhenDraining) start() {
	if !w.started {
		w.started = true
		if w.d.on.Load() {
			w.Header().Set("Connection", "close")
		}
	}
}

func (w *closeWhenDraining) WriteHeader(code int) {
	w.start()
	w.ResponseWriter.WriteHeader(code)
}

func (w *closeWhenDraining) Write(b []byte) (int, error) {
	w.start()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *closeWhenDraining) Unwrap() http.ResponseWriter { return w.ResponseWriter }
