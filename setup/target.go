package setup

import (
	"fmt"
	"strings"
	"time"
)

// Client is one API credential of the target. Lifetime is the expires_in
// its tokens should have, in seconds (0: the documented default, or, for
// the RFC 6749 profile's clients, unknown: those checks are left out).
type Client struct {
	ID       string
	Secret   string
	Lifetime int
	// SecretFromFile says the secret was read from the file a *_FILE
	// variable names (TargetFromEnv sets it), so the run's reproduce
	// commands read it from that file too instead of naming the variable
	// that holds it.
	SecretFromFile bool
	// SecretVar is the environment variable that holds the secret (with
	// SecretFromFile, its file's path) when it is not the client's
	// AUTHCONFORM_* variable, and SecretPath, with SecretFromFile, the
	// file's path when no variable holds it: the authconform command sets
	// them from a settings file (-config), so that reproduce commands read
	// the secret from where the person keeps it.
	SecretVar, SecretPath string
}

// String shows the client without its secret.
func (c Client) String() string {
	secret := ""
	if c.Secret != "" {
		secret = "[REDACTED]"
	}
	return fmt.Sprintf("{ID:%s Secret:%s Lifetime:%d}", c.ID, secret, c.Lifetime)
}

// GoString is String, so %#v hides the secret too.
func (c Client) GoString() string { return c.String() }

// Target is the server under test. Only URL is required; a part left
// empty leaves out the scenarios that need it, each with its reason.
type Target struct {
	// URL is the base URL, scheme://host[:port][/prefix]: https, or plain
	// http on loopback only unless the run allows plain http.
	URL URL
	// TokenPath and RevokePath are joined to URL; empty: /oauth/token and
	// /oauth/revoke.
	TokenPath, RevokePath string
	// Issuer is the iss the target's tokens carry (empty: URL); JWKSURL
	// where its keys are (empty: Issuer + /.well-known/jwks.json);
	// ResourceURL a URL of its API that answers 200 to a valid token.
	Issuer, JWKSURL, ResourceURL string

	// The Commerce Layer profile's credentials and markets.
	SalesChannel, Integration Client
	MarketID, OtherMarketID   string
	// Customer signs in with the sales channel (the password grant).
	Customer Customer
	// ScopeResources are MarketID's code, a store and a stock location of
	// that market, for the scopes that name them.
	ScopeResources

	// The RFC 6749 profile's clients (client_secret_post and
	// client_secret_basic; they may be the same) and scopes.
	Client, BasicClient   Client
	Scope, ForbiddenScope string

	// ClockSkew is the allowed distance of created_at and iat from the
	// time of issue; 0 means 60 s.
	ClockSkew time.Duration

	// The grants that act for someone. Webapp is a webapp credential
	// (authorization_code; its Lifetime 0: judged by the token's own
	// exp − iat) and RedirectURI its redirect URI. AuthorizationCode is
	// one fresh code a person obtained, used once by one scenario;
	// AuthorizeURL an authorize endpoint that answers the webapp's GET with
	// a redirect carrying a code, so that each scenario gets its own.
	// CustomerID is a customer the JWT bearer assertions name as owner.
	Webapp                   Client
	RedirectURI              string
	AuthorizationCode        Code
	AuthorizeURL, CustomerID string
}

// Code is a secret such as an authorization code: it prints masked, as a
// Client's secret does.
type Code string

// String shows that there is a code, never the code.
func (c Code) String() string {
	if c == "" {
		return ""
	}
	return "[REDACTED]"
}

// GoString is String, so %#v hides the code too.
func (c Code) GoString() string { return c.String() }

// ScopeResources are what a scope may name besides a market's id: the
// code of the market MarketID names, a store of that market and a stock
// location of that market (not of OtherMarketID's), each by id and by
// code. Every one is optional: the scenarios that need one are left out
// without it.
type ScopeResources struct {
	MarketCode                         string
	StoreID, StoreCode                 string
	StockLocationID, StockLocationCode string
}

// MarketCodeOtherCase is the market code with the case of each letter
// changed, which a case-sensitive server does not know (Commerce Layer
// docs, markets: the code is "case-sensitive"); "" when the code has no
// letter to change.
func (r ScopeResources) MarketCodeOtherCase() string {
	changed := false
	out := strings.Map(func(c rune) rune {
		switch {
		case c >= 'a' && c <= 'z':
			changed = true
			return c - 'a' + 'A'
		case c >= 'A' && c <= 'Z':
			changed = true
			return c - 'A' + 'a'
		}
		return c
	}, r.MarketCode)
	if !changed {
		return ""
	}
	return out
}
