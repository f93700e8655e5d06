package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// serveEnv is a fixed configuration, unlike the reference server's
// defaults, so that a test sees serve take its clients from it.
func serveEnv() map[string]string {
	return map[string]string{
		"AUTHCONFORM_SALES_CHANNEL_CLIENT_ID":     "sc-serve-test",
		"AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET": "sc-serve-secret-0123456789",
		"AUTHCONFORM_INTEGRATION_CLIENT_ID":       "int-serve-test",
		"AUTHCONFORM_INTEGRATION_CLIENT_SECRET":   "int-serve-secret-0123456789",
		"AUTHCONFORM_MARKET_ID":                   "mkServe001",
		"AUTHCONFORM_OTHER_MARKET_ID":             "mkServe002",
		"AUTHCONFORM_CUSTOMER_EMAIL":              "buyer@serve.test",
		"AUTHCONFORM_CUSTOMER_PASSWORD":           "customer-serve-password-0123",
		"AUTHCONFORM_MARKET_CODE":                 "serve-Europe",
		"AUTHCONFORM_STORE_ID":                    "stServe001",
		"AUTHCONFORM_STORE_CODE":                  "serve_store",
		"AUTHCONFORM_STOCK_LOCATION_ID":           "slServe001",
		"AUTHCONFORM_STOCK_LOCATION_CODE":         "serve_warehouse",
		"AUTHCONFORM_WEBAPP_CLIENT_ID":            "wa-serve-test",
		"AUTHCONFORM_WEBAPP_CLIENT_SECRET":        "wa-serve-secret-0123456789",
	}
}

// served is `authconform serve` running as a child process.
type served struct {
	cmd            *exec.Cmd
	url            string
	stdout, stderr *syncBuffer
	exited         chan struct{} // closed once the process has been waited for
}

// startServe runs `authconform serve args` with exactly env and waits for
// its first line, which must be "listening on URL".
func startServe(t *testing.T, env map[string]string, args ...string) *served {
	t.Helper()
	s := startServeProcess(t, env, args...)
	first := make(chan string, 1)
	go func() {
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if line, _, ok := strings.Cut(s.stdout.String(), "\n"); ok {
				first <- line
				return
			}
		}
		first <- ""
	}()
	line := <-first
	m := regexp.MustCompile(`^listening on (http://127\.0\.0\.1:[1-9][0-9]*)$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line = %q; want \"listening on http://127.0.0.1:PORT\"\nstderr:\n%s", line, s.stderr.String())
	}
	s.url = m[1]
	return s
}

// startServeProcess starts the process, killed at the end of the test if
// it is still running. Its temporary files go to a directory of the test.
func startServeProcess(t *testing.T, env map[string]string, args ...string) *served {
	t.Helper()
	s := &served{stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	s.cmd = exec.Command(os.Args[0], append([]string{"serve"}, args...)...)
	s.cmd.Env = []string{"AUTHCONFORM_RUN_MAIN=1", "TMPDIR=" + t.TempDir()}
	for k, v := range env {
		s.cmd.Env = append(s.cmd.Env, k+"="+v)
	}
	s.cmd.Stdout, s.cmd.Stderr = s.stdout, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			s.cmd.Process.Kill()
			<-s.exited
		}
	})
	return s
}

// wait returns the exit code, failing the test if the process is still
// running after bound.
func (s *served) wait(t *testing.T, bound time.Duration) int {
	t.Helper()
	select {
	case <-s.exited:
		return s.cmd.ProcessState.ExitCode()
	case <-time.After(bound):
		t.Fatalf("serve still running %s later\nstderr:\n%s", bound, s.stderr.String())
		return -1
	}
}

// stop sends sig and returns the exit code.
func (s *served) stop(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	return s.wait(t, 15*time.Second)
}

// suiteEnv is env with the suite pointed at the server.
func (s *served) suiteEnv(env map[string]string) map[string]string {
	e := maps.Clone(env)
	e["AUTHCONFORM_TARGET"] = s.url
	e["AUTHCONFORM_RESOURCE_URL"] = s.url + "/api/ping"
	return e
}

// noSecretShown fails the test if serve printed any of secrets.
func (s *served) noSecretShown(t *testing.T, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		for name, out := range map[string]string{"stdout": s.stdout.String(), "stderr": s.stderr.String()} {
			if secret != "" && strings.Contains(out, secret) {
				t.Errorf("serve's %s shows a client secret:\n%s", name, out)
			}
		}
	}
}

// syncBuffer is a bytes.Buffer the child's output goroutine and the test
// may use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeSuitePasses verifies serve with a configured environment: the
// documented sales channel request gets a token, the suite run with the
// same environment passes, every endpoint is printed, SIGTERM ends it
// with 0, and no secret is printed.
func TestServeSuitePasses(t *testing.T) {
	t.Parallel() // a run with a server of its own
	env := serveEnv()
	s := startServe(t, env)

	body := fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"scope":"market:id:%s"}`, env["AUTHCONFORM_SALES_CHANNEL_CLIENT_ID"], env["AUTHCONFORM_MARKET_ID"])
	req, _ := http.NewRequest(http.MethodPost, s.url+"/oauth/token", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("documented token request: status = %d; want 200 (body: %s)", resp.StatusCode, answer)
	}

	if r := runCLI(t, s.suiteEnv(env), "-format", "progress"); r.code != 0 {
		t.Fatalf("the suite against serve: exit code = %d; want 0\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	for _, path := range []string{"/oauth/token", "/.well-known/jwks.json", "/oauth/revoke", "/api/ping", "/oauth/authorize"} {
		if !strings.Contains(s.stdout.String(), s.url+path) {
			t.Errorf("stdout does not list %s:\n%s", s.url+path, s.stdout.String())
		}
	}
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code after SIGTERM = %d; want 0\nstderr:\n%s", code, s.stderr.String())
	}
	s.noSecretShown(t, env["AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET"], env["AUTHCONFORM_INTEGRATION_CLIENT_SECRET"], env["AUTHCONFORM_WEBAPP_CLIENT_SECRET"], env["AUTHCONFORM_CUSTOMER_PASSWORD"])
}

