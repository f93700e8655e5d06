package refserver

import (
	"crypto/rand"
	"encoding/hex"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	tokenPath = "/oauth/token"
	jwksPath  = "/.well-known/jwks.json"
)

// Paths of the endpoints besides the token endpoint.
const (
	// RevokePath is the revocation endpoint (RFC 7009, Commerce Layer's
	// POST /oauth/revoke).
	RevokePath = "/oauth/revoke"
	// ResourcePath is the protected resource, a stand-in for Commerce
	// Layer's Core API: GET with Authorization: Bearer <token>.
	ResourcePath = "/api/ping"
)

// Server is the reference token endpoint, an http.Handler. It is safe for
// concurrent use.
type Server struct {
	config
	signer  *signer
	limiter *slidingWindow // nil without a rate limit
	jwks    []byte         // the JWK Set document, fixed for the server's lifetime
	tokens  *tokenStore    // every access token issued, for revocation and the resource
	// Requests received, per endpoint.
	requests, revokeRequests, resourceRequests atomic.Int64

	// sharedToken is the one access token of the same-token-for-all fault.
	sharedMu    sync.Mutex
	sharedToken string
}

// New returns a Server configured by opts, or an error naming the valid
// values when an option is wrong (such as an unknown fault).
func New(opts Options) (*Server, error) {
	cfg, err := opts.config()
	if err != nil {
		return nil, err
	}
	sig, err := processSigner()
	if err != nil {
		return nil, err
	}
	s := &Server{config: cfg, signer: sig, tokens: newTokenStore(maxTokenRecords)}
	if s.jwks, err = s.jwksDocument(); err != nil {
		return nil, err
	}
	if cfg.rateLimit > 0 {
		s.limiter = &slidingWindow{limit: cfg.rateLimit, window: cfg.rateWindow}
	}
	return s, nil
}

// Requests returns the number of requests received on /oauth/token,
// whatever their method or outcome, including rate-limited ones.
func (s *Server) Requests() int64 { return s.requests.Load() }

// RevokeRequests returns the number of requests received on RevokePath,
// whatever their method or outcome, including rate-limited ones.
func (s *Server) RevokeRequests() int64 { return s.revokeRequests.Load() }

// ResourceRequests returns the number of requests received on
// ResourcePath, whatever their method or outcome.
func (s *Server) ResourceRequests() int64 { return s.resourceRequests.Load() }

// ServeHTTP serves /oauth/token, RevokePath, ResourcePath and
// /.well-known/jwks.json; every other path is a 404 with a JSON error body.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case tokenPath:
		s.requests.Add(1)
		s.serveToken(w, r)
	case RevokePath:
		s.revokeRequests.Add(1)
		s.serveRevoke(w, r)
	case ResourcePath:
		s.resourceRequests.Add(1)
		s.serveResource(w, r)
	case AuthorizePath:
		s.serveAuthorize(w, r)
	case jwksPath:
		if s.fault == faultJWKSMissing {
			s.writeError(w, &tokenError{status: http.StatusNotFound, code: codeInvalidRequest, description: descNotFound})
			return
		}
		s.serveJWKS(w, r)
	default:
		s.writeError(w, &tokenError{status: http.StatusNotFound, code: codeInvalidRequest, description: descNotFound})
	}
}

// serveToken answers a token request: the rate limit, then the request's
// checks (see checkRequest), then the token. The first problem found is the one
// reported.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if terr := s.admit(w); terr != nil {
		s.writeError(w, terr)
		return
	}
	p, terr := s.readTokenParams(w, r)
	if terr != nil {
		s.writeError(w, terr)
		return
	}
	if s.serveActingGrant(w, r, p) {
		return
	}
	g, terr := s.checkRequest(r, p)
	if terr != nil {
		s.writeError(w, terr)
		return
	}
	s.writeToken(w, g)
}

