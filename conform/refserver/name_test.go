package refserver_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authconform/authconform/conform/refserver"
	"github.com/authconform/authconform/internal/localca"
)

// issuedIss asks srv for a sales channel token through client and returns
// the token's iss.
func issuedIss(t *testing.T, client *http.Client, baseURL string) string {
	t.Helper()
	body := fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q}`, refserver.SalesChannelClientID)
	resp, err := client.Post(baseURL+refserver.TokenPath, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&answer); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(answer.AccessToken, ".")
	if len(parts) != 3 {
		t.Fatalf("access token of %d parts; want a JWT", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Iss string `json:"iss"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims.Iss
}

// TestHostnameOverTLS verifies a server with a Hostname and a TLSConfig
// names itself https://HOSTNAME:PORT, its tokens carry that as iss, and a
// client that trusts the certificate's CA and resolves the name to
// loopback gets a token and the keys there.
func TestHostnameOverTLS(t *testing.T) {
	ca, err := localca.New([]string{"auth.example.test"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv := start(t, refserver.Options{Hostname: "auth.example.test", TLSConfig: &tls.Config{Certificates: []tls.Certificate{ca.Server}}})
	_, port, _ := net.SplitHostPort(srv.Addr)
	if want := "https://auth.example.test:" + port; srv.URL != want || srv.Issuer != want {
		t.Fatalf("URL = %q, Issuer = %q; want both %q", srv.URL, srv.Issuer, want)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.CertPEM)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		// auth.example.test resolves to the server, as a hosts entry would
		// make it; nothing else is dialled.
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, srv.Addr)
		},
	}}
	if iss := issuedIss(t, client, srv.URL); iss != srv.URL {
		t.Errorf("iss = %q; want the server's URL %q", iss, srv.URL)
	}
	resp, err := client.Get(srv.URL + refserver.JWKSPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: status = %d; want 200", refserver.JWKSPath, resp.StatusCode)
	}
	if got := srv.Target(); got.Issuer != "" || got.JWKSURL != "" {
		t.Errorf("Target() Issuer = %q, JWKSURL = %q; want both empty: the URL is the issuer", got.Issuer, got.JWKSURL)
	}
}

// TestIssuerBehindProxy verifies Options.Issuer: tokens name it, and
// Target names it with the keys read from the server itself.
func TestIssuerBehindProxy(t *testing.T) {
	const issuer = "https://auth.proxy.example.test"
	srv := start(t, refserver.Options{Issuer: issuer})
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") || srv.Issuer != issuer {
		t.Fatalf("URL = %q, Issuer = %q; want plain loopback HTTP and %q", srv.URL, srv.Issuer, issuer)
	}
	if iss := issuedIss(t, http.DefaultClient, srv.URL); iss != issuer {
		t.Errorf("iss = %q; want %q", iss, issuer)
	}
	got := srv.Target()
	if got.Issuer != issuer || got.JWKSURL != srv.URL+refserver.JWKSPath {
		t.Errorf("Target() Issuer = %q, JWKSURL = %q; want %q and %q", got.Issuer, got.JWKSURL, issuer, srv.URL+refserver.JWKSPath)
	}
}

// TestStartRefusesBadName verifies a bad Hostname, Issuer or TLSConfig is
// an error naming it, before a port is opened.
func TestStartRefusesBadName(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts refserver.Options
		want string
	}{
		{"hostname=with port", refserver.Options{Hostname: "auth.example.test:8443"}, "Hostname"},
		{"hostname=address", refserver.Options{Hostname: "127.0.0.1"}, "Hostname"},
		{"hostname=url", refserver.Options{Hostname: "https://auth.example.test"}, "Hostname"},
		{"hostname=label starting with -", refserver.Options{Hostname: "-auth.example.test"}, "Hostname"},
		{"issuer=with path", refserver.Options{Issuer: "https://auth.example.test/tenant"}, "Issuer"},
		{"issuer=not a url", refserver.Options{Issuer: "auth.example.test"}, "Issuer"},
		{"tls=no certificate", refserver.Options{TLSConfig: &tls.Config{}}, "TLSConfig"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := refserver.Start(tc.opts)
			if err == nil {
				srv.Close()
				t.Fatalf("Start(%s) succeeded; want an error naming %s", tc.name, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Start error = %v; want it to name %s", err, tc.want)
			}
		})
	}
}