// TestServeFaultFailsSuite verifies -fault: the suite run against a
// server that breaks a rule fails.
func TestServeFaultFailsSuite(t *testing.T) {
	t.Parallel() // a run with a server of its own
	env := serveEnv()
	s := startServe(t, env, "-fault", "token-type-mac")
	r := runCLI(t, s.suiteEnv(env), "-format", "progress")
	if r.code != 1 {
		t.Fatalf("the suite against serve -fault token-type-mac: exit code = %d; want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(s.stdout.String(), "fault: token-type-mac") {
		t.Errorf("stdout does not name the fault:\n%s", s.stdout.String())
	}
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code after SIGTERM = %d; want 0", code)
	}
}

// TestServeGeneratesValues verifies serve with nothing configured: it
// prints the variables to export, the generated secrets and the customer's
// password only as files of mode 0600, and the suite run with those
// variables passes, the customer's scenarios included. SIGINT ends it with
// 0 and removes the secret files.
func TestServeGeneratesValues(t *testing.T) {
	t.Parallel() // a run with a server of its own
	s := startServe(t, nil)
	var exports map[string]string
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if exports = parseExports(s.stdout.String()); len(exports) >= 17 || time.Now().After(deadline) {
			break
		}
	}
	for _, name := range []string{"AUTHCONFORM_TARGET", "AUTHCONFORM_RESOURCE_URL", "AUTHCONFORM_SALES_CHANNEL_CLIENT_ID", "AUTHCONFORM_INTEGRATION_CLIENT_ID",
		"AUTHCONFORM_MARKET_ID", "AUTHCONFORM_OTHER_MARKET_ID", "AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET_FILE", "AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE",
		"AUTHCONFORM_MARKET_CODE", "AUTHCONFORM_STORE_ID", "AUTHCONFORM_STORE_CODE", "AUTHCONFORM_STOCK_LOCATION_ID", "AUTHCONFORM_STOCK_LOCATION_CODE",
		"AUTHCONFORM_WEBAPP_CLIENT_ID", "AUTHCONFORM_WEBAPP_CLIENT_SECRET_FILE", "AUTHCONFORM_WEBAPP_REDIRECT_URI", "AUTHCONFORM_AUTHORIZE_URL", "AUTHCONFORM_CUSTOMER_ID",
		"AUTHCONFORM_CUSTOMER_EMAIL", "AUTHCONFORM_CUSTOMER_PASSWORD_FILE"} {
		if exports[name] == "" {
			t.Fatalf("no export of %s in stdout:\n%s", name, s.stdout.String())
		}
	}
	var secrets []string
	for _, name := range []string{"AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET_FILE", "AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE", "AUTHCONFORM_WEBAPP_CLIENT_SECRET_FILE", "AUTHCONFORM_CUSTOMER_PASSWORD_FILE"} {
		path := exports[name]
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v; want -rw-------", path, fi.Mode().Perm())
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if secret := strings.TrimSpace(string(b)); len(secret) < 20 {
			t.Errorf("%s holds %d bytes; want a generated secret", path, len(secret))
		} else {
			secrets = append(secrets, secret)
		}
	}
	r := runCLI(t, exports, "-format", "progress")
	if r.code != 0 {
		t.Fatalf("the suite with the exported variables: exit code = %d; want 0\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	// The webapp's and the JWT bearer grant's scenarios ran too: none is
	// left out for want of their configuration.
	for _, gap := range []string{"no webapp", "no authorization code", "no authorize endpoint", "no client to send JWT bearer assertions", "no customer"} {
		if strings.Contains(r.stdout, gap) {
			t.Errorf("the suite with the exported variables left scenarios out (%s); want them run:\n%s", gap, r.stdout)
		}
	}
	if !strings.Contains(s.stdout.String(), "approves at once, for development") {
		t.Errorf("stdout does not say the authorize endpoint approves at once:\n%s", s.stdout.String())
	}
	if code := s.stop(t, syscall.SIGINT); code != 0 {
		t.Errorf("exit code after SIGINT = %d; want 0\nstderr:\n%s", code, s.stderr.String())
	}
	s.noSecretShown(t, secrets...)
	if _, err := os.Stat(filepath.Dir(exports["AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE"])); err == nil {
		t.Errorf("the generated secrets' directory is still there after serve stopped")
	}
}

// parseExports reads the `export NAME=VALUE  # comment` lines of out.
func parseExports(out string) map[string]string {
	exports := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || fields[0] != "export" {
			continue
		}
		if name, value, ok := strings.Cut(fields[1], "="); ok {
			exports[name] = value
		}
	}
	return exports
}

