package server

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/failgraph/failgraph/internal/kg"
)

// An outage must cost the log a few lines, not one per request (docs/OPERATIONS.md, "Logs"). Each
// request keeps its own line; besides it, the store's state changes are reported by storeHealth,
// and repeated warnings are sampled by sampler.

// Intervals of the outage reports.
const (
	// stillDownEvery is how often, at most, a store that stays down is reported again.
	stillDownEvery = 10 * time.Second
	// sampleWindow is the window of warning sampling: the first warning of a kind in a window is
	// logged whole, the others of the window counted in one line at its end.
	sampleWindow = 10 * time.Second
)

// storeHealth follows the store's answers and logs when it goes down (the first UNAVAILABLE), that
// it is still down (at most every stillDownEvery, with the calls that failed meanwhile) and when it
// is back (the first call that succeeds, with the outage's length and failed calls).
type storeHealth struct {
	log *slog.Logger

	mu         sync.Mutex
	down       bool      // guarded by mu
	since      time.Time // guarded by mu; when the store went down
	lastReport time.Time // guarded by mu
	failed     int       // guarded by mu; calls that failed since the store went down
	reported   int       // guarded by mu; failed at the last report
}

func (h *storeHealth) observe(method string, err error) {
	unavailable := kg.ErrorCode(err) == kg.EUNAVAILABLE
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	switch {
	case unavailable && !h.down:
		h.down, h.since, h.lastReport, h.failed, h.reported = true, now, now, 1, 1
		h.log.Warn("store down", "method", method, "reason", kg.ErrorMessage(err), "err", err.Error())
	case unavailable:
		h.failed++
		if now.Sub(h.lastReport) >= stillDownEvery {
			h.log.Warn("store still down", "for", now.Sub(h.since).Round(time.Millisecond).String(),
				"failedCalls", h.failed, "failedSinceLastReport", h.failed-h.reported,
				"reason", kg.ErrorMessage(err), "err", err.Error())
			h.lastReport, h.reported = now, h.failed
		}
	case err == nil && h.down:
		h.down = false
		h.log.Info("store back up", "after", now.Sub(h.since).Round(time.Millisecond).String(), "failedCalls", h.failed)
	}
}

// sampler is a slog.Handler that passes records of ERROR and above, and samples warnings: per
// message and code, the first of each sampleWindow is passed whole, the others are counted and
// reported in one record at the window's end ("MESSAGE (repeated)" with count).
type sampler struct {
	next  slog.Handler
	state *sampleState
}

type sampleState struct {
	mu      sync.Mutex
	windows map[sampleKey]*sampleWindowState // guarded by mu
}

type sampleKey struct{ msg, code string }

type sampleWindowState struct {
	start      time.Time
	suppressed int
	level      slog.Level
}

func newSampler(next slog.Handler) *sampler {
	return &sampler{next: next, state: &sampleState{windows: map[sampleKey]*sampleWindowState{}}}
}

func (s *sampler) Enabled(ctx context.Context, l slog.Level) bool { return s.next.Enabled(ctx, l) }

func (s *sampler) WithAttrs(as []slog.Attr) slog.Handler {
	return &sampler{next: s.next.WithAttrs(as), state: s.state}
}

func (s *sampler) WithGroup(name string) slog.Handler {
	return &sampler{next: s.next.WithGroup(name), state: s.state}
}

func (s *sampler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError || r.Level < slog.LevelWarn {
		return s.next.Handle(ctx, r)
	}
	key := sampleKey{msg: r.Message}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "code" {
			key.code = a.Value.String()
			return false
		}
		return true
	})
	st := s.state
	st.mu.Lock()
	w := st.windows[key]
	if w == nil {
		// The first of a window: pass it, and count the rest until the window ends.
		st.windows[key] = &sampleWindowState{start: r.Time, level: r.Level}
		st.mu.Unlock()
		time.AfterFunc(sampleWindow, func() { s.flush(key) })
		return s.next.Handle(ctx, r)
	}
	w.suppressed++
	st.mu.Unlock()
	return nil
}

// flush ends key's window, reporting what it held back.
func (s *sampler) flush(key sampleKey) {
	st := s.state
	st.mu.Lock()
	w := st.windows[key]
	delete(st.windows, key)
	st.mu.Unlock()
	if w == nil || w.suppressed == 0 {
		return
	}
	r := slog.NewRecord(time.Now(), w.level, key.msg+" (repeated)", 0)
	if key.code != "" {
		r.AddAttrs(slog.String("code", key.code))
	}
	r.AddAttrs(slog.Int("count", w.suppressed), slog.String("over", time.Since(w.start).Round(time.Millisecond).String()))
	_ = s.next.Handle(context.Background(), r)
}
