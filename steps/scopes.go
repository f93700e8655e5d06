package steps

import (
	"slices"
	"strings"

	"github.com/authconform/authconform/internal/config"
)

// The scopes that name a market by code, a store or a stock location
// (Commerce Layer docs, "Authentication", authorization scopes).

// scopeResourceValues are the placeholders the target's scope resources
// fill, by name: empty when not configured (the scenarios using them are
// left out by their tags).
func scopeResourceValues(r config.ScopeResources) map[string]string {
	return map[string]string{
		"market_code":            r.MarketCode,
		"market_code_other_case": r.MarketCodeOtherCase(),
		"store_id":               r.StoreID,
		"store_code":             r.StoreCode,
		"stock_location_id":      r.StockLocationID,
		"stock_location_code":    r.StockLocationCode,
	}
}

// addUnknownScopeResources generates, per scenario, a market code, a store
// and a stock location no target can have, in the shape GeneratedValue
// masks, as unknown_market_id is.
func addUnknownScopeResources(vars map[string]string) {
	for _, name := range []string{"unknown_market_code", "unknown_store_id", "unknown_stock_location_id"} {
		vars[name] = "zz" + randomID(8) + "Q"
	}
}

// thenMemberScopes checks a member holds the scopes want names, each once,
// in any order: RFC 6749 §3.3 makes scope "a list of space-delimited,
// case-sensitive strings" whose "order does not matter", so a server may
// echo several scopes in an order of its own. The list must be
// well-formed (single spaces between non-empty strings).
func (st *scenario) thenMemberScopes(path, want string) error {
	want, err := st.expand(want)
	if err != nil {
		return err
	}
	v, err := st.requireMember(path)
	if err != nil {
		return err
	}
	got, ok := v.(string)
	if !ok {
		return st.fail("%s = %s; want the scopes %q, in any order (RFC 6749 §3.3)", path, describeValue(v), want)
	}
	gotList, wantList := strings.Split(got, " "), strings.Split(want, " ")
	if slices.Contains(gotList, "") {
		return st.fail("%s = %s; want the scopes %q, in any order, separated by single spaces (RFC 6749 §3.3: scope-token *( SP scope-token ))", path, describeValue(v), want)
	}
	missing, extra := listDiff(wantList, gotList)
	if len(missing)+len(extra) == 0 {
		return nil
	}
	var why []string
	if len(missing) > 0 {
		why = append(why, "missing "+strings.Join(missing, " "))
	}
	if len(extra) > 0 {
		why = append(why, "not asked for "+strings.Join(extra, " "))
	}
	return st.fail("%s = %s; want the scopes %q, in any order (RFC 6749 §3.3): %s", path, describeValue(v), want, strings.Join(why, "; "))
}

// listDiff is what want has and got lacks, and what got has and want
// lacks, each counted as often as it occurs: a scope echoed twice is not
// the list asked for.
func listDiff(want, got []string) (missing, extra []string) {
	rest := slices.Clone(got)
	for _, w := range want {
		if i := slices.Index(rest, w); i >= 0 {
			rest = slices.Delete(rest, i, i+1)
			continue
		}
		missing = append(missing, w)
	}
	return missing, rest
}
