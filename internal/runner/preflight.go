package runner

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authconform/authconform/internal/termsafe"
	"github.com/authconform/authconform/setup"
)

// tlsProbeTimeout bounds the check that a plain http:// target does not
// speak TLS. A plain HTTP server answers a TLS hello with an error at once;
// one that says nothing for this long is left for the run to judge.
const tlsProbeTimeout = 2 * time.Second

// preflight checks the target answers at all: a TCP connection to base
// (through the proxy if one applies) and, for https, a TLS handshake; for
// plain http, that the port does not speak TLS. It sends no HTTP request,
// so it costs nothing against a rate limit. Its errors name target, the
// URL as given.
func preflight(ctx context.Context, target setup.URL, base *url.URL, tlsConf *tls.Config, timeout time.Duration) error {
	dialHost, viaProxy := dialAddress(base)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := dial(ctx, target, dialHost, timeout)
	if err != nil {
		return err
	}
	defer conn.Close()
	if viaProxy {
		return nil
	}
	if strings.EqualFold(base.Scheme, "http") {
		return probeNotTLS(ctx, target, dialHost)
	}
	conf := &tls.Config{}
	if tlsConf != nil {
		conf = tlsConf.Clone()
	}
	conf.ServerName = base.Hostname()
	if err := tls.Client(conn, conf).HandshakeContext(ctx); err != nil {
		// The error quotes the certificate's names as they are: the
		// target chose them.
		return fmt.Errorf("target %s: TLS handshake failed: %s", target, termsafe.String(err.Error()))
	}
	return nil
}

// dialAddress is where a request to u connects: the proxy, if the
// environment names one for u, else u's host and port.
func dialAddress(u *url.URL) (string, bool) {
	if p, err := http.ProxyFromEnvironment(&http.Request{URL: u, Header: http.Header{}}); err == nil && p != nil {
		if p.Port() == "" {
			return net.JoinHostPort(p.Hostname(), "80"), true
		}
		return p.Host, true
	}
	if u.Port() == "" {
		return net.JoinHostPort(u.Hostname(), map[string]string{"http": "80", "https": "443"}[u.Scheme]), false
	}
	return u.Host, false
}

func dial(ctx context.Context, target setup.URL, addr string, timeout time.Duration) (net.Conn, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err == nil {
		return conn, nil
	}
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return nil, fmt.Errorf("target %s unreachable: host %q not found", target, dnsErr.Name)
	case errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Errorf("target %s unreachable: no connection to %s within %s", target, addr, timeout)
	}
	return nil, fmt.Errorf("target %s unreachable: %v", target, err)
}

// probeNotTLS refuses an http:// target whose port completes a TLS
// handshake: every request would fail with a garbled answer, which is a
// wrong target, not a failing one. The probe trusts any certificate: it
// only asks whether TLS is spoken, and sends nothing after the hello.
func probeNotTLS(ctx context.Context, target setup.URL, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, tlsProbeTimeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil // the first dial worked; the run will say what this one meets
	}
	defer conn.Close()
	host, _, _ := net.SplitHostPort(addr)
	tc := tls.Client(conn, &tls.Config{ServerName: host, InsecureSkipVerify: true}) //nolint:gosec // a probe: nothing is sent over it
	if tc.HandshakeContext(ctx) == nil {
		return fmt.Errorf("target %s unreachable: the port speaks TLS, not plain HTTP; use https://", target)
	}
	return nil
}
