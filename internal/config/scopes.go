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

// scopeVars pairs each of r's values with its variable, for reading and
// for messages.
func scopeVars(r *ScopeResources) []struct {
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
	for _, v := range scopeVars(&r) {
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

// scopeGaps are the scenarios the missing resources leave out.
func scopeGaps(r ScopeResources) []Gap {
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
