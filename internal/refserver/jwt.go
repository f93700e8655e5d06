package refserver

import (
	"crypto"
	"crypto/hmac"
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
	key       *rsa.PrivateKey
	kid       string // hex SHA-256 of the PKIX DER public key: 64 hex digits like CL's kid
	publicDER []byte // the PKIX DER public key, the jwt-alg-hs512 fault's HMAC secret
	public    jwk
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
	s := &signer{key: key, kid: hex.EncodeToString(sum[:]), publicDER: der}
	s.public = jwk{
		Kty: "RSA",
		N:   b64(key.N.Bytes()),
		E:   b64(big.NewInt(int64(key.E)).Bytes()),
		Kid: s.kid,
		Alg: "RS512",
		Use: "sig",
	}
	return s, nil
}

// rotationKeys are the keys JWKSRotation publishes before the signing key:
// public halves of key pairs generated once for this purpose, whose private
// halves were thrown away. Nothing is signed with them; they are there so
// that a verifier that takes the first key, or the first RSA key, fails.
// Each kid is the hex SHA-256 of the key's PKIX DER, like the signing key's.
var rotationKeys = []jwk{
	{
		Kty: "EC",
		Crv: "P-256",
		X:   "VJizZo-bNIwRG3OR78_dp0HmX3rILhNEtplJziuyJ88",
		Y:   "_V1ofA4UM5U-art16cjeY0uEs2VEFvXLM1gOoCj1YkQ",
		Kid: "918ca33f2b8e195c9aa1a0da705e345bb7d0d8969bd62a75092763b1cad1d058",
		Alg: "ES256",
		Use: "sig",
	},
	{
		Kty: "RSA",
		N: "tlEkza6T_i9accQ-Zwa2fIfT75RXoOn4oJ_MTIzeqKQQHDR6q8r26BSmxZRrRdKEruqeWTLq8Ldk-tIe6rMNVtImSTLRNoDhvGdZpJc2DN3MieqzzYRpAqvBDfAl54Dz" +
			"53i2BAwTnUTUkFU8XOb7opkfCQDBy6kx4-mseQvY38dw0ZYBIxuGz_EG5e42rmWfXNEqh9zbDA2jPE9pW3S7gzyPAkvYPQScgt3JuYmyJYJYeWHD8OrFa8nc9xIUeihv" +
			"bwTY3-QRZweVmusJIw-dQ5XWnGlur5sn-4l5c7Sk1vj0ZikYG4LCQAIATNZouG0FWtOXiwQQq3LQcRp6jZoBkQ",
		E:   "AQAB",
		Kid: "7c27f7255fdcc5bfd62d3c94b3a263a7d954729f2f8e33e768fe4499dfdbad21",
		Alg: "RS512",
		Use: "sig",
	},
}

// wrongIssuer is the jwt-iss-wrong fault's iss: a name Commerce Layer's
// clients follow (https://auth.), but no server's (.test never resolves).
const wrongIssuer = "https://auth.wrong-issuer.authconform.test"

// unknownKid is the jwt-unknown-kid fault's kid: shaped like a real one (64
// hex digits), but no JWKS of this server lists it.
const unknownKid = "0000000000000000000000000000000000000000000000000000000000000000"

// unpublishedKey signs the jwt-bad-signature fault's tokens. It is
// generated on first use, once per process, because generating a key costs
// about 100 ms that no other server should pay.
var unpublishedKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 2048)
})

// jwksDocument is the JWK Set the server publishes: the signing key,
// after the rotation keys when the server has them.
func (s *Server) jwksDocument() ([]byte, error) {
	var keys []jwk
	if s.jwksRotation {
		keys = append(keys, rotationKeys...)
	}
	keys = append(keys, s.signer.public)
	doc, err := json.Marshal(jwks{Keys: keys})
	if err != nil {
		return nil, fmt.Errorf("refserver: encoding the JWKS: %w", err)
	}
	return doc, nil
}

// jwks is RFC 7517's JWK Set, in the shape of Commerce Layer's
// /.well-known/jwks.json.
type jwks struct {
	Keys []jwk `json:"keys"`
}

// jwk is an RFC 7517 public key: RSA (n, e) or EC (crv, x, y).
type jwk struct {
	Kty string `json:"kty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

// jwtHeader is the JOSE header. typ and kid are always set on a correct
// server; they are omitempty for the faults that leave them out.
type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ,omitempty"`
	Kid string `json:"kid,omitempty"`
}

