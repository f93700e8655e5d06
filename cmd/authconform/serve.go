package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/authconform/authconform/conform"
	"github.com/authconform/authconform/conform/refserver"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/repro"
	"github.com/authconform/authconform/internal/termsafe"
)

const serveUsage = `usage: authconform serve [-addr 127.0.0.1:0] [-allow-remote] [-fault NAME] [-error-shape errors|rfc6749]
                         [-domain DOMAIN [-tls-cert FILE -tls-key FILE] | -issuer URL]

Runs the reference auth server until Ctrl-C or SIGTERM, for developing a
client against Commerce Layer's client_credentials, authorization code and
JWT bearer flows, and a customer's password and refresh_token flows. The
first line of output is "listening on URL"; the endpoints and the
variables to export follow. Clients (a sales channel, an integration, a
webapp), markets, the market's code, a store and a stock location, the
customer (email, password, and the id assertions may name) come from the
AUTHCONFORM_* variables the suite reads; unset ones are generated for the
run, a generated secret or password is written to a file (mode 0600) and
only the file's name is printed. Its authorize endpoint approves every
request at once, for development: no sign-in, no consent.

Commerce Layer's clients follow a token's iss (to its keys, revocation and
the Core API) only when it starts with https://auth.; otherwise they go to
https://auth.commercelayer.io. With -domain DOMAIN serve speaks HTTPS as
https://auth.DOMAIN, with a certificate from a CA it makes for the run (the
CA certificate's file is printed; its private key is never kept) or yours
(-tls-cert, -tls-key). With -issuer URL (or AUTHCONFORM_ISSUER) it stays
plain HTTP and its tokens name URL, for a TLS proxy of your own.

flags:
`

// shutdownTimeout bounds how long requests under way may take to finish
// once serve is told to stop.
const shutdownTimeout = 5 * time.Second

// serveMain is `authconform serve` as a process: the first SIGINT, SIGTERM
// or SIGHUP stops the server and exits 0; a second one ends it at once.
func serveMain(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	errOut := termsafe.NewWriter(os.Stderr) // errors may quote flags and files as they are
	defer errOut.Close()
	return serve(ctx, args, os.Stdout, errOut, os.Getenv)
}

// serve runs the reference server with the environment's clients until ctx
// ends: 0 once it is closed, 2 on a bad flag or variable.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	fail := func(err error) int {
		fmt.Fprintf(stderr, "authconform serve: %v\n", err)
		return conform.ExitConfig
	}
	f, code, done := parseServeFlags(args, stdout, stderr)
	if done {
		return code
	}
	if err := f.check(); err != nil {
		return fail(err)
	}
	s, err := newServeSetup(getenv)
	if err != nil {
		return fail(err)
	}
	if err := s.writeSecrets(); err != nil {
		return fail(err)
	}
	// Removed once serve stops, and first thing on a signal (below).
	removeFiles := sync.OnceFunc(func() { os.RemoveAll(s.dir) })
	defer removeFiles()
	name, err := newServeName(f, getenv, s.dir, time.Now())
	if err != nil {
		return fail(err)
	}
	opts := s.options(f)
	name.apply(&opts)
	srv, err := refserver.Start(opts)
	if errors.Is(err, refserver.ErrNotLoopback) {
		return fail(fmt.Errorf("-addr %s is not a loopback address; the server hands out tokens signed with a published key, so add -allow-remote to listen beyond this machine", f.addr))
	}
	if err != nil {
		return fail(err)
	}
	announce(stdout, stderr, getenv, srv, s, f, name)
	<-ctx.Done()
	// The secrets and the CA certificate go before the wait for requests
	// under way, so that a second signal, which ends serve at once, leaves
	// nothing behind.
	removeFiles()
	stopServing(context.Cause(ctx), srv, stderr)
	return conform.ExitPass
}

// announce prints where the server listens, its endpoints and the
// variables to export, and warns on stderr where the environment
// disagrees with the running server.
func announce(stdout, stderr io.Writer, getenv func(string) string, srv *refserver.Server, s *serveSetup, f serveFlags, name *serveName) {
	fmt.Fprintf(stdout, "listening on %s\n", srv.URL)
	w := &errWriter{w: stdout}
	s.print(w, srv, f)
	name.print(w, srv)
	w.printf("\nCtrl-C stops the server and removes the files it wrote.\n")
	if w.err != nil {
		fmt.Fprintf(stderr, "authconform serve: writing to stdout: %v\n", w.err)
	}
	warnDisagreements(stderr, getenv, srv)
	warnGrantDisagreements(stderr, getenv, srv)
}

