package refserver_test

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/refserver"
)

// fixedNow is the clock of servers whose timestamps tests compare exactly.
var fixedNow = time.Date(2026, time.March, 14, 15, 9, 26, 0, time.UTC)

func clockAt(t time.Time) func() time.Time { return func() time.Time { return t } }

// start runs a server for the test and stops it when the test ends.
func start(t *testing.T, opts refserver.Options) *refserver.Running {
	t.Helper()
	rs, err := refserver.Start(opts)
	if err != nil {
		t.Fatalf("Start(%+v): %v", opts, err)
	}
	t.Cleanup(rs.Close)
	return rs
}

// request is one HTTP request to the server under test.
type request struct {
	method      string // "" means POST
	path        string // "" means /oauth/token; may carry a query string
	contentType string // "" means application/json; "-" sends none
	body        string
	basic       []string // client_id, client_secret: sent as HTTP Basic, each form-urlencoded
	header      map[string]string
}

// jsonBody builds a JSON object from name, value pairs, in order.
func jsonBody(pairs ...string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i < len(pairs); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(pairs[i])
		value, _ := json.Marshal(pairs[i+1])
		b.Write(name)
		b.WriteByte(':')
		b.Write(value)
	}
	b.WriteByte('}')
	return b.String()
}

// formBody builds an application/x-www-form-urlencoded body, in order.
func formBody(pairs ...string) string {
	parts := make([]string, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		parts = append(parts, url.QueryEscape(pairs[i])+"="+url.QueryEscape(pairs[i+1]))
	}
	return strings.Join(parts, "&")
}

func form(body string) request {
	return request{contentType: "application/x-www-form-urlencoded", body: body}
}

// The requests most tests start from.
func salesChannelToken(scope string) request {
	if scope == "" {
		return request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.SalesChannelClientID)}
	}
	return request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.SalesChannelClientID, "scope", scope)}
}

func integrationToken() request {
	return request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.IntegrationClientID, "client_secret", refserver.IntegrationClientSecret)}
}

func integrationWithSecret(secret string) request {
	return request{body: jsonBody("grant_type", "client_credentials", "client_id", refserver.IntegrationClientID, "client_secret", secret)}
}

// response is what came back, with the body's top-level members kept as
// raw JSON so that tests can tell 14400 from 14400.0 and "14400".
type response struct {
	status  int
	header  http.Header
	body    []byte
	members map[string]json.RawMessage // nil unless the body is a JSON object
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

// send makes req to the server at baseURL. Transport failures end the test.
func send(t testing.TB, baseURL string, req request) *response {
	t.Helper()
	method := req.method
	if method == "" {
		method = http.MethodPost
	}
	path := req.path
	if path == "" {
		path = "/oauth/token"
	}
	hr, err := http.NewRequest(method, baseURL+path, strings.NewReader(req.body))
	if err != nil {
		t.Fatalf("building %s %s: %v", method, path, err)
	}
	switch req.contentType {
	case "":
		hr.Header.Set("Content-Type", "application/json")
	case "-":
	default:
		hr.Header.Set("Content-Type", req.contentType)
	}
	hr.Header.Set("Accept", "application/json")
	if req.basic != nil {
		raw := url.QueryEscape(req.basic[0]) + ":" + url.QueryEscape(req.basic[1])
		hr.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(raw)))
	}
	for name, value := range req.header {
		hr.Header.Set(name, value)
	}
	resp, err := httpClient.Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	r := &response{status: resp.StatusCode, header: resp.Header, body: body}
	if err := json.Unmarshal(body, &r.members); err != nil {
		r.members = nil
	}
	return r
}

// The checks below return an error naming what differs, Go style
// ("got X; want Y"), so they serve both the tests of the correct server
// and the fault table, which expects a specific difference.

func expectStatus(r *response, want int) error {
	if r.status != want {
		return fmt.Errorf("status = %d; want %d (body: %s)", r.status, want, r.body)
	}
	return nil
}

