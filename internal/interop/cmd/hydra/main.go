// Command hydra proves authconform's rfc6749 profile on Ory Hydra v2.3.0:
// it builds Hydra from the Go module proxy (once, cached outside the
// repository), starts it on loopback, registers a client_secret_post and a
// client_secret_basic client, runs the suite against it with the known
// deviations of docs/interop/hydra-known-deviations.json, and rewrites
// docs/interop/hydra.md from the run's JSON summary. `make interop` runs it
// from the repository's root.
//
// Exit codes: the suite's (0 passed, known deviations allowed; 1 a new
// failure, or a listed deviation that now passes); 2 the setup failed
// (Hydra not built, not ready, a client refused, no rfc6749 profile in this
// authconform), with one line saying which; 128+n stopped by signal n.
// Every wait is bounded and Hydra is stopped on every way out.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/authconform/authconform/internal/expect"
	"github.com/authconform/authconform/internal/interop"
	"github.com/authconform/authconform/internal/userfile"
)

const exitSetup = 2

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	var got atomic.Value
	go func() {
		sig := <-sigs
		got.Store(sig)
		fmt.Fprintf(os.Stderr, "interop: %v: stopping Hydra and the suite (again to quit at once)\n", sig)
		cancel(fmt.Errorf("%v", sig))
		os.Exit(signalExit(<-sigs))
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if sig, ok := got.Load().(os.Signal); ok {
		code = signalExit(sig)
	}
	os.Exit(code)
}

func signalExit(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// options are the command line.
type options struct {
	goCmd, cacheDir, hydraBin, outDir, docPath, deviations, fromSummary string
	readyTimeout, buildTimeout, suiteTimeout                            time.Duration
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fl := flag.NewFlagSet("interop", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.StringVar(&o.goCmd, "go", "go", "the go command")
	fl.StringVar(&o.cacheDir, "cache", "", "where the Hydra binary is kept (default: the user cache directory's authconform/, e.g. ~/.cache/authconform)")
	fl.StringVar(&o.hydraBin, "hydra", "", "use this Hydra "+interop.HydraVersion+" binary instead of building one")
	fl.StringVar(&o.outDir, "out", "out/interop", "directory of the run's reports and Hydra's log")
	fl.StringVar(&o.docPath, "doc", "docs/interop/hydra.md", "the document written from the run")
	fl.StringVar(&o.deviations, "expect-failures", "docs/interop/hydra-known-deviations.json", "Hydra's known deviations, each with its reason")
	fl.StringVar(&o.fromSummary, "from-summary", "", "only rewrite the document from this saved JSON summary (after editing reasons); run nothing")
	fl.DurationVar(&o.readyTimeout, "ready-timeout", time.Minute, "longest wait for Hydra to be ready")
	fl.DurationVar(&o.buildTimeout, "build-timeout", 20*time.Minute, "longest Hydra build")
	fl.DurationVar(&o.suiteTimeout, "suite-timeout", 10*time.Minute, "longest suite run")
	if err := fl.Parse(args); err != nil {
		return o, err
	}
	if fl.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fl.Arg(0))
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if err != nil {
		return exitSetup
	}
	// fail says what went wrong in one line, the last: step, unless the
	// error already names it, and the error's first line (any further
	// lines, a build's output, come before it).
	fail := func(step string, err error) int {
		first, rest, _ := strings.Cut(err.Error(), "\n")
		if rest != "" {
			fmt.Fprintln(stderr, rest)
		}
		if step != "" {
			first = step + ": " + first
		}
		fmt.Fprintf(stderr, "interop: SETUP FAILED: %s\n", first)
		return exitSetup
	}
	if err := atRepoRoot(); err != nil {
		return fail("finding the repository", err)
	}
	if o.fromSummary != "" {
		if err := writeDoc(o, o.fromSummary); err != nil {
			return fail("writing "+o.docPath, err)
		}
		fmt.Fprintf(stdout, "interop: rewrote %s from %s\n", o.docPath, o.fromSummary)
		return 0
	}
	if err := os.MkdirAll(o.outDir, 0o755); err != nil {
		return fail("creating "+o.outDir, err)
	}
	bin, err := hydraBinary(ctx, o, stdout)
	if err != nil {
		return fail("", err)
	}
	suiteBin := filepath.Join(o.outDir, "authconform")
	if err := interop.BuildAuthconform(ctx, o.goCmd, ".", suiteBin); err != nil {
		return fail("", err)
	}
	start := time.Now()
	h, err := interop.StartHydra(ctx, interop.HydraOptions{Bin: bin, LogPath: filepath.Join(o.outDir, "hydra.log"), ReadyTimeout: o.readyTimeout})
	if err != nil {
		return fail("", err)
	}
	defer h.Stop()
	fmt.Fprintf(stdout, "interop: Hydra %s ready in %s: public %s, admin %s\n", interop.HydraVersion, time.Since(start).Round(time.Millisecond), h.PublicURL, h.AdminURL)
	post, basic, err := interop.NewClients()
	if err != nil {
		return fail("making clients", err)
	}
	for _, c := range []interop.Client{post, basic} {
		if err := interop.Register(ctx, h.AdminURL, c); err != nil {
			return fail("", err)
		}
	}
	fmt.Fprintf(stdout, "interop: registered %s (client_secret_post) and %s (client_secret_basic)\n", post.ID, basic.ID)
	return runSuite(ctx, o, suiteBin, interop.SuiteEnv(h, post, basic), stdout, stderr, fail)
}

// hydraBinary is the Hydra to run: -hydra, or the cached build, built when
// missing.
func hydraBinary(ctx context.Context, o options, stdout io.Writer) (string, error) {
	if o.hydraBin != "" {
		if v, err := interop.HydraBinaryVersion(ctx, o.hydraBin); err != nil || v != interop.HydraVersion {
			return "", fmt.Errorf("-hydra %s: version %q (%v); want %s", o.hydraBin, v, err, interop.HydraVersion)
		}
		return o.hydraBin, nil
	}
	dir := o.cacheDir
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("no cache directory for the Hydra build (%v); give one with -cache", err)
		}
		dir = filepath.Join(base, "authconform")
	}
	bin, err := filepath.Abs(filepath.Join(dir, "hydra-"+interop.HydraVersion))
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeoutCause(ctx, o.buildTimeout, fmt.Errorf("-build-timeout %s passed", o.buildTimeout))
	defer cancel()
	start := time.Now()
	built, err := interop.EnsureHydra(ctx, o.goCmd, bin, stdout)
	if err != nil {
		return "", err
	}
	if built {
		fmt.Fprintf(stdout, "interop: built Hydra %s in %s: %s\n", interop.HydraVersion, time.Since(start).Round(time.Second), bin)
	} else {
		fmt.Fprintf(stdout, "interop: Hydra %s from the cache: %s\n", interop.HydraVersion, bin)
	}
	return bin, nil
}

