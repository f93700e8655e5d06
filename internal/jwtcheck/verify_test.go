package jwtcheck

import (
	"strings"
	"testing"
)

// TestVerify verifies each check of Verify, in its order, on tokens signed
// by go-jose (or made by hand where no signer would make them), against
// key sets of JWK fixtures.
func TestVerify(t *testing.T) {
	tests := []struct {
		name        string
		spec        tokenSpec // how to sign the token, unless raw is set
		raw         string    // a hand-made token
		set         []string  // JWK fixture names, in order
		want        string    // the algorithm asked for; "" means RS512
		wantErr     string    // a substring; "" means Verify succeeds
		wantSkipped int
	}{
		{name: "valid RS512", spec: tokenSpec{alg: "RS512", signer: "main", kid: "k1"}, set: []string{"main"}},
		{name: "key without alg or use", spec: tokenSpec{alg: "RS512", signer: "main", kid: "k1"}, set: []string{"main-bare"}},
		{name: "rotation: signing key second", spec: tokenSpec{alg: "RS512", signer: "main", kid: "k1"}, set: []string{"other", "main"}},
		{name: "EC key beside the RSA key", spec: tokenSpec{alg: "RS512", signer: "main", kid: "k1"}, set: []string{"ec", "main"}},
		{name: "unparseable key beside the good one", spec: tokenSpec{alg: "RS512", signer: "main", kid: "k1"}, set: []string{"broken", "main"}, wantSkipped: 1},
		{name: "unknown kty beside the good one", spec: tokenSpec{alg: "RS512", signer: "main", kid: "k1"}, set: []string{"unknown-kty", "main"}, wantSkipped: 1},
		{name: "two keys share the kid, the second signs", spec: tokenSpec{alg: "RS512", signer: "main", kid: "k1"}, set: []string{"other-as-k1", "main"}},
		{name: "ES256 asked for and used", spec: tokenSpec{alg: "ES256", signer: "ec", kid: "e1"}, set: []string{"main", "ec"}, want: "ES256"},

		{name: "alg none", raw: seg(`{"alg":"none","typ":"JWT","kid":"k1"}`) + "." + seg(testClaims) + ".", set: []string{"main"},
			wantErr: `the JWT header has alg = "none"; want "RS512" (RFC 7515 §4.1.1): an unsecured JWT (RFC 7518 §3.6)`},
		{name: "HS512 keyed with the public key", spec: tokenSpec{alg: "HS512", signer: "main-public-pem", kid: "k1"}, set: []string{"main"},
			wantErr: `alg = "HS512"; want "RS512" (RFC 7515 §4.1.1): HS* is an HMAC under a shared secret (RFC 7518 §3.2)`},
		{name: "RS256 when RS512 wanted", spec: tokenSpec{alg: "RS256", signer: "main", kid: "k1"}, set: []string{"main"},
			wantErr: `the JWT header has alg = "RS256"; want "RS512" (RFC 7515 §4.1.1)`},
		{name: "no alg", raw: unsigned(`{"typ":"JWT","kid":"k1"}`, testClaims), set: []string{"main"},
			wantErr: `the JWT header has no "alg"; want "RS512" (RFC 7515 §4.1.1)`},
		{name: "alg not a string", raw: unsigned(`{"alg":["RS512"],"kid":"k1"}`, testClaims), set: []string{"main"},
			wantErr: `the JWT header's "alg" is an array; want the string "RS512"`},
		{name: "kid missing", spec: tokenSpec{alg: "RS512", signer: "main"}, set: []string{"main"},
			wantErr: `the JWT header has no "kid"; want the id of the signing key in the issuer's JWK Set (RFC 7515 §4.1.4)`},
		{name: "kid a number", raw: unsigned(`{"alg":"RS512","kid":1}`, testClaims), set: []string{"main"},
			wantErr: `the JWT header's "kid" is a number; want a string (RFC 7515 §4.1.4)`},
		{name: "kid empty", spec: tokenSpec{alg: "RS512", signer: "main", extra: map[string]any{"kid": ""}}, set: []string{"main"},
			wantErr: `the JWT header's "kid" is empty`},
		{name: "unknown kid", spec: tokenSpec{alg: "RS512", signer: "main", kid: "k9"}, set: []string{"main", "other"},
			wantErr: `no key in the JWK Set has the header's kid "k9" (RFC 7515 §4.1.4); the set's kids: ["k1" "k0"]`},
		{name: "kid of a skipped key", spec: tokenSpec{alg: "RS512", signer: "main", kid: "bad"}, set: []string{"main", "broken"}, wantSkipped: 1,
			wantErr: `no key in the JWK Set has the header's kid "bad" (RFC 7515 §4.1.4); the set's kids: ["k1"]; skipped: key 2 (kid "bad"): go-jose cannot read it`},
		{name: "JWK use enc", spec: tokenSpec{alg: "RS512", signer: "main", kid: "k1"}, set: []string{"main-enc"},
			wantErr: `the JWK Set's key with kid "k1" cannot verify RS512: its "use" is "enc"; want "sig" (RFC 7517 §4.2)`},
		{name: "JWK alg RS256", spec: tokenSpec{alg: "RS512", signer: "main", kid: "k1"}, set: []string{"main-rs256"},
			wantErr: `its "alg" is "RS256"; want "RS512" (RFC 7517 §4.4)`},
		{name: "EC key under the token's kid", spec: tokenSpec{alg: "RS512", signer: "main", kid: "k1"}, set: []string{"ec-as-k1"},
			wantErr: `it is an EC P-256 key; RS512 needs an RSA key (RFC 7518 §3.3)`},
		{name: "RSA key of 1024 bits", spec: tokenSpec{alg: "RS512", signer: "small", kid: "k1"}, set: []string{"small-as-k1"},
			wantErr: `its RSA modulus has 1024 bits; RS512 needs at least 2048 (RFC 7518 §3.3)`},
		{name: "signed by another key, same kid", spec: tokenSpec{alg: "RS512", signer: "other", kid: "k1"}, set: []string{"main"},
			wantErr: `the RS512 signature does not verify with the JWK Set's key with kid "k1" (RFC 7515 §5.2)`},
		{name: "two keys share the kid, neither signs", spec: tokenSpec{alg: "RS512", signer: "other", kid: "k1"}, set: []string{"main", "main-bare"},
			wantErr: `does not verify with any of the JWK Set's 2 keys with kid "k1"`},
		{name: "critical extension go-jose does not know", spec: tokenSpec{alg: "RS512", signer: "main", kid: "k1", extra: map[string]any{"crit": []string{"acme"}, "acme": 1}}, set: []string{"main"},
			wantErr: `go-jose refuses to verify the RS512 token with the JWK Set's key with kid "k1" (RFC 7515 §5.2): unsupported critical header`},
		{name: "want HS512", spec: tokenSpec{alg: "RS512", signer: "main", kid: "k1"}, set: []string{"main"}, want: "HS512",
			wantErr: `jwtcheck: Verify was asked for "HS512", which is not an asymmetric algorithm go-jose verifies`},
		{name: "want none", spec: tokenSpec{alg: "RS512", signer: "main", kid: "k1"}, set: []string{"main"}, want: "none",
			wantErr: `Verify was asked for "none"`},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			token := tt.raw
			if token == "" {
				token = signToken(t, tt.spec)
			}
			want := tt.want
			if want == "" {
				want = "RS512"
			}
			tok, err := Parse(token)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			ks, err := ParseKeySet(keySetDoc(t, tt.set))
			if err != nil {
				t.Fatalf("ParseKeySet: %v", err)
			}
			if got := len(ks.Skipped()); got != tt.wantSkipped {
				t.Errorf("Skipped() = %q; want %d notes", ks.Skipped(), tt.wantSkipped)
			}
			err = tok.Verify(want, ks)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Verify(%q): %v; want success", want, err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("Verify(%q) succeeded; want an error containing %q", want, tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("Verify(%q) error = %q; want it to contain %q", want, err, tt.wantErr)
			}
			if err != nil {
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("Verify error spans lines: %q", err)
				}
				assertNoLeak(t, "Verify error", err.Error(), token)
			}
			for _, note := range ks.Skipped() {
				assertNoLeak(t, "Skipped note", note, token)
			}
		})
	}
}

// TestVerifyNilKeySet verifies a nil set is reported as the caller's
// mistake rather than a panic.
func TestVerifyNilKeySet(t *testing.T) {
	tok, err := Parse(signToken(t, tokenSpec{alg: "RS512", signer: "main", kid: "k1"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := tok.Verify("RS512", nil); err == nil || !strings.Contains(err.Error(), "nil KeySet") {
		t.Errorf("Verify with a nil set = %v; want an error naming the nil KeySet", err)
	}
}
