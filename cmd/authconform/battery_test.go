package main

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/refserver"
)

// The hostile battery: targets and configurations a hostile reviewer
// tries. Each row is one run of the CLI: the exit code it must give, what
// its error must say, and how many requests the target may see (-1: any).
// Every run must end; the test's own deadline is a hang guard, not a
// speed check.
var battery = []struct {
	name        string
	server      string            // a hostileServer kind
	target      string            // with %s for the server's host:port; "" = the server's URL
	env         map[string]string // laid over the reference server's clients
	args        []string
	wantCode    int
	wantStderr  string // one line, in stderr
	maxRequests int64
}{
	{name: "upper-case HTTP to a remote host", server: "counting", target: "HTTP://%s", wantCode: 2, wantStderr: "plain http", maxRequests: 0},
	{name: "user info in the target", server: "counting", target: "http://admin:hunter2-pass@%s", wantCode: 2, wantStderr: "user info", maxRequests: 0},
	{name: "upper-case LOCALHOST is loopback", server: "reference", target: "HTTP://LOCALHOST:%s", wantCode: 0, maxRequests: -1},
	{name: "token path with a query", server: "counting", args: []string{"-token-path", "/oauth/token?debug=1"}, wantCode: 2, wantStderr: "token path", maxRequests: 0},
	{name: "token path naming another host", server: "counting", args: []string{"-token-path", "//evil.example/oauth/token"}, wantCode: 2, wantStderr: "token path", maxRequests: 0},
	{name: "1 MiB response header", server: "huge-header", wantCode: 0, maxRequests: -1},
	{name: "body stalls after the headers", server: "stall-body", args: []string{"-timeout", "300ms"}, wantCode: 2, wantStderr: "stopped answering", maxRequests: 3},
	{name: "accepts TCP, never speaks HTTP", server: "silent-tcp", args: []string{"-timeout", "300ms"}, wantCode: 2, wantStderr: "never answered", maxRequests: -1},
	{name: "reads the request, never answers", server: "never-answers", args: []string{"-timeout", "300ms"}, wantCode: 2, wantStderr: "never answered", maxRequests: 1},
	{name: "speaks TLS to http://", server: "tls", wantCode: 2, wantStderr: "speaks TLS", maxRequests: 0},
	{name: "429 asking to wait an hour", server: "429-hour", wantCode: 2, wantStderr: "refused to be tested", maxRequests: 1},
	{name: "429 again after the retry", server: "429-always", wantCode: 2, wantStderr: "refused to be tested", maxRequests: 2},
	{name: "429 with a Retry-After that is not a number", server: "429-nan", wantCode: 2, wantStderr: "refused to be tested", maxRequests: 2},
	{name: "-list sends nothing", server: "counting", args: []string{"-list"}, wantCode: 0, maxRequests: 0},
	{name: "absurd rate", server: "counting", args: []string{"-rate", "1000000000/1ns"}, wantCode: 2, wantStderr: "rate", maxRequests: 0},
	{name: "concurrency 0", server: "counting", args: []string{"-concurrency", "0"}, wantCode: 2, wantStderr: "-concurrency", maxRequests: 0},
	{name: "timeout 0", server: "counting", args: []string{"-timeout", "0"}, wantCode: 2, wantStderr: "-timeout", maxRequests: 0},
	{name: "tag expression that is not one", server: "counting", args: []string{"-tags", "(("}, wantCode: 2, wantStderr: "tag expression", maxRequests: 0},
	{name: "two reports to one file", server: "counting", args: []string{"-format", "progress,junit:{dir}/r.xml,cucumber:{dir}/r.xml"}, wantCode: 2, wantStderr: "same file", maxRequests: 0},
	{name: "report under a regular file", server: "counting", args: []string{"-format", "progress,junit:{dir}/file/r.xml"}, wantCode: 2, wantStderr: "-format junit", maxRequests: 0},
	{name: "empty secret file", server: "counting", env: map[string]string{"AUTHCONFORM_INTEGRATION_CLIENT_SECRET": "", "AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE": "{dir}/empty"}, wantCode: 2, wantStderr: "empty", maxRequests: 0},
	{name: "feature directory with a FIFO", server: "counting", args: []string{"-features", "{dir}/fifo"}, wantCode: 2, wantStderr: "named pipe (FIFO)", maxRequests: 0},
	{name: "scenario with no steps", server: "counting", args: []string{"-features", "{dir}/nosteps"}, wantCode: 2, wantStderr: "no steps", maxRequests: 0},
	{name: "undefined step", server: "counting", args: []string{"-features", "{dir}/undefined"}, wantCode: 2, wantStderr: "x.feature:6", maxRequests: 0},
	{name: "integration placeholder without @integration", server: "counting", args: []string{"-features", "{dir}/untagged"}, wantCode: 2, wantStderr: "x.feature:5: scenario \"uses the integration\" uses {{integration.client_id}} but lacks @integration", maxRequests: 0},
	{name: "scenario without a severity", server: "counting", args: []string{"-features", "{dir}/noseverity"}, wantCode: 2, wantStderr: "x.feature:5: scenario \"s\" needs exactly one of @must and @should", maxRequests: 0},
	{name: "scenario without a rule", server: "counting", args: []string{"-features", "{dir}/norule"}, wantCode: 2, wantStderr: "x.feature:5: scenario \"s\" needs a rule tag", maxRequests: 0},
	{name: "line too long for the parser", server: "counting", args: []string{"-features", "{dir}/longline"}, wantCode: 2, wantStderr: "x.feature:6: line is 102406 bytes long", maxRequests: 0},
	{name: "feature file of 10 MiB", server: "counting", args: []string{"-features", "{dir}/bigfile"}, wantCode: 2, wantStderr: "x.feature is larger than 4 MiB", maxRequests: 0},
}

