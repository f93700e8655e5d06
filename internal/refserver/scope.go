package refserver

import "strings"

// defaultScope is what a token covers when no scope is requested:
// Commerce Layer answers "market:all" (its docs call it the default).
const defaultScope = "market:all"

// markets are the markets a scope may name.
var markets = map[string]bool{MarketID: true, OtherMarketID: true}

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
	invalid := &tokenError{code: "invalid_scope", description: descInvalidScope}
	for _, token := range strings.Split(requested, " ") {
		if token == defaultScope {
			continue
		}
		id, ok := strings.CutPrefix(token, "market:id:")
		if !ok || !isResourceID(id) {
			return "", nil, invalid
		}
		if !markets[id] && s.fault != faultUnknownMarketAccepted {
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
