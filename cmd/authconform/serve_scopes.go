package main

import (
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/authconform/authconform/conform/refserver"
	"github.com/authconform/authconform/internal/config"
)

// serveScopes are the market's code, the store and the stock location the
// served reference server knows, for the scopes that name them: from the
// variables the suite reads, or generated.
type serveScopes struct {
	marketCode    string
	store         refserver.Store
	stockLocation refserver.StockLocation
}

// maxServeCode is the reference server's limit on a code (Commerce
// Layer's, for markets: 25 characters).
const maxServeCode = 25

// newServeScopes takes r's values, generating the unset ones, all in the
// market market; each value is noted in vars as the clients are.
func newServeScopes(r config.ScopeResources, market string, vars *[]serveVar) (serveScopes, error) {
	sc := serveScopes{store: refserver.Store{MarketID: market}, stockLocation: refserver.StockLocation{MarketID: market}}
	code := func(prefix string) func() string {
		return func() string { return prefix + strings.ToLower(rand.Text()[:8]) }
	}
	id := func() string { return rand.Text()[:10] }
	for _, v := range []struct {
		name, value string
		dst         *string
		gen         func() string
		isCode      bool
	}{
		{config.EnvMarketCode, r.MarketCode, &sc.marketCode, code("market_"), true},
		{config.EnvStoreID, r.StoreID, &sc.store.ID, id, false},
		{config.EnvStoreCode, r.StoreCode, &sc.store.Code, code("store_"), true},
		{config.EnvStockLocationID, r.StockLocationID, &sc.stockLocation.ID, id, false},
		{config.EnvStockLocationCode, r.StockLocationCode, &sc.stockLocation.Code, code("stock_"), true},
	} {
		origin := "from your environment"
		switch {
		case v.value == "":
			v.value, origin = v.gen(), "generated"
		case !marketLike(v.value):
			return sc, fmt.Errorf("%s=%q: want letters, digits, '-' and '_'", v.name, v.value)
		case v.isCode && len(v.value) > maxServeCode:
			return sc, fmt.Errorf("%s=%q: want a code of at most %d characters", v.name, v.value, maxServeCode)
		}
		*v.dst = v.value
		*vars = append(*vars, serveVar{v.name, v.value, origin})
	}
	return sc, nil
}

// options puts the scopes in the server's options.
func (sc serveScopes) options(o *refserver.Options) {
	o.MarketCodes = map[string]string{sc.store.MarketID: sc.marketCode}
	o.Stores = []refserver.Store{sc.store}
	o.StockLocations = []refserver.StockLocation{sc.stockLocation}
}
