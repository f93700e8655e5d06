package refserver_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/refserver"
)

// ruleCheck asks a server something and returns an error naming what
// differs from the rule, or nil when the server keeps it.
type ruleCheck func(t *testing.T, baseURL string) error

// errorRequest is a request every server refuses with 400 invalid_request.
func errorRequest() request {
	return request{body: jsonBody("client_id", refserver.SalesChannelClientID)}
}

func unknownClient() request {
	return request{body: jsonBody("grant_type", "client_credentials", "client_id", "wrong-client-id")}
}

// expect runs one request and one check on its answer.
func expect(req request, check func(*response) error) ruleCheck {
	return func(t *testing.T, baseURL string) error { return check(send(t, baseURL, req)) }
}

func status(want int) func(*response) error {
	return func(r *response) error { return expectStatus(r, want) }
}

func member(name, want string) func(*response) error {
	return func(r *response) error { return expectMember(r, name, want) }
}

func code(want string) func(*response) error {
	return func(r *response) error { return expectErrorCode(r, want) }
}

func header(name, want string) func(*response) error {
	return func(r *response) error { return expectHeader(r, name, want) }
}

func noMember(name string) func(*response) error {
	return func(r *response) error { return expectNoMember(r, name) }
}

// expectClaims asks for a token with req, verifies it against the JWKS and
// runs check on its claims and the token answer.
func expectClaims(req request, check func(claims map[string]json.RawMessage, r *response) error) ruleCheck {
	return func(t *testing.T, baseURL string) error {
		claims, r, err := issueClaims(t, baseURL, req)
		if err != nil {
			return err
		}
		return check(claims, r)
	}
}

// verifies is the check that a token's header and signature are right.
func verifies(req request) ruleCheck {
	return expectClaims(req, func(map[string]json.RawMessage, *response) error { return nil })
}

// claim compares a claim's raw JSON, or one member's of an object claim.
func claim(name, member, want string) func(map[string]json.RawMessage, *response) error {
	return func(claims map[string]json.RawMessage, _ *response) error {
		raw, label := claims[name], name
		if member != "" {
			var obj map[string]json.RawMessage
			_ = json.Unmarshal(raw, &obj)
			raw, label = obj[member], name+"."+member
		}
		switch {
		case raw == nil:
			return fmt.Errorf("no %s claim; want %s", label, want)
		case string(raw) != want:
			return fmt.Errorf("%s = %s; want %s", label, raw, want)
		}
		return nil
	}
}

// lifetimeMatches: the JWT's exp − iat is the answer's expires_in.
func lifetimeMatches(claims map[string]json.RawMessage, r *response) error {
	var exp, iat, expiresIn int64
	_ = json.Unmarshal(claims["exp"], &exp)
	_ = json.Unmarshal(claims["iat"], &iat)
	_ = json.Unmarshal(r.members["expires_in"], &expiresIn)
	if exp-iat != expiresIn {
		return fmt.Errorf("exp - iat = %d; want expires_in %d", exp-iat, expiresIn)
	}
	return nil
}

// iatIsCreatedAt: the JWT's iat is the answer's created_at.
func iatIsCreatedAt(claims map[string]json.RawMessage, r *response) error {
	if string(claims["iat"]) != string(r.members["created_at"]) {
		return fmt.Errorf("iat = %s; want created_at %s", claims["iat"], r.members["created_at"])
	}
	return nil
}

// scopeClaimMatches: the JWT's scope is the answer's.
func scopeClaimMatches(claims map[string]json.RawMessage, r *response) error {
	if string(claims["scope"]) != string(r.members["scope"]) {
		return fmt.Errorf("scope claim = %s; want %s", claims["scope"], r.members["scope"])
	}
	return nil
}

func marketClaim(want []string) func(map[string]json.RawMessage, *response) error {
	return func(claims map[string]json.RawMessage, _ *response) error { return expectMarketClaim(claims, want) }
}

func stockLocations(want ...string) func(map[string]json.RawMessage, *response) error {
	return func(claims map[string]json.RawMessage, _ *response) error { return expectStockLocations(claims, want) }
}

// Scopes of the default store and stock location, and one naming by code
// a market and a stock location.
var (
	storeScope = "store:id:" + refserver.StoreID
	stockScope = "stock_location:id:" + refserver.StockLocationID
	codeScope  = "market:code:" + refserver.MarketCode + " stock_location:code:" + refserver.StockLocationCode
)

