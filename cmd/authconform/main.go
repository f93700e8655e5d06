// Command authconform runs the conformance suite against an OAuth2 token
// endpoint that follows Commerce Layer's client_credentials flow. With no
// target it starts the embedded reference server and runs against that.
//
// Exit codes: 0 every scenario run passed (warnings allowed), 1 a scenario
// failed, 2 a usage or configuration error, or the target is unreachable.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/authconform/authconform/conform"
	"github.com/authconform/authconform/internal/compare"
	"github.com/authconform/authconform/internal/expect"
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

const usageHead = `usage: authconform [flags]
       authconform diff OLD.json NEW.json
       authconform serve [-addr 127.0.0.1:0] [-allow-remote] [-fault NAME] [-error-shape errors|rfc6749]

Runs the client_credentials conformance suite against a token endpoint.
With no target (-target or AUTHCONFORM_TARGET) it runs against the embedded
reference server; "authconform serve" runs that server on its own, for client
developers (authconform serve -h). Credentials come from the environment:
  AUTHCONFORM_SALES_CHANNEL_CLIENT_ID, AUTHCONFORM_MARKET_ID, AUTHCONFORM_OTHER_MARKET_ID,
  AUTHCONFORM_INTEGRATION_CLIENT_ID, AUTHCONFORM_INTEGRATION_CLIENT_SECRET
  (or AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE), AUTHCONFORM_TOKEN_PATH,
  AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN, AUTHCONFORM_INTEGRATION_EXPIRES_IN,
  AUTHCONFORM_CLOCK_SKEW.
-config FILE [-config-section NAME] reads these variables from a settings file
(KEY=VALUE lines in [sections]; a client secret only as ${VARIABLE} or as a
*_FILE path); a variable set in the environment, and a flag, override it.
Exit codes: 0 passed (warnings allowed), 1 a scenario failed,
2 usage or configuration error, or the target is unreachable.

flags:
`

// run is main without the process: testable, and it never calls os.Exit.
// It reads the command line, lays the flags over the environment, and
// runs, lists, or compares.
//
// What people read (stderr, and stdout unless a machine-readable report
// goes there) passes through termsafe: the last guard, behind the
// runner's, for the text of any error and for what files and targets said.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
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
	// A -format that does not parse is reported below; until then stdout
	// is for people.
	if formats, err := conform.ParseFormats(c.format); err != nil || !consoleIsMachineReadable(formats) {
		safeOut := termsafe.NewWriter(stdout)
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
	if t.URL.IsZero() {
		srv, e, err := c.embedded(t, p, stderr)
		if err != nil {
			return fail(err)
		}
		defer srv.Close()
		t = e
	}
	opts, err := c.options(t, p, stdout, stderr)
	if err != nil {
		return fail(err)
	}
	if c.listOnly {
		return list(opts, stdout, stderr)
	}
	return c.runSuite(ctx, opts, stdout, stderr)
}

// runSuite runs the suite and prints its summary; the exit code is the
// run's, or 2 when it could not start or ended early.
func (c *cli) runSuite(ctx context.Context, opts conform.Options, stdout, stderr io.Writer) int {
	runUnderWay.Store(true) // a signal now stops the run and writes its reports
	res, err := conform.Run(ctx, opts)
	var cerr *conform.ConfigError
	switch {
	case errors.As(err, &cerr) && len(res.Verdicts) == 0:
		fmt.Fprintf(stderr, "authconform: %v\n", err)
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
	printSummary(summaryOut, res, usesConsole(opts.Formats))
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
			outcomes = append(outcomes, expect.Outcome{Feature: v.Feature, Scenario: v.Scenario})
		case conform.Failed, conform.ExpectedFailure:
			first, _, _ := strings.Cut(v.Error, "\n")
			outcomes = append(outcomes, expect.Outcome{Feature: v.Feature, Scenario: v.Scenario, Failed: true, Error: first})
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
	printLeftOut(stdout, l.LeftOut)
	fmt.Fprintf(stdout, "\nauthconform: %d scenarios would run, %d left out; %d requests, %d of them to the auth endpoints at rate %s, at least %s waiting for the rate limit; nothing was sent\n",
		len(l.Cases), len(l.LeftOut), l.Requests, l.Limited, l.Rate, l.Waiting)
	return conform.ExitPass
}

// diff compares two runs' JSON summaries: exit 1 when a MUST case now
// fails that did not, 0 otherwise, 2 on bad input.
func diff(args []string, stdout, stderr io.Writer) int {
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
// format has already listed the failures and the inconclusive cases.
func printSummary(w io.Writer, res conform.Result, consoleListed bool) {
	c := count(res)
	section := func(title string, st conform.Status) {
		first := true
		for _, v := range res.Verdicts {
			if v.Status != st {
				continue
			}
			if first {
				fmt.Fprintf(w, "\n%s:\n", title)
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
		fmt.Fprintf(w, "\nNot run (%d): the run had ended: %s\n", c.NotRun, res.Stopped)
	}
	printLeftOut(w, res.LeftOut)
	verdictWord := "PASS"
	switch {
	case res.Stopped != "":
		verdictWord = "STOPPED (" + res.Stopped + ")"
	case res.ExitCode != conform.ExitPass:
		verdictWord = "FAIL"
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
func printLeftOut(w io.Writer, left []conform.LeftOutCase) {
	if len(left) == 0 {
		return
	}
	fmt.Fprintf(w, "\nLeft out (%d):\n", len(left))
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
