package runner

import (
	"testing"
	"time"

	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/setup"
)

// TestProgressWaitLines verifies which waits get a line, and what it says:
// a wait for the rate limit of 2 s or more gets one, with the time left and
// the limit in words; waits that end about when one already announced
// ends (the scenarios of a -concurrency run waiting together) get none; a
// 429's wait always gets one.
func TestProgressWaitLines(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	steps := []struct {
		after time.Duration // since start
		wait  time.Duration
		why   string
		want  string
	}{
		{0, 100 * time.Millisecond, httpclient.RateLimitWait, ""},
		{0, 1900 * time.Millisecond, httpclient.RateLimitWait, ""},
		{0, 23 * time.Second, httpclient.RateLimitWait, "waiting 23s for the rate limit (30 requests a minute)"},
		{10 * time.Millisecond, 23 * time.Second, httpclient.RateLimitWait, ""},            // waits with the first
		{time.Second, 23*time.Second + 500*time.Millisecond, httpclient.RateLimitWait, ""}, // ends 1.5 s later: the same stretch
		{30 * time.Second, 2500 * time.Millisecond, httpclient.RateLimitWait, "waiting 2.5s for the rate limit (30 requests a minute)"},
		{31 * time.Second, 5 * time.Second, "a 429's Retry-After", "waiting 5s for a 429's Retry-After"},
		{40 * time.Second, 61 * time.Second, httpclient.RateLimitWait, "waiting 1m1s for the rate limit (30 requests a minute)"},
	}
	w := &waitNotes{rate: setup.Rate{N: 30, Per: time.Minute}}
	for i, s := range steps {
		if got := w.line(start.Add(s.after), s.wait, s.why); got != s.want {
			t.Errorf("wait %d (%s for %s at +%s): line %q; want %q", i, s.wait, s.why, s.after, got, s.want)
		}
	}
}

// TestProgressRateInWords verifies the limit as the wait line says it.
func TestProgressRateInWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rate setup.Rate
		want string
	}{
		{setup.Rate{N: 30, Per: time.Minute}, "30 requests a minute"},
		{setup.Rate{N: 1, Per: time.Second}, "1 request a second"},
		{setup.Rate{N: 1000, Per: time.Hour}, "1000 requests an hour"},
		{setup.Rate{N: 5, Per: 10 * time.Second}, "5 requests every 10s"},
		{setup.Rate{}, "no limit"},
	} {
		if got := describeRate(tc.rate); got != tc.want {
			t.Errorf("describeRate(%v) = %q; want %q", tc.rate, got, tc.want)
		}
	}
}
