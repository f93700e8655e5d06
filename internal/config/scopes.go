package config

import (
	"fmt"
	"strings"
)

// The markets' codes, stores and stock locations a scope may name
// (Commerce Layer docs, "Authentication", authorization scopes: by id,
// {{resource_name}}:id:{{resource_id}}, or by code,
// {{resource_name}}:code:{{resource_code}}).
const (
	EnvMarketCode        = "AUTHCONFORM_MARKET_CODE"
	EnvStoreID           = "AUTHCONFORM_STORE_ID"
	EnvStoreCode         = "AUTHCONFORM_STORE_CODE"
	EnvStockLocationID   = "AUTHCONFORM_STOCK_LOCATION_ID"
	EnvStockLocationCode = "AUTHCONFORM_STOCK_LOCATION_CODE"
)

// ScopeResources are what a scope may name besides a market's id: the
// code of the market MarketID names, a store of that market and a stock
// location of that market, each by id and by code. Every one is optional:
// the scenarios that need one are left out without it.
type ScopeResources struct {
	// MarketCode is the code of the market MarketID names.
	MarketCode string
	// StoreID and StoreCode name a store of that market (the same store
	// or two); a store's scope carries its market.
	StoreID, StoreCode string
	// StockLocationID and StockLocationCode name a stock location of that
	// market, which AUTHCONFORM_OTHER_MARKET_ID's market does not have.
	StockLocationID, StockLocationCode string
}

// vars pairs each value with its variable, for reading and for messages.
func (r *ScopeResources) vars() []struct {
	env string
	dst *string
} {
	return []struct {
		env string
		dst *string
	}{
		{EnvMarketCode, &r.MarketCode},
		{EnvStoreID, &r.StoreID},
		{EnvStoreCode, &r.StoreCode},
		{EnvStockLocationID, &r.StockLocationID},
		{EnvStockLocationCode, &r.StockLocationCode},
	}
}

// scopeResourcesFromEnv reads the variables, trimmed, and refuses a value
// that cannot stand in a scope.
func scopeResourcesFromEnv(getenv func(string) string) (ScopeResources, error) {
	var r ScopeResources
	for _, v := range r.vars() {
		*v.dst = strings.TrimSpace(getenv(v.env))
		if err := CheckScopeValue(v.env, *v.dst); err != nil {
			return r, err
		}
	}
	return r, nil
}

// CheckScopeValue refuses an id or code that cannot be one element of a
// scope: RFC 6749 §3.3 scope-tokens are printable ASCII without space,
// '"' or '\', and a space would split the value into two scopes. name is
// the variable or flag that gave it; "" is not checked (not configured).
func CheckScopeValue(name, value string) error {
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return fmt.Errorf("%s=%q: want an id or code of printable ASCII without spaces, quotes or backslashes (one element of a scope, RFC 6749 §3.3)", name, shorten(value))
		}
	}
	return nil
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

// scopeGaps are the scenarios the missing resources leave out.
func (r ScopeResources) scopeGaps() []Gap {
	noCode := "no market code: set " + EnvMarketCode + " to the code of the market " + EnvMarketID + " names"
	caseGap := noCode
	if r.MarketCode != "" {
		caseGap = "the market code has no letter whose case could change (" + EnvMarketCode + ")"
	}
	var gaps []Gap
	for _, g := range []struct {
		missing   bool
		tag, what string
	}{
		{r.MarketCode == "", "@market_code", noCode},
		{r.MarketCodeOtherCase() == "", "@market_code_case", caseGap},
		{r.StoreID == "", "@store", "no store: set " + EnvStoreID + " to a store of that market"},
		{r.StoreCode == "", "@store_code", "no store code: set " + EnvStoreCode + " to the code of a store of that market"},
		{r.StockLocationID == "", "@stock_location", "no stock location: set " + EnvStockLocationID + " to a stock location of that market"},
		{r.StockLocationCode == "", "@stock_location_code", "no stock location code: set " + EnvStockLocationCode + " to the code of a stock location of that market"},
	} {
		if g.missing {
			gaps = append(gaps, Gap{g.tag, g.what})
		}
	}
	return gaps
}

// scopeResourceTags are the tags of the scenarios that need a scope
// resource, which the Commerce Layer profile uses.
var scopeResourceTags = []string{"@market_code", "@market_code_case", "@store", "@store_code", "@stock_location", "@stock_location_code"}
