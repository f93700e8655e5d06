// Command authconform runs the conformance suite against an OAuth2 token
// endpoint that follows Commerce Layer's client_credentials flow. With no
// target it starts the embedded reference server and runs against that.
//
// Exit codes: 0 every scenario run passed (warnings allowed), 1 a scenario
// failed, 2 a usage or configuration error, or the target is unreachable;
// 129, 130, 143 stopped by SIGHUP, SIGINT, SIGTERM (usage.go lists them).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/authconform/authconform/conform"
	"github.com/authconform/authconform/internal/compare"
	"github.com/authconform/authconform/internal/expect"
	"github.com/authconform/authconform/internal/termcolor"
	"github.com/authconform/authconform/internal/termsafe"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve" { // a server: its signals end it with 0
		os.Exit(serveMain(os.Args[2:]))
	}
	ctx, stopped := handleSignals(os.Stderr)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	if sig := stopped(); sig != nil {
		code = signalExit(sig)
	}
	os.Exit(code)
}

// run is main without the process: testable, and it never calls os.Exit.
// It reads the command line, lays the flags over the environment, and
// runs, lists, or compares.
//
// What people read (stderr, and stdout unless a machine-readable report
// goes there) passes through termsafe: the last guard, behind the
// runner's, for the text of any error and for what files and targets said.
//
// Colour (-color, NO_COLOR, TERM, a terminal) is decided for each stream
// on the file itself; a coloured stream's guard lets through only the
// colour sequences the command adds around text it has cleaned.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	terminalErr := stderr
	safeErr := termsafe.NewWriter(stderr)
	defer safeErr.Close()
	stderr = safeErr
	if len(args) > 0 && args[0] == "diff" {
		safeOut := termsafe.NewWriter(stdout)
		defer safeOut.Close()
		return diff(args[1:], safeOut, stderr)
	}
	c, code, done := parseFlags(args, stdout, stderr)
	if done {
		return code
	}
	if termcolor.Enabled(c.color, getenv, terminalErr) {
		colourErr := termcolor.NewWriter(terminalErr)
		defer colourErr.Close()
		stderr = colourErr
	}
	// A -format that does not parse is reported below; until then stdout
	// is for people.
	if formats, err := conform.ParseFormats(c.format); err != nil || !consoleIsMachineReadable(formats) {
		var safeOut io.WriteCloser = termsafe.NewWriter(stdout)
		if termcolor.Enabled(c.color, getenv, stdout) {
			safeOut = termcolor.NewWriter(stdout)
		}
		defer safeOut.Close()
		stdout = safeOut
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "authconform: %v\n", err)
		return conform.ExitConfig
	}
	if c.version || c.listFaults {
		return c.info(stdout, stderr)
	}
	settings, err := c.settings(getenv)
	if err != nil {
		return fail(err)
	}
	if settings != nil {
		getenv = settings.Getenv
	}
	t, p, err := c.target(getenv)
	if err != nil {
		return fail(err)
	}
	if settings != nil {
		secretOrigins(&t, settings)
	}
	return c.start(ctx, t, p, stdout, stderr)
}

// start runs or lists the suite against t, or the embedded server when t
// has no URL. Lines about the run (which server, a warning) wait for its
// first output: a configuration error found before then is the first
// line.
func (c *cli) start(ctx context.Context, t conform.Target, p conform.Profile, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintf(stderr, "authconform: %v\n", err)
		return conform.ExitConfig
	}
	held := &heldLines{w: stderr}
	if t.URL.IsZero() {
		srv, e, err := c.embedded(t, p, held)
		if err != nil {
			return fail(err)
		}
		defer srv.Close()
		t = e
	}
	out, errOut := held.before(stdout), held.before(stderr)
	opts, err := c.options(t, p, out, errOut, held)
	if err != nil {
		return fail(err)
	}
	if c.listOnly {
		return list(opts, out, stderr)
	}
	return c.runSuite(ctx, opts, out, errOut, stderr)
}

