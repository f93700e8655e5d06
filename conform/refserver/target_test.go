package refserver_test

import (
	"context"
	"slices"
	"testing"

	"github.com/authconform/authconform/conform"
	"github.com/authconform/authconform/conform/refserver"
)

// TestTargetPassesTheSuite verifies a correct server, judged through its
// Target, passes every scenario of each profile and leaves out only those
// of the other profile: the target carries every credential the suite
// uses, and its issuer (an https://auth. name, which Commerce Layer's
// clients follow) with where the keys are.
func TestTargetPassesTheSuite(t *testing.T) {
	for _, row := range []struct {
		profile conform.Profile
		shape   string
	}{{conform.CommerceLayer, refserver.ErrorShapeErrors}, {conform.RFC6749, refserver.ErrorShapeRFC6749}} {
		t.Run("profile="+string(row.profile), func(t *testing.T) {
			srv := start(t, refserver.Options{ErrorShape: row.shape, Issuer: "https://auth.authconform.test"})
			opts := conform.Options{Target: srv.Target(), Profile: row.profile}
			l, err := conform.List(opts)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			res, err := conform.Run(context.Background(), opts)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if res.Started.IsZero() {
				t.Error("Result.Started is not set")
			}
			if res.ExitCode != conform.ExitPass || len(res.Verdicts) != len(l.Cases) {
				t.Errorf("exit code = %d, %d verdicts; want 0 and the %d cases List gave", res.ExitCode, len(res.Verdicts), len(l.Cases))
			}
			for _, v := range res.Verdicts {
				if v.Status != conform.Passed {
					t.Errorf("%s: %s: %s; want passed: %s", v.Feature, v.Scenario, v.Status, v.Error)
				}
			}
			for _, x := range slices.Concat(res.LeftOut, l.LeftOut) {
				if !x.OtherProfile {
					t.Errorf("%s: %s left out: %s; want only the other profile's scenarios left out", x.Feature, x.Scenario, x.Reason)
				}
			}
		})
	}
}

// TestTargetNamesTheServersClients verifies Target gives the clients and
// markets the server was started with, secrets included.
func TestTargetNamesTheServersClients(t *testing.T) {
	srv := start(t, refserver.Options{
		SalesChannel: refserver.Client{ID: "sc-1", Secret: "sc-secret", Lifetime: 600},
		Integration:  refserver.Client{ID: "int-1"},
		Markets:      []string{"mkOne"},
		Webapp:       refserver.Client{ID: "wa-1", Secret: "wa-secret", Lifetime: 900},
		RedirectURI:  "https://app.example.test/cb",
		CustomerID:   "cust1",
	})
	got := srv.Target()
	integration := conform.Client{ID: "int-1", Secret: refserver.IntegrationClientSecret, Lifetime: refserver.IntegrationLifetime}
	want := conform.Target{
		URL: conform.MustParseURL(srv.URL), TokenPath: refserver.TokenPath, RevokePath: refserver.RevokePath, ResourceURL: srv.URL + refserver.ResourcePath,
		SalesChannel: conform.Client{ID: "sc-1", Secret: "sc-secret", Lifetime: 600}, Integration: integration,
		MarketID: "mkOne", Client: integration, BasicClient: integration,
		Scope: "market:id:mkOne", ForbiddenScope: "market:id:" + refserver.ForbiddenMarketID,
		Webapp: conform.Client{ID: "wa-1", Secret: "wa-secret", Lifetime: 900}, RedirectURI: "https://app.example.test/cb",
		AuthorizeURL: srv.URL + refserver.AuthorizePath, CustomerID: "cust1",
	}
	if got != want {
		t.Errorf("Target() =\n%+v; want\n%+v", got, want)
	}
	if got.SalesChannel.Secret != "sc-secret" || got.Integration.Secret != refserver.IntegrationClientSecret || got.Webapp.Secret != "wa-secret" {
		t.Error("Target() does not carry the clients' secrets")
	}
}

// TestTargetNamesTheFirstMarketsScopes verifies Target gives the first
// market's code, and the first store and stock location of that market,
// skipping the other markets'.
func TestTargetNamesTheFirstMarketsScopes(t *testing.T) {
	srv := start(t, refserver.Options{
		Markets:        []string{"mkOne", "mkTwo"},
		MarketCodes:    map[string]string{"mkOne": "one", "mkTwo": "two"},
		Stores:         []refserver.Store{{ID: "stTwo", Code: "shop2", MarketID: "mkTwo"}, {ID: "stOne", Code: "shop1", MarketID: "mkOne"}},
		StockLocations: []refserver.StockLocation{{ID: "slOne", MarketID: "mkOne"}, {ID: "slOne2", Code: "wh", MarketID: "mkOne"}},
	})
	got := srv.Target()
	if got.MarketCode != "one" || got.StoreID != "stOne" || got.StoreCode != "shop1" || got.StockLocationID != "slOne" || got.StockLocationCode != "" {
		t.Errorf("Target() names market code %q, store %q (%q), stock location %q (%q); want one, stOne (shop1), slOne (no code)",
			got.MarketCode, got.StoreID, got.StoreCode, got.StockLocationID, got.StockLocationCode)
	}
	if stores := srv.Stores(); len(stores) != 2 || stores[0] != (refserver.Store{ID: "stTwo", Code: "shop2", MarketID: "mkTwo"}) {
		t.Errorf("Stores() = %+v; want the two stores, in order", stores)
	}
	if codes := srv.MarketCodes(); codes["mkTwo"] != "two" {
		t.Errorf("MarketCodes() = %v; want mkTwo's code two", codes)
	}
}