func expectHeader(r *response, name, want string) error {
	if got := r.header.Get(name); got != want {
		return fmt.Errorf("%s: %q; want %q", name, got, want)
	}
	return nil
}

// expectMember compares a member's raw JSON text.
func expectMember(r *response, name, want string) error {
	if r.members == nil {
		return fmt.Errorf("body is not a JSON object: %s", r.body)
	}
	got, ok := r.members[name]
	if !ok {
		return fmt.Errorf("no %s member; want %s", name, want)
	}
	if string(got) != want {
		return fmt.Errorf("%s = %s; want %s", name, got, want)
	}
	return nil
}

func expectNoMember(r *response, name string) error {
	if got, ok := r.members[name]; ok {
		return fmt.Errorf("%s = %s; want no such member", name, got)
	}
	return nil
}

func quoted(s string) string { b, _ := json.Marshal(s); return string(b) }

// errorItem is Commerce Layer's errors[] entry.
type errorItem struct {
	Title  *string `json:"title"`
	Detail *string `json:"detail"`
	Code   *string `json:"code"`
	Status *int    `json:"status"`
}

// errorCode is the OAuth error code in either body shape.
func errorCode(r *response) (string, bool) {
	if raw, ok := r.members["error"]; ok {
		var code string
		_ = json.Unmarshal(raw, &code)
		return code, true
	}
	var items []errorItem
	if err := json.Unmarshal(r.members["errors"], &items); err != nil || len(items) == 0 || items[0].Title == nil {
		return "", false
	}
	return *items[0].Title, true
}

func expectErrorCode(r *response, want string) error {
	got, ok := errorCode(r)
	switch {
	case !ok:
		return fmt.Errorf("no error code in body %s; want %q", r.body, want)
	case got != want:
		return fmt.Errorf("error code = %q; want %q", got, want)
	}
	return nil
}

// descriptionChars is RFC 6749 §5.2's error_description alphabet.
var descriptionChars = regexp.MustCompile(`^[\x20-\x21\x23-\x5B\x5D-\x7E]+$`)

// expectErrorAnswer checks a complete error answer in Commerce Layer's
// shape: status, headers, exactly {"errors":[{title,detail,code,status}]},
// a description from RFC 6749's alphabet, and no secret anywhere.
func expectErrorAnswer(r *response, status int, code string) error {
	var errs []error
	errs = append(errs,
		expectStatus(r, status),
		expectHeader(r, "Content-Type", "application/json; charset=utf-8"),
		expectHeader(r, "Cache-Control", "no-store"),
		expectHeader(r, "Pragma", "no-cache"),
		expectNoSecret(r),
	)
	if status == http.StatusUnauthorized {
		errs = append(errs, expectHeader(r, "WWW-Authenticate", `Basic realm="authconform"`))
	}
	if got := slices.Sorted(maps.Keys(r.members)); !slices.Equal(got, []string{"errors"}) {
		errs = append(errs, fmt.Errorf("body members = %v; want [errors] (body: %s)", got, r.body))
	}
	var items []errorItem
	if err := json.Unmarshal(r.members["errors"], &items); err != nil || len(items) != 1 {
		return errors.Join(append(errs, fmt.Errorf("errors = %s; want an array of one error", r.members["errors"]))...)
	}
	var item map[string]json.RawMessage
	_ = json.Unmarshal(r.members["errors"][1:len(r.members["errors"])-1], &item)
	if got := slices.Sorted(maps.Keys(item)); !slices.Equal(got, []string{"code", "detail", "status", "title"}) {
		errs = append(errs, fmt.Errorf("errors[0] members = %v; want [code detail status title]", got))
	}
	e := items[0]
	wantCode := strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_"))
	switch {
	case e.Title == nil || *e.Title != code:
		errs = append(errs, fmt.Errorf("errors[0].title = %s; want %q", item["title"], code))
	case e.Code == nil || *e.Code != wantCode:
		errs = append(errs, fmt.Errorf("errors[0].code = %s; want %q", item["code"], wantCode))
	case e.Status == nil || *e.Status != status:
		errs = append(errs, fmt.Errorf("errors[0].status = %s; want %d", item["status"], status))
	case e.Detail == nil || !descriptionChars.MatchString(*e.Detail):
		errs = append(errs, fmt.Errorf("errors[0].detail = %s; want text of %%x20-21 / %%x23-5B / %%x5D-7E", item["detail"]))
	}
	return errors.Join(errs...)
}

