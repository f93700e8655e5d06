package httpclient

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/authconform/authconform/internal/ratelimit"
)

// retryHint is how long a 429 asks the client to wait, and which header
// said so ("" when none did usably).
type retryHint struct {
	wait time.Duration
	from string
}

// retryAfter reads how long a 429 asks the client to wait: Retry-After as
// seconds or an HTTP date (RFC 9110 §10.2.3), else X-Ratelimit-Interval in
// seconds, which Commerce Layer sends. A value that is neither a finite
// non-negative number nor a date counts as absent: a hostile or broken
// target must not make the client wait forever, or not at all, by
// sending NaN, Inf or a negative number. A date in the past means now.
func retryAfter(h http.Header, now time.Time) (retryHint, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if d, ok := parseSeconds(v); ok {
			return retryHint{d, "Retry-After"}, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return retryHint{max(t.Sub(now), 0), "Retry-After"}, true
		}
	}
	if v := strings.TrimSpace(h.Get("X-Ratelimit-Interval")); v != "" {
		if d, ok := parseSeconds(v); ok {
			return retryHint{d, "X-Ratelimit-Interval"}, true
		}
	}
	return retryHint{}, false
}

// parseSeconds reads a finite non-negative number of seconds. A number
// too large for a Duration is capped rather than left to wrap around to a
// negative or small value; the cap is far over any wait bound.
func parseSeconds(v string) (time.Duration, bool) {
	secs, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(secs) || math.IsInf(secs, 0) || secs < 0 {
		return 0, false
	}
	if secs >= float64(math.MaxInt64)/float64(time.Second) {
		return time.Duration(math.MaxInt64), true
	}
	return time.Duration(secs * float64(time.Second)), true
}

// seconds renders a wait for a message, to the millisecond.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Round(time.Millisecond).Seconds(), 'f', -1, 64)
}

// planRetry decides what to do about a 429: how long to wait before the one
// retry, or a refusal when the target asks for more than MaxWait. A 429
// without a usable hint is waited out for DefaultRetryWait (at most
// MaxWait), since retrying at once would only hammer. The hint is read
// from the headers as kept, as the transcript shows them.
func (c *Client) planRetry(h http.Header) (retryHint, *RefusedError) {
	hint, ok := retryAfter(h, time.Now())
	if !ok {
		return retryHint{wait: min(DefaultRetryWait, c.opts.MaxWait)}, nil
	}
	if hint.wait > c.opts.MaxWait {
		return hint, &RefusedError{Reason: fmt.Sprintf("the target asked to wait %s s (%s), over the %s s bound (-max-wait)",
			seconds(hint.wait), hint.from, seconds(c.opts.MaxWait))}
	}
	return hint, nil
}

// waitOut holds the request back as the 429 asked. When a limit covers
// the request's endpoint (limiter) the pause holds every request to the
// limited endpoints back, and the retry's own reservation does the
// waiting; without one, this request waits alone.
func (c *Client) waitOut(ctx context.Context, limiter *ratelimit.Window, hint retryHint) error {
	if limiter != nil {
		limiter.PauseFor(hint.wait)
		return nil
	}
	if hint.wait <= 0 {
		return nil
	}
	why := "a 429 without a usable Retry-After"
	if hint.from != "" {
		why = "the target's " + hint.from
	}
	return c.sleep(ctx, hint.wait, why)
}

// refuse stops the client: the target has refused to be tested at the
// pace it asks for, or at all.
func (c *Client) refuse(req Request, err *RefusedError) error {
	c.stopped.stop(err)
	return fmt.Errorf("%s %s: answered 429: %w", req.Method, req.URL, err)
}
