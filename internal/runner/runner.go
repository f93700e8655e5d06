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
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/expect"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/provenance"
	"github.com/authconform/authconform/internal/ratelimit"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/report"
	"github.com/authconform/authconform/internal/schema"
	"github.com/authconform/authconform/internal/tagexpr"
	"github.com/authconform/authconform/internal/termsafe"
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
	MaxWait     time.Duration // longest Retry-After waited out; 0 = the client's default
	Rate        string        // N/DURATION or none; "" = default for the target
	AllowHTTP   bool          // allow http:// for targets not on loopback
	TLSConfig   *tls.Config

	// ExpectFailures lists scenarios the target is known to fail.
	ExpectFailures []expect.Failure

	Console  io.Writer // formatter output without a file; nil = io.Discard
	Progress io.Writer // a line per finished case, waits; nil = none

	// Admit, when set, is asked before each scenario starts whether to run
	// it; a scenario it refuses is not run (go test -run, through
	// conformtest).
	Admit func(feature, scenario string) bool
}

// Run runs the suite. A *ConfigError means the run could not start, or
// that the target could not be tested (unreachable, refused); the result
// then holds whatever ran. When ctx ends (a signal), the scenario in flight
// ends as interrupted, the rest as not run, and every report is written.
func Run(ctx context.Context, o Options) (verdict.Run, error) {
	started := time.Now()
	res := verdict.Run{Profile: o.Target.Profile.Name, Started: started, Strict: o.Strict}
	p, err := plan(o, &res)
	if p != nil {
		defer p.cleanup()
	}
	if err != nil {
		return res, err
	}
	// Only a checked URL goes into reports: it holds no user info.
	res.Target = o.Target.BaseURL
	if err := preflight(ctx, o.Target, o.TLSConfig, o.timeout()); err != nil {
		return res, &ConfigError{err}
	}
	status := execute(ctx, o, p)
	judge(ctx, o, p, &res, status)
	res.Duration = time.Since(started)
	if err := writeReports(o, p, res); err != nil {
		return res, err
	}
	if res.Stopped != "" && ctx.Err() == nil {
		return res, configErr("%s", res.Stopped)
	}
	return res, nil
}

// runPlan is everything decided before the first request.
type runPlan struct {
	cases    []catalog.Case
	running  []catalog.Case // the cases selected to run
	toRun    int
	selected tagexpr.Expr
	expected map[string]string // known deviations: key → reason
	schemas  *schema.Registry
	limiter  *ratelimit.Window
	formats  formatList
	godogFmt string
	files    []*reportFile
	red      *redact.Redactor
	progress func(format string, args ...any)
	client   *httpclient.Client
	console  *report.Console // the default output for people; nil when not asked for
	suite    *steps.Suite
	rec      *verdict.Recorder
	closers  []func()
	// held are the cases whose line waits for the run's end: they looked
	// inconclusive when they finished (see OnDone).
	heldMu sync.Mutex
	held   []string
}

func (p *runPlan) cleanup() {
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i]()
	}
}

// checkTransport checks the target's URLs and that no secret or token
// would cross the network in clear, and reports whether the target is on
// loopback.
func checkTransport(o Options) (loopback bool, err error) {
	t := o.Target
	if err := t.CheckURL(); err != nil {
		return false, &ConfigError{err}
	}
	// Resolved once: a name's answer may change, and the dialer holds
	// plain http to loopback addresses whatever it says later.
	loopback = t.IsLoopback()
	if t.IsPlainHTTP() && !loopback && !o.AllowHTTP {
		return false, configErr("target %s is plain http and not on loopback: client secrets would cross the network unencrypted (RFC 6749 §2.3.1, §3.2 require TLS); use https:// or -allow-http", t.BaseURL)
	}
	// The key set and the protected resource are held to the same rule:
	// access tokens go to the resource, and keys read in clear could be
	// anyone's.
	for _, u := range t.OtherURLs() {
		if config.IsPlainHTTPURL(u) && !t.IsLoopbackURL(u) && !o.AllowHTTP {
			return false, configErr("%s is plain http and not on loopback: access tokens and the keys that verify them would cross the network unencrypted (RFC 6750 §5.3, RFC 7517 §9.3 require TLS); use https:// or -allow-http", u)
		}
	}
	return loopback, nil
}

