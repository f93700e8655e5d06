package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/authconform/authconform/internal/expect"
	"github.com/authconform/authconform/internal/interop"
	"github.com/authconform/authconform/internal/report"
	"github.com/authconform/authconform/internal/userfile"
)

// files are where one server's run and document go.
type files struct {
	summary, junit, log, doc, deviations string
}

func filesOf(o options, a interop.About) files {
	return files{
		summary:    filepath.Join(o.outDir, a.Name+"-summary.json"),
		junit:      filepath.Join(o.outDir, a.Name+"-junit.xml"),
		log:        filepath.Join(o.outDir, a.Name+".log"),
		doc:        filepath.Join(o.docsDir, a.Name+".md"),
		deviations: filepath.Join(o.docsDir, a.Name+"-known-deviations.json"),
	}
}

// The outcome of one server.
const (
	outcomePass    = "PASS"
	outcomeFail    = "FAIL"
	outcomeSkipped = "SKIPPED"
	outcomeSetup   = "SETUP FAILED"
	outcomeStopped = "STOPPED"
)

// result is what happened to one server, for the closing table.
type result struct {
	about   interop.About
	outcome string
	code    int    // the suite's exit code, when it ran
	why     string // skipped, setup failed, stopped: one line
	summary report.Summary
}

// failed is r set up as a setup failure, or, when the run was stopped
// (a signal), as stopped: the error then only says so.
func (r result) failed(ctx context.Context, stderr io.Writer, what string, err error) result {
	if ctx.Err() != nil {
		r.outcome, r.why = outcomeStopped, fmt.Sprintf("stopped (%v)", context.Cause(ctx))
		fmt.Fprintf(stderr, "interop: %s: %s\n", what, r.why)
		return r
	}
	r.outcome, r.why = outcomeSetup, failure(stderr, what, err)
	return r
}

// runServer builds or finds, starts, judges and stops one server.
func runServer(ctx context.Context, o options, s interop.Server, suiteBin string, stdout, stderr io.Writer) result {
	a := s.About()
	r := result{about: a}
	prepared, err := prepare(ctx, o, s, stdout)
	if why, ok := interop.Skipped(err); ok {
		fmt.Fprintf(stderr, "interop: SKIPPED %s: %s\n", a.Name, why)
		r.outcome, r.why = outcomeSkipped, why
		return r
	}
	if err != nil {
		return r.failed(ctx, stderr, a.Name, err)
	}
	runDir, err := os.MkdirTemp("", "authconform-interop-"+a.Name+"-")
	if err != nil {
		return r.failed(ctx, stderr, a.Name, err)
	}
	defer os.RemoveAll(runDir)
	f := filesOf(o, a)
	post, basic := interop.NewClients(a.PlainCredentials == "")
	start := time.Now()
	p, err := interop.Start(ctx, s, prepared, runDir, post, basic, interop.StartOptions{LogPath: f.log, ReadyTimeout: o.readyTimeout})
	if err != nil {
		return r.failed(ctx, stderr, a.Name, err)
	}
	defer p.Stop()
	fmt.Fprintf(stdout, "interop: %s ready in %s at %s, clients %s (client_secret_post) and %s (client_secret_basic)\n",
		a.Title, time.Since(start).Round(time.Millisecond), p.BaseURL, post.ID, basic.ID)
	return runSuite(ctx, o, r, f, suiteBin, interop.SuiteEnv(a, p.BaseURL, post, basic), stdout, stderr)
}

// prepare builds or installs the server, within -build-timeout, and says
// which it did.
func prepare(ctx context.Context, o options, s interop.Server, stdout io.Writer) (string, error) {
	a := s.About()
	ctx, cancel := context.WithTimeoutCause(ctx, o.buildTimeout, fmt.Errorf("-build-timeout %s passed", o.buildTimeout))
	defer cancel()
	start := time.Now()
	prepared, err := s.Prepare(ctx, interop.Tools{Go: o.goCmd, CacheDir: o.cacheDir}, stdout)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(stdout, "interop: %s ready to start (%s): %s\n", a.Title, time.Since(start).Round(time.Millisecond), prepared)
	return prepared, nil
}