// stopServing says why serve stops (the signal, when cause names one) and
// shuts srv down, giving requests under way shutdownTimeout to finish.
func stopServing(cause error, srv *refserver.Server, stderr io.Writer) {
	reason := "stopping"
	if cause != context.Canceled { // a signal says which
		reason = cause.Error() + ": stopping"
	}
	fmt.Fprintf(stderr, "authconform serve: %s\n", reason)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "authconform serve: requests under way were cut short after %s\n", shutdownTimeout)
	}
}

// serveFlags are serve's command line.
type serveFlags struct {
	addr, fault, errorShape string
	allowRemote             bool
	domain, issuer          string
	tlsCert, tlsKey         string
}

func parseServeFlags(args []string, stdout, stderr io.Writer) (f serveFlags, code int, done bool) {
	fl := flag.NewFlagSet("authconform serve", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	fl.Usage = func() {}
	fl.StringVar(&f.addr, "addr", refserver.DefaultAddr, "listen address host:port; port 0 lets the system choose")
	fl.BoolVar(&f.allowRemote, "allow-remote", false, "allow an -addr other machines can reach, such as :8080")
	fl.StringVar(&f.fault, "fault", "", "break one rule (authconform -list-faults lists them), to rehearse a client's error handling")
	fl.StringVar(&f.errorShape, "error-shape", refserver.ErrorShapeErrors, "error bodies: errors (Commerce Layer's) or rfc6749 (RFC 6749 §5.2's)")
	fl.StringVar(&f.domain, "domain", "", "serve HTTPS as https://auth.DOMAIN (on -addr; the name must resolve there), with a certificate from a CA made for this run")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "with -domain: your PEM certificate for auth.DOMAIN, instead of a generated one")
	fl.StringVar(&f.tlsKey, "tls-key", "", "with -tls-cert: its PEM private key")
	fl.StringVar(&f.issuer, "issuer", "", "tokens' iss, e.g. https://auth.example.test behind a TLS proxy of yours (default $"+config.EnvIssuer+", else serve's URL)")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, serveUsage)
			fl.SetOutput(stdout)
			fl.PrintDefaults()
			return f, conform.ExitPass, true
		}
		fmt.Fprintf(stderr, "authconform serve: %v (authconform serve -h lists the flags)\n", err)
		return f, conform.ExitConfig, true
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "authconform serve: unexpected argument %q; all options are flags (see authconform serve -h)\n", fl.Arg(0))
		return f, conform.ExitConfig, true
	}
	return f, 0, false
}

func (f serveFlags) check() error {
	if f.fault != "" && faultRule(f.fault) == "" {
		return fmt.Errorf("-fault %q: no such fault; authconform -list-faults lists them", f.fault)
	}
	if f.errorShape != refserver.ErrorShapeErrors && f.errorShape != refserver.ErrorShapeRFC6749 {
		return fmt.Errorf("-error-shape %q: want %s or %s", f.errorShape, refserver.ErrorShapeErrors, refserver.ErrorShapeRFC6749)
	}
	return f.checkName()
}

// faultRule is the rule the fault breaks, "" for no such fault.
func faultRule(name string) string {
	for _, f := range refserver.Faults() {
		if f.Name == name {
			return f.Breaks
		}
	}
	return ""
}

// serveSetup is the server's clients and markets, each value with the
// variable it came from or goes to.
type serveSetup struct {
	salesChannel, integration refserver.Client
	customer                  refserver.Customer
	markets                   []string
	scopes                    serveScopes
	vars                      []serveVar
	secrets                   []serveSecret
	dir                       string // holds the generated secrets' files
	grants                    serveGrants
}

// serveVar is one variable to export for the suite.
type serveVar struct {
	name, value, origin string
}

// serveSecret is a client's secret and the variables that may hold it.
type serveSecret struct {
	value        *string
	inline, file string // variable names
	fromFile     string // the file variable's value, "" when unset
	fileName     string // of the file a generated one goes to
	generated    bool
}

