// Package ratelimit spaces requests so that no sliding window of the given
// length ever holds more than the given number of them.
//
// Commerce Layer counts requests to its auth endpoint in sliding windows
// ("the count ... is never reset"), so a token bucket with a burst would
// still trip it: 30 requests at once and one more two seconds later make 31
// in the last minute. This limiter remembers when the last N requests were
// let through and lets the next one go only when the oldest leaves the
// window, which is the least waiting the limit allows.
package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Window allows at most N events in any window of length Per.
type Window struct {
	n   int
	per time.Duration
	now func() time.Time

	mu      sync.Mutex
	history []time.Time // send times granted, oldest first, at most n
	paused  time.Time   // nothing goes before this (set after a 429)
}

// New returns a limiter of n events per window.
func New(n int, per time.Duration) *Window {
	return &Window{n: n, per: per, now: time.Now}
}

// margin is added to the window: the server counts arrivals, not sends, and
// when an early request travels slower than a later one, the two arrive
// less than a window apart although they were sent a full window apart.
// A fiftieth of the window (1.2 s of Commerce Layer's minute) absorbs that
// jitter at a cost of 2% in the least possible run time.
func (w *Window) margin() time.Duration {
	return max(w.per/50, 10*time.Millisecond)
}

// Parse reads "N/DURATION" (e.g. "30/1m", "5/10s"). "0", "none" and "off"
// mean no limit and give a nil *Window, which never waits.
func Parse(s string) (*Window, error) {
	switch strings.TrimSpace(s) {
	case "0", "none", "off":
		return nil, nil
	}
	num, dur, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(strings.TrimSpace(num))
	if !ok || err != nil || n < 1 {
		return nil, fmt.Errorf("rate %q: want N/DURATION, e.g. 30/1m, or none", s)
	}
	per, err := time.ParseDuration(strings.TrimSpace(dur))
	if err != nil || per <= 0 {
		return nil, fmt.Errorf("rate %q: want N/DURATION, e.g. 30/1m, or none", s)
	}
	return New(n, per), nil
}

// String renders the limit as Parse reads it.
func (w *Window) String() string {
	if w == nil {
		return "none"
	}
	return fmt.Sprintf("%d/%s", w.n, w.per)
}

// Reserve books the next slot and says how long the caller must wait for it.
func (w *Window) Reserve() time.Duration {
	if w == nil {
		return 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	at := now
	if w.paused.After(at) {
		at = w.paused
	}
	if len(w.history) >= w.n {
		if free := w.history[len(w.history)-w.n].Add(w.per + w.margin()); free.After(at) {
			at = free
		}
	}
	w.history = append(w.history, at)
	if len(w.history) > w.n {
		w.history = append(w.history[:0], w.history[len(w.history)-w.n:]...)
	}
	return at.Sub(now)
}

// Wait books a slot and sleeps until it comes, or until ctx ends.
func (w *Window) Wait(ctx context.Context) (time.Duration, error) {
	d := w.Reserve()
	if d <= 0 {
		return 0, nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return d, nil
	case <-ctx.Done():
		return d, ctx.Err()
	}
}

// PauseFor holds every later request back for d, as a server's Retry-After
// asks. It works on a nil *Window too, as a no-op: without a configured
// limit the caller waits itself.
func (w *Window) PauseFor(d time.Duration) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if until := w.now().Add(d); until.After(w.paused) {
		w.paused = until
	}
}
