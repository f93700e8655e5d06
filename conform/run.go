package conform

import (
	"context"
	"errors"
	"io/fs"
	"time"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/verdict"
	"github.com/authconform/authconform/setup"
)

// Suite holds the built-in feature files (under "features") and JSON
// Schemas (under "schemas"), the suite Run runs unless Options.Features
// says otherwise.
var Suite fs.FS = builtIn

var builtIn fs.FS = authconform.Files

// Exit codes, as the authconform command exits (the runner's, checked by
// a test).
const (
	ExitPass   = 0 // every scenario run passed (warnings allowed)
	ExitFail   = 1 // a scenario failed
	ExitConfig = 2 // the run could not start, or the target could not be tested
)

// KnownDeviation is a scenario the target is known to fail, and why: it
// does not fail the run while it fails, and fails the run once it passes.
type KnownDeviation = setup.KnownDeviation

// Options configure a run (package setup's type, which the runner takes
// as it is). The zero value, with a Target, runs the Commerce Layer
// profile's built-in suite with the command's defaults. ParseFormats and
// ParseRate read the command's -format and -rate into Formats and Rate.
type Options = setup.Options

// Format is one report of a run: a formatter and the file it writes
// ("" for Options.Output).
type Format = setup.Format

// ParseFormats reads formats as the command's -format takes them,
// comma-separated, each NAME or NAME:FILE ("console", "junit:FILE",
// "json:FILE", "html:FILE", godog's "pretty", "cucumber:FILE"...), and
// checks them as Run does; "" is the console format. Paths come back
// absolute.
func ParseFormats(s string) ([]Format, error) { return runner.ParseFormats(s) }

// Rate limits the requests of a run: at most N in any window of length
// Per. The zero Rate is no limit.
type Rate = setup.Rate

// ParseRate reads a rate as the command's -rate takes it: "N/DURATION"
// ("30/1m") or "none"; "" is the default and gives nil.
func ParseRate(s string) (*Rate, error) { return setup.ParseRate(s) }

// Run runs the suite against o.Target. A *ConfigError means the run
// could not start or the target could not be tested (exit 2); the Result
// then holds whatever ran. When ctx ends, the scenario in flight ends as
// interrupted, the rest as not run, and every report is written.
func Run(ctx context.Context, o Options) (Result, error) {
	res, err := runner.Run(ctx, o)
	out := resultOf(res)
	var ce *runner.ConfigError
	if errors.As(err, &ce) {
		out.ExitCode = ExitConfig
		return out, &ConfigError{ce.Err}
	}
	return out, err
}

// ConfigError is a problem with the run's set-up or the target's
// reachability, not with its answers (the command exits 2).
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Status is a scenario's outcome.
type Status string

// Statuses, spelled as the JSON summary (-format json) spells them.
const (
	Passed          Status = "passed"
	Failed          Status = "failed"          // fails the run
	Warning         Status = "warning"         // a failed @should scenario, not strict
	ExpectedFailure Status = "known_deviation" // failed, as Options.KnownDeviations expects
	UnexpectedPass  Status = "unexpected_pass" // listed as a known deviation, passed: fails the run
	Inconclusive    Status = "inconclusive"    // an error scenario passed, but its client got no token in the run
	Interrupted     Status = "interrupted"     // under way when the run ended
	NotRun          Status = "not_run"         // the run had ended, or Admit refused it
	LeftOut         Status = "left_out"        // not run for want of configuration (Result.LeftOut)
)

// Severity is how much a scenario's rule binds: a requirement or a
// recommendation.
type Severity string

// Severities, from the scenarios' @must and @should tags, spelled as every
// report spells them.
const (
	Must   Severity = "MUST"   // a failure fails the run
	Should Severity = "SHOULD" // a failure is a warning, unless Options.Strict
)

var statuses = map[verdict.Status]Status{
	verdict.Passed: Passed, verdict.Failed: Failed, verdict.Warning: Warning,
	verdict.ExpectedFailure: ExpectedFailure, verdict.UnexpectedPass: UnexpectedPass,
	verdict.Inconclusive: Inconclusive, verdict.Interrupted: Interrupted, verdict.NotRun: NotRun,
}

// Verdict is one scenario's outcome.
type Verdict struct {
	Feature  string // feature file, e.g. features/errors/invalid_client.feature
	Line     int    // the scenario's line in it
	Scenario string
	// ID is the scenario's stable id, its @id: tag ("#" and the row's
	// number for a Scenario Outline's row): what KnownDeviation and the
	// diff of two summaries match it by. "" for a scenario without one.
	ID string
	// Requirement is the sentence of the source the scenario checks, as
	// its feature states it.
	Requirement string
	Status      Status
	Severity    Severity
	Rules       []string // the rules it checks: rfc6749-5.2, docs-..., cl-test-...
	Tags        []string
	// Error says what was expected and what came back; Transcript is the
	// requests and answers; Repro a curl command sending the last request
	// again. All redacted.
	Error, Transcript, Repro string
	Requests                 int
	Duration                 time.Duration
}

// LeftOutCase is a scenario the run could not run with its configuration,
// or one of another profile.
type LeftOutCase struct {
	Feature, Scenario, Reason string
	ID                        string // as Verdict.ID
	Severity                  Severity
	Rules                     []string
	// OtherProfile is true for a scenario of another profile: it does not
	// apply to this family of servers, whatever the configuration.
	OtherProfile bool
}

// Result is a run's outcome.
type Result struct {
	Verdicts []Verdict // in the feature files' order
	LeftOut  []LeftOutCase
	ExitCode int
	Requests int64         // every request sent, retries included
	Waited   time.Duration // waiting for rate limits
	Duration time.Duration
	// Stopped says why the run ended before its last scenario ("" when it
	// went to its end).
	Stopped string
	// Started is when the run started.
	Started time.Time
}

func resultOf(r verdict.Run) Result {
	out := Result{ExitCode: r.ExitCode, Requests: r.Requests, Waited: r.Waited, Duration: r.Duration, Stopped: r.Stopped, Started: r.Started}
	for _, v := range r.Verdicts {
		out.Verdicts = append(out.Verdicts, Verdict{
			Feature: v.URI, Line: v.Line, Scenario: v.Scenario, ID: v.ID, Requirement: v.Requirement, Status: statuses[v.Status],
			Severity: Severity(v.Severity), Rules: v.Rules, Tags: v.Tags,
			Error: v.Error, Transcript: v.Transcript, Repro: v.Repro,
			Requests: v.Requests, Duration: v.Duration,
		})
	}
	out.LeftOut = leftOutOf(r.LeftOut)
	return out
}

// leftOutOf is the public form of the scenarios a run left out.
func leftOutOf(left []verdict.LeftOut) []LeftOutCase {
	var out []LeftOutCase
	for _, l := range left {
		out = append(out, LeftOutCase{Feature: l.URI, Scenario: l.Scenario, ID: l.ID, Reason: l.Reason, Severity: Severity(l.Severity), Rules: l.Rules, OtherProfile: l.OtherProfile})
	}
	return out
}
