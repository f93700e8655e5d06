package httpclient

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/ratelimit"
)

// TestRetryAfterValues verifies what a 429 asks to wait is read as a
// finite non-negative number of seconds or an HTTP date, and anything
// else is ignored as absent rather than wrapping or waiting forever.
func TestRetryAfterValues(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	forever := time.Duration(math.MaxInt64)
	tests := []struct {
		name     string
		header   string // Retry-After unless it says otherwise
		value    string
		wantWait time.Duration
		wantFrom string // "" when the value is ignored
	}{
		{"seconds", "Retry-After", "2", 2 * time.Second, "Retry-After"},
		{"fraction", "Retry-After", "1.5", 1500 * time.Millisecond, "Retry-After"},
		{"zero", "Retry-After", "0", 0, "Retry-After"},
		{"spaces", "Retry-After", " 3 ", 3 * time.Second, "Retry-After"},
		{"date ahead", "Retry-After", "Sat, 28 Nov 2026 12:01:00 GMT", time.Minute, "Retry-After"},
		{"date past", "Retry-After", "Sat, 28 Nov 2026 11:00:00 GMT", 0, "Retry-After"},
		{"too large for a Duration", "Retry-After", "99999999999999999999", forever, "Retry-After"},
		{"interval", "X-Ratelimit-Interval", "60", time.Minute, "X-Ratelimit-Interval"},
		{"NaN", "Retry-After", "NaN", 0, ""},
		{"Inf", "Retry-After", "Inf", 0, ""},
		{"+Infinity", "Retry-After", "+Infinity", 0, ""},
		{"1e400", "Retry-After", "1e400", 0, ""},
		{"negative", "Retry-After", "-1", 0, ""},
		{"-5", "Retry-After", "-5", 0, ""},
		{"word", "Retry-After", "soon", 0, ""},
		{"400 digits", "Retry-After", strings.Repeat("9", 400), 0, ""},
		{"empty", "Retry-After", "", 0, ""},
		{"interval NaN", "X-Ratelimit-Interval", "NaN", 0, ""},
		{"interval negative", "X-Ratelimit-Interval", "-60", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hint, ok := retryAfter(http.Header{tt.header: {tt.value}}, now)
			if ok != (tt.wantFrom != "") || hint.wait != tt.wantWait || hint.from != tt.wantFrom {
				t.Errorf("%s: %q read as (%v, %q, usable %v); want (%v, %q)", tt.header, tt.value, hint.wait, hint.from, ok, tt.wantWait, tt.wantFrom)
			}
		})
	}
}

// TestUnusableRetryAfterWaitsDefault verifies a 429 whose Retry-After is
// unusable is treated like one without: waited out for the default wait,
// bounded by MaxWait, then retried once.
func TestUnusableRetryAfterWaitsDefault(t *testing.T) {
	const maxWait = 20 * time.Millisecond // bounds DefaultRetryWait, to keep the test short
	for _, value := range []string{"NaN", "Inf", "1e400", "-1", "soon", strings.Repeat("9", 400), ""} {
		t.Run("Retry-After="+value[:min(len(value), 10)], func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					w.Header().Set("Retry-After", value)
					w.WriteHeader(http.StatusTooManyRequests)
				}
			}))
			defer srv.Close()
			var waits []time.Duration
			var why []string
			c := New(Options{MaxWait: maxWait, OnWait: func(d time.Duration, w string) { waits, why = append(waits, d), append(why, w) }})
			ex, err := c.Do(guard(t), Request{Method: "POST", URL: srv.URL})
			if err != nil || ex.Status != http.StatusOK || !ex.Retried {
				t.Fatalf("got %v, %v; want 200 after one retry", ex, err)
			}
			if len(waits) != 1 || waits[0] != maxWait || why[0] != "a 429 without a usable Retry-After" {
				t.Errorf("waits %v for %q; want one of %v for a 429 without a usable Retry-After", waits, why, maxWait)
			}
		})
	}
}

