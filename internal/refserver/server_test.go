package refserver_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/refserver"
)

var (
	salesChannel = tokenWant{
		lifetime: refserver.SalesChannelLifetime, scope: "market:all", createdAt: fixedNow.Unix(),
		kind: "sales_channel", clientID: refserver.SalesChannelClientID,
	}
	integration = tokenWant{
		lifetime: refserver.IntegrationLifetime, scope: "market:all", createdAt: fixedNow.Unix(),
		kind: "integration", clientID: refserver.IntegrationClientID, confidential: true,
	}
)

// with returns w changed by f, for table rows that differ in one field.
func with(w tokenWant, f func(*tokenWant)) tokenWant { f(&w); return w }

// scoped is w for a token granted scope, with market in scope and the
// stock locations the claim lists.
func scoped(w tokenWant, scope, market string, stockLocations ...string) tokenWant {
	w.scope, w.markets, w.stockLocations = scope, []string{market}, append([]string{}, stockLocations...)
	return w
}

// TestIssuesTokens verifies the success answer (RFC 6749 §5.1 and Commerce
// Layer's client credentials page) for every accepted way of asking.
func TestIssuesTokens(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{Now: clockAt(fixedNow)})
	marketScope := "market:id:" + refserver.MarketID
	twoMarkets := marketScope + " market:id:" + refserver.OtherMarketID
	basicIntegration := []string{refserver.IntegrationClientID, refserver.IntegrationClientSecret}

	tests := []struct {
		name string
		req  request
		want tokenWant
	}{
		{"client=sales_channel scope=none", salesChannelToken(""), salesChannel},
		{"client=sales_channel scope=market", salesChannelToken(marketScope),
			with(salesChannel, func(w *tokenWant) { w.scope = marketScope; w.markets = []string{refserver.MarketID} })},
		{"client=sales_channel scope=two_markets", salesChannelToken(twoMarkets),
			with(salesChannel, func(w *tokenWant) {
				w.scope = twoMarkets
				w.markets = []string{refserver.MarketID, refserver.OtherMarketID}
			})},
		{"client=sales_channel scope=repeated_market", salesChannelToken(marketScope + " " + marketScope),
			with(salesChannel, func(w *tokenWant) {
				w.scope = marketScope + " " + marketScope
				w.markets = []string{refserver.MarketID}
			})},
		{"client=sales_channel scope=market:all", salesChannelToken("market:all"), salesChannel},
		{"client=sales_channel scope=market_code", salesChannelToken("market:code:" + refserver.MarketCode),
			scoped(salesChannel, "market:code:"+refserver.MarketCode, refserver.MarketID, refserver.StockLocationID)},
		{"client=sales_channel scope=other_market_code", salesChannelToken("market:code:" + refserver.OtherMarketCode),
			scoped(salesChannel, "market:code:"+refserver.OtherMarketCode, refserver.OtherMarketID)},
		{"client=sales_channel scope=store", salesChannelToken("store:id:" + refserver.StoreID),
			scoped(salesChannel, "store:id:"+refserver.StoreID, refserver.MarketID, refserver.StockLocationID)},
		{"client=sales_channel scope=store_code", salesChannelToken("store:code:" + refserver.StoreCode),
			scoped(salesChannel, "store:code:"+refserver.StoreCode, refserver.MarketID, refserver.StockLocationID)},
		{"client=sales_channel scope=market_and_stock_location", salesChannelToken(marketScope + " stock_location:id:" + refserver.StockLocationID),
			scoped(salesChannel, marketScope+" stock_location:id:"+refserver.StockLocationID, refserver.MarketID, refserver.StockLocationID)},
		{"client=sales_channel scope=stock_location_code_then_market", salesChannelToken("stock_location:code:" + refserver.StockLocationCode + " " + marketScope),
			scoped(salesChannel, "stock_location:code:"+refserver.StockLocationCode+" "+marketScope, refserver.MarketID, refserver.StockLocationID)},
		{"client=sales_channel scope=store_and_stock_location", salesChannelToken("store:id:" + refserver.StoreID + " stock_location:id:" + refserver.StockLocationID),
			scoped(salesChannel, "store:id:"+refserver.StoreID+" stock_location:id:"+refserver.StockLocationID, refserver.MarketID, refserver.StockLocationID)},
		{"client=sales_channel scope=market_and_its_store", salesChannelToken(marketScope + " store:code:" + refserver.StoreCode),
			scoped(salesChannel, marketScope+" store:code:"+refserver.StoreCode, refserver.MarketID, refserver.StockLocationID)},
		{"client=sales_channel scope=empty_string",
			request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.SalesChannelClientID, "scope", "")},
			salesChannel},
		{"client=sales_channel secret=right",
			request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.SalesChannelClientID, "client_secret", refserver.SalesChannelClientSecret)},
			with(salesChannel, func(w *tokenWant) { w.confidential = true })},
		{"client=sales_channel secret=empty_string",
			request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.SalesChannelClientID, "client_secret", "")},
			salesChannel},
		{"client=sales_channel auth=basic secret=none",
			request{body: jsonBody("grant_type", "client_credentials"), basic: []string{refserver.SalesChannelClientID, ""}},
			salesChannel},
		{"client=integration body=json", integrationToken(), integration},
		{"client=integration body=form",
			form(formBody("grant_type", "client_credentials", "client_id", refserver.IntegrationClientID, "client_secret", refserver.IntegrationClientSecret)),
			integration},
		{"client=integration body=form scope=market",
			form(formBody("grant_type", "client_credentials", "client_id", refserver.IntegrationClientID, "client_secret", refserver.IntegrationClientSecret, "scope", marketScope)),
			with(integration, func(w *tokenWant) { w.scope = marketScope; w.markets = []string{refserver.MarketID} })},
		{"client=integration auth=basic body=form", request{contentType: "application/x-www-form-urlencoded", body: "grant_type=client_credentials", basic: basicIntegration}, integration},
		{"client=integration auth=basic body=json", request{body: jsonBody("grant_type", "client_credentials"), basic: basicIntegration}, integration},
		{"client=integration auth=basic client_id=also_in_body",
			request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.IntegrationClientID), basic: basicIntegration},
			integration},
		{"client=integration auth=basic encoding=percent",
			// RFC 6749 §2.3.1: the id and secret are form-urlencoded before
			// Basic encoding, so %61 must be read as "a".
			request{body: jsonBody("grant_type", "client_credentials"), header: map[string]string{
				"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(
					strings.Replace(refserver.IntegrationClientID, "a", "%61", 1)+":"+refserver.IntegrationClientSecret)),
			}},
			integration},
		{"client=integration auth=basic scheme=lowercase",
			request{body: jsonBody("grant_type", "client_credentials"), header: map[string]string{
				"Authorization": "basic " + base64.StdEncoding.EncodeToString([]byte(refserver.IntegrationClientID+":"+refserver.IntegrationClientSecret)),
			}},
			integration},
		{"content_type=charset_and_case", request{contentType: "Application/JSON; charset=UTF-8", body: integrationToken().body}, integration},
		{"content_type=form_with_charset",
			request{contentType: "application/x-www-form-urlencoded; charset=utf-8", body: formBody("grant_type", "client_credentials", "client_id", refserver.SalesChannelClientID)},
			salesChannel},
		{"params=unknown_ignored body=json",
			request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.SalesChannelClientID, "audience", "anything", "state", "")},
			salesChannel},
		{"params=unknown_ignored body=form",
			form(formBody("grant_type", "client_credentials", "client_id", refserver.SalesChannelClientID, "resource", "https://example.com")),
			salesChannel},
		// RFC 6749 §3.2: unrecognized parameters are ignored, whatever
		// their JSON value (Commerce Layer's CLI sends "scope": []).
		{"params=unknown_not_strings_ignored body=json",
			request{body: `{"grant_type":"client_credentials","client_id":"` + refserver.SalesChannelClientID + `","slug":null,"extra":[1,{"a":[]}],"n":2,"b":false,"o":{}}`},
			salesChannel},
		{"auth=bearer_header_ignored",
			request{body: salesChannelToken("").body, header: map[string]string{"Authorization": "Bearer some-old-token"}},
			salesChannel},
		{"query_string=ignored_on_post",
			request{path: "/oauth/token?grant_type=password", body: salesChannelToken("").body},
			salesChannel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, srv.URL, tt.req)
			if err := expectTokenAnswer(srv.URL, r, tt.want); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestBodyMemberOrder verifies the documented member order and that there
