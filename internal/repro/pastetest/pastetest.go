// Package pastetest runs reproduce lines as a person pasting them would:
// in an interactive shell, history expansion on, with curl replaced by a
// stub that records its arguments and sends nothing. It is for tests.
package pastetest

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Shells are the interactive shells a line is pasted into, each with the
// arguments that make it read commands from its input as typed lines,
// without any start-up file.
var Shells = map[string][]string{
	"bash": {"--norc", "--noprofile", "-i"},
	"zsh":  {"-f", "-i"},
}

// stub is the curl the lines run: it writes its arguments, each ended by
// a NUL byte, to the file $PASTETEST_ARGV names.
const stub = "#!/bin/sh\nprintf '%s\\0' \"$@\" > \"$PASTETEST_ARGV\"\n"

// Result is what running the lines did.
type Result struct {
	// Argv holds, per line, the arguments curl received, "curl" first;
	// nil when the line never ran curl.
	Argv [][]string
	// SideEffects names every file the lines left in the working
	// directory, which was empty: a line that runs anything but curl
	// leaves one (the hostile values write there).
	SideEffects []string
	// Output is the shell's output, for failure messages.
	Output string
}

// Run pastes lines, in order, into one interactive shell, in an empty
// working directory, with env as its only variables besides PATH and
// HOME. It skips the test when the shell is not installed.
func Run(t testing.TB, shell string, lines []string, env map[string]string) Result {
	t.Helper()
	path, err := exec.LookPath(shell)
	if err != nil {
		t.Skipf("%s is not installed", shell)
	}
	root := t.TempDir()
	bin, home, work, argv := filepath.Join(root, "bin"), filepath.Join(root, "home"), filepath.Join(root, "work"), filepath.Join(root, "argv")
	for _, d := range []string{bin, home, work, argv} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(bin, "curl"), []byte(stub), 0o700); err != nil {
		t.Fatal(err)
	}
	var script strings.Builder
	for i, line := range lines {
		fmt.Fprintf(&script, "export PASTETEST_ARGV=%s\n%s\n", filepath.Join(argv, strconv.Itoa(i)), line)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, Shells[shell]...)
	cmd.Dir = work
	cmd.Stdin = strings.NewReader(script.String() + "exit\n")
	cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "HOME=" + home, "HISTFILE=" + filepath.Join(home, "history")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, _ := cmd.CombinedOutput() // an interactive shell's status says nothing here
	if ctx.Err() != nil {
		t.Fatalf("%s did not finish the lines in 20 s:\n%s", shell, out)
	}
	r := Result{Output: string(out)}
	for i := range lines {
		b, err := os.ReadFile(filepath.Join(argv, strconv.Itoa(i)))
		if err != nil {
			r.Argv = append(r.Argv, nil)
			continue
		}
		args := strings.Split(string(b), "\x00")
		r.Argv = append(r.Argv, append([]string{"curl"}, args[:len(args)-1]...))
	}
	left, err := os.ReadDir(work)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		r.SideEffects = append(r.SideEffects, e.Name())
	}
	return r
}

// Sent is a request as curl sends it.
type Sent struct {
	Method, URL string
	Header      http.Header
	Body        []byte
}

// Request reads argv as curl reads the options reproduce lines use
// (-sS -i -g -X --url -H -u --data-raw), and says what curl sends. Any
// other option is an error: a line must use no option this does not know.
func Request(argv []string) (Sent, error) {
	s := Sent{Header: http.Header{}}
	if len(argv) == 0 || argv[0] != "curl" {
		return s, fmt.Errorf("not a curl command: %q", argv)
	}
	for i := 1; i < len(argv); i++ {
		opt := argv[i]
		switch opt {
		case "-sS", "-i", "-g":
			continue
		case "-X", "--url", "-H", "-u", "--data-raw":
		default:
			return s, fmt.Errorf("option %q: not one a reproduce line uses", opt)
		}
		if i+1 >= len(argv) {
			return s, fmt.Errorf("option %s without its argument", opt)
		}
		i++
		arg := argv[i]
		switch opt {
		case "-X":
			s.Method = arg
		case "--url":
			s.URL = arg
		case "-u":
			s.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(arg)))
		case "--data-raw":
			if s.Body != nil {
				arg = "&" + arg // curl joins data arguments with &
			}
			s.Body = append(s.Body, arg...)
		case "-H":
			if name, ok := bytes.CutSuffix([]byte(arg), []byte(";")); ok && !strings.Contains(arg, ":") {
				s.Header.Add(string(name), "")
				continue
			}
			name, value, ok := strings.Cut(arg, ":")
			if !ok {
				return s, fmt.Errorf("-H %q: no colon", arg)
			}
			s.Header.Add(name, strings.TrimLeft(value, " "))
		}
	}
	return s, nil
}
