package refserver_test

import (
	"crypto/ecdh"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/refserver"
)

// TestNewRejectsBadOptions verifies that a mistyped option fails loudly,
// naming the valid values, rather than starting a server that is quietly
// correct (or quietly broken).
func TestNewRejectsBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    refserver.Options
		wantErr []string // parts of the error message
	}{
		{"fault=unknown", refserver.Options{Fault: "no-such-fault"}, []string{`"no-such-fault"`, "success-status-201", "same-token-for-all"}},
		{"fault=wrong_case", refserver.Options{Fault: "Token-Type-MAC"}, []string{`"Token-Type-MAC"`, "token-type-mac"}},
		{"error_shape=unknown", refserver.Options{ErrorShape: "json-api"}, []string{`"json-api"`, `"errors"`, `"rfc6749"`}},
		{"token_type=mac", refserver.Options{TokenType: "mac"}, []string{`"mac"`, `"bearer"`, `"Bearer"`}},
		{"token_type=uppercase", refserver.Options{TokenType: "BEARER"}, []string{`"BEARER"`}},
		{"invalid_client_status=403", refserver.Options{InvalidClientStatus: 403}, []string{"403", "401 or 400"}},
		{"rate_limit=negative", refserver.Options{RateLimit: -1}, []string{"-1"}},
		{"rate_window=negative", refserver.Options{RateLimit: 1, RateWindow: -time.Second}, []string{"-1s"}},
		{"issuer=trailing_slash", refserver.Options{Issuer: "https://auth.example.com/"}, []string{`"https://auth.example.com/"`}},
		{"issuer=no_scheme", refserver.Options{Issuer: "auth.example.com"}, []string{`"auth.example.com"`}},
		{"issuer=path", refserver.Options{Issuer: "https://example.com/auth"}, []string{`"https://example.com/auth"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := refserver.New(tt.opts)
			if err == nil {
				t.Fatalf("New(%+v) = %v, nil; want an error", tt.opts, s)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("New error = %q; want it to mention %s", err, want)
				}
			}
			if _, err := refserver.Start(tt.opts); err == nil {
				t.Errorf("Start(%+v) succeeded; want the same error as New", tt.opts)
			}
		})
	}
}

// TestNewAcceptsValidOptions verifies every documented option value.
func TestNewAcceptsValidOptions(t *testing.T) {
	t.Parallel()
	valid := []refserver.Options{
		{},
		{ErrorShape: "errors"}, {ErrorShape: "rfc6749"},
		{TokenType: "bearer"}, {TokenType: "Bearer"},
		{InvalidClientStatus: 401}, {InvalidClientStatus: 400},
		{RateLimit: 30}, {RateLimit: 30, RateWindow: time.Second},
		{Issuer: "https://auth.example.com"}, {Issuer: "http://127.0.0.1:8080"},
		{JWKSRotation: true}, {ExtraClaims: true},
	}
	for _, f := range refserver.Faults() {
		valid = append(valid, refserver.Options{Fault: f.Name})
	}
	for _, opts := range valid {
		if _, err := refserver.New(opts); err != nil {
			t.Errorf("New(%+v): %v; want no error", opts, err)
		}
	}
}

// TestFaultsCatalogue verifies that faults are named uniquely, cite the rule
// they break, and come back in the same order each time.
func TestFaultsCatalogue(t *testing.T) {
	t.Parallel()
	faults := refserver.Faults()
	seen := map[string]bool{}
	for _, f := range faults {
		if seen[f.Name] {
			t.Errorf("fault %q is listed twice", f.Name)
		}
		seen[f.Name] = true
		if f.Name != strings.ToLower(f.Name) || strings.ContainsAny(f.Name, " _") {
			t.Errorf("fault name %q; want lower-case words joined by '-'", f.Name)
		}
		if !strings.Contains(f.Breaks, "RFC") && !strings.Contains(f.Breaks, "Commerce Layer") {
			t.Errorf("fault %q Breaks = %q; want the rule's source (an RFC or Commerce Layer)", f.Name, f.Breaks)
		}
	}
	faults[0].Name = "changed by the caller"
	if !slices.Equal(refserver.Faults()[1:], faults[1:]) || refserver.Faults()[0].Name == faults[0].Name {
		t.Error("Faults() shares its slice with callers or changes order; want a fresh copy in a stable order")
	}
}

// TestErrorShapeRFC6749 verifies the RFC 6749 §5.2 body: exactly error and
// error_description, with the same statuses.
func TestErrorShapeRFC6749(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{ErrorShape: "rfc6749"})
	tests := []struct {
		name       string
		req        request
		wantStatus int
		wantCode   string
	}{
		{"grant_type=missing", errorRequest(), 400, "invalid_request"},
		{"client_id=unknown", unknownClient(), 401, "invalid_client"},
		{"scope=unknown_market", salesChannelToken("market:id:zzzzzzzzzz"), 400, "invalid_scope"},
		{"method=GET", request{method: http.MethodGet, contentType: "-"}, 405, "invalid_request"},
		{"revoke client_id=missing", revoke("token", "not-a-token"), 403, "unauthorized_client"},
		{"revoke client_id=unknown", revoke("client_id", "wrong-client-id", "token", "not-a-token"), 401, "invalid_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, srv.URL, tt.req)
			if err := expectStatus(r, tt.wantStatus); err != nil {
				t.Error(err)
			}
			if got := slices.Sorted(maps.Keys(r.members)); !slices.Equal(got, []string{"error", "error_description"}) {
				t.Errorf("body members = %v; want [error error_description] (body: %s)", got, r.body)
			}
			if err := expectErrorCode(r, tt.wantCode); err != nil {
				t.Error(err)
			}
			var description string
			_ = json.Unmarshal(r.members["error_description"], &description)
			if !descriptionChars.MatchString(description) {
				t.Errorf("error_description = %q; want text of %%x20-21 / %%x23-5B / %%x5D-7E", description)
			}
		})
	}
}

// TestTokenTypeOption verifies that "Bearer" is written as given (RFC 6749
// §7.1 makes the value case-insensitive, so both are correct).
func TestTokenTypeOption(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{TokenType: "Bearer", Now: clockAt(fixedNow)})
	r := send(t, srv.URL, integrationToken())
	if err := expectTokenAnswer(srv.URL, r, with(integration, func(w *tokenWant) { w.tokenType = "Bearer" })); err != nil {
		t.Error(err)
	}
}

// TestInvalidClientStatusOption verifies that 400 applies to credentials in
// the body only: RFC 6749 §5.2 requires 401 after HTTP Basic.
func TestInvalidClientStatusOption(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{InvalidClientStatus: 400})
	tests := []struct {
		name       string
		req        request
		wantStatus int
	}{
		{"auth=body client=unknown", unknownClient(), 400},
		{"auth=body secret=wrong", integrationWithSecret(wrongSecret), 400},
		{"auth=basic secret=wrong", request{body: jsonBody("grant_type", "client_credentials"),
			basic: []string{refserver.IntegrationClientID, wrongSecret}}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, srv.URL, tt.req)
			if err := expectErrorAnswer(r, tt.wantStatus, "invalid_client"); err != nil {
				t.Error(err)
			}
			if tt.wantStatus == 400 && r.header.Get("WWW-Authenticate") != "" {
				t.Errorf("WWW-Authenticate: %q on a 400; want none", r.header.Get("WWW-Authenticate"))
			}
		})
	}
}

// TestRequireScopeOption verifies RFC 6749 §3.3's other answer: a request
// without scope is refused with 400 invalid_scope, after the client is
// authenticated, and a request with a scope still gets its token.
func TestRequireScopeOption(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{RequireScope: true})
	tests := []struct {
		name       string
		req        request
		wantStatus int
		wantCode   string // "" for a token
	}{
		{"scope=none", integrationToken(), 400, "invalid_scope"},
		{"scope=empty", request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.IntegrationClientID, "client_secret", refserver.IntegrationClientSecret, "scope", "")}, 400, "invalid_scope"},
		{"scope=none secret=wrong", integrationWithSecret(wrongSecret), 401, "invalid_client"},
		{"scope=market", salesChannelToken("market:id:" + refserver.MarketID), 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(t, srv.URL, tt.req)
			if tt.wantCode == "" {
				if err := expectStatus(r, tt.wantStatus); err != nil {
					t.Error(err)
				}
				return
			}
			if err := expectErrorAnswer(r, tt.wantStatus, tt.wantCode); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestExtraMembers verifies the unknown members that clients must ignore,
// in both body shapes, without changing the known ones.
func TestExtraMembers(t *testing.T) {
	t.Parallel()
	for _, shape := range []string{"errors", "rfc6749"} {
		t.Run("shape="+shape, func(t *testing.T) {
			t.Parallel()
			srv := start(t, refserver.Options{ExtraMembers: true, ErrorShape: shape})
			for _, req := range []request{salesChannelToken(""), errorRequest()} {
				r := send(t, srv.URL, req)
				if err := expectMember(r, "authconform_extra", `"ignored"`); err != nil {
					t.Errorf("status %d: %v", r.status, err)
				}
			}
			r := send(t, srv.URL, salesChannelToken(""))
			if err := expectMember(r, "expires_in", "14400"); err != nil {
				t.Error(err)
			}
			if shape == "errors" {
				r := send(t, srv.URL, errorRequest())
				if !strings.Contains(string(r.members["errors"]), `"authconform_extra":"ignored"`) {
					t.Errorf("errors = %s; want an authconform_extra member in the error too", r.members["errors"])
				}
			}
		})
	}
}

// TestRateLimit verifies the sliding window: RateLimit requests per
// RateWindow, then 429 with Retry-After (rounded up) and the X-Ratelimit-*
// headers, until the oldest admitted request leaves the window.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	var (
		mu  sync.Mutex
		now = fixedNow
	)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advanceTo := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = fixedNow.Add(d) }
	srv := start(t, refserver.Options{RateLimit: 3, RateWindow: 10 * time.Second, Now: clock})

	steps := []struct {
		at             time.Duration
		req            request
		wantStatus     int
		wantRemaining  string
		wantRetryAfter string // "" for none
	}{
		{0, salesChannelToken(""), 200, "2", ""},
		{2 * time.Second, errorRequest(), 400, "1", ""}, // refused requests count too
		{4 * time.Second, salesChannelToken(""), 200, "0", ""},
		{5 * time.Second, salesChannelToken(""), 429, "0", "5"},
		{9500 * time.Millisecond, salesChannelToken(""), 429, "0", "1"},    // 0.5 s left, rounded up
		{10 * time.Second, salesChannelToken(""), 200, "0", ""},            // the first request has left the window
		{11 * time.Second, request{method: http.MethodGet}, 429, "0", "1"}, // any method counts
		{12*time.Second + 1, salesChannelToken(""), 200, "0", ""},          // the second has left
		{30 * time.Second, integrationToken(), 200, "2", ""},               // all have left
	}
	for _, step := range steps {
		advanceTo(step.at)
		r := send(t, srv.URL, step.req)
		for _, err := range []error{
			expectStatus(r, step.wantStatus),
			expectHeader(r, "X-Ratelimit-Limit", "3"),
			expectHeader(r, "X-Ratelimit-Interval", "10"),
			expectHeader(r, "X-Ratelimit-Remaining", step.wantRemaining),
			expectHeader(r, "Retry-After", step.wantRetryAfter),
		} {
			if err != nil {
				t.Errorf("at +%v: %v", step.at, err)
			}
		}
		if step.wantStatus == 429 && step.req.method == "" {
			if err := expectErrorAnswer(r, 429, "too_many_requests"); err != nil {
				t.Errorf("at +%v: %v", step.at, err)
			}
		}
	}
	if got, want := srv.Server().Requests(), int64(len(steps)); got != want {
		t.Errorf("Requests() = %d; want %d (rate-limited requests count)", got, want)
	}

	// Other paths are not limited.
	if r := send(t, srv.URL, request{method: http.MethodGet, path: "/.well-known/jwks.json"}); r.status != 200 {
		t.Errorf("JWKS status = %d; want 200 (only /oauth/token is limited)", r.status)
	}
}

// TestIssuerOption verifies the iss claim when the caller sets it.
func TestIssuerOption(t *testing.T) {
	t.Parallel()
	s, err := refserver.New(refserver.Options{Issuer: "https://auth.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	r := send(t, srv.URL, salesChannelToken(""))
	parts := strings.Split(accessToken(r), ".")
	var claims struct{ Iss string }
	if len(parts) != 3 || decodeSegment(parts[1], &claims) != nil {
		t.Fatalf("access_token = %q; want a JWT", accessToken(r))
	}
	if claims.Iss != "https://auth.example.com" {
		t.Errorf("iss = %q; want https://auth.example.com", claims.Iss)
	}
}

// TestFaultHeadersOnTheWire checks the header faults through ServeHTTP,
// because Go's HTTP client invents Cache-Control: no-cache from
// Pragma: no-cache and would hide what the server really sent.
func TestFaultHeadersOnTheWire(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fault   string
		body    string
		absent  string
		present string
	}{
		{"", errorRequest().body, "", "Cache-Control"},
		{"error-no-store-missing", errorRequest().body, "Cache-Control", "Pragma"},
		{"pragma-missing", errorRequest().body, "Pragma", "Cache-Control"},
		{"pragma-missing", salesChannelToken("").body, "Pragma", "Cache-Control"},
	}
	for _, tt := range tests {
		s, err := refserver.New(refserver.Options{Fault: tt.fault})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/oauth/token", strings.NewReader(tt.body))
		req.Header.Set("Content-Type", "application/json")
		s.ServeHTTP(rec, req)
		if tt.absent != "" {
			if got, ok := rec.Header()[tt.absent]; ok {
				t.Errorf("fault %q, status %d: %s: %q; want no such header", tt.fault, rec.Code, tt.absent, got)
			}
		}
		if rec.Header().Get(tt.present) == "" {
			t.Errorf("fault %q, status %d: no %s header; want one", tt.fault, rec.Code, tt.present)
		}
	}
}

// TestJWKSRotation verifies the rotation variant: two more public keys,
// an EC P-256 key and an RSA key, come before the signing key, each with
// its own kid (the hex SHA-256 of its PKIX DER, like the signing key's),
// and tokens still name the signing key, so a verifier that picks by kid
// verifies them.
func TestJWKSRotation(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{JWKSRotation: true, Now: clockAt(fixedNow)})
	r := send(t, srv.URL, request{method: http.MethodGet, path: "/.well-known/jwks.json", contentType: "-"})
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(r.body, &set); err != nil || len(set.Keys) != 3 {
		t.Fatalf("JWKS = %s; want three keys", r.body)
	}
	wantKinds := []struct{ kty, alg string }{{"EC", "ES256"}, {"RSA", "RS512"}, {"RSA", "RS512"}}
	kids := map[string]bool{}
	for i, key := range set.Keys {
		if key["kty"] != wantKinds[i].kty || key["alg"] != wantKinds[i].alg || key["use"] != "sig" {
			t.Errorf("key %d: kty, alg, use = %q, %q, %q; want %q, %q, \"sig\"", i, key["kty"], key["alg"], key["use"], wantKinds[i].kty, wantKinds[i].alg)
		}
		if key["d"] != "" || key["p"] != "" {
			t.Errorf("key %d has private members; want public keys only", i)
		}
		pub, err := parseJWK(key)
		if err != nil {
			t.Errorf("key %d: %v", i, err)
			continue
		}
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
		if sum := sha256.Sum256(der); key["kid"] != hex.EncodeToString(sum[:]) {
			t.Errorf("key %d: kid = %q; want the hex SHA-256 of its PKIX DER, %x", i, key["kid"], sum)
		}
		kids[key["kid"]] = true
	}
	if len(kids) != 3 {
		t.Errorf("kids = %v; want three different ones", kids)
	}

	token := accessToken(send(t, srv.URL, integrationToken()))
	var header struct{ Kid string }
	_ = decodeSegment(strings.Split(token, ".")[0], &header)
	if header.Kid != set.Keys[2]["kid"] {
		t.Errorf("token kid = %q; want the signing key's, the last in the JWKS, %q", header.Kid, set.Keys[2]["kid"])
	}
	if err := expectTokenAnswer(srv.URL, send(t, srv.URL, integrationToken()), integration); err != nil {
		t.Error(err)
	}
}

// parseJWK reads an RSA or EC P-256 public JWK, checking the EC point is
// on the curve and the RSA modulus has at least 2048 bits.
func parseJWK(key map[string]string) (any, error) {
	field := func(name string) []byte {
		b, _ := base64.RawURLEncoding.DecodeString(key[name])
		return b
	}
	switch key["kty"] {
	case "EC":
		x, y := field("x"), field("y")
		if key["crv"] != "P-256" || len(x) != 32 || len(y) != 32 {
			return nil, fmt.Errorf("EC key crv %q, x %d bytes, y %d bytes; want P-256 with 32-byte coordinates", key["crv"], len(x), len(y))
		}
		return ecdh.P256().NewPublicKey(append(append([]byte{4}, x...), y...))
	case "RSA":
		n, e := new(big.Int).SetBytes(field("n")), new(big.Int).SetBytes(field("e"))
		if n.BitLen() < 2048 || e.Int64() != 65537 {
			return nil, fmt.Errorf("RSA key of %d bits, e %v; want at least 2048 bits and e 65537", n.BitLen(), e)
		}
		return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
	}
	return nil, fmt.Errorf("kty %q; want EC or RSA", key["kty"])
}

// TestExtraClaims verifies the variant's claims are there and that the
// documented claims are unchanged.
func TestExtraClaims(t *testing.T) {
	t.Parallel()
	srv := start(t, refserver.Options{ExtraClaims: true, Now: clockAt(fixedNow)})
	r := send(t, srv.URL, salesChannelToken(""))
	if err := expectTokenAnswer(srv.URL, r, salesChannel); err != nil {
		t.Error(err)
	}
	claims, err := verifyToken(srv.URL, accessToken(r))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"authconform_extra", "custom_claim"} {
		var obj map[string]any
		if err := json.Unmarshal(claims[name], &obj); err != nil || len(obj) == 0 {
			t.Errorf("%s = %s; want a non-empty object", name, claims[name])
		}
	}
}
