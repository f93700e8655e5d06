package runner

import (
	"regexp"
	"time"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/verdict"
)

// Listing is what a run would do, found without sending anything: so QA
// can plan a run against a target that allows 30 requests a minute.
type Listing struct {
	Cases    []catalog.Case
	LeftOut  []verdict.LeftOut
	Requests int    // requests the cases send, retries of a 429 aside
	Rate     string // the limit that applies, as -rate reads it
	// Waiting is the least time the rate limit makes the run wait.
	Waiting time.Duration
}

// sendingStep matches the steps that send a request.
var sendingStep = regexp.MustCompile(`^the token request is sent\b`)

// List plans a run as Run does, checking the same configuration, and
// returns what it would run; it sends no request and opens no report.
func List(o Options) (Listing, error) {
	var res verdict.Run
	t := o.Target
	if err := t.CheckURL(); err != nil {
		return Listing{}, &ConfigError{err}
	}
	p := &runPlan{}
	if err := p.selectCases(o, &res); err != nil {
		return Listing{}, err
	}
	limiter, err := o.limiter(t.IsLoopback())
	if err != nil {
		return Listing{}, &ConfigError{err}
	}
	l := Listing{Cases: p.running, LeftOut: res.LeftOut, Rate: limiter.String()}
	for _, c := range p.running {
		for _, s := range c.Steps {
			if sendingStep.MatchString(s.Text) {
				l.Requests++
			}
		}
	}
	if n, per := limiter.Limit(); n > 0 && l.Requests > n {
		// Every request past the first n waits for a window to free a slot.
		l.Waiting = time.Duration((l.Requests-1)/n) * per
	}
	return l, nil
}
