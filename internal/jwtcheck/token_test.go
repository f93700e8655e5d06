package jwtcheck

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

var (
	goodHeader  = seg(`{"alg":"RS512","typ":"JWT","kid":"k1"}`)
	goodPayload = seg(`{"iss":"https://auth.example.test","scope":"market:all"}`)
	goodSig     = seg("a signature Parse does not check")
	// stdPayload is base64 with the standard alphabet: it holds a '/'.
	stdPayload = base64.RawStdEncoding.EncodeToString([]byte(`{"q":"???"}`))
	oneMiB     = 1 << 20
)

// TestParse verifies each malformed form is refused with an error naming
// the problem and the rule, and that well-formed tokens parse.
func TestParse(t *testing.T) {
	if !strings.Contains(stdPayload, "/") {
		t.Fatalf("stdPayload should hold a '/' to test the alphabet check")
	}
	tests := []struct {
		name    string
		token   string
		wantErr string // a substring; "" means Parse succeeds
	}{
		{"well formed", goodHeader + "." + goodPayload + "." + goodSig, ""},
		{"unsecured: empty signature", seg(`{"alg":"none"}`) + "." + seg(`{}`) + ".", ""},
		{"empty", "", "the access token is empty; want header.payload.signature (RFC 7515 §7.1)"},
		{"one segment", goodHeader, "has 1 dot-separated segment; want 3 (header.payload.signature, RFC 7515 §7.1)"},
		{"two segments", goodHeader + "." + goodPayload, "has 2 dot-separated segments; want 3"},
		{"four segments", goodHeader + "." + goodPayload + "." + goodSig + "." + goodSig, "has 4 dot-separated segments; want 3"},
		{"five segments: JWE", strings.Repeat(goodHeader+".", 4) + goodSig, "the JWE compact form (RFC 7516 §7.1)"},
		{"padding", goodHeader + "." + goodPayload + "=." + goodSig, "the JWT payload is not base64url (RFC 7515 §2): it has '=' padding at byte"},
		{"standard alphabet", goodHeader + "." + stdPayload + "." + goodSig, `it has "/" at byte 11, from the standard base64 alphabet`},
		{"line break", goodHeader + "\n." + goodPayload + "." + goodSig, `the JWT header is not base64url (RFC 7515 §2): it has "\n" at byte`},
		{"outside the alphabet", goodHeader + "." + goodPayload + "." + goodSig + "\xff", `the JWT signature is not base64url (RFC 7515 §2): it has "\xff"`},
		{"one character over", goodHeader + ".e30ab." + goodSig, "its length, 5, leaves one character over"},
		{"non-canonical encoding", goodHeader + ".e31." + goodSig, "unused bits set, so it is not the canonical encoding (RFC 4648 §3.5)"},
		{"header not JSON", seg("alg RS512") + "." + goodPayload + "." + goodSig, "the JWT header is not JSON (RFC 7519 §7.2): invalid character 'a' looking for beginning of value at byte 1"},
		{"header not UTF-8", seg("{\"alg\":\"RS512\xff\"}") + "." + goodPayload + "." + goodSig, "the JWT header is not UTF-8"},
		{"header empty", "." + goodPayload + "." + goodSig, "the JWT header is empty; want a JSON object (RFC 7519 §7.2)"},
		{"payload a JSON array", goodHeader + "." + seg(`[{"scope":"market:all"}]`) + "." + goodSig, "the JWT payload is not a JSON object (RFC 7519 §7.2): it is an array"},
		{"payload a JSON string", goodHeader + "." + seg(`"market:all"`) + "." + goodSig, "the JWT payload is not a JSON object (RFC 7519 §7.2): it is a string"},
		{"payload empty", goodHeader + ".." + goodSig, "the JWT payload is empty"},
		{"payload cut short", goodHeader + "." + seg(`{"scope":`) + "." + goodSig, "the JWT payload is not JSON (RFC 7519 §7.2): the text ends inside the JSON value"},
		{"trailing object", goodHeader + "." + seg(`{"scope":"a"}{"scope":"b"}`) + "." + goodSig, "the JWT payload has data after its JSON object; want the object alone (RFC 7519 §7.2)"},
		{"trailing garbage", goodHeader + "." + seg(`{"scope":"a"} x`) + "." + goodSig, "the JWT payload has data after its JSON object"},
		{"duplicate header member", seg(`{"alg":"RS512","kid":"k1","alg":"none"}`) + "." + goodPayload + "." + goodSig, `the JWT header has the member "alg" twice (RFC 7515 §4`},
		{"duplicate through an escape", seg(`{"alg":"RS512","al\u0067":"none"}`) + "." + goodPayload + "." + goodSig, `has the member "alg" twice`},
		{"duplicate claim", goodHeader + "." + seg(`{"scope":"a","scope":"b"}`) + "." + goodSig, `the JWT payload has the member "scope" twice (RFC 7519 §4`},
		{"1 MiB without dots", strings.Repeat("A", oneMiB), "has 1 dot-separated segment"},
		{"1 MiB of dots", strings.Repeat(".", oneMiB), "dot-separated segments; want 3"},
		{"1 MiB payload of garbage", goodHeader + "." + strings.Repeat("Q", oneMiB) + "." + goodSig, "the JWT payload is not JSON"},
		{"1 MiB of bytes outside the alphabet", goodHeader + "." + strings.Repeat("\x00", oneMiB) + "." + goodSig, `it has "\x00" at byte 0`},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			start := time.Now()
			tok, err := Parse(tt.token)
			// Generous: the point is linear work on a hostile megabyte,
			// not speed, and -race on two cores is slow.
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("Parse took %v", elapsed)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Parse: %v; want success", err)
			case tt.wantErr == "" && (tok.Header == nil || tok.Claims == nil):
				t.Fatalf("Parse gave Header %v, Claims %v; want both decoded", tok.Header, tok.Claims)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("Parse succeeded; want an error containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("Parse error = %q; want it to contain %q", err, tt.wantErr)
			}
			if err != nil {
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("Parse error spans lines: %q", err)
				}
				assertNoLeak(t, "Parse error", err.Error(), tt.token)
			}
		})
	}
}