// TestRefused verifies a 429 the client cannot honour stops it, without
// waiting: a wait over MaxWait, or a second 429 after the wait. The run
// must end rather than hammer or hang.
func TestRefused(t *testing.T) {
	tests := []struct {
		name         string
		header       string
		value        string
		wantReason   string
		wantRequests int64
	}{
		{"an hour", "Retry-After", "3600", "the target asked to wait 3600 s (Retry-After), over the 60 s bound (-max-wait)", 1},
		{"an hour of interval", "X-Ratelimit-Interval", "3600", "the target asked to wait 3600 s (X-Ratelimit-Interval), over the 60 s bound (-max-wait)", 1},
		{"too large for a Duration", "Retry-After", "99999999999999999999", "over the 60 s bound (-max-wait)", 1},
		{"429 again", "Retry-After", "0", "the target answered 429 again after waiting 0 s", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set(tt.header, tt.value)
				w.WriteHeader(http.StatusTooManyRequests)
			}))
			defer srv.Close()
			waits := 0
			c := New(Options{OnWait: func(time.Duration, string) { waits++ }})
			ex, err := c.Do(guard(t), Request{Method: "POST", URL: srv.URL})
			var refused *RefusedError
			if ex != nil || !errors.As(err, &refused) || !strings.Contains(refused.Reason, tt.wantReason) {
				t.Fatalf("got %v, %v; want no exchange and a RefusedError saying %q", ex, err, tt.wantReason)
			}
			if !errors.As(c.Stopped(), &refused) {
				t.Errorf("Stopped() = %v; want the RefusedError", c.Stopped())
			}
			if _, err := c.Do(guard(t), Request{Method: "POST", URL: srv.URL}); !errors.As(err, &refused) || !strings.Contains(err.Error(), "not sent") {
				t.Errorf("next request: err = %v; want it not sent, wrapping the RefusedError", err)
			}
			if c.Requests() != tt.wantRequests || waits != 0 || c.Waited() != 0 {
				t.Errorf("requests %d, wait notices %d, waited %v; want %d, 0, 0", c.Requests(), waits, c.Waited(), tt.wantRequests)
			}
		})
	}
}

// TestLimitKeyedByEndpoint verifies the limit spaces only the requests
// to the origin it covers, and a 429 from another origin (the protected
// resource on the API's host) is waited out by its request alone, without
// holding the limited ones back.
func TestLimitKeyedByEndpoint(t *testing.T) {
	t.Parallel()
	var refused atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/resource" && refused.CompareAndSwap(false, true) {
			w.Header().Set("Retry-After", "0.02")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	var why []string
	// The limit covers the token endpoint's origin: the same server under
	// another name is another origin, as an API on its own host is.
	auth := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	c := New(Options{
		Limits: ratelimit.Covering(ratelimit.New(1, time.Hour), auth+"/token"),
		OnWait: func(_ time.Duration, w string) { why = append(why, w) },
	})
	for _, tt := range []struct {
		method, path string
		sent         bool
	}{
		{http.MethodGet, "/resource", true}, // a 429, waited out alone, then 200
		{http.MethodPost, "/token", true},   // the window's one slot, at once
		{http.MethodPost, "/token?x=1", false},
		{http.MethodGet, "/free", true},
		{http.MethodGet, "/free", true},
	} {
		ctx, cancel := context.WithTimeout(guard(t), 50*time.Millisecond)
		base := srv.URL
		if strings.HasPrefix(tt.path, "/token") {
			base = auth
		}
		ex, err := c.Do(ctx, Request{Method: tt.method, URL: base + tt.path})
		cancel()
		if sent := err == nil && ex.Status == http.StatusOK; sent != tt.sent {
			t.Errorf("%s %s: answer %v, err %v; want sent and answered 200: %v", tt.method, tt.path, ex, err, tt.sent)
		}
	}
	if want := []string{"the target's Retry-After", "the rate limit"}; strings.Join(why, "; ") != strings.Join(want, "; ") {
		t.Errorf("waits: %q; want %q (the resource's 429, then the second token request held for the window)", why, want)
	}
}
