package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/expect"
	"github.com/authconform/authconform/internal/refserver"
)

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code := run(context.Background(), args, &out, &errOut, getenv)
	return result{code, out.String(), errOut.String()}
}

// envFor configures the reference server's clients against url.
func envFor(url string) map[string]string {
	return map[string]string{
		"AUTHCONFORM_TARGET":                    url,
		"AUTHCONFORM_SALES_CHANNEL_CLIENT_ID":   refserver.SalesChannelClientID,
		"AUTHCONFORM_MARKET_ID":                 refserver.MarketID,
		"AUTHCONFORM_OTHER_MARKET_ID":           refserver.OtherMarketID,
		"AUTHCONFORM_INTEGRATION_CLIENT_ID":     refserver.IntegrationClientID,
		"AUTHCONFORM_INTEGRATION_CLIENT_SECRET": refserver.IntegrationClientSecret,
		// So that the revocation and resource scenarios run too.
		"AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET": refserver.SalesChannelClientSecret,
		"AUTHCONFORM_RESOURCE_URL":                url + refserver.ResourcePath,
	}
}

// TestEmbeddedServerPasses verifies the default run: no target, the
// embedded reference server, every scenario passed, exit 0.
func TestEmbeddedServerPasses(t *testing.T) {
	t.Parallel() // a run with a server of its own
	r := runCLI(t, nil, "-format", "progress")
	if r.code != 0 {
		t.Fatalf("exit code = %d; want 0\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "authconform: PASS:") || !strings.Contains(r.stdout, "0 failed") {
		t.Errorf("summary line missing or not a pass:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "embedded reference server") {
		t.Errorf("stderr does not say the embedded server was used:\n%s", r.stderr)
	}
}

// TestExitCodes verifies the documented exit codes, each cause on one line.
func TestExitCodes(t *testing.T) {
	closed := closedPort(t)
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		wantErr  string // in stderr
	}{
		{"fault caught", nil, []string{"-embedded-fault", "token-type-mac"}, 1, ""},
		{"should fault warns", nil, []string{"-embedded-fault", "pragma-missing"}, 0, ""},
		{"should fault with strict", nil, []string{"-embedded-fault", "pragma-missing", "-strict"}, 1, ""},
		{"unknown fault", nil, []string{"-embedded-fault", "nope"}, 2, "nope"},
		{"unreachable", envFor("http://" + closed), nil, 2, "unreachable"},
		{"malformed url", envFor("http://exa mple.com"), nil, 2, "has a space"},
		{"malformed url replaced by -target", map[string]string{"AUTHCONFORM_TARGET": "http://exa mple.com", "AUTHCONFORM_SALES_CHANNEL_CLIENT_ID": "sc"}, []string{"-target", "http://" + closed}, 2, "unreachable"},
		{"malformed -target", nil, []string{"-target", "http://exa mple.com"}, 2, "has a space"},
		{"not http", envFor("ftp://example.com"), nil, 2, "(http:// or https://)"},
		{"no host", envFor("http://"), nil, 2, "no host"},
		{"plain http remote", envFor("http://auth.example.com"), nil, 2, "is plain http and not on loopback"},
		{"no credentials", map[string]string{"AUTHCONFORM_TARGET": "http://" + closed}, nil, 2, "no client credentials"},
		{"bad tags", nil, []string{"-tags", "@must &&"}, 2, "tag expression"},
		{"bad format", nil, []string{"-format", "fancy"}, 2, "unknown formatter"},
		{"bad rate", nil, []string{"-rate", "lots"}, 2, "rate"},
		{"unknown flag", nil, []string{"-client-secret", "x"}, 2, "flag provided but not defined"},
		{"no flag for the customer's password", nil, []string{"-customer-password", "x"}, 2, "flag provided but not defined"},
		{"customer's password file a device", map[string]string{"AUTHCONFORM_CUSTOMER_PASSWORD_FILE": "/dev/zero"}, nil, 2, "AUTHCONFORM_CUSTOMER_PASSWORD_FILE"},
		{"stray argument", nil, []string{"extra"}, 2, "unexpected argument"},
		{"bad lifetime", map[string]string{"AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN": "4h"}, nil, 2, "AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN"},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			start := time.Now()
			r := runCLI(t, tt.env, append([]string{"-format", "progress", "-quiet", "-timeout", "2s"}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Fatalf("exit code = %d; want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			if tt.wantErr != "" && !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("stderr = %q; want it to mention %q", r.stderr, tt.wantErr)
			}
			if tt.wantCode == 2 && tt.name != "unknown flag" {
				if lines := strings.Count(strings.TrimSpace(r.stderr), "\n") + 1; lines > 2 {
					t.Errorf("a configuration error should be one line; got %d:\n%s", lines, r.stderr)
				}
			}
			// A configuration error is found before any request: a bound
			// against a hang, not a speed measure (a whole run's time depends
			// on the machine and is left to the benchmarks).
			if d := time.Since(start); tt.wantCode == 2 && d > 10*time.Second {
				t.Errorf("took %s; a configuration error must be reported before any request is sent", d)
			}
		})
	}
}

func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestHostileTargets verifies answers that are not what a token endpoint
// sends end as failed scenarios with a clear message: no panic, no hang.
func TestHostileTargets(t *testing.T) {
	huge := bytes.Repeat([]byte("A"), 5<<20)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    []string // in stdout
	}{
		{"html", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body>Welcome to nginx!</body></html>"))
		}, []string{"response body is not JSON", `Content-Type "text/html"`, "Welcome to nginx"}},
		{"garbage", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte{0xff, 0x00, 0x01, 'x'})
		}, []string{"response body is not JSON"}},
		{"huge body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(huge)
		}, []string{"response body is not JSON", "more bytes"}},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			defer srv.CloseClientConnections()
			start := time.Now()
			r := runCLI(t, envFor(srv.URL), "-format", "progress", "-quiet", "-timeout", "500ms",
				"-tags", "@sales_channel && @market && @must")
			if r.code != 1 {
				t.Fatalf("exit code = %d; want 1\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("output does not mention %q:\n%s", w, r.stdout)
				}
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("run took %s; every request must end at its timeout", d)
			}
		})
	}
}

