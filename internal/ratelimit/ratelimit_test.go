package ratelimit

import (
	"context"
	"errors"
	"strings"
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

// TestParse verifies the -rate syntax and its bounds: N from 1 to 100000,
// DURATION from 1ms to 24h, at most 100000 a second.
func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string // part of the message, "" for none
	}{
		{"30/1m", "30/1m0s", ""},
		{"5/10s", "5/10s", ""},
		{" 5 / 10s ", "5/10s", ""},
		{"none", "none", ""},
		{"off", "none", ""},
		{"0", "none", ""},
		{"100000/1s", "100000/1s", ""},
		{"1/24h", "1/24h0m0s", ""},
		{"1/1ms", "1/1ms", ""},
		{"100/1ms", "100/1ms", ""},
		{"101/1ms", "", "over 100000 requests a second"},
		{"30", "", "want N/DURATION"},
		{"x/1m", "", "is not a whole number"},
		{"3/-1s", "", "want DURATION from 1ms to 24h"},
		{"0/1m", "", "want N from 1 to 100000"},
		{"-5/1m", "", "want N from 1 to 100000"},
		{"100001/1h", "", "want N from 1 to 100000"},
		{"99999999999999999999999/1m", "", "want N from 1 to 100000"},
		{"1/0s", "", "want DURATION from 1ms to 24h"},
		{"1/1ns", "", "want DURATION from 1ms to 24h"},
		{"1/999us", "", "want DURATION from 1ms to 24h"},
		{"1/25h", "", "want DURATION from 1ms to 24h"},
		{"1/9999999999h", "", "is not a duration"},
		{"1/soon", "", "is not a duration"},
		{"100000/999ms", "", "over 100000 requests a second"},
		{"50000/100ms", "", "over 100000 requests a second"},
	}
	for _, tt := range tests {
		w, err := Parse(tt.in)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("Parse(%q) error = %v; want %s", tt.in, err, tt.want)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("Parse(%q) = %v, error %v; want an error saying %q", tt.in, w, err, tt.wantErr)
		case err == nil && w.String() != tt.want:
			t.Errorf("Parse(%q) = %s; want %s", tt.in, w, tt.want)
		}
	}
}
