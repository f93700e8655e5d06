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
//
// A limit covers the server it is documented for (Endpoints): Commerce
// Layer's 30 a minute is its auth endpoint's, so every request to the
// token endpoint's origin counts against it (token, revocation, key set,
// and a resource or authorize endpoint served there too); requests to
// other origins, such as the API's own host, are not counted.
package ratelimit

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Rate is a limit: at most N requests in any window of length Per. The
// zero Rate is no limit. Its fields are those of the public options'
// rate (package setup), which converts to it; that package checks the
// bounds.
type Rate struct {
	N   int
	Per time.Duration
}

// IsNone says the rate is no limit.
func (r Rate) IsNone() bool { return r == Rate{} }

// LeastWait is the least time n requests spend waiting under r: the
// first N go at once, and each further N a window after the N before
// them, so n requests cannot all be sent before ceil(n/N)-1 windows.
func (r Rate) LeastWait(n int) time.Duration {
	if r.IsNone() || n <= r.N {
		return 0
	}
	return time.Duration((n-1)/r.N) * r.Per
}

// CommerceLayerAuth is Commerce Layer's documented limit of its auth
// endpoint: 30 requests a minute per IP, in live and test mode alike,
// counted as a sliding window (docs/sources/commercelayer-auth.md#rate-limits).
var CommerceLayerAuth = Rate{N: 30, Per: time.Minute}

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
// limit. The caller checks r's bounds (setup.Rate.Check).
func For(r Rate) *Window {
	if r.IsNone() {
		return nil
	}
	return New(r.N, r.Per)
}

// ForTarget is a run's limit of the auth endpoints: rate when one is
// given, else none for a target on loopback and CommerceLayerAuth for any
// other.
func ForTarget(rate *Rate, loopback bool) *Window {
	switch {
	case rate != nil:
		return For(*rate)
	case loopback:
		return nil
	}
	return For(CommerceLayerAuth)
}

// Rate is the limit: requests per window, and the window; the zero Rate,
// no limit, for a nil *Window.
func (w *Window) Rate() Rate {
	if w == nil {
		return Rate{}
	}
	return Rate{N: w.n, Per: w.per}
}

// LeastWait is the least time n requests spend waiting in w (Rate.LeastWait).
func (w *Window) LeastWait(n int) time.Duration { return w.Rate().LeastWait(n) }

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

// Endpoints is a limit and the origin it covers: a request to that
// origin is spaced by the window, any other is not limited at all. A
// server that limits its auth endpoints alone is kept under its limit, and
// so is one that counts every request it serves (a proxy in front of it,
// a limit per client address), at no cost in time to a run against
// Commerce Layer, whose API answers on another host. A nil *Endpoints
// limits nothing.
type Endpoints struct {
	window *Window
	origin string // OriginOf the endpoint the limit is documented for
}

// Covering limits the requests to endpoint's origin with w.
func Covering(w *Window, endpoint string) *Endpoints {
	return &Endpoints{window: w, origin: OriginOf(endpoint)}
}

// For is the window that limits a request to rawURL; nil when none does.
func (e *Endpoints) For(rawURL string) *Window {
	if e == nil || e.origin == "" || OriginOf(rawURL) != e.origin {
		return nil
	}
	return e.window
}

// OriginOf is rawURL's origin as a server counts its clients' requests:
// scheme and host in lower case, the port when it is not the scheme's
// default (RFC 6454 §4); "" for what is not an absolute URL.
func OriginOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	scheme, host, port := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname()), u.Port()
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if port != "" {
		return scheme + "://" + net.JoinHostPort(host, port)
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host
}

// Window is the limit itself; nil when there is none.
func (e *Endpoints) Window() *Window {
	if e == nil {
		return nil
	}
	return e.window
}
