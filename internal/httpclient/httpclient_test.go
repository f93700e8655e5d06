package httpclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestBodyCap verifies a body past the cap is cut, not read whole.
func TestBodyCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", 3000)))
	}))
	defer srv.Close()
	c := New(Options{MaxBody: 1000})
	ex, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Body) != 1000 || !ex.Truncated {
		t.Errorf("body %d bytes, truncated %v; want 1000, true", len(ex.Body), ex.Truncated)
	}
}

// TestRetryAfter verifies a 429 is waited out as the target asks and the
// request sent once more, and only once.
func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name     string
		header   http.Header
		wantWait time.Duration
	}{
		{"retry-after seconds", http.Header{"Retry-After": {"1"}}, time.Second},
		{"x-ratelimit-interval", http.Header{"X-Ratelimit-Interval": {"1"}}, time.Second},
	}
	for _, tt := range tests {
		t.Run("header="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					for k, v := range tt.header {
						w.Header()[k] = v
					}
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				w.WriteHeader(http.StatusOK)
			}))
			defer srv.Close()
			var waits []string
			c := New(Options{OnWait: func(d time.Duration, why string) { waits = append(waits, why) }})
			ex, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if ex.Status != 200 || !ex.Retried {
				t.Errorf("status %d retried %v; want 200 after one retry", ex.Status, ex.Retried)
			}
			if c.Requests() != 2 || c.Waited() != tt.wantWait || len(waits) != 1 {
				t.Errorf("requests %d, waited %s, wait notices %q; want 2, %s, one notice", c.Requests(), c.Waited(), waits, tt.wantWait)
			}
		})
	}
}

// TestGiveUp verifies a target that stops answering stops costing a
// timeout per request. It answers once first: a target that never
// answered gives up at the first failure (TestNeverAnswered).
func TestGiveUp(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			return
		}
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer srv.Close()
	defer srv.CloseClientConnections()
	c := New(Options{Timeout: 100 * time.Millisecond, GiveUpAfter: 2})
	if _, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL}); err != nil {
		t.Fatalf("first request: err = %v; want an answer", err)
	}
	for i := 1; i < 3; i++ {
		if _, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL}); err == nil || !strings.Contains(err.Error(), "no answer within the request timeout") {
			t.Fatalf("request %d: err = %v; want a timeout", i, err)
		}
	}
	_, err := c.Do(context.Background(), Request{Method: "POST", URL: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "failed 2 requests in a row") {
		t.Errorf("fourth request: err = %v; want it not sent after 2 failures in a row", err)
	}
	if c.Requests() != 3 {
		t.Errorf("%d requests sent; want 3", c.Requests())
	}
}

// TestNoRedirects verifies a redirect is reported, not followed: a token
// request carries a secret, which must not travel to another URL.
func TestNoRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.invalid/", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	ex, err := New(Options{}).Do(context.Background(), Request{Method: "POST", URL: srv.URL})
	if err != nil || ex.Status != http.StatusTemporaryRedirect {
		t.Errorf("got %v, %v; want the 307 itself", ex, err)
	}
}

// TestWaitSpanCountsOverlapOnce verifies Waited is wall time: waits that
// overlap (scenarios running concurrently, each held back by the same
// limit) count once, waits apart count in full.
func TestWaitSpanCountsOverlapOnce(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	type wait struct {
		start int // ms after t0
		d     time.Duration
	}
	tests := []struct {
		name  string
		waits []wait
		want  time.Duration
	}{
		{"none", nil, 0},
		{"one", []wait{{0, time.Second}}, time.Second},
		{"apart", []wait{{0, time.Second}, {2000, time.Second}}, 2 * time.Second},
		{"same", []wait{{0, time.Second}, {0, time.Second}, {0, time.Second}}, time.Second},
		{"overlapping", []wait{{0, time.Second}, {500, time.Second}}, 1500 * time.Millisecond},
		{"inside", []wait{{0, 2 * time.Second}, {500, time.Second}}, 2 * time.Second},
		{"touching", []wait{{0, time.Second}, {1000, time.Second}}, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w waitSpan
			for _, x := range tt.waits {
				w.add(at(x.start), x.d)
			}
			if got := w.total(); got != tt.want {
				t.Errorf("waited %s; want %s", got, tt.want)
			}
		})
	}
}
