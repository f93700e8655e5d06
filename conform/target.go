package conform

import (
	"fmt"
	"time"

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

// Client is one API credential of the target. Lifetime is the expires_in
// its tokens should have, in seconds (0: the documented default, or, for
// the RFC 6749 profile's clients, unknown: those checks are left out).
type Client struct {
	ID       string
	Secret   string
	Lifetime int
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

// Target is the server under test, as the AUTHCONFORM_* variables describe
// it (TargetFromEnv). Only URL is required; a part left empty leaves out
// the scenarios that need it, each with its reason.
type Target struct {
	// URL is the base URL, scheme://host[:port][/prefix]. https, or plain
	// http on loopback only unless Options.AllowHTTP.
	URL string
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
	// MarketCode is MarketID's code; StoreID and StoreCode a store of
	// that market; StockLocationID and StockLocationCode a stock location
	// of it (not of OtherMarketID's): for the scopes that name them.
	MarketCode, StoreID, StoreCode, StockLocationID, StockLocationCode string

	// The RFC 6749 profile's clients (client_secret_post and
	// client_secret_basic; they may be the same) and scopes.
	Client, BasicClient   Client
	Scope, ForbiddenScope string

	// ClockSkew is the allowed distance of created_at and iat from the
	// time of issue; 0 means 60 s.
	ClockSkew time.Duration

	// fromFile says which secrets TargetFromEnv read from the file a
	// *_FILE variable names, so that the run's reproduce commands read
	// them from there too.
	fromFile secretFiles
}

// secretFiles has one flag per client: its secret came from a file.
type secretFiles struct{ salesChannel, integration, client, basicClient bool }

// TargetFromEnv reads a target and its profile from AUTHCONFORM_*
// variables, as the authconform command does.
func TargetFromEnv(getenv func(string) string) (Target, Profile, error) {
	t, err := config.FromEnv(getenv)
	if err != nil {
		return Target{}, "", err
	}
	return fromConfig(t), Profile(t.Profile.Name), nil
}

// fromConfig is the public form of a configured target.
func fromConfig(t config.Target) Target {
	c := func(x config.Client) Client { return Client{ID: x.ID, Secret: x.Secret, Lifetime: x.Lifetime} }
	return Target{
		URL: t.BaseURL, TokenPath: t.TokenPath, RevokePath: t.RevokePath,
		Issuer: t.Issuer, JWKSURL: t.JWKSURL, ResourceURL: t.ResourceURL,
		SalesChannel: c(t.SalesChannel), Integration: c(t.Integration),
		MarketID: t.MarketID, OtherMarketID: t.OtherMarketID,
		MarketCode: t.MarketCode, StoreID: t.StoreID, StoreCode: t.StoreCode,
		StockLocationID: t.StockLocationID, StockLocationCode: t.StockLocationCode,
		Client: c(t.Client), BasicClient: c(t.BasicClient),
		Scope: t.Scope, ForbiddenScope: t.ForbiddenScope,
		ClockSkew: t.ClockSkew,
		fromFile: secretFiles{
			salesChannel: t.SalesChannel.SecretFromFile, integration: t.Integration.SecretFromFile,
			client: t.Client.SecretFromFile, basicClient: t.BasicClient.SecretFromFile,
		},
	}
}

// config is the target as the suite's configuration, defaults applied.
func (t Target) config(p Profile) (config.Target, error) {
	prof, err := profile(p)
	if err != nil {
		return config.Target{}, err
	}
	c := func(x Client, def int, fromFile bool) config.Client {
		if x.Lifetime == 0 {
			x.Lifetime = def
		}
		return config.Client{ID: x.ID, Secret: x.Secret, Lifetime: x.Lifetime, SecretFromFile: fromFile}
	}
	f := t.fromFile
	ct := config.Target{
		BaseURL: t.URL, TokenPath: t.TokenPath, RevokePath: t.RevokePath,
		Issuer: t.Issuer, JWKSURL: t.JWKSURL, ResourceURL: t.ResourceURL,
		SalesChannel: c(t.SalesChannel, config.DefaultSalesChannelLifetime, f.salesChannel),
		Integration:  c(t.Integration, config.DefaultIntegrationLifetime, f.integration),
		MarketID:     t.MarketID, OtherMarketID: t.OtherMarketID,
		ScopeResources: config.ScopeResources{
			MarketCode: t.MarketCode, StoreID: t.StoreID, StoreCode: t.StoreCode,
			StockLocationID: t.StockLocationID, StockLocationCode: t.StockLocationCode,
		},
		Client: c(t.Client, 0, f.client), BasicClient: c(t.BasicClient, 0, f.basicClient),
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

// IsLoopback reports whether the target is on this machine, as Run
// decides it (no default rate limit; plain http allowed): localhost, a
// loopback address, or a name that resolves within a second to loopback
// addresses only. Anything else, or a URL that does not parse, is remote.
func (t Target) IsLoopback() bool { return config.Target{BaseURL: t.URL}.IsLoopback() }
