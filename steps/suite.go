// Package steps is the suite's step vocabulary: the sentences feature files
// may use, and the Go that runs them against a target's token endpoint.
//
// Request steps build a token request (JSON body, parameter table, raw
// body, headers); When steps send it; Then steps judge the last answer.
// Every Then step returns an error saying what was expected, what came
// back, and the redacted request and response; none of them can pass
// without looking at an answer.
//
// What the package exports is the vocabulary to read: Vocabulary (each
// step's pattern, an example line and its handler) and Patterns. To run
// the steps in a godog suite of your own, against your target, use
// conform.NewSteps. The suite's runner drives them through an internal
// package (stepsuite), so nothing here names an internal type.
package steps

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/stepsuite"
	"github.com/authconform/authconform/internal/termsafe"
	"github.com/authconform/authconform/internal/verdict"
)

// suite is what every scenario of a run shares: the run's configuration,
// and what its scenarios obtain once. It holds no per-scenario state: each
// scenario has its own (see InitializeScenario). A run builds one through
// stepsuite.New; a Go program outside the module, through conform.NewSteps.
type suite struct {
	stepsuite.Config

	// What the run's scenarios obtain once and share (see runShared).
	sharedOnce sync.Once
	run        *runShared
	// Which clients got tokens, for the positive controls (controls.go).
	controlsOnce sync.Once
	ctl          *controls
	// What the grants that act for someone share (authcode.go).
	grants suiteGrants
}

// The runner reaches the vocabulary through package stepsuite, so that
// nothing steps exports names an internal type.
func init() {
	stepsuite.New = func(c stepsuite.Config) stepsuite.Suite { return &suite{Config: c} }
	stepsuite.ConfiguredValues = configuredValues
}

// InitializeScenario gives the scenario godog is about to run its own
// state, registers the vocabulary's handlers bound to that state, and the
// hooks that start the scenario and record its verdict. godog calls it
// once per scenario.
func (s *suite) InitializeScenario(sc *godog.ScenarioContext) {
	st := newScenario(s)
	for _, step := range st.vocabulary() {
		sc.Step(compiledPatterns[step.Pattern], step.Handler)
	}
	sc.Before(st.start)
	sc.After(st.finish)
}

// start notes what only the running scenario knows: its name and tags,
// and when it began.
func (st *scenario) start(ctx context.Context, p *godog.Scenario) (context.Context, error) {
	st.pickle, st.started = p, time.Now()
	if why := st.suite.stopped(); why != "" {
		// The run has ended: this scenario is not run, and says so,
		// rather than failing for want of a target.
		st.notRun = why
		return ctx, godog.ErrSkip
	}
	if st.suite.Admit != nil && !st.suite.Admit(p.Uri, p.Name) {
		st.notRun = "not selected"
		return ctx, godog.ErrSkip
	}
	return ctx, nil
}

// finish records the scenario's verdict.
func (st *scenario) finish(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
	if st.pickle == nil {
		// godog ran no Before hook, so there is no scenario to name.
		return ctx, nil
	}
	st.releaseShared()
	v := st.suite.record(st, err)
	if v.Transcript != "" {
		// Cucumber JSON carries it, so cucumber-based HTML and Allure
		// tools show each case's exchange.
		ctx = godog.Attach(ctx, godog.Attachment{Body: []byte(v.Transcript), FileName: "exchange.txt", MediaType: "text/plain"})
	}
	return ctx, nil
}

// stopped says why no more requests can be sent, or "" while they can.
func (s *suite) stopped() string {
	if s.interrupted() {
		return "the run was interrupted"
	}
	if s.Client != nil {
		if err := s.Client.Stopped(); err != nil {
			return s.shown(err.Error())
		}
	}
	return ""
}

func (s *suite) interrupted() bool {
	return s.RunContext != nil && s.RunContext.Err() != nil
}

func (s *suite) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// shown is text from the run as a verdict carries it: masked, made safe
// for a terminal (a library's error may quote a target's bytes as they
// are), and masked again, as an escape may spell a value the first mask
// could not see.
func (s *suite) shown(text string) string {
	return s.Redactor.String(termsafe.Clean(s.Redactor.String(text)))
}

func (s *suite) record(st *scenario, err error) verdict.Verdict {
	var tags []string
	for _, t := range st.pickle.Tags {
		tags = append(tags, t.Name)
	}
	v := verdict.Verdict{
		URI:      st.pickle.Uri,
		Scenario: st.pickle.Name,
		Tags:     tags,
		Severity: verdict.SeverityOf(tags),
		Status:   verdict.Passed,
		Requests: len(st.exchanges),
		Duration: time.Since(st.started),
	}
	if err != nil && st.answer != nil {
		v.Repro = st.reproLine(st.answer.Request)
	}
	if err != nil || s.KeepTranscripts {
		v.Transcript = s.shown(st.transcript())
	}
	// Any error fails the scenario, a skip included: no step skips, and a
	// skip that read as a pass would hide a check that never ran. The
	// exceptions are a run that ended before or while this scenario ran.
	switch {
	case st.notRun != "":
		v.Status, v.Error = verdict.NotRun, "not run: "+st.notRun
	case err != nil:
		v.Status = verdict.Failed
		v.Error = s.shown(err.Error())
		var ce *checkError
		if errors.As(err, &ce) {
			v.Error = s.shown(ce.msg) // the exchange is in the transcript
		}
		if errors.Is(err, godog.ErrUndefined) {
			v.Error += "\n(no step of the vocabulary matches this line: see the table of steps in the README)"
		}
		if why := s.stopped(); why != "" && (st.sendFailed || s.interrupted()) {
			// The scenario was under way when the run ended: its outcome
			// says nothing about the target.
			v.Status = verdict.Interrupted
			if len(st.exchanges) == 0 && st.neverSent {
				v.Status = verdict.NotRun
			}
			v.Error = string(v.Status) + ": " + why + "\n" + v.Error
		}
	}
	if s.Recorder != nil {
		s.Recorder.Add(v)
	}
	if s.OnDone != nil {
		s.OnDone(v)
	}
	return v
}
