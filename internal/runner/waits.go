package runner

import (
	"fmt"
	"sync"
	"time"

	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/setup"
)

// waitWorthALine is the shortest wait for the rate limit that gets a line:
// shorter ones are the limit's ordinary spacing, and a line each would
// bury the cases' lines.
const waitWorthALine = 2 * time.Second

// waitNotes decides which waits get a line, so that a long quiet stretch
// is never mistaken for a hung run, while the scenarios that wait
// together (at -concurrency above 1) say so once.
type waitNotes struct {
	rate  setup.Rate
	mu    sync.Mutex
	until time.Time // when the last wait announced ends
}

// line is the line for a wait of d for why, starting at now; "" for none.
// A 429's wait always gets one: the target asked for it.
func (w *waitNotes) line(now time.Time, d time.Duration, why string) string {
	if why != httpclient.RateLimitWait { // a target's 429
		return fmt.Sprintf("waiting %s for %s", roundWait(d), why)
	}
	if d < waitWorthALine {
		return ""
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	end := now.Add(d)
	if end.Before(w.until.Add(waitWorthALine)) {
		return "" // a wait already announced ends about then
	}
	w.until = end
	return fmt.Sprintf("waiting %s for the rate limit (%s)", roundWait(d), describeRate(w.rate))
}

// roundWait is d as a person reads a wait: whole seconds, tenths below 10 s.
func roundWait(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

// describeRate says a rate in words: "30 requests a minute".
func describeRate(r setup.Rate) string {
	if r.N == 0 {
		return "no limit"
	}
	requests := fmt.Sprintf("%d requests", r.N)
	if r.N == 1 {
		requests = "1 request"
	}
	switch r.Per {
	case time.Second:
		return requests + " a second"
	case time.Minute:
		return requests + " a minute"
	case time.Hour:
		return requests + " an hour"
	}
	return requests + " every " + r.Per.String()
}
