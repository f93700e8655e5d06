package refserver_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/refserver"
)

// Placeholders in revocation rows, replaced by tokens issued for the row.
const (
	salesTok       = "{sales}"       // the sales channel's guest token
	integrationTok = "{integration}" // the integration's token
	expiredTok     = "{expired}"     // an integration token past its exp
	revokedTok     = "{revoked}"     // an integration token already revoked
)

// rowTokens issues the tokens a revocation row may name, each new, so that
// rows do not see each other's revocations.
func rowTokens(t *testing.T, baseURL string, setClock func(time.Duration)) map[string]string {
	t.Helper()
	setClock(-3 * time.Hour) // the integration's tokens last 2 hours
	expired := accessToken(send(t, baseURL, integrationToken()))
	setClock(0)
	revoked := accessToken(send(t, baseURL, integrationToken()))
	if r := send(t, baseURL, revoke("client_id", refserver.IntegrationClientID, "client_secret", refserver.IntegrationClientSecret, "token", revoked)); r.status != http.StatusOK {
		t.Fatalf("revoking the row's already-revoked token: status %d; want 200", r.status)
	}
	return map[string]string{
		salesTok:       accessToken(send(t, baseURL, salesChannelToken(""))),
		integrationTok: accessToken(send(t, baseURL, integrationToken())),
		expiredTok:     expired,
		revokedTok:     revoked,
	}
}

// TestRevoke verifies the revocation endpoint's answers and their order
// of checks (the client, then the token parameter, then the token), and
// whether the token named by target still works at the resource after.
func TestRevoke(t *testing.T) {
	t.Parallel()
	var (
		mu  sync.Mutex
		now = fixedNow
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	setClock := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = fixedNow.Add(d) }
	srv := start(t, refserver.Options{Now: clock})

	sc, scSecret := refserver.SalesChannelClientID, refserver.SalesChannelClientSecret
	in, inSecret := refserver.IntegrationClientID, refserver.IntegrationClientSecret
	formRevoke := func(pairs ...string) request {
		return request{path: refserver.RevokePath, contentType: "application/x-www-form-urlencoded", body: formBody(pairs...)}
	}
	tests := []struct {
		name       string
		req        request
		wantStatus int
		wantCode   string // "" for a success, body {}
		target     string // placeholder of a live token to try afterwards; "" for none
		revoked    bool   // whether target stops working
	}{
		// The client comes first, whatever the token.
		{"client_id=missing", revoke("token", integrationTok), 403, "unauthorized_client", integrationTok, false},
		{"client_id=missing token=missing", revoke(), 403, "unauthorized_client", "", false},
		{"client_id=missing secret=right", revoke("client_secret", inSecret, "token", integrationTok), 403, "unauthorized_client", integrationTok, false},
		{"client_id=empty", revoke("client_id", "", "client_secret", inSecret, "token", integrationTok), 403, "unauthorized_client", integrationTok, false},
		{"client_id=unknown", revoke("client_id", "wrong-client-id", "token", integrationTok), 401, "invalid_client", integrationTok, false},
		{"client_id=unknown token=missing", revoke("client_id", "wrong-client-id"), 401, "invalid_client", "", false},
		{"client=integration secret=missing", revoke("client_id", in, "token", integrationTok), 401, "invalid_client", integrationTok, false},
		{"client=integration secret=empty", revoke("client_id", in, "client_secret", "", "token", integrationTok), 401, "invalid_client", integrationTok, false},
		{"client=integration secret=wrong", revoke("client_id", in, "client_secret", wrongSecret, "token", integrationTok), 401, "invalid_client", integrationTok, false},
		{"client=integration secret=wrong token=missing", revoke("client_id", in, "client_secret", wrongSecret), 401, "invalid_client", "", false},
		{"client=sales_channel secret=missing", revoke("client_id", sc, "token", salesTok), 403, "unauthorized_client", salesTok, false},
		{"client=sales_channel secret=wrong", revoke("client_id", sc, "client_secret", wrongSecret, "token", salesTok), 401, "invalid_client", salesTok, false},

		// Then the token parameter.
		{"token=missing", revoke("client_id", in, "client_secret", inSecret), 400, "invalid_request", "", false},
		{"token=empty", revoke("client_id", in, "client_secret", inSecret, "token", ""), 400, "invalid_request", "", false},

		// Then the token: invalid ones are no error (RFC 7009 §2.2).
		{"token=garbage", revoke("client_id", in, "client_secret", inSecret, "token", "not-a-token"), 200, "", "", false},
		{"token=unsigned_jwt", revoke("client_id", in, "client_secret", inSecret, "token", "eyJhbGciOiJub25lIn0.e30."), 200, "", "", false},
		{"token=expired", revoke("client_id", in, "client_secret", inSecret, "token", expiredTok), 200, "", "", false},
		{"token=already_revoked", revoke("client_id", in, "client_secret", inSecret, "token", revokedTok), 200, "", "", false},
		{"token=other_clients by=integration", revoke("client_id", in, "client_secret", inSecret, "token", salesTok), 403, "unauthorized_client", salesTok, false},
		{"token=other_clients by=sales_channel", revoke("client_id", sc, "client_secret", scSecret, "token", integrationTok), 403, "unauthorized_client", integrationTok, false},
		{"token=own by=integration", revoke("client_id", in, "client_secret", inSecret, "token", integrationTok), 200, "", integrationTok, true},
		{"token=own by=sales_channel", revoke("client_id", sc, "client_secret", scSecret, "token", salesTok), 200, "", salesTok, true},

		// Other ways of asking.
		{"body=form", formRevoke("client_id", in, "client_secret", inSecret, "token", integrationTok), 200, "", integrationTok, true},
		{"auth=basic", request{path: refserver.RevokePath, body: jsonBody("token", integrationTok), basic: []string{in, inSecret}}, 200, "", integrationTok, true},
		{"auth=basic secret=wrong", request{path: refserver.RevokePath, body: jsonBody("token", integrationTok), basic: []string{in, wrongSecret}}, 401, "invalid_client", integrationTok, false},
		{"params=token_type_hint", revoke("client_id", in, "client_secret", inSecret, "token", integrationTok, "token_type_hint", "access_token"), 200, "", integrationTok, true},
		// As Commerce Layer's CLI (token:revoke) sends it: "scope": [] and
		// "domain", which the endpoint does not read (RFC 6749 §3.2).
		{"params=unknown_not_strings_ignored", request{path: refserver.RevokePath,
			body: `{"domain":"example.test","client_id":"` + in + `","client_secret":"` + inSecret + `","scope":[],"token":"` + integrationTok + `"}`}, 200, "", integrationTok, true},
		{"value=token_not_string", request{path: refserver.RevokePath,
			body: `{"client_id":"` + in + `","client_secret":"` + inSecret + `","token":["` + integrationTok + `"]}`}, 400, "invalid_request", integrationTok, false},
		{"body=malformed_json", request{path: refserver.RevokePath, body: `{"client_id":`}, 400, "invalid_request", "", false},
		{"content_type=text/plain", request{path: refserver.RevokePath, contentType: "text/plain", body: jsonBody("client_id", in)}, 400, "invalid_request", "", false},
		{"body=empty", request{path: refserver.RevokePath}, 400, "invalid_request", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tokens := rowTokens(t, srv.URL, setClock)
			req := tt.req
			for placeholder, token := range tokens {
				// Tokens need no escaping in JSON or a form; placeholders
				// do in a form.
				req.body = strings.ReplaceAll(req.body, placeholder, token)
				req.body = strings.ReplaceAll(req.body, url.QueryEscape(placeholder), token)
			}
			r := send(t, srv.URL, req)
			var err error
			if tt.wantCode == "" {
				err = expectRevokeSuccess(r)
			} else {
				err = expectErrorAnswer(r, tt.wantStatus, tt.wantCode)
			}
			if err != nil {
				t.Error(err)
			}
			if tt.wantStatus != r.status {
				return // the token's state says nothing more
			}
			if tt.target != "" {
				if err := expectTokenWorks(t, srv.URL, tokens[tt.target], !tt.revoked); err != nil {
					t.Errorf("after the revocation: %v", err)
				}
			}
		})
	}
}

