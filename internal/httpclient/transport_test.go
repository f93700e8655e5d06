package httpclient

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestLoopbackOnlyAddresses verifies the guard on the addresses a dial is
// about to connect to, already resolved.
func TestLoopbackOnlyAddresses(t *testing.T) {
	tests := []struct {
		address string
		allowed bool
	}{
		{"127.0.0.1:8080", true},
		{"127.10.20.30:80", true},
		{"[::1]:443", true},
		{"[::ffff:127.0.0.1]:80", true},
		{"192.0.2.1:80", false},
		{"10.0.0.1:80", false},
		{"[2001:db8::1]:443", false},
		{"0.0.0.0:80", false}, // reaches this host on some systems, but is not loopback
		{"[::]:80", false},
		{"[fe80::1%lo]:80", false},
		{"localhost:80", false}, // not resolved: the guard sees only addresses
		{"garbage", false},
	}
	for _, tt := range tests {
		err := loopbackOnly("tcp", tt.address, nil)
		if (err == nil) != tt.allowed {
			t.Errorf("loopbackOnly(%q) = %v; want allowed %v", tt.address, err, tt.allowed)
		}
		var guardErr *notLoopbackError
		if err != nil && (!errors.As(err, &guardErr) || err.Error() != "refusing to connect to "+tt.address+": not a loopback address") {
			t.Errorf("loopbackOnly(%q) = %v; want the refusal naming the address", tt.address, err)
		}
	}
}

// TestLoopbackOnlyDial verifies the guard end to end: a remote address is
// refused before any connection is tried (192.0.2.1 is TEST-NET-1, where
// a real attempt would hang until the timeout, not fail with this
// message), a loopback one is served.
func TestLoopbackOnlyDial(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	tests := []struct {
		url     string
		wantErr string // "" when the request must be answered
	}{
		{srv.URL + "/token", ""},
		{"http://192.0.2.1:9/token", "refusing to connect to 192.0.2.1:9: not a loopback address"},
		{"https://192.0.2.1/token", "refusing to connect to 192.0.2.1:443: not a loopback address"},
	}
	for _, tt := range tests {
		c := New(Options{LoopbackOnly: true, Timeout: 5 * time.Second})
		// The guard applies to whatever is dialled, a proxy included; the
		// test is about the target, so no proxy from the environment.
		c.http.Transport.(*http.Transport).Proxy = nil
		_, err := c.Do(guard(t), Request{Method: "POST", URL: tt.url})
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: err = %v; want an answer from loopback", tt.url, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: err = %v; want %q", tt.url, err, tt.wantErr)
		}
	}
}