// heldLines are lines about the run held back until its first output, and
// printed to w then; a run that never starts (a configuration error)
// never prints them.
type heldLines struct {
	once  sync.Once
	w     io.Writer
	lines []string
}

// add holds a line; it must be called before the first output.
func (h *heldLines) add(format string, args ...any) {
	h.lines = append(h.lines, fmt.Sprintf(format, args...))
}

// print writes the held lines, once.
func (h *heldLines) print() {
	h.once.Do(func() {
		for _, l := range h.lines {
			fmt.Fprintln(h.w, l)
		}
	})
}

// before is w printing the held lines before its first write.
func (h *heldLines) before(w io.Writer) io.Writer { return afterHeld{h, w} }

type afterHeld struct {
	h *heldLines
	w io.Writer
}

func (a afterHeld) Write(p []byte) (int, error) {
	a.h.print()
	return a.w.Write(p)
}

// KeepsColour says whether the writer under a keeps colour.
func (a afterHeld) KeepsColour() bool { return termcolor.Keeps(a.w) }

// runSuite runs the suite and prints its summary; the exit code is the
// run's, or 2 when it could not start or ended early.
//
// A run that could not start says why on configErr, which holds no line
// back: its error is the first line.
func (c *cli) runSuite(ctx context.Context, opts conform.Options, stdout, stderr, configErr io.Writer) int {
	runUnderWay.Store(true) // a signal now stops the run and writes its reports
	res, err := conform.Run(ctx, opts)
	var cerr *conform.ConfigError
	switch {
	case errors.As(err, &cerr) && len(res.Verdicts) == 0:
		fmt.Fprintf(configErr, "authconform: %v\n", err)
		return conform.ExitConfig
	case err != nil && cerr == nil:
		fmt.Fprintf(stderr, "authconform: %v\n", err)
		return conform.ExitFail
	}
	// The summary is text: after a machine-readable report on stdout it
	// would corrupt it, so it goes to stderr then.
	summaryOut := stdout
	if consoleIsMachineReadable(opts.Formats) {
		summaryOut = stderr
	}
	printSummary(summaryOut, res, usesConsole(opts.Formats), termcolor.Painter{On: termcolor.Keeps(summaryOut)})
	if cerr != nil {
		// The run ended early (the target went away or refused to be
		// tested): what ran is above, the reason is the last line.
		fmt.Fprintf(stderr, "authconform: %v\n", err)
		return conform.ExitConfig
	}
	if c.updateFile != "" {
		if err := updateExpectations(c.updateFile, c.updateFrom, res, stderr); err != nil {
			fmt.Fprintf(stderr, "authconform: %v\n", err)
			return conform.ExitConfig
		}
	}
	return res.ExitCode
}

// updateExpectations rewrites a known-deviation file, old before the run,
// from a whole run: reasons of entries that still fail are kept, entries
// that now pass are dropped, new failures are added with a recorded
// reason.
func updateExpectations(path string, old []expect.Failure, res conform.Result, stderr io.Writer) error {
	if res.Stopped != "" {
		return fmt.Errorf("-update-expect-failures: the run did not go to its end (%s); %s left as it was", res.Stopped, path)
	}
	var outcomes []expect.Outcome
	for _, v := range res.Verdicts {
		// An inconclusive case proves neither way: a listed entry stays
		// as it is, and none is added.
		switch v.Status {
		case conform.Passed, conform.UnexpectedPass:
			outcomes = append(outcomes, expect.Outcome{ID: v.ID, Feature: v.Feature, Scenario: v.Scenario})
		case conform.Failed, conform.ExpectedFailure:
			first, _, _ := strings.Cut(v.Error, "\n")
			outcomes = append(outcomes, expect.Outcome{ID: v.ID, Feature: v.Feature, Scenario: v.Scenario, Failed: true, Error: first})
		}
	}
	list := expect.Update(old, outcomes, res.Started.UTC().Format(time.DateOnly))
	if err := expect.Write(path, list); err != nil {
		return fmt.Errorf("-update-expect-failures: %v", err)
	}
	fmt.Fprintf(stderr, "authconform: wrote %d known deviations to %s (it had %d); review the reasons\n", len(list), path, len(old))
	return nil
}

