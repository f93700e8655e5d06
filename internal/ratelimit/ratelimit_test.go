package ratelimit

import (
	"context"
	"errors"
	"testing"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// TestReserveSlidingWindow verifies no window of Per ever holds more than N.
func TestReserveSlidingWindow(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	w := New(3, time.Minute)
	w.now = clock.now
	var sent []time.Time
	for i := 0; i < 10; i++ {
		d, slot, err := w.Reserve(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, clock.t.Add(d))
		clock.t = clock.t.Add(d) // the caller waits, then sends
		slot.Done()              // and the answer comes back at once
	}
	for i := range sent {
		n := 0
		for j := range sent {
			if !sent[j].Before(sent[i]) && sent[j].Before(sent[i].Add(time.Minute)) {
				n++
			}
		}
		if n > 3 {
			t.Fatalf("%d requests in the minute from %v; want at most 3", n, sent[i])
		}
	}
	// The least time the limit allows: 10 requests at 3/min need 3 full
	// minutes, plus the 2% margin for network jitter on each.
	if got, want := sent[9].Sub(sent[0]), 3*(time.Minute+w.margin()); got != want {
		t.Errorf("10 requests took %v; want %v (the least the limit allows)", got, want)
	}
}

// TestSlowAnswerDelaysTheNext verifies the window runs from a request's
// answer, not from when it was let through: a request that took 10 s to
// answer may have reached the server up to 10 s late, so the request a
// window later waits 10 s longer.
func TestSlowAnswerDelaysTheNext(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Unix(1000, 0)}
	w := New(1, time.Minute)
	w.now = clock.now
	_, first, _ := w.Reserve(ctx)
	clock.t = clock.t.Add(10 * time.Second) // the answer takes 10 s
	first.Done()
	d, second, _ := w.Reserve(ctx)
	defer second.Done()
	if want := time.Minute + w.margin(); d != want {
		t.Errorf("the next request waits %v after a slow answer; want %v (a window from the answer)", d, want)
	}
}

// TestReserveWaitsForInFlight verifies a slot a window back whose request
// is still in flight holds the next one until its answer: until then it
// may reach the server at any moment.
func TestReserveWaitsForInFlight(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	w := New(2, time.Minute)
	w.now = clock.now
	_, a, _ := w.Reserve(context.Background())
	_, b, _ := w.Reserve(context.Background())
	defer b.Done()

	// Neither answer is in: a third request must not be booked. A context
	// that has already ended shows Reserve waiting rather than booking.
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	if d, slot, err := w.Reserve(ended); !errors.Is(err, context.Canceled) || slot != nil {
		t.Fatalf("Reserve with two requests of 2/min in flight = (%v, %v, %v); want it to wait for an answer", d, slot, err)
	}

	clock.t = clock.t.Add(3 * time.Second) // before the goroutine: it reads the clock
	got := make(chan time.Duration)
	go func() {
		d, slot, err := w.Reserve(context.Background())
		if err != nil {
			t.Error(err)
		}
		slot.Done()
		got <- d
	}()
	a.Done() // a's answer, 3 s in
	if d, want := <-got, time.Minute+w.margin(); d != want {
		t.Errorf("the third request waits %v once the first is answered; want %v", d, want)
	}
}

// TestPauseFor verifies a Retry-After pause delays the next request.
func TestPauseFor(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	w := New(100, time.Minute)
	w.now = clock.now
	w.PauseFor(2 * time.Second)
	if d, _, _ := w.Reserve(context.Background()); d != 2*time.Second {
		t.Errorf("Reserve after PauseFor(2s) = %v; want 2s", d)
	}
	var nilWindow *Window
	nilWindow.PauseFor(time.Second)
	d, slot, err := nilWindow.Reserve(context.Background())
	if d != 0 || slot != nil || err != nil {
		t.Errorf("nil Window Reserve = (%v, %v, %v); want no wait, no slot", d, slot, err)
	}
	slot.Done() // a nil slot's Done does nothing
}

