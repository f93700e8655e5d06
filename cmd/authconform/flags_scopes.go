package main

import (
	"flag"

	"github.com/authconform/authconform/conform"
	"github.com/authconform/authconform/internal/config"
)

// scopeFlags are the flags of what a scope may name besides a market's
// id, laid over their AUTHCONFORM_* variables as -market-id is.
type scopeFlags struct {
	marketCode, storeID, storeCode, stockLocationID, stockLocationCode string
}

func (f *scopeFlags) define(fl *flag.FlagSet) {
	fl.StringVar(&f.marketCode, "market-code", "", "code of the market -market-id names, for market:code scopes (default $"+config.EnvMarketCode+")")
	fl.StringVar(&f.storeID, "store-id", "", "id of a store of that market, for store:id scopes (default $"+config.EnvStoreID+")")
	fl.StringVar(&f.storeCode, "store-code", "", "code of a store of that market, for store:code scopes (default $"+config.EnvStoreCode+")")
	fl.StringVar(&f.stockLocationID, "stock-location-id", "", "id of a stock location of that market, and not of -other-market-id's, for stock_location:id scopes (default $"+config.EnvStockLocationID+")")
	fl.StringVar(&f.stockLocationCode, "stock-location-code", "", "code of a stock location of that market, for stock_location:code scopes (default $"+config.EnvStockLocationCode+")")
}

// apply lays the flags that were given over t, refusing a value that
// cannot be one element of a scope, in a message naming the flag.
func (f *scopeFlags) apply(t *conform.Target) error {
	for _, o := range []struct {
		name, flag string
		dst        *string
	}{
		{"-market-code", f.marketCode, &t.MarketCode},
		{"-store-id", f.storeID, &t.StoreID},
		{"-store-code", f.storeCode, &t.StoreCode},
		{"-stock-location-id", f.stockLocationID, &t.StockLocationID},
		{"-stock-location-code", f.stockLocationCode, &t.StockLocationCode},
	} {
		if o.flag == "" {
			continue
		}
		if err := config.CheckScopeValue(o.name, o.flag); err != nil {
			return err
		}
		*o.dst = o.flag
	}
	return nil
}
