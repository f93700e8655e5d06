package conform

import (
	"errors"
	"time"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/verdict"
)

// Listing is what a run with the same Options would do, found without
// sending a request: so a run against a target allowing 30 requests a
// minute can be planned.
type Listing struct {
	Cases    []ListedCase // the scenarios it would run, in order
	LeftOut  []LeftOutCase
	Requests int // requests the cases send, retries of a 429 aside
	// Limited is how many of them go to the auth server (the token
	// endpoint's origin), the ones the rate limit covers.
	Limited int
	Rate    Rate // the rate limit that applies; the zero Rate is none
	// Waiting is the least time the rate limit makes the run wait.
	Waiting time.Duration
}

// ListedCase is a scenario a run would run.
type ListedCase struct {
	Feature  string // feature file, e.g. features/errors/invalid_client.feature
	Line     int    // the scenario's line in it
	Scenario string
	ID       string // its stable id, as Verdict.ID
	Severity Severity
	Rules    []string // the rules it checks
	Tags     []string
}

// List checks o as Run does and returns what Run would run and leave
// out; it sends nothing and writes no report. A *ConfigError means Run
// could not start either.
func List(o Options) (Listing, error) {
	l, err := runner.List(o)
	var ce *runner.ConfigError
	if errors.As(err, &ce) {
		return Listing{}, &ConfigError{ce.Err}
	}
	if err != nil {
		return Listing{}, err
	}
	out := Listing{LeftOut: leftOutOf(l.LeftOut), Requests: l.Requests, Limited: l.Limited, Rate: l.Rate, Waiting: l.Waiting}
	for _, c := range l.Cases {
		out.Cases = append(out.Cases, ListedCase{
			Feature: c.URI, Line: c.Line, Scenario: c.Scenario, ID: c.ID,
			Severity: Severity(verdict.SeverityOf(c.Tags)), Rules: catalog.Rules(c.Tags), Tags: c.Tags,
		})
	}
	return out, nil
}
