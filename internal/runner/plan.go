package runner

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/authconform/authconform/internal/provenance"
	"github.com/authconform/authconform/internal/ratelimit"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/schema"
	"github.com/authconform/authconform/internal/verdict"
)

// ConfigError is a problem with the run's set-up, not with the target's
// answers: the CLI exits 2 on it.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }

func (e *ConfigError) Unwrap() error { return e.Err }

// configErr is a ConfigError with a message made as fmt.Errorf makes it.
func configErr(format string, args ...any) error {
	return &ConfigError{fmt.Errorf(format, args...)}
}

// plan checks the configuration and prepares the run: every configuration
// error is found here, before any request. The options and the target are
// checked first, then the suite's files are read and the cases chosen; the
// report files are opened last, when nothing else can fail.
func plan(ctx context.Context, r resolved, res *verdict.Run) (*runPlan, error) {
	if err := checkLimits(r.Concurrency, r.Timeout); err != nil {
		return nil, err
	}
	if err := checkTransport(r); err != nil {
		return nil, err
	}
	p := &runPlan{
		red: redact.New(r.target.Secrets()...), progress: func(string, ...any) {},
		files: r.suite, strict: r.Strict, concurrency: max(r.Concurrency, 1), output: r.Output,
		progressTo: r.Progress, admit: r.Admit, warnings: r.target.Warnings(),
	}
	var err error
	p.base = r.target.URL // parsed once: preflight dials it
	if p.schemas, err = schema.Load(r.suite.schemas, r.suite.schemaDir); err != nil {
		return p, configErr("schemas: %v", err)
	}
	// The rate given, checked as authLimit checks it for a listing, then
	// its limiter (or the target's default) over the auth server's origin
	// (authLimits).
	if r.Rate != nil {
		if err := r.Rate.Check(); err != nil {
			return p, &ConfigError{err}
		}
	}
	p.limits = ratelimit.Covering(ratelimit.ForTarget((*ratelimit.Rate)(r.Rate), r.loopback), r.target.TokenURL())
	if err := p.selectCases(r.target, r.Tags, r.KnownDeviations, res); err != nil {
		return p, err
	}
	if res.Tool, err = provenance.Of(r.suite.stampRoots...); err != nil {
		return p, configErr("reading the suite's files: %v", err)
	}
	if err := p.planFormats(r.Formats); err != nil {
		return p, err
	}
	p.wire(ctx, r.target, r.transport())
	for _, w := range p.warnings {
		p.progress("warning: %s", w)
	}
	return p, nil
}

// checkTransport checks that no secret or token would cross the network in
// clear, and that the certificate variables can be read when TLS is used.
func checkTransport(r resolved) error {
	usesTLS, err := r.target.CheckTransport(r.loopback, r.AllowHTTP)
	if err != nil {
		return &ConfigError{err}
	}
	if usesTLS {
		return checkCertEnv(os.Getenv)
	}
	return nil
}

// checkLimits refuses a concurrency or a timeout out of bounds.
func checkLimits(concurrency int, timeout time.Duration) error {
	switch {
	case concurrency < 0 || concurrency > 64:
		return configErr("-concurrency %d: want 1 to 64 scenarios at once", concurrency)
	case timeout < 0 || timeout > 10*time.Minute:
		return configErr("-timeout %s: want a duration above 0 and at most 10m", timeout)
	}
	return nil
}
