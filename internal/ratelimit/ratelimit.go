// Package ratelimit spaces requests so that no sliding window of the given
// length ever holds more than the given number of them.
//
// Commerce Layer counts requests to its auth endpoint in sliding windows
// ("the count ... is never reset"), so a token bucket with a burst would
// still trip it: 30 requests at once and one more two seconds later make 31
// in the last minute. This limiter remembers when the answers to the last N
// requests came back and lets the next request go only a window after the
// oldest of them. A request reaches the server before its answer comes
// back, so however long requests travel, and however many are in flight at
// once, no two of them N apart arrive less than a window apart; a request
// stamped when it was let through instead could travel slowly, arrive late,
// and share a window with a later one that travelled fast.
package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/authconform/authconform/conform/setup"
)

// Window allows at most N requests in any window of length Per.
type Window struct {
	n   int
	per time.Duration
	now func() time.Time

	mu      sync.Mutex
	history []*Slot   // the last n slots booked, oldest first
	paused  time.Time // nothing goes before this (set after a 429)
}

// Slot is one request's place in the window. Its holder calls Done when
// the request's answer has come back, or when the request failed or was
// never sent; until then it counts as arriving at any moment.
type Slot struct {
	w        *Window
	answered chan struct{} // closed by Done
	at       time.Time     // when Done was called
}

// New returns a limiter of n requests per window.
func New(n int, per time.Duration) *Window {
	return &Window{n: n, per: per, now: time.Now}
}

// margin is added to the window for what the answer stamps cannot cover:
// a server that counts in whole seconds, or whose clock runs a little
// ahead. A fiftieth of the window (1.2 s of Commerce Layer's minute), at a
// cost of 2% in the least possible run time.
func (w *Window) margin() time.Duration {
	return max(w.per/50, 10*time.Millisecond)
}

// For returns a limiter of r, or nil (which never waits) when r is no
// limit; a rate out of setup's bounds is an error.
func For(r setup.Rate) (*Window, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	if r.IsNone() {
		return nil, nil
	}
	return New(r.N, r.Per), nil
}

// DefaultRemote is Commerce Layer's documented auth limit: 30 requests a
// minute per IP (docs/sources/commercelayer-auth.md#rate-limits).
var DefaultRemote = setup.Rate{N: 30, Per: time.Minute}

// ForTarget is a run's rate limit: rate when one is given, else none for a
// target on loopback and DefaultRemote for any other.
func ForTarget(rate *setup.Rate, loopback bool) (*Window, error) {
	switch {
	case rate != nil:
		return For(*rate)
	case loopback:
		return nil, nil
	}
	return For(DefaultRemote)
}

// Rate is the limit: requests per window, and the window; the zero Rate,
// no limit, for a nil *Window.
func (w *Window) Rate() setup.Rate {
	if w == nil {
		return setup.Rate{}
	}
	return setup.Rate{N: w.n, Per: w.per}
}

// String renders the limit as setup.ParseRate reads it.
func (w *Window) String() string {
	if w == nil {
		return "none"
	}
	return fmt.Sprintf("%d/%s", w.n, w.per)
}

// Reserve books the next slot and says how long the caller must wait
// before sending in it. When the slot a window back is still in flight,
// Reserve first waits for its answer, or until ctx ends. The caller must
// call Done on the slot once the request is over. A nil *Window never
// waits and gives a nil *Slot, whose Done does nothing.
func (w *Window) Reserve(ctx context.Context) (time.Duration, *Slot, error) {
	if w == nil {
		return 0, nil, nil
	}
	for {
		w.mu.Lock()
		now := w.now()
		at := now
		if w.paused.After(at) {
			at = w.paused
		}
		if len(w.history) >= w.n {
			oldest := w.history[len(w.history)-w.n]
			if oldest.at.IsZero() {
				w.mu.Unlock()
				select {
				case <-oldest.answered:
					continue
				case <-ctx.Done():
					return 0, nil, ctx.Err()
				}
			}
			if free := oldest.at.Add(w.per + w.margin()); free.After(at) {
				at = free
			}
		}
		s := &Slot{w: w, answered: make(chan struct{})}
		w.history = append(w.history, s)
		if len(w.history) > w.n {
			w.history = append(w.history[:0], w.history[len(w.history)-w.n:]...)
		}
		w.mu.Unlock()
		return at.Sub(now), s, nil
	}
}

// Done records that the slot's request is over, now. Calls after the
// first do nothing.
func (s *Slot) Done() {
	if s == nil {
		return
	}
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	if s.at.IsZero() {
		s.at = s.w.now()
		close(s.answered)
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
