package jwtcheck

import (
	"slices"
	"strings"
	"testing"
)

// TestParseKeySet verifies that a set is refused only when it is not one
// or has no usable key, and that each key it cannot use is noted, once,
// without quoting key material.
func TestParseKeySet(t *testing.T) {
	tests := []struct {
		name        string
		doc         string   // a hand-made document, unless keys is set
		keys        []string // JWK fixture names, in order
		wantErr     string   // a substring; "" means ParseKeySet succeeds
		wantKids    []string
		wantSkipped []string // a substring of each note, in order
	}{
		{name: "Commerce Layer's shape", keys: []string{"main"}, wantKids: []string{"k1"}},
		{name: "RSA and EC", keys: []string{"main", "ec"}, wantKids: []string{"k1", "e1"}},
		{name: "broken key skipped", keys: []string{"broken", "main"}, wantKids: []string{"k1"},
			wantSkipped: []string{`key 1 (kid "bad"): go-jose cannot read it: `}},
		{name: "unknown kty skipped", keys: []string{"main", "unknown-kty"}, wantKids: []string{"k1"},
			wantSkipped: []string{`key 2 (kid "x"): unsupported kty "foo" (RFC 7517 §4.1; RFC 7517 §5 says to ignore such keys)`}},
		{name: "private RSA key skipped", keys: []string{"main-secret", "other"}, wantKids: []string{"k0"},
			wantSkipped: []string{`key 1 (kid "k1"): holds private or secret key members "d", "p", "q", "dp", "dq", "qi"; a JWK Set published for verifiers must hold public keys only`}},
		{name: "symmetric key skipped", keys: []string{"oct", "main"}, wantKids: []string{"k1"},
			wantSkipped: []string{`key 1 (kid "s1"): holds private or secret key members "k"`}},
		{name: "key with a member twice", keys: []string{"twice-kty", "main"}, wantKids: []string{"k1"},
			wantSkipped: []string{`key 1 has the member "kty" twice (RFC 7517 §4`}},
		{name: "key not an object", keys: []string{"not-object", "main"}, wantKids: []string{"k1"},
			wantSkipped: []string{`key 1 is not a JSON object (RFC 7517 §4): it is a number`}},
		{name: "no usable key", keys: []string{"broken", "unknown-kty"},
			wantErr: `the JWK Set has no key this checker can use (RFC 7517 §5): key 1 (kid "bad"): go-jose cannot read it: `},
		{name: "only a private key", keys: []string{"main-secret"},
			wantErr: `key 1 (kid "k1"): holds private or secret key members`},
		{name: "not JSON", doc: `{"keys":[`, wantErr: "the JWK Set is not JSON (RFC 7517 §5): the text ends inside the JSON value"},
		{name: "an array", doc: `[{"kty":"RSA"}]`, wantErr: "the JWK Set is not a JSON object (RFC 7517 §5): it is an array"},
		{name: "no keys member", doc: `{"Keys":[]}`, wantErr: `the JWK Set has no "keys" member; want an array of keys (RFC 7517 §5.1)`},
		{name: "keys an object", doc: `{"keys":{"kty":"RSA"}}`, wantErr: `the JWK Set's "keys" is an object; want an array of keys`},
		{name: "keys null", doc: `{"keys":null}`, wantErr: `the JWK Set's "keys" is null`},
		{name: "keys empty", doc: `{"keys":[]}`, wantErr: `the JWK Set's "keys" array is empty`},
		{name: "keys twice", doc: `{"keys":[],"keys":[]}`, wantErr: `the JWK Set has the member "keys" twice (RFC 7517 §5`},
		{name: "empty document", doc: ``, wantErr: "the JWK Set is empty; want a JSON object (RFC 7517 §5)"},
	}
	fixtures := jwkFixtures(t)
	secrets := append(privateValues(t, fixtures["main-secret"]), privateValues(t, fixtures["oct"])...)
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			doc := []byte(tt.doc)
			if tt.keys != nil {
				doc = keySetDoc(t, tt.keys)
			}
			ks, err := ParseKeySet(doc)
			var texts []string
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("ParseKeySet: %v; want success", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("ParseKeySet succeeded with kids %q; want an error containing %q", ks.Kids(), tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("ParseKeySet error = %q; want it to contain %q", err, tt.wantErr)
			case err != nil:
				texts = append(texts, err.Error())
			default:
				if got := ks.Kids(); !slices.Equal(got, tt.wantKids) {
					t.Errorf("Kids() = %q; want %q", got, tt.wantKids)
				}
				notes := ks.Skipped()
				if len(notes) != len(tt.wantSkipped) {
					t.Fatalf("Skipped() = %q; want %d notes", notes, len(tt.wantSkipped))
				}
				for i, want := range tt.wantSkipped {
					if !strings.Contains(notes[i], want) {
						t.Errorf("Skipped()[%d] = %q; want it to contain %q", i, notes[i], want)
					}
				}
				texts = append(texts, notes...)
			}
			for _, text := range texts {
				if strings.Contains(text, "\n") {
					t.Errorf("message spans lines: %q", text)
				}
				for _, secret := range secrets {
					if strings.Contains(text, secret) {
						t.Errorf("message quotes private key material: %s", text)
					}
				}
			}
		})
	}
}
