package config

import (
	"cmp"

	"github.com/authconform/authconform/conform/setup"
)

// Resolve is the target a run's options describe, as the steps use it:
// profile p ("" is Commerce Layer's), each default applied. A run resolves
// its target once, when it plans.
func Resolve(t setup.Target, p setup.Profile) (Target, error) {
	if p == "" {
		p = setup.CommerceLayer
	}
	prof, err := ProfileNamed(string(p))
	if err != nil {
		return Target{}, err
	}
	for _, v := range []struct{ name, value string }{
		{"Target.MarketCode", t.MarketCode}, {"Target.StoreID", t.StoreID}, {"Target.StoreCode", t.StoreCode},
		{"Target.StockLocationID", t.StockLocationID}, {"Target.StockLocationCode", t.StockLocationCode},
	} {
		if err := CheckScopeValue(v.name, v.value); err != nil {
			return Target{}, err
		}
	}
	c := func(x setup.Client) Client {
		return Client{ID: x.ID, Secret: x.Secret, Lifetime: x.Lifetime, SecretFromFile: x.SecretFromFile, SecretVar: x.SecretVar, SecretPath: x.SecretPath}
	}
	return Target{
		URL: t.URL, TokenPath: cmp.Or(t.TokenPath, DefaultTokenPath), RevokePath: cmp.Or(t.RevokePath, DefaultRevokePath),
		Issuer: t.Issuer, JWKSURL: t.JWKSURL, ResourceURL: t.ResourceURL,
		SalesChannel: c(t.SalesChannel), Integration: c(t.Integration),
		MarketID: t.MarketID, OtherMarketID: t.OtherMarketID,
		ScopeResources: ScopeResources{
			MarketCode: t.MarketCode, StoreID: t.StoreID, StoreCode: t.StoreCode,
			StockLocationID: t.StockLocationID, StockLocationCode: t.StockLocationCode,
		},
		Client: c(t.Client), BasicClient: c(t.BasicClient),
		Scope: t.Scope, ForbiddenScope: t.ForbiddenScope,
		ClockSkew: cmp.Or(t.ClockSkew, DefaultClockSkew), Profile: prof,
		Webapp: c(t.Webapp), RedirectURI: t.RedirectURI, AuthorizationCode: string(t.AuthorizationCode),
		AuthorizeURL: t.AuthorizeURL, CustomerID: t.CustomerID,
	}, nil
}

// Setup is t as a run's options give it, and its profile: what Resolve
// reads back to t.
func (t Target) Setup() (setup.Target, setup.Profile) {
	c := func(x Client) setup.Client {
		return setup.Client{ID: x.ID, Secret: x.Secret, Lifetime: x.Lifetime, SecretFromFile: x.SecretFromFile, SecretVar: x.SecretVar, SecretPath: x.SecretPath}
	}
	return setup.Target{
		URL: t.URL, TokenPath: t.TokenPath, RevokePath: t.RevokePath,
		Issuer: t.Issuer, JWKSURL: t.JWKSURL, ResourceURL: t.ResourceURL,
		SalesChannel: c(t.SalesChannel), Integration: c(t.Integration),
		MarketID: t.MarketID, OtherMarketID: t.OtherMarketID,
		MarketCode: t.MarketCode, StoreID: t.StoreID, StoreCode: t.StoreCode,
		StockLocationID: t.StockLocationID, StockLocationCode: t.StockLocationCode,
		Client: c(t.Client), BasicClient: c(t.BasicClient),
		Scope: t.Scope, ForbiddenScope: t.ForbiddenScope,
		ClockSkew: t.ClockSkew,
		Webapp:    c(t.Webapp), RedirectURI: t.RedirectURI, AuthorizationCode: setup.Code(t.AuthorizationCode),
		AuthorizeURL: t.AuthorizeURL, CustomerID: t.CustomerID,
	}, setup.Profile(t.Profile.Name)
}
