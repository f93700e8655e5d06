package runner

import (
	"crypto/tls"
	"io/fs"
	"os"
	"time"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/conform/setup"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/provenance"
	"github.com/authconform/authconform/internal/ratelimit"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/schema"
	"github.com/authconform/authconform/internal/stepsuite"
)

// resolved is a run's options as planning settles them, once: the options
// as given with every default applied, the target as the steps use it,
// whether it is on loopback, and where the suite's files are. Each stage
// below planning takes from it only what it needs.
type resolved struct {
	setup.Options
	target   config.Target
	loopback bool // decided once: a name's answer may change later
	suite    suiteFiles
}

// suiteFiles are the feature files and JSON Schemas a run reads.
type suiteFiles struct {
	features     fs.FS
	featurePaths []string
	schemas      fs.FS
	schemaDir    string
}

// builtInSuite is the features and schemas built into the binary: the one
// place that says where they are.
func builtInSuite() suiteFiles {
	return suiteFiles{features: authconform.Files, featurePaths: []string{"features"}, schemas: authconform.Files, schemaDir: "schemas"}
}

// roots are the files that make up the suite, for the run's provenance
// stamp.
func (s suiteFiles) roots() []provenance.Root {
	var roots []provenance.Root
	for _, p := range s.featurePaths {
		roots = append(roots, provenance.Root{FS: s.features, Path: p})
	}
	return append(roots, provenance.Root{FS: s.schemas, Path: s.schemaDir})
}

// resolve applies o's defaults, builds the target the steps use and checks
// its URLs, and decides whether it is on loopback: the one place a run's
// options are read whole.
func resolve(o setup.Options) (resolved, error) {
	t, err := config.Resolve(o.Target, o.Profile)
	if err != nil {
		return resolved{}, &ConfigError{err}
	}
	if err := t.CheckURL(); err != nil {
		return resolved{}, &ConfigError{err}
	}
	r := resolved{Options: o, target: t, suite: builtInSuite()}
	if r.Timeout == 0 {
		r.Timeout = httpclient.DefaultTimeout
	}
	if r.TLSConfig == nil {
		r.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if len(r.Formats) == 0 {
		// No report asked for: godog's progress, to a writer nobody reads.
		r.Formats, r.Output = []setup.Format{{Name: "progress"}}, nil
	}
	if o.Features != nil {
		r.suite.features, r.suite.featurePaths = o.Features, o.FeaturePaths
		if len(o.FeaturePaths) == 0 {
			r.suite.featurePaths = []string{"."}
		}
	}
	if o.Schemas != nil {
		r.suite.schemas, r.suite.schemaDir = o.Schemas, "."
	}
	r.loopback = t.IsLoopback()
	return r, nil
}

// checkTransport checks that no secret or token would cross the network in
// clear, and that the certificate variables can be read when TLS is used.
func checkTransport(t config.Target, loopback, allowHTTP bool) error {
	if t.IsPlainHTTP() && !loopback && !allowHTTP {
		return configErr("target %s is plain http and not on loopback: client secrets would cross the network unencrypted (RFC 6749 §2.3.1, §3.2 require TLS); use https:// or -allow-http", t.URL)
	}
	// The key set and the protected resource are held to the same rule:
	// access tokens go to the resource, and keys read in clear could be
	// anyone's.
	for _, u := range t.OtherURLs() {
		if config.IsPlainHTTPURL(u) && !t.IsLoopbackURL(u) && !allowHTTP {
			return configErr("%s is plain http and not on loopback: access tokens and the keys that verify them would cross the network unencrypted (RFC 6750 §5.3, RFC 7517 §9.3 require TLS); use https:// or -allow-http", u)
		}
	}
	if usesTLS(t) {
		return checkCertEnv(os.Getenv)
	}
	return nil
}

// usesTLS reports whether any URL of the target is https: only then are
// the system's roots read.
func usesTLS(t config.Target) bool {
	if !t.IsPlainHTTP() {
		return true
	}
	for _, u := range t.OtherURLs() {
		if !config.IsPlainHTTPURL(u) {
			return true
		}
	}
	return false
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

// NewSuite builds the step vocabulary's shared state for o's target, for
// another godog suite to register (conform.Steps): the same transport
// rules, rate limit, timeouts, schemas and redaction as a run. close
// releases its connections.
func NewSuite(o setup.Options) (s stepsuite.Suite, close func(), err error) {
	r, err := resolve(o)
	if err != nil {
		return nil, nil, err
	}
	if err := checkTransport(r.target, r.loopback, r.AllowHTTP); err != nil {
		return nil, nil, err
	}
	if r.Timeout < 0 || r.Timeout > 10*time.Minute {
		return nil, nil, configErr("timeout %s: want a duration above 0 and at most 10m", r.Timeout)
	}
	schemas, err := schema.Load(r.suite.schemas, r.suite.schemaDir)
	if err != nil {
		return nil, nil, configErr("schemas: %v", err)
	}
	limiter, err := limiterFor(r.Rate, r.loopback)
	if err != nil {
		return nil, nil, &ConfigError{err}
	}
	transport := r.transport()
	transport.Limiter = limiter
	client := httpclient.New(transport)
	return stepsuite.New(stepsuite.Config{
		Target:   r.target,
		Client:   client,
		Schemas:  schemas,
		Redactor: redact.New(r.target.Secrets()...),
	}), client.Close, nil
}

// transport is how the one client every request of a run, or of a suite
// built by NewSuite, goes through reaches the target; the caller adds the
// rate limit and who hears of each wait.
func (r resolved) transport() httpclient.Options {
	return httpclient.Options{
		Timeout:   r.Timeout,
		TLSConfig: r.TLSConfig,
		MaxWait:   r.MaxWait,
		// Plain http is allowed only to loopback (or when the user said
		// so): the dialer holds to it, whatever a name resolves to later.
		LoopbackOnly: r.target.IsPlainHTTP() && !r.AllowHTTP,
	}
}

// DefaultRemoteRate is Commerce Layer's documented auth limit: 30 requests
// a minute per IP (docs/sources/commercelayer-auth.md#rate-limits).
var DefaultRemoteRate = setup.Rate{N: 30, Per: time.Minute}

// limiterFor is the run's rate limit: rate, else the default for a target
// on loopback or not.
func limiterFor(rate *setup.Rate, loopback bool) (*ratelimit.Window, error) {
	switch {
	case rate != nil:
		return ratelimit.For(*rate)
	case loopback:
		return nil, nil
	}
	return ratelimit.For(DefaultRemoteRate)
}
