package jwtcheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/go-jose/go-jose/v4"
)

// KeySet is a parsed JWK Set (RFC 7517 §5): the public keys go-jose could
// read, and a note for each key it could not. It is read-only once parsed,
// so one set may serve concurrent Verify calls.
type KeySet struct {
	keys    []jose.JSONWebKey
	skipped []skippedKey
}

type skippedKey struct {
	kid  string // "" when the key has none, or none that is a string
	note string // one line, e.g. `key 2 (kid "x"): unsupported kty "foo"`
}

var setPart = jsonPart{name: "the JWK Set", objectRule: "RFC 7517 §5", uniqueRule: "RFC 7517 §5"}

// privateMembers are the JWK members that hold private or secret key
// material (RFC 7518 §6.2.2, §6.3.2, §6.4.1; "priv" for go-jose's ML-DSA
// keys). go-jose's UnmarshalJSON would accept them and produce a private
// key; a set published for verifiers should never hold one.
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"}

// knownKty are the key types go-jose reads; any other is reported as
// unsupported rather than with go-jose's generic message.
var knownKty = map[string]bool{"RSA": true, "EC": true, "OKP": true, "oct": true, "AKP": true}

// ParseKeySet reads a JWK Set document {"keys":[...]}. Each key is read on
// its own, so a key of a type go-jose does not know, or a broken one, is
// skipped with a note (Skipped) instead of making the whole set unusable,
// as RFC 7517 §5 asks of implementations. It fails when the document is
// not a JSON object with a "keys" array, or when no key is usable.
func ParseKeySet(doc []byte) (*KeySet, error) {
	members, err := objectMembers(setPart, doc)
	if err != nil {
		return nil, err
	}
	rawKeys, ok := members["keys"]
	if !ok {
		return nil, errors.New(`the JWK Set has no "keys" member; want an array of keys (RFC 7517 §5.1)`)
	}
	var list []json.RawMessage
	if !bytes.HasPrefix(bytes.TrimSpace(rawKeys), []byte("[")) || json.Unmarshal(rawKeys, &list) != nil {
		var v any
		_ = json.Unmarshal(rawKeys, &v) // objectMembers has read it as valid JSON
		return nil, fmt.Errorf(`the JWK Set's "keys" is %s; want an array of keys (RFC 7517 §5.1)`, valueKind(v))
	}
	if len(list) == 0 {
		return nil, errors.New(`the JWK Set's "keys" array is empty; want at least the key that signs the tokens (RFC 7517 §5.1)`)
	}
	ks := &KeySet{}
	for i, raw := range list {
		key, skipped := readKey(i+1, raw)
		if skipped != nil {
			ks.skipped = append(ks.skipped, *skipped)
			continue
		}
		ks.keys = append(ks.keys, key)
	}
	if len(ks.keys) == 0 {
		return nil, fmt.Errorf("the JWK Set has no key this checker can use (RFC 7517 §5): %s", strings.Join(ks.Skipped(), "; "))
	}
	return ks, nil
}

// readKey reads the n-th key (counting from 1), or says why it is skipped.
func readKey(n int, raw json.RawMessage) (jose.JSONWebKey, *skippedKey) {
	label := fmt.Sprintf("key %d", n)
	members, err := objectMembers(jsonPart{name: label, objectRule: "RFC 7517 §4", uniqueRule: "RFC 7517 §4"}, raw)
	if err != nil {
		return jose.JSONWebKey{}, &skippedKey{note: err.Error()}
	}
	kid, hasKid := stringMember(members, "kid")
	if hasKid {
		label += " (kid " + quoteShort(kid) + ")"
	}
	skip := func(format string, args ...any) (jose.JSONWebKey, *skippedKey) {
		return jose.JSONWebKey{}, &skippedKey{kid: kid, note: label + ": " + fmt.Sprintf(format, args...)}
	}
	var private []string
	for _, name := range privateMembers {
		if _, ok := members[name]; ok {
			private = append(private, fmt.Sprintf("%q", name))
		}
	}
	if len(private) > 0 {
		return skip("holds private or secret key members %s; a JWK Set published for verifiers must hold public keys only", strings.Join(private, ", "))
	}
	kty, _ := stringMember(members, "kty")
	var key jose.JSONWebKey
	if err := key.UnmarshalJSON(raw); err != nil {
		if errors.Is(err, jose.ErrUnsupportedKeyType) && !knownKty[kty] {
			return skip("unsupported kty %s (RFC 7517 §4.1; RFC 7517 §5 says to ignore such keys)", quoteShort(kty))
		}
		return skip("go-jose cannot read it: %s", strings.TrimPrefix(err.Error(), "go-jose/go-jose: "))
	}
	if !key.Valid() || !key.IsPublic() {
		return skip("go-jose reads it as %s, not a valid public key", keyKind(key.Key))
	}
	return key, nil
}

func stringMember(members map[string]json.RawMessage, name string) (string, bool) {
	var v any
	if raw, ok := members[name]; !ok || json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// Kids returns the kid of each usable key, in the set's order; "" for a
// key without one.
func (ks *KeySet) Kids() []string {
	kids := make([]string, len(ks.keys))
	for i, k := range ks.keys {
		kids[i] = k.KeyID
	}
	return kids
}

// Skipped returns one line for each key ParseKeySet could not use, saying
// which key (counting from 1, with its kid) and why.
func (ks *KeySet) Skipped() []string {
	notes := make([]string, len(ks.skipped))
	for i, s := range ks.skipped {
		notes[i] = s.note
	}
	return notes
}