// issThisServer: iss is the server's own URL, where its JWKS is.
func issThisServer(t *testing.T, baseURL string) error {
	claims, _, err := issueClaims(t, baseURL, salesChannelToken(""))
	if err != nil {
		return err
	}
	if got, want := string(claims["iss"]), quoted(baseURL); got != want {
		return fmt.Errorf("iss = %s; want %s", got, want)
	}
	return nil
}

// proxyIssuer is the issuer of a server behind a TLS proxy.
const proxyIssuer = "https://auth.proxy.authconform.test"

// issIs: iss is the configured issuer, whatever URL the request went to.
func issIs(issuer string) ruleCheck {
	return func(t *testing.T, baseURL string) error {
		claims, _, err := issueClaims(t, baseURL, salesChannelToken(""))
		if err != nil {
			return err
		}
		if got, want := string(claims["iss"]), quoted(issuer); got != want {
			return fmt.Errorf("iss = %s; want %s", got, want)
		}
		return nil
	}
}

// tokenWorks: a token from req works at the resource.
func tokenWorks(req request) ruleCheck {
	return func(t *testing.T, baseURL string) error {
		return expectTokenWorks(t, baseURL, accessToken(send(t, baseURL, req)), true)
	}
}

// The requests of the revocation checks: the integration's credentials
// with a token; the sales channel's, with its secret.
func integrationRevokes(token string) request {
	return revoke("client_id", refserver.IntegrationClientID, "client_secret", refserver.IntegrationClientSecret, "token", token)
}

func salesChannelRevokes(token string) request {
	return revoke("client_id", refserver.SalesChannelClientID, "client_secret", refserver.SalesChannelClientSecret, "token", token)
}

// revokeCheck issues a token with tokenReq, sends the revocation revokeReq
// makes of it, runs check on the answer and then, if that passed, wants
// the token to work at the resource or not.
func revokeCheck(tokenReq request, revokeReq func(token string) request, check func(*response) error, worksAfter bool) ruleCheck {
	return func(t *testing.T, baseURL string) error {
		token := accessToken(send(t, baseURL, tokenReq))
		if err := check(send(t, baseURL, revokeReq(token))); err != nil {
			return err
		}
		return expectTokenWorks(t, baseURL, token, worksAfter)
	}
}

// revokesOwn: a client revokes its own token: 200 {}, and the token stops
// working.
func revokesOwn(tokenReq request, revokeReq func(string) request) ruleCheck {
	return revokeCheck(tokenReq, revokeReq, expectRevokeSuccess, false)
}

// withoutClientID is a revocation that names a token but no client.
func withoutClientID(token string) request { return revoke("token", token) }

