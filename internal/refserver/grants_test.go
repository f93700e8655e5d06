package refserver_test

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/refserver"
)

// The grants that act for someone: the authorize endpoint, the
// authorization code exchange and the JWT bearer grant.

// noRedirects is a client that reads a redirect instead of following it.
var noRedirects = &http.Client{Timeout: httpClient.Timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorizeQuery is the webapp's authorize request, with state.
func authorizeQuery(clientID, redirectURI, responseType, state string) string {
	q := url.Values{"client_id": {clientID}, "redirect_uri": {redirectURI}, "response_type": {responseType}, "scope": {"market:all"}}
	if state != "" {
		q.Set("state", state)
	}
	return refserver.AuthorizePath + "?" + q.Encode()
}

// authorized is an authorize answer: its status, and the redirect's
// query when it redirected.
type authorized struct {
	status int
	to     *url.URL // nil without a Location
}

func authorize(t *testing.T, baseURL, pathAndQuery string) authorized {
	t.Helper()
	resp, err := noRedirects.Get(baseURL + pathAndQuery)
	if err != nil {
		t.Fatalf("GET %s: %v", refserver.AuthorizePath, err)
	}
	resp.Body.Close()
	a := authorized{status: resp.StatusCode}
	if loc := resp.Header.Get("Location"); loc != "" {
		if a.to, err = url.Parse(loc); err != nil {
			t.Fatalf("Location %q: %v", loc, err)
		}
	}
	return a
}

// freshCode asks the authorize endpoint for a code for the default webapp.
func freshCode(t *testing.T, baseURL string) (string, error) {
	t.Helper()
	a := authorize(t, baseURL, authorizeQuery(refserver.WebappClientID, refserver.WebappRedirectURI, "code", "st-1"))
	if a.status != http.StatusFound || a.to == nil || a.to.Query().Get("code") == "" {
		return "", fmt.Errorf("authorize: status %d, redirect %v; want 302 with a code", a.status, a.to)
	}
	return a.to.Query().Get("code"), nil
}

// exchange is the webapp's token request for code.
func exchange(code, redirectURI, secret string) request {
	return request{body: jsonBody("grant_type", "authorization_code", "code", code, "client_id", refserver.WebappClientID,
		"client_secret", secret, "redirect_uri", redirectURI, "scope", "market:all")}
}

// otherRedirect is a redirect URI that is not the authorize request's.
const otherRedirect = refserver.WebappRedirectURI + "/elsewhere"

// assertion is a JWT bearer assertion as js-auth's createAssertion makes
// it: HS512 with its fixed secret, the claims under Commerce Layer's
// namespace; claims is their JSON.
func assertion(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	input := enc([]byte(`{"alg":"HS512","typ":"JWT"}`)) + "." + enc([]byte(`{"https://commercelayer.io/claims":`+claims+`,"iat":1700000000}`))
	mac := hmac.New(sha512.New, []byte("cl"))
	mac.Write([]byte(input))
	return input + "." + enc(mac.Sum(nil))
}

// jwtBearer is the sales channel's JWT bearer request.
func jwtBearer(assertion string) request {
	return request{body: jsonBody("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer", "client_id", refserver.SalesChannelClientID,
		"client_secret", refserver.SalesChannelClientSecret, "assertion", assertion)}
}

const (
	customerClaims = `{"owner":{"type":"Customer","id":"` + refserver.CustomerID + `"}}`
	customClaims   = `{"custom_claim":{"greeting":"Grüße ✓","n":[1,2.5,null]}}`
	customClaim    = `{"greeting":"Grüße ✓","n":[1,2.5,null]}`
)

// oversized is a valid assertion past js-auth's 4 KB.
func oversized() string {
	return assertion(`{"owner":{"type":"Customer","id":"` + refserver.CustomerID + `"},"custom_claim":{"padding":"` + strings.Repeat("x", 4096) + `"}}`)
}

// codeExchanged gets a code and exchanges it, then runs check on the
// answer to req, made with the same code.
func codeExchanged(req func(code string) request, check func(*response) error) ruleCheck {
	return func(t *testing.T, baseURL string) error {
		code, err := freshCode(t, baseURL)
		if err != nil {
			return err
		}
		if err := expectStatus(send(t, baseURL, exchange(code, refserver.WebappRedirectURI, refserver.WebappClientSecret)), 200); err != nil {
			return fmt.Errorf("first exchange: %v", err)
		}
		return check(send(t, baseURL, req(code)))
	}
}

// withCode gets a code and runs check on the answer to req with it.
func withCode(req func(code string) request, check func(*response) error) ruleCheck {
	return func(t *testing.T, baseURL string) error {
		code, err := freshCode(t, baseURL)
		if err != nil {
			return err
		}
		return check(send(t, baseURL, req(code)))
	}
}

func sameExchange(code string) request {
	return exchange(code, refserver.WebappRedirectURI, refserver.WebappClientSecret)
}

func otherRedirectExchange(code string) request {
	return exchange(code, otherRedirect, refserver.WebappClientSecret)
}

// reuseRevokes exchanges a code twice and asks the resource with the first
// exchange's token.
func reuseRevokes(t *testing.T, baseURL string) error {
	code, err := freshCode(t, baseURL)
	if err != nil {
		return err
	}
	first := send(t, baseURL, sameExchange(code))
	if err := expectStatus(first, 200); err != nil {
		return err
	}
	if err := expectStatus(send(t, baseURL, sameExchange(code)), 400); err != nil {
		return fmt.Errorf("second exchange: %v", err)
	}
	return expectTokenWorks(t, baseURL, accessToken(first), false)
}

// stateReturned checks the authorize redirect carries the state sent.
func stateReturned(t *testing.T, baseURL string) error {
	a := authorize(t, baseURL, authorizeQuery(refserver.WebappClientID, refserver.WebappRedirectURI, "code", "xyz-state"))
	if a.to == nil {
		return fmt.Errorf("authorize: status %d and no redirect", a.status)
	}
	if got := a.to.Query().Get("state"); got != "xyz-state" {
		return fmt.Errorf("state = %q; want %q", got, "xyz-state")
	}
	return nil
}

// TestAuthorize verifies the authorize endpoint: a redirect to the
// registered URI with a code and the state, errors for a good client sent
// back there, and a wrong client or redirect URI answered, not redirected.
func TestAuthorize(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{})
	good := authorizeQuery(refserver.WebappClientID, refserver.WebappRedirectURI, "code", "s1")
	tests := []struct {
		name      string
		path      string
		status    int
		wantQuery map[string]string // members the redirect's query must have; "?" any non-empty value
	}{
		{"approved", good, 302, map[string]string{"code": "?", "state": "s1"}},
		{"no state", authorizeQuery(refserver.WebappClientID, refserver.WebappRedirectURI, "code", ""), 302, map[string]string{"code": "?", "state": ""}},
		{"no redirect_uri: the registered one", refserver.AuthorizePath + "?response_type=code&client_id=" + refserver.WebappClientID, 302, map[string]string{"code": "?"}},
		{"token response type", authorizeQuery(refserver.WebappClientID, refserver.WebappRedirectURI, "token", "s2"), 302, map[string]string{"error": "unsupported_response_type", "state": "s2", "code": ""}},
		{"unknown market", strings.Replace(good, "market%3Aall", "market%3Aid%3Azzzzzzzzzz", 1), 302, map[string]string{"error": "invalid_scope", "state": "s1"}},
		{"another client", authorizeQuery(refserver.SalesChannelClientID, refserver.WebappRedirectURI, "code", "s3"), 401, nil},
		{"another redirect URI", authorizeQuery(refserver.WebappClientID, otherRedirect, "code", "s4"), 400, nil},
		{"repeated parameter", good + "&state=again", 400, nil},
	}
	for _, tt := range tests {
		a := authorize(t, srv.URL, tt.path)
		if a.status != tt.status {
			t.Errorf("%s: status = %d; want %d", tt.name, a.status, tt.status)
			continue
		}
		if tt.wantQuery == nil {
			if a.to != nil {
				t.Errorf("%s: redirected to %s; want no redirect (RFC 6749 §4.1.2.1)", tt.name, a.to)
			}
			continue
		}
		if a.to == nil || a.to.Scheme+"://"+a.to.Host+a.to.Path != refserver.WebappRedirectURI {
			t.Errorf("%s: redirect %v; want one to %s", tt.name, a.to, refserver.WebappRedirectURI)
			continue
		}
		for k, want := range tt.wantQuery {
			got := a.to.Query().Get(k)
			if (want == "?" && got == "") || (want != "?" && got != want) {
				t.Errorf("%s: %s = %q; want %q", tt.name, k, got, want)
			}
		}
	}
	resp, err := http.Post(srv.URL+refserver.AuthorizePath, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status = %d; want 405", resp.StatusCode)
	}
}

