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
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/provenance"
	"github.com/authconform/authconform/internal/ratelimit"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/report"
	"github.com/authconform/authconform/internal/schema"
	"github.com/authconform/authconform/internal/stepsuite"
	"github.com/authconform/authconform/internal/tagexpr"
	"github.com/authconform/authconform/internal/termcolor"
	"github.com/authconform/authconform/internal/termsafe"
	"github.com/authconform/authconform/internal/userfile"
	"github.com/authconform/authconform/internal/verdict"
	"github.com/authconform/authconform/setup"
	"github.com/authconform/authconform/steps"
)

// Exit codes.
const (
	ExitPass   = 0 // every scenario run passed (warnings allowed)
	ExitFail   = 1 // a scenario failed
	ExitConfig = 2 // usage or configuration error, or the target is unreachable
)

// Run runs the suite o describes. A *ConfigError means the run could not
// start, or that the target could not be tested (unreachable, refused);
// the result then holds whatever ran. When ctx ends (a signal), the
// scenario in flight ends as interrupted, the rest as not run, and every
// report is written.
func Run(ctx context.Context, o setup.Options) (verdict.Run, error) {
	started := time.Now()
	res := verdict.Run{Started: started, Strict: o.Strict}
	r, err := resolve(o)
	if err != nil {
		return res, err
	}
	res.Profile = r.target.Profile.Name
	p, err := plan(ctx, r, &res)
	if p != nil {
		defer p.cleanup()
	}
	if err != nil {
		return res, err
	}
	// Stopped while planning or checking the target can be reached:
	// nothing ran, so there is nothing to report.
	stoppedEarly := configErr("stopped before the first request: no scenario ran, no report was written")
	if ctx.Err() != nil {
		return res, stoppedEarly
	}
	// Only a checked URL goes into reports: it holds no user info.
	res.Target = r.Target.URL.String()
	if err := preflight(ctx, r.Target.URL, p.base, r.TLSConfig, r.Timeout); err != nil {
		if ctx.Err() != nil {
			return res, stoppedEarly
		}
		return res, &ConfigError{err}
	}
	status := execute(ctx, p)
	judge(ctx, p, &res, status)
	res.Duration = time.Since(started)
	if err := writeReports(p, res); err != nil {
		return res, err
	}
	if res.Stopped != "" && ctx.Err() == nil {
		return res, &ConfigError{errors.New(res.Stopped)}
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
	limits   *ratelimit.Endpoints
	formats  formatList
	godogFmt string
	reports  []*reportFile
	files    suiteFiles // the features godog runs
	// strict, concurrency, output, progressTo and admit are the run's
	// options Strict, Concurrency, Output, Progress and Admit.
	strict      bool
	concurrency int
	output      io.Writer // formatter output without a file; nil = none
	progressTo  io.Writer // a line per finished case; nil = none
	admit       func(feature, scenario string) bool
	red         *redact.Redactor
	progress    func(format string, args ...any)
	paint       termcolor.Painter // for the progress lines
	client      *httpclient.Client
	console     *report.Console // the default output for people; nil when not asked for
	suite       stepsuite.Suite
	rec         *verdict.Recorder
	closers     []func()
	base        *url.URL // the target's base URL, which preflight dials
	warnings    []string // about the configuration, shown before the run
	// held are the cases whose line waits for the run's end: they looked
	// inconclusive when they finished (see OnDone).
	heldMu sync.Mutex
	held   []string
	// shown counts the case lines printed, for their positions.
	shownMu sync.Mutex
	shown   int
}

func (p *runPlan) cleanup() {
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i]()
	}
}

// selectCases reads the features, lints them against the vocabulary,
// matches the known deviations to them, and decides which scenarios run and
// which are left out, and why. What the
// configuration means for each case is settled first; then one pass over
// the cases reads the tags.
func (p *runPlan) selectCases(t config.Target, tags string, known []setup.KnownDeviation, res *verdict.Run) error {
	cases, err := loadCases(p.files)
	if err != nil {
		return err
	}
	if p.expected, err = matchExpectations(known, cases); err != nil {
		return &ConfigError{err}
	}
	refused := unconfigured(t, cases)
	gapTags, leftOut := gapsOf(t, cases)
	if err := t.CheckClients(); err != nil {
		return &ConfigError{err}
	}
	userTags, err := tagexpr.Parse(tags)
	if err != nil {
		return &ConfigError{err}
	}
	p.cases, p.selected = cases, userTags.Without(gapTags...)
	var reasons []string // why cases the tags chose are left out, each once
	for _, c := range cases {
		if !userTags.Match(c.Tags) {
			continue
		}
		key := catalog.Key(c.URI, c.Scenario)
		if !p.selected.Match(c.Tags) {
			l := leftOut[key]
			res.LeftOut = append(res.LeftOut, l)
			for _, r := range strings.Split(l.Reason, "; ") {
				if r != "" && !slices.Contains(reasons, r) {
					reasons = append(reasons, r)
				}
			}
			continue
		}
		if err := refused[key]; err != nil {
			return err
		}
		p.running = append(p.running, c)
		p.toRun++
	}
	if p.toRun == 0 {
		return configErr("nothing to run: %d scenarios match the tags, and none can run with this configuration (%s)", len(res.LeftOut), strings.Join(reasons, "; "))
	}
	return nil
}

