//go:build unix

package interop

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeBin writes an executable shell script standing in for a server or
// authconform.
func fakeBin(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// gone reports whether process pid has ended (a zombie has ended).
func gone(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
	}
	_, after, _ := strings.Cut(string(b), ") ")
	return strings.HasPrefix(after, "Z")
}

// TestStartNeverReady verifies a server that never gets ready is given up
// in bounded time and leaves nothing running: not itself, not a child it
// started.
func TestStartNeverReady(t *testing.T) {
	t.Parallel()
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	bin := fakeBin(t, "sleep 60 & echo $! > "+pidFile+"\nexec sleep 60\n")
	post, basic := NewClients(true)
	start := time.Now()
	_, err := Start(context.Background(), Hydra{}, bin, t.TempDir(), post, basic, StartOptions{LogPath: filepath.Join(t.TempDir(), "hydra.log"), ReadyTimeout: 300 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "not ready after 300ms") {
		t.Fatalf("Start error = %v; want not ready after 300ms", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("Start took %s to give up", took)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	child, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	for deadline := time.Now().Add(5 * time.Second); !gone(child); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the server's child %d still runs after Start gave up", child)
		}
	}
}

// TestStartExits verifies a server that exits at once is reported at once,
// with its log, and that it was given the run's configuration, and none of
// the harness's own AUTHCONFORM_*.
func TestStartExits(t *testing.T) {
	t.Setenv("AUTHCONFORM_CLIENT_SECRET", "from-the-user")
	bin := fakeBin(t, "env | grep -E '^(DSN|SECRETS_SYSTEM|SERVE_|URLS_|TTL_|AUTHCONFORM_)' | sort; echo \"args: $*\"; exit 3\n")
	logPath := filepath.Join(t.TempDir(), "hydra.log")
	post, basic := NewClients(true)
	_, err := Start(context.Background(), Hydra{}, bin, t.TempDir(), post, basic, StartOptions{LogPath: logPath, ReadyTimeout: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "Hydra exited before it was ready (exit status 3)") {
		t.Fatalf("Start error = %v; want Hydra exited before it was ready (exit status 3)", err)
	}
	log, _ := os.ReadFile(logPath)
	for _, want := range []string{"DSN=memory", "SERVE_PUBLIC_HOST=127.0.0.1", "SERVE_ADMIN_HOST=127.0.0.1", "args: serve all --dev --sqa-opt-out"} {
		if !bytes.Contains(log, []byte(want)) {
			t.Errorf("Hydra was started without %s; its log:\n%s", want, log)
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not show the log's %q: %v", want, err)
		}
	}
	if !regexpMatch(`SECRETS_SYSTEM=[0-9a-f]{64}\n`, log) {
		t.Errorf("SECRETS_SYSTEM is not 64 random hex digits:\n%s", log)
	}
	if bytes.Contains(log, []byte("AUTHCONFORM_")) {
		t.Errorf("the harness's AUTHCONFORM_* reached the server:\n%s", log)
	}
}

// TestSuiteRun verifies the suite gets its configuration only through the
// environment (the harness's own AUTHCONFORM_* dropped), its exit code is
// passed on, and an authconform without the profile is named as such.
func TestSuiteRun(t *testing.T) {
	post := Client{ID: "p", Secret: "post-secret+/:%", AuthMethod: "client_secret_post"}
	basic := Client{ID: "b:1", Secret: "basic-secret+/:%", AuthMethod: "client_secret_basic"}
	env := SuiteEnv(Hydra{}.About(), "http://127.0.0.1:1", post, basic)
	t.Setenv("AUTHCONFORM_TARGET", "https://elsewhere.example")
	t.Setenv("AUTHCONFORM_TAGS_FROM_THE_USER", "x")

	var out, errOut bytes.Buffer // two: exec writes them from two goroutines
	s := Suite{Bin: fakeBin(t, "echo \"args: $*\"; env | grep ^AUTHCONFORM_ | sort; exit 1\n"), Dir: t.TempDir(), Grace: time.Second,
		SummaryPath: "s.json", JUnitPath: "j.xml", Deviations: "d.json"}
	code, err := s.Run(context.Background(), env, &out, &errOut)
	if err != nil || code != 1 {
		t.Fatalf("Run = %d, %v; want 1, nil", code, err)
	}
	got := out.String()
	for _, want := range []string{"args: -profile rfc6749 -format console,json:s.json,junit:j.xml -expect-failures d.json",
		"AUTHCONFORM_TARGET=http://127.0.0.1:1\n", "AUTHCONFORM_BASIC_CLIENT_SECRET=basic-secret+/:%\n", "AUTHCONFORM_EXPIRES_IN=3600\n",
		"AUTHCONFORM_SCOPE=read\n", "AUTHCONFORM_FORBIDDEN_SCOPE=admin\n", "AUTHCONFORM_TOKEN_PATH=/oauth2/token\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("suite saw:\n%s\nwant %q in it", got, want)
		}
	}
	if strings.Contains(got, "elsewhere") || strings.Contains(got, "FROM_THE_USER") {
		t.Errorf("the harness's own AUTHCONFORM_* reached the suite:\n%s", got)
	}
	if args, _, _ := strings.Cut(got, "\n"); strings.Contains(args, "secret") {
		t.Errorf("a secret is on the command line: %s", args)
	}

	s.Bin = fakeBin(t, "echo 'authconform: flag provided but not defined: -profile (authconform -h lists the flags)' >&2; exit 2\n")
	code, err = s.Run(context.Background(), env, &out, &errOut)
	var np *NoProfileError
	if !errors.As(err, &np) || code != 2 {
		t.Fatalf("Run = %d, %v; want 2 and a NoProfileError", code, err)
	}
}

// TestSuiteRunStopped verifies a stopped run sends the suite SIGINT (so it
// writes its reports) and does not wait for it longer than its grace.
func TestSuiteRunStopped(t *testing.T) {
	t.Parallel()
	s := Suite{Bin: fakeBin(t, "trap 'echo interrupted; exit 130' INT\nwhile :; do sleep 0.05; done\n"), Dir: t.TempDir(), Grace: 2 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	var out, errOut bytes.Buffer
	start := time.Now()
	code, _ := s.Run(ctx, nil, &out, &errOut)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Run took %s after its context ended", took)
	}
	if code != 130 || !strings.Contains(out.String(), "interrupted") {
		t.Errorf("Run = %d, output %q; want 130 after SIGINT", code, out.String())
	}
}

// TestPythonModuleVersion verifies django-oauth-toolkit's version is read
// from the interpreter, and a module it cannot import is named with the
// interpreter's own last line.
func TestPythonModuleVersion(t *testing.T) {
	ok := fakeBin(t, "echo 1.7.0\n")
	if v, err := pythonModuleVersion(context.Background(), ok, "oauth2_provider"); err != nil || v != "1.7.0" {
		t.Errorf("pythonModuleVersion = %q, %v; want 1.7.0", v, err)
	}
	missing := fakeBin(t, "echo 'Traceback (most recent call last):' >&2; echo \"ModuleNotFoundError: No module named 'oauth2_provider'\" >&2; exit 1\n")
	if _, err := pythonModuleVersion(context.Background(), missing, "oauth2_provider"); err == nil || !strings.Contains(err.Error(), "No module named 'oauth2_provider'") {
		t.Errorf("pythonModuleVersion error = %v; want the interpreter's ModuleNotFoundError", err)
	}
}