// list prints what a run would do, without sending a request.
func list(opts conform.Options, stdout, stderr io.Writer) int {
	l, err := conform.List(opts)
	if err != nil {
		fmt.Fprintf(stderr, "authconform: %v\n", err)
		return conform.ExitConfig
	}
	for _, c := range l.Cases {
		fmt.Fprintln(stdout, label(string(c.Severity), c.Rules, fmt.Sprintf("%s:%d", c.Feature, c.Line), c.Scenario))
	}
	printLeftOut(stdout, l.LeftOut, termcolor.Painter{})
	fmt.Fprintf(stdout, "\nauthconform: %d scenarios would run, %d left out; %d requests, %d of them to the auth server at rate %s, at least %s waiting for the rate limit; nothing was sent\n",
		len(l.Cases), len(l.LeftOut), l.Requests, l.Limited, l.Rate, l.Waiting)
	return conform.ExitPass
}

// diff compares two runs' JSON summaries: exit 1 when a MUST case now
// fails that did not, 0 otherwise, 2 on bad input.
func diff(args []string, stdout, stderr io.Writer) int {
	if asksForHelp(args) {
		fmt.Fprint(stdout, diffUsage)
		return conform.ExitPass
	}
	if len(args) != 2 {
		fmt.Fprintln(stderr, "authconform: usage: authconform diff OLD.json NEW.json (summaries written with -format json:FILE)")
		return conform.ExitConfig
	}
	old, err := compare.Load(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "authconform: %v\n", err)
		return conform.ExitConfig
	}
	new, err := compare.Load(args[1])
	if err != nil {
		fmt.Fprintf(stderr, "authconform: %v\n", err)
		return conform.ExitConfig
	}
	g := compare.Runs(old, new)
	compare.Print(stdout, old, new, g)
	if g.Regressed() {
		return conform.ExitFail
	}
	return conform.ExitPass
}

// usesConsole reports whether the formats include the console format.
func usesConsole(formats []conform.Format) bool {
	return slices.ContainsFunc(formats, func(f conform.Format) bool { return f.Name == "console" })
}

// consoleIsMachineReadable reports whether the formats send JUnit,
// cucumber JSON, events or the JSON summary to stdout.
func consoleIsMachineReadable(formats []conform.Format) bool {
	return slices.ContainsFunc(formats, func(f conform.Format) bool {
		return f.Path == "" && slices.Contains([]string{"junit", "cucumber", "events", "json"}, f.Name)
	})
}