// expectNoSecret fails when a body quotes either client secret or the
// wrong secrets the tests send.
func expectNoSecret(r *response) error {
	for _, secret := range []string{refserver.SalesChannelClientSecret, refserver.IntegrationClientSecret, wrongSecret} {
		if bytes.Contains(r.body, []byte(secret)) {
			return fmt.Errorf("body quotes the client_secret %q: %s", secret, r.body)
		}
	}
	return nil
}

// expectNoSecretDecoded is expectNoSecret for the encodings a leaking
// server may use: JSON escapes (read by decoding the body's strings),
// percent-encoding, and base64 in a header.
func expectNoSecretDecoded(r *response) error {
	var doc any
	if json.Unmarshal(r.body, &doc) == nil && strings.Contains(fmt.Sprint(doc), wrongSecret) {
		return fmt.Errorf("a decoded JSON string holds the client_secret: %s", r.body)
	}
	if dec, err := url.PathUnescape(string(r.body)); err == nil && strings.Contains(dec, wrongSecret) {
		return fmt.Errorf("the percent-decoded body holds the client_secret: %s", r.body)
	}
	for name, vs := range r.header {
		for _, v := range vs {
			if dec, err := base64.StdEncoding.DecodeString(v); err == nil && bytes.Contains(dec, []byte(wrongSecret)) {
				return fmt.Errorf("header %q holds the client_secret in base64: %s", name, v)
			}
		}
	}
	return nil
}

// wrongSecret is the made-up secret tests send to be refused.
const wrongSecret = "wr0ngS3cretWr0ngS3cretWr0ngS3cretWr0ngS3cr"

// tokenWant is what a success answer should say.
type tokenWant struct {
	lifetime     int64
	scope        string
	createdAt    int64 // 0: within a minute of now
	kind         string
	clientID     string
	confidential bool
	markets      []string // nil: no market claim
	// stockLocations are the market claim's stock_location_ids; nil is
	// not checked.
	stockLocations []string
	tokenType      string // "": bearer
}

