// Command authconform runs the conformance suite against an OAuth2 token
// endpoint that follows Commerce Layer's client_credentials flow. With no
// target it starts the embedded reference server and runs against that.
//
// Exit codes: 0 every scenario run passed (warnings allowed), 1 a scenario
// failed, 2 a usage or configuration error, or the target is unreachable.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/compare"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/expect"
	"github.com/authconform/authconform/internal/provenance"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/verdict"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	var got atomic.Value
	go func() {
		sig := <-sigs
		got.Store(sig)
		fmt.Fprintf(os.Stderr, "authconform: %v: stopping; the scenario in flight ends as interrupted, the rest are not run, reports are written (again to quit at once)\n", sig)
		cancel()
		os.Exit(signalExit(<-sigs))
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	if sig, ok := got.Load().(os.Signal); ok {
		code = signalExit(sig)
	}
	os.Exit(code)
}

// signalExit is the shell's exit code for a process ended by sig: 128 plus
// the signal's number (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP).
func signalExit(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

const usageHead = `usage: authconform [flags]
       authconform diff OLD.json NEW.json

Runs the client_credentials conformance suite against a token endpoint.
With no target (-target or AUTHCONFORM_TARGET) it runs against the embedded
reference server. Credentials come from the environment:
  AUTHCONFORM_SALES_CHANNEL_CLIENT_ID, AUTHCONFORM_MARKET_ID, AUTHCONFORM_OTHER_MARKET_ID,
  AUTHCONFORM_INTEGRATION_CLIENT_ID, AUTHCONFORM_INTEGRATION_CLIENT_SECRET
  (or AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE), AUTHCONFORM_TOKEN_PATH,
  AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN, AUTHCONFORM_INTEGRATION_EXPIRES_IN,
  AUTHCONFORM_CLOCK_SKEW.
Exit codes: 0 passed (warnings allowed), 1 a scenario failed,
2 usage or configuration error, or the target is unreachable.

flags:
`

// run is main without the process: testable, and it never calls os.Exit.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 && args[0] == "diff" {
		return diff(args[1:], stdout, stderr)
	}
	fl := flag.NewFlagSet("authconform", flag.ContinueOnError)
	// Help asked for goes to stdout, where it can be paged; a bad flag is
	// one line on stderr.
	fl.SetOutput(io.Discard)
	fl.Usage = func() {}
	var (
		target      = fl.String("target", "", "base URL of the auth server (default $AUTHCONFORM_TARGET, else the embedded reference server)")
		tokenPath   = fl.String("token-path", "", "path of the token endpoint (default $AUTHCONFORM_TOKEN_PATH or /oauth/token)")
		tags        = fl.String("tags", "", "godog tag expression selecting scenarios, e.g. '@must && ~@integration'")
		format      = fl.String("format", "console", "formatters, comma-separated, each name or name:FILE: console (one line per case, then each failure in full), pretty, progress, junit, json (the run's summary), cucumber, events, html:FILE")
		featuresDir = fl.String("features", "", "directory of .feature files (default: the ones built into the binary)")
		schemasDir  = fl.String("schemas", "", "directory of JSON Schemas (default: the ones built into the binary)")
		timeout     = fl.Duration("timeout", 10*time.Second, "timeout of each request")
		maxWait     = fl.Duration("max-wait", time.Minute, "longest Retry-After of a 429 waited out; a longer one ends the run (exit 2)")
		strict      = fl.Bool("strict", false, "a failed @should scenario fails the run")
		concurrency = fl.Int("concurrency", 1, "scenarios run at once")
		rate        = fl.String("rate", "", "request limit N/DURATION or none (default 30/1m for targets not on loopback, none on loopback)")
		allowHTTP   = fl.Bool("allow-http", false, "allow a plain http:// target that is not on loopback")
		caFile      = fl.String("ca-file", "", "PEM file of extra CA certificates to trust")
		quiet       = fl.Bool("quiet", false, "no progress lines on stderr")
		expectFile  = fl.String("expect-failures", "", "JSON file of scenarios the target is known to fail, each with a reason")
		updateFile  = fl.String("update-expect-failures", "", "after the run, write the known-deviation file FILE from it (a person reviews it; never unattended in CI)")
		fault       = fl.String("embedded-fault", "", "run the embedded reference server with this fault (see -list-faults)")
		listFaults  = fl.Bool("list-faults", false, "list the embedded server's faults and exit")
		listOnly    = fl.Bool("list", false, "list the scenarios a run would run and leave out, and the requests it would send; send nothing")
		version     = fl.Bool("version", false, "print the tool's version, its Go and godog versions and the digest of the built-in features and schemas, and exit")
		scID        = fl.String("sales-channel-client-id", "", "sales channel client_id (default $AUTHCONFORM_SALES_CHANNEL_CLIENT_ID)")
		marketID    = fl.String("market-id", "", "id of a market of the target (default $AUTHCONFORM_MARKET_ID)")
		otherMarket = fl.String("other-market-id", "", "id of a second market of the target, for two-market scopes (default $AUTHCONFORM_OTHER_MARKET_ID)")
		intID       = fl.String("integration-client-id", "", "integration client_id (default $AUTHCONFORM_INTEGRATION_CLIENT_ID); its secret only from the environment")
		scLifetime  = fl.Int("sales-channel-expires-in", 0, "expected expires_in of sales channel tokens, seconds (default $AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN or 14400)")
		intLifetime = fl.Int("integration-expires-in", 0, "expected expires_in of integration tokens, seconds (default $AUTHCONFORM_INTEGRATION_EXPIRES_IN or 7200)")
		clockSkew   = fl.Duration("clock-skew", 0, "allowed distance of created_at from now (default $AUTHCONFORM_CLOCK_SKEW or 60s)")
	)
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageHead)
			fl.SetOutput(stdout)
			fl.PrintDefaults()
			return runner.ExitPass
		}
		fmt.Fprintf(stderr, "authconform: %v (authconform -h lists the flags)\n", err)
		return runner.ExitConfig
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "authconform: unexpected argument %q; all options are flags (see -h)\n", fl.Arg(0))
		return runner.ExitConfig
	}
	if *version {
		stamp, err := provenance.Of(provenance.Root{FS: authconform.Files, Path: "features"}, provenance.Root{FS: authconform.Files, Path: "schemas"})
		if err != nil {
			fmt.Fprintf(stderr, "authconform: %v\n", err)
			return runner.ExitConfig
		}
		fmt.Fprintln(stdout, stamp)
		return runner.ExitPass
	}
	if *listFaults {
		for _, f := range refserver.Faults() {
			fmt.Fprintf(stdout, "%-36s %s\n", f.Name, f.Breaks)
		}
		return runner.ExitPass
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "authconform: %v\n", err)
		return runner.ExitConfig
	}

	t, err := config.FromEnv(getenv)
	if err != nil {
		return fail(err)
	}
	for _, o := range []struct {
		flag string
		dst  *string
	}{{*target, &t.BaseURL}, {*tokenPath, &t.TokenPath}, {*scID, &t.SalesChannel.ID}, {*marketID, &t.MarketID}, {*otherMarket, &t.OtherMarketID}, {*intID, &t.Integration.ID}} {
		if o.flag != "" {
			*o.dst = o.flag
		}
	}
	for _, o := range []struct {
		name string
		flag int
		dst  *int
	}{{"-sales-channel-expires-in", *scLifetime, &t.SalesChannel.Lifetime}, {"-integration-expires-in", *intLifetime, &t.Integration.Lifetime}} {
		switch {
		case o.flag < 0:
			return fail(fmt.Errorf("%s=%d: want a whole number of seconds, at least 1", o.name, o.flag))
		case o.flag > 0:
			*o.dst = o.flag
		}
	}
	switch {
	case *concurrency < 1:
		return fail(fmt.Errorf("-concurrency %d: want at least 1", *concurrency))
	case *timeout <= 0:
		return fail(fmt.Errorf("-timeout %s: want a duration above 0, e.g. 10s", *timeout))
	case *maxWait <= 0 || *maxWait > time.Hour:
		return fail(fmt.Errorf("-max-wait %s: want a duration above 0 and at most 1h", *maxWait))
	}
	if *clockSkew < 0 {
		return fail(fmt.Errorf("-clock-skew=%s: want a positive duration", *clockSkew))
	}
	if *clockSkew > 0 {
		t.ClockSkew = *clockSkew
	}
	if *fault != "" && t.BaseURL != "" {
		return fail(fmt.Errorf("-embedded-fault applies to the embedded server only; drop -target / %s", config.EnvTarget))
	}
	if t.BaseURL == "" {
		srv, err := refserver.Start(refserver.Options{Fault: *fault})
		if err != nil {
			return fail(err)
		}
		defer srv.Close()
		// The server's clients, with the expectations the user may have
		// set (lifetimes, skew), so a mismatch can be demonstrated too.
		e := embedded.Target(srv.URL)
		e.SalesChannel.Lifetime, e.Integration.Lifetime, e.ClockSkew = t.SalesChannel.Lifetime, t.Integration.Lifetime, t.ClockSkew
		t = e
		name := "the embedded reference server"
		if *fault != "" {
			name += " with fault " + strconv.Quote(*fault)
		}
		fmt.Fprintf(stderr, "authconform: no target given; running against %s at %s\n", name, srv.URL)
	}

	opts := runner.Options{
		Target:       t,
		Features:     authconform.Files,
		FeaturePaths: []string{"features"},
		Schemas:      authconform.Files,
		SchemaDir:    "schemas",
		Tags:         *tags,
		Format:       *format,
		Strict:       *strict,
		Concurrency:  *concurrency,
		Timeout:      *timeout,
		MaxWait:      *maxWait,
		Rate:         *rate,
		AllowHTTP:    *allowHTTP,
		Console:      stdout,
	}
	if !*quiet && !usesConsole(*format) {
		// The console format shows each case itself; progress lines on
		// stderr would repeat them.
		opts.Progress = stderr
	}
	if *featuresDir != "" {
		fsys, err := dirFS(*featuresDir)
		if err != nil {
			return fail(fmt.Errorf("-features: %v", err))
		}
		opts.Features, opts.FeaturePaths = fsys, []string{"."}
	}
	if *schemasDir != "" {
		fsys, err := dirFS(*schemasDir)
		if err != nil {
			return fail(fmt.Errorf("-schemas: %v", err))
		}
		opts.Schemas, opts.SchemaDir = fsys, "."
	}
	if *concurrency > 1 && !t.IsLoopback() {
		fmt.Fprintln(stderr, "authconform: -concurrency > 1 on a remote target: the rate limit still spaces every request")
	}
	if *expectFile != "" {
		list, err := expect.Load(*expectFile)
		if err != nil {
			return fail(err)
		}
		opts.ExpectFailures = list
	}
	if *caFile != "" {
		conf, err := runner.LoadCA(*caFile)
		if err != nil {
			return fail(err)
		}
		opts.TLSConfig = conf
	} else {
		opts.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}

	if *listOnly {
		return list(opts, stdout, stderr)
	}
	res, err := runner.Run(ctx, opts)
	var cerr *runner.ConfigError
	if errors.As(err, &cerr) && len(res.Verdicts) == 0 {
		return fail(err)
	}
	if err != nil && cerr == nil {
		fmt.Fprintf(stderr, "authconform: %v\n", err)
		return runner.ExitFail
	}
	// The summary is text: after a machine-readable report on stdout it
	// would corrupt it, so it goes to stderr then.
	summaryOut := stdout
	if consoleIsMachineReadable(*format) {
		summaryOut = stderr
	}
	printSummary(summaryOut, res, !usesConsole(*format))
	if *updateFile != "" && cerr == nil {
		if err := updateExpectations(*updateFile, res, stderr); err != nil {
			return fail(err)
		}
	}
	if cerr != nil {
		// The run ended early (the target went away or refused to be
		// tested): what ran is above, the reason is the last line.
		return fail(err)
	}
	return res.ExitCode
}