// runSuite runs the suite, rewrites the document from a whole run, and
// says what happened in one last line.
func runSuite(ctx context.Context, o options, bin string, env []string, stdout, stderr io.Writer, fail func(string, error) int) int {
	s := interop.Suite{
		Bin: bin, Dir: ".", Deviations: o.deviations, Grace: 15 * time.Second,
		SummaryPath: filepath.Join(o.outDir, "hydra-summary.json"),
		JUnitPath:   filepath.Join(o.outDir, "hydra-junit.xml"),
	}
	os.Remove(s.SummaryPath) // a summary after the run is this run's
	ctx, cancel := context.WithTimeoutCause(ctx, o.suiteTimeout, fmt.Errorf("-suite-timeout %s passed", o.suiteTimeout))
	defer cancel()
	code, err := s.Run(ctx, env, stdout, stderr)
	switch {
	case err != nil: // *interop.NoProfileError among them
		return fail("running the suite", err)
	case ctx.Err() != nil:
		fmt.Fprintf(stderr, "interop: the suite was stopped (%v); %s left as it was\n", context.Cause(ctx), o.docPath)
		return max(code, 1)
	case code != 0 && code != 1:
		return fail("running the suite", fmt.Errorf("authconform exited %d (a configuration error, or Hydra stopped answering): see its last line above", code))
	}
	if err := writeDoc(o, s.SummaryPath); err != nil {
		return fail("writing "+o.docPath, err)
	}
	if code == 0 {
		fmt.Fprintf(stdout, "interop: PASS: Hydra %s meets the %s profile, known deviations aside; rewrote %s\n", interop.HydraVersion, interop.Profile, o.docPath)
	} else {
		fmt.Fprintf(stderr, "interop: FAIL: Hydra %s fails a scenario not in %s, or passes one listed there; rewrote %s, whose Deviations section says what to write\n", interop.HydraVersion, o.deviations, o.docPath)
	}
	return code
}

// writeDoc rewrites the document from a summary, keeping its hand-written
// notes, with the reasons of the known-deviation file.
func writeDoc(o options, summaryPath string) error {
	sum, err := interop.ReadSummary(summaryPath)
	if err != nil {
		return err
	}
	var devs []expect.Failure
	if _, err := os.Stat(o.deviations); err == nil {
		if devs, err = expect.Load(o.deviations); err != nil {
			return err
		}
	}
	old, err := userfile.Read(o.docPath, 4<<20)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	doc := interop.Evidence{Summary: sum, Deviations: devs, Notes: interop.KeptNotes(old), DeviationsPath: o.deviations, SummaryPath: summaryPath}.Render()
	if err := os.MkdirAll(filepath.Dir(o.docPath), 0o755); err != nil {
		return err
	}
	// Replaced whole, by an exclusive temporary file beside it.
	return userfile.WriteFile(o.docPath, doc)
}

// atRepoRoot checks the harness runs from authconform's root, where its
// relative paths point.
func atRepoRoot() error {
	b, err := os.ReadFile("go.mod")
	if err != nil || !bytes.Contains(b, []byte("module github.com/authconform/authconform\n")) {
		return errors.New("run from the authconform repository's root (make interop does)")
	}
	return nil
}
