package main

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/clientcheck"
)

// clientsInstalled returns node and the installed clients' directory, or
// skips the test with one line when they are not there: the install
// takes about 20 s, too long for `make test`, so only `make
// interop-clients` does it.
func clientsInstalled(t *testing.T) (node, dir string) {
	t.Helper()
	node, _, err := clientcheck.Tools()
	if err != nil {
		t.Skipf("skipped: %v", err)
	}
	dir, err = clientcheck.CacheDir()
	if err != nil || !clientcheck.Installed(dir) {
		t.Skip("skipped: Commerce Layer's npm clients are not installed; `make interop-clients` installs them (about 20 s, once) and runs every call, the CLI's too")
	}
	return node, dir
}

// inProcess runs serve in this process, as serveMain does, with exactly
// the environment given.
func inProcess(t *testing.T) clientcheck.StartServe {
	return func(ctx context.Context, args []string, env map[string]string) (clientcheck.Server, error) {
		ctx, cancel := context.WithCancel(ctx)
		s := &inProcessServer{cancel: cancel, done: make(chan struct{})}
		go func() {
			defer close(s.done)
			s.code = serve(ctx, args, &s.stdout, &s.stderr, func(k string) string { return env[k] })
		}()
		t.Cleanup(func() { s.Stop() })
		return s, nil
	}
}

// inProcessServer is serve running in a goroutine of the test.
type inProcessServer struct {
	cancel         context.CancelFunc
	stdout, stderr syncBuffer
	done           chan struct{}
	code           int
}

func (s *inProcessServer) Output() string { return s.stdout.String() }

func (s *inProcessServer) Stop() (int, error) {
	s.cancel()
	select {
	case <-s.done:
		return s.code, nil
	case <-time.After(shutdownTimeout + 5*time.Second):
		return -1, errors.New("serve did not return after its context ended")
	}
}

// TestCommerceLayerClients runs Commerce Layer's own js-auth and SDK
// against serve -domain and serve -issuer behind a TLS proxy, everything
// on loopback (the CLI's calls are make interop-clients'): every call
// passes, serve's CA file is gone once it stops, and nothing printed holds
// a secret, a token or a private key, however decoded.
func TestCommerceLayerClients(t *testing.T) {
	t.Parallel()
	node, dir := clientsInstalled(t)
	for _, tc := range []struct {
		name  string
		check func(ctx context.Context, dir, node string, creds clientcheck.Credentials, start clientcheck.StartServe, skipCLI bool) clientcheck.Setup
	}{
		{"setup=domain", clientcheck.CheckDomain},
		{"setup=proxy", clientcheck.CheckProxy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			creds := clientcheck.NewCredentials()
			setup := tc.check(context.Background(), dir, node, creds, inProcess(t), true)
			var report strings.Builder
			setup.Result.Write(&report, setup.Command)
			if !setup.Passed() {
				t.Errorf("%s\nproblems: %q", report.String(), setup.Problems)
			}
			noLeak(t, setup.Command, setup.Output+report.String(), creds.Secrets())
		})
	}
}

// TestClientsLeaveForAnUnfollowedIssuer verifies the check fails where
// Commerce Layer's clients do: with tokens whose iss is not https://auth.…,
// every call that follows iss goes to https://auth.commercelayer.io, which
// the loopback guard refuses, and the calls that do not follow it pass.
func TestClientsLeaveForAnUnfollowedIssuer(t *testing.T) {
	t.Parallel()
	node, dir := clientsInstalled(t)
	creds := clientcheck.NewCredentials()
	s := clientcheck.CheckUnfollowedIssuer(context.Background(), dir, node, creds, inProcess(t))
	var report strings.Builder
	s.Result.Write(&report, s.Command)
	if len(s.Problems) > 0 || !s.Result.Complete || !s.Result.GuardProven {
		t.Fatalf("the run itself failed: %q\n%s", s.Problems, report.String())
	}
	var failed []string
	for _, c := range s.Result.Calls {
		if !c.OK {
			failed = append(failed, c.Name)
		}
	}
	// The calls that read iss: jwtDecode's check compares it, the others
	// follow it.
	want := []string{
		"js-auth jwtDecode",
		"js-auth jwtVerify",
		"js-auth jwtVerify: tampered token refused",
		"js-auth getCoreApiBaseEndpoint",
		"js-auth revoke: integration token",
		"js-auth revoke: guest token with the sales channel's secret",
		"js-auth makeIntegration: revokeAuthorization",
		"SDK: base URL from the token",
	}
	if !slices.Equal(failed, want) {
		t.Errorf("failed calls = %q; want those that read iss, %q\n%s", failed, want, report.String())
	}
	if !slices.Contains(s.Result.Refused, "name auth.commercelayer.io") {
		t.Errorf("refused = %q; want auth.commercelayer.io, where the clients go\n%s", s.Result.Refused, report.String())
	}
	noLeak(t, s.Command, s.Output+report.String(), creds.Secrets())
}

// jwtShaped is any compact JWS, as every token serve issues is.
var jwtShaped = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.`)

// noLeak fails the test if text, decoded every way the leak battery
// knows, holds a secret, a token or a PEM private key.
func noLeak(t *testing.T, what, text string, secrets []string) {
	t.Helper()
	for _, v := range decodings(text) {
		for _, secret := range secrets {
			if strings.Contains(v.text, secret) {
				t.Errorf("%s: the output (%s) holds a client secret", what, v.how)
			}
		}
		if jwtShaped.MatchString(v.text) {
			t.Errorf("%s: the output (%s) holds a token", what, v.how)
		}
		if strings.Contains(v.text, "PRIVATE KEY") {
			t.Errorf("%s: the output (%s) holds a private key", what, v.how)
		}
	}
}
