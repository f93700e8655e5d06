package selftest

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/race"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/verdict"
	"github.com/authconform/authconform/setup"
)

// startServer runs the reference server with opts until the test ends.
// Tests that run the suite many times share one server per variant: the
// server keeps no state between requests that a run could see (apart from
// the same-token-for-all fault's one token, which is the point of it).
func startServer(t *testing.T, opts refserver.Options) *refserver.Running {
	t.Helper()
	if opts.Issuer == "" {
		opts.Issuer = embedded.Issuer // as embedded.Target expects
	}
	srv, err := refserver.Start(opts)
	if err != nil {
		t.Fatalf("refserver.Start(%+v): %v", opts, err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// overlapProbe serves the reference server and notices whether two
// requests are ever in flight at once. Armed, it holds each request until
// a second one arrives (at most overlapWait, once), so a run that really
// sends requests concurrently is seen to, however fast the server answers.
type overlapProbe struct {
	url  string
	next http.Handler

	mu       sync.Mutex
	armed    bool
	inFlight int
	seen     bool
	overlap  chan struct{} // closed when seen
}

// overlapWait bounds the one wait of a run that never overlaps requests.
const overlapWait = 2 * time.Second

func startProbed(t *testing.T, opts refserver.Options) *overlapProbe {
	t.Helper()
	s, err := refserver.New(opts)
	if err != nil {
		t.Fatalf("refserver.New(%+v): %v", opts, err)
	}
	p := &overlapProbe{next: s, overlap: make(chan struct{})}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.url = srv.URL
	return p
}

func (p *overlapProbe) arm() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed = true
}

func (p *overlapProbe) overlapped() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen
}

func (p *overlapProbe) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.inFlight++
	if p.inFlight > 1 && !p.seen {
		p.seen = true
		close(p.overlap)
	}
	wait := p.armed && !p.seen
	p.mu.Unlock()
	if wait {
		select {
		case <-p.overlap:
		case <-time.After(overlapWait):
			p.mu.Lock()
			p.armed = false // waited once for nothing: do not slow the run further
			p.mu.Unlock()
		}
	}
	p.next.ServeHTTP(w, r)
	p.mu.Lock()
	p.inFlight--
	p.mu.Unlock()
}

// runSuiteAt runs the whole suite against the server at url, concurrency
// scenarios at a time, as the CLI does with -concurrency, with the
// formats. The console is discarded, and runner.Run formats nothing for a
// discarded console: only file formatters run.
func runSuiteAt(t *testing.T, url string, concurrency int, formats ...setup.Format) verdict.Run {
	t.Helper()
	res, err := runner.Run(context.Background(), suiteAt(url, concurrency, formats...))
	if err != nil {
		t.Fatalf("runner.Run (concurrency %d): %v", concurrency, err)
	}
	return res
}

// suiteAt is the whole built-in suite against url, concurrency scenarios
// at a time, with the formats and the console discarded.
func suiteAt(url string, concurrency int, formats ...setup.Format) setup.Options {
	o := optionsFor(embedded.Target(url))
	o.Concurrency, o.Formats, o.Timeout, o.Output = concurrency, formats, 5*time.Second, io.Discard
	return o
}

// outcomes maps each scenario of a run to its status. Statuses are what a
// run's verdict is made of; error texts are not compared, because they hold
// values generated per scenario (unknown client IDs, wrong secrets) and
// timings.
func outcomes(res verdict.Run) map[string]verdict.Status {
	m := make(map[string]verdict.Status, len(res.Verdicts))
	for _, v := range res.Verdicts {
		m[caseName(v)] = v.Status
	}
	return m
}

// diffOutcomes describes how got differs from want, one scenario a line,
// or returns "" when they are the same.
func diffOutcomes(want, got map[string]verdict.Status) string {
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[k]
		switch {
		case !ok:
			lines = append(lines, fmt.Sprintf("  %s: %s, then no verdict", k, want[k]))
		case g != want[k]:
			lines = append(lines, fmt.Sprintf("  %s: %s, then %s", k, want[k], g))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			lines = append(lines, fmt.Sprintf("  %s: no verdict, then %s", k, got[k]))
		}
	}
	return strings.Join(lines, "\n")
}