// NewSuite builds the step vocabulary's shared state for o's target, for
// another godog suite to register (conform.Steps): the same transport
// rules, rate limit, timeouts, schemas and redaction as a run. close
// releases its connections.
func NewSuite(o Options) (s *steps.Suite, close func(), err error) {
	loopback, err := checkTransport(o)
	if err != nil {
		return nil, nil, err
	}
	if o.Timeout < 0 || o.Timeout > 10*time.Minute {
		return nil, nil, configErr("timeout %s: want a duration above 0 and at most 10m", o.Timeout)
	}
	schemas, err := schema.Load(o.Schemas, o.SchemaDir)
	if err != nil {
		return nil, nil, configErr("schemas: %v", err)
	}
	limiter, err := o.limiter(loopback)
	if err != nil {
		return nil, nil, &ConfigError{err}
	}
	client := o.client(limiter, nil)
	return &steps.Suite{
		Target:   o.Target,
		Client:   client,
		Schemas:  schemas,
		Redactor: redact.New(o.Target.Secrets()...),
	}, client.Close, nil
}

// client is the one client every request of a run, or of a suite built by
// NewSuite, goes through; onWait (may be nil) hears of each wait.
func (o Options) client(limiter *ratelimit.Window, onWait func(time.Duration, string)) *httpclient.Client {
	return httpclient.New(httpclient.Options{
		Timeout:   o.timeout(),
		Limiter:   limiter,
		TLSConfig: o.TLSConfig,
		MaxWait:   o.MaxWait,
		// Plain http is allowed only to loopback (or when the user said
		// so): the dialer holds to it, whatever a name resolves to later.
		LoopbackOnly: o.Target.IsPlainHTTP() && !o.AllowHTTP,
		OnWait:       onWait,
	})
}

// plan checks the configuration and prepares the run: every configuration
// error is found here, before any request.
func plan(o Options, res *verdict.Run) (*runPlan, error) {
	t := o.Target
	loopback, err := checkTransport(o)
	if err != nil {
		return nil, err
	}
	switch {
	case o.Concurrency < 0 || o.Concurrency > 64:
		return nil, configErr("-concurrency %d: want 1 to 64 scenarios at once", o.Concurrency)
	case o.Timeout < 0 || o.Timeout > 10*time.Minute:
		return nil, configErr("-timeout %s: want a duration above 0 and at most 10m", o.Timeout)
	}
	p := &runPlan{red: redact.New(t.Secrets()...), progress: func(string, ...any) {}}
	if err := p.selectCases(o, res); err != nil {
		return p, err
	}
	if res.Tool, err = provenance.Of(o.suiteRoots()...); err != nil {
		return p, configErr("reading the suite's files: %v", err)
	}
	if p.schemas, err = schema.Load(o.Schemas, o.SchemaDir); err != nil {
		return p, configErr("schemas: %v", err)
	}
	if p.limiter, err = o.limiter(loopback); err != nil {
		return p, &ConfigError{err}
	}
	if p.formats, err = parseFormats(o.Format); err != nil {
		return p, &ConfigError{err}
	}
	if o.Console == nil || o.Console == io.Discard {
		// Formatting output nobody reads cost a sixth of a run.
		p.formats = p.formats.filesOnly()
	}
	var cleanup func()
	p.godogFmt, p.files, cleanup, err = p.formats.plan()
	p.closers = append(p.closers, cleanup)
	if err != nil {
		return p, &ConfigError{err}
	}
	p.wire(o)
	for _, w := range t.Warnings() {
		p.progress("warning: %s", w)
	}
	return p, nil
}

