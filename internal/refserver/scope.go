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
// market IDs it names, in order and without repeats. The grant echoes the
// request exactly, as Commerce Layer does.
//
// RFC 6749 §3.3: scope = scope-token *( SP scope-token ), so empty tokens
// (leading, trailing or doubled spaces) are malformed. Of Commerce Layer's
// scope forms (spec §d) only market:all and market:id:<id> are supported;
// anything else, including a well-formed scope for a market that does not
// exist, is invalid_scope.
func (s *Server) parseScope(requested string) (scope string, marketIDs []string, terr *tokenError) {
	if requested == "" {
		return defaultScope, nil, nil
	}
	invalid := &tokenError{code: codeInvalidScope, description: descInvalidScope}
	for _, token := range strings.Split(requested, " ") {
		if token == defaultScope {
			continue
		}
		id, ok := strings.CutPrefix(token, "market:id:")
		if !ok || !isResourceID(id) {
			return "", nil, invalid
		}
		if !s.marketSet[id] && s.fault != faultUnknownMarketAccepted {
			return "", nil, invalid
		}
		if !contains(marketIDs, id) {
			marketIDs = append(marketIDs, id)
		}
	}
	return requested, marketIDs, nil
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