// TestParseDecodes verifies what a parsed token holds: numbers kept exact,
// the payload's JSON as sent, and header strings.
func TestParseDecodes(t *testing.T) {
	payload := `{"exp":12345678901234567890,"scope":"market:all"}`
	tok, err := Parse(seg(`{"alg":"RS512","typ":"JWT","kid":"k1","n":5}`) + "." + seg(payload) + "." + goodSig)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tok.Claims["exp"], json.Number("12345678901234567890"); got != want {
		t.Errorf(`Claims["exp"] = %#v; want %#v`, got, want)
	}
	if got := string(tok.ClaimsJSON); got != payload {
		t.Errorf("ClaimsJSON = %s; want %s", got, payload)
	}
	for _, c := range []struct {
		name   string
		want   string
		wantOK bool
	}{
		{"typ", "JWT", true},
		{"kid", "k1", true},
		{"n", "", false},      // a number, not a string
		{"absent", "", false}, // no such member
	} {
		if got, ok := tok.HeaderString(c.name); got != c.want || ok != c.wantOK {
			t.Errorf("HeaderString(%q) = %q, %v; want %q, %v", c.name, got, ok, c.want, c.wantOK)
		}
	}
}

// TestTokenPrintsNoToken verifies that printing a Token, as a value or a
// pointer with any common verb, shows its header and not its text.
func TestTokenPrintsNoToken(t *testing.T) {
	raw := goodHeader + "." + goodPayload + "." + goodSig
	tok, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{tok, *tok} {
			got := fmt.Sprintf(verb, v)
			if !strings.Contains(got, `alg: "RS512", kid: "k1"`) {
				t.Errorf("%s of %T = %s; want the alg and kid", verb, v, got)
			}
			assertNoLeak(t, verb+" of a Token", got, raw)
		}
	}
}