// newServeSetup reads the clients and markets as the suite does
// (config.FromEnv) and generates what is unset.
func newServeSetup(getenv func(string) string) (*serveSetup, error) {
	// The server is no target: a target URL set for runs is not its
	// business, and a bad one no error here.
	t, err := config.FromEnv(unset(getenv, config.EnvTarget))
	if err != nil {
		return nil, err
	}
	s := &serveSetup{salesChannel: serveClient(t.SalesChannel), integration: serveClient(t.Integration),
		customer: refserver.Customer{Email: t.Customer.Email, Password: t.Customer.Password}}
	market, other := t.MarketID, t.OtherMarketID
	if err := s.settleIDs(&market, &other); err != nil {
		return nil, err
	}
	s.markets = []string{market, other}
	if s.scopes, err = newServeScopes(t.ScopeResources, market, &s.vars); err != nil {
		return nil, err
	}
	s.addLifetimes(t)
	s.secrets = []serveSecret{
		{value: &s.salesChannel.Secret, inline: config.EnvSalesChannelClientSecret, file: config.EnvSalesChannelSecretFile, fileName: "sales-channel-client-secret"},
		{value: &s.integration.Secret, inline: config.EnvIntegrationClientSecret, file: config.EnvIntegrationSecretFile, fileName: "integration-client-secret"},
		{value: &s.customer.Password, inline: config.EnvCustomerPassword, file: config.EnvCustomerPasswordFile, fileName: "customer-password"},
	}
	s.readGrants(t, getenv)
	s.generateSecrets(getenv)
	return s, nil
}

// serveClient is the server's client for a client the suite configures.
func serveClient(c config.Client) refserver.Client {
	return refserver.Client{ID: c.ID, Secret: c.Secret, Lifetime: c.Lifetime}
}

// settleIDs generates the clients' ids, the two markets and the
// customer's email where the environment sets none, noting each one's
// origin in s.vars, and refuses a market id the server cannot serve and
// two clients or markets that are one.
func (s *serveSetup) settleIDs(market, other *string) error {
	for _, v := range []struct {
		name string
		dst  *string
		gen  func() string
	}{
		{config.EnvSalesChannelClientID, &s.salesChannel.ID, func() string { return "sc_" + rand.Text() }},
		{config.EnvIntegrationClientID, &s.integration.ID, func() string { return "int_" + rand.Text() }},
		{config.EnvMarketID, market, func() string { return rand.Text()[:10] }},
		{config.EnvOtherMarketID, other, func() string { return rand.Text()[:10] }},
		{config.EnvCustomerEmail, &s.customer.Email, func() string { return "customer-" + strings.ToLower(rand.Text()[:10]) + "@authconform.test" }},
	} {
		origin := "from your environment"
		if *v.dst == "" {
			*v.dst, origin = v.gen(), "generated"
		} else if !marketLike(*v.dst) && (v.name == config.EnvMarketID || v.name == config.EnvOtherMarketID) {
			return fmt.Errorf("%s=%q: want a market id of letters, digits, '-' and '_'", v.name, *v.dst)
		}
		s.vars = append(s.vars, serveVar{v.name, *v.dst, origin})
	}
	switch {
	case s.salesChannel.ID == s.integration.ID:
		return fmt.Errorf("%s and %s are both %q; want two different clients", config.EnvSalesChannelClientID, config.EnvIntegrationClientID, s.salesChannel.ID)
	case *market == *other:
		return fmt.Errorf("%s and %s are both %q; want two different markets", config.EnvMarketID, config.EnvOtherMarketID, *market)
	}
	return nil
}

// addLifetimes notes the lifetimes the server's tokens get: the
// environment's, else the documented defaults, which the server takes for
// a Lifetime of 0.
func (s *serveSetup) addLifetimes(t config.Target) {
	for _, v := range []struct {
		name       string
		value, def int
	}{
		{config.EnvSalesChannelExpiresIn, t.SalesChannel.Lifetime, refserver.SalesChannelLifetime},
		{config.EnvIntegrationExpiresIn, t.Integration.Lifetime, refserver.IntegrationLifetime},
	} {
		origin := "from your environment"
		if v.value == 0 {
			v.value, origin = v.def, "the documented default"
		}
		s.vars = append(s.vars, serveVar{v.name, strconv.Itoa(v.value), origin})
	}
}

// generateSecrets gives each client without a secret a new one, and notes
// where a configured one came from.
func (s *serveSetup) generateSecrets(getenv func(string) string) {
	for i := range s.secrets {
		sec := &s.secrets[i]
		sec.fromFile = strings.TrimSpace(getenv(sec.file))
		if *sec.value == "" {
			*sec.value, sec.generated = rand.Text()+rand.Text(), true
		}
	}
}

// marketLike is the reference server's rule for a market id.
func marketLike(id string) bool {
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return id != ""
}

