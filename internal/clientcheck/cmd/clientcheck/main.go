// Command clientcheck proves `authconform serve` with Commerce Layer's own
// clients: it installs them from npm (once, into a cache outside the
// repository), then runs every client call against serve -domain and
// against serve -issuer behind a TLS proxy of its own, everything on
// loopback, and prints each call with its result. `make
// interop-clients` runs it; it exits 0 when every call passed, 1 when one
// did not, 2 when it could not run.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/authconform/authconform/internal/clientcheck"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("clientcheck", flag.ContinueOnError)
	fl.SetOutput(stderr)
	bin := fl.String("authconform", "", "the authconform binary to run serve with (required)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if *bin == "" || fl.NArg() > 0 {
		fmt.Fprintln(stderr, "clientcheck: usage: clientcheck -authconform PATH")
		return 2
	}
	node, npm, err := clientcheck.Tools()
	if err != nil {
		fmt.Fprintf(stderr, "clientcheck: %v\n", err)
		return 2
	}
	dir, err := clientcheck.CacheDir()
	if err != nil {
		fmt.Fprintf(stderr, "clientcheck: %v\n", err)
		return 2
	}
	if !clientcheck.Installed(dir) {
		fmt.Fprintf(stderr, "clientcheck: installing Commerce Layer's clients from the committed lockfile into %s (once)\n", dir)
	}
	if err := clientcheck.Install(ctx, dir, npm, stderr); err != nil {
		fmt.Fprintf(stderr, "clientcheck: %v\n", err)
		return 2
	}
	start := processStarter(*bin)
	creds := clientcheck.NewCredentials()
	setups := []clientcheck.Setup{
		clientcheck.CheckDomain(ctx, dir, node, creds, start, false),
		clientcheck.CheckProxy(ctx, dir, node, creds, start, false),
	}
	failed := 0
	for _, s := range setups {
		s.Result.Write(stdout, fmt.Sprintf("%s (%s):", s.Name, s.Command))
		for _, p := range s.Problems {
			fmt.Fprintf(stdout, "  FAIL %s\n", clientcheck.Clean(p, creds.Secrets()))
		}
		if !s.Passed() {
			failed++
		}
		fmt.Fprintln(stdout)
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "clientcheck: FAIL: %d of %d setups had a call fail\n", failed, len(setups))
		return 1
	}
	fmt.Fprintf(stdout, "clientcheck: PASS: every call of js-auth 8.0.1, the SDK 7.12.1 and the CLI 6.9.7 (token plugin 8.1.4), in both setups, on loopback only\n")
	return 0
}

// processStarter runs serve as its own process, as a developer would.
func processStarter(bin string) clientcheck.StartServe {
	return func(ctx context.Context, args []string, env map[string]string) (clientcheck.Server, error) {
		p := &process{exited: make(chan struct{})}
		p.cmd = exec.Command(bin, append([]string{"serve"}, args...)...)
		p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "TMPDIR=" + os.TempDir()}
		for k, v := range env {
			p.cmd.Env = append(p.cmd.Env, k+"="+v)
		}
		p.cmd.Stdout, p.cmd.Stderr = &p.stdout, io.Discard
		if err := p.cmd.Start(); err != nil {
			return nil, err
		}
		go func() {
			p.cmd.Wait()
			close(p.exited)
		}()
		return p, nil
	}
}

// process is serve running as a child process.
type process struct {
	cmd    *exec.Cmd
	stdout syncBuffer
	exited chan struct{}
}

func (p *process) Output() string { return p.stdout.String() }

// Stop sends SIGINT, as Ctrl-C does, and waits a bounded time.
func (p *process) Stop() (int, error) {
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		return -1, err
	}
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode(), nil
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
		return -1, errors.New("serve still running 15 s after SIGINT; killed")
	}
}

// syncBuffer is a bytes.Buffer the child's output and the check may use
// at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 {
		return len(p), nil // serve prints a page; more is not read
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
