package refserver

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	ref "github.com/authconform/authconform/internal/refserver"
)

// Server is a running reference server.
type Server struct {
	// URL is the base URL, http://HOST:PORT without a trailing slash
	// (https with Options.TLSConfig, and no :443 then); the endpoints are
	// URL + TokenPath and so on. HOST is Options.Hostname when set, else
	// the address; for a server on every interface (Addr ":8080") it
	// names IPv4 loopback, http://127.0.0.1:8080.
	URL string
	// Addr is the address it listens on, such as 127.0.0.1:41235 or
	// [::]:8080.
	Addr string
	// Families are the address families it accepts connections over:
	// "IPv4", "IPv6", or "IPv4 and IPv6" for a dual-stack socket (an
	// Addr with no host, or [::], where the system maps IPv4 into IPv6).
	// An Addr of 0.0.0.0 is IPv4 only, as written.
	Families string
	// Issuer is the iss of its tokens: Options.Issuer, else URL; "" for a
	// server on every interface without either, whose tokens name the
	// origin each request was sent to.
	Issuer string

	handler   *ref.Server
	secrets   [2]string // the sales channel's and the integration's, for Target
	customer  Customer  // for Target
	webapp    string    // the webapp's secret, for Target
	http      *http.Server
	served    chan struct{} // closed when Serve returns
	closeOnce sync.Once
}

// Start runs a server configured by opts, or returns an error naming the
// option that is wrong (an unknown fault, two clients with one id, a
// remote Addr without AllowRemote: ErrNotLoopback). Call Close when done.
func Start(opts Options) (*Server, error) {
	ln, bound, err := listen(opts)
	if err != nil {
		return nil, err
	}
	url, issuer := urls(bound, opts)
	h, err := ref.New(opts.internal(issuer))
	if err != nil {
		ln.Close()
		return nil, err
	}
	s := newServer(opts, h, url, cmp.Or(opts.Issuer, issuer))
	s.Addr, s.Families = bound.String(), families(ln)
	s.serve(ln, opts.TLSConfig)
	return s, nil
}

// listen checks opts and opens the port they name. Options are checked
// before listening, so a bad one opens no port; and a port that turns out
// to be beyond this machine without AllowRemote is closed again.
func listen(opts Options) (net.Listener, *net.TCPAddr, error) {
	addr := cmp.Or(opts.Addr, DefaultAddr)
	if err := checkAddr(addr, opts.AllowRemote); err != nil {
		return nil, nil, err
	}
	if err := checkServing(opts); err != nil {
		return nil, nil, err
	}
	if _, err := ref.New(opts.internal("")); err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen(listenNetwork(addr), addr)
	if err != nil {
		return nil, nil, fmt.Errorf("refserver: listening on %s: %w", addr, err)
	}
	bound := ln.Addr().(*net.TCPAddr)
	if !opts.AllowRemote && !bound.IP.IsLoopback() {
		// A name such as localhost resolved to an address beyond this
		// machine: nothing was accepted, and nothing will be.
		ln.Close()
		return nil, nil, remoteError(addr)
	}
	return ln, bound, nil
}

// newServer is the Server that serves h at url, with the credentials
// Target hands out and an HTTP server bounded against slow clients.
func newServer(opts Options, h *ref.Server, url, issuer string) *Server {
	return &Server{
		URL:      url,
		Issuer:   issuer,
		handler:  h,
		secrets:  [2]string{cmp.Or(opts.SalesChannel.Secret, SalesChannelClientSecret), cmp.Or(opts.Integration.Secret, IntegrationClientSecret)},
		webapp:   cmp.Or(opts.Webapp.Secret, WebappClientSecret),
		customer: Customer{Email: cmp.Or(opts.Customer.Email, CustomerEmail), Password: cmp.Or(opts.Customer.Password, CustomerPassword)},
		http: &http.Server{
			Handler: h,
			// Bounds on a slow or stuck client, generous for a test but
			// short enough that a server reachable by others cannot be
			// held open by idle connections.
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       2 * time.Minute,
		},
		served: make(chan struct{}),
	}
}

// serve serves ln in the background, over TLS when tlsConfig is set,
// until Close; served is closed when it stops.
func (s *Server) serve(ln net.Listener, tlsConfig *tls.Config) {
	serve := s.http.Serve
	if tlsConfig != nil {
		s.http.TLSConfig = tlsConfig.Clone()
		serve = func(ln net.Listener) error { return s.http.ServeTLS(ln, "", "") }
	}
	go func() {
		defer close(s.served)
		if err := serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Printf("refserver: serving %s: %v", s.URL, err)
		}
	}()
}

// checkServing refuses a Hostname that is not a DNS name and a TLSConfig
// without a certificate, before a port is opened.
func checkServing(opts Options) error {
	if opts.Hostname != "" && !IsHostname(opts.Hostname) {
		return fmt.Errorf("refserver: Hostname %q: want a DNS name, like auth.example.test", opts.Hostname)
	}
	if c := opts.TLSConfig; c != nil && len(c.Certificates) == 0 && c.GetCertificate == nil && c.GetConfigForClient == nil {
		return errors.New("refserver: TLSConfig has no certificate (Certificates or GetCertificate)")
	}
	return nil
}