// TestRevokeMethods verifies that only POST revokes: 405 with Allow: POST.
func TestRevokeMethods(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{})
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		r := send(t, srv.URL, request{method: method, path: refserver.RevokePath, contentType: "-"})
		if err := expectErrorAnswer(r, http.StatusMethodNotAllowed, "invalid_request"); err != nil {
			t.Errorf("%s: %v", method, err)
		}
		if err := expectHeader(r, "Allow", "POST"); err != nil {
			t.Errorf("%s: %v", method, err)
		}
	}
}

// TestRevokeSharesRateLimit verifies that revocations and token requests
// count against one limit, as Commerce Layer limits its auth endpoint, and
// that each endpoint has its own request counter.
func TestRevokeSharesRateLimit(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{RateLimit: 2, RateWindow: time.Hour})
	garbage := revoke("client_id", refserver.IntegrationClientID, "client_secret", refserver.IntegrationClientSecret, "token", "not-a-token")
	steps := []struct {
		req        request
		wantStatus int
	}{
		{salesChannelToken(""), 200},
		{garbage, 200},
		{salesChannelToken(""), 429},
		{garbage, 429},
		{ping("Bearer not-a-token"), 401}, // the resource is not the auth endpoint
	}
	for i, step := range steps {
		r := send(t, srv.URL, step.req)
		if err := expectStatus(r, step.wantStatus); err != nil {
			t.Errorf("step %d: %v", i, err)
		}
		if step.wantStatus == 429 {
			if err := expectErrorAnswer(r, 429, "too_many_requests"); err != nil {
				t.Errorf("step %d: %v", i, err)
			}
		}
	}
	counters := []struct {
		name string
		got  int64
		want int64
	}{
		{"Requests()", srv.Server().Requests(), 2},
		{"RevokeRequests()", srv.Server().RevokeRequests(), 2},
		{"ResourceRequests()", srv.Server().ResourceRequests(), 1},
	}
	for _, c := range counters {
		if c.got != c.want {
			t.Errorf("%s = %d; want %d", c.name, c.got, c.want)
		}
	}
}

// TestRevokeConcurrent revokes, issues and uses tokens from many clients at
// once (meant for -race): each revoked token stops working, the others
// keep working.
func TestRevokeConcurrent(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{})
	var wg sync.WaitGroup
	for c := range 8 {
		wg.Go(func() {
			for i := range 4 {
				token := accessToken(send(t, srv.URL, integrationToken()))
				revokeIt := (c+i)%2 == 0
				if revokeIt {
					r := send(t, srv.URL, revoke("client_id", refserver.IntegrationClientID, "client_secret", refserver.IntegrationClientSecret, "token", token))
					if err := expectRevokeSuccess(r); err != nil {
						t.Error(err)
					}
				}
				if err := expectTokenWorks(t, srv.URL, token, !revokeIt); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}
