package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/clientcheck"
	"github.com/authconform/authconform/internal/localca"
)

// startInProcess runs serve in the test with args and env, and returns
// what it printed once its output is complete.
func startInProcess(t *testing.T, env map[string]string, args ...string) (clientcheck.Server, clientcheck.Printed) {
	t.Helper()
	srv, err := inProcess(t)(context.Background(), args, env)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(srv.Output(), "Ctrl-C stops the server"); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("serve %v printed no complete output within 10 s:\n%s", args, srv.Output())
		}
	}
	p, err := clientcheck.ParsePrinted(srv.Output())
	if err != nil {
		t.Fatal(err)
	}
	return srv, p
}

// loopbackClient is an HTTPS client that trusts caFile's CA and connects
// every name to addr, as a hosts entry would make it.
func loopbackClient(t *testing.T, caFile, addr string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", caFile)
	}
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
}

// tokenIss asks for the sales channel's token at baseURL and returns the
// token and its iss.
func tokenIss(t *testing.T, client *http.Client, baseURL string, env map[string]string) (token, iss string) {
	t.Helper()
	body := fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q}`, env["AUTHCONFORM_SALES_CHANNEL_CLIENT_ID"])
	resp, err := client.Post(baseURL+"/oauth/token", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&answer); err != nil || resp.StatusCode != 200 {
		t.Fatalf("token request: status %d, %v", resp.StatusCode, err)
	}
	parts := strings.Split(answer.AccessToken, ".")
	if len(parts) != 3 {
		t.Fatalf("the access token is not a JWT")
	}
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct{ Iss string }
	json.Unmarshal(payload, &claims)
	return answer.AccessToken, claims.Iss
}

// TestServeDomain verifies serve -domain: HTTPS as https://auth.DOMAIN:PORT
// with a certificate from the CA it names (a file of mode 0600, exported
// as NODE_EXTRA_CA_CERTS), tokens naming that URL, the keys there, the
// resource on the Core API's host too, and the CA file gone once it stops.
func TestServeDomain(t *testing.T) {
	t.Parallel()
	env := serveEnv()
	srv, p := startInProcess(t, env, "-domain", "Example.TEST")
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(p.URL, "https://"))
	if want := "https://auth.example.test:" + port; p.URL != want {
		t.Fatalf("listening on %q; want %q", p.URL, want)
	}
	if p.CAFile == "" || p.Exports["NODE_EXTRA_CA_CERTS"] != p.CAFile {
		t.Fatalf("CA line %q, NODE_EXTRA_CA_CERTS=%q; want both naming the CA file:\n%s", p.CAFile, p.Exports["NODE_EXTRA_CA_CERTS"], srv.Output())
	}
	if fi, err := os.Stat(p.CAFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("CA file: %v %v; want mode 0600", fi, err)
	}
	// The directory holds the CA's certificate and nothing else (the
	// secrets came from the environment): no key is ever written.
	entries, err := os.ReadDir(filepath.Dir(p.CAFile))
	if err != nil || len(entries) != 1 || entries[0].Name() != "ca.pem" {
		t.Errorf("serve's directory holds %v (%v); want ca.pem alone", entries, err)
	}
	if b, _ := os.ReadFile(p.CAFile); bytes.Contains(b, []byte("PRIVATE")) || bytes.Count(b, []byte("BEGIN CERTIFICATE")) != 1 {
		t.Errorf("ca.pem holds more than the CA's certificate:\n%s", b)
	}
	client := loopbackClient(t, p.CAFile, "127.0.0.1:"+port)
	token, iss := tokenIss(t, client, p.URL, env)
	if iss != p.URL {
		t.Errorf("iss = %q; want %q", iss, p.URL)
	}
	for _, u := range []string{p.URL + "/.well-known/jwks.json", "https://authconform.example.test:" + port + "/api/ping"} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d; want 200", u, resp.StatusCode)
		}
	}
	if got := p.Exports["AUTHCONFORM_TARGET"]; got != p.URL {
		t.Errorf("AUTHCONFORM_TARGET=%q; want %q", got, p.URL)
	}
	for _, want := range []string{"domain: 'example.test:" + port + "'", "127.0.0.1 auth.example.test authconform.example.test", "-ca-file"} {
		if !strings.Contains(srv.Output(), want) {
			t.Errorf("the output does not say %q:\n%s", want, srv.Output())
		}
	}
	if code, err := srv.Stop(); code != 0 || err != nil {
		t.Errorf("stop: exit %d, %v; want 0", code, err)
	}
	if _, err := os.Stat(p.CAFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the CA file is still there after serve stopped: %v", err)
	}
	noLeak(t, "serve -domain", srv.Output(), []string{env["AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET"], env["AUTHCONFORM_INTEGRATION_CLIENT_SECRET"]})
}

// TestServeDomainSignalRemovesCA verifies the CA file goes on SIGTERM, the
// way a developer's serve ends.
func TestServeDomainSignalRemovesCA(t *testing.T) {
	t.Parallel()
	s := startServeProcess(t, serveEnv(), "-domain", "example.test")
	var p clientcheck.Printed
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if out := s.stdout.String(); strings.Contains(out, "Ctrl-C stops the server") {
			var err error
			if p, err = clientcheck.ParsePrinted(out); err != nil {
				t.Fatal(err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no complete output within 20 s:\n%s\nstderr:\n%s", s.stdout.String(), s.stderr.String())
		}
	}
	if _, err := os.Stat(p.CAFile); err != nil {
		t.Fatalf("CA file %q: %v", p.CAFile, err)
	}
	if code := s.stop(t, syscall.SIGTERM); code != 0 {
		t.Errorf("exit code after SIGTERM = %d; want 0", code)
	}
	if _, err := os.Stat(filepath.Dir(p.CAFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("serve's directory is still there after SIGTERM: %v", err)
	}
}

// TestServeIssuer verifies -issuer and AUTHCONFORM_ISSUER: plain HTTP on
// loopback, tokens naming the issuer, the variables the suite needs, and
// the flag over the variable.
func TestServeIssuer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		env  string
		want string
	}{
		{"flag", []string{"-issuer", "https://auth.proxy.test"}, "", "https://auth.proxy.test"},
		{"variable", nil, "https://auth.env.test:8443/", "https://auth.env.test:8443"},
		{"flag over variable", []string{"-issuer", "https://auth.flag.test"}, "https://auth.env.test", "https://auth.flag.test"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := serveEnv()
			if tc.env != "" {
				env["AUTHCONFORM_ISSUER"] = tc.env
			}
			srv, p := startInProcess(t, env, tc.args...)
			if !strings.HasPrefix(p.URL, "http://127.0.0.1:") {
				t.Fatalf("listening on %q; want plain loopback HTTP", p.URL)
			}
			if _, iss := tokenIss(t, http.DefaultClient, p.URL, env); iss != tc.want {
				t.Errorf("iss = %q; want %q", iss, tc.want)
			}
			if p.Exports["AUTHCONFORM_ISSUER"] != tc.want || p.Exports["AUTHCONFORM_JWKS_URL"] != p.URL+"/.well-known/jwks.json" {
				t.Errorf("exports AUTHCONFORM_ISSUER=%q AUTHCONFORM_JWKS_URL=%q; want %q and serve's own key set", p.Exports["AUTHCONFORM_ISSUER"], p.Exports["AUTHCONFORM_JWKS_URL"], tc.want)
			}
			if !strings.Contains(srv.Output(), "issuer: "+tc.want+": Commerce Layer's clients read its keys") {
				t.Errorf("the output does not say the clients follow the issuer:\n%s", srv.Output())
			}
		})
	}
}

// TestServeIssuerPassesTheSuite verifies the suite, run with the variables
// serve -issuer prints, passes with no warning: its tokens name an issuer
// Commerce Layer's clients follow, and the keys are read from serve.
func TestServeIssuerPassesTheSuite(t *testing.T) {
	t.Parallel()
	env := serveEnv()
	_, p := startInProcess(t, env, "-issuer", "https://auth.proxy.test")
	suite := maps.Clone(env)
	maps.Copy(suite, p.Exports)
	r := runCLI(t, suite, "-format", "progress", "-quiet")
	if r.code != 0 || !strings.Contains(r.stdout, " 0 failed, 0 warnings") {
		t.Fatalf("the suite with serve's exports: exit %d; want 0, no failure, no warning\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestServePlainSaysWhereClientsGo verifies plain serve says Commerce
// Layer's clients would not follow its tokens' iss, and what to do.
func TestServePlainSaysWhereClientsGo(t *testing.T) {
	t.Parallel()
	srv, _ := startInProcess(t, serveEnv())
	for _, want := range []string{"follow iss only when it starts with https://auth.", "https://auth.commercelayer.io instead", "serve -domain"} {
		if !strings.Contains(srv.Output(), want) {
			t.Errorf("the output does not say %q:\n%s", want, srv.Output())
		}
	}
}

// TestServeTLSCert verifies -tls-cert and -tls-key: serve uses the given
// certificate, prints no CA of its own, and refuses one that is not for
// auth.DOMAIN.
func TestServeTLSCert(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile := writeKeyPair(t, dir, "auth.example.test")
	env := serveEnv()
	srv, p := startInProcess(t, env, "-domain", "example.test", "-tls-cert", certFile, "-tls-key", keyFile)
	if p.CAFile != "" || strings.Contains(srv.Output(), "NODE_EXTRA_CA_CERTS") {
		t.Errorf("serve with -tls-cert printed a CA of its own:\n%s", srv.Output())
	}
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(p.URL, "https://"))
	if _, iss := tokenIss(t, loopbackClient(t, filepath.Join(dir, "ca.pem"), "127.0.0.1:"+port), p.URL, env); iss != p.URL {
		t.Errorf("iss = %q; want %q", iss, p.URL)
	}

	var stdout, stderr bytes.Buffer
	code := serve(context.Background(), []string{"-domain", "other.test", "-tls-cert", certFile, "-tls-key", keyFile}, &stdout, &stderr, func(string) string { return "" })
	if code != 2 || !strings.Contains(stderr.String(), "not for auth.other.test") {
		t.Errorf("a certificate for another name: exit %d, stderr %q; want 2 and a line saying so", code, stderr.String())
	}
	noLeak(t, "serve -tls-cert", srv.Output()+stderr.String(), nil)
}

// writeKeyPair writes a certificate for host, its key and its CA's
// certificate (ca.pem) into dir.
func writeKeyPair(t *testing.T, dir, host string) (certFile, keyFile string) {
	t.Helper()
	ca, err := localca.New([]string{host}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(ca.Server.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	for name, b := range map[string][]byte{
		certFile:                     pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Server.Certificate[0]}),
		keyFile:                      pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
		filepath.Join(dir, "ca.pem"): ca.CertPEM,
	} {
		if err := os.WriteFile(name, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return certFile, keyFile
}

// TestServeRefusesName verifies bad -domain, -tls-cert, -tls-key and
// -issuer values and combinations: exit 2, one line, no secret shown.
func TestServeRefusesName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"domain=with port", []string{"-domain", "example.test:8443"}, nil, "the port goes in -addr"},
		{"domain=url", []string{"-domain", "https://example.test"}, nil, "want a DNS name"},
		{"domain=address", []string{"-domain", "127.0.0.1"}, nil, "want a DNS name"},
		{"domain and issuer", []string{"-domain", "example.test", "-issuer", "https://auth.example.test"}, nil, "both name the issuer"},
		{"tls-cert without domain", []string{"-tls-cert", "c.pem", "-tls-key", "k.pem"}, nil, "-tls-cert needs -domain"},
		{"tls-cert without key", []string{"-domain", "example.test", "-tls-cert", "c.pem"}, nil, "go together"},
		{"tls-cert missing", []string{"-domain", "example.test", "-tls-cert", "/nonexistent/c.pem", "-tls-key", "/nonexistent/k.pem"}, nil, "-tls-cert"},
		{"issuer=with path", []string{"-issuer", "https://auth.example.test/tenant"}, nil, "with no path"},
		{"issuer=not a url", []string{"-issuer", "auth.example.test"}, nil, "want an origin"},
		{"issuer=user info", []string{"-issuer", "https://user:s3cr3t@auth.example.test"}, nil, `has an "@"`},
		{"env issuer=with query", nil, map[string]string{"AUTHCONFORM_ISSUER": "https://auth.example.test?x=1"}, "AUTHCONFORM_ISSUER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			code := serve(ctx, tt.args, &stdout, &stderr, func(k string) string { return tt.env[k] })
			if code != 2 {
				t.Fatalf("exit code = %d; want 2\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
			}
			if strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr = %q; want one line with %q", stderr.String(), tt.want)
			}
			if stdout.Len() != 0 || strings.Contains(stderr.String(), "s3cr3t") {
				t.Errorf("stdout = %q, stderr = %q; want nothing on stdout and no secret", stdout.String(), stderr.String())
			}
		})
	}
}
