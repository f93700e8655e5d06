package main

import (
	"crypto/rand"
	"fmt"
	"io"
	"strings"

	"github.com/authconform/authconform/conform/refserver"
	"github.com/authconform/authconform/internal/config"
)

// serve's webapp and customer: the grants that act for someone. Like the
// sales channel and the integration, they come from the variables the
// suite reads, and what is unset is generated for the run.

// serveGrants are the webapp, its redirect URI and the customer serve
// runs with.
type serveGrants struct {
	webapp      refserver.Client
	redirectURI string
	customerID  string
}

// readGrants takes the webapp and the customer from t, generates what is
// unset, and notes each value's variable; the webapp's secret joins the
// others (a generated one goes to a file).
func (s *serveSetup) readGrants(t config.Target, getenv func(string) string) {
	g := &s.grants
	g.webapp = refserver.Client{ID: t.Webapp.ID, Secret: t.Webapp.Secret, Lifetime: t.Webapp.Lifetime}
	g.redirectURI, g.customerID = t.RedirectURI, t.CustomerID
	for _, v := range []struct {
		name string
		dst  *string
		gen  func() string
		how  string // the origin of a value serve fills in
	}{
		{config.EnvWebappClientID, &g.webapp.ID, func() string { return "wa_" + rand.Text() }, "generated"},
		{config.EnvWebappRedirectURI, &g.redirectURI, func() string { return refserver.WebappRedirectURI }, "the default: the authorize endpoint redirects there, nothing requests it"},
		{config.EnvCustomerID, &g.customerID, func() string { return rand.Text()[:10] }, "generated: the customer assertions may name"},
	} {
		origin := "from your environment"
		if *v.dst == "" {
			*v.dst, origin = v.gen(), v.how
		}
		s.vars = append(s.vars, serveVar{v.name, *v.dst, origin})
	}
	if lifetime := strings.TrimSpace(getenv(config.EnvWebappExpiresIn)); lifetime != "" {
		s.vars = append(s.vars, serveVar{config.EnvWebappExpiresIn, lifetime, "from your environment"})
	}
	s.secrets = append(s.secrets, serveSecret{value: &g.webapp.Secret, inline: config.EnvWebappClientSecret, file: config.EnvWebappSecretFile, fileName: "webapp-client-secret"})
}

// grantOptions lays the webapp and the customer over the server's options.
func (s *serveSetup) grantOptions(o *refserver.Options) {
	o.Webapp, o.RedirectURI, o.CustomerID = s.grants.webapp, s.grants.redirectURI, s.grants.customerID
}

// authorizeNote is how serve describes its authorize endpoint: it signs
// nobody in and asks nobody, which no real one does.
const authorizeNote = "authorize: approves at once, for development (no sign-in, no consent), and redirects to the webapp's redirect URI with a code"

// printGrants writes the authorize endpoint's export line.
func (s *serveSetup) printGrants(w *errWriter, srv *refserver.Server) {
	w.printf("export %s=%s  # %s\n", config.EnvAuthorizeURL, shellQuote(srv.URL+refserver.AuthorizePath), "auto-approves: for development only")
}

// warnGrantDisagreements names the variables with which the suite, run in
// this environment, would look for the grants somewhere serve is not. A
// code is a secret: its variable is named, never its value.
func warnGrantDisagreements(stderr io.Writer, getenv func(string) string, srv *refserver.Server) {
	want := srv.URL + refserver.AuthorizePath
	if got := strings.TrimSpace(getenv(config.EnvAuthorizeURL)); got != "" && got != want {
		fmt.Fprintf(stderr, "authconform serve: %s=%s does not fit this server; unset it to run the suite against it\n", config.EnvAuthorizeURL, shellQuote(got))
	}
	if getenv(config.EnvAuthorizationCode) != "" {
		fmt.Fprintf(stderr, "authconform serve: %s is set, but this server never issued that code; unset it to run the suite against it\n", config.EnvAuthorizationCode)
	}
}