// selectCases reads the features, lints them against the vocabulary, and
// decides which scenarios run and which are left out, and why.
func (p *runPlan) selectCases(o Options, res *verdict.Run) error {
	cases, err := catalog.Load(o.Features, o.FeaturePaths...)
	if err != nil {
		return configErr("features: %v", err)
	}
	if err := catalog.Lint(cases, steps.Patterns()); err != nil {
		return configErr("features: %v", err)
	}
	if err := catalog.LintTags(cases); err != nil {
		return configErr("features: %v", err)
	}
	userTags, err := tagexpr.Parse(o.Tags)
	if err != nil {
		return &ConfigError{err}
	}
	if err := o.Target.CheckClients(); err != nil {
		return &ConfigError{err}
	}
	// The other profiles' scenarios first: their reason is the only one
	// that matters for them.
	gaps := append(slices.Clone(o.Target.Profile.LeaveOut), o.Target.Gaps()...)
	var gapTags []string
	for _, g := range gaps {
		gapTags = append(gapTags, g.Tag)
	}
	p.cases, p.selected = cases, userTags.Without(gapTags...)
	for _, c := range cases {
		if !userTags.Match(c.Tags) {
			continue
		}
		if p.selected.Match(c.Tags) {
			if err := configured(o.Target, c); err != nil {
				return err
			}
			p.running = append(p.running, c)
			p.toRun++
			continue
		}
		var why []string
		other := false
		for i, g := range gaps {
			if slices.Contains(c.Tags, g.Tag) {
				why = append(why, g.Reason)
				if other = i < len(o.Target.Profile.LeaveOut); other {
					break
				}
			}
		}
		res.LeftOut = append(res.LeftOut, verdict.LeftOut{
			URI: c.URI, Scenario: c.Scenario, Reason: strings.Join(why, "; "), OtherProfile: other,
			Severity: verdict.SeverityOf(c.Tags), Tags: c.Tags, Rules: catalog.Rules(c.Tags),
		})
	}
	if p.expected, err = matchExpectations(o.ExpectFailures, cases); err != nil {
		return &ConfigError{err}
	}
	if p.toRun == 0 {
		return configErr("nothing to run: %d scenarios match the tags, and none can run with this configuration (%s)", len(res.LeftOut), leftOutReasons(res.LeftOut))
	}
	return nil
}

// suiteRoots are the files that make up the suite run: the features and
// the schemas, for the run's provenance stamp.
func (o Options) suiteRoots() []provenance.Root {
	var roots []provenance.Root
	for _, p := range o.FeaturePaths {
		roots = append(roots, provenance.Root{FS: o.Features, Path: p})
	}
	return append(roots, provenance.Root{FS: o.Schemas, Path: o.SchemaDir})
}

// configured refuses a case that would send a credential placeholder the
// configuration leaves empty: a request with an empty client_id would be
// read as the target's failure. Tags and gaps should already prevent it;
// this is the last guard.
func configured(t config.Target, c catalog.Case) error {
	values := steps.ConfiguredValues(t)
	for _, name := range catalog.Placeholders(c) {
		if v, ok := values[name]; ok && v == "" {
			return configErr("%s:%d: scenario %q uses {{%s}}, which the configuration leaves empty", c.URI, c.Line, c.Scenario, name)
		}
	}
	return nil
}

// wire builds the one client every request goes through, and the steps.
func (p *runPlan) wire(o Options) {
	if o.Progress != nil {
		pw := forPeople(p.red, o.Progress)
		p.closers = append(p.closers, func() { pw.Close() })
		p.progress = func(format string, args ...any) { fmt.Fprintf(pw, format+"\n", args...) }
	}
	if f, ok := p.formats.console(); ok && f.name == "console" && o.Console != nil {
		cw := forPeople(p.red, o.Console)
		p.closers = append(p.closers, func() { cw.Close() })
		p.console = report.NewConsole(cw)
	}
	p.client = o.client(p.limiter, func(d time.Duration, why string) {
		p.progress("  waiting %.1f s for %s", d.Seconds(), why)
		if p.console != nil {
			p.console.Note(fmt.Sprintf("waiting %.1f s for %s", d.Seconds(), why))
		}
	})
	p.closers = append(p.closers, p.client.Close)
	p.rec = &verdict.Recorder{}
	defer func() { p.suite.PlanSharing(p.running) }()
	p.suite = &steps.Suite{
		// Only the HTML, JUnit and cucumber reports show passed
		// scenarios' requests; failures always keep theirs.
		KeepTranscripts: p.formats.wants("html") || p.formats.wants("junit") || p.formats.wants("cucumber"),
		Target:          o.Target,
		Client:          p.client,
		Schemas:         p.schemas,
		Redactor:        p.red,
		Recorder:        p.rec,
		Admit:           o.Admit,
		OnDone: func(v verdict.Verdict) {
			v = classify(o, p.expected, p.suite, v)
			if v.Status == verdict.Inconclusive {
				// Not final: a later scenario may yet get the client its
				// token. Shown once the run has ended (judge), so no
				// output shows a status the case does not end with.
				p.heldMu.Lock()
				p.held = append(p.held, catalog.Key(v.URI, v.Scenario))
				p.heldMu.Unlock()
				return
			}
			p.show(v)
		},
	}
}

