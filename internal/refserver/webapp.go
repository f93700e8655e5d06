package refserver

import (
	"cmp"
	"container/list"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The webapp, the people its tokens act for, and where codes come from,
// unless Options say otherwise (Commerce Layer's authorization code and
// JWT bearer grants).
const (
	// WebappClientID is a confidential client of the authorization code
	// grant.
	WebappClientID = "authconform-webapp"
	// WebappClientSecret is the webapp's secret.
	WebappClientSecret = "wa8Nc3RtKy6PqZ1LmV5XbH9DsJ2FgW7oUe4AiTnQz0k"
	// WebappLifetime is a webapp token's expires_in, in seconds (Commerce
	// Layer's default for webapps, 2 hours).
	WebappLifetime = 7200
	// WebappRedirectURI is the webapp's registered redirect URI. Nothing
	// is ever requested there: the authorize endpoint redirects to it and
	// the exchange repeats it.
	WebappRedirectURI = "https://app.authconform.test/oauth/callback"
	// CustomerID is the customer a JWT bearer assertion may name as owner.
	CustomerID = "ZvNkqBxLpm"
	// UserID is the user who approves every authorize request (the
	// server auto-approves), and a User a JWT bearer assertion may name.
	UserID = "WyXrLmQkPo"
	// AuthorizePath is the authorize endpoint (Commerce Layer's is
	// https://dashboard.commercelayer.io/oauth/authorize; this server
	// answers it on its own host).
	AuthorizePath = "/oauth/authorize"
	// CodeLifetime is how long a code may be exchanged: Commerce Layer's
	// 10 minutes.
	CodeLifetime = 10 * time.Minute
)

// kindWebapp is the webapp's application.kind.
const kindWebapp = "webapp"

// grantsConfig is the configuration of the grants that act for someone,
// read-only once New returns but for the codes it hands out.
type grantsConfig struct {
	webapp      *client
	redirectURI string
	customerID  string
	codes       *codeStore
	// authorizeRequests counts the requests AuthorizePath received.
	authorizeRequests *atomic.Int64
}

// grants checks the webapp's options and takes the defaults.
func (o Options) grants(c config) (grantsConfig, error) {
	webapp, err := newClient("Webapp", o.Webapp, c.expiresInCountdown, client{
		id:            WebappClientID,
		secret:        WebappClientSecret,
		kind:          kindWebapp,
		applicationID: "mWqZbRkPXn",
		lifetime:      WebappLifetime,
	})
	if err != nil {
		return grantsConfig{}, err
	}
	if webapp.id == c.salesChannel.id || webapp.id == c.integration.id {
		return grantsConfig{}, fmt.Errorf("refserver: Webapp.ID %q is another client's; want a client id of its own", webapp.id)
	}
	g := grantsConfig{webapp: webapp, redirectURI: cmp.Or(o.RedirectURI, WebappRedirectURI), customerID: cmp.Or(o.CustomerID, CustomerID), codes: newCodeStore(maxCodes), authorizeRequests: new(atomic.Int64)}
	if u, err := url.Parse(g.redirectURI); err != nil || u.Scheme == "" || u.Fragment != "" || strings.Contains(g.redirectURI, "#") {
		return grantsConfig{}, fmt.Errorf("refserver: RedirectURI is %q; want an absolute URI without a fragment (RFC 6749 §3.1.2), like %q", g.redirectURI, WebappRedirectURI)
	}
	if !isResourceID(g.customerID) {
		return grantsConfig{}, fmt.Errorf("refserver: CustomerID is %q; want letters, digits, '-' and '_', like %q", g.customerID, CustomerID)
	}
	return g, nil
}

// WebappInfo is the webapp as the server knows it, without its secret.
func (s *Server) WebappInfo() (ClientInfo, string) {
	w := s.grants.webapp
	return ClientInfo{Kind: w.kind, ID: w.id, Lifetime: int(w.lifetime)}, s.grants.redirectURI
}

// AuthorizeRequests returns the number of requests received on
// AuthorizePath, whatever their method or outcome.
func (s *Server) AuthorizeRequests() int64 { return s.grants.authorizeRequests.Load() }

// Customer is the id of the customer a JWT bearer assertion may name.
func (s *Server) Customer() string { return s.grants.customerID }

// Authorize answers. Commerce Layer's are not documented; these follow
// RFC 6749 §4.1.2.1 and Doorkeeper's messages.
const (
	descAuthorizeMethod   = "The authorize endpoint accepts only GET requests."
	descAuthorizeClient   = "The client_id is not a webapp of this server."
	descAuthorizeRedirect = "The redirect_uri is not the one registered for the client."
	descResponseType      = "The authorization server does not support this response type."
	descRepeatedQuery     = "A query parameter is included more than once."
)

// serveAuthorize answers GET /oauth/authorize (RFC 6749 §4.1.1): the
// server approves every request at once, as a user who said yes, and sends
// the user agent back to the webapp's redirect URI with a code and the
// state it was sent (§4.1.2). A request whose client or redirect URI is
// wrong is answered here, never redirected (§4.1.2.1); other errors go to
// the redirect URI.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	s.grants.authorizeRequests.Add(1)
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		s.writeRevokeError(w, &tokenError{status: http.StatusMethodNotAllowed, code: codeInvalidRequest, description: descAuthorizeMethod})
		return
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.writeRevokeError(w, errInvalidRequest(descInvalidRequest))
		return
	}
	for _, vs := range q {
		if len(vs) > 1 { // RFC 6749 §3.1
			s.writeRevokeError(w, errInvalidRequest(descRepeatedQuery))
			return
		}
	}
	g := s.grants
	switch {
	case q.Get("client_id") != g.webapp.id:
		s.writeRevokeError(w, &tokenError{code: codeInvalidClient, description: descAuthorizeClient})
		return
	case q.Has("redirect_uri") && q.Get("redirect_uri") != g.redirectURI:
		s.writeRevokeError(w, errInvalidRequest(descAuthorizeRedirect))
		return
	}
	back := redirectBack{to: g.redirectURI, state: q.Get("state")}
	if s.fault == faultAuthorizeStateDropped {
		back.state = ""
	}
	if q.Get("response_type") != "code" {
		back.send(w, url.Values{"error": {string(codeUnsupportedResponseType)}, "error_description": {descResponseType}})
		return
	}
	scope, markets, terr := s.parseScope(q.Get("scope"))
	if terr != nil {
		back.send(w, url.Values{"error": {string(terr.code)}, "error_description": {terr.description}})
		return
	}
	code := randomHex(20)
	g.codes.add(code, &authCode{redirectURI: q.Get("redirect_uri"), scope: scope, marketIDs: markets, expires: s.now().Add(CodeLifetime)}, s.now())
	back.send(w, url.Values{"code": {code}})
}

