// Package runner runs the feature files against one target and turns the
// scenarios' outcomes into a verdict: counts, an exit code, and reports.
//
// It is the layer between the CLI (or a test) and godog. It decides before
// the run which scenarios cannot run with the configuration given, checks
// that the target can be reached at all (one clear line instead of a wall
// of failed scenarios), keeps every output free of secrets, and applies
// severity: a failed @should scenario is a warning unless the run is strict.
package runner

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/expect"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/ratelimit"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/schema"
	"github.com/authconform/authconform/internal/tagexpr"
	"github.com/authconform/authconform/internal/verdict"
	"github.com/authconform/authconform/steps"
)

// Exit codes.
const (
	ExitPass   = 0 // every scenario run passed (warnings allowed)
	ExitFail   = 1 // a scenario failed
	ExitConfig = 2 // usage or configuration error, or the target is unreachable
)

// ConfigError is a problem with the run's set-up, not with the target's
// answers: the CLI exits 2 on it.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

func configErr(format string, args ...any) error {
	return &ConfigError{fmt.Errorf(format, args...)}
}

// Options configure a run.
type Options struct {
	Target config.Target
	// Features holds the feature files under FeaturePaths; Schemas holds
	// the JSON Schemas under SchemaDir.
	Features     fs.FS
	FeaturePaths []string
	Schemas      fs.FS
	SchemaDir    string

	Tags        string // godog tag expression chosen by the user
	Format      string // godog formatter list, plus html:FILE
	Strict      bool   // a failed @should scenario fails the run
	Concurrency int
	Timeout     time.Duration // per request
	Rate        string        // N/DURATION or none; "" = default for the target
	AllowHTTP   bool          // allow http:// for targets not on loopback
	TLSConfig   *tls.Config

	// ExpectFailures lists scenarios the target is known to fail.
	ExpectFailures []expect.Failure

	Console  io.Writer // formatter output without a file; nil = io.Discard
	Progress io.Writer // a line per finished case, waits; nil = none
}

