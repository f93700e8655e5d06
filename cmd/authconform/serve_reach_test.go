package main

import (
	"context"
	"io"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeSaysWhereItListens verifies what serve -allow-remote prints
// about its listener is true: the address, the families, and whether
// other machines may connect; and that a connection over a family it
// names is accepted and one over a family it does not name is refused.
func TestServeSaysWhereItListens(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		addr, want string
	}{
		{"127.0.0.1:0", `^  listening on 127\.0\.0\.1:\d+ only \(IPv4 loopback\): only this machine can connect`},
		{"0.0.0.0:0", `^  listening on every IPv4 address of this machine \(0\.0\.0\.0:\d+\): other machines may connect`},
		{":0", `^  listening on every (IPv4 and IPv6|IPv4) address of this machine \((\[::\]|0\.0\.0\.0):\d+\): other machines may connect`},
	} {
		t.Run("addr="+tt.addr, func(t *testing.T) {
			t.Parallel()
			first, second, stop := serveLines(t, tt.addr)
			defer stop()
			if !regexp.MustCompile(tt.want).MatchString(second) {
				t.Fatalf("second line %q; want it to match %q", second, tt.want)
			}
			_, port, _ := net.SplitHostPort(strings.TrimPrefix(first, "listening on http://"))
			for _, family := range []struct{ name, loopback string }{{"IPv4", "127.0.0.1"}, {"IPv6", "::1"}} {
				claimed := strings.Contains(second, family.name)
				conn, err := net.DialTimeout("tcp", net.JoinHostPort(family.loopback, port), time.Second)
				if err == nil {
					conn.Close()
				}
				switch {
				case claimed && err != nil:
					t.Errorf("%q names %s, but a connection to %s was refused: %v", second, family.name, family.loopback, err)
				case !claimed && err == nil:
					t.Errorf("%q does not name %s, but a connection to %s was accepted", second, family.name, family.loopback)
				}
			}
		})
	}
}

// serveLines runs serve -addr addr -allow-remote in this process and
// returns its first two lines of output; stop ends it.
func serveLines(t *testing.T, addr string) (first, second string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan int, 1)
	env := serveEnv()
	go func() {
		done <- serve(ctx, []string{"-addr", addr, "-allow-remote"}, out, io.Discard, func(k string) string { return env[k] })
	}()
	stop = func() {
		cancel()
		<-done
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if lines := strings.SplitN(out.String(), "\n", 3); len(lines) == 3 {
			return lines[0], lines[1], stop
		}
	}
	stop()
	t.Fatalf("serve -addr %s -allow-remote printed no second line:\n%s", addr, out.String())
	return "", "", nil
}
