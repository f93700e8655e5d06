package conform

import (
	"errors"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/runner"
)

// TestTargetScopeResources verifies a target's scope resources reach the
// suite's configuration, and that one that cannot be an element of a
// scope is refused before the run, naming its field.
func TestTargetScopeResources(t *testing.T) {
	tg := Target{URL: MustParseURL("http://127.0.0.1:1"), ScopeResources: ScopeResources{MarketCode: "europe", StoreID: "st1", StoreCode: "shop", StockLocationID: "sl1", StockLocationCode: "wh"}}
	ct, err := runner.ConfigTarget(tg, CommerceLayer)
	if err != nil {
		t.Fatal(err)
	}
	r := ct.ScopeResources
	if got := strings.Join([]string{r.MarketCode, r.StoreID, r.StoreCode, r.StockLocationID, r.StockLocationCode}, " "); got != "europe st1 shop sl1 wh" {
		t.Errorf("configured scope resources = %q; want the target's", got)
	}
	back, _, _ := runner.SetupTarget(ct)
	if back.MarketCode != tg.MarketCode || back.StockLocationCode != tg.StockLocationCode {
		t.Errorf("SetupTarget(ConfigTarget(t)) lost the scope resources: %+v", back)
	}
	tg.StoreCode = "out let"
	_, err = List(Options{Target: tg})
	var ce *ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "Target.StoreCode") {
		t.Errorf("List with a store code holding a space: %v; want a *ConfigError naming Target.StoreCode", err)
	}
}
