package httpclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// guard is a context that ends the test instead of letting it hang. It is
// a bound that cannot flake, not a speed assertion: nothing here should
// come near it.
func guard(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// rawServer listens on 127.0.0.1 and hands each connection to behave, for
// servers too broken for net/http to play. The cleanup closes the listener
// and every connection, then waits for the handlers.
func rawServer(t *testing.T, behave string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				misbehave(behave, conn)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// A TLS alert record (fatal, protocol_version), as a TLS server may send
// to a client that spoke plain HTTP.
const tlsAlert = "\x15\x03\x03\x00\x02\x02\x46"

// misbehave plays one kind of broken server on conn; "raw:TEXT" reads a
// request and answers TEXT as it is.
func misbehave(behave string, conn net.Conn) {
	if answer, ok := strings.CutPrefix(behave, "raw:"); ok {
		conn.Read(make([]byte, 4096))
		conn.Write([]byte(answer))
		conn.Close()
		return
	}
	switch behave {
	case "silent": // accepts, reads, never answers
		io.Copy(io.Discard, conn)
	case "tls-alert": // a TLS server that sends an alert and closes
		conn.Read(make([]byte, 4096))
		conn.Write([]byte(tlsAlert))
		conn.Close()
	case "tls-handshake": // a TLS server: fails the handshake, closes
		tls.Server(conn, serverTLS()).Handshake()
		conn.Close()
	}
}

var (
	tlsOnce sync.Once
	tlsConf *tls.Config
)

// serverTLS is a server configuration with httptest's certificate.
func serverTLS() *tls.Config {
	tlsOnce.Do(func() {
		srv := httptest.NewTLSServer(http.NotFoundHandler())
		tlsConf = srv.TLS.Clone()
		srv.Close()
	})
	return tlsConf
}

// TestNeverAnswered verifies a target that never gave an HTTP answer stops
// the client at the first transport failure: a port that accepts and
// stays silent, or speaks TLS to an http:// URL, would otherwise cost a
// timeout for every request of the run. (httptest's TLS server is no use
// here: net/http answers plain HTTP on a TLS port with a real 400.)
func TestNeverAnswered(t *testing.T) {
	tests := []struct {
		behave  string
		wantErr string
	}{
		{"silent", "no answer within the request timeout"},
		{"tls-alert", "the target answered in TLS: use an https:// URL"},
		{"tls-handshake", "the target closed the connection without an answer"},
	}
	for _, tt := range tests {
		t.Run(tt.behave, func(t *testing.T) {
			url := "http://" + rawServer(t, tt.behave) + "/token"
			c := New(Options{Timeout: 200 * time.Millisecond})
			_, err := c.Do(guard(t), Request{Method: "POST", URL: url})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v; want a transport failure saying %q", err, tt.wantErr)
			}
			var gaveUp *GaveUpError
			if !errors.As(c.Stopped(), &gaveUp) || !gaveUp.NeverAnswered || gaveUp.Failures != 1 {
				t.Fatalf("Stopped() = %#v; want a GaveUpError, NeverAnswered, after 1 failure (rule: never answered gives up at once)", c.Stopped())
			}
			if !strings.HasPrefix(gaveUp.Error(), "the target never answered: ") {
				t.Errorf("message %q; want it to start %q", gaveUp.Error(), "the target never answered: ")
			}
			_, err = c.Do(guard(t), Request{Method: "POST", URL: url})
			if !errors.As(err, &gaveUp) || !strings.Contains(err.Error(), "not sent") {
				t.Errorf("second request: err = %v; want it not sent, wrapping the GaveUpError", err)
			}
			if c.Requests() != 1 || c.Answered() != 0 {
				t.Errorf("requests %d, answered %d; want 1, 0", c.Requests(), c.Answered())
			}
		})
	}
}

// TestBodyStall verifies a body that stops coming after the headers is a
// transport failure that counts towards giving up, once the target has
// answered.
func TestBodyStall(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.Write([]byte("ten bytes."))
		w.(http.Flusher).Flush()
		select { // the other 90 bytes never come
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c := New(Options{Timeout: 200 * time.Millisecond})
	for i := 1; i <= 3; i++ {
		_, err := c.Do(guard(t), Request{Method: "POST", URL: srv.URL})
		if err == nil || !strings.Contains(err.Error(), "the response body stalled") {
			t.Fatalf("request %d: err = %v; want the stalled body reported", i, err)
		}
	}
	var gaveUp *GaveUpError
	if !errors.As(c.Stopped(), &gaveUp) || gaveUp.NeverAnswered || gaveUp.Failures != 3 {
		t.Fatalf("Stopped() = %#v; want a GaveUpError after 3 failures in a row, not NeverAnswered (the headers came)", c.Stopped())
	}
	if !strings.Contains(gaveUp.Last, "the response body stalled") {
		t.Errorf("Last = %q; want the stalled body", gaveUp.Last)
	}
	_, err := c.Do(guard(t), Request{Method: "POST", URL: srv.URL})
	if !errors.As(err, &gaveUp) || !strings.Contains(err.Error(), "not sent: the target failed 3 requests in a row") {
		t.Errorf("fourth request: err = %v; want it not sent, wrapping the GaveUpError", err)
	}
	if c.Requests() != 3 || c.Answered() != 3 {
		t.Errorf("requests %d, answered %d; want 3, 3", c.Requests(), c.Answered())
	}
}

// TestAnswerResetsFailures verifies only failures in a row count: an
// answer in between starts the count again.
func TestAnswerResetsFailures(t *testing.T) {
	// The server stalls on the requests marked true.
	stall := []bool{false, true, false, true, true, false}
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		s := stall[n%len(stall)]
		n++
		mu.Unlock()
		if s {
			<-r.Context().Done()
		}
	}))
	defer srv.Close()
	c := New(Options{Timeout: 200 * time.Millisecond, GiveUpAfter: 2})
	for i, s := range stall {
		_, err := c.Do(guard(t), Request{Method: "POST", URL: srv.URL})
		if (err != nil) != s {
			t.Fatalf("request %d: err = %v; want failure %v", i+1, err, s)
		}
		if wantStopped := i == 4; (c.Stopped() != nil) != wantStopped {
			t.Fatalf("after request %d: Stopped() = %v; want stopped %v (GiveUpAfter 2 in a row)", i+1, c.Stopped(), wantStopped)
		}
		if c.Stopped() != nil {
			break
		}
	}
}

