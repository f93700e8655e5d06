package refserver

import (
	"fmt"
	"slices"
	"strings"
)

// defaultScope is what a token covers when no scope is requested:
// Commerce Layer answers "market:all" (its docs call it the default).
const defaultScope = "market:all"

// newMarkets checks Options.Markets and returns the server's known markets,
// in order, and the same as a set: MarketID and OtherMarketID when ids is
// nil.
func newMarkets(ids []string) ([]string, map[string]bool, error) {
	if ids == nil {
		ids = []string{MarketID, OtherMarketID}
	}
	if len(ids) == 0 {
		return nil, nil, fmt.Errorf("refserver: Markets is empty; want at least one market id, or nil for the defaults (%s, %s)", MarketID, OtherMarketID)
	}
	set := make(map[string]bool, len(ids))
	for i, id := range ids {
		if !isResourceID(id) {
			return nil, nil, fmt.Errorf("refserver: Markets[%d] is %q; want a market id of letters, digits, '-' and '_', like %q", i, id, MarketID)
		}
		if set[id] {
			return nil, nil, fmt.Errorf("refserver: Markets[%d] %q is listed twice; want each market once", i, id)
		}
		set[id] = true
	}
	return slices.Clone(ids), set, nil
}

// Markets returns the ids of the markets the server knows, which a scope
// may name, in the order Options.Markets gave them.
func (s *Server) Markets() []string { return slices.Clone(s.markets) }

// parseScope checks a requested scope and returns the scope to grant and the
// market IDs its token carries, in order and without repeats. The grant
// echoes the request exactly, as Commerce Layer does.
//
// RFC 6749 §3.3: scope = scope-token *( SP scope-token ), so empty tokens
// (leading, trailing or doubled spaces) are malformed. Each token is
// market:all or one of Commerce Layer's forms (spec §d),
// <market|store|stock_location>:<id|code>:<value> (markets.go): a store
// puts its market in scope, and a stock location needs its market in
// scope, named or a store's (the legacy docs' rule). Anything else, a
// well-formed scope for something the server does not have included, is
// invalid_scope.
func (s *Server) parseScope(requested string) (scope string, marketIDs []string, terr *tokenError) {
	if requested == "" {
		return defaultScope, nil, nil
	}
	invalid := &tokenError{code: codeInvalidScope, description: descInvalidScope}
	var inScope []string // markets in scope, the claim's and the stores'
	var locations []StockLocation
	for _, token := range strings.Split(requested, " ") {
		if token == defaultScope {
			continue
		}
		kind, by, value, ok := splitScopeToken(token)
		if !ok {
			return "", nil, invalid
		}
		switch kind {
		case "market":
			id, ok := s.marketNamed(by, value)
			if !ok {
				return "", nil, invalid
			}
			marketIDs, inScope = appendNew(marketIDs, id), appendNew(inScope, id)
		case "store":
			st, ok := s.storeNamed(by, value)
			switch {
			case !ok && s.fault == faultUnknownStoreAccepted:
			case !ok:
				return "", nil, invalid
			case s.fault == faultStoreMarketMissing:
				inScope = appendNew(inScope, st.MarketID)
			default:
				marketIDs, inScope = appendNew(marketIDs, st.MarketID), appendNew(inScope, st.MarketID)
			}
		case "stock_location":
			l, ok := s.stockLocationNamed(by, value)
			switch {
			case !ok && s.fault == faultUnknownStockLocationAccepted:
			case !ok:
				return "", nil, invalid
			default:
				locations = append(locations, l)
			}
		}
	}
	for _, l := range locations {
		if !contains(inScope, l.MarketID) && s.fault != faultStockLocationMarketUnchecked {
			return "", nil, invalid
		}
	}
	if s.fault == faultScopeCodeNotEchoed {
		return s.idForm(requested), marketIDs, nil
	}
	return requested, marketIDs, nil
}

// appendNew appends s to list unless list holds it already.
func appendNew(list []string, s string) []string {
	if contains(list, s) {
		return list
	}
	return append(list, s)
}

// isResourceID accepts Commerce Layer-style IDs: letters and digits (plus
// '-' and '_', for leniency), and nothing that could smuggle another token.
func isResourceID(id string) bool {
	if id == "" {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
		default:
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
