package localca

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestServerCertificateVerifies verifies the server certificate is trusted
// through the CA for each of its names, and for no other name.
func TestServerCertificateVerifies(t *testing.T) {
	t.Parallel()
	now := time.Now()
	a, err := New([]string{"auth.example.test", "shop.example.test"}, now)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(a.CertPEM) {
		t.Fatalf("CertPEM holds no certificate:\n%s", a.CertPEM)
	}
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"auth.example.test", true},
		{"shop.example.test", true},
		{"example.test", false},
		{"auth.example.com", false},
	} {
		_, err := a.Server.Leaf.Verify(x509.VerifyOptions{DNSName: tc.name, Roots: pool, CurrentTime: now})
		if (err == nil) != tc.ok {
			t.Errorf("verify for %q: err = %v; want ok = %v", tc.name, err, tc.ok)
		}
	}
	if !a.NotAfter.After(now.Add(Validity - time.Minute)) {
		t.Errorf("NotAfter = %v; want %v after %v", a.NotAfter, Validity, now)
	}
}

// TestCAPEMHoldsNoPrivateKey verifies what is meant to be handed to
// clients is one certificate and nothing else.
func TestCAPEMHoldsNoPrivateKey(t *testing.T) {
	t.Parallel()
	a, err := New([]string{"auth.example.test"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	block, rest := pem.Decode(a.CertPEM)
	if block == nil || block.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 {
		t.Fatalf("CertPEM = %q; want exactly one CERTIFICATE block", a.CertPEM)
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !ca.IsCA || ca.MaxPathLen != 0 || !ca.MaxPathLenZero {
		t.Errorf("CA: IsCA = %v, MaxPathLen = %d (zero %v); want a CA that signs no other CA", ca.IsCA, ca.MaxPathLen, ca.MaxPathLenZero)
	}
	if len(ca.PermittedDNSDomains) != 1 || ca.PermittedDNSDomains[0] != "auth.example.test" {
		t.Errorf("CA permitted names = %v; want only the server's", ca.PermittedDNSDomains)
	}
}

// TestNewRefusesNoHost verifies a certificate for no name is an error.
func TestNewRefusesNoHost(t *testing.T) {
	t.Parallel()
	if _, err := New(nil, time.Now()); err == nil || !strings.Contains(err.Error(), "no host name") {
		t.Errorf("New(nil) error = %v; want one saying there is no host name", err)
	}
}

// TestHTTPSRoundTrip verifies a Go client that trusts the CA completes a
// handshake with a server using the certificate, under its name.
func TestHTTPSRoundTrip(t *testing.T) {
	t.Parallel()
	a, err := New([]string{"auth.example.test"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{a.Server}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(a.CertPEM)
	addr := srv.Listener.Addr().String()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}}
	_, port, _ := net.SplitHostPort(addr)
	resp, err := client.Get("https://auth.example.test:" + port + "/")
	if err != nil {
		t.Fatalf("GET over TLS with the CA: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d; want 200", resp.StatusCode)
	}
}
