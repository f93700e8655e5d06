package refserver

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The grants whose tokens act for someone: a webapp's authorization code
// (authcode.go) and the JWT bearer grant (jwtbearer.go). Their answers
// carry a refresh token and, when the token acts for a customer or user,
// owner_id and owner_type (docs/sources/commercelayer-auth.md#member-sets-per-grant);
// their tokens carry the owner and the assertion's custom claim.
const (
	grantAuthorizationCode = "authorization_code"
	grantJWTBearer         = "urn:ietf:params:oauth:grant-type:jwt-bearer"
)

// serveActingGrant answers a token request of one of those grants and
// reports true; for any other grant it does nothing and reports false.
func (s *Server) serveActingGrant(w http.ResponseWriter, r *http.Request, p params) bool {
	var g *actingGrant
	var terr *tokenError
	switch p.get("grant_type") {
	case grantAuthorizationCode:
		g, terr = s.checkAuthorizationCode(r, p)
	case grantJWTBearer:
		g, terr = s.checkJWTBearer(r, p)
	default:
		return false
	}
	if terr != nil {
		s.writeError(w, terr)
		return true
	}
	s.writeActingToken(w, r, g)
	return true
}

// actingGrant is what a valid request of those grants is granted.
type actingGrant struct {
	grantType    string
	client       *client
	confidential bool // the client proved a secret
	scope        string
	marketIDs    []string
	owner        *ownerClaim     // nil: the token acts for nobody (custom claims only)
	customClaim  json.RawMessage // the assertion's, byte for byte; nil: none
	// issued, when set, learns the access token issued for the grant.
	issued func(token string)
}

// ownerClaim is the token's owner: Commerce Layer's JWT writes the type
// capitalised ("Customer", "User"), its answer's owner_type in lower case.
type ownerClaim struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// Owner types.
const (
	ownerCustomer = "Customer"
	ownerUser     = "User"
)

// actingClaims are a client_credentials token's claims and the owner and
// custom claim of a token that acts for someone. Its custom_claim is
// shallower than the embedded one (the ExtraClaims variant's), so it is
// the one encoding/json writes.
type actingClaims struct {
	tokenClaims
	Owner       *ownerClaim     `json:"owner,omitempty"`
	CustomClaim json.RawMessage `json:"custom_claim,omitempty"`
}

// writeActingToken issues the grant's token and sends its answer: the
// members of a client_credentials answer, then refresh_token, and
// owner_id and owner_type for a token with an owner.
func (s *Server) writeActingToken(w http.ResponseWriter, r *http.Request, g *actingGrant) {
	now := s.now()
	lifetime := g.client.lifetime
	token, err := s.issueActingToken(g, now.Unix(), lifetime, s.issuerFor(r))
	if err != nil {
		s.writeError(w, errServer())
		return
	}
	if g.issued != nil {
		g.issued(token)
	}
	var body object
	body.add("access_token", token)
	body.add("token_type", s.tokenType)
	body.add("expires_in", lifetime-int64(s.expiresInCountdown))
	body.add("scope", g.scope)
	body.add("created_at", now.Unix())
	body.add("refresh_token", randomHex(32))
	if g.owner != nil {
		body.add("owner_id", g.owner.ID)
		body.add("owner_type", strings.ToLower(g.owner.Type))
	}
	if s.extraMembers {
		body.add("authconform_extra", "ignored")
	}
	raw := body.bytes()
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Content-Length", strconv.Itoa(len(raw)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(raw) // a failed write means the client has gone; nothing to do
}

// issueActingToken signs the grant's token, with the owner and custom
// claim (or what the server's fault makes of them), and records it for
// revocation and the resource.
func (s *Server) issueActingToken(g *actingGrant, iat, lifetime int64, issuer string) (string, error) {
	claims, err := s.claimsFor(g.client, g.confidential, g.scope, g.marketIDs, iat, lifetime, issuer)
	if err != nil {
		return "", err
	}
	ac := actingClaims{tokenClaims: claims, Owner: g.owner, CustomClaim: g.customClaim}
	switch {
	case g.grantType != grantJWTBearer: // the faults below break the assertion's copy
	case s.fault == faultJWTBearerOwnerNotCopied:
		ac.Owner = nil
	case s.fault == faultJWTBearerCustomClaimNotCopied:
		ac.CustomClaim = nil
	case s.fault == faultJWTBearerCustomClaimMangled:
		ac.CustomClaim = latin1Read(g.customClaim)
	}
	token, err := s.signToken(ac)
	if err != nil {
		return "", err
	}
	s.tokens.add(token, g.client, time.Unix(iat+lifetime, 0), s.now())
	return token, nil
}

// latin1Read is the custom-claim-mangled fault: the claim's UTF-8 bytes
// read as Latin-1 and written out again, the mojibake ("GrÃ¼Ã…") of a
// server that lost the encoding. JSON's own syntax is ASCII, so the
// document stays valid.
func latin1Read(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return nil
	}
	out := make([]byte, 0, 2*len(raw))
	for _, b := range raw {
		out = utf8.AppendRune(out, rune(b))
	}
	return out
}
