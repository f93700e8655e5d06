package bench

import (
	"bytes"
	"cmp"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/steps"
)

// The floor's JWT checks are what a client written for speed does with
// the standard library: split the token, decode its base64url parts, and
// verify RS512 (RSASSA-PKCS1-v1_5 with SHA-512 over header.payload) with
// crypto/rsa against the key of the header's kid, the JWK Set's n and e
// read into an *rsa.PublicKey. The suite verifies through go-jose
// (internal/jwtcheck), whose strict parsing and algorithm checks are its
// own cost, not the floor's.

// floorToken is an access token split and decoded.
type floorToken struct {
	header     map[string]any
	claims     map[string]any // numbers as json.Number
	claimsJSON []byte
	signed     []byte // header.payload, what the signature covers
	sig        []byte
}

// token is the answer's access token as a JWT, decoded the first time a
// check asks.
func (a *floorAnswer) token() (*floorToken, error) {
	if !a.jwt.done {
		a.jwt.done = true
		if raw := a.accessToken(); raw == "" {
			a.jwt.err = fmt.Errorf("status %d and no access_token; want a JWT to judge", a.status)
		} else {
			a.jwt.tok, a.jwt.err = parseFloorToken(raw)
		}
	}
	return a.jwt.tok, a.jwt.err
}

func parseFloorToken(raw string) (*floorToken, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("the access token has %d dot-separated parts; want 3 (header.payload.signature)", len(parts))
	}
	var dec [3][]byte
	for i, p := range parts {
		b, err := base64.RawURLEncoding.DecodeString(p)
		if err != nil {
			return nil, fmt.Errorf("JWT part %d is not base64url: %v", i+1, err)
		}
		dec[i] = b
	}
	t := &floorToken{claimsJSON: dec[1], signed: []byte(raw[:len(parts[0])+1+len(parts[1])]), sig: dec[2]}
	if err := json.Unmarshal(dec[0], &t.header); err != nil || t.header == nil {
		return nil, fmt.Errorf("the JWT header is not a JSON object")
	}
	d := json.NewDecoder(bytes.NewReader(dec[1]))
	d.UseNumber()
	if err := d.Decode(&t.claims); err != nil || t.claims == nil {
		return nil, fmt.Errorf("the JWT payload is not a JSON object")
	}
	return t, nil
}

// floorKeySet is a JWK Set's RSA keys by kid.
type floorKeySet map[string][]*rsa.PublicKey