// show prints a case's line to the progress writer and the console.
func (p *runPlan) show(v verdict.Verdict) {
	p.progress("%s", progressLine(v))
	if p.console != nil {
		p.console.Case(v)
	}
}

// classify gives a scenario's outcome its final status: a failed @should
// scenario is a warning unless the run is strict; a listed known
// deviation that fails is expected, one that passes fails the run. It is
// the one place a status is decided; progress, console, summary, reports
// and the exit code all read what it returns.
//
// A passed error scenario whose clients got no token in the run is
// inconclusive (controls, which may be nil, says why): its pass proves
// nothing, whatever the known-deviation file says of it.
func classify(o Options, expected map[string]string, controls positiveControls, v verdict.Verdict) verdict.Verdict {
	v.Rules = catalog.Rules(v.Tags)
	if v.Status == verdict.Failed && v.Severity == verdict.Should && !o.Strict {
		v.Status = verdict.Warning
	}
	if controls != nil && v.Status == verdict.Passed {
		if why := controls.Inconclusive(v); why != "" {
			v.Status, v.Error = verdict.Inconclusive, "inconclusive: "+why
			return v
		}
	}
	reason, listed := expected[catalog.Key(v.URI, v.Scenario)]
	if !listed || v.Status == verdict.Interrupted || v.Status == verdict.NotRun {
		return v
	}
	v.Expected = reason
	if v.Status == verdict.Passed {
		v.Status = verdict.UnexpectedPass
		v.Error = "listed as an expected failure (" + reason + ") but passed: remove it from the known-deviation file"
	} else {
		v.Status = verdict.ExpectedFailure
	}
	return v
}

// positiveControls says why a passed verdict proves nothing, or "" (see
// steps.Suite.Inconclusive).
type positiveControls interface {
	Inconclusive(verdict.Verdict) string
}

// progressMarks are the progress lines' words for each status.
var progressMarks = map[verdict.Status]string{
	verdict.Passed: "ok  ", verdict.Failed: "FAIL", verdict.UnexpectedPass: "FAIL", verdict.Warning: "WARN",
	verdict.ExpectedFailure: "KNOWN", verdict.Interrupted: "INTERRUPTED", verdict.NotRun: "NOT RUN",
	verdict.Inconclusive: "INCONCLUSIVE",
}

// progressLine is the line printed as a case finishes; v is classified.
func progressLine(v verdict.Verdict) string {
	mark, ok := progressMarks[v.Status]
	if !ok {
		mark = "FAIL"
	}
	return fmt.Sprintf("%s %s (%d requests, %s)", mark, v.Label(), v.Requests, v.Duration.Round(time.Millisecond))
}

// execute runs the selected scenarios through godog.
func execute(ctx context.Context, o Options, p *runPlan) int {
	p.suite.RunContext = ctx
	var cw io.WriteCloser = nopCloser{io.Discard}
	if console, ok := p.formats.console(); ok && o.Console != nil && o.Console != io.Discard {
		_, ours := ownFormats[console.name]
		switch {
		case ours || liveFormats[console.name]:
			// The runner writes it, not godog.
		case machineFormats[console.name]:
			cw = p.red.Writer(o.Console)
		default:
			cw = forPeople(p.red, o.Console)
		}
	}
	defer cw.Close()
	return godog.TestSuite{
		Name:                "authconform",
		ScenarioInitializer: p.suite.InitializeScenario,
		Options: &godog.Options{
			Format:         p.godogFmt,
			Output:         &uncolored{w: cw},
			Paths:          o.FeaturePaths,
			FS:             o.Features,
			Tags:           p.selected.String(),
			Strict:         true,
			NoColors:       false, // dropped by uncolored, far cheaper (uncolored.go)
			Concurrency:    max(o.Concurrency, 1),
			DefaultContext: ctx,
		},
	}.Run()
}

