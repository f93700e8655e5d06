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
// reference server shares). It prints without its secret. Lifetime is the
// expires_in its tokens should have, in seconds, when you know it (an
// account's lifetimes can be changed per credential); 0 judges each
// token's expires_in against the lifetime the token itself carries (a
// JWT's exp − iat), and warns when a Commerce Layer credential's differs
// from the documented default.
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
		return Client{ID: x.ID, Secret: x.Secret, Lifetime: x.Lifetime, SecretFromFile: x.SecretFromFile, SecretVar: x.SecretVar, SecretPath: x.SecretPath}
	}
	return Target{
		URL: u, TokenPath: t.TokenPath, RevokePath: t.RevokePath,
		Issuer: t.Issuer, JWKSURL: t.JWKSURL, ResourceURL: t.ResourceURL,
		SalesChannel: c(t.SalesChannel), Integration: c(t.Integration),
		MarketID: t.MarketID, OtherMarketID: t.OtherMarketID,
		MarketCode: t.MarketCode, StoreID: t.StoreID, StoreCode: t.StoreCode,
		StockLocationID: t.StockLocationID, StockLocationCode: t.StockLocationCode,
		Client: c(t.Client), BasicClient: c(t.BasicClient),
		Scope: t.Scope, ForbiddenScope: t.ForbiddenScope,
		ClockSkew: t.ClockSkew,
	}, nil
}

// configOf is t as the suite's configuration under profile p, defaults
// applied.
func configOf(t Target, p Profile) (config.Target, error) {
	prof, err := profile(p)
	if err != nil {
		return config.Target{}, err
	}
	c := func(x Client) config.Client {
		return config.Client{ID: x.ID, Secret: x.Secret, Lifetime: x.Lifetime, SecretFromFile: x.SecretFromFile, SecretVar: x.SecretVar, SecretPath: x.SecretPath}
	}
	ct := config.Target{
		BaseURL: t.URL.String(), TokenPath: t.TokenPath, RevokePath: t.RevokePath,
		Issuer: t.Issuer, JWKSURL: t.JWKSURL, ResourceURL: t.ResourceURL,
		SalesChannel: c(t.SalesChannel), Integration: c(t.Integration),
		MarketID: t.MarketID, OtherMarketID: t.OtherMarketID,
		ScopeResources: config.ScopeResources{
			MarketCode: t.MarketCode, StoreID: t.StoreID, StoreCode: t.StoreCode,
			StockLocationID: t.StockLocationID, StockLocationCode: t.StockLocationCode,
		},
		Client: c(t.Client), BasicClient: c(t.BasicClient),
		Scope: t.Scope, ForbiddenScope: t.ForbiddenScope,
		ClockSkew: t.ClockSkew, Profile: prof,
	}
	for _, v := range []struct{ name, value string }{
		{"Target.MarketCode", t.MarketCode}, {"Target.StoreID", t.StoreID}, {"Target.StoreCode", t.StoreCode},
		{"Target.StockLocationID", t.StockLocationID}, {"Target.StockLocationCode", t.StockLocationCode},
	} {
		if err := config.CheckScopeValue(v.name, v.value); err != nil {
			return config.Target{}, err
		}
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
