package conform

import (
	"crypto/tls"
	"errors"
	"time"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/stepsuite"
)

// Steps is the suite's step vocabulary for another godog suite: the
// sentences of the built-in features ("Given a token request with the
// JSON body:", "Then the response status should be 200", ...; the README
// lists them), sending every request to one target through one client
// (rate limit, timeouts, TLS), with secrets and issued tokens masked in
// every error. Each scenario gets its own state.
type Steps struct {
	suite stepsuite.Suite
	close func()
}

// StepsOption adjusts NewSteps: it sets the run options of its name.
type StepsOption func(*Options)

// WithTimeout bounds each request (default 10 s).
func WithTimeout(d time.Duration) StepsOption { return func(o *Options) { o.Timeout = d } }

// WithRate limits requests to r (default 30 a minute, none on loopback;
// the zero Rate is no limit).
func WithRate(r Rate) StepsOption { return func(o *Options) { o.Rate = &r } }

// WithTLSConfig sets the TLS configuration for https targets.
func WithTLSConfig(c *tls.Config) StepsOption { return func(o *Options) { o.TLSConfig = c } }

// WithPlainHTTP allows a plain http:// target that is not on loopback:
// its secrets cross the network unencrypted.
func WithPlainHTTP() StepsOption { return func(o *Options) { o.AllowHTTP = true } }

// NewSteps prepares the vocabulary for target t under profile p ("" is
// CommerceLayer). It checks the target as Run does (an http:// target
// must be on loopback) and sends nothing. Close releases its connections.
func NewSteps(t Target, p Profile, opts ...StepsOption) (*Steps, error) {
	o := Options{Target: t, Profile: p}
	for _, opt := range opts {
		opt(&o)
	}
	s, closeFn, err := runner.NewSuite(o)
	var ce *runner.ConfigError
	if errors.As(err, &ce) {
		return nil, &ConfigError{ce.Err}
	}
	if err != nil {
		return nil, err
	}
	return &Steps{suite: s, close: closeFn}, nil
}

// Register adds the vocabulary to a scenario: call it from your
// ScenarioInitializer, once per scenario, as godog step libraries are
// used. The scenario's requests, answers and remembered tokens are its
// own.
func (s *Steps) Register(sc *godog.ScenarioContext) { s.suite.InitializeScenario(sc) }

// Close releases the connections. Scenarios must not run after it.
func (s *Steps) Close() { s.close() }