// TestTLS verifies an untrusted certificate is a one-line configuration
// error, and that -ca-file makes the same target pass.
func TestTLS(t *testing.T) {
	ref, err := refserver.New(refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(ref)
	defer srv.Close()

	r := runCLI(t, envFor(srv.URL), "-quiet", "-format", "progress")
	if r.code != 2 || !strings.Contains(r.stderr, "TLS handshake failed") {
		t.Fatalf("untrusted certificate: exit %d, stderr %q; want 2 and a TLS handshake error", r.code, r.stderr)
	}

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, cert, 0o600); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, envFor(srv.URL), "-quiet", "-format", "progress", "-ca-file", caFile)
	if r.code != 0 {
		t.Fatalf("with -ca-file: exit %d; want 0\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestNoSecretInAnyOutput runs the suite with every format on, against a
// server that echoes the secret in its errors, and greps every output for
// the secret and for every token the server issued.
func TestNoSecretInAnyOutput(t *testing.T) {
	t.Parallel() // a run with a server of its own
	ref, err := refserver.New(refserver.Options{Fault: "secret-echoed-in-error"})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var tokens []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		ref.ServeHTTP(rec, r)
		var body struct {
			AccessToken string `json:"access_token"`
		}
		if json.Unmarshal(rec.Body.Bytes(), &body) == nil && body.AccessToken != "" {
			mu.Lock()
			tokens = append(tokens, body.AccessToken)
			mu.Unlock()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	defer srv.Close()

	code, outputs := runAllFormats(t, envFor(srv.URL))
	if code != 1 {
		t.Fatalf("exit code = %d; want 1 (the echoed secret is a failure)\n%s", code, outputs["stdout"])
	}
	for name, out := range outputs {
		if out == "" && name != "stderr" {
			t.Errorf("%s is empty", name)
		}
	}
	if len(tokens) < 5 {
		t.Fatalf("the server issued %d tokens; want the suite's successful requests to have got some", len(tokens))
	}
	if !strings.Contains(outputs["stdout"], "[REDACTED]") {
		t.Errorf("stdout shows no [REDACTED] mask; the test would pass vacuously")
	}
	for name, out := range outputs {
		if strings.Contains(out, refserver.IntegrationClientSecret) {
			t.Errorf("%s holds the client secret", name)
		}
		for _, tok := range tokens {
			if strings.Contains(out, tok) {
				t.Errorf("%s holds an issued access token", name)
				break
			}
			// A JWT's signature alone identifies it.
			if parts := strings.Split(tok, "."); len(parts) == 3 && len(parts[2]) > 16 && strings.Contains(out, parts[2]) {
				t.Errorf("%s holds an issued token's signature", name)
				break
			}
		}
	}
}

// TestExpectFailures verifies a known-deviation file turns a known failure
// into a pass, and that scenario's later pass into a failure of the run.
// The known failures are those the golden file says the fault fails.
func TestExpectFailures(t *testing.T) {
	t.Parallel()
	failed := inRun(loadGolden(t).Faults[failingFault].Fail, runSet(builtInCases(t)))
	if len(failed) == 0 {
		t.Fatalf("the golden file says fault %s fails no scenario of the Commerce Layer profile; want some", failingFault)
	}
	dir := t.TempDir()
	listed := writeKnown(t, failed, "token_type is mac, ticket AUTH-1") // by name, as before ids
	byID := make([]expect.Failure, len(failed))
	for i, c := range failed {
		byID[i] = expect.Failure{ID: c.ID, Reason: "token_type is mac, ticket AUTH-1"}
	}
	listedByID := filepath.Join(dir, "by-id.json")
	if err := expect.Write(listedByID, byID); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "stale.json")
	if err := os.WriteFile(stale, []byte(`{"expected_failures": [{"feature": "`+failed[0].URI+`", "scenario": "No such scenario", "reason": "r"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	knownDeviations := strconv.Itoa(len(failed)) + " known deviations" // always plural

	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string // in stdout, or stderr for exit 2
	}{
		{"known failure passes the run", []string{"-embedded-fault", failingFault, "-expect-failures", listed}, 0, knownDeviations},
		{"known failure listed by id passes the run", []string{"-embedded-fault", failingFault, "-expect-failures", listedByID}, 0, knownDeviations},
		{"fixed failure fails the run", []string{"-expect-failures", listed}, 1, "remove it from the known-deviation file"},
		{"stale entry is a configuration error", []string{"-expect-failures", stale}, 2, "not a scenario of the suite"},
		{"missing file", []string{"-expect-failures", filepath.Join(dir, "nope.json")}, 2, "-expect-failures"},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			r := runCLI(t, nil, append([]string{"-quiet", "-format", "progress"}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Fatalf("exit code = %d; want %d\n%s\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			out := r.stdout
			if tt.wantCode == 2 {
				out = r.stderr
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("output does not mention %q:\n%s", tt.want, out)
			}
		})
	}
}

// TestLeftOutIsNamed verifies scenarios needing unconfigured credentials
// are left out before the run, and the summary names each and why.
func TestLeftOutIsNamed(t *testing.T) {
	srv, err := refserver.Start(refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	env := envFor(srv.URL)
	delete(env, "AUTHCONFORM_INTEGRATION_CLIENT_SECRET")
	r := runCLI(t, env, "-format", "progress")
	if r.code != 0 {
		t.Fatalf("exit code = %d; want 0\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "ok   [MUST rfc6749-4.4") {
		t.Fatalf("progress lines missing from stderr, so the check below would pass vacuously:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, "Left out (") || !strings.Contains(r.stdout, "0 failed") {
		t.Errorf("summary does not say what it left out, and that nothing failed:\n%s", r.stdout)
	}
	// Each scenario that needs only the integration's secret is named,
	// with the reason, and none of them ran.
	named := 0
	for key, c := range runSet(builtInCases(t), slices.DeleteFunc(gapTags(t, env), func(tag string) bool { return tag == "@integration" })...) {
		if !slices.Contains(c.Tags, "@integration") {
			continue
		}
		named++
		if want := c.Scenario + " (no integration: set AUTHCONFORM_INTEGRATION_CLIENT_ID and AUTHCONFORM_INTEGRATION_CLIENT_SECRET"; !strings.Contains(r.stdout, want) {
			t.Errorf("summary does not say %q:\n%s", want, r.stdout)
		}
		if strings.Contains(r.stderr, "] "+key+" (") {
			t.Errorf("%s, an @integration scenario, ran without integration credentials", key)
		}
	}
	if named == 0 {
		t.Error("the catalog holds no @integration scenario of the profile; the check above proves nothing")
	}
}

// TestMachineReadableStdout verifies a JUnit report on stdout stays pure
// XML: the summary goes to stderr then.
func TestMachineReadableStdout(t *testing.T) {
	t.Parallel() // a run with a server of its own
	r := runCLI(t, nil, "-quiet", "-format", "junit")
	if r.code != 0 {
		t.Fatalf("exit code = %d; want 0\n%s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "<?xml") || !strings.HasSuffix(strings.TrimSpace(r.stdout), "</testsuites>") {
		t.Errorf("stdout is not one XML document:\n%.300s ... %s", r.stdout, r.stdout[max(0, len(r.stdout)-200):])
	}
	if !strings.Contains(r.stderr, "authconform: PASS") {
		t.Errorf("summary missing from stderr:\n%s", r.stderr)
	}
}