// judge turns the recorded verdicts into the run's outcome: severity,
// known deviations, order, counts and exit code.
func judge(ctx context.Context, o Options, p *runPlan, res *verdict.Run, godogStatus int) {
	order := map[string]catalog.Case{}
	for _, c := range p.cases {
		order[catalog.Key(c.URI, c.Scenario)] = c
	}
	for _, v := range p.rec.All() {
		c := order[catalog.Key(v.URI, v.Scenario)]
		v = classify(o, p.expected, p.suite, v)
		v.Feature, v.Order, v.Line = c.Feature, c.Order, c.Line
		res.Verdicts = append(res.Verdicts, v)
		if slices.Contains(p.held, catalog.Key(v.URI, v.Scenario)) {
			p.show(v)
		}
	}
	sortVerdicts(res.Verdicts)
	res.Requests = p.client.Requests()
	res.Waited = p.client.Waited()
	res.ExitCode = exitCode(*res, p.toRun, godogStatus)
	switch stop := p.client.Stopped(); {
	case ctx.Err() != nil:
		res.Stopped = "the run was interrupted"
	case stop != nil:
		res.Stopped = p.red.String(termsafe.Clean(p.red.String(stopReason(stop))))
		res.ExitCode = ExitConfig
	}
}

// stopReason says in one line why the client stopped sending.
func stopReason(err error) string {
	var refused *httpclient.RefusedError
	if errors.As(err, &refused) {
		return "the target refused to be tested: " + err.Error()
	}
	var gaveUp *httpclient.GaveUpError
	if errors.As(err, &gaveUp) && gaveUp.NeverAnswered {
		return "target unreachable: " + err.Error()
	}
	return "the target stopped answering: " + err.Error()
}

// writeReports writes every report file, and a runner-written report the
// console asked for, with what ran.
func writeReports(o Options, p *runPlan, res verdict.Run) error {
	for _, f := range p.files {
		if err := f.finish(p.red, res); err != nil {
			return fmt.Errorf("writing the %s report %s: %w", f.name, f.path, err)
		}
	}
	if p.console != nil {
		p.console.Finish(redactRun(p.red, res))
	}
	console, ok := p.formats.console()
	if !ok || o.Console == nil {
		return nil
	}
	if write, ours := ownFormats[console.name]; ours {
		w := p.red.Writer(o.Console)
		if err := write(w, redactRun(p.red, res)); err != nil {
			return err
		}
		return w.Close()
	}
	return nil
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
	case godogStatus != 0 && c.Warnings == 0 && c.ExpectedFailures == 0 && c.Interrupted == 0 && c.NotRun == 0:
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
		known[catalog.Key(c.URI, c.Scenario)] = true
	}
	out := map[string]string{}
	for _, f := range list {
		k := catalog.Key(f.Feature, f.Scenario)
		if !known[k] {
			return nil, fmt.Errorf("known-deviation file lists %s: %q, which is not a scenario of the suite", f.Feature, f.Scenario)
		}
		out[k] = f.Reason
	}
	return out, nil
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

func (o Options) limiter(loopback bool) (*ratelimit.Window, error) {
	rate := o.Rate
	if rate == "" {
		if loopback {
			return nil, nil
		}
		rate = DefaultRemoteRate
	}
	return ratelimit.Parse(rate)
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

// WithBuiltInSuite is o reading the features and schemas built into the
// binary: the one place that says where they are.
func (o Options) WithBuiltInSuite() Options {
	o.Features, o.FeaturePaths = authconform.Files, []string{"features"}
	o.Schemas, o.SchemaDir = authconform.Files, "schemas"
	return o
}

// BuiltInStamp is the provenance of the built-in suite, as -version prints
// it and as a run over that suite stamps its reports.
func BuiltInStamp() (provenance.Stamp, error) {
	return provenance.Of(Options{}.WithBuiltInSuite().suiteRoots()...)
}