// TestHostileBattery runs every row of the battery.
func TestHostileBattery(t *testing.T) {
	dir := batteryFiles(t)
	for _, tt := range battery {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			// Each row has a server of its own, and most wait out a
			// timeout: they wait at once.
			t.Parallel()
			srv, requests := hostileServer(t, tt.server)
			env := envFor(srv.url)
			if tt.target != "" {
				env["AUTHCONFORM_TARGET"] = fmt.Sprintf(tt.target, targetHost(t, tt.target, srv.hostPort))
			}
			for k, v := range tt.env {
				env[k] = strings.ReplaceAll(v, "{dir}", dir)
			}
			args := []string{"-format", "progress", "-quiet"}
			for _, a := range tt.args {
				args = append(args, strings.ReplaceAll(a, "{dir}", dir))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			r := runCLIContext(ctx, env, args...)
			if ctx.Err() != nil {
				t.Fatalf("the run did not end within 60 s")
			}
			if r.code != tt.wantCode {
				t.Fatalf("exit code = %d; want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			last := lastLine(r.stderr)
			t.Logf("exit %d, %d requests seen: %s", r.code, requests.Load(), last)
			if tt.wantStderr != "" && !strings.Contains(last, tt.wantStderr) {
				t.Errorf("last stderr line = %q; want it to say %q\nstderr:\n%s", last, tt.wantStderr, r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, "hunter2-pass") {
				t.Errorf("the target's password was printed")
			}
			if n := requests.Load(); tt.maxRequests >= 0 && n > tt.maxRequests {
				t.Errorf("the target saw %d requests; want at most %d", n, tt.maxRequests)
			}
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func runCLIContext(ctx context.Context, env map[string]string, args ...string) result {
	var out, errOut strings.Builder
	code := run(ctx, args, &out, &errOut, func(k string) string { return env[k] })
	return result{code, out.String(), errOut.String()}
}

// targetHost gives the host:port a row's target names: for a remote-host
// row, this machine's first address that is not loopback, so that a
// request, if one were sent, would still reach the counting server.
func targetHost(t *testing.T, target, hostPort string) string {
	_, port, _ := net.SplitHostPort(hostPort)
	if strings.Contains(target, "LOCALHOST") {
		return port
	}
	if !strings.HasPrefix(target, "HTTP://") {
		return hostPort
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && ipn.IP.To4() != nil {
			return net.JoinHostPort(ipn.IP.String(), port)
		}
	}
	t.Skip("no address but loopback on this machine")
	return ""
}

type hostile struct{ url, hostPort string }

// hostileServer starts a server of the given kind, counting the requests
// that reach it. It listens on every address, so that a remote-host row
// would be seen too.
func hostileServer(t *testing.T, kind string) (hostile, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	ref, err := refserver.New(refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	h := hostile{url: "http://127.0.0.1:" + port, hostPort: "127.0.0.1:" + port}
	if kind == "silent-tcp" {
		go acceptSilently(t, l, &n)
		return h, &n
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		serveHostile(kind, ref, w, r)
	}))
	srv.Listener.Close()
	srv.Listener = l
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the TLS probe's aborted handshakes
	if kind == "tls" {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return h, &n
}

func acceptSilently(t *testing.T, l net.Listener, n *atomic.Int64) {
	var conns []net.Conn
	t.Cleanup(func() {
		l.Close()
		for _, c := range conns {
			c.Close()
		}
	})
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		n.Add(1)
		conns = append(conns, c)
	}
}

// serveHostile answers as the kind says.
func serveHostile(kind string, ref http.Handler, w http.ResponseWriter, r *http.Request) {
	switch kind {
	case "huge-header":
		w.Header().Set("X-Huge", strings.Repeat("h", 1<<20))
		ref.ServeHTTP(w, r)
	case "stall-body":
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(`{"access_token":`))
		http.NewResponseController(w).Flush()
		waitForClient(r)
	case "never-answers":
		waitForClient(r)
	case "429-hour":
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	case "429-always":
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
	case "429-nan":
		w.Header().Set("Retry-After", "NaN")
		w.WriteHeader(http.StatusTooManyRequests)
	default: // "counting", "reference", "tls"
		ref.ServeHTTP(w, r)
	}
}

// waitForClient holds a handler until the client hangs up, or for a few
// seconds at most (the server can only see the hang-up once the body is
// read, and a test must end anyway).
func waitForClient(r *http.Request) {
	io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

// batteryFiles writes the files the configuration rows point at.
func batteryFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("file", "a regular file")
	write("empty", "")
	write("nosteps/x.feature", "@commercelayer\nFeature: f\n\n  @must @rfc6749-5.2\n  Scenario: nothing\n")
	write("undefined/x.feature", "@commercelayer\nFeature: f\n\n  @must @rfc6749-5.2 @sales_channel\n  Scenario: a step nobody wrote\n    Given the moon is full\n")
	const request = "    Given a token request with the parameters:\n      | client_id | {{%s}} |\n    When the token request is sent\n    Then the response status should be 200\n"
	write("untagged/x.feature", "@commercelayer\nFeature: f\n\n  @must @rfc6749-4.4 @sales_channel\n  Scenario: uses the integration\n"+fmt.Sprintf(request, "integration.client_id"))
	write("noseverity/x.feature", "@commercelayer\nFeature: f\n\n  @rfc6749-4.4 @sales_channel\n  Scenario: s\n"+fmt.Sprintf(request, "sales_channel.client_id"))
	write("norule/x.feature", "@commercelayer\nFeature: f\n\n  @must @sales_channel\n  Scenario: s\n"+fmt.Sprintf(request, "sales_channel.client_id"))
	longLine := func(n int) string {
		return "Feature: f\n\n  Scenario: s\n    Given a token request with the raw body:\n      \"\"\"\n      " + strings.Repeat("z", n) + "\n      \"\"\"\n"
	}
	write("longline/x.feature", longLine(100<<10))
	write("bigfile/x.feature", longLine(10<<20))
	if err := os.MkdirAll(filepath.Join(dir, "fifo"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo", "x.feature"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestSignalsWriteReports sends each stopping signal to a real process in
// the middle of a run against a slow target: the run must exit with the
// shell's code for the signal, and leave a JUnit file holding the
// scenarios that ran, the rest marked not run, and no temporary files.
func TestSignalsWriteReports(t *testing.T) {
	tests := []struct {
		sig      syscall.Signal
		wantCode int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}, {syscall.SIGHUP, 129}}
	for _, tt := range tests {
		t.Run("signal="+tt.sig.String(), func(t *testing.T) {
			t.Parallel() // a process and a slow server of its own
			var n atomic.Int64
			ref, err := refserver.New(refserver.Options{})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				time.Sleep(150 * time.Millisecond)
				ref.ServeHTTP(w, r)
			}))
			defer srv.Close()
			out := t.TempDir()
			junit := filepath.Join(out, "junit.xml")
			cmd := exec.Command(os.Args[0], "-format", "progress,junit:"+junit)
			cmd.Env = []string{"AUTHCONFORM_RUN_MAIN=1"}
			for k, v := range envFor(srv.URL) {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(20 * time.Second); n.Load() < 4 && time.Now().Before(deadline); {
				time.Sleep(20 * time.Millisecond)
			}
			cmd.Process.Signal(tt.sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("the run did not end within 30 s of %v", tt.sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != tt.wantCode {
				t.Fatalf("exit code = %d; want %d\n%s", code, tt.wantCode, stderr.String())
			}
			checkInterruptedJUnit(t, junit)
			entries, _ := os.ReadDir(out)
			if len(entries) != 1 {
				t.Errorf("the report directory holds %d entries; want only junit.xml (no temporary files)", len(entries))
			}
		})
	}
}

func checkInterruptedJUnit(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no JUnit report after the signal: %v", err)
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("JUnit report is not XML: %v", err)
	}
	passed, notRun := 0, 0
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			switch {
			case c.Failure != nil:
				t.Errorf("case %q is a failure; an interrupted run fails nothing", c.Name)
			case c.Skipped == nil:
				passed++
			case strings.HasPrefix(c.Skipped.Message, "not run"):
				notRun++
			}
		}
	}
	if passed == 0 || notRun == 0 {
		t.Errorf("JUnit has %d passed and %d not-run cases; want some of each", passed, notRun)
	}
}
