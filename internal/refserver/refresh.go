package refserver

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"time"
)

// refreshLifetime is a refresh token's lifetime: Commerce Layer's fixed
// two weeks (spec §b, "Lifetimes").
const refreshLifetime = 14 * 24 * time.Hour

const descMissingRefreshToken = "Missing required parameter: refresh_token."

// refreshGrant is what a refresh token is good for: a new access token for
// the same scope, and the access token issued with it, which revoking the
// refresh token revokes too (RFC 7009 §2.1).
type refreshGrant struct {
	scope     string
	marketIDs []string
	access    tokenKey
}

// checkRefresh validates a refresh_token grant (RFC 6749 §6): the token is
// a live refresh token of this client, and the scope, when given, is the
// one it was issued for (Commerce Layer: "you must specify the same
// scope"; RFC 6749 §6: omitted means the original). The refresh token is
// used up: the answer carries a new one (rotation, RFC 9700 §4.14.2).
func (s *Server) checkRefresh(r *http.Request, p params, c *client, confidential bool) (*grant, *tokenError) {
	presented := p.get("refresh_token")
	if presented == "" {
		return nil, errInvalidRequest(descMissingRefreshToken)
	}
	now := s.now()
	state, rec := s.tokens.lookupRecord(presented, now)
	switch {
	case state == tokenUnknown && s.fault == faultRefreshUnknownInvalidRequest:
		return nil, errInvalidRequest(descInvalidRequest)
	case state != tokenValid || rec.refresh == nil || rec.client != c:
		return nil, errInvalidGrant()
	}
	scope, marketIDs := rec.refresh.scope, rec.refresh.marketIDs
	if requested := p.get("scope"); requested != "" && !sameScope(requested, scope) {
		if s.fault != faultRefreshScopeChangeAccepted {
			// RFC 6749 §5.2: a scope beyond the one granted.
			return nil, &tokenError{code: "invalid_scope", description: descInvalidScope}
		}
		var terr *tokenError
		if scope, marketIDs, terr = s.parseScope(requested); terr != nil {
			return nil, terr
		}
	}
	rotate := s.fault != faultRefreshNotRotated && s.fault != faultRefreshOldTokenWorks
	if rotate && !s.tokens.useUp(presented, now) {
		// Another request used it first.
		return nil, errInvalidGrant()
	}
	g := &grant{client: c, confidential: confidential, scope: scope, marketIDs: marketIDs, owner: rec.owner, refreshable: true, issuer: s.issuerFor(r)}
	switch s.fault {
	case faultRefreshNotRotated:
		g.refreshed = presented
	case faultRefreshOwnerLost:
		g.owner = nil
	case faultRefreshScopeNotKept:
		g.scope, g.marketIDs = defaultScope, nil
	}
	return g, nil
}

// sameScope reports whether two scopes name the same scope tokens, in any
// order (RFC 6749 §3.3: the order does not matter).
func sameScope(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// refreshTokenFor is the refresh token an answer for g carries: none for a
// client_credentials token; the presented one again under the
// refresh-not-rotated fault; else a new one, recorded with the access
// token issued with it.
func (s *Server) refreshTokenFor(g *grant, accessToken string, now time.Time) string {
	switch {
	case !g.refreshable:
		return ""
	case g.refreshed != "":
		return g.refreshed
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	token := base64.RawURLEncoding.EncodeToString(b)
	access := keyOf(accessToken)
	if s.fault == faultSameTokenForAll {
		// The fault's one access token is every client's: revoking one
		// customer's refresh token must not revoke it for the others.
		access = tokenKey{}
	}
	s.tokens.addRecord(token, tokenRecord{
		client:  g.client,
		owner:   g.owner,
		expires: now.Add(refreshLifetime),
		refresh: &refreshGrant{scope: g.scope, marketIDs: g.marketIDs, access: access},
	}, now)
	return token
}

// addRefreshMember adds the refresh token to an answer acting for a
// customer, after expires_in as Commerce Layer's password example lists
// it, unless the fault leaves it out.
func (s *Server) addRefreshMember(body *object, token string) {
	if token != "" && s.fault != faultCustomerRefreshTokenMissing {
		body.add("refresh_token", token)
	}
}

// revokeIssued revokes a token the server issued: an access token, or a
// refresh token and the access token issued with it (RFC 7009 §2.1: the
// server SHOULD also invalidate the access tokens of the same grant). The
// revocation faults leave one kind working.
func (s *Server) revokeIssued(token string) {
	_, rec := s.tokens.lookupRecord(token, s.now())
	switch {
	case rec.refresh == nil && s.fault == faultRevokeLeavesTokenWorking:
	case rec.refresh != nil && s.fault == faultRevokeLeavesRefreshWorking:
	case rec.refresh != nil:
		s.tokens.revoke(token)
		s.tokens.revokeKey(rec.refresh.access)
	default:
		s.tokens.revoke(token)
	}
}

// lookupRecord is lookup with the whole record, a copy: its state at now
// and, unless unknown, what the server issued.
func (st *tokenStore) lookupRecord(token string, now time.Time) (tokenState, tokenRecord) {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.byKey[keyOf(token)]
	if !ok {
		return tokenUnknown, tokenRecord{}
	}
	rec := *e.Value.(*tokenRecord)
	switch {
	case rec.revoked:
		return tokenRevoked, rec
	case !now.Before(rec.expires):
		return tokenExpired, rec
	}
	return tokenValid, rec
}

// addRecord records a token with all rec says of it (its key is set
// here); a token already recorded keeps its record.
func (st *tokenStore) addRecord(token string, rec tokenRecord, now time.Time) {
	st.add(token, rec.client, rec.expires, now)
	st.mu.Lock()
	defer st.mu.Unlock()
	if e, ok := st.byKey[keyOf(token)]; ok {
		stored := e.Value.(*tokenRecord)
		stored.owner, stored.refresh = rec.owner, rec.refresh
	}
}

// useUp marks a live token revoked and reports whether it was live: of two
// requests presenting one refresh token, only the first gets a token.
func (st *tokenStore) useUp(token string, now time.Time) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	e, ok := st.byKey[keyOf(token)]
	if !ok {
		return false
	}
	rec := e.Value.(*tokenRecord)
	if rec.revoked || !now.Before(rec.expires) {
		return false
	}
	rec.revoked = true
	return true
}

// revokeKey is revoke for a token known by its key.
func (st *tokenStore) revokeKey(key tokenKey) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if e, ok := st.byKey[key]; ok {
		e.Value.(*tokenRecord).revoked = true
	}
}
