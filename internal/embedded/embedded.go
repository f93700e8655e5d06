// Package embedded describes the reference server as a target: its base URL
// plus the fixed clients, markets, store and stock location it knows, as
// the suite's configuration.
//
// It is wiring between the judged (internal/refserver) and the judge's
// configuration (internal/config), so that neither imports the other and
// the CLI and every test point at the reference server the same way.
package embedded

import (
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/setup"
)

// Issuer is the iss of the reference server's tokens in the runs that
// judge it (ServerOptions): an https://auth. name, the only kind Commerce
// Layer's clients follow, as a server that follows the docs has. Nothing
// resolves it (.test, RFC 2606): the suite reads the keys from the server
// itself, as for a target behind a TLS proxy (Target's JWKSURL).
const Issuer = "https://auth.authconform.test"

// Target is the configuration of a reference server listening at url,
// started with ServerOptions (or at least their Issuer). It configures no
// lifetime, as a user who has not changed any would not: each token's
// expires_in is judged against the token itself. It panics when url is
// not a target's base URL: it is a listening server's, such as an
// httptest.Server's.
func Target(url string) config.Target {
	base, err := config.ParseBaseURL(url)
	if err != nil {
		panic("embedded.Target: " + err.Error())
	}
	text, err := setup.ParseURL(url) // the same URL as the options hold it
	if err != nil {
		panic("embedded.Target: " + err.Error())
	}
	return config.Target{URL: base, Profile: config.CommerceLayer, Target: setup.Target{
		URL: text, Issuer: Issuer, JWKSURL: url + config.JWKSPath,
		TokenPath: config.DefaultTokenPath, RevokePath: config.DefaultRevokePath,
		SalesChannel: config.Client{ID: refserver.SalesChannelClientID, Secret: refserver.SalesChannelClientSecret},
		MarketID:     refserver.MarketID, OtherMarketID: refserver.OtherMarketID,
		ScopeResources: config.ScopeResources{
			MarketCode: refserver.MarketCode,
			StoreID:    refserver.StoreID, StoreCode: refserver.StoreCode,
			StockLocationID: refserver.StockLocationID, StockLocationCode: refserver.StockLocationCode,
		},
		Integration: config.Client{ID: refserver.IntegrationClientID, Secret: refserver.IntegrationClientSecret},
		ClockSkew:   config.DefaultClockSkew,
		// The rfc6749 profile's clients are the integration, once
		// authenticating in the body and once with HTTP Basic; its scopes
		// are a market it may have and one that does not exist.
		Client:      config.Client{ID: refserver.IntegrationClientID, Secret: refserver.IntegrationClientSecret},
		BasicClient: config.Client{ID: refserver.IntegrationClientID, Secret: refserver.IntegrationClientSecret},
		Scope:       "market:id:" + refserver.MarketID, ForbiddenScope: "market:id:" + ForbiddenMarketID,
		ResourceURL: url + refserver.ResourcePath,
		Customer:    config.Customer{Email: refserver.CustomerEmail, Password: refserver.CustomerPassword},
		// The webapp gets its codes from the server's authorize endpoint,
		// which approves at once; its lifetime is left for the tokens to
		// say. Assertions name the server's customer.
		Webapp:      config.Client{ID: refserver.WebappClientID, Secret: refserver.WebappClientSecret},
		RedirectURI: refserver.WebappRedirectURI, AuthorizeURL: url + refserver.AuthorizePath,
		CustomerID: refserver.CustomerID,
	}}
}

// ForbiddenMarketID is a market the reference server does not know, the
// rfc6749 profile's forbidden scope.
const ForbiddenMarketID = "zzNoSuchMk"

// ServerOptions are the reference server's options for a run of profile
// p, with fault (may be ""): RFC 6749's error members for the rfc6749
// profile, Commerce Layer's errors array otherwise; tokens naming Issuer.
func ServerOptions(p config.Profile, fault string) refserver.Options {
	o := refserver.Options{Fault: fault, Issuer: Issuer}
	if p.Name == config.RFC6749.Name {
		o.ErrorShape = refserver.ErrorShapeRFC6749
	}
	return o
}
