package main

import (
	"io"
	"strings"
	"testing"
)

// TestScopeFlags verifies the scope resources' flags are laid over their
// variables, and that a value that cannot stand in a scope is refused in
// one line naming the flag.
func TestScopeFlags(t *testing.T) {
	env := map[string]string{
		"AUTHCONFORM_MARKET_CODE": "from-env", "AUTHCONFORM_STORE_ID": "stEnv",
		"AUTHCONFORM_STOCK_LOCATION_CODE": "sl_env",
	}
	getenv := func(k string) string { return env[k] }
	c, _, done := parseFlags([]string{"-market-code", "europe", "-store-code", "outlet_ny", "-stock-location-id", "WLgbSXqyoZ"}, io.Discard, io.Discard)
	if done {
		t.Fatal("parseFlags refused the scope flags")
	}
	tg, _, err := c.target(getenv)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{tg.MarketCode, tg.StoreID, tg.StoreCode, tg.StockLocationID, tg.StockLocationCode}
	want := []string{"europe", "stEnv", "outlet_ny", "WLgbSXqyoZ", "sl_env"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("market code, store id and code, stock location id and code = %q; want %q (flags over variables)", got, want)
	}
	for _, bad := range []struct{ flag, value string }{
		{"-market-code", "eu rope"}, {"-store-id", `a"b`}, {"-stock-location-code", "lager-münchen"},
	} {
		c, _, _ := parseFlags([]string{bad.flag, bad.value}, io.Discard, io.Discard)
		_, _, err := c.target(getenv)
		if err == nil || !strings.HasPrefix(err.Error(), bad.flag+"=") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s %q: err = %v; want one line naming the flag", bad.flag, bad.value, err)
		}
	}
}

// TestListShowsScopeScenarios verifies -list against the embedded server,
// whose market code, store and stock location the run is configured with,
// lists the scenarios of features/scopes/ with none left out for them.
func TestListShowsScopeScenarios(t *testing.T) {
	r := runCLI(t, nil, "-list")
	if r.code != 0 {
		t.Fatalf("exit code = %d; want 0\nstderr:\n%s", r.code, r.stderr)
	}
	if n := strings.Count(r.stdout, "] features/scopes/"); n < 4 {
		t.Errorf("-list shows %d scenarios of features/scopes/; want all of them\n%s", n, r.stdout)
	}
	for _, gap := range []string{"AUTHCONFORM_MARKET_CODE", "AUTHCONFORM_STORE_ID", "AUTHCONFORM_STOCK_LOCATION_ID"} {
		if strings.Contains(r.stdout, gap) {
			t.Errorf("-list leaves a scenario out for %s against the embedded server, which has it:\n%s", gap, r.stdout)
		}
	}
}
