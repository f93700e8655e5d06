package jwtcheck

import (
	"encoding/json"
	"testing"
)

// FuzzParse feeds Parse arbitrary text: it must not panic, and what it
// accepts must be usable (decoded header and claims, the payload's JSON
// valid) and safe to hand to Verify. The seeds are short so that plain
// `go test` runs them quickly.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"a.b.c",
		"e30.e30.",
		"e30.e31.",
		"e30.W10.",
		goodHeader + "." + goodPayload + "." + goodSig,
		seg(`{"alg":"RS512","kid":"k1","crit":["x"]}`) + ".e30.",
		"\xff.\xff.\xff",
	} {
		f.Add(seed)
	}
	ks, err := ParseKeySet(keySetDoc(f, []string{"main", "ec"}))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, token string) {
		tok, err := Parse(token)
		if err != nil {
			return
		}
		if tok.Header == nil || tok.Claims == nil || !json.Valid(tok.ClaimsJSON) {
			t.Fatalf("Parse accepted a token and gave Header %v, Claims %v, ClaimsJSON valid = %v",
				tok.Header, tok.Claims, json.Valid(tok.ClaimsJSON))
		}
		_ = tok.Verify("RS512", ks) // must not panic
	})
}

// FuzzParseKeySet feeds ParseKeySet arbitrary documents: it must not
// panic, and a set it accepts has a usable key, with every key of the
// document either usable or noted.
func FuzzParseKeySet(f *testing.F) {
	for _, seed := range []string{
		`{"keys":[]}`,
		`{"keys":[{"kty":"foo","kid":"x"}]}`,
		`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}`,
		`{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}`,
		`{"keys":[{"kty":"oct","k":"AA"}]}`,
		`[]`,
		`{}`,
	} {
		f.Add([]byte(seed))
	}
	f.Add(keySetDoc(f, []string{"main", "ec"}))
	f.Fuzz(func(t *testing.T, doc []byte) {
		ks, err := ParseKeySet(doc)
		if err != nil {
			return
		}
		var set struct{ Keys []json.RawMessage }
		_ = json.Unmarshal(doc, &set)
		if len(ks.Kids()) == 0 || len(ks.Kids())+len(ks.Skipped()) != len(set.Keys) {
			t.Fatalf("ParseKeySet accepted %d keys with %d usable and %d skipped", len(set.Keys), len(ks.Kids()), len(ks.Skipped()))
		}
	})
}
