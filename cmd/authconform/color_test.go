package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/creack/pty"
)

// drained is a file the command writes to (a pty or a pipe) and what a
// reader has read from its other end.
type drained struct {
	file  *os.File // given to the command as stdout or stderr
	close func() string
}

// ptyOutput is a terminal: the command writes to its tty, the test reads
// the master side to the end.
func ptyOutput(t *testing.T) drained {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty on this system: %v", err)
	}
	return drainedFrom(ptmx, tty)
}

// pipeOutput is a pipe, as in `authconform | less` or a CI runner.
func pipeOutput(t *testing.T) drained {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	return drainedFrom(r, w)
}

// drainedFrom reads r in the background, so the writer never blocks on a
// full buffer; close closes w and returns all that was read.
func drainedFrom(r, w *os.File) drained {
	var buf bytes.Buffer
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		io.Copy(&buf, r) // a pty's master ends in EIO once the tty closes
	}()
	return drained{file: w, close: func() string {
		w.Close()
		wg.Wait()
		r.Close()
		return buf.String()
	}}
}

// TestColorOnATerminalOnly runs the command with its stdout and stderr a
// terminal (a pty) or a pipe, under each colour setting, in the console
// format and with progress lines: colour on a terminal or with -color
// always; not one escape byte in any output with NO_COLOR, TERM=dumb,
// -color never, or into a pipe.
func TestColorOnATerminalOnly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		output func(*testing.T) drained
		env    map[string]string
		args   []string
		colour bool
	}{
		{"terminal", ptyOutput, nil, nil, true},
		{"terminal NO_COLOR=1", ptyOutput, map[string]string{"NO_COLOR": "1"}, nil, false},
		{"terminal TERM=dumb", ptyOutput, map[string]string{"TERM": "dumb"}, nil, false},
		{"terminal -color never", ptyOutput, nil, []string{"-color", "never"}, false},
		{"pipe", pipeOutput, nil, nil, false},
		{"pipe -color always", pipeOutput, nil, []string{"-color", "always"}, true},
	} {
		for _, format := range []string{"console", "progress"} {
			t.Run(strings.ReplaceAll(tc.name, " ", "_")+"/"+format, func(t *testing.T) {
				t.Parallel()
				stdout, stderr := tc.output(t), tc.output(t)
				args := append([]string{"-format", format, "-embedded-fault", failingFault, "-tags", "@must && @sales_channel"}, tc.args...)
				code := run(context.Background(), args, stdout.file, stderr.file, func(k string) string { return tc.env[k] })
				out, errOut := stdout.close(), stderr.close()
				if code != 1 {
					t.Fatalf("exit %d; want 1 (the fault fails a scenario)\n%s\n%s", code, out, errOut)
				}
				red, green := "\x1b[31m", "\x1b[32m"
				cases := out // the console lists the cases on stdout, progress lines on stderr
				if format == "progress" {
					cases = errOut
				}
				switch {
				case tc.colour && (!strings.Contains(cases, red) || !strings.Contains(cases, green)):
					t.Errorf("no red failure and green pass in the case lines:\n%q", cases)
				case tc.colour && !strings.Contains(out, red+"FAIL"):
					t.Errorf("the summary's verdict is not red:\n%q", out)
				case !tc.colour && strings.ContainsRune(out+errOut, 0x1b):
					t.Errorf("an escape byte in the output; want none:\nstdout %q\nstderr %q", out, errOut)
				}
			})
		}
	}
}

// TestColorNeverLetsATargetsSequencesThrough runs the command with colour
// forced on against a target whose answers hold escape sequences, ours
// among them: every escape byte in the output starts one of the palette's
// sequences, and the target's are shown escaped, never acted on.
func TestColorNeverLetsATargetsSequencesThrough(t *testing.T) {
	t.Parallel()
	hostile := "\x1b[31mred\x1b[0m \x1b]0;owned\x07 \x1b[2J \x1b[8mhidden \u009b31m"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"errors":[{"title":"`+hostile+`","code":"`+hostile+`"}]}`)
	}))
	defer srv.Close()
	palette := regexp.MustCompile(`\x1b\[(31|32|33|2|0)m`)
	for _, format := range []string{"console", "progress"} {
		t.Run(format, func(t *testing.T) {
			r := runCLI(t, envFor(srv.URL), "-color", "always", "-format", format, "-timeout", "2s", "-tags", "@sales_channel && @market && @must")
			if r.code != 1 {
				t.Fatalf("exit %d; want 1\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
				if rest := palette.ReplaceAllString(out, ""); strings.ContainsRune(rest, 0x1b) || strings.ContainsRune(rest, 0x9b) || strings.ContainsRune(rest, 0x07) {
					t.Errorf("%s holds a control character that is not the palette's:\n%q", name, out)
				}
			}
			if !strings.Contains(r.stdout+r.stderr, `\x1b[31mred`) {
				t.Errorf("the target's sequence is not shown escaped; the check above may pass vacuously:\n%s", r.stdout)
			}
		})
	}
}
