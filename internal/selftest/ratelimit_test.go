package selftest

import (
	"testing"
	"time"

	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/verdict"
	"github.com/authconform/authconform/setup"
)

// TestRateLimitedTarget runs the suite against a server that allows 5
// requests per 500 ms and answers 429 with Retry-After beyond it: the run
// must pass with no failure caused by the limit, whether the suite knows
// the limit (-rate) or learns it from 429s. With -concurrency 4 the known
// limit must still hold: one limiter covers every scenario in flight, so
// the server sends no 429. Its runs spend most of their time waiting out
// the limit, so it waits while the other tests work.
func TestRateLimitedTarget(t *testing.T) {
	t.Parallel()
	const perWindow, window = 5, 500 * time.Millisecond
	server := refserver.Options{RateLimit: perWindow, RateWindow: window}
	tests := []struct {
		name        string
		rate        setup.Rate
		concurrency int
		retries     bool // 429s expected, each waited out and retried
	}{
		{"client-limit=matched", setup.Rate{N: perWindow, Per: window}, 1, false},
		{"client-limit=none", setup.Rate{}, 1, true},
		{"client-limit=matched/concurrency=4", setup.Rate{N: perWindow, Per: window}, 4, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Each run has a server and a limiter of its own, and spends
			// most of its time waiting: they wait at once.
			t.Parallel()
			res := runWith(t, server, func(o *setup.Options) { o.Rate, o.Concurrency = &tt.rate, tt.concurrency })
			for _, v := range res.Verdicts {
				if v.Status != verdict.Passed {
					t.Errorf("scenario %q: %s\n%s", v.Scenario, v.Status, v.Error)
				}
			}
			// The key set is read once for the run and counted in no
			// scenario's requests.
			sent := 1
			for _, v := range res.Verdicts {
				sent += v.Requests
			}
			// The least waiting the limit allows: after the first window's
			// requests, every further batch waits one window.
			least := time.Duration((sent+perWindow-1)/perWindow-1) * window
			switch {
			case !tt.retries && res.Requests != int64(sent):
				t.Errorf("%d requests sent for %d exchanges; want no 429 retries when the limit is known", res.Requests, sent)
			case !tt.retries && res.Waited > least+window:
				t.Errorf("waited %s for %d requests; want close to the least the limit allows, %s", res.Waited, sent, least)
			case tt.retries && res.Requests <= int64(sent):
				t.Errorf("%d requests for %d exchanges; want some 429s waited out and retried", res.Requests, sent)
			}
			t.Logf("%d exchanges, %d requests, waited %s (least the limit allows: %s)", sent, res.Requests, res.Waited.Round(time.Millisecond), least)
		})
	}
}
