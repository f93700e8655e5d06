package refserver_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/refserver"
)

// TestScopeResourceOptions verifies the defaults of the market codes,
// stores and stock locations, that custom ones are kept (and copied), and
// that each malformed one is refused naming its field.
func TestScopeResourceOptions(t *testing.T) {
	t.Parallel()
	custom := refserver.Options{
		Markets:        []string{"mkA", "mkB"},
		MarketCodes:    map[string]string{"mkA": "eu-west_1"},
		Stores:         []refserver.Store{{ID: "stA", Code: "shop", MarketID: "mkB"}, {ID: "stB", MarketID: "mkA"}},
		StockLocations: []refserver.StockLocation{{ID: "slA", Code: "shop", MarketID: "mkA"}},
	}
	tests := []struct {
		name      string
		opts      refserver.Options
		wantCodes map[string]string
		wantStore []refserver.Store
		wantStock []refserver.StockLocation
		wantErr   string
	}{
		{name: "options=zero", opts: refserver.Options{},
			wantCodes: map[string]string{refserver.MarketID: refserver.MarketCode, refserver.OtherMarketID: refserver.OtherMarketCode},
			wantStore: []refserver.Store{{ID: refserver.StoreID, Code: refserver.StoreCode, MarketID: refserver.MarketID}},
			wantStock: []refserver.StockLocation{{ID: refserver.StockLocationID, Code: refserver.StockLocationCode, MarketID: refserver.MarketID}}},
		{name: "options=custom", opts: custom, wantCodes: custom.MarketCodes, wantStore: custom.Stores, wantStock: custom.StockLocations},
		{name: "options=custom_markets_only", opts: refserver.Options{Markets: []string{"mkA"}}, wantCodes: map[string]string{}},
		{name: "code=unknown_market", opts: refserver.Options{MarketCodes: map[string]string{"mkZ": "x"}}, wantErr: `MarketCodes names market "mkZ"`},
		{name: "code=with_space", opts: refserver.Options{MarketCodes: map[string]string{refserver.MarketID: "eu west"}}, wantErr: `MarketCodes["xYZkjABcde"] is "eu west"`},
		{name: "code=too_long", opts: refserver.Options{MarketCodes: map[string]string{refserver.MarketID: strings.Repeat("x", 26)}}, wantErr: "1 to 25 letters"},
		{name: "code=twice", opts: refserver.Options{MarketCodes: map[string]string{refserver.MarketID: "eu", refserver.OtherMarketID: "eu"}}, wantErr: `the code "eu"`},
		{name: "store=bad_id", opts: refserver.Options{Stores: []refserver.Store{{ID: "a b", MarketID: refserver.MarketID}}}, wantErr: `Stores[0].ID is "a b"`},
		{name: "store=unknown_market", opts: refserver.Options{Stores: []refserver.Store{{ID: "stA", MarketID: "mkZ"}}}, wantErr: `Stores[0].MarketID is "mkZ"`},
		{name: "store=code_twice", opts: refserver.Options{Stores: []refserver.Store{{ID: "stA", Code: "c", MarketID: refserver.MarketID}, {ID: "stB", Code: "c", MarketID: refserver.MarketID}}}, wantErr: `Stores[1].Code "c" is listed twice`},
		{name: "store=id_twice", opts: refserver.Options{Stores: []refserver.Store{{ID: "stA", MarketID: refserver.MarketID}, {ID: "stA", MarketID: refserver.MarketID}}}, wantErr: `Stores[1].ID "stA" is listed twice`},
		{name: "stock_location=bad_code", opts: refserver.Options{StockLocations: []refserver.StockLocation{{ID: "slA", Code: "a:b", MarketID: refserver.MarketID}}}, wantErr: `StockLocations[0].Code is "a:b"`},
		{name: "stock_location=no_market", opts: refserver.Options{StockLocations: []refserver.StockLocation{{ID: "slA"}}}, wantErr: `StockLocations[0].MarketID is ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := refserver.New(tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("New: %v; want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := s.MarketCodes(); !maps.Equal(got, tt.wantCodes) {
				t.Errorf("MarketCodes() = %v; want %v", got, tt.wantCodes)
			}
			if got := s.Stores(); !slices.Equal(got, tt.wantStore) {
				t.Errorf("Stores() = %+v; want %+v", got, tt.wantStore)
			}
			if got := s.StockLocations(); !slices.Equal(got, tt.wantStock) {
				t.Errorf("StockLocations() = %+v; want %+v", got, tt.wantStock)
			}
		})
	}
}

// TestCustomScopeResources verifies a server with its own markets, codes,
// stores and stock locations grants what they name, and nothing else.
func TestCustomScopeResources(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{
		Now:            clockAt(fixedNow),
		Markets:        []string{"mkA", "mkB"},
		MarketCodes:    map[string]string{"mkA": "alpha"},
		Stores:         []refserver.Store{{ID: "stB", Code: "shop", MarketID: "mkB"}},
		StockLocations: []refserver.StockLocation{{ID: "slA", Code: "shop", MarketID: "mkA"}, {ID: "slA2", MarketID: "mkA"}},
	})
	granted := map[string]tokenWant{
		"market:code:alpha":                          scoped(salesChannel, "market:code:alpha", "mkA", "slA", "slA2"),
		"store:code:shop":                            scoped(salesChannel, "store:code:shop", "mkB"),
		"market:code:alpha stock_location:code:shop": scoped(salesChannel, "market:code:alpha stock_location:code:shop", "mkA", "slA"),
	}
	for scope, want := range granted {
		r := send(t, srv.URL, salesChannelToken(scope))
		if err := expectTokenAnswer(srv.URL, r, with(want, func(w *tokenWant) { w.createdAt = fixedNow.Unix() })); err != nil {
			t.Errorf("scope %q: %v", scope, err)
		}
	}
	for _, scope := range []string{
		"market:code:" + refserver.MarketCode, "store:id:" + refserver.StoreID, // the defaults are gone
		"store:id:stB stock_location:id:slA", // slA is mkA's, the store mkB's
		"market:code:beta",                   // mkB has no code
	} {
		if err := expectErrorAnswer(send(t, srv.URL, salesChannelToken(scope)), 400, "invalid_scope"); err != nil {
			t.Errorf("scope %q: %v", scope, err)
		}
	}
}