// admit applies the rate limit, which /oauth/token and /oauth/revoke share:
// Commerce Layer limits "the authentication endpoint" as a whole. It sets
// the X-Ratelimit-* headers and returns the 429 to answer, or nil.
func (s *Server) admit(w http.ResponseWriter) *tokenError {
	if s.limiter == nil {
		return nil
	}
	ok, remaining, retryAfter := s.limiter.admit(s.now())
	s.limiter.setHeaders(w.Header(), remaining)
	if ok {
		return nil
	}
	w.Header().Set("Retry-After", strconv.Itoa(ceilSeconds(retryAfter)))
	return &tokenError{status: http.StatusTooManyRequests, code: codeTooManyRequests, description: descRateLimited}
}

// grant is what a valid token request is granted.
type grant struct {
	client       *client
	confidential bool // the client proved a secret
	scope        string
	marketIDs    []string
	secret       string // as sent, for the secret-echoed-in-token fault
	issuer       string // the iss of the token
	// owner is the customer the token acts for; refreshable says the
	// answer carries a refresh token (password and refresh grants);
	// refreshed is the one it carries again under the refresh-not-rotated
	// fault.
	owner       *customer
	refreshable bool
	refreshed   string
}

// checkRequest validates a client_credentials request's parameters: grant
// type, client, scope.
func (s *Server) checkRequest(r *http.Request, p params) (*grant, *tokenError) {
	if terr := s.checkGrantType(p); terr != nil {
		return nil, terr
	}
	cred, terr := readCredentials(r, s.credentialParams(r, p))
	if terr != nil {
		return nil, terr
	}
	c, confidential, terr := s.authenticate(cred)
	if terr != nil {
		return nil, terr
	}
	switch p.get("grant_type") {
	case grantPassword:
		return s.checkPassword(r, p, c, confidential)
	case grantRefreshToken:
		return s.checkRefresh(r, p, c, confidential)
	}
	if terr := s.checkScopeGiven(r, p); terr != nil {
		return nil, terr
	}
	scope, marketIDs, terr := s.parseScope(p.get("scope"))
	if terr != nil {
		return nil, terr
	}
	return &grant{client: c, confidential: confidential, scope: scope, marketIDs: marketIDs, secret: cred.secret, issuer: s.issuerFor(r)}, nil
}

// credentialParams are the parameters the client is authenticated from:
// all of them, except under the two-auth-methods-accepted fault, where a
// request with HTTP Basic has its body's secret dropped, so that HTTP
// Basic wins instead of the request being refused.
func (s *Server) credentialParams(r *http.Request, p params) params {
	if s.fault != faultTwoAuthMethodsAccepted || r.Header.Get("Authorization") == "" {
		return p
	}
	q := maps.Clone(p)
	delete(q, "client_secret")
	return q
}

// checkScopeGiven refuses a request without scope when the server has no
// default scope (Options.RequireScope), as RFC 6749 §3.3 allows, "indicating
// an invalid scope"; a server with a default takes the request.
func (s *Server) checkScopeGiven(r *http.Request, p params) *tokenError {
	if p.get("scope") != "" {
		return nil
	}
	switch {
	case s.fault == faultMissingScopeInvalidRequest && isForm(r):
		return errInvalidRequest(descMissingScope)
	case s.requireScope:
		return &tokenError{code: codeInvalidScope, description: descScopeRequired}
	}
	return nil
}