// TestServeStopsWithinBound verifies shutdown is bounded: a client stuck
// halfway through its request does not keep serve from exiting 0.
func TestServeStopsWithinBound(t *testing.T) {
	t.Parallel() // a process of its own, waiting out the shutdown bound
	s := startServe(t, serveEnv())
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "POST /oauth/token HTTP/1.1\r\nHost: x\r\n") // and never the rest
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code after SIGTERM = %d; want 0\nstderr:\n%s", code, s.stderr.String())
	}
	if took := time.Since(start); took > shutdownTimeout+3*time.Second {
		t.Errorf("serve took %s to stop; want at most about %s", took, shutdownTimeout)
	}
}

// TestServeRefusesRemoteAddr verifies an -addr other machines could reach
// is refused without -allow-remote: exit 2, one line, nothing listening.
func TestServeRefusesRemoteAddr(t *testing.T) {
	s := startServeProcess(t, serveEnv(), "-addr", "0.0.0.0:0")
	if code := s.wait(t, 15*time.Second); code != 2 {
		t.Fatalf("exit code = %d; want 2\nstdout:\n%s\nstderr:\n%s", code, s.stdout.String(), s.stderr.String())
	}
	if stderr := s.stderr.String(); strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "-allow-remote") {
		t.Errorf("stderr = %q; want one line naming -allow-remote", stderr)
	}
	if s.stdout.String() != "" {
		t.Errorf("stdout = %q; want nothing", s.stdout.String())
	}
}