// redirectBack is where an authorize answer sends the user agent.
type redirectBack struct{ to, state string }

// send redirects with params added to the redirect URI's query, which it
// keeps (RFC 6749 §3.1.2), and the state when there was one.
func (b redirectBack) send(w http.ResponseWriter, params url.Values) {
	u, _ := url.Parse(b.to) // checked when the server was configured
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	if b.state != "" {
		q.Set("state", b.state)
	}
	u.RawQuery = q.Encode()
	h := w.Header()
	h.Set("Location", u.String())
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusFound)
}

// maxCodes bounds the codes a server remembers, as maxTokenRecords bounds
// its tokens.
const maxCodes = 10000

// authCode is what the server remembers of a code it handed out.
type authCode struct {
	redirectURI string // as the authorize request sent it; "" if it sent none
	scope       string
	marketIDs   []string
	expires     time.Time
	used        bool
	reused      bool // presented again after its exchange
	// issued are the access tokens exchanged for it, revoked when it is
	// used again (RFC 6749 §4.1.2).
	issued []string
}

// codeStore holds the codes handed out, at most limit of them: when full,
// the oldest goes. It is safe for concurrent use.
type codeStore struct {
	limit  int
	mu     sync.Mutex
	byCode map[tokenKey]*list.Element // of *storedCode
	oldest *list.List
}

type storedCode struct {
	key  tokenKey
	code *authCode
}

func newCodeStore(limit int) *codeStore {
	return &codeStore{limit: limit, byCode: map[tokenKey]*list.Element{}, oldest: list.New()}
}

func (cs *codeStore) add(code string, c *authCode, now time.Time) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for e := cs.oldest.Front(); e != nil && (len(cs.byCode) >= cs.limit || !now.Before(e.Value.(*storedCode).code.expires)); e = cs.oldest.Front() {
		delete(cs.byCode, e.Value.(*storedCode).key)
		cs.oldest.Remove(e)
	}
	key := keyOf(code)
	cs.byCode[key] = cs.oldest.PushBack(&storedCode{key, c})
}

// use finds a code that has not expired and hands it to fn under the
// store's lock; the code is marked used when fn says it was exchanged.
// It reports whether the code was found.
func (cs *codeStore) use(code string, now time.Time, fn func(c *authCode) (exchanged bool)) bool {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	e, ok := cs.byCode[keyOf(code)]
	if !ok {
		return false
	}
	c := e.Value.(*storedCode).code
	if !now.Before(c.expires) {
		return false
	}
	if fn(c) {
		c.used = true
	}
	return true
}

// issued records a token exchanged for code; if the code was presented
// again meanwhile, the token is revoked at once, as the earlier ones were.
func (cs *codeStore) issued(code, token string, tokens *tokenStore) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	e, ok := cs.byCode[keyOf(code)]
	if !ok {
		return
	}
	c := e.Value.(*storedCode).code
	c.issued = append(c.issued, token)
	if c.reused {
		tokens.revoke(token)
	}
}