// loadCases reads the features and lints them against the vocabulary.
func loadCases(files suiteFiles) ([]catalog.Case, error) {
	cases, err := catalog.Load(files.features, files.featurePaths...)
	if err != nil {
		return nil, configErr("features: %v", err)
	}
	if err := catalog.Lint(cases, steps.Patterns()); err != nil {
		return nil, configErr("features: %v", err)
	}
	if err := catalog.LintTags(cases); err != nil {
		return nil, configErr("features: %v", err)
	}
	return cases, nil
}

// gapsOf are the tags of the scenarios t cannot run (the other profiles'
// first), and for each case why it would be left out: for the other
// profiles' scenarios, that reason is the only one that matters.
func gapsOf(t config.Target, cases []catalog.Case) ([]string, map[string]verdict.LeftOut) {
	gaps := append(slices.Clone(t.Profile.LeaveOut), t.Gaps()...)
	var tags []string
	for _, g := range gaps {
		tags = append(tags, g.Tag)
	}
	leftOut := map[string]verdict.LeftOut{}
	for _, c := range cases {
		var why []string
		other := false
		for i, g := range gaps {
			if slices.Contains(c.Tags, g.Tag) {
				why = append(why, g.Reason)
				if other = i < len(t.Profile.LeaveOut); other {
					break
				}
			}
		}
		leftOut[catalog.Key(c.URI, c.Scenario)] = verdict.LeftOut{
			URI: c.URI, Scenario: c.Scenario, ID: c.ID, Line: c.Line, Reason: strings.Join(why, "; "), OtherProfile: other,
			Severity: verdict.SeverityOf(c.Tags), Tags: c.Tags, Rules: catalog.Rules(c.Tags),
		}
	}
	return tags, leftOut
}

// unconfigured refuses each case that would send a credential placeholder
// the configuration leaves empty: a request with an empty client_id would
// be read as the target's failure. Tags and gaps should already prevent
// it; this is the last guard.
func unconfigured(t config.Target, cases []catalog.Case) map[string]error {
	values := stepsuite.ConfiguredValues(t)
	refused := map[string]error{}
	for _, c := range cases {
		for _, name := range catalog.Placeholders(c) {
			if v, ok := values[name]; ok && v == "" {
				refused[catalog.Key(c.URI, c.Scenario)] = configErr("%s:%d: scenario %q uses {{%s}}, which the configuration leaves empty", c.URI, c.Line, c.Scenario, name)
				break
			}
		}
	}
	return refused
}