// TestAuthorizationCode verifies the exchange: a token acting for the
// user, and invalid_grant, invalid_client or unauthorized_client for what
// RFC 6749 §4.1.3 refuses.
func TestAuthorizationCode(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{})
	code, err := freshCode(t, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	claims, r, err := issueClaims(t, srv.URL, sameExchange(code))
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(
		expectStatus(r, 200),
		expectMember(r, "owner_type", `"user"`),
		expectMember(r, "owner_id", quoted(refserver.UserID)),
		expectMember(r, "expires_in", "7200"),
		expectHeader(r, "Cache-Control", "no-store"),
		claim("owner", "", `{"id":"`+refserver.UserID+`","type":"User"}`)(claims, r),
		claim("application", "kind", `"webapp"`)(claims, r),
		claim("application", "public", "false")(claims, r),
		lifetimeMatches(claims, r),
	); err != nil {
		t.Error(err)
	}
	if _, ok := r.members["refresh_token"]; !ok {
		t.Error("no refresh_token member; want one")
	}
	tests := []struct {
		name   string
		req    request
		status int
		code   string
	}{
		{"reused code", sameExchange(code), 400, "invalid_grant"},
		{"unknown code", sameExchange("no-such-code"), 400, "invalid_grant"},
		{"wrong secret", exchange("no-such-code", refserver.WebappRedirectURI, wrongSecret), 401, "invalid_client"},
		{"no code", exchange("", refserver.WebappRedirectURI, refserver.WebappClientSecret), 400, "invalid_request"},
		{"sales channel", request{body: jsonBody("grant_type", "authorization_code", "code", "x", "client_id", refserver.SalesChannelClientID)}, 400, "unauthorized_client"},
	}
	for _, tt := range tests {
		got := send(t, srv.URL, tt.req)
		if err := errors.Join(expectErrorAnswer(got, tt.status, tt.code), expectNoMember(got, "access_token")); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	for _, check := range []ruleCheck{
		withCode(otherRedirectExchange, status(400)),
		withCode(func(c string) request {
			req := sameExchange(c)
			req.body = strings.Replace(req.body, `"market:all"`, `"market:id:`+refserver.MarketID+`"`, 1)
			return req
		}, func(r *response) error { return expectErrorCode(r, "invalid_scope") }),
		reuseRevokes, stateReturned,
	} {
		if err := check(t, srv.URL); err != nil {
			t.Error(err)
		}
	}
}

// TestJWTBearer verifies the JWT bearer grant: a token for the owner,
// carrying the custom claim unchanged; a refusal of every assertion that
// claims nothing, is not a JWT, is over 4 KB or names nobody known.
func TestJWTBearer(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{})
	claims, r, err := issueClaims(t, srv.URL, jwtBearer(assertion(customerClaims)))
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(
		expectMember(r, "owner_type", `"customer"`), expectMember(r, "owner_id", quoted(refserver.CustomerID)),
		claim("owner", "", `{"id":"`+refserver.CustomerID+`","type":"Customer"}`)(claims, r),
		claim("application", "kind", `"sales_channel"`)(claims, r),
	); err != nil {
		t.Error(err)
	}
	claims, r, err = issueClaims(t, srv.URL, jwtBearer(assertion(customClaims)))
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(noMember("owner_id")(r), noMember("owner_type")(r), claim("custom_claim", "", customClaim)(claims, r)); err != nil {
		t.Error(err)
	}
	if _, ok := claims["owner"]; ok {
		t.Errorf("a custom-claim token has an owner claim %s; want none", claims["owner"])
	}
	userToken := send(t, srv.URL, jwtBearer(assertion(`{"owner":{"type":"User","id":"`+refserver.UserID+`"}}`)))
	if err := expectMember(userToken, "owner_type", `"user"`); err != nil {
		t.Error(err)
	}
	for _, tt := range []struct{ name, assertion string }{
		{"empty claims", assertion(`{}`)},
		{"no claims at all", assertion(`null`)},
		{"unknown customer", assertion(`{"owner":{"type":"Customer","id":"nobody"}}`)},
		{"unknown owner type", assertion(`{"owner":{"type":"Admin","id":"` + refserver.CustomerID + `"}}`)},
		{"custom claim not an object", assertion(`{"custom_claim":"text"}`)},
		{"over 4 KB", oversized()},
		{"not a JWT", "not-a-jwt"},
		{"payload not JSON", "eyJhbGciOiJub25lIn0.bm90IGpzb24.x"},
	} {
		got := send(t, srv.URL, jwtBearer(tt.assertion))
		if err := errors.Join(expectErrorAnswer(got, 400, "invalid_assertion"), expectNoMember(got, "access_token")); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if err := expectErrorCode(send(t, srv.URL, jwtBearer("")), "invalid_request"); err != nil {
		t.Errorf("no assertion: %v", err)
	}
	wrong := jwtBearer(assertion(customerClaims))
	wrong.body = strings.Replace(wrong.body, refserver.SalesChannelClientSecret, wrongSecret, 1)
	if err := expectErrorAnswer(send(t, srv.URL, wrong), 401, "invalid_client"); err != nil {
		t.Errorf("wrong secret: %v", err)
	}
}
