package config

import (
	"strings"
	"testing"
)

// allScopeResources configures every scope resource.
var allScopeResources = ScopeResources{MarketCode: "europe", StoreID: "bGvCXzYgNB", StoreCode: "outlet_ny", StockLocationID: "WLgbSXqyoZ", StockLocationCode: "eu_warehouse"}

// TestScopeResourcesFromEnv verifies the variables are read trimmed, and
// that a value that cannot be one element of a scope is refused in one
// line naming its variable.
func TestScopeResourcesFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    ScopeResources
		wantErr string
	}{
		{"none", nil, ScopeResources{}, ""},
		{"all", map[string]string{
			EnvMarketCode: " europe ", EnvStoreID: "bGvCXzYgNB", EnvStoreCode: "outlet_ny",
			EnvStockLocationID: "WLgbSXqyoZ\n", EnvStockLocationCode: "eu_warehouse",
		}, allScopeResources, ""},
		{"space inside", map[string]string{EnvStoreCode: "outlet ny"}, ScopeResources{}, EnvStoreCode + `="outlet ny": want an id or code of printable ASCII`},
		{"quote", map[string]string{EnvMarketCode: `eu"rope`}, ScopeResources{}, EnvMarketCode},
		{"backslash", map[string]string{EnvStockLocationID: `a\b`}, ScopeResources{}, EnvStockLocationID},
		{"not ASCII", map[string]string{EnvStockLocationCode: "lager_münchen"}, ScopeResources{}, EnvStockLocationCode},
		{"control character", map[string]string{EnvStoreID: "a\x1bb"}, ScopeResources{}, EnvStoreID},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			tg, err := FromEnv(env(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("err = %v; want one line containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tg.ScopeResources != tt.want {
				t.Errorf("ScopeResources = %+v; want %+v", tg.ScopeResources, tt.want)
			}
		})
	}
}

// TestMarketCodeOtherCase verifies the case of every letter changes, and
// that a code without letters has no other case.
func TestMarketCodeOtherCase(t *testing.T) {
	for code, want := range map[string]string{
		"europe": "EUROPE", "EU_west-2": "eu_WEST-2", "123-456": "", "": "",
	} {
		if got := (ScopeResources{MarketCode: code}).MarketCodeOtherCase(); got != want {
			t.Errorf("MarketCodeOtherCase(%q) = %q; want %q", code, got, want)
		}
	}
}

// TestScopeGaps verifies each missing scope resource leaves out its tag
// alone, each with the variable to set, and that a market code without
// letters leaves out only the scenario that changes its case.
func TestScopeGaps(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(r *ScopeResources)
		wantTag  string
		wantText string
	}{
		{"no market code", func(r *ScopeResources) { r.MarketCode = "" }, "@market_code @market_code_case", EnvMarketCode},
		{"market code without letters", func(r *ScopeResources) { r.MarketCode = "2024" }, "@market_code_case", "no letter"},
		{"no store", func(r *ScopeResources) { r.StoreID = "" }, "@store", EnvStoreID},
		{"no store code", func(r *ScopeResources) { r.StoreCode = "" }, "@store_code", EnvStoreCode},
		{"no stock location", func(r *ScopeResources) { r.StockLocationID = "" }, "@stock_location", EnvStockLocationID},
		{"no stock location code", func(r *ScopeResources) { r.StockLocationCode = "" }, "@stock_location_code", EnvStockLocationCode},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			r := allScopeResources
			tt.edit(&r)
			var tags []string
			for _, g := range scopeGaps(r) {
				tags = append(tags, g.Tag)
				if !strings.Contains(g.Reason, tt.wantText) {
					t.Errorf("gap %s: reason %q; want it to say %q", g.Tag, g.Reason, tt.wantText)
				}
			}
			if got := strings.Join(tags, " "); got != tt.wantTag {
				t.Errorf("gaps %q; want %q", got, tt.wantTag)
			}
		})
	}
	if g := scopeGaps(allScopeResources); len(g) != 0 {
		t.Errorf("every scope resource configured: gaps %v; want none", g)
	}
	rfc := Target{Profile: RFC6749}
	for _, g := range rfc.Gaps() {
		if strings.Contains(g.Reason, EnvMarketCode) || strings.Contains(g.Reason, EnvStoreID) {
			t.Errorf("rfc6749 profile reports gap %v; want the Commerce Layer scope resources left to their profile", g)
		}
	}
}
