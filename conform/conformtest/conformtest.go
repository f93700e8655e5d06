// Package conformtest runs authconform's conformance suite inside go
// test: each scenario is a subtest of the calling test, named after it, so
// `go test -run 'TestConformance/An_unknown_client_id'` runs one scenario
// and an IDE lists them all.
//
//	func TestConformance(t *testing.T) {
//		srv := httptest.NewServer(myTokenHandler)
//		defer srv.Close()
//		conformtest.Run(t, conform.Target{URL: conform.MustParseURL(srv.URL), ...})
//	}
//
// A failed @must scenario fails its subtest with what was expected, what
// came back, the exchange and a curl command; a failed @should scenario is
// logged and skipped (unless Strict); a known deviation, an inconclusive
// error scenario and a scenario left out for want of configuration are
// skipped with their reason. An error scenario run alone (-run selecting
// it) is inconclusive: the scenarios that show its client can get a token
// did not run.
package conformtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/authconform/authconform/conform"
)

// Option adjusts a run.
type Option func(*conform.Options)

// WithProfile judges the target as profile p (default CommerceLayer).
func WithProfile(p conform.Profile) Option { return func(o *conform.Options) { o.Profile = p } }

// WithTags selects scenarios by a godog tag expression.
func WithTags(expr string) Option { return func(o *conform.Options) { o.Tags = expr } }

// Strict fails the subtest of a failed @should scenario.
func Strict() Option { return func(o *conform.Options) { o.Strict = true } }

// WithKnownDeviations lists scenarios the target is known to fail: their
// subtests are skipped while they fail, and fail once they pass.
func WithKnownDeviations(d ...conform.KnownDeviation) Option {
	return func(o *conform.Options) { o.KnownDeviations = append(o.KnownDeviations, d...) }
}

// WithOptions adjusts anything else of the run (rate, timeouts, reports,
// concurrency) through the options conform.Run takes; their Target and
// Admit are this package's.
func WithOptions(f func(*conform.Options)) Option { return Option(f) }

// Run runs the suite against target, a subtest per scenario, and returns
// the run's result once every subtest has ended. A configuration error
// (an unreachable target, a missing URL) fails t at once.
func Run(t *testing.T, target conform.Target, opts ...Option) conform.Result {
	t.Helper()
	o := conform.Options{}
	for _, opt := range opts {
		opt(&o)
	}
	o.Target = target
	c := &cases{t: t, pending: map[string]chan conform.Verdict{}}
	o.Admit = c.admit
	res, err := conform.Run(context.Background(), o)
	c.deliver(res, err)
	c.wg.Wait()
	if err != nil {
		t.Fatalf("authconform: %v", err)
	}
	for _, l := range res.LeftOut {
		if l.OtherProfile {
			continue // not this family of servers' scenario at all
		}
		t.Run(l.Scenario, func(t *testing.T) { t.Skipf("left out: %s (%s)", l.Reason, l.Feature) })
	}
	return res
}

// cases tie the run's scenarios to subtests. A scenario's subtest starts
// when godog is about to run it (go test's -run decides whether it runs at
// all) and waits for the scenario's final verdict, which the run gives
// only at its end: an error scenario's status depends on the whole run.
type cases struct {
	t       *testing.T
	wg      sync.WaitGroup
	mu      sync.Mutex
	pending map[string]chan conform.Verdict
}

func key(feature, scenario string) string { return feature + "\x00" + scenario }

// admit opens the scenario's subtest and reports whether go test selected
// it. testing.T.Run may be called from other goroutines than the test's;
// every call returns before Run does (wg).
func (c *cases) admit(feature, scenario string) bool {
	verdicts := make(chan conform.Verdict, 1)
	started := make(chan bool, 1)
	c.mu.Lock()
	c.pending[key(feature, scenario)] = verdicts
	c.mu.Unlock()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.t.Run(scenario, func(t *testing.T) {
			started <- true
			report(t, <-verdicts)
		})
		// Not selected by -run: the subtest's function never ran.
		select {
		case started <- false:
		default:
		}
	}()
	return <-started
}

// deliver hands each waiting subtest its verdict; a scenario the run
// never reached (it ended early) gets a not-run one.
func (c *cases) deliver(res conform.Result, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, v := range res.Verdicts {
		if ch, ok := c.pending[key(v.Feature, v.Scenario)]; ok {
			ch <- v
			delete(c.pending, key(v.Feature, v.Scenario))
		}
	}
	for k, ch := range c.pending {
		why := "the run ended before it"
		if err != nil {
			why = err.Error()
		}
		feature, scenario, _ := strings.Cut(k, "\x00")
		ch <- conform.Verdict{Feature: feature, Scenario: scenario, Status: conform.NotRun, Error: why}
	}
}

// report ends a scenario's subtest as its verdict says.
func report(t *testing.T, v conform.Verdict) {
	where := fmt.Sprintf("%s:%d", v.Feature, v.Line)
	label := fmt.Sprintf("[%s %s] %s", v.Severity, strings.Join(v.Rules, " "), where)
	switch v.Status {
	case conform.Passed:
		t.Logf("%s: passed (%d requests)", label, v.Requests)
	case conform.Failed, conform.UnexpectedPass, conform.Interrupted:
		msg := label + ": " + v.Error
		if v.Repro != "" {
			msg += "\nreproduce with:\n" + v.Repro
		}
		if v.Transcript != "" {
			msg += "\n" + v.Transcript
		}
		t.Error(msg)
	case conform.Warning:
		t.Skipf("%s: warning (a @should scenario; conformtest.Strict() fails it): %s", label, v.Error)
	case conform.ExpectedFailure:
		t.Skipf("%s: known deviation: %s", label, v.Error)
	case conform.Inconclusive:
		t.Skipf("%s: %s", label, v.Error)
	default:
		t.Skipf("%s: %s: %s", label, v.Status, v.Error)
	}
}