// is no refresh_token: Commerce Layer's tests assert the exact key set.
func TestBodyMemberOrder(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{Now: clockAt(fixedNow)})
	r := send(t, srv.URL, salesChannelToken("market:id:"+refserver.MarketID))
	pattern := regexp.MustCompile(`^\{"access_token":"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+","token_type":"bearer","expires_in":14400,"scope":"market:id:xYZkjABcde","created_at":1773500966\}$`)
	if !pattern.Match(r.body) {
		t.Errorf("body = %s; want %s", r.body, pattern)
	}
}

// TestRejectsBadRequests verifies every error answer of the correct server:
// its status, error code, headers and body shape.
func TestRejectsBadRequests(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{})
	valid := salesChannelToken("").body
	wrongBasic := []string{refserver.IntegrationClientID, wrongSecret}
	withScope := func(scope string) request { return salesChannelToken(scope) }
	unauthorized := map[string]string{"WWW-Authenticate": `Basic realm="authconform"`}

	tests := []struct {
		name       string
		req        request
		wantStatus int
		wantCode   string
		wantHeader map[string]string
	}{
		// HTTP layer
		{"method=GET", request{method: http.MethodGet, contentType: "-"}, 405, "invalid_request", map[string]string{"Allow": "POST"}},
		{"method=GET params=in_query", request{method: http.MethodGet, contentType: "-",
			path: "/oauth/token?" + formBody("grant_type", "client_credentials", "client_id", refserver.SalesChannelClientID)},
			405, "invalid_request", map[string]string{"Allow": "POST"}},
		{"method=PUT", request{method: http.MethodPut, body: valid}, 405, "invalid_request", map[string]string{"Allow": "POST"}},
		{"method=DELETE", request{method: http.MethodDelete, contentType: "-"}, 405, "invalid_request", map[string]string{"Allow": "POST"}},
		{"path=unknown", request{path: "/oauth/tokens", body: valid}, 404, "invalid_request", nil},
		{"path=trailing_slash", request{path: "/oauth/token/", body: valid}, 404, "invalid_request", nil},
		{"path=root", request{path: "/", body: valid}, 404, "invalid_request", nil},
		{"body=too_large", request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.SalesChannelClientID, "padding", strings.Repeat("x", 70<<10))},
			413, "invalid_request", nil},

		// Body format
		{"content_type=text/plain", request{contentType: "text/plain", body: valid}, 400, "invalid_request", nil},
		{"content_type=none", request{contentType: "-", body: valid}, 400, "invalid_request", nil},
		{"content_type=malformed", request{contentType: "application/json; charset", body: valid}, 400, "invalid_request", nil},
		{"content_type=multipart", request{contentType: "multipart/form-data; boundary=x", body: valid}, 400, "invalid_request", nil},
		{"body=empty type=json", request{body: ""}, 400, "invalid_request", nil},
		{"body=empty type=form", form(""), 400, "invalid_request", nil},
		{"body=malformed_json", request{body: `{"grant_type":"client_credentials",`}, 400, "invalid_request", nil},
		{"body=json_array", request{body: `["grant_type","client_credentials"]`}, 400, "invalid_request", nil},
		{"body=json_string", request{body: `"grant_type=client_credentials"`}, 400, "invalid_request", nil},
		{"body=whitespace", request{body: "  \n"}, 400, "invalid_request", nil},
		{"body=trailing_data", request{body: valid + `{}`}, 400, "invalid_request", nil},
		{"body=form_sent_as_json", request{body: "grant_type=client_credentials&client_id=" + refserver.SalesChannelClientID}, 400, "invalid_request", nil},
		{"value=number", request{body: `{"grant_type":"client_credentials","client_id":"` + refserver.SalesChannelClientID + `","scope":1}`}, 400, "invalid_request", nil},
		{"value=null", request{body: `{"grant_type":"client_credentials","client_id":null}`}, 400, "invalid_request", nil},
		{"value=bool", request{body: `{"grant_type":true,"client_id":"` + refserver.SalesChannelClientID + `"}`}, 400, "invalid_request", nil},
		{"value=object", request{body: `{"grant_type":"client_credentials","client_id":{"id":"x"}}`}, 400, "invalid_request", nil},
		{"value=array", request{body: `{"grant_type":["client_credentials"],"client_id":"` + refserver.SalesChannelClientID + `"}`}, 400, "invalid_request", nil},
		{"param=repeated body=json", request{body: `{"grant_type":"client_credentials","client_id":"x","client_id":"` + refserver.SalesChannelClientID + `"}`}, 400, "invalid_request", nil},
		{"param=unknown_repeated body=json", request{body: `{"grant_type":"client_credentials","client_id":"` + refserver.SalesChannelClientID + `","x":[],"x":"y"}`}, 400, "invalid_request", nil},
		{"value=unknown_unclosed_array", request{body: `{"grant_type":"client_credentials","client_id":"` + refserver.SalesChannelClientID + `","x":[1,2`}, 400, "invalid_request", nil},
		{"param=repeated body=form", form("grant_type=client_credentials&client_id=" + refserver.SalesChannelClientID + "&client_id=" + refserver.SalesChannelClientID), 400, "invalid_request", nil},
		{"body=malformed_form", form("grant_type=client_credentials&client_id=%zz"), 400, "invalid_request", nil},

		// grant_type
		{"grant_type=missing", request{body: jsonBody("client_id", refserver.SalesChannelClientID)}, 400, "invalid_request", nil},
		{"grant_type=empty", request{body: jsonBody("grant_type", "", "client_id", refserver.SalesChannelClientID)}, 400, "invalid_request", nil},
		{"grant_type=empty body=form", form("grant_type=&client_id=" + refserver.SalesChannelClientID), 400, "invalid_request", nil},
		{"grant_type=password", request{body: jsonBody("grant_type", "password", "client_id", refserver.SalesChannelClientID, "username", "a@example.com", "password", "x")},
			400, "unsupported_grant_type", nil},
		{"grant_type=wrong_case", request{body: jsonBody("grant_type", "Client_Credentials", "client_id", refserver.SalesChannelClientID)}, 400, "unsupported_grant_type", nil},

		// Client authentication
		{"client_id=missing", request{body: jsonBody("grant_type", "client_credentials")}, 401, "invalid_client", unauthorized},
		{"client_id=empty", request{body: jsonBody("grant_type", "client_credentials", "client_id", "")}, 401, "invalid_client", unauthorized},
		{"client_id=unknown", request{body: jsonBody("grant_type", "client_credentials", "client_id", "wrong-client-id")}, 401, "invalid_client", unauthorized},
		{"client=integration secret=missing", request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.IntegrationClientID)}, 401, "invalid_client", unauthorized},
		{"client=integration secret=empty", integrationWithSecret(""), 401, "invalid_client", unauthorized},
		{"client=integration secret=wrong", integrationWithSecret(wrongSecret), 401, "invalid_client", unauthorized},
		{"client=integration secret=other_clients", integrationWithSecret(refserver.SalesChannelClientSecret), 401, "invalid_client", unauthorized},
		{"client=integration secret=prefix", integrationWithSecret(refserver.IntegrationClientSecret[:20]), 401, "invalid_client", unauthorized},
		{"client=sales_channel secret=wrong",
			request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.SalesChannelClientID, "client_secret", wrongSecret)},
			401, "invalid_client", unauthorized},
		{"auth=basic secret=wrong", request{body: jsonBody("grant_type", "client_credentials"), basic: wrongBasic}, 401, "invalid_client", unauthorized},
		{"auth=basic client=unknown", request{body: jsonBody("grant_type", "client_credentials"), basic: []string{"wrong-client-id", ""}}, 401, "invalid_client", unauthorized},
		{"auth=basic encoding=not_base64", request{body: jsonBody("grant_type", "client_credentials"), header: map[string]string{"Authorization": "Basic !!!"}},
			401, "invalid_client", unauthorized},
		{"auth=basic encoding=no_colon", request{body: jsonBody("grant_type", "client_credentials"), header: map[string]string{
			"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(refserver.IntegrationClientID))}},
			401, "invalid_client", unauthorized},
		{"auth=basic_and_body_secret",
			request{body: jsonBody("grant_type", "client_credentials", "client_secret", refserver.IntegrationClientSecret),
				basic: []string{refserver.IntegrationClientID, refserver.IntegrationClientSecret}},
			400, "invalid_request", nil},
		{"auth=basic client_id=different_in_body",
			request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.SalesChannelClientID),
				basic: []string{refserver.IntegrationClientID, refserver.IntegrationClientSecret}},
			400, "invalid_request", nil},

		// scope
		{"scope=unknown_market", withScope("market:id:zzzzzzzzzz"), 400, "invalid_scope", nil},
		{"scope=known_and_unknown_market", withScope("market:id:" + refserver.MarketID + " market:id:zzzzzzzzzz"), 400, "invalid_scope", nil},
		{"scope=market_without_id", withScope("market:id:"), 400, "invalid_scope", nil},
		{"scope=unknown_market_code", withScope("market:code:asia"), 400, "invalid_scope", nil},
		{"scope=market_code_other_case", withScope("market:code:EUROPE"), 400, "invalid_scope", nil},
		{"scope=market_id_as_code", withScope("market:code:" + refserver.MarketID), 400, "invalid_scope", nil},
		{"scope=unknown_store", withScope("store:id:zzzzzzzzzz"), 400, "invalid_scope", nil},
		{"scope=unknown_store_code", withScope("store:code:outlet_la"), 400, "invalid_scope", nil},
		{"scope=unknown_stock_location", withScope("market:id:" + refserver.MarketID + " stock_location:id:zzzzzzzzzz"), 400, "invalid_scope", nil},
		{"scope=unknown_stock_location_code", withScope("market:id:" + refserver.MarketID + " stock_location:code:us_warehouse"), 400, "invalid_scope", nil},
		{"scope=stock_location_without_market", withScope("stock_location:id:" + refserver.StockLocationID), 400, "invalid_scope", nil},
		{"scope=stock_location_with_other_market", withScope("market:id:" + refserver.OtherMarketID + " stock_location:id:" + refserver.StockLocationID), 400, "invalid_scope", nil},
		{"scope=store_by_name", withScope("store:name:" + refserver.StoreCode), 400, "invalid_scope", nil},
		{"scope=unknown_resource", withScope("warehouse:id:" + refserver.StockLocationID), 400, "invalid_scope", nil},
		{"scope=legacy_market_number", withScope("market:1234"), 400, "invalid_scope", nil},
		{"scope=uppercase", withScope("MARKET:ALL"), 400, "invalid_scope", nil},
		{"scope=comma_separated", withScope("market:id:" + refserver.MarketID + ",market:id:" + refserver.OtherMarketID), 400, "invalid_scope", nil},
		{"scope=double_space", withScope("market:id:" + refserver.MarketID + "  market:id:" + refserver.OtherMarketID), 400, "invalid_scope", nil},
		{"scope=leading_space", withScope(" market:all"), 400, "invalid_scope", nil},
		{"scope=trailing_space", withScope("market:all "), 400, "invalid_scope", nil},
		{"scope=tab_separated", withScope("market:all\tmarket:id:" + refserver.MarketID), 400, "invalid_scope", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, srv.URL, tt.req)
			if err := expectErrorAnswer(r, tt.wantStatus, tt.wantCode); err != nil {
				t.Error(err)
			}
			for name, want := range tt.wantHeader {
				if err := expectHeader(r, name, want); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// TestHeadGetsNoToken verifies HEAD is refused like any non-POST method;
// it gets its own test because a HEAD answer has no body to inspect.
func TestHeadGetsNoToken(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{})
	r := send(t, srv.URL, request{method: http.MethodHead, contentType: "-"})
	for _, err := range []error{
		expectStatus(r, http.StatusMethodNotAllowed),
		expectHeader(r, "Allow", "POST"),
		expectHeader(r, "Cache-Control", "no-store"),
	} {
		if err != nil {
			t.Error(err)
		}
	}
}