// parseFloorKeySet reads the RSA signing keys of a key set's answer.
func parseFloorKeySet(a *floorAnswer) (floorKeySet, error) {
	if a.status != http.StatusOK {
		return nil, fmt.Errorf("the key set answered status %d; want 200", a.status)
	}
	var doc struct {
		Keys []struct{ Kty, Kid, Alg, Use, N, E string }
	}
	if err := json.Unmarshal(a.body, &doc); err != nil {
		return nil, fmt.Errorf("the key set is not a JWK Set: %v", err)
	}
	set := floorKeySet{}
	for _, k := range doc.Keys {
		if k.Kty != "RSA" || (k.Alg != "" && k.Alg != "RS512") || (k.Use != "" && k.Use != "sig") {
			continue
		}
		n, errN := base64.RawURLEncoding.DecodeString(k.N)
		e, errE := base64.RawURLEncoding.DecodeString(k.E)
		if errN != nil || errE != nil || len(e) == 0 || len(e) > 4 {
			return nil, fmt.Errorf("the key %q has an n or e that is not base64url of an RSA key", k.Kid)
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		set[k.Kid] = append(set[k.Kid], pub)
	}
	return set, nil
}

// verifyRS512 checks the signature with the key set's key of the header's
// kid (with each, when several share it).
func (t *floorToken) verifyRS512(keys floorKeySet) error {
	if alg, _ := t.header["alg"].(string); alg != "RS512" {
		return fmt.Errorf("the JWT header's alg = %v; want \"RS512\"", t.header["alg"])
	}
	kid, _ := t.header["kid"].(string)
	candidates := keys[kid]
	if kid == "" || len(candidates) == 0 {
		return fmt.Errorf("the JWT header's kid = %v; want the kid of an RS512 key of the target's JWKS", t.header["kid"])
	}
	digest := sha512.Sum512(t.signed)
	for _, k := range candidates {
		if rsa.VerifyPKCS1v15(k, crypto.SHA512, digest[:], t.sig) == nil {
			return nil
		}
	}
	return fmt.Errorf("the JWT's RS512 signature does not verify with the key %q", kid)
}

// floorJWTSteps are the Then steps on the answer's access token as a JWT.
var floorJWTSteps = []floorCheckStep{
	{re(`^the access token should be a JWT signed with "([^"]*)" by a key of the target's JWKS$`), signedJWT},
	{re(`^the token header "([^"]*)" should equal "([^"]*)"$`), headerEquals},
	{re(`^the token header "([^"]*)" should be one of "([^"]*)" ignoring case$`), headerOneOfFold},
	{re(`^the token claims should match the schema "([^"]*)"$`), claimsSchema},
	{re(`^the token claim "([^"]*)" should equal "([^"]*)"$`), claimEquals},
	{re(`^the token claim "([^"]*)" should equal the JSON member "([^"]*)"$`), claimEqualsMember},
	{re(`^the token claim "([^"]*)" should be a non-empty string$`), onClaim(claimNonEmpty)},
	{re(`^the token claim "([^"]*)" should be (true|false)$`), claimBool},
	{re(`^the token claim "([^"]*)" should be a boolean$`), onClaim(claimIsBool)},
	{re(`^the token claim "([^"]*)" should be absent$`), claimAbsent},
	{re(`^the token claim "([^"]*)" should be a list containing "([^"]*)"$`), claimListContains},
	{re(`^the token claim "([^"]*)" should be a Unix time within the allowed clock skew of when the token was issued$`), claimNow},
	{re(`^the token claim "([^"]*)" should be within the allowed clock skew of the JSON member "([^"]*)"$`), claimNearMember},
	{re(`^the token lifetime from claim "([^"]*)" to claim "([^"]*)" should match the JSON member "([^"]*)"$`), claimLifetime},
	{re(`^the token claim "([^"]*)" should name the target as its issuer$`), claimIssuer},
	{re(`^the token claim "([^"]*)" should send Commerce Layer's clients to the target$`), claimIssuerFollowed},
}

// signedJWT verifies the signature with the key set the run read once.
// The floor knows RS512 alone, Commerce Layer's algorithm.
func signedJWT(b *floorBuilder, m []string) (floorCheck, error) {
	if m[1] != "RS512" {
		return floorCheck{}, fmt.Errorf("the floor verifies RS512 only, not %q", m[1])
	}
	path, err := b.path(b.target.KeySetURL())
	if err != nil {
		return floorCheck{}, err
	}
	return floorCheck{across: true, check: func(a *floorAnswer, st *floorState) error {
		tok, err := a.token()
		if err != nil {
			return err
		}
		keys, err := st.run.keySet(path)
		if err != nil {
			return err
		}
		return tok.verifyRS512(keys)
	}}, nil
}

func headerEquals(_ *floorBuilder, m []string) (floorCheck, error) {
	name, want := m[1], m[2]
	return onAnswer(func(a *floorAnswer) error {
		tok, err := a.token()
		if err != nil {
			return err
		}
		if s, ok := tok.header[name].(string); !ok || s != want {
			return fmt.Errorf("the JWT header's %s = %s; want %q", name, describe(tok.header[name]), want)
		}
		return nil
	}), nil
}

// headerOneOfFold is steps' list of values compared without case.
func headerOneOfFold(_ *floorBuilder, m []string) (floorCheck, error) {
	name := m[1]
	var want []string
	for _, w := range strings.Split(m[2], ",") {
		want = append(want, strings.TrimSpace(w))
	}
	return onAnswer(func(a *floorAnswer) error {
		tok, err := a.token()
		if err != nil {
			return err
		}
		s, ok := tok.header[name].(string)
		if ok && slices.ContainsFunc(want, func(w string) bool { return strings.EqualFold(w, s) }) {
			return nil
		}
		return fmt.Errorf("the JWT header's %s = %s; want one of %s", name, describe(tok.header[name]), m[2])
	}), nil
}

// claimsSchema requires claims; the schema itself is validated only by
// the checked floor.
func claimsSchema(_ *floorBuilder, m []string) (floorCheck, error) {
	c := onAnswer(func(a *floorAnswer) error {
		_, err := a.token()
		return err
	})
	c.schema, c.claims = m[1], true
	return c, nil
}

// claim reads a claim that must be there, by member path.
func (a *floorAnswer) claim(path string) (any, error) {
	tok, err := a.token()
	if err != nil {
		return nil, err
	}
	v, ok := floorMember(tok.claims, path)
	if !ok {
		return nil, fmt.Errorf("the token has no claim %q", path)
	}
	return v, nil
}

// onClaim is a check of one claim's value alone.
func onClaim(f func(path string, v any) error) func(*floorBuilder, []string) (floorCheck, error) {
	return func(_ *floorBuilder, m []string) (floorCheck, error) {
		path := m[1]
		return onAnswer(func(a *floorAnswer) error {
			v, err := a.claim(path)
			if err != nil {
				return err
			}
			return f(path, v)
		}), nil
	}
}

func claimNonEmpty(path string, v any) error {
	if s, ok := v.(string); !ok || s == "" {
		return fmt.Errorf("claim %s = %s; want a non-empty string", path, describe(v))
	}
	return nil
}

func claimIsBool(path string, v any) error {
	if _, ok := v.(bool); !ok {
		return fmt.Errorf("claim %s = %s; want a boolean", path, describe(v))
	}
	return nil
}

func claimBool(_ *floorBuilder, m []string) (floorCheck, error) {
	want := m[2] == "true"
	return onClaim(func(path string, v any) error {
		if b, ok := v.(bool); !ok || b != want {
			return fmt.Errorf("claim %s = %s; want %t", path, describe(v), want)
		}
		return nil
	})(nil, m)
}

func claimEquals(b *floorBuilder, m []string) (floorCheck, error) {
	want, err := b.expandValue(m[2])
	if err != nil {
		return floorCheck{}, err
	}
	return onClaim(func(path string, v any) error {
		if s, ok := v.(string); !ok || s != want {
			return fmt.Errorf("claim %s = %s; want %q", path, describe(v), want)
		}
		return nil
	})(b, m)
}

func claimListContains(b *floorBuilder, m []string) (floorCheck, error) {
	want, err := b.expandValue(m[2])
	if err != nil {
		return floorCheck{}, err
	}
	return onClaim(func(path string, v any) error {
		list, _ := v.([]any)
		if !slices.Contains(list, any(want)) {
			return fmt.Errorf("claim %s = %s; want a list holding %q", path, describe(v), want)
		}
		return nil
	})(b, m)
}

func claimAbsent(_ *floorBuilder, m []string) (floorCheck, error) {
	path := m[1]
	return onAnswer(func(a *floorAnswer) error {
		tok, err := a.token()
		if err != nil {
			return err
		}
		if v, ok := floorMember(tok.claims, path); ok {
			return fmt.Errorf("claim %s = %s; want no such claim", path, describe(v))
		}
		return nil
	}), nil
}

// claimEqualsMember compares a claim with a member of the answer as JSON
// values: numbers by value, anything else as encoded.
func claimEqualsMember(_ *floorBuilder, m []string) (floorCheck, error) {
	path, member := m[1], m[2]
	return onAnswer(func(a *floorAnswer) error {
		c, err := a.claim(path)
		if err != nil {
			return err
		}
		v, err := a.member(member)
		if err != nil {
			return err
		}
		if !sameFloorJSON(c, v) {
			return fmt.Errorf("claim %s = %s; want the answer's %s, %s", path, describe(c), member, describe(v))
		}
		return nil
	}), nil
}

func sameFloorJSON(x, y any) bool {
	if s, ok := x.(string); ok {
		t, ok := y.(string)
		return ok && s == t
	}
	if n, ok := x.(json.Number); ok {
		o, ok := y.(json.Number)
		if !ok {
			return false
		}
		f, e1 := n.Float64()
		g, e2 := o.Float64()
		return e1 == nil && e2 == nil && f == g
	}
	jx, e1 := json.Marshal(x)
	jy, e2 := json.Marshal(y)
	return e1 == nil && e2 == nil && bytes.Equal(jx, jy)
}

// numericDate reads a claim of JSON number seconds (RFC 7519 §2).
func (a *floorAnswer) numericDate(path string) (float64, error) {
	v, err := a.claim(path)
	if err != nil {
		return 0, err
	}
	n, ok := v.(json.Number)
	f, err := n.Float64()
	if !ok || err != nil || math.IsInf(f, 0) {
		return 0, fmt.Errorf("claim %s = %s; want a NumericDate, a JSON number of seconds", path, describe(v))
	}
	return f, nil
}

// claimNow checks a NumericDate against when the answer came, within the
// target's clock skew and the second a whole-second clock may lose.
func claimNow(b *floorBuilder, m []string) (floorCheck, error) {
	path, within := m[1], b.target.ClockSkew.Seconds()+1
	return onAnswer(func(a *floorAnswer) error {
		got, err := a.numericDate(path)
		if err != nil {
			return err
		}
		if diff := math.Abs(got - float64(a.now.Unix())); diff > within {
			return fmt.Errorf("claim %s = %.0f, %.0f s from when the token was issued; want within %.0f s", path, got, diff, within)
		}
		return nil
	}), nil
}

func claimNearMember(b *floorBuilder, m []string) (floorCheck, error) {
	path, member, within := m[1], m[2], b.target.ClockSkew.Seconds()+1
	return onAnswer(func(a *floorAnswer) error {
		got, err := a.numericDate(path)
		if err != nil {
			return err
		}
		at, err := a.integer(member)
		if err != nil {
			return err
		}
		if diff := math.Abs(got - float64(at)); diff > within {
			return fmt.Errorf("claim %s = %.0f, %.0f s from the answer's %s; want within %.0f s", path, got, diff, member, within)
		}
		return nil
	}), nil
}

// claimLifetime checks to − from against the answer's lifetime member,
// with the steps' allowance for a server that counts down.
func claimLifetime(_ *floorBuilder, m []string) (floorCheck, error) {
	from, to, member := m[1], m[2], m[3]
	return onAnswer(func(a *floorAnswer) error {
		start, err := a.numericDate(from)
		if err != nil {
			return err
		}
		end, err := a.numericDate(to)
		if err != nil {
			return err
		}
		n, err := a.integer(member)
		if err != nil {
			return err
		}
		lifetime, got := end-start, float64(n)
		if got > lifetime+1 || got < lifetime-steps.LifetimeTolerance-1 {
			return fmt.Errorf("claims %s − %s = %.0f s, %s = %d; want the same lifetime, or up to %d s less", to, from, lifetime, member, n, steps.LifetimeTolerance)
		}
		return nil
	}), nil
}

// claimIssuer compares iss with the origin the run sends to.
func claimIssuer(_ *floorBuilder, m []string) (floorCheck, error) {
	path := m[1]
	return floorCheck{across: true, check: func(a *floorAnswer, st *floorState) error {
		v, err := a.claim(path)
		if err != nil {
			return err
		}
		if s, ok := v.(string); !ok || strings.TrimSuffix(s, "/") != st.run.issuer {
			return fmt.Errorf("claim %s = %s; want %q, the target's origin", path, describe(v), st.run.issuer)
		}
		return nil
	}}, nil
}

// claimIssuerFollowed compares with the target's issuer the issuer
// Commerce Layer's clients take from the token: iss when it starts with
// https://auth., else https://auth.commercelayer.io.
func claimIssuerFollowed(_ *floorBuilder, m []string) (floorCheck, error) {
	path := m[1]
	return floorCheck{across: true, check: func(a *floorAnswer, st *floorState) error {
		tok, err := a.token()
		if err != nil {
			return err
		}
		followed := "https://auth.commercelayer.io"
		if s, ok := tok.claims[path].(string); ok && strings.HasPrefix(s, "https://auth.") {
			followed = strings.TrimSuffix(s, "/")
		}
		if followed != st.run.issuer {
			return fmt.Errorf("Commerce Layer's clients follow the token to %q; want the target's issuer %q", followed, st.run.issuer)
		}
		return nil
	}}, nil
}

// TestFloorJWTChecks verifies each Then step the floor knows on a token's
// header and claims passes a right token and fails a wrong one, saying
// what it found.
func TestFloorJWTChecks(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	const header = `{"alg": "RS512", "typ": "JWT", "kid": "k1"}`
	claims := `{"organization": {"id": "o1", "slug": ""}, "application": {"kind": "sales_channel", "public": true}, "scope": "market:all",
		"market": {"id": ["xYZkjABcde"]}, "test": "yes", "iat": 1700000000, "exp": 1700014400, "iss": "http://127.0.0.1:1/"}`
	tests := []struct {
		step    string
		header  string // "" for header
		claims  string // "" for claims
		wantErr string // "" means the check passes
	}{
		{`the token header "typ" should equal "JWT"`, "", "", ""},
		{`the token header "typ" should equal "JWT"`, `{"alg": "RS512"}`, "", `header's typ = null; want "JWT"`},
		{`the token header "typ" should be one of "JWT, at+jwt" ignoring case`, `{"alg": "RS512", "typ": "AT+JWT"}`, "", ""},
		{`the token header "typ" should be one of "JWT, at+jwt" ignoring case`, `{"alg": "RS512", "typ": "JOSE"}`, "", `header's typ = "JOSE"; want one of JWT, at+jwt`},
		{`the token claims should match the schema "access_token_claims"`, "", "", ""},
		{`the token claims should match the schema "access_token_claims"`, "", `[1]`, "the JWT payload is not a JSON object"},
		{`the token claim "application.kind" should equal "sales_channel"`, "", "", ""},
		{`the token claim "application.kind" should equal "integration"`, "", "", `claim application.kind = "sales_channel"; want "integration"`},
		{`the token claim "application.id" should equal "x"`, "", "", `the token has no claim "application.id"`},
		{`the token claim "scope" should equal the JSON member "scope"`, "", "", ""},
		{`the token claim "scope" should equal the JSON member "scope"`, "", `{"scope": "market:id:x"}`, `claim scope = "market:id:x"; want the answer's scope, "market:all"`},
		{`the token claim "iat" should equal the JSON member "created_at"`, "", `{"iat": 1700000003.0}`, ""},
		{`the token claim "organization.id" should be a non-empty string`, "", "", ""},
		{`the token claim "organization.slug" should be a non-empty string`, "", "", `claim organization.slug = ""; want a non-empty string`},
		{`the token claim "application.public" should be true`, "", "", ""},
		{`the token claim "application.public" should be false`, "", "", "claim application.public = true; want false"},
		{`the token claim "application.public" should be a boolean`, "", "", ""},
		{`the token claim "test" should be a boolean`, "", "", `claim test = "yes"; want a boolean`},
		{`the token claim "refresh" should be absent`, "", "", ""},
		{`the token claim "market" should be absent`, "", "", "claim market = map[id:[xYZkjABcde]]; want no such claim"},
		{`the token claim "market.id" should be a list containing "{{market_id}}"`, "", "", ""},
		{`the token claim "market.id" should be a list containing "{{other_market_id}}"`, "", "", `want a list holding "BjxrJhymlM"`},
		{`the token claim "iat" should be a Unix time within the allowed clock skew of when the token was issued`, "", "", ""},
		{`the token claim "iat" should be a Unix time within the allowed clock skew of when the token was issued`, "", `{"iat": 1699990000}`, "10000 s from when the token was issued"},
		{`the token claim "iat" should be a Unix time within the allowed clock skew of when the token was issued`, "", `{"iat": "1700000000"}`, "want a NumericDate"},
		{`the token claim "iat" should be within the allowed clock skew of the JSON member "created_at"`, "", "", ""},
		{`the token claim "iat" should be within the allowed clock skew of the JSON member "created_at"`, "", `{"iat": 1699990000}`, "10003 s from the answer's created_at"},
		{`the token lifetime from claim "iat" to claim "exp" should match the JSON member "expires_in"`, "", "", ""},
		{`the token lifetime from claim "iat" to claim "exp" should match the JSON member "expires_in"`, "", `{"iat": 1700000000, "exp": 1700014403}`, ""},
		{`the token lifetime from claim "iat" to claim "exp" should match the JSON member "expires_in"`, "", `{"iat": 1700000000, "exp": 1700007200}`, "claims exp − iat = 7200 s, expires_in = 14400"},
		{`the JSON member "expires_in" should be the lifetime of the sales channel's tokens`, "", "", ""},
		{`the JSON member "expires_in" should be the lifetime of the sales channel's tokens`, "", `{"iat": 1700000000, "exp": 1700172800}`, "expires_in = 14400, but the token's exp − iat is 172800 s"},
		{`the JSON member "expires_in" should be the documented default of 14400 seconds, unless the sales channel's lifetime is configured`, "", "", ""},
		{`the token claim "iss" should name the target as its issuer`, "", "", ""},
		{`the token claim "iss" should name the target as its issuer`, "", `{"iss": "https://auth.authconform.test"}`, `claim iss = "https://auth.authconform.test"; want "http://127.0.0.1:1"`},
		{`the token claim "iss" should send Commerce Layer's clients to the target`, "", "", `follow the token to "https://auth.commercelayer.io"; want the target's issuer "http://127.0.0.1:1"`},
	}
	b64 := base64.RawURLEncoding.EncodeToString
	for _, tt := range tests {
		t.Run(tt.step, func(t *testing.T) {
			h, c := cmp.Or(tt.header, header), cmp.Or(tt.claims, claims)
			tok := b64([]byte(h)) + "." + b64([]byte(c)) + "." + b64([]byte("signature"))
			body := fmt.Sprintf(`{"access_token": %q, "scope": "market:all", "expires_in": 14400, "created_at": 1700000003}`, tok)
			st := &floorState{run: &floorShared{issuer: "http://127.0.0.1:1"}}
			err := compileCheck(t, tt.step).check(newFloorAnswer(200, nil, []byte(body), now), st)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("check failed: %v; want it to pass", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("check error = %v; want one saying %q", err, tt.wantErr)
			}
		})
	}
}

// TestFloorVerifiesRS512 verifies the floor's signature check with the
// reference server's token and key set: it passes the token as issued and
// fails one whose payload, kid or alg was changed.
func TestFloorVerifiesRS512(t *testing.T) {
	srv := startReference(t, refserver.Options{})
	client := newFloorClient()
	defer client.CloseIdleConnections()
	send := func(fr floorRequest) *floorAnswer {
		a, err := floorSend(context.Background(), client, srv.URL, fr)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	issue := func() string {
		a := send(floorRequest{method: http.MethodPost, path: "/oauth/token", header: http.Header{"Content-Type": {"application/json"}},
			body: []byte(`{"grant_type": "client_credentials", "client_id": "` + refserver.SalesChannelClientID + `"}`)})
		if a.accessToken() == "" {
			t.Fatalf("no token: %d %s", a.status, a.body)
		}
		return a.accessToken()
	}
	keys, err := parseFloorKeySet(send(floorRequest{method: http.MethodGet, path: "/.well-known/jwks.json"}))
	if err != nil {
		t.Fatalf("parseFloorKeySet: %v", err)
	}
	if _, err := parseFloorKeySet(send(floorRequest{method: http.MethodGet, path: "/.well-known/nothing"})); err == nil || !strings.Contains(err.Error(), "status 404") {
		t.Errorf("key set from a 404: %v; want an error naming the status", err)
	}
	token, other := strings.Split(issue(), "."), strings.Split(issue(), ".")
	withHeader := func(h string) []string {
		return []string{base64.RawURLEncoding.EncodeToString([]byte(h)), token[1], token[2]}
	}
	var head map[string]any
	if raw, err := base64.RawURLEncoding.DecodeString(token[0]); err != nil || json.Unmarshal(raw, &head) != nil {
		t.Fatalf("the reference server's JWT header does not decode: %v", err)
	}
	tests := []struct {
		name    string
		parts   []string
		wantErr string
	}{
		{"token=as-issued", token, ""},
		{"token=other-payload", []string{token[0], other[1], token[2]}, "signature does not verify"},
		{"token=unknown-kid", withHeader(`{"alg": "RS512", "typ": "JWT", "kid": "nobody"}`), `kid = nobody`},
		{"token=alg-none", withHeader(fmt.Sprintf(`{"alg": "none", "kid": %q}`, head["kid"])), `alg = none; want "RS512"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := parseFloorToken(strings.Join(tt.parts, "."))
			if err == nil {
				err = tok.verifyRS512(keys)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("verify: %v; want it to pass", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("verify error = %v; want one saying %q", err, tt.wantErr)
			}
		})
	}
}
