package jwtcheck

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// An algorithm is one that Verify accepts as want: asymmetric, so that the
// public JWK Set is enough to check it, and verified by go-jose.
type algorithm struct {
	name    string
	keyKind string // what keyKind must return for a key that suits it
	rule    string // where that key requirement is stated
}

var algorithms = []algorithm{
	{"RS256", "RSA", "RFC 7518 §3.3"},
	{"RS384", "RSA", "RFC 7518 §3.3"},
	{"RS512", "RSA", "RFC 7518 §3.3"},
	{"PS256", "RSA", "RFC 7518 §3.5"},
	{"PS384", "RSA", "RFC 7518 §3.5"},
	{"PS512", "RSA", "RFC 7518 §3.5"},
	{"ES256", "EC P-256", "RFC 7518 §3.4"},
	{"ES384", "EC P-384", "RFC 7518 §3.4"},
	{"ES512", "EC P-521", "RFC 7518 §3.4"},
	{"EdDSA", "OKP Ed25519", "RFC 8037 §3.1"},
}

// minRSABits is the smallest modulus RFC 7518 §3.3 and §3.5 allow.
const minRSABits = 2048

func lookupAlgorithm(name string) (algorithm, bool) {
	for _, a := range algorithms {
		if a.name == name {
			return a, true
		}
	}
	return algorithm{}, false
}

// Verify checks that the token is signed with want by a key of ks, and
// returns one error for the first problem, in this order: the header's
// alg is want; the header has a non-empty string kid; the set has a key
// with that kid usable for want; go-jose verifies the signature with it
// (with each, when several share the kid). want must be an asymmetric
// algorithm go-jose verifies; anything else, HS* and "none" included, is
// the caller's mistake and returned as an error.
//
// It checks the signature only: exp, iss and the other claims are the
// caller's to judge, from Claims.
func (t *Token) Verify(want string, ks *KeySet) error {
	alg, ok := lookupAlgorithm(want)
	if !ok {
		names := make([]string, len(algorithms))
		for i, a := range algorithms {
			names[i] = a.name
		}
		return fmt.Errorf("jwtcheck: Verify was asked for %s, which is not an asymmetric algorithm go-jose verifies (%s); the caller must pass one of those",
			quoteShort(want), strings.Join(names, ", "))
	}
	if ks == nil {
		return errors.New("jwtcheck: Verify was given a nil KeySet; the caller must pass the result of ParseKeySet")
	}
	if err := t.checkAlg(want); err != nil {
		return err
	}
	kid, err := t.kid()
	if err != nil {
		return err
	}
	keys, err := ks.keysFor(kid, alg)
	if err != nil {
		return err
	}
	return t.verifySignature(alg, kid, keys)
}

func (t *Token) checkAlg(want string) error {
	v, present := t.Header["alg"]
	got, isString := v.(string)
	switch {
	case !present:
		return fmt.Errorf(`the JWT header has no "alg"; want %q (RFC 7515 §4.1.1)`, want)
	case !isString:
		return fmt.Errorf(`the JWT header's "alg" is %s; want the string %q (RFC 7515 §4.1.1)`, valueKind(v), want)
	case got == want:
		return nil
	case got == "none":
		return fmt.Errorf(`the JWT header has alg = "none"; want %q (RFC 7515 §4.1.1): an unsecured JWT (RFC 7518 §3.6) has no signature, so nothing vouches for its claims and no one should accept it as an access token`, want)
	case strings.HasPrefix(got, "HS"):
		return fmt.Errorf(`the JWT header has alg = %s; want %q (RFC 7515 §4.1.1): HS* is an HMAC under a shared secret (RFC 7518 §3.2), which the public JWK Set cannot check, and a verifier that took the public key as that secret would accept tokens anyone can forge`, quoteShort(got), want)
	}
	return fmt.Errorf(`the JWT header has alg = %s; want %q (RFC 7515 §4.1.1)`, quoteShort(got), want)
}

// kid returns the header's kid. RFC 7515 §4.1.4 makes kid optional, but
// Commerce Layer's clients choose the verification key by it and reject a
// token without one, so a token without one fails here.
func (t *Token) kid() (string, error) {
	v, present := t.Header["kid"]
	kid, isString := v.(string)
	switch {
	case !present:
		return "", errors.New(`the JWT header has no "kid"; want the id of the signing key in the issuer's JWK Set (RFC 7515 §4.1.4), by which clients choose the key`)
	case !isString:
		return "", fmt.Errorf(`the JWT header's "kid" is %s; want a string (RFC 7515 §4.1.4)`, valueKind(v))
	case kid == "":
		return "", errors.New(`the JWT header's "kid" is empty; want the id of the signing key in the issuer's JWK Set (RFC 7515 §4.1.4)`)
	}
	return kid, nil
}

