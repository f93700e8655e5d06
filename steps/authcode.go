package steps

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
)

// The authorization code grant's steps (RFC 6749 §4.1, Commerce Layer's
// "Authorization code" page): the webapp asks the authorize endpoint for a
// code, reads the redirect it answers with (never following it), checks
// the state, and exchanges the code at the token endpoint. A code is a
// credential: every one the suite sees is masked in every output and
// read from a variable in reproduce lines.

// Placeholders of the grants that act for someone, filled by the steps.
const (
	codePlaceholder      = "authorization_code"
	assertionPlaceholder = "assertion"
)

// grantValues are the placeholders the configuration fills for the
// grants that act for someone (see configuredValues).
func grantValues(t config.Target) map[string]string {
	jb := t.AssertionClient()
	return map[string]string{
		"webapp.client_id":          t.Webapp.ID,
		"webapp.client_secret":      t.Webapp.Secret,
		"webapp.redirect_uri":       t.RedirectURI,
		"webapp.other_redirect_uri": t.OtherRedirectURI(),
		"customer_id":               t.CustomerID,
		"jwt_bearer.client_id":      jb.ID,
		"jwt_bearer.client_secret":  jb.Secret,
	}
}

// grantState is a scenario's own of the grants that act for someone.
type grantState struct {
	authState  string   // the state of its last authorize request
	codes      []string // the codes it obtained or was given
	assertions []string // the assertions it built
}

// suiteGrants is what the run's scenarios share of those grants.
type suiteGrants struct {
	code configuredCode
	// keyOnce makes key, the run's assertion signing key (a secret).
	keyOnce sync.Once
	key     []byte
}

// configuredCode hands the configured authorization code to one scenario:
// a code works once (RFC 6749 §4.1.2), so a second scenario asking for it
// is told which one had it.
type configuredCode struct {
	mu    sync.Mutex
	taker string // the scenario that took it; "" while nobody has
}

// authorizeRequest is the webapp's authorize request (RFC 6749 §4.1.1):
// response_type code, its client_id and redirect_uri, Commerce Layer's
// default scope, and a state of the scenario's own.
func (st *scenario) authorizeRequest() (httpclient.Request, string, error) {
	t := st.suite.Target
	if t.AuthorizeURL == "" {
		return httpclient.Request{}, "", fmt.Errorf("no authorize endpoint: set %s (scenarios that need one carry @authorize_url and are left out without it)", config.EnvAuthorizeURL)
	}
	state := "authconform-state-" + randomID(24)
	q := url.Values{
		"response_type": {"code"},
		"client_id":     {t.Webapp.ID},
		"redirect_uri":  {t.RedirectURI},
		"scope":         {config.AuthorizeScope},
		"state":         {state},
	}
	return httpclient.Request{
		Method: http.MethodGet,
		URL:    t.AuthorizeURL + "?" + q.Encode(),
		Header: http.Header{"Accept": {"text/html,application/json"}},
	}, state, nil
}

// askAuthorize sends the authorize request and makes its answer the one
// the Then steps judge; the code it carries, if any, is masked from then
// on.
func (st *scenario) askAuthorize(ctx context.Context) error {
	req, state, err := st.authorizeRequest()
	if err != nil {
		return err
	}
	st.grant.authState = state
	// What comes back is known to be a credential only once it is read:
	// the send registers nothing from a Location but tokens.
	err = st.send(ctx, req)
	if st.answer != nil && st.answer.Request.URL == req.URL {
		st.noteCodes(st.answer)
	}
	return err
}

// noteCodes registers every code a redirect carries, in its query or its
// fragment, as a secret.
func (st *scenario) noteCodes(ex *httpclient.Exchange) {
	u, err := url.Parse(ex.Header.Get("Location"))
	if err != nil {
		return
	}
	for _, raw := range []string{u.RawQuery, u.Fragment} {
		if q, err := url.ParseQuery(raw); err == nil {
			for _, c := range q["code"] {
				st.suite.Redactor.Add(c)
			}
		}
	}
}

// whenAuthorizeAsked asks the authorize endpoint for a code for the
// webapp; the Then steps judge the answer.
func (st *scenario) whenAuthorizeAsked(ctx context.Context) error { return st.askAuthorize(ctx) }

// thenRedirectWithCodeAndState judges the authorize answer: a redirect to
// the webapp's redirect URI carrying a code and the state sent.
func (st *scenario) thenRedirectWithCodeAndState() error {
	ex, err := st.last()
	if err != nil {
		return err
	}
	if st.grant.authState == "" {
		return fmt.Errorf("no authorize request to judge: use \"the authorize endpoint is asked for a code for the webapp\" first")
	}
	if _, problem := st.readRedirect(ex, st.grant.authState); problem != "" {
		return st.fail("%s", problem)
	}
	return nil
}

// redirectStatuses are the statuses a redirect may use: RFC 6749 §4.1.2
// shows 302, and leaves the method of redirection to the server (§1.7).
var redirectStatuses = []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect}

