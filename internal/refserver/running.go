package refserver

import (
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// Running is a Server listening on a loopback port.
type Running struct {
	// URL is the base URL, http://127.0.0.1:PORT, without a trailing slash.
	URL string

	server    *Server
	http      *http.Server
	served    chan struct{} // closed when Serve returns
	closeOnce sync.Once
}

// Start runs a Server on 127.0.0.1 and an OS-chosen port. It listens on the
// loopback address only, never on all interfaces, so a test run does not
// expose a token endpoint (with faults that hand out tokens) to the network.
// Unless opts.Issuer is set, tokens name the server's own URL as iss, so
// clients find the keys at URL + "/.well-known/jwks.json".
func Start(opts Options) (*Running, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("refserver: listening on 127.0.0.1: %w", err)
	}
	url := "http://" + ln.Addr().String()
	if opts.Issuer == "" {
		opts.Issuer = url
	}
	s, err := New(opts)
	if err != nil {
		ln.Close()
		return nil, err
	}
	rs := &Running{
		URL:    url,
		server: s,
		// ReadHeaderTimeout keeps a stuck client from holding a connection
		// past the test that opened it.
		http:   &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second},
		served: make(chan struct{}),
	}
	go func() {
		defer close(rs.served)
		if err := rs.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Printf("refserver: serving %s: %v", url, err)
		}
	}()
	return rs, nil
}

// Server returns the running Server, e.g. for Requests.
func (r *Running) Server() *Server { return r.server }

// Close stops the server, closing open connections, and waits for it to
// stop. It is safe to call more than once.
func (r *Running) Close() {
	r.closeOnce.Do(func() {
		_ = r.http.Close() // only reports listener close errors, and we are done with it
		<-r.served
	})
}
