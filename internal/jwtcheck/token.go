// Package jwtcheck judges a target's access token as a signed JWT: it
// splits and decodes the compact serialisation strictly, reads the
// issuer's JWK Set key by key, and has go-jose verify the signature with
// the one algorithm the caller expects. Fetching the token or the key set
// is the caller's job; this package only reads bytes.
//
// No error or note from this package quotes the token or any of its
// segments: an access token is a credential, and messages end up in
// reports. They name the algorithm, the kid, member names and counts
// instead.
package jwtcheck

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Token is a compact-serialised JWT split and decoded, not yet trusted.
type Token struct {
	Header     map[string]any // the JOSE header, numbers as json.Number
	Claims     map[string]any // the claims set, numbers as json.Number
	ClaimsJSON []byte         // the payload's JSON as sent, for schema validation
	raw        string         // the whole token, handed to go-jose only
}

// segmentNames name the parts of a compact JWS in order (RFC 7515 §7.1).
var segmentNames = [3]string{"header", "payload", "signature"}

var (
	headerPart  = jsonPart{name: "the JWT header", objectRule: "RFC 7519 §7.2", uniqueRule: "RFC 7515 §4"}
	payloadPart = jsonPart{name: "the JWT payload", objectRule: "RFC 7519 §7.2", uniqueRule: "RFC 7519 §4"}
)

// Parse splits a compact JWS (RFC 7515 §7.1) and decodes its header and
// payload, each of which must be exactly one JSON object. It checks form
// only: Verify decides whether to trust the result.
//
// Parsing is strict where leniency would let two readers see different
// tokens: a member name given twice is rejected (RFC 7515 §4 and RFC 7519
// §4 allow rejecting or keeping the last; rejecting means no reader, go-jose
// or a client library, can take another "alg" or "kid" than the one judged
// here), and so are line breaks, padding and non-canonical base64url.
func Parse(token string) (*Token, error) {
	if token == "" {
		return nil, errors.New("the access token is empty; want header.payload.signature (RFC 7515 §7.1)")
	}
	if n := strings.Count(token, ".") + 1; n != 3 {
		return nil, segmentCountError(n)
	}
	segments := strings.SplitN(token, ".", 3)
	var decoded [3][]byte
	for i, s := range segments {
		b, err := decodeSegment(s)
		if err != nil {
			return nil, fmt.Errorf("the JWT %s is not base64url (RFC 7515 §2): %w", segmentNames[i], err)
		}
		decoded[i] = b
	}
	header, err := decodeObject(headerPart, decoded[0])
	if err != nil {
		return nil, err
	}
	claims, err := decodeObject(payloadPart, decoded[1])
	if err != nil {
		return nil, err
	}
	return &Token{Header: header, Claims: claims, ClaimsJSON: decoded[1], raw: token}, nil
}

func segmentCountError(n int) error {
	noun := "segments"
	if n == 1 {
		noun = "segment"
	}
	msg := fmt.Sprintf("the access token has %d dot-separated %s; want 3 (header.payload.signature, RFC 7515 §7.1)", n, noun)
	if n == 5 {
		// Five is not just "too many": it is what an encrypted token looks
		// like, which calls for a different fix on the server.
		msg += "; 5 is the JWE compact form (RFC 7516 §7.1), an encrypted token whose claims cannot be read"
	}
	return errors.New(msg)
}

// strictBase64URL refuses non-zero unused bits in the last character, so
// each octet string has exactly one encoding (RFC 4648 §3.5).
var strictBase64URL = base64.RawURLEncoding.Strict()

// decodeSegment decodes one segment. The alphabet is checked by hand first
// because Go's decoder skips '\r' and '\n', which RFC 7515 §2 forbids, and
// because a named character tells the server's author what went wrong
// ('+' and '/' come from encoding with the standard alphabet, '=' from
// keeping the padding).
func decodeSegment(s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		case c == '=':
			return nil, fmt.Errorf("it has '=' padding at byte %d; base64url here omits padding", i)
		case c == '+', c == '/':
			return nil, fmt.Errorf("it has %q at byte %d, from the standard base64 alphabet; base64url uses '-' and '_'", s[i:i+1], i)
		default:
			return nil, fmt.Errorf("it has %q at byte %d, outside the base64url alphabet", s[i:i+1], i)
		}
	}
	if len(s)%4 == 1 {
		return nil, fmt.Errorf("its length, %d, leaves one character over, which encodes no octet", len(s))
	}
	b, err := strictBase64URL.DecodeString(s)
	if err != nil {
		return nil, errors.New("its last character has unused bits set, so it is not the canonical encoding (RFC 4648 §3.5)")
	}
	return b, nil
}

// decodeObject reads data as one JSON object whose values keep their
// numbers as json.Number, so a large integer claim is not rounded.
func decodeObject(part jsonPart, data []byte) (map[string]any, error) {
	members, err := objectMembers(part, data)
	if err != nil {
		return nil, err
	}
	obj := make(map[string]any, len(members))
	for name, raw := range members {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			// objectMembers has already read this value as valid JSON.
			return nil, fmt.Errorf("%s: member %s: %v", part.name, quoteShort(name), err)
		}
		obj[name] = v
	}
	return obj, nil
}

// HeaderString returns the header member name when it is a JSON string,
// e.g. "typ" or "kid".
func (t *Token) HeaderString(name string) (string, bool) {
	s, ok := t.Header[name].(string)
	return s, ok
}

// String describes the token by its header, never its text, so that
// printing a Token by mistake (%v prints unexported fields) cannot leak it.
func (t Token) String() string {
	alg, _ := t.HeaderString("alg")
	kid, _ := t.HeaderString("kid")
	return fmt.Sprintf("JWT{alg: %s, kid: %s, %d claims}", quoteShort(alg), quoteShort(kid), len(t.Claims))
}

// GoString does for %#v what String does for %v.
func (t Token) GoString() string { return t.String() }
