package conform

import (
	"github.com/authconform/authconform/conform/setup"
	"github.com/authconform/authconform/internal/config"
)

// Profile names the family of servers judged.
type Profile string

const (
	// CommerceLayer is Commerce Layer's documented flow: JSON bodies, a
	// sales channel and an integration, RS512 JWT access tokens,
	// revocation. The default.
	CommerceLayer Profile = "commercelayer"
	// RFC6749 is plain RFC 6749 §4.4: form bodies, client_secret_post and
	// client_secret_basic, RFC 6749's own answers.
	RFC6749 Profile = "rfc6749"
)

// Client is one API credential of the target (package setup's, which the
// reference server shares). It prints without its secret.
type Client = setup.Client

// Target is the server under test, as the AUTHCONFORM_* variables describe
// it (TargetFromEnv). Only URL is required; a part left empty leaves out
// the scenarios that need it, each with its reason. It is package setup's
// type, which refserver.Server.Target returns.
type Target = setup.Target

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
	pt, err := fromConfig(t)
	if err != nil {
		return Target{}, "", err
	}
	return pt, Profile(t.Profile.Name), nil
}

// fromConfig is the public form of a configured target; its URL, if any,
// must parse.
func fromConfig(t config.Target) (Target, error) {
	var u URL
	if t.BaseURL != "" {
		var err error
		if u, err = ParseURL(t.BaseURL); err != nil {
			return Target{}, err
		}
	}
	c := func(x config.Client) Client {
		return Client{ID: x.ID, Secret: x.Secret, Lifetime: x.Lifetime, SecretFromFile: x.SecretFromFile}
	}
	return Target{
		URL: u, TokenPath: t.TokenPath, RevokePath: t.RevokePath,
		Issuer: t.Issuer, JWKSURL: t.JWKSURL, ResourceURL: t.ResourceURL,
		SalesChannel: c(t.SalesChannel), Integration: c(t.Integration),
		MarketID: t.MarketID, OtherMarketID: t.OtherMarketID,
		Client: c(t.Client), BasicClient: c(t.BasicClient),
		Scope: t.Scope, ForbiddenScope: t.ForbiddenScope,
		ClockSkew: t.ClockSkew,
		Webapp:    c(t.Webapp), RedirectURI: t.RedirectURI, AuthorizationCode: setup.Code(t.AuthorizationCode),
		AuthorizeURL: t.AuthorizeURL, CustomerID: t.CustomerID,
	}, nil
}

// configOf is t as the suite's configuration under profile p, defaults
// applied.
func configOf(t Target, p Profile) (config.Target, error) {
	prof, err := profile(p)
	if err != nil {
		return config.Target{}, err
	}
	c := func(x Client, def int) config.Client {
		if x.Lifetime == 0 {
			x.Lifetime = def
		}
		return config.Client{ID: x.ID, Secret: x.Secret, Lifetime: x.Lifetime, SecretFromFile: x.SecretFromFile}
	}
	ct := config.Target{
		BaseURL: t.URL.String(), TokenPath: t.TokenPath, RevokePath: t.RevokePath,
		Issuer: t.Issuer, JWKSURL: t.JWKSURL, ResourceURL: t.ResourceURL,
		SalesChannel: c(t.SalesChannel, config.DefaultSalesChannelLifetime),
		Integration:  c(t.Integration, config.DefaultIntegrationLifetime),
		MarketID:     t.MarketID, OtherMarketID: t.OtherMarketID,
		Client: c(t.Client, 0), BasicClient: c(t.BasicClient, 0),
		Scope: t.Scope, ForbiddenScope: t.ForbiddenScope,
		ClockSkew: t.ClockSkew, Profile: prof,
		Webapp: c(t.Webapp, 0), RedirectURI: t.RedirectURI, AuthorizationCode: string(t.AuthorizationCode),
		AuthorizeURL: t.AuthorizeURL, CustomerID: t.CustomerID,
	}
	if ct.TokenPath == "" {
		ct.TokenPath = config.DefaultTokenPath
	}
	if ct.RevokePath == "" {
		ct.RevokePath = config.DefaultRevokePath
	}
	if ct.ClockSkew == 0 {
		ct.ClockSkew = config.DefaultClockSkew
	}
	return ct, nil
}

func profile(p Profile) (config.Profile, error) {
	if p == "" {
		p = CommerceLayer
	}
	return config.ProfileNamed(string(p))
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
