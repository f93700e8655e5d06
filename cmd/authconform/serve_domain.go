package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/authconform/authconform/conform/refserver"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/localca"
)

// Commerce Layer's clients (js-auth's extractIssuer, the SDK) follow a
// token's iss to its keys, its revocation endpoint and the Core API only
// when it starts with clientIssuerPrefix; any other iss sends them to
// clientFallbackIssuer, the real service.
const (
	clientIssuerPrefix   = "https://auth."
	clientFallbackIssuer = "https://auth.commercelayer.io"
)

// caFileName is the generated CA certificate's file in serve's directory.
const caFileName = "ca.pem"

// maxPEMFile bounds the reading of -tls-cert and -tls-key: a certificate
// chain and a key are a few kilobytes.
const maxPEMFile = 1 << 20

// serveName is how serve is reached and what its tokens name as issuer:
// plain HTTP at its address (the zero value); HTTPS as auth.DOMAIN with a
// certificate from a CA made for the run or brought with -tls-cert; or
// plain HTTP behind the developer's own TLS proxy, named by -issuer or
// AUTHCONFORM_ISSUER.
type serveName struct {
	domain     string // -domain, in lower case; "" without it
	tls        *tls.Config
	caFile     string // the generated CA's certificate; "" with -tls-cert
	caNotAfter time.Time
	issuer     string // -issuer or AUTHCONFORM_ISSUER; "" otherwise
	issuerFrom string // which of the two
}

// checkName refuses the -domain, -tls-cert, -tls-key and -issuer flags
// that do not go together, before anything is generated.
func (f serveFlags) checkName() error {
	switch {
	case f.domain != "" && f.issuer != "":
		return errors.New("-domain and -issuer both name the issuer; use -domain for HTTPS served here, -issuer for a TLS proxy of your own")
	case f.domain != "" && !refserver.IsHostname(f.domain):
		return fmt.Errorf("-domain %q: want a DNS name such as example.test (the port goes in -addr); serve answers as auth.DOMAIN", f.domain)
	case (f.tlsCert == "") != (f.tlsKey == ""):
		return errors.New("-tls-cert and -tls-key go together: the certificate and its private key")
	case f.tlsCert != "" && f.domain == "":
		return errors.New("-tls-cert needs -domain: the certificate is for auth.DOMAIN")
	}
	if f.issuer != "" {
		return checkServeIssuer("-issuer", f.issuer)
	}
	return nil
}

// checkServeIssuer insists on an issuer clients can append paths to:
// http(s), a host, nothing after it.
func checkServeIssuer(name, issuer string) error {
	const want = "want an origin such as https://auth.example.test:8443, with no path"
	if strings.Contains(issuer, "@") {
		// Not echoed: user info is a password's place.
		return fmt.Errorf("%s has an \"@\"; %s and no user info", name, want)
	}
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		strings.TrimSuffix(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(issuer, "?# ") {
		return fmt.Errorf("%s %.120q: %s", name, issuer, want)
	}
	return nil
}

// newServeName makes serve's name and TLS from the flags, writing a
// generated CA's certificate to dir (mode 0600, removed with dir).
func newServeName(f serveFlags, getenv func(string) string, dir string, now time.Time) (*serveName, error) {
	n := &serveName{domain: strings.ToLower(f.domain)}
	switch {
	case f.issuer != "":
		n.issuer, n.issuerFrom = strings.TrimSuffix(f.issuer, "/"), "-issuer"
	case f.domain == "":
		if env := strings.TrimSpace(getenv(config.EnvIssuer)); env != "" {
			if err := checkServeIssuer(config.EnvIssuer, env); err != nil {
				return nil, err
			}
			n.issuer, n.issuerFrom = strings.TrimSuffix(env, "/"), config.EnvIssuer
		}
	}
	if n.domain == "" {
		return n, nil
	}
	var cert tls.Certificate
	if f.tlsCert != "" {
		c, err := loadKeyPair(f.tlsCert, f.tlsKey, n.hostnames()[0])
		if err != nil {
			return nil, err
		}
		cert = c
	} else {
		ca, err := localca.New(n.hostnames(), now)
		if err != nil {
			return nil, err
		}
		n.caFile, n.caNotAfter, cert = filepath.Join(dir, caFileName), ca.NotAfter, ca.Server
		if err := os.WriteFile(n.caFile, ca.CertPEM, 0o600); err != nil {
			return nil, fmt.Errorf("writing the CA certificate: %v", err)
		}
	}
	n.tls = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	return n, nil
}

// hostnames are the names a -domain server answers to: auth.DOMAIN, the
// issuer's host, and SLUG.DOMAIN, the Core API's host that clients derive
// from the issuer (getCoreApiBaseEndpoint, the SDK's base URL), where the
// protected resource answers too.
func (n *serveName) hostnames() []string {
	return []string{"auth." + n.domain, refserver.OrganizationSlug + "." + n.domain}
}

// loadKeyPair reads a PEM certificate and key and checks the certificate
// names host.
func loadKeyPair(certFile, keyFile, host string) (tls.Certificate, error) {
	certPEM, err := readBounded("-tls-cert", certFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyPEM, err := readBounded("-tls-key", keyFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		// The error names PEM blocks and key types, never key material.
		return tls.Certificate{}, fmt.Errorf("-tls-cert %s and -tls-key %s: %v", filepath.Base(certFile), filepath.Base(keyFile), err)
	}
	if err := cert.Leaf.VerifyHostname(host); err != nil {
		return tls.Certificate{}, fmt.Errorf("-tls-cert %s is not for %s, the name serve answers as: %v", filepath.Base(certFile), host, err)
	}
	return cert, nil
}

// readBounded reads a file of at most maxPEMFile bytes.
func readBounded(flagName, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", flagName, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPEMFile+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s %s: %v", flagName, filepath.Base(path), err)
	case len(b) > maxPEMFile:
		return nil, fmt.Errorf("%s %s: larger than %d bytes; want a PEM file", flagName, filepath.Base(path), maxPEMFile)
	}
	return b, nil
}