// readRedirect reads an authorize answer as RFC 6749 §4.1.2 has it: a
// redirect to the redirect URI (its own query kept, §3.1.2), with code and
// the exact state in the query. It returns the code, or why there is none.
func (st *scenario) readRedirect(ex *httpclient.Exchange, state string) (code, problem string) {
	const rule = "(RFC 6749 §4.1.2)"
	loc := ex.Header.Get("Location")
	if !slices.Contains(redirectStatuses, ex.Status) || loc == "" {
		return "", fmt.Sprintf("status = %d, Location %q; want a redirect (302) to the webapp's redirect_uri with a code %s", ex.Status, shortText(loc), rule)
	}
	got, err := url.Parse(loc)
	if err != nil {
		return "", fmt.Sprintf("Location %q is not a URL; want the webapp's redirect_uri with a code %s", shortText(loc), rule)
	}
	want, _ := url.Parse(st.suite.Target.RedirectURI) // checked with the configuration
	if !sameEndpoint(got, want) {
		return "", fmt.Sprintf("the redirect goes to %s; want the webapp's redirect_uri, %s (RFC 6749 §3.1.2)", endpointOf(got), endpointOf(want))
	}
	q := got.Query()
	for k, vs := range want.Query() {
		if !slices.Equal(q[k], vs) {
			return "", fmt.Sprintf("the redirect dropped the redirect_uri's own query parameter %q; want it kept (RFC 6749 §3.1.2)", k)
		}
	}
	switch {
	case q.Get("error") != "":
		return "", fmt.Sprintf("the redirect carries error=%q (%s); want a code %s", shortText(q.Get("error")), shortText(q.Get("error_description")), rule)
	case q.Get("code") == "":
		return "", fmt.Sprintf("the redirect's query has no code; want one %s", rule)
	case !q.Has("state"):
		return "", fmt.Sprintf("the redirect has no state; want the state the request sent, exactly %s", rule)
	case q.Get("state") != state:
		return "", fmt.Sprintf("the redirect's state differs from the one sent; want it exactly %s", rule)
	}
	return q.Get("code"), ""
}

// sameEndpoint compares scheme, host (without regard to case) and path.
func sameEndpoint(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host) && a.EscapedPath() == b.EscapedPath() && a.Opaque == b.Opaque
}

// endpointOf is a URL without its query and fragment, for messages.
func endpointOf(u *url.URL) string {
	v := *u
	v.RawQuery, v.Fragment, v.RawFragment, v.User = "", "", "", nil
	return fmt.Sprintf("%q", shortText(v.String()))
}

// givenFreshCode asks the authorize endpoint for a code and keeps it as
// {{authorization_code}}; an answer without one, or without the state
// sent, fails the step.
func (st *scenario) givenFreshCode(ctx context.Context) error {
	if err := st.askAuthorize(ctx); err != nil {
		return err
	}
	code, problem := st.readRedirect(st.answer, st.grant.authState)
	if problem != "" {
		return st.fail("no authorization code to exchange: %s", problem)
	}
	st.useCode(code)
	return nil
}

// givenWebappCode keeps the configured code as {{authorization_code}},
// for the one scenario that uses it, or else a fresh one from the
// authorize endpoint.
func (st *scenario) givenWebappCode(ctx context.Context) error {
	code := string(st.suite.Target.AuthorizationCode)
	if code == "" {
		return st.givenFreshCode(ctx)
	}
	cc := &st.suite.grants.code
	cc.mu.Lock()
	taker := cc.taker
	if taker == "" {
		cc.taker = st.name()
	}
	cc.mu.Unlock()
	if taker != "" {
		return fmt.Errorf("%s was used by the scenario %q already, and a code works once (RFC 6749 §4.1.2); set %s so that each scenario gets a code of its own", config.EnvAuthorizationCode, taker, config.EnvAuthorizeURL)
	}
	st.useCode(code)
	return nil
}

func (st *scenario) useCode(code string) {
	st.suite.Redactor.Add(code)
	st.vars[codePlaceholder] = code
	st.grant.codes = append(st.grant.codes, code)
}

// thenWebappLifetime checks a webapp token's expires_in by the rule every
// token answer follows (lifetime.go): the token's own exp − iat, and the
// configured lifetime (AUTHCONFORM_WEBAPP_EXPIRES_IN) when there is one,
// since each credential's lifetime is set in the dashboard
// (docs/sources/commercelayer-auth.md#lifetimes).
func (st *scenario) thenWebappLifetime(path string) error {
	return st.thenMemberTokenLifetime(path, "webapp")
}

// whenResourceWithRemembered asks the protected resource with a token
// remembered earlier in the scenario.
func (st *scenario) whenResourceWithRemembered(ctx context.Context, name string) error {
	tok, ok := st.remembered[name]
	if !ok {
		return fmt.Errorf("no access token remembered as %q: use \"the access token is remembered as %q\" first", name, name)
	}
	return st.requestResource(ctx, tok)
}

// shortText cuts a target's text to what a one-line message quotes.
func shortText(s string) string {
	const max = 120
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}

// grantControls are the grants whose refusals are evidence only next to a
// token of the same grant: a server that refuses every code exchange
// would pass every code refusal, whatever the webapp's other tokens; a
// refused wrong password is evidence only once the customer's right one
// got a token, whatever client_credentials gave the same client.
var grantControls = map[string]string{
	"authorization_code":                          "the authorization code grant",
	"urn:ietf:params:oauth:grant-type:jwt-bearer": "the JWT bearer grant",
	"password":      "the password grant",
	"refresh_token": "the refresh_token grant",
}

// grantSeparator starts the grant part of a control's name.
const grantSeparator = "\x01"

// grantControl is the grant part of the control of a token request of
// one of grantControls, "" for any other.
func grantControl(r *tokenRequest) string {
	if r == nil {
		return ""
	}
	for _, p := range r.params {
		if p.name == "grant_type" {
			if g := grantControls[p.value]; g != "" {
				return grantSeparator + g
			}
		}
	}
	return ""
}

// grantOf is the grant part of a control's name, "" for none.
func grantOf(control string) string {
	_, g, _ := strings.Cut(strings.TrimSuffix(control, withBasic), grantSeparator)
	return g
}
