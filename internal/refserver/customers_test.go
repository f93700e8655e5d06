package refserver_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/authconform/authconform/internal/refserver"
)

// customerScope is the scope the customer tests sign in with.
var customerScope = "market:id:" + refserver.MarketID

// passwordLogin is the sales channel's password grant for a customer,
// with the market in scope.
func passwordLogin(email, password string) request {
	return request{body: jsonBody("grant_type", "password", "client_id", refserver.SalesChannelClientID,
		"username", email, "password", password, "scope", customerScope)}
}

// customerLogin is the default customer's login.
func customerLogin() request {
	return passwordLogin(refserver.CustomerEmail, refserver.CustomerPassword)
}

// refreshWith is the sales channel's refresh_token grant; scope "" leaves
// the scope out.
func refreshWith(token, scope string) request {
	pairs := []string{"grant_type", "refresh_token", "client_id", refserver.SalesChannelClientID, "refresh_token", token}
	if scope != "" {
		pairs = append(pairs, "scope", scope)
	}
	return request{body: jsonBody(pairs...)}
}

// refreshToken is an answer's refresh_token, "" when it has none.
func refreshToken(r *response) string {
	var token string
	_ = json.Unmarshal(r.members["refresh_token"], &token)
	return token
}

// customerIDOnlyRevokes is the sales channel revoking with its id alone, as
// Commerce Layer allows for a token that names a customer.
func customerIDOnlyRevokes(token string) request {
	return revoke("client_id", refserver.SalesChannelClientID, "token", token)
}

// expectCustomerAnswer checks a customer's token answer: 200, exactly the
// members Commerce Layer's tests assert, owner_type "customer", owner_id
// the customer's, a refresh token, and a JWT naming the customer.
func expectCustomerAnswer(baseURL string, r *response) error {
	if err := expectStatus(r, http.StatusOK); err != nil {
		return err
	}
	want := []string{"access_token", "created_at", "expires_in", "owner_id", "owner_type", "refresh_token", "scope", "token_type"}
	if got := slices.Sorted(maps.Keys(r.members)); !slices.Equal(got, want) {
		return fmt.Errorf("members = %v; want %v", got, want)
	}
	if refreshToken(r) == "" {
		return fmt.Errorf("refresh_token = %s; want a token", r.members["refresh_token"])
	}
	claims, err := verifyToken(baseURL, accessToken(r))
	if err != nil {
		return err
	}
	for _, c := range []error{
		expectMember(r, "owner_type", `"customer"`),
		expectMember(r, "owner_id", quoted(refserver.CustomerID)),
		expectMember(r, "scope", quoted(customerScope)),
		expectMember(r, "expires_in", fmt.Sprint(refserver.SalesChannelLifetime)),
		claim("owner", "id", quoted(refserver.CustomerID))(claims, r),
		claim("owner", "type", `"Customer"`)(claims, r),
		claim("application", "kind", `"sales_channel"`)(claims, r),
		lifetimeMatches(claims, r),
	} {
		if c != nil {
			return c
		}
	}
	return nil
}

