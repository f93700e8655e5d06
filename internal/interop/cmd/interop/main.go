// Command interop proves authconform's rfc6749 profile on real servers
// built from the package registries: Ory Hydra (Go module proxy),
// go-oauth2/oauth2 (Go module proxy, through a wiring of ours),
// @node-oauth/oauth2-server (npm, likewise) and django-oauth-toolkit
// (Debian). For each, one after the other, it builds or installs the
// server (once, cached outside the repository), starts it on loopback with
// a client_secret_post and a client_secret_basic client, runs the suite
// against it with the known deviations of
// docs/interop/<server>-known-deviations.json, rewrites
// docs/interop/<server>.md from the run's JSON summary, and stops it.
// `make interop` runs it from the repository's root.
//
// A server whose tool or registry is missing here (no npm, no Debian
// package, the proxy unreachable) is skipped with one line saying why.
//
// Exit codes: 0 every server run passed (known deviations allowed); 1 a
// server failed a scenario not in its file, or passed one listed there; 2
// a setup failed (a server not built, not ready, a client refused, no
// rfc6749 profile in this authconform), or, with -require-all, a server
// was skipped; 128+n stopped by signal n. Every wait is bounded and every
// server's process group is stopped on every way out.
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

	"github.com/authconform/authconform/internal/interop"
	"github.com/authconform/authconform/internal/userfile"
)

const (
	exitFailed = 1
	exitSetup  = 2
)

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	var got atomic.Value
	go func() {
		sig := <-sigs
		got.Store(sig)
		fmt.Fprintf(os.Stderr, "interop: %v: stopping the server and the suite (again to quit at once)\n", sig)
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
	goCmd, cacheDir, outDir, docsDir, servers string
	rewrite, requireAll                       bool
	readyTimeout, buildTimeout, suiteTimeout  time.Duration
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fl := flag.NewFlagSet("interop", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.StringVar(&o.goCmd, "go", "go", "the go command")
	fl.StringVar(&o.servers, "servers", "all", "the servers to run, comma-separated: "+strings.Join(names(interop.Servers()), ","))
	fl.StringVar(&o.cacheDir, "cache", "", "where built and installed servers are kept (default: the user cache directory's authconform/, e.g. ~/.cache/authconform)")
	fl.StringVar(&o.outDir, "out", "out/interop", "directory of the runs' reports and the servers' logs")
	fl.StringVar(&o.docsDir, "docs", "docs/interop", "directory of each server's document and known-deviation file")
	fl.BoolVar(&o.rewrite, "rewrite", false, "only rewrite each server's document from its last summary in -out (after editing reasons or notes); run nothing")
	fl.BoolVar(&o.requireAll, "require-all", false, "a skipped server (its tool or registry missing) is a setup failure")
	fl.DurationVar(&o.readyTimeout, "ready-timeout", time.Minute, "longest wait for a server to be ready")
	fl.DurationVar(&o.buildTimeout, "build-timeout", 20*time.Minute, "longest build or install of one server")
	fl.DurationVar(&o.suiteTimeout, "suite-timeout", 10*time.Minute, "longest suite run against one server")
	if err := fl.Parse(args); err != nil {
		return o, err
	}
	if fl.NArg() > 0 {
		err := fmt.Errorf("unexpected argument %q", fl.Arg(0))
		fmt.Fprintln(stderr, "interop:", err)
		return o, err
	}
	return o, nil
}

func names(servers []interop.Server) []string {
	var out []string
	for _, s := range servers {
		out = append(out, s.About().Name)
	}
	return out
}

// failure says in one line what went wrong for a server: any further lines
// of err (a build's output) come first.
func failure(stderr io.Writer, what string, err error) string {
	first, rest, _ := strings.Cut(err.Error(), "\n")
	if rest != "" {
		fmt.Fprintln(stderr, rest)
	}
	line := first
	if what != "" {
		line = what + ": " + first
	}
	fmt.Fprintf(stderr, "interop: SETUP FAILED: %s\n", line)
	return line
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if err != nil {
		return exitSetup
	}
	servers, err := interop.Select(o.servers)
	if err != nil {
		fmt.Fprintf(stderr, "interop: SETUP FAILED: -servers: %v\n", err)
		return exitSetup
	}
	if err := atRepoRoot(); err != nil {
		fmt.Fprintf(stderr, "interop: SETUP FAILED: finding the repository: %v\n", err)
		return exitSetup
	}
	if o.rewrite {
		return rewriteAll(o, servers, stdout, stderr)
	}
	if err := prepareDirs(&o); err != nil {
		fmt.Fprintf(stderr, "interop: SETUP FAILED: %v\n", err)
		return exitSetup
	}
	suiteBin := filepath.Join(o.outDir, "authconform")
	if err := interop.BuildAuthconform(ctx, o.goCmd, ".", suiteBin); err != nil {
		failure(stderr, "", err)
		return exitSetup
	}
	var results []result
	for _, s := range servers {
		if ctx.Err() != nil {
			break
		}
		results = append(results, runServer(ctx, o, s, suiteBin, stdout, stderr))
	}
	printResults(stdout, results)
	return exitCode(results, o.requireAll)
}

// prepareDirs makes the output directory and settles the cache's.
func prepareDirs(o *options) error {
	if err := os.MkdirAll(o.outDir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %v", o.outDir, err)
	}
	if o.cacheDir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return fmt.Errorf("no cache directory for the servers (%v); give one with -cache", err)
		}
		o.cacheDir = filepath.Join(base, "authconform")
	}
	return nil
}

// writeFile replaces path whole, by an exclusive temporary file beside it
// (never through a link planted at a predictable name).
func writeFile(path string, b []byte) error { return userfile.WriteFile(path, b) }

// atRepoRoot checks the harness runs from authconform's root, where its
// relative paths point.
func atRepoRoot() error {
	b, err := userfile.Read("go.mod", 1<<20)
	if err != nil || !bytes.Contains(b, []byte("module github.com/authconform/authconform\n")) {
		return errors.New("run from the authconform repository's root (make interop does)")
	}
	return nil
}