// apply sets the server's name, TLS and issuer.
func (n *serveName) apply(o *refserver.Options) {
	o.Issuer, o.TLSConfig = n.issuer, n.tls
	if n.domain != "" {
		o.Hostname = n.hostnames()[0]
	}
}

// print writes what a client needs besides the endpoints: the issuer and
// what follows it, the CA to trust, the names to resolve, and the Node
// recipe. Nothing in it is secret: the CA's private key was never kept,
// the server's stays in memory.
func (n *serveName) print(w *errWriter, srv *refserver.Server) {
	if n.issuer != "" {
		w.printf("export %s=%s  # tokens' iss, %s\n", config.EnvIssuer, shellQuote(srv.Issuer), n.issuerFrom)
		w.printf("export %s=%s  # the keys, read here rather than through your proxy\n", config.EnvJWKSURL, shellQuote(srv.URL+refserver.JWKSPath))
	}
	w.printf("\n")
	n.printIssuer(w, srv)
	if n.domain == "" {
		return
	}
	names := n.hostnames()
	if n.caFile != "" {
		w.printf("TLS: a certificate for %s, signed by a CA made for this run (valid until %s; its private key was never kept)\n", strings.Join(names, " and "), n.caNotAfter.UTC().Format(time.DateOnly))
		w.printf("CA certificate (trust it in your client): %s\n", n.caFile)
	} else {
		w.printf("TLS: your certificate (-tls-cert)\n")
	}
	w.printf("%s must resolve to %s: a line in /etc/hosts, for one\n", strings.Join(names, " and "), srvHost(srv))
	w.printf("  %s %s\n", srvHost(srv), strings.Join(names, " "))
	w.printf("\nFor a Node client (js-auth, the SDK, the CLI), in the shell that starts it:\n")
	if n.caFile != "" {
		w.printf("export NODE_EXTRA_CA_CERTS=%s\n", shellQuote(n.caFile))
	}
	domain := strings.TrimPrefix(strings.TrimPrefix(srv.URL, "https://"), "auth.")
	w.printf("# js-auth: authenticate('client_credentials', { clientId, domain: '%s' }); the CLI: --domain %s\n", domain, domain)
	if n.caFile != "" {
		w.printf("# the suite: authconform -ca-file %s\n", shellQuote(n.caFile))
	}
}

// printIssuer says where Commerce Layer's clients go with the tokens' iss.
func (n *serveName) printIssuer(w *errWriter, srv *refserver.Server) {
	switch {
	case srv.Issuer == "":
		w.printf("issuer: the origin each request was sent to (Commerce Layer's clients follow it only when it is https://auth.…)\n")
	case strings.HasPrefix(srv.Issuer, clientIssuerPrefix):
		w.printf("issuer: %s: Commerce Layer's clients read its keys, revoke and find the Core API there\n", srv.Issuer)
	default:
		w.printf("issuer: %s: Commerce Layer's clients follow iss only when it starts with %s, so jwtVerify, revoke and the SDK go to %s instead (serve -domain, or -issuer behind your TLS proxy)\n",
			srv.Issuer, clientIssuerPrefix, clientFallbackIssuer)
	}
}

// srvHost is the address serve listens on, without the port: what the
// names must resolve to. A server on every interface is reached through
// loopback here.
func srvHost(srv *refserver.Server) string {
	host := srv.Addr[:strings.LastIndex(srv.Addr, ":")]
	host = strings.Trim(host, "[]")
	if host == "::" || host == "0.0.0.0" {
		return "127.0.0.1"
	}
	return host
}
