// Package steps is the suite's step vocabulary: the sentences feature files
// may use, and the Go that runs them against a target's token endpoint.
//
// Request steps build a token request (JSON body, parameter table, raw
// body, headers); When steps send it; Then steps judge the last answer.
// Every Then step returns an error saying what was expected, what came
// back, and the redacted request and response; none of them can pass
// without looking at an answer.
package steps

import (
	"context"
	"errors"
	"regexp"
	"time"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/schema"
	"github.com/authconform/authconform/internal/verdict"
)

// Suite is what every scenario of a run shares. It holds no per-scenario
// state: that lives in the scenario's context.
type Suite struct {
	Target   config.Target
	Client   *httpclient.Client
	Schemas  *schema.Registry
	Redactor *redact.Redactor
	Recorder *verdict.Recorder     // may be nil
	Now      func() time.Time      // nil: time.Now
	OnDone   func(verdict.Verdict) // may be nil; told of each verdict as it is recorded
	// KeepTranscripts records the transcript of passed scenarios too;
	// failed ones always keep theirs.
	KeepTranscripts bool
	// RunContext is the whole run's context (nil: never ends). Once it
	// ends (a signal), scenarios not yet started are not run.
	RunContext context.Context
}

// Step is one sentence of the vocabulary.
type Step struct {
	Pattern string // anchored regular expression, as godog matches it
	Example string // a line a feature file may use, shown in the README
	Handler any
}

// Vocabulary lists every step, request steps first, in the order the
// README's table shows them.
func (s *Suite) Vocabulary() []Step {
	return []Step{
		{`^a token request with the JSON body:$`, `Given a token request with the JSON body:` + "\n" + `  """json` + "\n" + `  {"grant_type": "client_credentials", "client_id": "{{sales_channel.client_id}}"}` + "\n" + `  """`, givenJSONBody},
		{`^a token request with the parameters:$`, `Given a token request with the parameters:` + "\n" + `  | grant_type | client_credentials |`, givenParameters},
		{`^a token request with the raw body:$`, `Given a token request with the raw body:` + "\n" + `  """` + "\n" + `  {"grant_type": ` + "\n" + `  """`, givenRawBody},
		{`^a token request with an empty body$`, `Given a token request with an empty body`, givenEmptyBody},
		{`^the request header "([^"]*)" is "([^"]*)"$`, `And the request header "Content-Type" is "text/plain"`, givenHeader},
		{`^the token request is sent$`, `When the token request is sent`, s.whenSent},
		{`^the token request is sent with method "([A-Z]+)" and its parameters in the query string$`, `When the token request is sent with method "GET" and its parameters in the query string`, s.whenSentInQuery},
		{`^the access token is remembered as "([^"]*)"$`, `And the access token is remembered as "sales channel token"`, rememberToken},
		{`^the response status should be (\d{3})$`, `Then the response status should be 200`, thenStatus},
		{`^the response status should be one of ([\d, ]+)$`, `Then the response status should be one of 400, 401`, thenStatusOneOf},
		{`^the response status should be a client error \(4xx\)$`, `Then the response status should be a client error (4xx)`, thenStatus4xx},
		{`^the response content type should be JSON$`, `And the response content type should be JSON`, thenContentTypeJSON},
		{`^the response header "([^"]*)" should include "([^"]*)"$`, `And the response header "Cache-Control" should include "no-store"`, thenHeaderIncludes},
		{`^the response body should match the (token|error) response schema$`, `And the response body should match the token response schema`, s.thenProfileSchema},
		{`^the response body should match the schema "([^"]*)"$`, `And the response body should match the schema "token_response"`, s.thenSchema},
		{`^the JSON member "([^"]*)" should equal "([^"]*)"$`, `And the JSON member "scope" should equal "market:id:{{market_id}}"`, thenMemberEquals},
		{`^the JSON member "([^"]*)" should equal "([^"]*)" ignoring case$`, `And the JSON member "token_type" should equal "bearer" ignoring case`, thenMemberEqualsFold},
		{`^the JSON member "([^"]*)" should be the integer "([^"]*)"$`, `And the JSON member "expires_in" should be the integer "{{sales_channel.expires_in}}"`, thenMemberInteger},
		{`^the JSON member "([^"]*)" should be an integer$`, `And the JSON member "created_at" should be an integer`, thenMemberIsInteger},
		{`^the JSON member "([^"]*)" should match "([^"]*)"$`, `And the JSON member "scope" should match "^market:"`, thenMemberMatches},
		{`^the JSON member "([^"]*)" should be a non-empty string$`, `And the JSON member "access_token" should be a non-empty string`, thenMemberNonEmptyString},
		{`^the JSON member "([^"]*)" should be a Unix time within the allowed clock skew of now$`, `And the JSON member "created_at" should be a Unix time within the allowed clock skew of now`, s.thenMemberNowSkew},
		{`^the JSON member "([^"]*)" should be a Unix time within (\d+) seconds of now$`, `And the JSON member "created_at" should be a Unix time within 300 seconds of now`, s.thenMemberNow},
		{`^the JSON member "([^"]*)" should be absent$`, `And the JSON member "refresh_token" should be absent`, thenMemberAbsent},
		{`^the OAuth error should be "([^"]*)"$`, `And the OAuth error should be "invalid_client"`, thenOAuthError},
		{`^the OAuth error should be one of "([^"]*)"$`, `And the OAuth error should be one of "invalid_client, invalid_request"`, thenOAuthErrorOneOf},
		{`^the OAuth error should be one defined by RFC 6749 section 5\.2$`, `And the OAuth error should be one defined by RFC 6749 section 5.2`, thenOAuthErrorRegistered},
		{`^the response should not contain an access token$`, `And the response should not contain an access token`, thenNoToken},
		{`^the response should not contain a client secret$`, `And the response should not contain a client secret`, s.thenNoSecret},
		{`^the access token should differ from the one remembered as "([^"]*)"$`, `And the access token should differ from the one remembered as "sales channel token"`, thenTokenDiffers},
	}
}

