package refserver

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// slidingWindow admits at most limit requests in any window-long span:
// Commerce Layer describes its token-endpoint limit (30 per minute) as a
// sliding window with no reset time. It keeps the admission times of the
// last window, which is cheap at the small limits used in tests.
//
// The limit is global, not per client IP: every test client connects from
// the loopback address, so per-IP counting would change nothing.
type slidingWindow struct {
	limit  int
	window time.Duration

	mu       sync.Mutex
	admitted []time.Time // admission times within the window, oldest first
}

// admit reports whether a request arriving at now may proceed, how many more
// would be admitted right after it, and, when refused, how long until the
// oldest admission leaves the window.
func (l *slidingWindow) admit(now time.Time) (ok bool, remaining int, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := now.Add(-l.window)
	expired := 0
	for expired < len(l.admitted) && !l.admitted[expired].After(start) {
		expired++
	}
	l.admitted = append(l.admitted[:0], l.admitted[expired:]...)
	if len(l.admitted) >= l.limit {
		return false, 0, l.admitted[0].Sub(start)
	}
	l.admitted = append(l.admitted, now)
	return true, l.limit - len(l.admitted), 0
}

// setHeaders writes the X-Ratelimit-* headers Commerce Layer's SDK reads:
// the limit, the interval in seconds and the requests left in it.
func (l *slidingWindow) setHeaders(h http.Header, remaining int) {
	h.Set("X-Ratelimit-Limit", strconv.Itoa(l.limit))
	h.Set("X-Ratelimit-Interval", strconv.Itoa(ceilSeconds(l.window)))
	h.Set("X-Ratelimit-Remaining", strconv.Itoa(remaining))
}

// ceilSeconds rounds up to whole seconds, at least 1, so that a client that
// waits that long is never early (Retry-After takes only integers).
func ceilSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