// TestJWKS verifies the key set clients fetch from <iss>/.well-known/jwks.json.
func TestJWKS(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{})
	r := send(t, srv.URL, request{method: http.MethodGet, path: "/.well-known/jwks.json", contentType: "-"})
	if err := expectStatus(r, http.StatusOK); err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(r.body, &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("JWKS = %s; want one key", r.body)
	}
	key := set.Keys[0]
	for name, want := range map[string]string{"kty": "RSA", "alg": "RS512", "use": "sig", "e": "AQAB"} {
		if key[name] != want {
			t.Errorf("key %s = %q; want %q", name, key[name], want)
		}
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(key["kid"]) {
		t.Errorf("kid = %q; want 64 hex digits (SHA-256)", key["kid"])
	}

	token := accessToken(send(t, srv.URL, salesChannelToken("")))
	claims, err := verifyToken(srv.URL, token)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(claims["iss"]), quoted(srv.URL); got != want {
		t.Errorf("iss = %s; want %s (the server's URL, where the JWKS is)", got, want)
	}

	r = send(t, srv.URL, request{path: "/.well-known/jwks.json", body: "{}"})
	if err := expectErrorAnswer(r, http.StatusMethodNotAllowed, "invalid_request"); err != nil {
		t.Error(err)
	}
}