// signToken returns the compact JWS (RFC 7515 §7.1) of claims (a
// tokenClaims, or a struct that embeds one): RS512 with the published key,
// or what the server's JOSE fault makes of it.
func (s *Server) signToken(claims any) (string, error) {
	header := jwtHeader{Alg: "RS512", Typ: "JWT", Kid: s.signer.kid}
	switch s.fault {
	case faultJWTAlgNone:
		header.Alg = "none"
	case faultJWTAlgHS512:
		header.Alg = "HS512"
	case faultJWTUnknownKid:
		header.Kid = unknownKid
	case faultJWTKidMissing:
		header.Kid = ""
	case faultJWTTypMissing:
		header.Typ = ""
	}
	rawHeader, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64(rawHeader) + "." + b64(payload)

	key := s.signer.key
	switch s.fault {
	case faultJWTAlgNone:
		// RFC 7519 §6.1: an unsecured JWT's signature is the empty string.
		return input + ".", nil
	case faultJWTAlgHS512:
		// The classic key-confusion token: a verifier that trusts the
		// header's alg and feeds it "the key" (the RSA public key, as
		// bytes) checks this HMAC and accepts it.
		mac := hmac.New(sha512.New, s.signer.publicDER)
		mac.Write([]byte(input))
		return input + "." + b64(mac.Sum(nil)), nil
	case faultJWTBadSignature:
		if key, err = unpublishedKey(); err != nil {
			return "", err
		}
	}
	digest := sha512.Sum512([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA512, digest[:])
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
	// Test is true: these are test-mode tokens, never live ones. It is a
	// bool everywhere but under the jwt-test-not-boolean fault.
	Test any     `json:"test"`
	Rand float64 `json:"rand"`
	Iss  string  `json:"iss"`
	// Jti is not in Commerce Layer's tokens; it makes every token unique
	// even when two are issued in the same second with the same claims.
	Jti string `json:"jti"`
	// Extra and CustomClaim are the ExtraClaims variant's claims.
	Extra       *extraClaim    `json:"authconform_extra,omitempty"`
	CustomClaim map[string]any `json:"custom_claim,omitempty"`
}

type organizationClaim struct {
	ID string `json:"id"`
	// Slug is always set but under the jwt-organization-slug-missing fault.
	Slug       string `json:"slug,omitempty"`
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

// extraClaim is a claim no client knows, nested so that a client that
// decodes claims into fixed types meets an object, an array and a null.
type extraClaim struct {
	Note   string `json:"note"`
	Nested struct {
		List []any `json:"list"`
	} `json:"nested"`
}

// OrganizationSlug is the slug of the one organisation every token
// belongs to. Commerce Layer's clients make the Core API's host from it:
// the issuer's host with "auth" replaced by the slug.
const OrganizationSlug = "authconform"

// organization is the one organisation every token belongs to.
var organization = organizationClaim{ID: "WXlEOFrjnr", Slug: OrganizationSlug, Enterprise: false, Region: "eu-west-1"}

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

// claimsFor builds the claims of a token granted to c, then applies the
// ExtraClaims variant and the server's claim fault, if any.
func (s *Server) claimsFor(c *client, confidential bool, scope string, markets []string, iat, lifetime int64, issuer string) (tokenClaims, error) {
	claims, err := newClaims(c, confidential, scope, markets, iat, lifetime, issuer)
	if err != nil {
		return tokenClaims{}, err
	}
	if claims.Market != nil {
		claims.Market.StockLocationIDs = s.stockLocationIDs(scope, markets)
	}
	if s.extraClaims {
		claims.Extra = &extraClaim{Note: "clients ignore claims they do not know"}
		claims.Extra.Nested.List = []any{1, "two", nil}
		claims.CustomClaim = map[string]any{"purpose": "ignored by clients", "unicode": "Grüße ✓"}
	}
	const day = 24 * 60 * 60
	switch {
	case s.fault == faultJWTLifetimeMismatch:
		claims.Exp = iat + 2*lifetime
	case s.fault == faultJWTIatStale:
		claims.Iat -= day
		claims.Exp -= day
	case s.fault == faultJWTApplicationKindWrong && c == s.salesChannel:
		claims.Application.Kind = kindIntegration
	case s.fault == faultJWTApplicationPublicWrong && c == s.salesChannel:
		claims.Application.Public = false
	case s.fault == faultJWTMarketClaimMissing:
		claims.Market = nil
	case s.fault == faultJWTMarketClaimForAllMarkets && len(markets) == 0:
		claims.Market = &marketClaim{ID: s.Markets(), StockLocationIDs: []string{}}
	case s.fault == faultJWTScopeClaimDiffers && len(markets) > 0:
		claims.Scope = defaultScope
	case s.fault == faultJWTOrganizationSlugMissing:
		claims.Organization.Slug = ""
	case s.fault == faultJWTTestNotBoolean:
		claims.Test = "true"
	case s.fault == faultJWTIssWrong:
		// A client that derives the JWKS URL from it looks somewhere this
		// server is not.
		claims.Iss = wrongIssuer
	}
	return claims, nil
}
