package clientcheck

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// The domains serve is reached under: .test never resolves (RFC 2606), so
// only the loopback guard's mapping makes them reach anything.
const (
	ServeDomain = "authconform.test"
	ProxyDomain = "proxy.authconform.test"
)

// Server is a running `authconform serve`, however the caller runs it.
type Server interface {
	// Output is what it has printed on stdout so far.
	Output() string
	// Stop stops it as Ctrl-C does and returns its exit code.
	Stop() (int, error)
}

// StartServe starts `authconform serve args` with exactly env (the
// AUTHCONFORM_* variables it reads) and returns once it runs.
type StartServe func(ctx context.Context, args []string, env map[string]string) (Server, error)

// Setup is one way of reaching serve that the check runs, and what came
// of it.
type Setup struct {
	Name string
	// Command is how serve was started, for the report.
	Command string
	Result  Result
	// Problems are what went wrong besides the calls: serve's exit, its
	// files left behind, what it printed that it must not.
	Problems []string
	// Output is serve's stdout, for the caller's own leak checks.
	Output string
}

// Passed reports whether every call passed and nothing else went wrong.
func (s Setup) Passed() bool { return s.Result.Passed() && len(s.Problems) == 0 }

// Credentials are a run's clients and market, random so that a leak of
// one is found by searching for it.
type Credentials struct {
	SalesChannel, Integration Client
	MarketID, OtherMarketID   string
	// Webapp is serve's webapp (authorization_code), CustomerID the
	// customer the JWT bearer assertions name.
	Webapp     Client
	CustomerID string
}

// NewCredentials makes a run's clients and markets.
func NewCredentials() Credentials {
	return Credentials{
		SalesChannel:  Client{ID: "sc-" + strings.ToLower(rand.Text()[:12]), Secret: rand.Text() + rand.Text()},
		Integration:   Client{ID: "int-" + strings.ToLower(rand.Text()[:12]), Secret: rand.Text() + rand.Text()},
		MarketID:      rand.Text()[:10],
		OtherMarketID: rand.Text()[:10],
		Webapp:        Client{ID: "wa-" + strings.ToLower(rand.Text()[:12]), Secret: rand.Text() + rand.Text()},
		CustomerID:    rand.Text()[:10],
	}
}

// Env is the environment serve reads them from.
func (c Credentials) Env() map[string]string {
	return map[string]string{
		"AUTHCONFORM_SALES_CHANNEL_CLIENT_ID":     c.SalesChannel.ID,
		"AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET": c.SalesChannel.Secret,
		"AUTHCONFORM_INTEGRATION_CLIENT_ID":       c.Integration.ID,
		"AUTHCONFORM_INTEGRATION_CLIENT_SECRET":   c.Integration.Secret,
		"AUTHCONFORM_MARKET_ID":                   c.MarketID,
		"AUTHCONFORM_OTHER_MARKET_ID":             c.OtherMarketID,
		"AUTHCONFORM_WEBAPP_CLIENT_ID":            c.Webapp.ID,
		"AUTHCONFORM_WEBAPP_CLIENT_SECRET":        c.Webapp.Secret,
		"AUTHCONFORM_CUSTOMER_ID":                 c.CustomerID,
	}
}

// Secrets are the values no output may show.
func (c Credentials) Secrets() []string {
	return []string{c.SalesChannel.Secret, c.Integration.Secret, c.Webapp.Secret}
}

// CheckDomain runs the clients against `serve -domain ServeDomain`: HTTPS
// served by serve itself, with the CA it made for the run.
func CheckDomain(ctx context.Context, dir, node string, creds Credentials, start StartServe, skipCLI bool) Setup {
	args := []string{"-domain", ServeDomain}
	s := Setup{Name: "serve -domain", Command: "authconform serve " + strings.Join(args, " ")}
	srv, err := start(ctx, args, creds.Env())
	if err != nil {
		s.Problems = append(s.Problems, fmt.Sprintf("starting serve: %v", err))
		return s
	}
	out, err := waitPrinted(srv)
	if err != nil {
		s.Problems = append(s.Problems, err.Error())
	} else if err := out.checkDomain(); err != nil {
		s.Problems = append(s.Problems, err.Error())
	} else {
		s.Result, err = Run(ctx, creds.config(dir, node, out.URL, out.CAFile, skipCLI))
		if err != nil {
			s.Problems = append(s.Problems, err.Error())
		}
	}
	s.stop(srv, out.CAFile)
	return s
}