// printSummary ends the run with what went wrong, what was left out, and
// one line of counts that CI logs can grep. consoleListed says the console
// format has already listed the failures and the inconclusive cases. paint
// colours the headings and the verdict.
func printSummary(w io.Writer, res conform.Result, consoleListed bool, paint termcolor.Painter) {
	c := count(res)
	section := func(title string, st conform.Status) {
		first := true
		for _, v := range res.Verdicts {
			if v.Status != st {
				continue
			}
			if first {
				colour := termcolor.Yellow // not a failure, but a reader's business
				if st == conform.Failed || st == conform.UnexpectedPass {
					colour = termcolor.Red
				}
				fmt.Fprintf(w, "\n%s\n", paint.Paint(colour, title+":"))
				first = false
			}
			fmt.Fprintf(w, "  %s\n", label(string(v.Severity), v.Rules, v.Feature, v.Scenario))
			for _, line := range strings.Split(firstLines(v.Error, 3), "\n") {
				fmt.Fprintf(w, "      %s\n", line)
			}
		}
	}
	if !consoleListed { // the console format has shown them in full
		section("Failures", conform.Failed)
		section("Listed as known deviations, but passed: remove them from the known-deviation file", conform.UnexpectedPass)
	}
	section("Warnings (failed @should scenarios; -strict makes them failures)", conform.Warning)
	if !consoleListed {
		// Not failures, but never passes: the reason names the client.
		section("Inconclusive (passed, but the target issued no token to the client in this run: a refusal proves nothing without it)", conform.Inconclusive)
	}
	section("Known deviations (failed as the known-deviation file expects)", conform.ExpectedFailure)
	section("Interrupted (under way when the run ended)", conform.Interrupted)
	if c.NotRun > 0 {
		fmt.Fprintf(w, "\n%s %s\n", paint.Paint(termcolor.Dim, fmt.Sprintf("Not run (%d):", c.NotRun)), "the run had ended: "+res.Stopped)
	}
	printLeftOut(w, res.LeftOut, paint)
	verdictWord := paint.Paint(termcolor.Green, "PASS")
	switch {
	case res.Stopped != "":
		verdictWord = paint.Paint(termcolor.Yellow, "STOPPED") + " (" + res.Stopped + ")"
	case res.ExitCode != conform.ExitPass:
		verdictWord = paint.Paint(termcolor.Red, "FAIL")
	}
	more := ""
	if c.Inconclusive > 0 {
		more = fmt.Sprintf(", %d inconclusive", c.Inconclusive)
	}
	if c.ExpectedFailures+c.UnexpectedPasses > 0 {
		more += fmt.Sprintf(", %d known deviations, %d unexpected passes", c.ExpectedFailures, c.UnexpectedPasses)
	}
	if c.Interrupted+c.NotRun > 0 {
		more += fmt.Sprintf(", %d interrupted, %d not run", c.Interrupted, c.NotRun)
	}
	fmt.Fprintf(w, "\nauthconform: %s: %d scenarios run: %d passed, %d failed, %d warnings%s; %d left out; %d requests, %.1f s waiting for rate limits; %s\n",
		verdictWord, c.Scenarios, c.Passed, c.Failed, c.Warnings, more, c.LeftOut, res.Requests, res.Waited.Seconds(), res.Duration.Round(time.Millisecond))
}

// counts tally a run's verdicts by status. Inconclusive cases are counted
// apart from Passed: a pass is only ever a pass with evidence behind it.
type counts struct {
	Scenarios, Passed, Failed, Warnings, LeftOut int
	ExpectedFailures, UnexpectedPasses           int
	Interrupted, NotRun                          int
	Inconclusive                                 int
}

// count tallies res as the run's last line shows it.
func count(res conform.Result) counts {
	n := map[conform.Status]int{}
	for _, v := range res.Verdicts {
		n[v.Status]++
	}
	return counts{
		Scenarios: len(res.Verdicts), LeftOut: len(res.LeftOut),
		Passed: n[conform.Passed], Failed: n[conform.Failed], Warnings: n[conform.Warning],
		ExpectedFailures: n[conform.ExpectedFailure], UnexpectedPasses: n[conform.UnexpectedPass],
		Interrupted: n[conform.Interrupted], NotRun: n[conform.NotRun], Inconclusive: n[conform.Inconclusive],
	}
}

// label is how lines name a case: severity and rules, then where it is,
// "[MUST rfc6749-5.2] features/errors/x.feature: Scenario name".
func label(severity string, rules []string, where, scenario string) string {
	head := severity
	if len(rules) > 0 {
		head += " " + strings.Join(rules, " ")
	}
	return "[" + head + "] " + where + ": " + scenario
}

// printLeftOut lists what a run leaves out: the scenarios of another
// profile one line per reason, the others one by one.
func printLeftOut(w io.Writer, left []conform.LeftOutCase, paint termcolor.Painter) {
	if len(left) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", paint.Paint(termcolor.Dim, fmt.Sprintf("Left out (%d):", len(left))))
	var reasons []string
	other := map[string]int{}
	for _, l := range left {
		if l.OtherProfile {
			if other[l.Reason] == 0 {
				reasons = append(reasons, l.Reason)
			}
			other[l.Reason]++
		}
	}
	for _, r := range reasons {
		fmt.Fprintf(w, "  %d scenarios of another profile left out: %s\n", other[r], r)
	}
	for _, l := range left {
		if !l.OtherProfile {
			fmt.Fprintf(w, "  %s: %s (%s)\n", l.Feature, l.Scenario, l.Reason)
		}
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n")
}