// issuerFor is the iss of a token issued for r: Options.Issuer, else the
// origin r was sent to, else the fixed fallback. The jwt-iss-request-origin
// fault takes the origin even with an Issuer, as a server behind a proxy
// that names itself by the address it was reached at.
func (s *Server) issuerFor(r *http.Request) string {
	if s.issuer != "" && s.fault != faultJWTIssRequestOrigin {
		return s.issuer
	}
	if r == nil || r.Host == "" || strings.ContainsAny(r.Host, "/?#@ ") {
		return defaultIssuer
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// checkGrantType accepts client_credentials, and password and
// refresh_token for a sales channel's customer: the grants left once
// serveActingGrant has taken its own. RFC 6749 §5.2: a missing grant_type is invalid_request, one the
// server does not support is unsupported_grant_type.
func (s *Server) checkGrantType(p params) *tokenError {
	grantType := p.get("grant_type")
	_, present := p["grant_type"]
	switch {
	case grantType == "" && present && s.fault == faultEmptyGrantTypeAccepted:
		return nil
	case grantType == "" && s.fault == faultMissingGrantTypeUnsupported:
		return &tokenError{code: codeUnsupportedGrantType, description: descUnsupportedGrant}
	case grantType == "":
		return errInvalidRequest(descMissingGrantType)
	case grantType == "client_credentials", grantType == grantPassword, grantType == grantRefreshToken:
		return nil
	case s.fault == faultUnsupportedGrantTypeInvalid:
		return errInvalidRequest(descInvalidRequest)
	}
	return &tokenError{code: codeUnsupportedGrantType, description: descUnsupportedGrant}
}

// writeToken issues a token to c and sends RFC 6749 §5.1's success answer,
// with Commerce Layer's created_at and its documented member order.
func (s *Server) writeToken(w http.ResponseWriter, g *grant) {
	now := s.now()
	lifetime := s.tokenLifetime(g.client)
	token, err := s.issueToken(g.client, g.confidential, g.scope, g.marketIDs, now.Unix(), lifetime, g.issuer, g.owner)
	if err != nil {
		s.writeError(w, errServer())
		return
	}
	refresh := s.refreshTokenFor(g, token, now)
	s.sendToken(w, s.tokenBody(g, token, refresh, lifetime, now))
}

// tokenLifetime is the lifetime of c's tokens, or the wrong one its
// lifetime fault gives.
func (s *Server) tokenLifetime(c *client) int64 {
	switch {
	case c == s.salesChannel && s.fault == faultSalesChannelLifetime,
		c == s.integration && s.fault == faultIntegrationLifetime:
		return s.wrongLifetime(c)
	}
	return c.lifetime
}

// tokenBody is the success answer's JSON object, in Commerce Layer's
// documented member order: the token, its type and lifetime, the refresh
// token, the scope, created_at, the owner, then the members only faults
// and variants add.
func (s *Server) tokenBody(g *grant, token, refresh string, lifetime int64, now time.Time) object {
	var body object
	s.addTokenMembers(&body, token, lifetime)
	s.addRefreshMember(&body, refresh)
	switch {
	case s.fault == faultDefaultScopeMissing && g.scope == defaultScope && len(g.marketIDs) == 0:
	case s.fault == faultScopeNotEchoed && len(g.marketIDs) > 0:
		body.add("scope", defaultScope)
	default:
		body.add("scope", g.scope)
	}
	s.addCreatedAt(&body, now)
	s.addOwnerMembers(&body, g)
	if s.fault == faultRefreshTokenIssued && !g.refreshable {
		body.add("refresh_token", randomHex(20))
	}
	if s.fault == faultSecretEchoedInToken && g.client == s.integration {
		body.add("client_secret", g.secret)
	}
	if s.extraMembers {
		body.add("authconform_extra", "ignored")
	}
	return body
}

// addTokenMembers adds access_token, token_type and expires_in (counted
// down by the variant that does), each as its fault, if any, writes it.
func (s *Server) addTokenMembers(body *object, token string, lifetime int64) {
	switch s.fault {
	case faultAccessTokenMissing:
	case faultAccessTokenEmpty:
		body.add("access_token", "")
	default:
		body.add("access_token", token)
	}
	switch s.fault {
	case faultTokenTypeMissing:
	case faultTokenTypeMAC:
		body.add("token_type", "mac")
	default:
		body.add("token_type", s.tokenType)
	}
	switch s.fault {
	case faultExpiresInString:
		body.add("expires_in", strconv.FormatInt(lifetime, 10))
	case faultExpiresInFloat:
		body.addRaw("expires_in", strconv.FormatInt(lifetime, 10)+".0")
	default:
		body.add("expires_in", lifetime-int64(s.expiresInCountdown))
	}
}

// addCreatedAt adds created_at, in Unix seconds unless a fault writes it
// otherwise.
func (s *Server) addCreatedAt(body *object, now time.Time) {
	switch s.fault {
	case faultCreatedAtMillis:
		body.add("created_at", now.UnixMilli())
	case faultCreatedAtStale:
		body.add("created_at", now.Add(-24*time.Hour).Unix())
	case faultCreatedAtString:
		body.add("created_at", strconv.FormatInt(now.Unix(), 10))
	default:
		body.add("created_at", now.Unix())
	}
}

// sendToken writes the success answer: JSON, never cached (RFC 6749
// §5.1's Cache-Control and Pragma), status 200, each unless a fault
// changes it.
func (s *Server) sendToken(w http.ResponseWriter, body object) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	if s.fault == faultContentTypeText {
		h.Set("Content-Type", "text/plain; charset=utf-8")
	}
	h.Set("Cache-Control", "no-store")
	if s.fault == faultSuccessNoStoreMissing {
		h.Set("Cache-Control", "no-cache")
	}
	if s.fault != faultPragmaMissing {
		h.Set("Pragma", "no-cache")
	}
	raw := body.bytes()
	h.Set("Content-Length", strconv.Itoa(len(raw)))
	if s.fault == faultSuccessStatus201 {
		w.WriteHeader(http.StatusCreated)
	} else {
		w.WriteHeader(http.StatusOK)
	}
	_, _ = w.Write(raw) // a failed write means the client has gone; nothing to do
}

// wrongLifetime is the lifetime the lifetime faults give c's tokens:
// the other client's, the natural mix-up, or twice c's when both clients
// have the same, so that the fault still shows.
func (s *Server) wrongLifetime(c *client) int64 {
	other := s.integration
	if c == s.integration {
		other = s.salesChannel
	}
	if other.lifetime != c.lifetime {
		return other.lifetime
	}
	return 2 * c.lifetime
}

// issueToken signs a new access token and records it, or, under the
// same-token-for-all fault, returns the first one this server signed. The
// record expires when expires_in says, iat + lifetime.
func (s *Server) issueToken(c *client, confidential bool, scope string, marketIDs []string, iat, lifetime int64, issuer string, owner *customer) (string, error) {
	if s.fault == faultSameTokenForAll {
		s.sharedMu.Lock()
		defer s.sharedMu.Unlock()
		if s.sharedToken != "" {
			return s.sharedToken, nil
		}
	}
	claims, err := s.claimsFor(c, confidential, scope, marketIDs, iat, lifetime, issuer)
	if err != nil {
		return "", err
	}
	// A customer's token names its owner as the acting grants' do
	// (grants.go); a guest's or an integration's names none, and keeps
	// the claims ExtraClaims adds, which the wrapper would hide.
	var payload any = claims
	if owner != nil {
		payload = actingClaims{tokenClaims: claims, Owner: s.ownerClaimFor(owner)}
	}
	token, err := s.signToken(payload)
	if err != nil {
		return "", err
	}
	s.tokens.addRecord(token, tokenRecord{client: c, owner: owner, expires: time.Unix(iat+lifetime, 0)}, s.now())
	if s.fault == faultSameTokenForAll {
		s.sharedToken = token
	}
	return token, nil
}

// serveJWKS publishes the signing key, where clients look for it:
// <iss>/.well-known/jwks.json.
func (s *Server) serveJWKS(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.writeError(w, &tokenError{status: http.StatusMethodNotAllowed, code: codeInvalidRequest, description: descJWKSMethod})
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(s.jwks)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(s.jwks)
	}
}

// randomHex returns n random bytes in hex, for values that only need to be
// unique and unguessable.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