// compiledPatterns holds the vocabulary's expressions compiled once:
// godog compiles string patterns again for every scenario, which was a
// fifth of the suite's own CPU time. Read-only after init.
var compiledPatterns = func() map[string]*regexp.Regexp {
	m := map[string]*regexp.Regexp{}
	for _, st := range (&Suite{}).Vocabulary() {
		m[st.Pattern] = regexp.MustCompile(st.Pattern)
	}
	return m
}()

// Patterns returns the vocabulary's expressions, so that feature files can
// be checked for lines no step matches before anything is sent.
func Patterns() []*regexp.Regexp {
	out := make([]*regexp.Regexp, 0, len(compiledPatterns))
	for _, st := range (&Suite{}).Vocabulary() {
		out = append(out, compiledPatterns[st.Pattern])
	}
	return out
}

// InitializeScenario registers the vocabulary and the hooks that give each
// scenario its own state and record its verdict.
func (s *Suite) InitializeScenario(sc *godog.ScenarioContext) {
	for _, st := range s.Vocabulary() {
		sc.Step(compiledPatterns[st.Pattern], st.Handler)
	}
	sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
		st := newScenario(s, p)
		if why := s.stopped(); why != "" {
			// The run has ended: this scenario is not run, and says so,
			// rather than failing for want of a target.
			st.notRun = why
			return withScenario(ctx, st), godog.ErrSkip
		}
		return withScenario(ctx, st), nil
	})
	sc.After(func(ctx context.Context, p *godog.Scenario, err error) (context.Context, error) {
		st, ok := scenarioFrom(ctx)
		if !ok {
			return ctx, nil
		}
		s.record(st, err)
		return ctx, nil
	})
}

// stopped says why no more requests can be sent, or "" while they can.
func (s *Suite) stopped() string {
	if s.interrupted() {
		return "the run was interrupted"
	}
	if s.Client != nil {
		if err := s.Client.Stopped(); err != nil {
			return s.Redactor.String(err.Error())
		}
	}
	return ""
}

func (s *Suite) interrupted() bool {
	return s.RunContext != nil && s.RunContext.Err() != nil
}

func (s *Suite) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Suite) record(st *scenario, err error) {
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
	if err != nil || s.KeepTranscripts {
		v.Transcript = s.Redactor.String(st.transcript())
	}
	// Any error fails the scenario, a skip included: no step skips, and a
	// skip that read as a pass would hide a check that never ran. The
	// exceptions are a run that ended before or while this scenario ran.
	switch {
	case st.notRun != "":
		v.Status, v.Error = verdict.NotRun, "not run: "+st.notRun
	case err != nil:
		v.Status = verdict.Failed
		v.Error = s.Redactor.String(err.Error())
		var ce *checkError
		if errors.As(err, &ce) {
			v.Error = ce.msg // the exchange is in the transcript
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
}