// IsHostname reports whether name is a DNS name a server can be reached
// by: dot-separated labels of letters, digits and inner hyphens, at most
// 63 characters each and 253 in all (RFC 1035 §2.3.1, RFC 1123 §2.1), and
// not an IPv4 address.
func IsHostname(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return false
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// checkAddr refuses a malformed address, and one other machines could
// reach unless allowRemote. Host names other than localhost are refused
// too: what they resolve to is not known before listening.
func checkAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("refserver: Addr %q: want host:port, like %q", addr, DefaultAddr)
	}
	if allowRemote || strings.EqualFold(host, "localhost") {
		return nil
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Unmap().IsLoopback() {
		return nil
	}
	return remoteError(addr)
}

// listenNetwork is "tcp4" for an IPv4 address, so that 0.0.0.0 means
// every IPv4 address (Go listens on a dual-stack IPv6 socket for it under
// "tcp"), else "tcp".
func listenNetwork(addr string) string {
	host, _, _ := net.SplitHostPort(addr)
	if a, err := netip.ParseAddr(host); err == nil && a.Is4() {
		return "tcp4"
	}
	return "tcp"
}

// families names the address families ln accepts connections over.
func families(ln net.Listener) string {
	ip := ln.Addr().(*net.TCPAddr).IP
	switch {
	case ip.To4() != nil:
		return "IPv4"
	case !ip.IsUnspecified():
		return "IPv6"
	}
	if v6only, known := ipv6Only(ln); known && v6only {
		return "IPv6"
	}
	return "IPv4 and IPv6"
}

// ErrNotLoopback is the error Start wraps when Options.Addr could be
// reached from other machines and Options.AllowRemote is not set.
var ErrNotLoopback = errors.New("not a loopback address (127.0.0.1, ::1 or localhost)")

func remoteError(addr string) error {
	return fmt.Errorf("refserver: Addr %q is %w; the server hands out tokens, so listening beyond this machine needs AllowRemote", addr, ErrNotLoopback)
}

// urls are the server's base URL and its tokens' iss. A server on every
// interface is reached under many names, so unless it has a Hostname its
// tokens name the origin each request was sent to (iss ""), and its URL
// names loopback. An HTTPS URL on port 443 leaves the port out, as clients
// write it.
func urls(bound *net.TCPAddr, opts Options) (url, issuer string) {
	scheme := "http"
	if opts.TLSConfig != nil {
		scheme = "https"
	}
	host, perRequest := bound.IP.String(), false
	switch {
	case opts.Hostname != "":
		host = opts.Hostname
	case bound.IP.IsUnspecified():
		host, perRequest = "127.0.0.1", true
	}
	hostPort := net.JoinHostPort(host, strconv.Itoa(bound.Port))
	if scheme == "https" && bound.Port == 443 && opts.Hostname != "" {
		hostPort = host
	}
	url = scheme + "://" + hostPort
	if perRequest {
		return url, ""
	}
	return url, url
}

// Clients returns the server's clients, the sales channel first, without
// their secrets.
func (s *Server) Clients() []ClientInfo {
	var infos []ClientInfo
	for _, c := range s.handler.Clients() {
		infos = append(infos, ClientInfo{Kind: c.Kind, ID: c.ID, Lifetime: c.Lifetime})
	}
	return infos
}

// Markets returns the ids of the markets a scope may name.
func (s *Server) Markets() []string { return s.handler.Markets() }

// MarketCodes returns the markets' codes, by market id.
func (s *Server) MarketCodes() map[string]string { return s.handler.MarketCodes() }

// Stores returns the stores a scope may name.
func (s *Server) Stores() []Store { return convertList[Store](s.handler.Stores()) }

// StockLocations returns the stock locations a scope may name.
func (s *Server) StockLocations() []StockLocation {
	return convertList[StockLocation](s.handler.StockLocations())
}

// Requests counts the requests a server received on each endpoint,
// whatever their method or answer (rate-limited ones included).
type Requests struct {
	Token, Revoke, Resource, Authorize int64
}

// Requests returns the requests received so far, e.g. to check that a
// client reuses its token instead of asking for a new one each time.
func (s *Server) Requests() Requests {
	return Requests{Token: s.handler.Requests(), Revoke: s.handler.RevokeRequests(), Resource: s.handler.ResourceRequests(), Authorize: s.handler.AuthorizeRequests()}
}

// Close stops the server at once, closing open connections, and waits for
// it to stop. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		_ = s.http.Close() // reports only the listener's close error; we are done with it
	})
	<-s.served
}

// Shutdown stops accepting connections and lets requests under way finish
// until ctx ends; then it closes the rest. It returns ctx's error if
// requests were cut short.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.http.Shutdown(ctx)
	s.Close()
	return err
}
