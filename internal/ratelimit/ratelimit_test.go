package ratelimit

import (
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
		d := w.Reserve()
		sent = append(sent, clock.t.Add(d))
		clock.t = clock.t.Add(d) // the caller waits, then sends
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

// TestPauseFor verifies a Retry-After pause delays the next request.
func TestPauseFor(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1000, 0)}
	w := New(100, time.Minute)
	w.now = clock.now
	w.PauseFor(2 * time.Second)
	if d := w.Reserve(); d != 2*time.Second {
		t.Errorf("Reserve after PauseFor(2s) = %v; want 2s", d)
	}
	var nilWindow *Window
	nilWindow.PauseFor(time.Second)
	if d := nilWindow.Reserve(); d != 0 {
		t.Errorf("nil Window Reserve = %v; want 0", d)
	}
}

// TestParse verifies the -rate syntax.
func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"30/1m", "30/1m0s", false},
		{"5/10s", "5/10s", false},
		{"none", "none", false},
		{"0", "none", false},
		{"30", "", true},
		{"x/1m", "", true},
		{"3/-1s", "", true},
		{"0/1m", "", true},
	}
	for _, tt := range tests {
		w, err := Parse(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("Parse(%q) error = %v; want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && w.String() != tt.want {
			t.Errorf("Parse(%q) = %s; want %s", tt.in, w, tt.want)
		}
	}
}