// wire builds the one client every request goes through, and the steps,
// which stop starting scenarios once ctx ends.
func (p *runPlan) wire(ctx context.Context, t config.Target, transport httpclient.Options) {
	if p.progressTo != nil {
		pw := forPeople(p.red, p.progressTo)
		p.closers = append(p.closers, func() { pw.Close() })
		p.progress = func(format string, args ...any) { fmt.Fprintf(pw, format+"\n", args...) }
		p.paint = termcolor.Painter{On: termcolor.Keeps(p.progressTo)}
	}
	if f, ok := p.formats.console(); ok && f.name == "console" && p.output != nil {
		cw := forPeople(p.red, p.output)
		p.closers = append(p.closers, func() { cw.Close() })
		p.console = report.NewConsole(cw).Coloured(termcolor.Painter{On: termcolor.Keeps(p.output)})
	}
	transport.Limits = p.limits
	waits := &waitNotes{rate: setup.Rate(p.limits.Window().Rate())}
	transport.OnWait = func(d time.Duration, why string) {
		line := waits.line(time.Now(), d, why)
		if line == "" {
			return
		}
		p.progress("  %s", p.paint.Paint(termcolor.Dim, line))
		if p.console != nil {
			p.console.Note(line)
		}
	}
	p.client = httpclient.New(transport)
	p.closers = append(p.closers, p.client.Close)
	p.rec = &verdict.Recorder{}
	defer func() { p.suite.PlanSharing(p.running) }()
	p.suite = stepsuite.New(stepsuite.Config{
		// Only the HTML, JUnit and cucumber reports show passed
		// scenarios' requests; failures always keep theirs.
		KeepTranscripts: p.formats.wants("html") || p.formats.wants("junit") || p.formats.wants("cucumber"),
		Target:          t,
		Client:          p.client,
		Schemas:         p.schemas,
		Redactor:        p.red,
		Recorder:        p.rec,
		Admit:           p.admit,
		RunContext:      ctx,
		OnDone: func(v verdict.Verdict) {
			v = classify(p.strict, p.expected, p.suite, v)
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
	})
}

// show prints a case's line to the progress writer and the console, with
// its place among the cases shown so far: [12/54], at any concurrency.
func (p *runPlan) show(v verdict.Verdict) {
	p.shownMu.Lock()
	defer p.shownMu.Unlock()
	p.shown++
	p.progress("%s", progressLine(v, p.shown, p.toRun, p.paint))
	if p.console != nil {
		p.console.CaseAt(v, p.shown, p.toRun)
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
func classify(strict bool, expected map[string]string, controls positiveControls, v verdict.Verdict) verdict.Verdict {
	v.Rules = catalog.Rules(v.Tags)
	if v.Status == verdict.Failed && v.Severity == verdict.Should && !strict {
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
// stepsuite.Suite.Inconclusive).
type positiveControls interface {
	Inconclusive(verdict.Verdict) string
}

// progressMarks are the progress lines' words for each status.
var progressMarks = map[verdict.Status]string{
	verdict.Passed: "ok  ", verdict.Failed: "FAIL", verdict.UnexpectedPass: "FAIL", verdict.Warning: "WARN",
	verdict.ExpectedFailure: "KNOWN", verdict.Interrupted: "INTERRUPTED", verdict.NotRun: "NOT RUN",
	verdict.Inconclusive: "INCONCLUSIVE",
}

// progressLine is the line printed as the nth of total cases finishes; v
// is classified. Its mark is in the status's colour when paint is on.
func progressLine(v verdict.Verdict, n, total int, paint termcolor.Painter) string {
	mark, ok := progressMarks[v.Status]
	if !ok {
		mark = "FAIL"
	}
	return fmt.Sprintf("%s %s %s (%d requests, %s)", report.Position(n, total), paint.Paint(report.StatusColour(v.Status), mark), v.Label(), v.Requests, v.Duration.Round(time.Millisecond))
}

// execute runs the selected scenarios through godog.
func execute(ctx context.Context, p *runPlan) int {
	var cw io.WriteCloser = nopCloser{io.Discard}
	if console, ok := p.formats.console(); ok && p.output != nil && p.output != io.Discard {
		_, ours := ownFormats[console.name]
		switch {
		case ours || liveFormats[console.name]:
			// The runner writes it, not godog.
		case machineFormats[console.name]:
			cw = p.red.Writer(p.output)
		default:
			cw = forPeople(p.red, p.output)
		}
	}
	defer cw.Close()
	return godog.TestSuite{
		Name:                "authconform",
		ScenarioInitializer: p.suite.InitializeScenario,
		Options: &godog.Options{
			Format:         p.godogFmt,
			Output:         &uncolored{w: cw},
			Paths:          p.files.featurePaths,
			FS:             p.files.features,
			Tags:           p.selected.String(),
			Strict:         true,
			NoColors:       false, // dropped by uncolored, far cheaper (uncolored.go)
			Concurrency:    p.concurrency,
			DefaultContext: ctx,
		},
	}.Run()
}

// judge turns the recorded verdicts into the run's outcome: severity,
// known deviations, order, counts and exit code.
func judge(ctx context.Context, p *runPlan, res *verdict.Run, godogStatus int) {
	order := map[string]catalog.Case{}
	for _, c := range p.cases {
		order[catalog.Key(c.URI, c.Scenario)] = c
	}
	for _, v := range p.rec.All() {
		c := order[catalog.Key(v.URI, v.Scenario)]
		v = classify(p.strict, p.expected, p.suite, v)
		v.Feature, v.Order, v.Line = c.Feature, c.Order, c.Line
		v.ID, v.Requirement = c.ID, c.Requirement
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

// matchExpectations maps each listed scenario to its reason. An entry
// names its scenario by id, or (written before ids) by feature file and
// name; one that names no scenario of the suite is an error, so a
// scenario cannot silently drop out of the file, and so is a scenario
// listed twice, once by id and once by name.
func matchExpectations(list []setup.KnownDeviation, cases []catalog.Case) (map[string]string, error) {
	known := map[string]string{} // id, and feature and name → the case's key
	for _, c := range cases {
		k := catalog.Key(c.URI, c.Scenario)
		known[k] = k
		if c.ID != "" {
			known[c.ID] = k
		}
	}
	out := map[string]string{}
	for _, f := range list {
		what, k := fmt.Sprintf("%s: %q", f.Feature, f.Scenario), known[catalog.Key(f.Feature, f.Scenario)]
		if f.ID != "" {
			what, k = "the id "+f.ID, known[f.ID]
		}
		if k == "" {
			return nil, fmt.Errorf("known-deviation file lists %s, which is not a scenario of the suite", what)
		}
		if _, twice := out[k]; twice {
			return nil, fmt.Errorf("known-deviation file lists %s twice (by id and by name)", what)
		}
		out[k] = f.Reason
	}
	return out, nil
}

// maxCAFile bounds -ca-file: a system's whole CA bundle is about 200 KiB.
const maxCAFile = 4 << 20

// LoadCA returns a TLS config trusting the system roots plus the PEM
// certificates in file, a regular file of at most 4 MiB.
func LoadCA(file string) (*tls.Config, error) {
	if err := checkCertEnv(os.Getenv); err != nil {
		return nil, err
	}
	pem, err := userfile.Read(file, maxCAFile)
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

// BuiltInStamp is the provenance of the built-in suite, as -version prints
// it and as a run over that suite stamps its reports.
func BuiltInStamp() (provenance.Stamp, error) {
	return provenance.Of(builtInSuite().stampRoots...)
}
