package clientcheck

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestParsePrinted verifies serve's output is read as a developer reads
// it: the URL of the first line, the CA line, the exports unquoted.
func TestParsePrinted(t *testing.T) {
	t.Parallel()
	out := "listening on https://auth.example.test:8443\n" +
		"  POST https://auth.example.test:8443/oauth/token  token\n" +
		"export AUTHCONFORM_TARGET=https://auth.example.test:8443\n" +
		"export AUTHCONFORM_MARKET_ID=mk1  # generated\n" +
		"export AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE='/tmp/it'\\''s/secret'  # generated secret\n" +
		"CA certificate (trust it in your client): /tmp/authconform-serve-1/ca.pem\n" +
		"export NODE_EXTRA_CA_CERTS=/tmp/authconform-serve-1/ca.pem\n"
	p, err := ParsePrinted(out)
	if err != nil {
		t.Fatal(err)
	}
	if p.URL != "https://auth.example.test:8443" || p.CAFile != "/tmp/authconform-serve-1/ca.pem" {
		t.Errorf("URL = %q, CAFile = %q", p.URL, p.CAFile)
	}
	for name, want := range map[string]string{
		"AUTHCONFORM_TARGET":                         "https://auth.example.test:8443",
		"AUTHCONFORM_MARKET_ID":                      "mk1",
		"AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE": "/tmp/it's/secret",
		"NODE_EXTRA_CA_CERTS":                        "/tmp/authconform-serve-1/ca.pem",
	} {
		if got := p.Exports[name]; got != want {
			t.Errorf("export %s = %q; want %q", name, got, want)
		}
	}
	if _, err := ParsePrinted("authconform serve: bad flag\n"); err == nil {
		t.Error("ParsePrinted accepted output without a \"listening on\" first line")
	}
}

// TestRead verifies check.mjs's report is read call by call, the guard's
// canaries apart from real refusals, and tokens and secrets cleaned out
// of every text kept.
func TestRead(t *testing.T) {
	t.Parallel()
	const secret = "S3CRET-value-0123456789"
	stdout := `{"call":"js-auth jwtVerify","ok":true,"detail":"verified"}
not json: ignored
{"call":"js-auth revoke","ok":false,"detail":"TypeError: fetch failed (token eyJhbGciOiJSUzUxMiJ9.eyJpc3MiOiJ4In0.c2ln, secret ` + secret + `)"}
{"done":true,"failed":1}
`
	stderr := "authconform-loopback: refused name canary.authconform.invalid\n" +
		"authconform-loopback: refused address 192.0.2.1\n" +
		"authconform-loopback: refused name auth.commercelayer.io\n" +
		"some warning\x1b[31m with an escape\n"
	r := read(stdout, stderr, []string{secret})
	want := []Call{
		{Name: "js-auth jwtVerify", OK: true, Detail: "verified"},
		{Name: "js-auth revoke", OK: false, Detail: "TypeError: fetch failed (token [token], secret [secret])"},
	}
	if !slices.Equal(r.Calls, want) {
		t.Errorf("calls = %+v; want %+v", r.Calls, want)
	}
	if !r.Complete || !r.GuardProven || !slices.Equal(r.Refused, []string{"name auth.commercelayer.io"}) {
		t.Errorf("complete %v, guard proven %v, refused %q; want true, true, only auth.commercelayer.io", r.Complete, r.GuardProven, r.Refused)
	}
	if strings.Contains(r.Stderr, "\x1b") {
		t.Errorf("stderr kept an escape character: %q", r.Stderr)
	}
	if r.Passed() {
		t.Error("Passed() with a failed call and a refusal; want false")
	}
	if (Result{Calls: want[:1], Complete: true}).Passed() {
		t.Error("Passed() without the guard's canaries; want false: nothing proves the calls stayed on loopback")
	}
	if !(Result{Calls: want[:1], Complete: true, GuardProven: true}).Passed() {
		t.Error("Passed() = false for a complete run of passed calls")
	}
}

// TestHostnames verifies the names a client of an issuer connects to, and
// that an issuer clients would not follow is refused.
func TestHostnames(t *testing.T) {
	t.Parallel()
	got, err := Hostnames("https://auth.example.test:8443")
	if err != nil || !slices.Equal(got, []string{"auth.example.test", "authconform.example.test"}) {
		t.Errorf("Hostnames = %q, %v; want auth. and authconform. names", got, err)
	}
	for _, bad := range []string{"http://auth.example.test", "https://example.test", "https://auth.example.test/path"} {
		if _, err := Hostnames(bad); err == nil {
			t.Errorf("Hostnames(%q) succeeded; want an error", bad)
		}
	}
}

// TestLimitWriter verifies a child's output is kept up to the bound and
// the rest dropped without an error that would stop the child.
func TestLimitWriter(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := &limitWriter{w: &buf, n: 5}
	for _, s := range []string{"abc", "defg", "hij"} {
		if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if buf.String() != "abcde" {
		t.Errorf("kept %q; want %q", buf.String(), "abcde")
	}
}

// TestProxyForwards verifies the proxy answers as its issuer over TLS
// with its own CA, forwards to the upstream, and removes its CA file.
func TestProxyForwards(t *testing.T) {
	t.Parallel()
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "upstream "+r.URL.Path) }))
	defer upstream.Close()
	p, err := ListenProxy("example.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Serve(upstream.URL); err != nil {
		t.Fatal(err)
	}
	pem, err := os.ReadFile(p.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	addr := p.ln.Addr().String()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
	resp, err := client.Get(p.Issuer + "/oauth/token")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "upstream /oauth/token" {
		t.Errorf("body = %q; want the upstream's answer", body)
	}
	p.Close()
	if _, err := os.Stat(p.CAFile); err == nil {
		t.Error("the proxy's CA file is still there after Close")
	}
}

// TestWriteNodeFiles verifies the scripts are written as embedded, and a
// stale one replaced.
func TestWriteNodeFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stale := filepath.Join(dir, "check.mjs")
	if err := os.WriteFile(stale, []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second time, nothing changes
		if err := writeNodeFiles(dir); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"package.json", "package-lock.json", "check.mjs", "loopback.cjs"} {
		want, _ := nodeFiles.ReadFile("node/" + name)
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes, %v; want the embedded %d bytes", name, len(got), err, len(want))
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("%d files in the directory; want the 4 written, no temporary file left", len(entries))
	}
}