// CheckProxy runs the clients against `serve -issuer https://auth.…`
// behind a TLS proxy of the check's own.
func CheckProxy(ctx context.Context, dir, node string, creds Credentials, start StartServe, skipCLI bool) Setup {
	return checkBehindProxy(ctx, dir, node, creds, start, skipCLI, "")
}

// UnfollowedIssuer is the iss CheckUnfollowedIssuer has serve write: the
// plain origin serve had before -domain and -issuer.
const UnfollowedIssuer = "http://127.0.0.1:8080"

// CheckUnfollowedIssuer runs the clients, without the CLI, behind the same
// proxy against a serve whose tokens name UnfollowedIssuer: the calls that
// follow iss go to https://auth.commercelayer.io, which the loopback guard
// refuses. It proves the check can fail, and why serve needed a name.
func CheckUnfollowedIssuer(ctx context.Context, dir, node string, creds Credentials, start StartServe) Setup {
	return checkBehindProxy(ctx, dir, node, creds, start, true, UnfollowedIssuer)
}

// checkBehindProxy starts the proxy, then serve with -issuer: the proxy's
// name, or issuer when set.
func checkBehindProxy(ctx context.Context, dir, node string, creds Credentials, start StartServe, skipCLI bool, issuer string) Setup {
	s := Setup{Name: "serve -issuer, behind a TLS proxy"}
	p, err := ListenProxy(ProxyDomain)
	if err != nil {
		s.Problems = append(s.Problems, fmt.Sprintf("the proxy: %v", err))
		return s
	}
	defer p.Close()
	if issuer == "" {
		issuer = p.Issuer
	}
	args := []string{"-issuer", issuer}
	s.Command = "authconform serve " + strings.Join(args, " ")
	srv, err := start(ctx, args, creds.Env())
	if err != nil {
		s.Problems = append(s.Problems, fmt.Sprintf("starting serve: %v", err))
		return s
	}
	out, err := waitPrinted(srv)
	if err == nil {
		err = p.Serve(out.URL)
	}
	if err != nil {
		s.Problems = append(s.Problems, err.Error())
	} else if got := out.Exports["AUTHCONFORM_ISSUER"]; got != issuer {
		s.Problems = append(s.Problems, fmt.Sprintf("serve exports AUTHCONFORM_ISSUER=%q; want the -issuer, %q", got, issuer))
	} else {
		s.Result, err = Run(ctx, creds.config(dir, node, p.Issuer, p.CAFile, skipCLI))
		if err != nil {
			s.Problems = append(s.Problems, err.Error())
		}
	}
	s.stop(srv, "")
	return s
}

func (c Credentials) config(dir, node, issuer, caFile string, skipCLI bool) Config {
	return Config{
		Dir: dir, Node: node, Issuer: issuer, CAFile: caFile,
		SalesChannel: c.SalesChannel, Integration: c.Integration, MarketID: c.MarketID,
		Webapp: c.Webapp, CustomerID: c.CustomerID,
		SkipCLI: skipCLI,
	}
}

// stop stops serve and checks it exits 0, removes caFile ("" for none),
// and printed no private key.
func (s *Setup) stop(srv Server, caFile string) {
	code, err := srv.Stop()
	s.Output = srv.Output()
	switch {
	case err != nil:
		s.Problems = append(s.Problems, fmt.Sprintf("stopping serve: %v", err))
	case code != 0:
		s.Problems = append(s.Problems, fmt.Sprintf("serve exited %d after Ctrl-C; want 0", code))
	}
	if caFile != "" {
		if _, err := os.Stat(caFile); !errors.Is(err, os.ErrNotExist) {
			s.Problems = append(s.Problems, fmt.Sprintf("the CA certificate %s is still there after serve stopped", caFile))
		}
	}
	if strings.Contains(s.Output, "PRIVATE KEY") {
		s.Problems = append(s.Problems, "serve printed a PEM private key")
	}
}

// printedBound bounds the wait for serve's whole first output.
const printedBound = 20 * time.Second

// waitPrinted waits for serve's output to end with its last line, and
// reads it.
func waitPrinted(srv Server) (Printed, error) {
	deadline := time.Now().Add(printedBound)
	for {
		out := srv.Output()
		if strings.Contains(out, "Ctrl-C stops the server") {
			return ParsePrinted(out)
		}
		if time.Now().After(deadline) {
			return Printed{}, fmt.Errorf("serve printed no \"Ctrl-C stops the server\" line within %s; stdout so far:\n%s", printedBound, out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