// keysFor returns the set's keys with kid that can verify alg, or says why
// there are none.
func (ks *KeySet) keysFor(kid string, alg algorithm) ([]jose.JSONWebKey, error) {
	var usable []jose.JSONWebKey
	var reasons []string
	for _, k := range ks.keys {
		if k.KeyID != kid {
			continue
		}
		if reason := unusableFor(k, alg); reason != "" {
			reasons = append(reasons, reason)
			continue
		}
		usable = append(usable, k)
	}
	if len(usable) > 0 {
		return usable, nil
	}
	if len(reasons) > 0 {
		return nil, fmt.Errorf("the JWK Set's key with kid %s cannot verify %s: %s", quoteShort(kid), alg.name, strings.Join(reasons, "; "))
	}
	kids := make([]string, 0, len(ks.keys))
	for _, k := range ks.Kids() {
		kids = append(kids, quoteShort(k))
	}
	msg := fmt.Sprintf("no key in the JWK Set has the header's kid %s (RFC 7515 §4.1.4); the set's kids: [%s]", quoteShort(kid), strings.Join(kids, " "))
	for _, s := range ks.skipped {
		if s.kid == kid {
			msg += "; skipped: " + s.note
		}
	}
	return nil, errors.New(msg)
}

// unusableFor says why key k cannot verify alg, or returns "".
func unusableFor(k jose.JSONWebKey, alg algorithm) string {
	switch kind := keyKind(k.Key); {
	case k.Use != "" && k.Use != "sig":
		return fmt.Sprintf(`its "use" is %s; want "sig" (RFC 7517 §4.2)`, quoteShort(k.Use))
	case k.Algorithm != "" && k.Algorithm != alg.name:
		return fmt.Sprintf(`its "alg" is %s; want %q (RFC 7517 §4.4)`, quoteShort(k.Algorithm), alg.name)
	case kind != alg.keyKind:
		return fmt.Sprintf("it is an %s key; %s needs an %s key (%s)", kind, alg.name, alg.keyKind, alg.rule)
	}
	if rsaKey, ok := k.Key.(*rsa.PublicKey); ok && rsaKey.N.BitLen() < minRSABits {
		return fmt.Sprintf("its RSA modulus has %d bits; %s needs at least %d (%s)", rsaKey.N.BitLen(), alg.name, minRSABits, alg.rule)
	}
	return ""
}

// keyKind names a public key as JWK does: kty, then the curve if any.
func keyKind(key any) string {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return "RSA"
	case *ecdsa.PublicKey:
		return "EC " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "OKP Ed25519"
	}
	return fmt.Sprintf("%T", key)
}

// verifySignature has go-jose check the signature, allowing alg alone, with
// each key in turn: a set may hold more than one key under a kid.
func (t *Token) verifySignature(alg algorithm, kid string, keys []jose.JSONWebKey) error {
	jws, err := jose.ParseSignedCompact(t.raw, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg.name)})
	if err != nil {
		return fmt.Errorf("go-jose cannot read the token as a %s JWS (RFC 7515 §7.1): %s", alg.name, t.joseReason(err))
	}
	var reasons []string
	for _, k := range keys {
		_, err := jws.Verify(k.Key)
		if err == nil {
			return nil
		}
		if !errors.Is(err, jose.ErrCryptoFailure) { // that one only says "no match"
			reasons = append(reasons, t.joseReason(err))
		}
	}
	which := "the JWK Set's key with kid " + quoteShort(kid)
	if len(keys) > 1 {
		which = fmt.Sprintf("any of the JWK Set's %d keys with kid %s", len(keys), quoteShort(kid))
	}
	if len(reasons) > 0 {
		// Something other than the signature, e.g. a "crit" extension
		// go-jose does not implement (RFC 7515 §4.1.11), stopped it.
		return fmt.Errorf("go-jose refuses to verify the %s token with %s (RFC 7515 §5.2): %s", alg.name, which, strings.Join(reasons, "; "))
	}
	return fmt.Errorf("the %s signature does not verify with %s (RFC 7515 §5.2)", alg.name, which)
}

// joseReason turns a go-jose error into a short clause. Its messages are
// fixed strings or JSON decoding errors, which describe the decoded header
// rather than quote the token; should one ever quote a segment, it is
// withheld, since the token is a credential.
func (t *Token) joseReason(err error) string {
	reason := strings.TrimPrefix(err.Error(), "go-jose/go-jose: ")
	for _, segment := range strings.Split(t.raw, ".") {
		if segment != "" && strings.Contains(reason, segment) {
			return "(go-jose's message withheld: it quotes part of the token)"
		}
	}
	return reason
}