// expectTokenAnswer checks a complete success answer: status, headers,
// exactly the five documented members with their JSON types and values, and
// an access token whose RS512 signature verifies against the server's JWKS
// and whose claims match.
func expectTokenAnswer(baseURL string, r *response, want tokenWant) error {
	tokenType := want.tokenType
	if tokenType == "" {
		tokenType = "bearer"
	}
	errs := []error{
		expectStatus(r, http.StatusOK),
		expectHeader(r, "Content-Type", "application/json; charset=utf-8"),
		expectHeader(r, "Cache-Control", "no-store"),
		expectHeader(r, "Pragma", "no-cache"),
		expectMember(r, "token_type", quoted(tokenType)),
		expectMember(r, "expires_in", fmt.Sprint(want.lifetime)),
		expectMember(r, "scope", quoted(want.scope)),
		expectNoSecret(r),
	}
	if got := slices.Sorted(maps.Keys(r.members)); !slices.Equal(got, []string{"access_token", "created_at", "expires_in", "scope", "token_type"}) {
		errs = append(errs, fmt.Errorf("body members = %v; want [access_token created_at expires_in scope token_type]", got))
	}
	var createdAt int64
	if err := json.Unmarshal(r.members["created_at"], &createdAt); err != nil {
		errs = append(errs, fmt.Errorf("created_at = %s; want an integer", r.members["created_at"]))
	} else if want.createdAt != 0 && createdAt != want.createdAt {
		errs = append(errs, fmt.Errorf("created_at = %d; want %d", createdAt, want.createdAt))
	} else if want.createdAt == 0 && time.Since(time.Unix(createdAt, 0)).Abs() > time.Minute {
		errs = append(errs, fmt.Errorf("created_at = %d; want about %d (now)", createdAt, time.Now().Unix()))
	}
	var token string
	_ = json.Unmarshal(r.members["access_token"], &token)
	claims, err := verifyToken(baseURL, token)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	var app struct {
		Kind         string `json:"kind"`
		Public       bool   `json:"public"`
		ClientID     string `json:"client_id"`
		Confidential bool   `json:"confidential"`
	}
	_ = json.Unmarshal(claims["application"], &app)
	var exp, iat int64
	_ = json.Unmarshal(claims["exp"], &exp)
	_ = json.Unmarshal(claims["iat"], &iat)
	var scope string
	_ = json.Unmarshal(claims["scope"], &scope)
	switch {
	case app.Kind != want.kind || app.ClientID != want.clientID || app.Public != (want.kind == "sales_channel") || app.Confidential != want.confidential:
		errs = append(errs, fmt.Errorf("application claim = %s; want kind %q, client_id %q, confidential %v", claims["application"], want.kind, want.clientID, want.confidential))
	case iat != createdAt || exp-iat != want.lifetime:
		errs = append(errs, fmt.Errorf("iat, exp = %d, %d; want %d, %d", iat, exp, createdAt, createdAt+want.lifetime))
	case scope != want.scope:
		errs = append(errs, fmt.Errorf("scope claim = %q; want %q", scope, want.scope))
	case string(claims["test"]) != "true":
		errs = append(errs, fmt.Errorf("test claim = %s; want true", claims["test"]))
	}
	if err := expectMarketClaim(claims, want.markets); err != nil {
		errs = append(errs, err)
	}
	if want.stockLocations != nil {
		if err := expectStockLocations(claims, want.stockLocations); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// expectMarketClaim checks the market claim's markets, in order, and its
// shape; its stock locations are expectStockLocations'.
func expectMarketClaim(claims map[string]json.RawMessage, want []string) error {
	raw, ok := claims["market"]
	if want == nil {
		if ok {
			return fmt.Errorf("market claim = %s; want none for market:all", raw)
		}
		return nil
	}
	var m struct {
		ID                   []string  `json:"id"`
		StockLocationIDs     *[]string `json:"stock_location_ids"`
		GeocoderID           *string   `json:"geocoder_id"`
		AllowsExternalPrices *bool     `json:"allows_external_prices"`
	}
	switch {
	case !ok:
		return fmt.Errorf("no market claim; want one with id %s", mustJSON(want))
	case json.Unmarshal(raw, &m) != nil || m.StockLocationIDs == nil || m.GeocoderID != nil || m.AllowsExternalPrices == nil || *m.AllowsExternalPrices:
		return fmt.Errorf("market claim = %s; want id, stock_location_ids, geocoder_id null and allows_external_prices false", raw)
	case !slices.Equal(m.ID, want):
		return fmt.Errorf("market claim = %s; want id %s", raw, mustJSON(want))
	}
	return nil
}

// expectStockLocations checks the market claim's stock_location_ids.
func expectStockLocations(claims map[string]json.RawMessage, want []string) error {
	var m struct {
		StockLocationIDs []string `json:"stock_location_ids"`
	}
	_ = json.Unmarshal(claims["market"], &m)
	if !slices.Equal(m.StockLocationIDs, want) {
		return fmt.Errorf("market.stock_location_ids = %s; want %s", mustJSON(m.StockLocationIDs), mustJSON(want))
	}
	return nil
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// jwksCache holds each server's keys, fetched once.
var jwksCache sync.Map // baseURL → map[kid]*rsa.PublicKey

func serverKeys(baseURL string) (map[string]*rsa.PublicKey, error) {
	if keys, ok := jwksCache.Load(baseURL); ok {
		return keys.(map[string]*rsa.PublicKey), nil
	}
	resp, err := httpClient.Get(baseURL + "/.well-known/jwks.json")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var set struct {
		Keys []struct{ Kty, N, E, Kid, Alg, Use string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		return nil, fmt.Errorf("decoding the JWKS: %v", err)
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" {
			continue // a verifier of RS512 tokens has no use for other keys (JWKSRotation lists an EC key)
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if k.Alg != "RS512" || k.Use != "sig" || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("JWKS key %+v; want an RSA RS512 signing key", k)
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	jwksCache.Store(baseURL, keys)
	return keys, nil
}

// verifyToken checks an RS512 JWT against the server's JWKS, as
// Commerce Layer's jwtVerify does, and returns its claims.
func verifyToken(baseURL, token string) (map[string]json.RawMessage, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("access_token = %q; want a signed JWT (three dot-separated parts)", token)
	}
	var header struct{ Alg, Typ, Kid string }
	if err := decodeSegment(parts[0], &header); err != nil {
		return nil, fmt.Errorf("JWT header: %v", err)
	}
	if header.Alg != "RS512" || header.Typ != "JWT" {
		return nil, fmt.Errorf("JWT header alg, typ = %q, %q; want RS512, JWT", header.Alg, header.Typ)
	}
	keys, err := serverKeys(baseURL)
	if err != nil {
		return nil, err
	}
	key, ok := keys[header.Kid]
	if !ok {
		return nil, fmt.Errorf("JWT kid %q is not in the JWKS", header.Kid)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("JWT signature: %v", err)
	}
	digest := sha512.Sum512([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA512, digest[:], sig); err != nil {
		return nil, fmt.Errorf("JWT signature does not verify: %v", err)
	}
	var claims map[string]json.RawMessage
	if err := decodeSegment(parts[1], &claims); err != nil {
		return nil, fmt.Errorf("JWT claims: %v", err)
	}
	return claims, nil
}

func decodeSegment(segment string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(segment)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

func accessToken(r *response) string {
	var token string
	_ = json.Unmarshal(r.members["access_token"], &token)
	return token
}

// issueClaims asks for a token with req and returns its verified claims and
// the token answer.
func issueClaims(t *testing.T, baseURL string, req request) (map[string]json.RawMessage, *response, error) {
	t.Helper()
	r := send(t, baseURL, req)
	claims, err := verifyToken(baseURL, accessToken(r))
	return claims, r, err
}

// revoke builds a JSON revocation request from name, value pairs.
func revoke(pairs ...string) request {
	return request{path: refserver.RevokePath, body: jsonBody(pairs...)}
}

// ping builds a resource request with the given Authorization header ("" for none).
func ping(authorization string) request {
	req := request{method: http.MethodGet, path: refserver.ResourcePath, contentType: "-"}
	if authorization != "" {
		req.header = map[string]string{"Authorization": authorization}
	}
	return req
}

// expectTokenWorks asks the resource with token and compares the outcome:
// works is true for 200, false for 401.
func expectTokenWorks(t *testing.T, baseURL, token string, works bool) error {
	t.Helper()
	want := http.StatusUnauthorized
	if works {
		want = http.StatusOK
	}
	r := send(t, baseURL, ping("Bearer "+token))
	if r.status != want {
		return fmt.Errorf("resource with the token: status = %d; want %d", r.status, want)
	}
	return nil
}

// expectRevokeSuccess checks a successful revocation: 200, exactly {},
// JSON, not cached.
func expectRevokeSuccess(r *response) error {
	errs := []error{
		expectStatus(r, http.StatusOK),
		expectHeader(r, "Content-Type", "application/json; charset=utf-8"),
		expectHeader(r, "Cache-Control", "no-store"),
	}
	if string(r.body) != "{}" {
		errs = append(errs, fmt.Errorf("body = %s; want {}", r.body))
	}
	return errors.Join(errs...)
}