// TestClaims verifies the JWT payload beyond what every success test checks:
// Commerce Layer's organization claim, rand and a unique jti.
func TestClaims(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{})
	claims, err := verifyToken(srv.URL, accessToken(send(t, srv.URL, integrationToken())))
	if err != nil {
		t.Fatal(err)
	}
	var org map[string]any
	_ = json.Unmarshal(claims["organization"], &org)
	for _, name := range []string{"id", "slug", "region"} {
		if s, _ := org[name].(string); s == "" {
			t.Errorf("organization.%s = %v; want a non-empty string", name, org[name])
		}
	}
	if org["enterprise"] != false {
		t.Errorf("organization.enterprise = %v; want false", org["enterprise"])
	}
	var rand float64
	if err := json.Unmarshal(claims["rand"], &rand); err != nil || rand < 0 || rand >= 1 {
		t.Errorf("rand = %s; want a float in [0, 1)", claims["rand"])
	}
	if _, ok := claims["jti"]; !ok {
		t.Error("no jti claim; want one, so that every token is unique")
	}
	if _, ok := claims["owner"]; ok {
		t.Errorf("owner = %s; want none for client_credentials", claims["owner"])
	}
}

// TestServeHTTPWithoutStart verifies the handler works on its own (for
// callers that mount it themselves), naming as issuer the origin the
// request was sent to.
func TestServeHTTPWithoutStart(t *testing.T) {
	t.Parallel()
	s, err := refserver.New(refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/oauth/token", strings.NewReader(integrationToken().body))
	req.Header.Set("Content-Type", "application/json")
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d; want 200 (body: %s)", rec.Code, rec.Body)
	}
	var body struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	parts := strings.Split(body.AccessToken, ".")
	var claims struct{ Iss string }
	if len(parts) != 3 || decodeSegment(parts[1], &claims) != nil {
		t.Fatalf("access_token = %q; want a JWT", body.AccessToken)
	}
	if claims.Iss != "http://example.com" { // httptest.NewRequest's host
		t.Errorf("iss = %q; want http://example.com, the origin the request was sent to", claims.Iss)
	}
	if got := s.Requests(); got != 1 {
		t.Errorf("Requests() = %d; want 1", got)
	}
}