// writeSecrets writes each generated secret to its own file, mode 0600, in
// a new private directory, which the caller removes when the server stops.
func (s *serveSetup) writeSecrets() error {
	dir, err := os.MkdirTemp("", "authconform-serve-")
	if err != nil {
		return fmt.Errorf("a directory for the generated secrets: %v", err)
	}
	s.dir = dir
	for _, sec := range s.secrets {
		if !sec.generated {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, sec.fileName), []byte(*sec.value+"\n"), 0o600); err != nil {
			os.RemoveAll(dir)
			return fmt.Errorf("writing a generated secret: %v", err)
		}
	}
	return nil
}

func (s *serveSetup) options(f serveFlags) refserver.Options {
	o := refserver.Options{
		Addr: f.addr, AllowRemote: f.allowRemote, Fault: f.fault, ErrorShape: f.errorShape,
		SalesChannel: s.salesChannel, Integration: s.integration, Markets: s.markets, Customer: s.customer,
	}
	s.scopes.options(&o)
	s.grantOptions(&o)
	return o
}

// print writes what follows the first line: the endpoints, the fault, and
// the variables that point the suite (or a client) at the server. It
// never prints a secret: only the file that holds a generated one.
func (s *serveSetup) print(w *errWriter, srv *refserver.Server, f serveFlags) {
	if f.allowRemote {
		w.printf("  %s\n", reachNote(srv))
	}
	for _, e := range []struct{ method, path, what string }{
		{"POST", refserver.TokenPath, "token (JSON or form body)"},
		{"GET ", refserver.JWKSPath, "keys of its RS512 tokens"},
		{"POST", refserver.RevokePath, "revocation"},
		{"GET ", refserver.ResourcePath, "protected resource (Authorization: Bearer TOKEN)"},
		{"GET ", refserver.AuthorizePath, authorizeNote},
	} {
		w.printf("  %s %-*s %s\n", e.method, len(srv.URL)+len(refserver.JWKSPath), srv.URL+e.path, e.what)
	}
	if f.fault == "" {
		w.printf("fault: none (-fault NAME breaks one rule; authconform -list-faults lists them)\n")
	} else {
		w.printf("fault: %s: breaks %s\n", f.fault, faultRule(f.fault))
	}
	w.printf("error bodies: %s\n", f.errorShape)
	w.printf("\nTo run the suite or your client against it, in another shell:\n")
	w.printf("export %s=%s\n", config.EnvTarget, shellQuote(srv.URL))
	w.printf("export %s=%s\n", config.EnvResourceURL, shellQuote(srv.URL+refserver.ResourcePath))
	s.printGrants(w, srv)
	for _, v := range s.vars {
		w.printf("export %s=%s  # %s\n", v.name, shellQuote(v.value), v.origin)
	}
	for _, sec := range s.secrets {
		switch {
		case sec.generated:
			w.printf("export %s=%s  # generated secret, readable by you only\n", sec.file, shellQuote(filepath.Join(s.dir, sec.fileName)))
		case sec.fromFile != "":
			w.printf("export %s=%s  # from your environment\n", sec.file, shellQuote(sec.fromFile))
		default:
			w.printf("# %s: from your environment (not shown)\n", sec.inline)
		}
	}
}

// warnDisagreements names the variables with which the suite, run in this
// environment, would look for something this server does not have.
func warnDisagreements(stderr io.Writer, getenv func(string) string, srv *refserver.Server) {
	for _, v := range []struct{ name, want string }{
		{config.EnvTokenPath, refserver.TokenPath},
		{config.EnvRevokePath, refserver.RevokePath},
		{config.EnvIssuer, cmp.Or(srv.Issuer, srv.URL)},
		{config.EnvJWKSURL, srv.URL + refserver.JWKSPath},
		{config.EnvProfile, config.CommerceLayer.Name},
	} {
		if got := strings.TrimSpace(getenv(v.name)); got != "" && strings.TrimSuffix(got, "/") != v.want {
			fmt.Fprintf(stderr, "authconform serve: %s=%s does not fit this server; unset it to run the suite against it\n", v.name, shellQuote(got))
		}
	}
}

// errWriter keeps the first write error, so a run of prints checks once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}

// shellQuote writes s so that a POSIX shell reads it back as is.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-./:@%+=,", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	// The reproduce lines' quoting: a control or bidi character is written
	// as $'\xNN', so an export line never writes one raw to the terminal.
	q, err := repro.Quote(s)
	if err != nil { // a NUL byte, which no environment value or path holds
		return "''"
	}
	return q
}