// failuresOf lists the scenarios of a run that did not pass, with their
// errors, for messages.
func failuresOf(res verdict.Run) string {
	var b strings.Builder
	for _, v := range res.Verdicts {
		if v.Status != verdict.Passed {
			fmt.Fprintf(&b, "  [%s] %s\n      %s\n", v.Status, v.Scenario, firstLine(v.Error))
		}
	}
	return b.String()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// TestConcurrencyKeepsVerdicts verifies -concurrency changes how fast the
// suite runs, never what it finds or reports: against a correct server and
// against faults of each kind, a run with 4 scenarios at a time gives every
// scenario the same status as a sequential run, the same exit code, and
// the same JUnit, cucumber and HTML reports (scenario order, error
// messages and transcripts included; timings and generated values aside,
// see runVarying). Under -race it runs only the concurrent runs, each
// with every file report, which is what the detector checks (scenarios
// running at once share no state); the sequential runs and the comparison
// are about what runs write, and `make test` runs them in its plain go
// test, where they cost a tenth of their CPU under the detector.
func TestConcurrencyKeepsVerdicts(t *testing.T) {
	t.Parallel()
	variants := []struct {
		name string
		opts refserver.Options
		// stateful: the fault keeps state a run changes (the one token,
		// which a run revokes), so both compared runs start after a
		// first one, from the same state.
		stateful bool
	}{
		{"server=correct", refserver.Options{}, false},
		// Breaks every error answer: many failures at once.
		{"fault=error-status-200", refserver.Options{Fault: "error-status-200"}, false},
		// State shared across requests (one token for all) and a scenario
		// that sends two requests.
		{"fault=same-token-for-all", refserver.Options{Fault: "same-token-for-all"}, true},
		// A @should failure: a warning, not a failure.
		{"fault=pragma-missing", refserver.Options{Fault: "pragma-missing"}, false},
		// A secret echoed back: exercises redaction, which every scenario
		// shares through the run's redactor.
		{"fault=secret-echoed-in-error", refserver.Options{Fault: "secret-echoed-in-error"}, false},
		// Success answers broken: the other half of the suite fails.
		{"fault=success-status-201", refserver.Options{Fault: "success-status-201"}, false},
	}
	wantRun := profileSize(t, config.CommerceLayer)
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			// Each variant has a server and a probe of its own.
			t.Parallel()
			probe := startProbed(t, v.opts)
			if race.Enabled {
				checkConcurrentRun(t, probe, wantRun)
				return
			}
			if v.stateful {
				runReports(t, probe.url, 1)
			}
			seq, seqReports := runReports(t, probe.url, 1)
			probe.arm()
			par, parReports := runReports(t, probe.url, 4)
			if !probe.overlapped() {
				t.Fatalf("no two requests were in flight at once with -concurrency 4: the run was sequential, so this test compares nothing")
			}
			if len(seq.Verdicts) != wantRun {
				t.Fatalf("sequential run gave %d verdicts; want the whole suite, %d as the catalog reads the features", len(seq.Verdicts), wantRun)
			}
			if d := diffOutcomes(outcomes(seq), outcomes(par)); d != "" {
				t.Errorf("verdicts differ between -concurrency 1 and 4 (sequential, then concurrent):\n%s\nsequential failures:\n%sconcurrent failures:\n%s",
					d, failuresOf(seq), failuresOf(par))
			}
			if seq.ExitCode != par.ExitCode {
				t.Errorf("exit code = %d with -concurrency 4; want %d, as sequentially", par.ExitCode, seq.ExitCode)
			}
			if seq.Requests != par.Requests {
				t.Errorf("%d requests with -concurrency 4; want %d, as sequentially", par.Requests, seq.Requests)
			}
			// Order is part of the verdict a reader sees: reports list
			// scenarios in feature-file order whatever order they ran in.
			for i := range min(len(seq.Verdicts), len(par.Verdicts)) {
				if s, p := seq.Verdicts[i].Scenario, par.Verdicts[i].Scenario; s != p {
					t.Errorf("verdict %d is %q with -concurrency 4; want %q, as sequentially", i, p, s)
					break
				}
			}
			for _, r := range reportFiles {
				assert.Equal(t, normalizeRun(seqReports[r.file]), normalizeRun(parReports[r.file]),
					"%s report differs between -concurrency 1 and 4 beyond timings and generated values (- sequential, + concurrent)", r.format)
			}
		})
	}
}

// checkConcurrentRun runs the whole suite against probe 4 scenarios at a
// time, with every file report, for the race detector to watch: requests
// must overlap, or the run was sequential and the detector saw nothing
// run at once, and every scenario must have its verdict.
func checkConcurrentRun(t *testing.T, probe *overlapProbe, wantRun int) {
	t.Helper()
	probe.arm()
	par, _ := runReports(t, probe.url, 4)
	if !probe.overlapped() {
		t.Fatalf("no two requests were in flight at once with -concurrency 4: the run was sequential, so the race detector watched nothing run at once")
	}
	if len(par.Verdicts) != wantRun {
		t.Fatalf("concurrent run gave %d verdicts; want the whole suite, %d as the catalog reads the features", len(par.Verdicts), wantRun)
	}
}
