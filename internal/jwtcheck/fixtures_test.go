package jwtcheck

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"sync"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// testKeys are generated once per test binary: a 2048-bit RSA key takes
// about 100 ms, too slow to make per row.
type testKeys struct {
	main  *rsa.PrivateKey // signs the tokens and is published as kid "k1"
	other *rsa.PrivateKey // a second RSA key: rotation, and forged signatures
	small *rsa.PrivateKey // 1024 bits, below RFC 7518 §3.3's minimum
	ec    *ecdsa.PrivateKey
}

var generatedKeys = sync.OnceValues(func() (testKeys, error) {
	var k testKeys
	var err error
	if k.main, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		return k, err
	}
	if k.other, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		return k, err
	}
	if k.small, err = rsa.GenerateKey(rand.Reader, 1024); err != nil {
		return k, err
	}
	k.ec, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	return k, err
})

func keys(t testing.TB) testKeys {
	t.Helper()
	k, err := generatedKeys()
	if err != nil {
		t.Fatalf("generating test keys: %v", err)
	}
	return k
}

// jwkFixtures are the JWKs a row's key set is made of, by name.
func jwkFixtures(t testing.TB) map[string]string {
	k := keys(t)
	return map[string]string{
		"main":        jwk(t, &k.main.PublicKey, "k1", "RS512", "sig"),
		"main-bare":   jwk(t, &k.main.PublicKey, "k1", "", ""),
		"main-enc":    jwk(t, &k.main.PublicKey, "k1", "", "enc"),
		"main-rs256":  jwk(t, &k.main.PublicKey, "k1", "RS256", "sig"),
		"main-secret": jwk(t, k.main, "k1", "RS512", "sig"),
		"other":       jwk(t, &k.other.PublicKey, "k0", "RS512", "sig"),
		"other-as-k1": jwk(t, &k.other.PublicKey, "k1", "RS512", "sig"),
		"small-as-k1": jwk(t, &k.small.PublicKey, "k1", "RS512", "sig"),
		"ec":          jwk(t, &k.ec.PublicKey, "e1", "ES256", "sig"),
		"ec-as-k1":    jwk(t, &k.ec.PublicKey, "k1", "", "sig"),
		"oct":         jwk(t, []byte("a shared secret of 32 bytes....."), "s1", "HS512", "sig"),
		"broken":      `{"kty":"RSA","kid":"bad","n":"@@@","e":"AQAB"}`,
		"unknown-kty": `{"kty":"foo","kid":"x"}`,
		"twice-kty":   `{"kty":"RSA","kty":"EC","kid":"dup"}`,
		"not-object":  `7`,
	}
}

// jwk marshals key the way a JWKS endpoint would publish it.
func jwk(t testing.TB, key any, kid, alg, use string) string {
	t.Helper()
	b, err := jose.JSONWebKey{Key: key, KeyID: kid, Algorithm: alg, Use: use}.MarshalJSON()
	if err != nil {
		t.Fatalf("marshalling JWK %q: %v", kid, err)
	}
	return string(b)
}

// keySetDoc makes a JWK Set document of the named fixtures, in order.
func keySetDoc(t testing.TB, names []string) []byte {
	t.Helper()
	fixtures := jwkFixtures(t)
	members := make([]string, len(names))
	for i, name := range names {
		j, ok := fixtures[name]
		if !ok {
			t.Fatalf("no JWK fixture %q", name)
		}
		members[i] = j
	}
	return []byte(`{"keys":[` + strings.Join(members, ",") + `]}`)
}

// A tokenSpec says how to sign a test token with go-jose.
type tokenSpec struct {
	alg    string         // algorithm to sign with
	signer string         // "main", "other", "small", "ec", or "main-public-pem" (an HMAC secret)
	kid    string         // "" leaves kid out of the header
	extra  map[string]any // more protected header members
}

// testClaims look like a Commerce Layer sales-channel token's.
const testClaims = `{"organization":{"id":"Org1","slug":"acme","enterprise":false,"region":"eu-west-1"},` +
	`"application":{"id":"App1","kind":"sales_channel","public":true},"scope":"market:all","test":true,` +
	`"exp":1893456000,"rand":0.5,"iss":"https://auth.example.test"}`

func signToken(t testing.TB, spec tokenSpec) string {
	t.Helper()
	k := keys(t)
	var key any
	switch spec.signer {
	case "main":
		key = k.main
	case "other":
		key = k.other
	case "small":
		key = k.small
	case "ec":
		key = k.ec
	case "main-public-pem":
		// The key-confusion attack: the published RSA key, as PEM text,
		// used as an HMAC secret.
		der, err := x509.MarshalPKIXPublicKey(&k.main.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		key = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	default:
		t.Fatalf("no signer %q", spec.signer)
	}
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if spec.kid != "" {
		opts = opts.WithHeader("kid", spec.kid)
	}
	for name, v := range spec.extra {
		opts = opts.WithHeader(jose.HeaderKey(name), v)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(spec.alg), Key: key}, opts)
	if err != nil {
		t.Fatalf("signer for %+v: %v", spec, err)
	}
	jws, err := signer.Sign([]byte(testClaims))
	if err != nil {
		t.Fatalf("signing %+v: %v", spec, err)
	}
	token, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// seg encodes one hand-made segment.
func seg(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// unsigned joins a header and payload given as JSON with a signature that
// proves nothing: for tokens Verify must refuse before the signature.
func unsigned(header, payload string) string {
	return seg(header) + "." + seg(payload) + "." + seg("no real signature here")
}

// assertNoLeak fails when text quotes the token or any of its segments.
func assertNoLeak(t *testing.T, what, text, token string) {
	t.Helper()
	for _, s := range strings.Split(token, ".") {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s quotes part of the token: %s", what, text)
			return
		}
	}
}

// privateValues returns the private members' values of a JWK fixture,
// which no note may quote.
func privateValues(t testing.TB, jwkJSON string) []string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(jwkJSON), &m); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, name := range privateMembers {
		if s, ok := m[name].(string); ok {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		t.Fatalf("fixture has no private members: %.40s", jwkJSON)
	}
	return out
}