// TestServeRefuses verifies bad flags and variables: exit 2, one line on
// stderr, nothing on stdout, no server.
func TestServeRefuses(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"addr=every interface", []string{"-addr", ":0"}, nil, "-allow-remote"},
		{"addr=[::]", []string{"-addr", "[::]:0"}, nil, "-allow-remote"},
		{"addr=no port", []string{"-addr", "127.0.0.1"}, nil, "want host:port"},
		{"fault=unknown", []string{"-fault", "no-such-fault"}, nil, "authconform -list-faults"},
		{"error shape=unknown", []string{"-error-shape", "html"}, nil, "want errors or rfc6749"},
		{"flag=unknown", []string{"-port", "8080"}, nil, "serve -h"},
		{"argument=extra", []string{"now"}, nil, `unexpected argument "now"`},
		{"env=bad lifetime", nil, map[string]string{"AUTHCONFORM_INTEGRATION_EXPIRES_IN": "soon"}, "AUTHCONFORM_INTEGRATION_EXPIRES_IN"},
		{"env=two secrets", nil, map[string]string{"AUTHCONFORM_INTEGRATION_CLIENT_SECRET": "s3cr3t-value", "AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE": "/nonexistent"}, "set one"},
		{"env=one client id", nil, map[string]string{"AUTHCONFORM_SALES_CHANNEL_CLIENT_ID": "same", "AUTHCONFORM_INTEGRATION_CLIENT_ID": "same"}, "two different clients"},
		{"env=one market", nil, map[string]string{"AUTHCONFORM_MARKET_ID": "mk1", "AUTHCONFORM_OTHER_MARKET_ID": "mk1"}, "two different markets"},
		{"env=bad market", nil, map[string]string{"AUTHCONFORM_MARKET_ID": "a market"}, "AUTHCONFORM_MARKET_ID"},
		{"env=bad store code", nil, map[string]string{"AUTHCONFORM_STORE_CODE": "outlet:ny"}, "AUTHCONFORM_STORE_CODE"},
		{"env=market code too long", nil, map[string]string{"AUTHCONFORM_MARKET_CODE": strings.Repeat("x", 26)}, "at most 25 characters"},
		{"env=stock location id with a space", nil, map[string]string{"AUTHCONFORM_STOCK_LOCATION_ID": "a b"}, "AUTHCONFORM_STOCK_LOCATION_ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // were a server started, it would stop at once
			code := serve(ctx, tt.args, &stdout, &stderr, func(k string) string { return tt.env[k] })
			if code != 2 {
				t.Fatalf("exit code = %d; want 2\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
			}
			if strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr = %q; want one line with %q", stderr.String(), tt.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q; want nothing", stdout.String())
			}
			if strings.Contains(stderr.String(), "s3cr3t") {
				t.Errorf("stderr shows a client secret: %s", stderr.String())
			}
		})
	}
}

// TestServeHelp verifies -h prints serve's usage on stdout with exit 0.
func TestServeHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := serve(context.Background(), []string{"-h"}, &stdout, &stderr, func(string) string { return "" }); code != 0 {
		t.Fatalf("exit code = %d; want 0 (stderr: %s)", code, stderr.String())
	}
	for _, want := range []string{"usage: authconform serve", "-allow-remote", "-fault", "-error-shape", "-domain", "-tls-cert", "-tls-key", "-issuer"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("usage does not mention %q:\n%s", want, stdout.String())
		}
	}
}

// TestExportLinesAreTerminalSafe: a value serve prints in an export line
// (a client ID or path from the environment) reaches the terminal with no
// control or bidi character, and bash reads it back as it was.
func TestExportLinesAreTerminalSafe(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	for _, value := range []string{
		"plain-id_1.2",
		"it's",
		"esc\x1b]52;c;cHduZWQ=\x07bel",
		"rtl\u202eevil\u2028line",
		"c1\u0085del\x7f",
		"$(touch pwned) `id` !1",
	} {
		q := shellQuote(value)
		for _, r := range q {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' || r == '\u2028' {
				t.Fatalf("shellQuote(%q) = %q holds %U raw", value, q, r)
			}
		}
		out, err := exec.Command(bash, "-c", "printf %s "+q).Output()
		if err != nil || string(out) != value {
			t.Errorf("bash read shellQuote(%q) = %s as %q (%v); want the value back", value, q, out, err)
		}
	}
}