// Run runs the suite. A *ConfigError means the run could not start.
func Run(ctx context.Context, o Options) (verdict.Run, error) {
	started := time.Now()
	res := verdict.Run{Target: o.Target.BaseURL, Profile: o.Target.Profile.Name, Started: started, Strict: o.Strict}
	if err := o.Target.CheckURL(); err != nil {
		return res, &ConfigError{err}
	}
	if !o.Target.IsLoopback() && strings.HasPrefix(o.Target.BaseURL, "http://") && !o.AllowHTTP {
		return res, configErr("target %s is plain http:// and not on loopback: client secrets would cross the network unencrypted (RFC 6749 §2.3.1, §3.2 require TLS); use https:// or -allow-http", o.Target.BaseURL)
	}
	cases, err := catalog.Load(o.Features, o.FeaturePaths...)
	if err != nil {
		return res, configErr("features: %v", err)
	}
	userTags, err := tagexpr.Parse(o.Tags)
	if err != nil {
		return res, &ConfigError{err}
	}
	gaps := o.Target.Gaps()
	if len(gaps) > 0 && o.Target.SalesChannel.ID == "" && o.Target.Integration.ID == "" {
		return res, configErr("no client credentials: set %s, or %s and %s", config.EnvSalesChannelClientID, config.EnvIntegrationClientID, config.EnvIntegrationClientSecret)
	}
	var gapTags []string
	for _, g := range gaps {
		gapTags = append(gapTags, g.Tag)
	}
	selected := userTags.Without(gapTags...)
	var toRun []catalog.Case
	for _, c := range cases {
		if !userTags.Match(c.Tags) {
			continue
		}
		if selected.Match(c.Tags) {
			toRun = append(toRun, c)
			continue
		}
		var why []string
		for _, g := range gaps {
			if hasTag(c.Tags, g.Tag) {
				why = append(why, g.Reason)
			}
		}
		res.LeftOut = append(res.LeftOut, verdict.LeftOut{URI: c.URI, Scenario: c.Scenario, Reason: strings.Join(why, "; ")})
	}
	expected, err := matchExpectations(o.ExpectFailures, cases)
	if err != nil {
		return res, &ConfigError{err}
	}
	if len(toRun) == 0 {
		return res, configErr("nothing to run: %d scenarios match the tags, and none can run with this configuration (%s)", len(res.LeftOut), leftOutReasons(res.LeftOut))
	}
	schemas, err := schema.Load(o.Schemas, o.SchemaDir)
	if err != nil {
		return res, configErr("schemas: %v", err)
	}
	limiter, err := o.limiter()
	if err != nil {
		return res, &ConfigError{err}
	}
	formats, err := parseFormats(o.Format)
	if err != nil {
		return res, &ConfigError{err}
	}
	if err := preflight(ctx, o.Target, o.TLSConfig, o.timeout()); err != nil {
		return res, &ConfigError{err}
	}

	red := redact.New(o.Target.Secrets()...)
	progress := func(string, ...any) {}
	if o.Progress != nil {
		pw := red.Writer(o.Progress)
		defer pw.Close()
		progress = func(format string, args ...any) { fmt.Fprintf(pw, format+"\n", args...) }
	}
	client := httpclient.New(httpclient.Options{
		Timeout:   o.timeout(),
		Limiter:   limiter,
		TLSConfig: o.TLSConfig,
		OnWait: func(d time.Duration, why string) {
			progress("  waiting %.1f s for %s", d.Seconds(), why)
		},
	})
	defer client.Close()
	rec := &verdict.Recorder{}
	suite := &steps.Suite{
		// Only the HTML report shows passed scenarios' requests; failures
		// always keep theirs.
		KeepTranscripts: formats.wants("html"),
		Target:          o.Target,
		Client:          client,
		Schemas:         schemas,
		Redactor:        red,
		Recorder:        rec,
		OnDone: func(v verdict.Verdict) {
			_, listed := expected[expect.Key(v.URI, v.Scenario)]
			mark := "ok  "
			switch {
			case listed && v.Status == verdict.Passed:
				mark = "FAIL" // a known deviation that passes fails the run
			case listed:
				mark = "KNOWN"
			case v.Status != verdict.Passed && v.Severity == verdict.Should && !o.Strict:
				mark = "WARN"
			case v.Status != verdict.Passed:
				mark = "FAIL"
			}
			progress("%s %s: %s (%d requests, %s)", mark, v.URI, v.Scenario, v.Requests, v.Duration.Round(time.Millisecond))
		},
	}

	if o.Console == nil || o.Console == io.Discard {
		// Formatting output nobody reads cost a sixth of a run.
		formats = formats.filesOnly()
	}
	godogFormat, files, cleanup, err := formats.godogFormat()
	defer cleanup()
	if err != nil {
		return res, &ConfigError{err}
	}
	console := o.Console
	if console == nil {
		console = io.Discard
	}
	var cw io.WriteCloser = nopCloser{io.Discard}
	if console != io.Discard {
		cw = red.Writer(console)
	}
	status := godog.TestSuite{
		Name:                "authconform",
		ScenarioInitializer: suite.InitializeScenario,
		Options: &godog.Options{
			Format:         godogFormat,
			Output:         cw,
			Paths:          o.FeaturePaths,
			FS:             o.Features,
			Tags:           selected.String(),
			Strict:         true,
			NoColors:       true,
			Concurrency:    max(o.Concurrency, 1),
			DefaultContext: ctx,
		},
	}.Run()
	cw.Close()
	if status == 2 {
		return res, configErr("godog refused the run options (format %q, tags %q)", godogFormat, selected.String())
	}

	order := map[string]catalog.Case{}
	for _, c := range cases {
		order[catalog.Key(c.URI, c.Scenario)] = c
	}
	for _, v := range rec.All() {
		c := order[catalog.Key(v.URI, v.Scenario)]
		v.Feature, v.Order = c.Feature, c.Order
		if v.Status == verdict.Failed && v.Severity == verdict.Should && !o.Strict {
			v.Status = verdict.Warning
		}
		if reason, ok := expected[expect.Key(v.URI, v.Scenario)]; ok {
			v.Expected = reason
			if v.Status == verdict.Passed {
				v.Status = verdict.UnexpectedPass
				v.Error = "listed as an expected failure (" + reason + ") but passed: remove it from the known-deviation file"
			} else {
				v.Status = verdict.ExpectedFailure
			}
		}
		res.Verdicts = append(res.Verdicts, v)
	}
	sortVerdicts(res.Verdicts)
	res.Requests = client.Requests()
	res.Waited = client.Waited()
	res.Duration = time.Since(started)
	res.ExitCode = exitCode(res, len(toRun), status)

	for _, f := range files {
		if err := f.finish(red, res); err != nil {
			return res, fmt.Errorf("writing %s report: %w", f.name, err)
		}
	}
	return res, nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func exitCode(res verdict.Run, expected int, godogStatus int) int {
	c := res.Count()
	switch {
	case c.Failed > 0 || c.UnexpectedPasses > 0:
		return ExitFail
	case len(res.Verdicts) != expected:
		// A scenario ended without a verdict: never call that a pass.
		return ExitFail
	case godogStatus != 0 && c.Warnings == 0 && c.ExpectedFailures == 0:
		// godog saw a failure the verdicts do not show.
		return ExitFail
	}
	return ExitPass
}

// matchExpectations maps each listed scenario to its reason; a listed
// scenario that does not exist is an error, so a renamed scenario cannot
// silently drop out of the file.
func matchExpectations(list []expect.Failure, cases []catalog.Case) (map[string]string, error) {
	known := map[string]bool{}
	for _, c := range cases {
		known[expect.Key(c.URI, c.Scenario)] = true
	}
	out := map[string]string{}
	for _, f := range list {
		k := expect.Key(f.Feature, f.Scenario)
		if !known[k] {
			return nil, fmt.Errorf("known-deviation file lists %s: %q, which is not a scenario of the suite", f.Feature, f.Scenario)
		}
		out[k] = f.Reason
	}
	return out, nil
}

func hasTag(tags []string, tag string) bool {
	for _, t := range tags {
		if t == tag {
			return true
		}
	}
	return false
}

func leftOutReasons(l []verdict.LeftOut) string {
	seen := map[string]bool{}
	var out []string
	for _, x := range l {
		for _, r := range strings.Split(x.Reason, "; ") {
			if r != "" && !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
	}
	return strings.Join(out, "; ")
}

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return httpclient.DefaultTimeout
}

// DefaultRemoteRate is Commerce Layer's documented auth limit: 30 requests
// a minute per IP (spec §(g)).
const DefaultRemoteRate = "30/1m"

func (o Options) limiter() (*ratelimit.Window, error) {
	rate := o.Rate
	if rate == "" {
		if o.Target.IsLoopback() {
			return nil, nil
		}
		rate = DefaultRemoteRate
	}
	return ratelimit.Parse(rate)
}

// preflight checks the target answers at all: a TCP connection (through
// the proxy if one applies) and, for https, a TLS handshake. It sends no
// HTTP request, so it costs nothing against a rate limit.
func preflight(ctx context.Context, t config.Target, tlsConf *tls.Config, timeout time.Duration) error {
	u, err := url.Parse(t.TokenURL())
	if err != nil {
		return err
	}
	req := &http.Request{URL: u, Header: http.Header{}}
	dialHost := u.Host
	if u.Port() == "" {
		dialHost = net.JoinHostPort(u.Hostname(), map[string]string{"http": "80", "https": "443"}[u.Scheme])
	}
	viaProxy := false
	if p, err := http.ProxyFromEnvironment(req); err == nil && p != nil {
		dialHost, viaProxy = p.Host, true
		if p.Port() == "" {
			dialHost = net.JoinHostPort(p.Hostname(), "80")
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", dialHost)
	if err != nil {
		var dnsErr *net.DNSError
		switch {
		case errors.As(err, &dnsErr):
			return fmt.Errorf("target %s unreachable: host %q not found", t.BaseURL, dnsErr.Name)
		case errors.Is(err, context.DeadlineExceeded):
			return fmt.Errorf("target %s unreachable: no connection to %s within %s", t.BaseURL, dialHost, timeout)
		}
		return fmt.Errorf("target %s unreachable: %v", t.BaseURL, err)
	}
	defer conn.Close()
	if u.Scheme != "https" || viaProxy {
		return nil
	}
	conf := &tls.Config{}
	if tlsConf != nil {
		conf = tlsConf.Clone()
	}
	conf.ServerName = u.Hostname()
	tc := tls.Client(conn, conf)
	if err := tc.HandshakeContext(ctx); err != nil {
		return fmt.Errorf("target %s: TLS handshake failed: %v", t.BaseURL, err)
	}
	return nil
}

// LoadCA returns a TLS config trusting the system roots plus the PEM
// certificates in file.
func LoadCA(file string) (*tls.Config, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, configErr("-ca-file: %v", err)
	}
	pool, err := systemPool()
	if err != nil {
		return nil, configErr("-ca-file: %v", err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, configErr("-ca-file %s: no PEM certificate in it", filepath.Base(file))
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}
