package refserver_test

import (
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/refserver"
)

// invalidTokenBody is the Core API's answer to a bad token (spec §c).
const invalidTokenBody = `{"errors":[{"title":"Invalid token","detail":"The access token you provided is invalid.","code":"INVALID_TOKEN","status":"401"}]}`

// TestResource verifies the protected resource (RFC 6750): which
// Authorization headers it accepts, and its 401s, with the challenge's
// error attribute only when a token was sent (§3.1).
func TestResource(t *testing.T) {
	t.Parallel()
	var (
		mu  sync.Mutex
		now = fixedNow
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	setClock := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = fixedNow.Add(d) }
	srv := start(t, refserver.Options{Now: clock})

	valid := accessToken(send(t, srv.URL, salesChannelToken("")))
	revoked := accessToken(send(t, srv.URL, integrationToken()))
	send(t, srv.URL, revoke("client_id", refserver.IntegrationClientID, "client_secret", refserver.IntegrationClientSecret, "token", revoked))
	setClock(-3 * time.Hour)
	expired := accessToken(send(t, srv.URL, integrationToken()))
	setClock(0)

	const (
		challenge        = `Bearer realm="authconform"`
		challengeInvalid = `Bearer realm="authconform", error="invalid_token"`
	)
	tests := []struct {
		name          string
		req           request
		wantStatus    int
		wantChallenge string // "" for none
	}{
		{"token=valid", ping("Bearer " + valid), 200, ""},
		{"token=valid scheme=lowercase", ping("bearer " + valid), 200, ""},
		{"token=valid scheme=uppercase", ping("BEARER " + valid), 200, ""},
		{"token=valid spaces=two", ping("Bearer  " + valid), 200, ""},
		{"method=HEAD", request{method: http.MethodHead, path: refserver.ResourcePath, contentType: "-",
			header: map[string]string{"Authorization": "Bearer " + valid}}, 200, ""},
		{"authorization=none", ping(""), 401, challenge},
		{"authorization=basic", ping("Basic " + valid), 401, challenge},
		{"authorization=bearer_without_token", ping("Bearer "), 401, challenge},
		{"token=garbage", ping("Bearer not-a-token"), 401, challengeInvalid},
		{"token=tampered", ping("Bearer " + valid[:len(valid)-2] + "AA"), 401, challengeInvalid},
		{"token=revoked", ping("Bearer " + revoked), 401, challengeInvalid},
		{"token=expired", ping("Bearer " + expired), 401, challengeInvalid},
		{"token=in_query", request{method: http.MethodGet, path: refserver.ResourcePath + "?access_token=" + valid, contentType: "-"}, 401, challenge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, srv.URL, tt.req)
			errs := []error{
				expectStatus(r, tt.wantStatus),
				expectHeader(r, "WWW-Authenticate", tt.wantChallenge),
				expectHeader(r, "Cache-Control", "no-store"),
			}
			if tt.req.method != http.MethodHead {
				errs = append(errs, expectHeader(r, "Content-Type", "application/json; charset=utf-8"))
				want := invalidTokenBody
				if tt.wantStatus == 200 {
					want = `{"data":{"type":"ping","attributes":{"message":"pong"}}}`
				}
				if string(r.body) != want {
					errs = append(errs, errors.New("body = "+string(r.body)+"; want "+want))
				}
			}
			if err := errors.Join(errs...); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestResourceMethods verifies that the resource is read-only: 405 with
// Allow: GET, HEAD, in the Core API's error shape.
func TestResourceMethods(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{})
	token := accessToken(send(t, srv.URL, integrationToken()))
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		r := send(t, srv.URL, request{method: method, path: refserver.ResourcePath, body: "{}",
			header: map[string]string{"Authorization": "Bearer " + token}})
		for _, err := range []error{
			expectStatus(r, http.StatusMethodNotAllowed),
			expectHeader(r, "Allow", "GET, HEAD"),
			expectMember(r, "errors", `[{"title":"Method not allowed","detail":"The resource accepts only GET and HEAD requests.","code":"METHOD_NOT_ALLOWED","status":"405"}]`),
		} {
			if err != nil {
				t.Errorf("%s: %v", method, err)
			}
		}
	}
	if got := srv.Server().ResourceRequests(); got != 3 {
		t.Errorf("ResourceRequests() = %d; want 3", got)
	}
	if got := srv.Server().Requests(); got != 1 {
		t.Errorf("Requests() = %d; want 1 (only /oauth/token)", got)
	}
}
