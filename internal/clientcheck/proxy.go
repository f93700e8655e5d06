package clientcheck

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/authconform/authconform/internal/localca"
)

// Proxy is a TLS proxy on loopback in front of a plain-HTTP server, as a
// developer would put in front of `authconform serve -issuer`: it answers
// as https://auth.DOMAIN:PORT with a certificate from a CA of its own.
type Proxy struct {
	// Issuer is https://auth.DOMAIN:PORT, the name clients use.
	Issuer string
	// CAFile holds the proxy's CA certificate (PEM).
	CAFile string

	ln     net.Listener
	server *http.Server
	dir    string
	done   chan struct{}
}

// ListenProxy opens the proxy's port on 127.0.0.1 and makes its
// certificate for auth.DOMAIN and the Core API's host, so that the issuer
// is known before the server behind it starts. Serve starts forwarding.
func ListenProxy(domain string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	issuer := "https://auth." + domain + ":" + strconv.Itoa(port)
	names, err := Hostnames(issuer)
	if err != nil {
		ln.Close()
		return nil, err
	}
	ca, err := localca.New(names, time.Now())
	if err != nil {
		ln.Close()
		return nil, err
	}
	dir, err := os.MkdirTemp("", "authconform-proxy-")
	if err != nil {
		ln.Close()
		return nil, err
	}
	p := &Proxy{Issuer: issuer, CAFile: filepath.Join(dir, "ca.pem"), ln: ln, dir: dir, done: make(chan struct{})}
	if err := os.WriteFile(p.CAFile, ca.CertPEM, 0o600); err != nil {
		p.Close()
		return nil, err
	}
	p.server = &http.Server{
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{ca.Server}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(discard{}, "", 0),
	}
	return p, nil
}

// Serve forwards every request to upstream (http://127.0.0.1:PORT) until
// Close.
func (p *Proxy) Serve(upstream string) error {
	u, err := url.Parse(upstream)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("clientcheck: proxy upstream %q: want http://HOST:PORT", upstream)
	}
	p.server.Handler = httputil.NewSingleHostReverseProxy(u)
	go func() {
		defer close(p.done)
		if err := p.server.ServeTLS(p.ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Printf("clientcheck: proxy: %v", err)
		}
	}()
	return nil
}

// Close stops the proxy and removes its CA certificate.
func (p *Proxy) Close() {
	if p.server != nil && p.server.Handler != nil {
		p.server.Close()
		<-p.done
	} else {
		p.ln.Close()
	}
	os.RemoveAll(p.dir)
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }
