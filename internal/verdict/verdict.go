// Package verdict holds the outcome of each scenario of a run, with what a
// reader needs to act on it: its tags (and so its severity), the error, and
// the redacted transcript of the requests it sent.
package verdict

import (
	"strings"
	"sync"
	"time"

	"github.com/authconform/authconform/internal/provenance"
)

// Status is a scenario's outcome.
type Status string

// Statuses. A failed @should scenario is a Warning unless the run is
// strict. With a known-deviation file, a listed scenario that fails is an
// ExpectedFailure (not a failure of the run) and one that passes is an
// UnexpectedPass (a failure of the run: the file needs updating).
const (
	Passed          Status = "passed"
	Failed          Status = "failed"
	Warning         Status = "warning"
	ExpectedFailure Status = "expected failure"
	UnexpectedPass  Status = "unexpected pass"
	// Interrupted is a scenario that was under way when the run was
	// interrupted (a signal) or the target stopped the run (it went away,
	// or refused to be tested): its outcome says nothing about the target.
	Interrupted Status = "interrupted"
	// NotRun is a scenario that never started because the run had already
	// ended by then. It is never counted as a failure.
	NotRun Status = "not run"
	// Inconclusive is an error scenario (one that passes when the target
	// refuses something) that passed, while the target issued no token to
	// that scenario's client anywhere in the run: without that positive
	// control the refusal is no evidence, since a target that refuses
	// everything would pass it too. The runner sets it after the run, with
	// the reason in Error ("inconclusive: the target issued no token to
	// client ..."). It is not a failure: by itself it does not fail the run.
	// It is never a pass either: every report shows it as inconclusive, and
	// JUnit as skipped.
	Inconclusive Status = "inconclusive"
)

// FailsRun reports whether a verdict with this status fails the run.
// Inconclusive does not: it is loss of evidence, not a fault of the target.
func (s Status) FailsRun() bool { return s == Failed || s == UnexpectedPass }

// Severity levels, from the @must / @should tags.
const (
	Must   = "MUST"
	Should = "SHOULD"
)

// Verdict is one scenario's outcome.
type Verdict struct {
	URI      string // feature file
	Order    int    // position in the feature files, for stable reports
	Feature  string
	Scenario string
	// ID is the case's stable id (catalog.Case.ID): what known-deviation
	// files and diff match it by. "" for a scenario without an id tag.
	ID string
	// Requirement is the sentence of the source the scenario checks, as
	// its feature states it: failures print it under their label.
	Requirement string
	Tags        []string
	Rules       []string // the rule tags, without "@": rfc6749-5.2, docs-...
	Severity    string
	Status      Status
	Error       string // redacted; empty when passed
	Expected    string // the known-deviation reason, if the scenario is listed
	Transcript  string // redacted requests and responses
	// Repro is a shell command that sends the last request again, with the
	// configured secret as a reference to its environment variable.
	Repro    string
	Line     int // the scenario's line in its feature file
	Requests int
	Duration time.Duration
}

// SeverityOf reads the severity from a scenario's tags: @should marks a
// recommendation, anything else is a requirement.
func SeverityOf(tags []string) string {
	for _, t := range tags {
		if t == "@should" {
			return Should
		}
	}
	return Must
}

// Label is how lines name a verdict's case: severity and rules, then where
// it is, "[MUST rfc6749-5.2] features/errors/x.feature: Scenario name".
func (v Verdict) Label() string {
	head := v.Severity
	if len(v.Rules) > 0 {
		head += " " + strings.Join(v.Rules, " ")
	}
	return "[" + head + "] " + v.URI + ": " + v.Scenario
}

// Recorder collects verdicts from concurrently running scenarios.
type Recorder struct {
	mu       sync.Mutex
	verdicts []Verdict
}

// Add records v.
func (r *Recorder) Add(v Verdict) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.verdicts = append(r.verdicts, v)
}

// All returns the verdicts in the order they were recorded; the runner
// puts them in feature-file order once it knows each scenario's place.
func (r *Recorder) All() []Verdict {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Verdict(nil), r.verdicts...)
}

// LeftOut is a scenario the run did not execute, and why.
type LeftOut struct {
	URI      string
	Scenario string
	ID       string // as Verdict.ID
	Line     int    // the scenario's line in its feature file, as Verdict.Line
	Reason   string
	// OtherProfile is true for a scenario of another profile: not a gap in
	// the configuration but a rule of another family of servers. People's
	// outputs count these in one line; the JSON summary lists each.
	OtherProfile bool
	Severity     string
	Tags         []string
	Rules        []string
}

// Run is a whole run's outcome, as reports show it.
type Run struct {
	Tool     provenance.Stamp // which tool and suite produced the run
	Target   string
	Profile  string
	Started  time.Time
	Duration time.Duration
	Strict   bool
	Verdicts []Verdict
	LeftOut  []LeftOut
	Requests int64
	Waited   time.Duration
	ExitCode int
	// Stopped says why the run ended before its last scenario: a signal,
	// or the target going away or refusing to be tested. Empty when the
	// run went to its end.
	Stopped string
}

// Counts tallies a run's verdicts. Inconclusive cases are counted apart
// from Passed: a pass is only ever a pass with evidence behind it.
type Counts struct {
	Scenarios, Passed, Failed, Warnings, LeftOut int
	ExpectedFailures, UnexpectedPasses           int
	Interrupted, NotRun                          int
	Inconclusive                                 int
}

// Count tallies r.
func (r Run) Count() Counts {
	c := Counts{Scenarios: len(r.Verdicts), LeftOut: len(r.LeftOut)}
	for _, v := range r.Verdicts {
		switch v.Status {
		case Passed:
			c.Passed++
		case Failed:
			c.Failed++
		case Warning:
			c.Warnings++
		case ExpectedFailure:
			c.ExpectedFailures++
		case UnexpectedPass:
			c.UnexpectedPasses++
		case Interrupted:
			c.Interrupted++
		case NotRun:
			c.NotRun++
		case Inconclusive:
			c.Inconclusive++
		}
	}
	return c
}
