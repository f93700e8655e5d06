package httpclient

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/ratelimit"
)

// notCounted checks an interrupted request left the client as it was: a
// counted failure on a client that never had an answer would stop it.
func notCounted(t *testing.T, c *Client, err error) {
	t.Helper()
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v; want it to wrap context.Canceled", err)
	}
	if c.Stopped() != nil || c.failures.Load() != 0 {
		t.Errorf("Stopped() = %v, failures %d; want an interruption not counted against the target", c.Stopped(), c.failures.Load())
	}
}

// TestInterruptedBefore verifies nothing is sent once the run is
// interrupted.
func TestInterruptedBefore(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := New(Options{})
	_, err := c.Do(ctx, Request{Method: "POST", URL: srv.URL})
	notCounted(t, c, err)
	if !strings.Contains(err.Error(), "not sent") || calls.Load() != 0 || c.Requests() != 0 {
		t.Errorf("err %v, server saw %d, client sent %d; want not sent", err, calls.Load(), c.Requests())
	}
}

// TestInterruptedInFlight verifies a request in flight is abandoned when
// the run is interrupted, well before its timeout, and the target is not
// blamed.
func TestInterruptedInFlight(t *testing.T) {
	arrived := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(guard(t))
	go func() {
		<-arrived
		cancel()
	}()
	c := New(Options{Timeout: time.Hour}) // only the interruption can end it
	_, err := c.Do(ctx, Request{Method: "POST", URL: srv.URL})
	notCounted(t, c, err)
	if !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("err = %v; want it to say interrupted", err)
	}
}

// TestInterruptedWaiting verifies the waits for a 429 and for the rate
// limit end with the run. OnWait, told when the wait begins, interrupts.
func TestInterruptedWaiting(t *testing.T) {
	tests := []struct {
		name    string
		limiter bool // a limiter already used up for an hour, else a 429
	}{
		{"429 Retry-After", false},
		{"rate limit", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "30")
				w.WriteHeader(http.StatusTooManyRequests)
			}))
			defer srv.Close()
			ctx, cancel := context.WithCancel(guard(t))
			opts := Options{OnWait: func(time.Duration, string) { cancel() }}
			if tt.limiter {
				w := ratelimit.New(1, time.Hour)
				w.PauseFor(time.Hour)
				opts.Limits = ratelimit.Covering(w, srv.URL)
			}
			c := New(opts)
			_, err := c.Do(ctx, Request{Method: "POST", URL: srv.URL})
			notCounted(t, c, err)
			if !strings.Contains(err.Error(), "not sent") || c.Waited() >= 30*time.Second {
				t.Errorf("err %v, waited %v; want not sent, and only the time actually waited counted", err, c.Waited())
			}
		})
	}
}

// TestStopEndsWaits verifies a request held back for the rate limit is
// not sent once the client has stopped meanwhile: here it waits for the
// answer to the one before, which never comes.
func TestStopEndsWaits(t *testing.T) {
	url := "http://" + rawServer(t, "silent")
	var waits atomic.Int32
	c := New(Options{
		Timeout: 300 * time.Millisecond,
		Limits:  ratelimit.Covering(ratelimit.New(1, time.Hour), url),
		OnWait:  func(time.Duration, string) { waits.Add(1) },
	})
	ctx := guard(t)
	first := make(chan error)
	go func() {
		_, err := c.Do(ctx, Request{Method: "POST", URL: url})
		first <- err
	}()
	// Wait until the first request holds the one slot: Requests counts it
	// just before it goes.
	for c.Requests() == 0 && ctx.Err() == nil {
		time.Sleep(time.Millisecond)
	}
	_, err := c.Do(ctx, Request{Method: "POST", URL: url})
	var gaveUp *GaveUpError
	if !errors.As(err, &gaveUp) || !strings.Contains(err.Error(), "not sent") {
		t.Errorf("second request: err = %v; want it not sent, wrapping the GaveUpError", err)
	}
	if err := <-first; err == nil {
		t.Errorf("first request: no error; want a timeout")
	}
	if waits.Load() != 0 || c.Requests() != 1 {
		t.Errorf("wait notices %d, requests %d; want 0, 1 (no hour announced for a request never sent)", waits.Load(), c.Requests())
	}
}

// TestSleepEndsOnStop verifies a wait ends when the client stops.
func TestSleepEndsOnStop(t *testing.T) {
	c := New(Options{})
	c.stopped.stop(&GaveUpError{Failures: 1, Last: "test", NeverAnswered: true})
	var gaveUp *GaveUpError
	if err := c.sleep(guard(t), time.Hour, "test"); !errors.As(err, &gaveUp) {
		t.Errorf("sleep after a stop: err = %v; want the GaveUpError", err)
	}
}