// TestPasswordGrant verifies the password grant's answers: a token acting
// for the customer, and one invalid_grant answer for a wrong password and
// an unknown email alike.
func TestPasswordGrant(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{})
	if err := expectCustomerAnswer(srv.URL, send(t, srv.URL, customerLogin())); err != nil {
		t.Errorf("customer login: %v", err)
	}
	upper := strings.ToUpper(refserver.CustomerEmail)
	if err := expectCustomerAnswer(srv.URL, send(t, srv.URL, passwordLogin(upper, refserver.CustomerPassword))); err != nil {
		t.Errorf("login with the email in upper case: %v", err)
	}
	wrong := send(t, srv.URL, passwordLogin(refserver.CustomerEmail, "not-the-password"))
	unknown := send(t, srv.URL, passwordLogin("nobody@authconform.test", refserver.CustomerPassword))
	for name, r := range map[string]*response{"wrong password": wrong, "unknown email": unknown} {
		if err := expectErrorAnswer(r, http.StatusBadRequest, "invalid_grant"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if strings.Contains(string(r.body), "not-the-password") || strings.Contains(string(r.body), refserver.CustomerPassword) {
			t.Errorf("%s: the answer quotes a password: %s", name, r.body)
		}
	}
	if string(wrong.body) != string(unknown.body) {
		t.Errorf("wrong password answered %s, unknown email %s; want one answer", wrong.body, unknown.body)
	}
	tests := []struct {
		name     string
		req      request
		status   int
		wantCode string
	}{
		{"username=missing", request{body: jsonBody("grant_type", "password", "client_id", refserver.SalesChannelClientID, "password", "x")}, 400, "invalid_request"},
		{"password=missing", request{body: jsonBody("grant_type", "password", "client_id", refserver.SalesChannelClientID, "username", refserver.CustomerEmail)}, 400, "invalid_request"},
		{"client=integration", request{body: jsonBody("grant_type", "password", "client_id", refserver.IntegrationClientID, "client_secret", refserver.IntegrationClientSecret,
			"username", refserver.CustomerEmail, "password", refserver.CustomerPassword)}, 400, "unauthorized_client"},
		{"client=unknown", request{body: jsonBody("grant_type", "password", "client_id", "wrong-client-id",
			"username", refserver.CustomerEmail, "password", refserver.CustomerPassword)}, 401, "invalid_client"},
		{"scope=unknown_market", request{body: jsonBody("grant_type", "password", "client_id", refserver.SalesChannelClientID,
			"username", refserver.CustomerEmail, "password", refserver.CustomerPassword, "scope", "market:id:zzzzzzzzzz")}, 400, "invalid_scope"},
	}
	for _, tt := range tests {
		if err := expectErrorAnswer(send(t, srv.URL, tt.req), tt.status, tt.wantCode); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// TestPasswordGrantConfiguredCustomer verifies Options.Customer replaces
// the default customer, and that printing the options hides the password.
func TestPasswordGrantConfiguredCustomer(t *testing.T) {
	t.Parallel()
	opts := refserver.Options{Customer: refserver.Customer{Email: "buyer@example.test", Password: "a \"quoted\" pass\\word"}}
	srv := start(t, opts)
	if r := send(t, srv.URL, passwordLogin("buyer@example.test", "a \"quoted\" pass\\word")); r.status != http.StatusOK {
		t.Errorf("the configured customer's login: status %d (%s); want 200", r.status, r.body)
	}
	if r := send(t, srv.URL, customerLogin()); r.status != http.StatusBadRequest {
		t.Errorf("the default customer's login: status %d; want 400, as it is not the server's", r.status)
	}
	for _, format := range []string{"%v", "%+v", "%#v"} {
		if out := fmt.Sprintf(format, opts); strings.Contains(out, "pass\\word") {
			t.Errorf("Sprintf(%q, opts) shows the password: %s", format, out)
		}
	}
	if _, err := refserver.New(refserver.Options{Customer: refserver.Customer{Email: "two words@example.test"}}); err == nil {
		t.Errorf("New accepted an email with a space; want an error")
	}
}

// TestRefreshGrant verifies refreshing: a new access token and refresh
// token for the same scope and customer, the old refresh token used up,
// the scope kept or refused, and refresh tokens no access tokens.
func TestRefreshGrant(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{})
	login := send(t, srv.URL, customerLogin())
	first := refreshToken(login)
	refreshed := send(t, srv.URL, refreshWith(first, customerScope))
	if err := expectCustomerAnswer(srv.URL, refreshed); err != nil {
		t.Fatalf("refresh: %v", err)
	}
	second := refreshToken(refreshed)
	switch {
	case second == first:
		t.Errorf("the refresh answered with the refresh token it was sent; want a new one")
	case accessToken(refreshed) == accessToken(login):
		t.Errorf("the refresh answered with the access token of the login; want a new one")
	}
	if err := expectErrorAnswer(send(t, srv.URL, refreshWith(first, customerScope)), 400, "invalid_grant"); err != nil {
		t.Errorf("the used refresh token again: %v", err)
	}
	// RFC 6749 §6: a scope left out is the original one.
	if err := expectCustomerAnswer(srv.URL, send(t, srv.URL, refreshWith(second, ""))); err != nil {
		t.Errorf("refresh without scope: %v", err)
	}
	third := refreshToken(send(t, srv.URL, refreshWith(refreshToken(send(t, srv.URL, customerLogin())), customerScope)))
	tests := []struct {
		name     string
		req      request
		status   int
		wantCode string
	}{
		{"scope=other_market", refreshWith(third, "market:id:"+refserver.OtherMarketID), 400, "invalid_scope"},
		{"scope=market_all", refreshWith(third, "market:all"), 400, "invalid_scope"},
		{"token=garbage", refreshWith("not-a-refresh-token", ""), 400, "invalid_grant"},
		{"token=access_token", refreshWith(accessToken(refreshed), ""), 400, "invalid_grant"},
		{"token=missing", request{body: jsonBody("grant_type", "refresh_token", "client_id", refserver.SalesChannelClientID)}, 400, "invalid_request"},
		{"client=integration", request{body: jsonBody("grant_type", "refresh_token", "client_id", refserver.IntegrationClientID,
			"client_secret", refserver.IntegrationClientSecret, "refresh_token", third)}, 400, "invalid_grant"},
	}
	for _, tt := range tests {
		if err := expectErrorAnswer(send(t, srv.URL, tt.req), tt.status, tt.wantCode); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	// A refused refresh uses nothing up.
	if r := send(t, srv.URL, refreshWith(third, customerScope)); r.status != http.StatusOK {
		t.Errorf("the refresh token after refused refreshes: status %d; want 200", r.status)
	}
	if err := expectTokenWorks(t, srv.URL, second, false); err != nil {
		t.Errorf("a refresh token at the resource: %v", err)
	}
}

// TestRefreshGrantConcurrent verifies that of many requests presenting
// one refresh token at once, exactly one gets a token.
func TestRefreshGrantConcurrent(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{})
	token := refreshToken(send(t, srv.URL, customerLogin()))
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Go(func() { statuses[i] = send(t, srv.URL, refreshWith(token, customerScope)).status })
	}
	wg.Wait()
	if n := len(slices.DeleteFunc(slices.Clone(statuses), func(s int) bool { return s != http.StatusOK })); n != 1 {
		t.Errorf("statuses = %v; want one 200, the rest 400", statuses)
	}
}