// TestFor verifies a rate becomes its limiter, no limit a nil one (which
// never waits), and the default is Commerce Layer's auth limit except on
// loopback.
func TestFor(t *testing.T) {
	custom := Rate{N: 5, Per: time.Second}
	for _, tt := range []struct {
		rate     *Rate
		loopback bool
		want     Rate
	}{
		{&Rate{}, false, Rate{}},
		{&custom, false, custom},
		{&custom, true, custom},
		{nil, true, Rate{}},
		{nil, false, Rate{N: 30, Per: time.Minute}},
	} {
		w := ForTarget(tt.rate, tt.loopback)
		if got := w.Rate(); got != tt.want || (w == nil) != tt.want.IsNone() {
			t.Errorf("ForTarget(%v, loopback %v) = %s; want %v", tt.rate, tt.loopback, w, tt.want)
		}
	}
}

// TestLeastWait verifies the least wait of n requests: none for the first
// N, then a window for each further N begun (ceil(n/N)-1 windows).
func TestLeastWait(t *testing.T) {
	r := Rate{N: 30, Per: time.Minute}
	for _, tt := range []struct {
		n    int
		want time.Duration
	}{
		{0, 0}, {1, 0}, {30, 0}, {31, time.Minute}, {60, time.Minute}, {61, 2 * time.Minute}, {62, 2 * time.Minute},
	} {
		if got := r.LeastWait(tt.n); got != tt.want {
			t.Errorf("%d requests at 30/min wait at least %v; want %v", tt.n, got, tt.want)
		}
	}
	if got := (Rate{}).LeastWait(1000); got != 0 {
		t.Errorf("no limit: LeastWait = %v; want 0", got)
	}
}

// TestEndpoints verifies a limit covers every request to its endpoint's
// origin, whatever the path or query, and no other origin: the API's own
// host, another scheme or port, and what is not a URL are not limited.
func TestEndpoints(t *testing.T) {
	w := New(30, time.Minute)
	const token = "https://auth.example.test/oauth/token"
	e := Covering(w, token)
	for _, tt := range []struct {
		url     string
		limited bool
	}{
		{token, true},
		{"https://auth.example.test/oauth/revoke", true},
		{token + "?grant_type=client_credentials", true},
		{"https://auth.example.test/.well-known/jwks.json", true},
		{"https://auth.example.test:443/oauth/token", true},
		{"HTTPS://Auth.Example.Test/oauth/token", true},
		{"https://shop.example.test/api/skus", false},
		{"http://auth.example.test/oauth/token", false},
		{"https://auth.example.test:8443/oauth/token", false},
		{"https://dashboard.example.test/oauth/authorize?client_id=x", false},
		{"/oauth/token", false},
		{"::not a url", false},
	} {
		if got := e.For(tt.url); (got == w) != tt.limited || (got != nil && got != w) {
			t.Errorf("For(%s) = %v; want limited: %v", tt.url, got, tt.limited)
		}
	}
	var none *Endpoints
	if none.For(token) != nil || Covering(nil, token).For(token) != nil || Covering(w, "no url").For("no url") != nil {
		t.Errorf("no limit: For(token) is a window; want nil")
	}
}

// TestOriginOf verifies origins are compared as RFC 6454 makes them.
func TestOriginOf(t *testing.T) {
	for in, want := range map[string]string{
		"https://a.test/x":           "https://a.test",
		"https://a.test:443/x":       "https://a.test",
		"http://a.test:80":           "http://a.test",
		"http://127.0.0.1:8080/x?y":  "http://127.0.0.1:8080",
		"http://[::1]:9/x":           "http://[::1]:9",
		"http://[::1]/x":             "http://[::1]",
		"HTTP://A.TEST/":             "http://a.test",
		"mailto:someone@example.com": "",
		"":                           "",
	} {
		if got := OriginOf(in); got != want {
			t.Errorf("OriginOf(%q) = %q; want %q", in, got, want)
		}
	}
}