// TestFaults verifies that each fault breaks its rule: the rule's check
// passes against the correct server and fails against the faulty one with
// the expected difference. Where a fault is easily confused with a
// neighbour, unaffected is a related rule the faulty server still keeps,
// which shows the fault is no broader than its name.
func TestFaults(t *testing.T) {
	t.Parallel()
	now := fixedNow.Unix()
	marketScope := "market:id:" + refserver.MarketID

	tests := []struct {
		fault      string
		issuer     string // Options.Issuer of both servers; "" for the default
		check      ruleCheck
		want       string // part of the check's error against the faulty server
		unaffected ruleCheck
	}{
		{fault: "success-status-201", check: expect(salesChannelToken(""), status(200)), want: "status = 201; want 200"},
		{fault: "token-type-mac", check: expect(salesChannelToken(""), member("token_type", `"bearer"`)), want: `token_type = "mac"; want "bearer"`},
		{fault: "token-type-missing", check: expect(salesChannelToken(""), member("token_type", `"bearer"`)), want: "no token_type member"},
		{fault: "expires-in-string", check: expect(salesChannelToken(""), member("expires_in", "14400")), want: `expires_in = "14400"; want 14400`},
		{fault: "expires-in-float", check: expect(integrationToken(), member("expires_in", "7200")), want: "expires_in = 7200.0; want 7200"},
		{fault: "sales-channel-lifetime", check: expect(salesChannelToken(""), member("expires_in", "14400")), want: "expires_in = 7200; want 14400",
			unaffected: expect(integrationToken(), member("expires_in", "7200"))},
		{fault: "integration-lifetime", check: expect(integrationToken(), member("expires_in", "7200")), want: "expires_in = 14400; want 7200",
			unaffected: expect(salesChannelToken(""), member("expires_in", "14400"))},
		{fault: "created-at-millis", check: expect(salesChannelToken(""), member("created_at", fmt.Sprint(now))),
			want: fmt.Sprintf("created_at = %d; want %d", now*1000, now)},
		{fault: "created-at-stale", check: expect(salesChannelToken(""), member("created_at", fmt.Sprint(now))),
			want: fmt.Sprintf("created_at = %d; want %d", now-86400, now)},
		{fault: "created-at-string", check: expect(salesChannelToken(""), member("created_at", fmt.Sprint(now))),
			want: fmt.Sprintf(`created_at = "%d"; want %d`, now, now)},
		{fault: "scope-not-echoed", check: expect(salesChannelToken(marketScope), member("scope", quoted(marketScope))),
			want: fmt.Sprintf(`scope = "market:all"; want %q`, marketScope)},
		{fault: "default-scope-missing", check: expect(integrationToken(), member("scope", `"market:all"`)), want: "no scope member",
			unaffected: expect(salesChannelToken(marketScope), member("scope", quoted(marketScope)))},
		{fault: "access-token-empty", check: func(t *testing.T, baseURL string) error {
			_, err := verifyToken(baseURL, accessToken(send(t, baseURL, salesChannelToken(""))))
			return err
		}, want: `access_token = ""; want a signed JWT`},
		{fault: "access-token-missing", check: expect(salesChannelToken(""), func(r *response) error {
			if _, ok := r.members["access_token"]; !ok {
				return errors.New("no access_token member")
			}
			return nil
		}), want: "no access_token member"},
		{fault: "refresh-token-issued", check: expect(integrationToken(), noMember("refresh_token")), want: "refresh_token = "},
		{fault: "content-type-text", check: expect(salesChannelToken(""), header("Content-Type", "application/json; charset=utf-8")),
			want:       `Content-Type: "text/plain; charset=utf-8"; want "application/json; charset=utf-8"`,
			unaffected: expect(errorRequest(), header("Content-Type", "application/json; charset=utf-8"))},
		{fault: "success-no-store-missing", check: expect(salesChannelToken(""), header("Cache-Control", "no-store")),
			want:       `Cache-Control: "no-cache"; want "no-store"`,
			unaffected: expect(errorRequest(), header("Cache-Control", "no-store"))},
		{fault: "pragma-missing", check: func(t *testing.T, baseURL string) error {
			return errors.Join(
				expectHeader(send(t, baseURL, salesChannelToken("")), "Pragma", "no-cache"),
				expectHeader(send(t, baseURL, errorRequest()), "Pragma", "no-cache"),
			)
		}, want: `Pragma: ""; want "no-cache"` + "\n" + `Pragma: ""; want "no-cache"`},
		{fault: "sales-channel-secret-required", check: expect(salesChannelToken(""), status(200)), want: "status = 401; want 200",
			unaffected: expect(request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.SalesChannelClientID,
				"client_secret", refserver.SalesChannelClientSecret)}, status(200))},
		{fault: "unknown-client-accepted", check: expect(unknownClient(), status(401)), want: "status = 200; want 401",
			unaffected: expect(request{body: jsonBody("grant_type", "client_credentials")}, status(401))},
		{fault: "wrong-secret-accepted", check: expect(integrationWithSecret(wrongSecret), status(401)), want: "status = 200; want 401",
			unaffected: expect(request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.IntegrationClientID)}, status(401))},
		{fault: "missing-secret-accepted", check: expect(request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.IntegrationClientID)}, status(401)),
			want: "status = 200; want 401", unaffected: expect(integrationWithSecret(""), status(401))},
		{fault: "empty-secret-accepted", check: expect(integrationWithSecret(""), status(401)), want: "status = 200; want 401",
			unaffected: expect(request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.IntegrationClientID)}, status(401))},
		{fault: "invalid-client-status-403", check: expect(unknownClient(), status(401)), want: "status = 403; want 401",
			unaffected: expect(withScopeRequest("market:id:zzzzzzzzzz"), status(400))},
		{fault: "invalid-client-code-wrong", check: expect(unknownClient(), code("invalid_client")), want: `error code = "unauthorized_client"; want "invalid_client"`},
		{fault: "basic-challenge-missing",
			check:      expect(request{body: "grant_type=client_credentials", contentType: "application/x-www-form-urlencoded", basic: []string{refserver.IntegrationClientID, "wrong-secret"}}, header("WWW-Authenticate", `Basic realm="authconform"`)),
			want:       `WWW-Authenticate: ""; want "Basic realm=\"authconform\""`,
			unaffected: expect(request{body: "grant_type=client_credentials", contentType: "application/x-www-form-urlencoded", basic: []string{refserver.IntegrationClientID, "wrong-secret"}}, status(401))},
		{fault: "error-code-missing", check: expect(errorRequest(), code("invalid_request")), want: `no error code in body`},
		{fault: "missing-grant-type-unsupported", check: expect(errorRequest(), code("invalid_request")),
			want: `error code = "unsupported_grant_type"; want "invalid_request"`},
		{fault: "empty-grant-type-accepted",
			check: expect(request{body: jsonBody("grant_type", "", "client_id", refserver.SalesChannelClientID)}, status(400)), want: "status = 200; want 400",
			unaffected: expect(errorRequest(), status(400))},
		{fault: "unsupported-grant-type-invalid-request",
			check: expect(request{body: jsonBody("grant_type", "password", "client_id", refserver.SalesChannelClientID)}, code("unsupported_grant_type")),
			want:  `error code = "invalid_request"; want "unsupported_grant_type"`},
		{fault: "unknown-market-accepted", check: expect(withScopeRequest("market:id:zzzzzzzzzz"), status(400)), want: "status = 200; want 400",
			unaffected: expect(withScopeRequest("store:id:zzzzzzzzzz"), status(400))},
		{fault: "invalid-scope-status-403", check: expect(withScopeRequest("market:id:zzzzzzzzzz"), status(400)), want: "status = 403; want 400"},
		{fault: "malformed-json-500", check: expect(request{body: `{"grant_type":`}, status(400)), want: "status = 500; want 400",
			unaffected: expect(request{contentType: "text/plain", body: "x"}, status(400))},
		{fault: "wrong-content-type-500", check: expect(request{contentType: "text/plain", body: salesChannelToken("").body}, status(400)), want: "status = 500; want 400",
			unaffected: expect(request{body: `{"grant_type":`}, status(400))},
		{fault: "empty-body-500", check: expect(request{body: ""}, status(400)), want: "status = 500; want 400",
			unaffected: expect(request{body: `{"grant_type":`}, status(400))},
		{fault: "get-issues-token", check: expect(request{method: http.MethodGet, contentType: "-",
			path: "/oauth/token?" + formBody("grant_type", "client_credentials", "client_id", refserver.SalesChannelClientID)}, status(405)),
			want:       "status = 200; want 405",
			unaffected: expect(request{method: http.MethodPut, body: salesChannelToken("").body}, status(405))},
		// The server sends no Cache-Control at all, but Go's client fills in
		// "no-cache" from Pragma: no-cache (net/http fixPragmaCacheControl).
		{fault: "error-no-store-missing", check: expect(errorRequest(), header("Cache-Control", "no-store")), want: `Cache-Control: "no-cache"; want "no-store"`,
			unaffected: expect(salesChannelToken(""), header("Cache-Control", "no-store"))},
		{fault: "error-html", check: expect(errorRequest(), header("Content-Type", "application/json; charset=utf-8")),
			want:       `Content-Type: "text/html; charset=utf-8"; want "application/json; charset=utf-8"`,
			unaffected: expect(errorRequest(), status(400))},
		{fault: "error-status-200", check: expect(errorRequest(), status(400)), want: "status = 200; want 400",
			unaffected: expect(errorRequest(), code("invalid_request"))},
		{fault: "access-token-in-error", check: expect(unknownClient(), noMember("access_token")), want: `access_token = "ey`},
		{fault: "secret-echoed-in-error", check: expect(integrationWithSecret(wrongSecret), expectNoSecret), want: "body quotes the client_secret",
			unaffected: expect(integrationWithSecret(wrongSecret), status(401))},
		{fault: "secret-echoed-in-token", check: expect(integrationToken(), noMember("client_secret")), want: "client_secret = " + quoted(refserver.IntegrationClientSecret),
			unaffected: expect(salesChannelToken(""), noMember("client_secret"))},
		{fault: "secret-echoed-json-escaped", check: expect(integrationWithSecret(wrongSecret), expectNoSecretDecoded), want: "decoded JSON string holds the client_secret",
			unaffected: expect(integrationWithSecret(wrongSecret), expectNoSecret)},
		{fault: "secret-echoed-base64-header", check: expect(integrationWithSecret(wrongSecret), expectNoSecretDecoded), want: `header "X-Debug-Credentials" holds the client_secret in base64`,
			unaffected: expect(integrationWithSecret(wrongSecret), expectNoSecret)},
		{fault: "secret-echoed-percent-encoded", check: expect(integrationWithSecret(wrongSecret), expectNoSecretDecoded), want: "percent-decoded body holds the client_secret",
			unaffected: expect(integrationWithSecret(wrongSecret), expectNoSecret)},
		{fault: "same-token-for-all", check: func(t *testing.T, baseURL string) error {
			first := accessToken(send(t, baseURL, salesChannelToken("")))
			second := accessToken(send(t, baseURL, integrationToken()))
			if first == second {
				return fmt.Errorf("two clients got the same access_token %.20s...; want a new token per request", first)
			}
			return nil
		}, want: "two clients got the same access_token"},
		{fault: "missing-client-id-accepted", check: expect(request{body: jsonBody("grant_type", "client_credentials")}, status(401)), want: "status = 200; want 401",
			unaffected: expect(unknownClient(), status(401))},
		{fault: "unknown-client-500", check: expect(unknownClient(), status(401)), want: "status = 500; want 401",
			unaffected: expect(integrationWithSecret(wrongSecret), status(401))},
		{fault: "two-auth-methods-accepted", check: expect(twoAuthMethods(), status(400)), want: "status = 200; want 400",
			unaffected: expect(request{body: formBody("grant_type", "client_credentials"), contentType: formType, basic: []string{refserver.IntegrationClientID, wrongSecret}}, status(401))},
		{fault: "missing-scope-invalid-request", check: expect(formToken(), status(200)), want: "status = 400; want 200",
			unaffected: expect(integrationToken(), status(200))},

		// The token's JOSE header and signature. Each token still works at
		// the resource: the server's record of it is right.
		{fault: "jwt-alg-none", check: verifies(salesChannelToken("")), want: `alg, typ = "none", "JWT"`, unaffected: tokenWorks(salesChannelToken(""))},
		{fault: "jwt-alg-hs512", check: verifies(salesChannelToken("")), want: `alg, typ = "HS512", "JWT"`, unaffected: tokenWorks(salesChannelToken(""))},
		{fault: "jwt-bad-signature", check: verifies(integrationToken()), want: "JWT signature does not verify", unaffected: tokenWorks(integrationToken())},
		{fault: "jwt-unknown-kid", check: verifies(salesChannelToken("")), want: `JWT kid "0000000000000000000000000000000000000000000000000000000000000000" is not in the JWKS`,
			unaffected: tokenWorks(salesChannelToken(""))},
		{fault: "jwt-kid-missing", check: verifies(salesChannelToken("")), want: `JWT kid "" is not in the JWKS`, unaffected: tokenWorks(salesChannelToken(""))},
		{fault: "jwt-typ-missing", check: verifies(salesChannelToken("")), want: `alg, typ = "RS512", ""`, unaffected: tokenWorks(salesChannelToken(""))},

		// The token's claims.
		{fault: "jwt-lifetime-mismatch", check: expectClaims(salesChannelToken(""), lifetimeMatches), want: "exp - iat = 28800; want expires_in 14400",
			unaffected: expectClaims(salesChannelToken(""), iatIsCreatedAt)},
		{fault: "jwt-iat-stale", check: expectClaims(integrationToken(), iatIsCreatedAt), want: fmt.Sprintf("iat = %d; want created_at %d", now-86400, now),
			unaffected: expectClaims(integrationToken(), lifetimeMatches)},
		{fault: "jwt-application-kind-wrong", check: expectClaims(salesChannelToken(""), claim("application", "kind", `"sales_channel"`)),
			want:       `application.kind = "integration"; want "sales_channel"`,
			unaffected: expectClaims(integrationToken(), claim("application", "kind", `"integration"`))},
		{fault: "jwt-application-public-wrong", check: expectClaims(salesChannelToken(""), claim("application", "public", "true")),
			want:       "application.public = false; want true",
			unaffected: expectClaims(integrationToken(), claim("application", "public", "false"))},
		{fault: "jwt-market-claim-missing", check: expectClaims(salesChannelToken(marketScope), marketClaim([]string{refserver.MarketID})), want: "no market claim",
			unaffected: expectClaims(salesChannelToken(""), marketClaim(nil))},
		{fault: "jwt-market-claim-for-all-markets", check: expectClaims(integrationToken(), marketClaim(nil)),
			want:       `market claim = {"id":["xYZkjABcde","BjxrJhymlM"],"stock_location_ids":[],"geocoder_id":null,"allows_external_prices":false}; want none`,
			unaffected: expectClaims(salesChannelToken(marketScope), marketClaim([]string{refserver.MarketID}))},
		{fault: "jwt-scope-claim-differs", check: expectClaims(salesChannelToken(marketScope), scopeClaimMatches),
			want:       fmt.Sprintf(`scope claim = "market:all"; want %q`, marketScope),
			unaffected: expectClaims(salesChannelToken(""), scopeClaimMatches)},
		{fault: "jwt-organization-slug-missing", check: expectClaims(integrationToken(), claim("organization", "slug", `"authconform"`)),
			want:       `no organization.slug claim; want "authconform"`,
			unaffected: expectClaims(integrationToken(), claim("organization", "id", `"WXlEOFrjnr"`))},
		{fault: "jwt-test-not-boolean", check: expectClaims(salesChannelToken(""), claim("test", "", "true")), want: `test = "true"; want true`},
		{fault: "jwt-iss-wrong", check: issThisServer, want: `iss = "https://auth.wrong-issuer.authconform.test"; want "http://127.0.0.1:`,
			unaffected: verifies(salesChannelToken(""))},
		{fault: "jwt-iss-request-origin", issuer: proxyIssuer, check: issIs(proxyIssuer), want: `iss = "http://127.0.0.1:`,
			unaffected: verifies(salesChannelToken(""))},

		// The key set.
		{fault: "jwks-missing", check: expect(request{method: http.MethodGet, path: "/.well-known/jwks.json", contentType: "-"}, status(200)),
			want: "status = 404; want 200", unaffected: expect(salesChannelToken(""), status(200))},

		// Revocation.
		{fault: "revoke-leaves-token-working", check: revokesOwn(integrationToken(), integrationRevokes),
			want: "resource with the token: status = 200; want 401", unaffected: expect(integrationRevokes("not-a-token"), expectRevokeSuccess)},
		{fault: "revoke-unknown-token-400", check: expect(integrationRevokes("not-a-token"), status(200)), want: "status = 400; want 200",
			unaffected: revokesOwn(integrationToken(), integrationRevokes)},
		{fault: "revoke-wrong-secret-accepted",
			check: revokeCheck(integrationToken(), func(token string) request {
				return revoke("client_id", refserver.IntegrationClientID, "client_secret", wrongSecret, "token", token)
			}, status(401), true),
			want: "status = 200; want 401",
			unaffected: revokeCheck(integrationToken(), func(token string) request {
				return revoke("client_id", refserver.IntegrationClientID, "token", token)
			}, status(401), true)},
		{fault: "revoke-other-client-token", check: revokeCheck(integrationToken(), salesChannelRevokes, status(403), true), want: "status = 200; want 403",
			unaffected: revokesOwn(salesChannelToken(""), salesChannelRevokes)},
		{fault: "revoke-without-client-id-accepted", check: revokeCheck(integrationToken(), withoutClientID, status(403), true), want: "status = 200; want 403",
			unaffected: revokesOwn(integrationToken(), integrationRevokes)},
		{fault: "revoke-without-client-id-400", check: revokeCheck(integrationToken(), withoutClientID, status(403), true), want: "status = 400; want 403",
			unaffected: revokeCheck(integrationToken(), withoutClientID, func(*response) error { return nil }, true)},
		{fault: "revoke-body-not-empty", check: expect(integrationRevokes("not-a-token"), expectRevokeSuccess), want: `body = {"revoked":true}; want {}`,
			unaffected: revokeCheck(integrationToken(), integrationRevokes, status(200), false)},
		{fault: "revoke-sales-channel-refused", check: revokesOwn(salesChannelToken(""), salesChannelRevokes), want: "status = 403; want 200",
			unaffected: revokesOwn(integrationToken(), integrationRevokes)},
		{fault: "revoke-guest-without-secret-accepted",
			check: revokeCheck(salesChannelToken(""), func(token string) request {
				return revoke("client_id", refserver.SalesChannelClientID, "token", token)
			}, status(403), true),
			want:       "status = 200; want 403",
			unaffected: revokeCheck(integrationToken(), withoutClientID, status(403), true)},

		// The protected resource.
		{fault: "resource-accepts-garbage-token", check: expect(ping("Bearer not-a-token"), status(401)), want: "status = 200; want 401",
			unaffected: revokeCheck(integrationToken(), integrationRevokes, status(200), false)},

		// Scopes naming a market by code, a store or a stock location.
		{fault: "scope-code-not-echoed", check: expect(withScopeRequest(codeScope), member("scope", quoted(codeScope))), want: `scope = "market:id:xYZkjABcde stock_location:id:WLgbSXqyoZ"`,
			unaffected: expect(withScopeRequest(marketScope), member("scope", quoted(marketScope)))},
		{fault: "market-code-case-folded", check: expect(withScopeRequest("market:code:EUROPE"), status(400)), want: "status = 200; want 400",
			unaffected: expect(withScopeRequest("market:code:asia"), status(400))},
		{fault: "unknown-store-accepted", check: expect(withScopeRequest("store:id:zzzzzzzzzz"), status(400)), want: "status = 200; want 400",
			unaffected: expectClaims(salesChannelToken(storeScope), marketClaim([]string{refserver.MarketID}))},
		{fault: "store-market-missing", check: expectClaims(salesChannelToken(storeScope), marketClaim([]string{refserver.MarketID})), want: "no market claim",
			unaffected: expectClaims(salesChannelToken(storeScope+" "+stockScope), scopeClaimMatches)},
		{fault: "unknown-stock-location-accepted", check: expect(withScopeRequest(marketScope+" stock_location:id:zzzzzzzzzz"), status(400)), want: "status = 200; want 400",
			unaffected: expect(withScopeRequest(stockScope), status(400))},
		{fault: "stock-location-market-unchecked", check: expect(withScopeRequest("market:id:"+refserver.OtherMarketID+" "+stockScope), status(400)), want: "status = 200; want 400",
			unaffected: expect(withScopeRequest(marketScope+" stock_location:id:zzzzzzzzzz"), status(400))},
		{fault: "stock-location-claim-missing", check: expectClaims(salesChannelToken(marketScope+" "+stockScope), stockLocations(refserver.StockLocationID)), want: "market.stock_location_ids = []",
			unaffected: expectClaims(salesChannelToken(marketScope+" "+stockScope), marketClaim([]string{refserver.MarketID}))},

		// The authorization code grant and its authorize endpoint
		// (grants_test.go).
		{fault: "authorize-state-dropped", check: stateReturned, want: `state = ""; want "xyz-state"`,
			unaffected: withCode(sameExchange, status(200))},
		{fault: "authorization-code-reusable", check: codeExchanged(sameExchange, status(400)), want: "status = 200; want 400",
			unaffected: withCode(otherRedirectExchange, status(400))},
		{fault: "authorization-code-reuse-keeps-tokens", check: reuseRevokes, want: "resource with the token: status = 200; want 401",
			unaffected: codeExchanged(sameExchange, status(400))},
		{fault: "authorization-code-redirect-uri-unchecked", check: withCode(otherRedirectExchange, status(400)), want: "status = 200; want 400",
			unaffected: codeExchanged(sameExchange, status(400))},
		{fault: "authorization-code-unknown-accepted", check: expect(sameExchange("no-such-code"), status(400)), want: "status = 200; want 400",
			unaffected: withCode(otherRedirectExchange, status(400))},

		// The JWT bearer grant.
		{fault: "jwt-bearer-owner-not-copied", check: expectClaims(jwtBearer(assertion(customerClaims)), claim("owner", "", `{"id":"`+refserver.CustomerID+`","type":"Customer"}`)),
			want: "no owner claim", unaffected: expect(jwtBearer(assertion(customerClaims)), member("owner_id", quoted(refserver.CustomerID)))},
		{fault: "jwt-bearer-custom-claim-not-copied", check: expectClaims(jwtBearer(assertion(customClaims)), claim("custom_claim", "", customClaim)),
			want: "no custom_claim claim", unaffected: expectClaims(jwtBearer(assertion(customerClaims)), claim("owner", "", `{"id":"`+refserver.CustomerID+`","type":"Customer"}`))},
		{fault: "jwt-bearer-custom-claim-mangled", check: expectClaims(jwtBearer(assertion(customClaims)), claim("custom_claim", "", customClaim)),
			want: `custom_claim = {"greeting":"GrÃ¼Ã`, unaffected: expect(jwtBearer(assertion(customClaims)), noMember("owner_id"))},
		{fault: "jwt-bearer-empty-claims-accepted", check: expect(jwtBearer(assertion(`{}`)), status(400)), want: "status = 200; want 400",
			unaffected: expect(jwtBearer("not-a-jwt"), status(400))},
		{fault: "jwt-bearer-oversized-assertion-accepted", check: expect(jwtBearer(oversized()), status(400)), want: "status = 200; want 400",
			unaffected: expect(jwtBearer(assertion(`{}`)), status(400))},
		{fault: "jwt-bearer-non-jwt-assertion-accepted", check: expect(jwtBearer("not-a-jwt"), status(400)), want: "status = 200; want 400",
			unaffected: expect(jwtBearer(assertion(`{}`)), status(400))},
		{fault: "jwt-bearer-unknown-owner-accepted", check: expect(jwtBearer(assertion(`{"owner":{"type":"Customer","id":"nobody"}}`)), status(400)), want: "status = 200; want 400",
			unaffected: expect(jwtBearer(assertion(`{}`)), status(400))},
	}

	var names []string
	for _, tt := range tests {
		names = append(names, tt.fault)
	}
	var want []string
	for _, f := range refserver.Faults() {
		want = append(want, f.Name)
	}
	if !slices.Equal(names, want) {
		t.Fatalf("faults with a row = %v; want every fault, in Faults() order: %v", names, want)
	}

	shared := start(t, refserver.Options{Now: clockAt(fixedNow)})
	for _, tt := range tests {
		t.Run("fault="+tt.fault, func(t *testing.T) {
			t.Parallel()
			correct := shared
			if tt.issuer != "" {
				correct = start(t, refserver.Options{Issuer: tt.issuer, Now: clockAt(fixedNow)})
			}
			if err := tt.check(t, correct.URL); err != nil {
				t.Fatalf("correct server breaks the rule: %v", err)
			}
			faulty := start(t, refserver.Options{Fault: tt.fault, Issuer: tt.issuer, Now: clockAt(fixedNow)})
			err := tt.check(t, faulty.URL)
			switch {
			case err == nil:
				t.Errorf("faulty server keeps the rule; want %q", tt.want)
			case !strings.Contains(err.Error(), tt.want):
				t.Errorf("faulty server: %v; want %q", err, tt.want)
			}
			if tt.unaffected == nil {
				return
			}
			if err := tt.unaffected(t, correct.URL); err != nil {
				t.Fatalf("correct server breaks the unaffected rule: %v", err)
			}
			if err := tt.unaffected(t, faulty.URL); err != nil {
				t.Errorf("fault also breaks a rule it should not: %v", err)
			}
		})
	}
}

func withScopeRequest(scope string) request { return salesChannelToken(scope) }

const formType = "application/x-www-form-urlencoded"

// twoAuthMethods is the integration's HTTP Basic login with its
// credentials in the form body too.
func twoAuthMethods() request {
	return request{
		body:        formBody("grant_type", "client_credentials", "client_id", refserver.IntegrationClientID, "client_secret", refserver.IntegrationClientSecret),
		contentType: formType,
		basic:       []string{refserver.IntegrationClientID, refserver.IntegrationClientSecret},
	}
}

// formToken is the integration's form-encoded request without scope, as
// the RFC 6749 profile sends it.
func formToken() request {
	return request{
		body:        formBody("grant_type", "client_credentials", "client_id", refserver.IntegrationClientID, "client_secret", refserver.IntegrationClientSecret),
		contentType: formType,
	}
}