// runSuite runs the suite, rewrites the document from a whole run, and
// says what happened in one line.
func runSuite(ctx context.Context, o options, r result, f files, bin string, env []string, stdout, stderr io.Writer) result {
	a := r.about
	s := interop.Suite{Bin: bin, Dir: ".", Deviations: f.deviations, Grace: 15 * time.Second, SummaryPath: f.summary, JUnitPath: f.junit}
	if _, err := os.Stat(f.deviations); errors.Is(err, os.ErrNotExist) {
		if err := writeFile(f.deviations, []byte("{\"expected_failures\": []}\n")); err != nil {
			r.outcome, r.why = outcomeSetup, failure(stderr, a.Name, err)
			return r
		}
	}
	os.Remove(f.summary) // a summary after the run is this run's
	ctx, cancel := context.WithTimeoutCause(ctx, o.suiteTimeout, fmt.Errorf("-suite-timeout %s passed", o.suiteTimeout))
	defer cancel()
	fmt.Fprintf(stdout, "interop: running the %s profile against %s\n", interop.Profile, a.Title)
	code, err := s.Run(ctx, env, stdout, stderr)
	switch {
	case err != nil: // *interop.NoProfileError among them
		r.outcome, r.why = outcomeSetup, failure(stderr, a.Name+": running the suite", err)
		return r
	case ctx.Err() != nil:
		r.outcome, r.code, r.why = outcomeStopped, max(code, 1), fmt.Sprintf("the suite was stopped (%v); %s left as it was", context.Cause(ctx), f.doc)
		fmt.Fprintf(stderr, "interop: %s: %s\n", a.Name, r.why)
		return r
	case code != 0 && code != 1:
		r.outcome, r.why = outcomeSetup, failure(stderr, a.Name+": running the suite", fmt.Errorf("authconform exited %d (a configuration error, or %s stopped answering): see its last line above", code, a.Short))
		return r
	}
	sum, err := writeDoc(a, f)
	if err != nil {
		r.outcome, r.why = outcomeSetup, failure(stderr, a.Name+": writing "+f.doc, err)
		return r
	}
	r.code, r.summary = code, sum
	if code == 0 {
		r.outcome = outcomePass
		fmt.Fprintf(stdout, "interop: PASS: %s meets the %s profile, known deviations aside; rewrote %s\n", a.Title, interop.Profile, f.doc)
	} else {
		r.outcome = outcomeFail
		fmt.Fprintf(stderr, "interop: FAIL: %s fails a scenario not in %s, or passes one listed there; rewrote %s, whose Deviations section says what to write\n", a.Title, f.deviations, f.doc)
	}
	return r
}

// writeDoc rewrites a server's document from its summary, keeping its
// hand-written notes, with the reasons of its known-deviation file.
func writeDoc(a interop.About, f files) (report.Summary, error) {
	sum, err := interop.ReadSummary(f.summary)
	if err != nil {
		return sum, err
	}
	var devs []expect.Failure
	if _, err := os.Stat(f.deviations); err == nil {
		if devs, err = expect.Load(f.deviations); err != nil {
			return sum, err
		}
	}
	old, err := userfile.Read(f.doc, 4<<20)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return sum, err
	}
	doc := interop.Evidence{About: a, Summary: sum, Deviations: devs, Notes: interop.KeptNotes(old), DeviationsPath: f.deviations, SummaryPath: f.summary}.Render()
	if err := os.MkdirAll(filepath.Dir(f.doc), 0o755); err != nil {
		return sum, err
	}
	return sum, writeFile(f.doc, doc)
}

// rewriteAll rewrites the document of each server that has a summary in
// -out, running nothing.
func rewriteAll(o options, servers []interop.Server, stdout, stderr io.Writer) int {
	code := 0
	for _, s := range servers {
		a := s.About()
		f := filesOf(o, a)
		if _, err := os.Stat(f.summary); errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(stdout, "interop: %s: no %s (not run yet); %s left as it was\n", a.Name, f.summary, f.doc)
			continue
		}
		if _, err := writeDoc(a, f); err != nil {
			failure(stderr, a.Name+": writing "+f.doc, err)
			code = exitSetup
			continue
		}
		fmt.Fprintf(stdout, "interop: rewrote %s from %s\n", f.doc, f.summary)
	}
	return code
}

// printResults is the closing table: one line per server, and under it
// each MUST scenario it failed (listed as a known deviation or not).
func printResults(w io.Writer, results []result) {
	fmt.Fprintf(w, "\ninterop: %d server(s)\n", len(results))
	for _, r := range results {
		what := r.why
		if r.outcome == outcomePass || r.outcome == outcomeFail {
			what = fmt.Sprintf("exit %d: %s", r.code, interop.CountsLine(r.summary.Counts))
		}
		fmt.Fprintf(w, "  %-22s %-36s %-12s %s\n", r.about.Name, r.about.Title, r.outcome, what)
		for _, c := range r.summary.Cases {
			if c.Severity == "MUST" && (c.Status == report.StatusFailed || c.Status == report.StatusKnownDeviation) {
				fmt.Fprintf(w, "  %-22s   MUST %s: %s\n", "", strings.Join(interop.Sections(c.Rules), ", "), c.Scenario)
			}
		}
	}
}

// exitCode is the worst outcome's.
func exitCode(results []result, requireAll bool) int {
	code := 0
	for _, r := range results {
		switch {
		case r.outcome == outcomeSetup, r.outcome == outcomeSkipped && requireAll:
			code = max(code, exitSetup)
		case r.outcome == outcomeFail, r.outcome == outcomeStopped:
			code = max(code, exitFailed)
		}
	}
	return code
}