// TestMalformedHeaderIsAnAnswer verifies an answer whose header net/http
// refuses is an answer, for the scenario to judge: it says which line and
// why, with the target's bytes escaped, and neither counts as a transport
// failure nor stops the client.
func TestMalformedHeaderIsAnAnswer(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, header, want string }{
		{"DEL in a value", "X-Debug: a\x7fb", `header line X-Debug: a\x7fb: its value holds byte 0x7f`},
		{"ESC sequence in a value", "X-Debug: \x1b]52;c;cHduZWQ=\x07", `header line X-Debug: \x1b]52;c;cHduZWQ=\x07: its value holds byte 0x1b`},
		{"name that is not a token", "X(Debug): 1", "header line X(Debug): 1: its name is not a token (RFC 9110 §5.1)"},
		{"no colon", "X-Debug", "header line X-Debug: no colon"},
		{"begins with white space", " X-Debug: 1", "header line  X-Debug: 1: the header begins with white space"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			answer := "HTTP/1.1 200 OK\r\n" + tt.header + "\r\nContent-Length: 2\r\n\r\n{}"
			url := "http://" + rawServer(t, "raw:"+answer) + "/token"
			c := New(Options{Timeout: 2 * time.Second})
			ex, err := c.Do(guard(t), Request{Method: "POST", URL: url})
			if err != nil {
				t.Fatalf("err = %v; want an exchange: the target answered", err)
			}
			if !strings.Contains(ex.Malformed, tt.want) {
				t.Errorf("Malformed = %q; want it to hold %q", ex.Malformed, tt.want)
			}
			if strings.ContainsAny(ex.Malformed, "\x1b\x07\x7f") {
				t.Errorf("Malformed = %q holds the target's control bytes as they are", ex.Malformed)
			}
			if c.Stopped() != nil || c.Answered() != 1 {
				t.Errorf("Stopped() = %v, Answered() = %d; want a running client that counts one answer", c.Stopped(), c.Answered())
			}
		})
	}
}

// TestCertificateNamesEscaped verifies the names of an untrusted
// certificate, which the target chose, are escaped in the error.
func TestCertificateNamesEscaped(t *testing.T) {
	t.Parallel()
	cert := &x509.Certificate{DNSNames: []string{"\x1b]0;pwned\x07", "\u202eevil"}}
	err := describe(Request{Method: "POST", URL: "https://localhost/token"},
		&tls.CertificateVerificationError{Err: x509.HostnameError{Certificate: cert, Host: "localhost"}}, time.Second)
	want := `TLS certificate not trusted (x509: certificate is valid for \x1b]0;pwned\x07, \u202eevil, not localhost)`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q; want it to hold %q", err, want)
	}
}