// TestRevokeCustomerTokens verifies that a sales channel revokes its
// customer's tokens with its id alone (Commerce Layer docs), guest tokens
// still needing the secret, and that revoking a refresh token revokes the
// access token issued with it.
func TestRevokeCustomerTokens(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{})
	if err := revokesOwn(customerLogin(), customerIDOnlyRevokes)(t, srv.URL); err != nil {
		t.Errorf("the customer's access token, by id alone: %v", err)
	}
	login := send(t, srv.URL, customerLogin())
	if err := expectRevokeSuccess(send(t, srv.URL, customerIDOnlyRevokes(refreshToken(login)))); err != nil {
		t.Errorf("the customer's refresh token, by id alone: %v", err)
	}
	if err := expectErrorAnswer(send(t, srv.URL, refreshWith(refreshToken(login), customerScope)), 400, "invalid_grant"); err != nil {
		t.Errorf("refreshing with the revoked refresh token: %v", err)
	}
	if err := expectTokenWorks(t, srv.URL, accessToken(login), false); err != nil {
		t.Errorf("the access token issued with the revoked refresh token: %v", err)
	}
	if err := revokeCheck(salesChannelToken(""), customerIDOnlyRevokes, status(403), true)(t, srv.URL); err != nil {
		t.Errorf("a guest token, by id alone: %v", err)
	}
	if err := expect(customerIDOnlyRevokes("not-a-token"), status(403))(t, srv.URL); err != nil {
		t.Errorf("an unknown token, by id alone: %v", err)
	}
	if err := revokeCheck(customerLogin(), integrationRevokes, status(403), true)(t, srv.URL); err != nil {
		t.Errorf("the integration revoking the customer's token: %v", err)
	}
}

// The checks of the customer faults (TestFaults).

// refreshRotates: a refresh answers with a refresh token other than the
// one presented.
func refreshRotates(t *testing.T, baseURL string) error {
	first := refreshToken(send(t, baseURL, customerLogin()))
	if second := refreshToken(send(t, baseURL, refreshWith(first, customerScope))); second == first {
		return fmt.Errorf("refresh_token after a refresh = the one presented; want a new one")
	}
	return nil
}

// oldRefreshRefused: after a refresh, the refresh token presented is
// refused.
func oldRefreshRefused(t *testing.T, baseURL string) error {
	first := refreshToken(send(t, baseURL, customerLogin()))
	send(t, baseURL, refreshWith(first, customerScope))
	return expectStatus(send(t, baseURL, refreshWith(first, customerScope)), http.StatusBadRequest)
}

// refreshAnswer runs check on the answer to a refresh of a new login with
// scope.
func refreshAnswer(scope string, check func(*response) error) ruleCheck {
	return func(t *testing.T, baseURL string) error {
		return check(send(t, baseURL, refreshWith(refreshToken(send(t, baseURL, customerLogin())), scope)))
	}
}

// revokedRefreshRefused: a refresh token the sales channel revoked gets no
// token.
func revokedRefreshRefused(t *testing.T, baseURL string) error {
	token := refreshToken(send(t, baseURL, customerLogin()))
	if err := expectRevokeSuccess(send(t, baseURL, customerIDOnlyRevokes(token))); err != nil {
		return err
	}
	return expectStatus(send(t, baseURL, refreshWith(token, customerScope)), http.StatusBadRequest)
}

// sameRefusal: a wrong password and an unknown email get one answer.
func sameRefusal(t *testing.T, baseURL string) error {
	wrong := send(t, baseURL, passwordLogin(refserver.CustomerEmail, "not-the-password"))
	unknown := send(t, baseURL, passwordLogin("nobody@authconform.test", "not-the-password"))
	if string(wrong.body) != string(unknown.body) {
		return fmt.Errorf("unknown email: %s; want the wrong password's answer, %s", unknown.body, wrong.body)
	}
	return nil
}
