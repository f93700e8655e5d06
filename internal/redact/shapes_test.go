package redact

import (
	"encoding/base64"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// The shapes were masked with these regular expressions before; the hand
// written scanners must mask exactly what they did.
var (
	jwtShapeRegexp   = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`)
	basicShapeRegexp = regexp.MustCompile(`(?i)(Basic )([A-Za-z0-9+/=]{4,})`)
)

func maskShapesByRegexp(s string) string {
	s = jwtShapeRegexp.ReplaceAllString(s, Mask)
	return basicShapeRegexp.ReplaceAllStringFunc(s, func(m string) string {
		if dec, err := base64.StdEncoding.DecodeString(m[len("Basic "):]); err != nil || !strings.Contains(string(dec), ":") {
			return m
		}
		return m[:len("Basic ")] + Mask
	})
}

func TestMaskShapesTable(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"jwt", `{"access_token":"eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"}`, `{"access_token":"` + Mask + `"}`},
		{"jwt without signature", "eyJhbGci.eyJzdWIi. next", Mask + " next"},
		{"jwt first segment too short", "eyJhbG.eyJzdWIi.sig", "eyJhbG.eyJzdWIi.sig"},
		{"jwt second segment too short", "eyJhbGci.eyJ.sig", "eyJhbGci.eyJ.sig"},
		{"jwt after a failed one", "eyJhbGci.ab eyJhbGci.eyJzdWIi.sig", "eyJhbGci.ab " + Mask},
		{"jwt starting inside a segment", "xeyJhbGci.eyJzdWIi.s", "x" + Mask},
		{"basic", "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("id:secret")), "Authorization: Basic " + Mask},
		{"basic any case", "authorization: bAsIc aWQ6c2VjcmV0", "authorization: bAsIc " + Mask},
		{"basic not base64", "Basic abcde", "Basic abcde"},
		{"basic too short", "Basic YQ=", "Basic YQ="},
		// RFC 7617 §2: Basic credentials are user-id ":" password; a word
		// that happens to be base64 is not one.
		{"basic before a word", "authenticates with HTTP Basic gets a token", "authenticates with HTTP Basic gets a token"},
		{"basic without a colon", "Basic " + base64.StdEncoding.EncodeToString([]byte("nocolon")), "Basic " + base64.StdEncoding.EncodeToString([]byte("nocolon"))},
		{"no shape", "Basically, eyJ is just text.", "Basically, eyJ is just text."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(maskShapes([]byte(tt.in))); got != tt.want {
				t.Errorf("maskShapes(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestMaskShapesMatchesRegexps compares the scanners with the regular
// expressions on random text made of the pieces the shapes are built from.
func TestMaskShapesMatchesRegexps(t *testing.T) {
	pieces := []string{"eyJ", "eyJhbG", "ciOi", ".", "..", "Basic ", "basic ", "BASIC ", "aWQ6", "c2Vj", "cmV0", "=", "==", "+/", "-_", " ", "x", "\n", "b", "Ba"}
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range 20000 {
		var b strings.Builder
		for range rng.IntN(16) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		in := b.String()
		if got, want := string(maskShapes([]byte(in))), maskShapesByRegexp(in); got != want {
			t.Fatalf("case %d: maskShapes(%q) = %q; want %q (the regular expressions' result)", i, in, got, want)
		}
	}
}