// updateExpectations rewrites a known-deviation file from a whole run:
// reasons of entries that still fail are kept, entries that now pass are
// dropped, new failures are added with a recorded reason.
func updateExpectations(path string, res verdict.Run, stderr io.Writer) error {
	if res.Stopped != "" {
		return fmt.Errorf("-update-expect-failures: the run did not go to its end (%s); %s left as it was", res.Stopped, path)
	}
	var old []expect.Failure
	if _, err := os.Stat(path); err == nil {
		if old, err = expect.Load(path); err != nil {
			return err
		}
	}
	var outcomes []expect.Outcome
	for _, v := range res.Verdicts {
		switch v.Status {
		case verdict.Passed, verdict.UnexpectedPass:
			outcomes = append(outcomes, expect.Outcome{Feature: v.URI, Scenario: v.Scenario})
		case verdict.Failed, verdict.ExpectedFailure:
			first, _, _ := strings.Cut(v.Error, "\n")
			outcomes = append(outcomes, expect.Outcome{Feature: v.URI, Scenario: v.Scenario, Failed: true, Error: first})
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
func list(opts runner.Options, stdout, stderr io.Writer) int {
	l, err := runner.List(opts)
	if err != nil {
		fmt.Fprintf(stderr, "authconform: %v\n", err)
		return runner.ExitConfig
	}
	for _, c := range l.Cases {
		v := verdict.Verdict{URI: fmt.Sprintf("%s:%d", c.URI, c.Line), Scenario: c.Scenario, Severity: verdict.SeverityOf(c.Tags), Rules: catalog.Rules(c.Tags)}
		fmt.Fprintln(stdout, v.Label())
	}
	if len(l.LeftOut) > 0 {
		fmt.Fprintf(stdout, "\nLeft out (%d):\n", len(l.LeftOut))
		for _, x := range l.LeftOut {
			fmt.Fprintf(stdout, "  %s: %s (%s)\n", x.URI, x.Scenario, x.Reason)
		}
	}
	fmt.Fprintf(stdout, "\nauthconform: %d scenarios would run, %d left out; %d requests at rate %s, at least %s waiting for the rate limit; nothing was sent\n",
		len(l.Cases), len(l.LeftOut), l.Requests, l.Rate, l.Waiting)
	return runner.ExitPass
}

// diff compares two runs' JSON summaries: exit 1 when a MUST case now
// fails that did not, 0 otherwise, 2 on bad input.
func diff(args []string, stdout, stderr io.Writer) int {
	if len(args) != 2 {
		fmt.Fprintln(stderr, "authconform: usage: authconform diff OLD.json NEW.json (summaries written with -format json:FILE)")
		return runner.ExitConfig
	}
	old, err := compare.Load(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "authconform: %v\n", err)
		return runner.ExitConfig
	}
	new, err := compare.Load(args[1])
	if err != nil {
		fmt.Fprintf(stderr, "authconform: %v\n", err)
		return runner.ExitConfig
	}
	g := compare.Runs(old, new)
	compare.Print(stdout, old, new, g)
	if g.Regressed() {
		return runner.ExitFail
	}
	return runner.ExitPass
}

// usesConsole reports whether -format includes the console format.
func usesConsole(format string) bool {
	for _, part := range strings.Split(format, ",") {
		if strings.TrimSpace(part) == "console" {
			return true
		}
	}
	return strings.TrimSpace(format) == ""
}

// consoleIsMachineReadable reports whether -format sends JUnit, cucumber
// JSON or events to stdout.
func consoleIsMachineReadable(format string) bool {
	for _, part := range strings.Split(format, ",") {
		name, path, _ := strings.Cut(strings.TrimSpace(part), ":")
		if path == "" && (name == "junit" || name == "cucumber" || name == "events" || name == "json") {
			return true
		}
	}
	return false
}

func dirFS(dir string) (fs.FS, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	return os.DirFS(abs), nil
}

// printSummary ends the run with what went wrong, what was left out, and
// one line of counts that CI logs can grep.
func printSummary(w io.Writer, res verdict.Run, failures bool) {
	c := res.Count()
	section := func(title string, st verdict.Status) {
		first := true
		for _, v := range res.Verdicts {
			if v.Status != st {
				continue
			}
			if first {
				fmt.Fprintf(w, "\n%s:\n", title)
				first = false
			}
			fmt.Fprintf(w, "  %s\n", v.Label())
			for _, line := range strings.Split(firstLines(v.Error, 3), "\n") {
				fmt.Fprintf(w, "      %s\n", line)
			}
		}
	}
	if failures { // the console format has shown them in full
		section("Failures", verdict.Failed)
		section("Listed as known deviations, but passed: remove them from the known-deviation file", verdict.UnexpectedPass)
	}
	section("Warnings (failed @should scenarios; -strict makes them failures)", verdict.Warning)
	section("Known deviations (failed as the known-deviation file expects)", verdict.ExpectedFailure)
	section("Interrupted (under way when the run ended)", verdict.Interrupted)
	if c.NotRun > 0 {
		fmt.Fprintf(w, "\nNot run (%d): the run had ended: %s\n", c.NotRun, res.Stopped)
	}
	if len(res.LeftOut) > 0 {
		fmt.Fprintf(w, "\nLeft out (%d):\n", len(res.LeftOut))
		for _, l := range res.LeftOut {
			fmt.Fprintf(w, "  %s: %s (%s)\n", l.URI, l.Scenario, l.Reason)
		}
	}
	verdictWord := "PASS"
	switch {
	case res.Stopped != "":
		verdictWord = "STOPPED (" + res.Stopped + ")"
	case res.ExitCode != runner.ExitPass:
		verdictWord = "FAIL"
	}
	known := ""
	if c.ExpectedFailures+c.UnexpectedPasses > 0 {
		known = fmt.Sprintf(", %d known deviations, %d unexpected passes", c.ExpectedFailures, c.UnexpectedPasses)
	}
	if c.Interrupted+c.NotRun > 0 {
		known += fmt.Sprintf(", %d interrupted, %d not run", c.Interrupted, c.NotRun)
	}
	fmt.Fprintf(w, "\nauthconform: %s: %d scenarios run: %d passed, %d failed, %d warnings%s; %d left out; %d requests, %.1f s waiting for rate limits; %s\n",
		verdictWord, c.Scenarios, c.Passed, c.Failed, c.Warnings, known, c.LeftOut, res.Requests, res.Waited.Seconds(), res.Duration.Round(time.Millisecond))
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n")
}
