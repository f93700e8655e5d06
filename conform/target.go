package conform

import (
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/setup"
)

// Profile names the family of servers judged (package setup's type).
type Profile = setup.Profile

const (
	// CommerceLayer is Commerce Layer's documented flow: JSON bodies, a
	// sales channel and an integration, RS512 JWT access tokens,
	// revocation. The default.
	CommerceLayer = setup.CommerceLayer
	// RFC6749 is plain RFC 6749 §4.4: form bodies, client_secret_post and
	// client_secret_basic, RFC 6749's own answers.
	RFC6749 = setup.RFC6749
)

// Client is one API credential of the target (package setup's, which the
// reference server shares). It prints without its secret. Lifetime is the
// expires_in its tokens should have, in seconds, when you know it (an
// account's lifetimes can be changed per credential); 0 judges each
// token's expires_in against the lifetime the token itself carries (a
// JWT's exp − iat), and warns when a Commerce Layer credential's differs
// from the documented default.
type Client = setup.Client

// Customer is a customer who signs in with the sales channel (package
// setup's). It prints without its password.
type Customer = setup.Customer

// Target is the server under test, as the AUTHCONFORM_* variables describe
// it (TargetFromEnv). Only URL is required; a part left empty leaves out
// the scenarios that need it, each with its reason. It is package setup's
// type, which refserver.Server.Target returns.
type Target = setup.Target

// ScopeResources are a market's code, a store and a stock location of it,
// for the scopes that name them (package setup's); part of a Target.
type ScopeResources = setup.ScopeResources

// URL is a target's base URL, parsed and checked once (ParseURL).
type URL = setup.URL

// ParseURL parses raw as a target's base URL, by the rules Run holds the
// target to (see setup.ParseURL); the error is one line that never shows
// user info.
func ParseURL(raw string) (URL, error) { return setup.ParseURL(raw) }

// MustParseURL is ParseURL for a URL known to be good, such as that of an
// httptest.Server; it panics on an error.
func MustParseURL(raw string) URL { return setup.MustParseURL(raw) }

// TargetFromEnv reads a target and its profile from AUTHCONFORM_*
// variables, as the authconform command does.
func TargetFromEnv(getenv func(string) string) (Target, Profile, error) {
	t, err := config.FromEnv(getenv)
	if err != nil {
		return Target{}, "", err
	}
	return runner.SetupTarget(t)
}

// ParseProfile returns the profile called name ("commercelayer" or
// "rfc6749"), or an error naming the profiles there are.
func ParseProfile(name string) (Profile, error) {
	p, err := config.ProfileNamed(name)
	if err != nil {
		return "", err
	}
	return Profile(p.Name), nil
}
