package httpclient

import (
	"net"
	"net/http"
	"syscall"
	"time"
)

// notLoopbackError is a dial refused by the loopback guard.
type notLoopbackError struct{ addr string }

func (e *notLoopbackError) Error() string {
	return "refusing to connect to " + e.addr + ": not a loopback address"
}

// loopbackOnly is a net.Dialer Control hook. It runs after the name has
// been resolved and the socket made, before the connect, with the very
// address about to be connected to: a DNS answer that changed since the
// target was checked cannot slip a remote host past it, and nothing is
// sent anywhere but to loopback.
func loopbackOnly(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return &notLoopbackError{address}
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return &notLoopbackError{address}
	}
	return nil
}

// newTransport builds the client's transport from the default one, which
// keeps ProxyFromEnvironment. With LoopbackOnly the guard checks whatever
// the transport dials, so with a proxy from the environment it is the
// proxy's address that must be loopback (Go never proxies requests to
// loopback hosts, so a direct loopback target is unaffected).
func newTransport(opts Options) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = opts.TLSConfig
	tr.ResponseHeaderTimeout = opts.Timeout
	// Read up to MaxHeaderRead so that a large header is received and then
	// cut (see capHeader) rather than failing the request; past it the
	// answer is a transport failure.
	tr.MaxResponseHeaderBytes = MaxHeaderRead
	if opts.LoopbackOnly {
		// The default transport's dialer settings, plus the guard.
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: loopbackOnly}
		tr.DialContext = d.DialContext
	}
	return tr
}
