package redact

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"math/rand/v2"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/authconform/authconform/internal/leakforms"
)

// This file holds the outputs a value may end up in, and the values, for
// the property and fuzz tests; the forms a hostile target may give a value
// are leakforms', the encodings the README lists.

// patternForms are the forms found as patterns, not decoded from runs: a
// display cut (see StringCut) masks the start of a value in them.
//
// escapeForms are the forms that escape characters one by one: a cut
// through two of them nested is masked too.
var escapeForms = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range leakforms.Singles {
		m[f.Name] = !strings.Contains(f.Name, "base") && !strings.HasPrefix(f.Name, "hex") &&
			!strings.HasPrefix(f.Name, "utf16") && !strings.HasPrefix(f.Name, "quoted") && f.Name != "basic"
	}
	return m
}()

var patternForms = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range leakforms.Singles {
		m[f.Name] = !strings.HasPrefix(f.Name, "base32") && !strings.HasPrefix(f.Name, "utf16") &&
			!strings.HasPrefix(f.Name, "hex-") && f.Name != "quoted-printable-soft-breaks"
	}
	return m
}()

// A framing puts an encoded value into an output and redacts that output
// the way the output's writer does.
type framing struct {
	name string
	cut  bool // the output is cut inside the value: see TestNoSurvivorProperty
	// fold: the output folds the value as a header line may; only values
	// of looseMinLen bytes or more in texts of unfoldMax bytes or less
	// are masked wherever the fold falls.
	fold bool
	// carries reports whether the output format can carry enc: XML has no
	// way to write a zero byte, JSON none for bytes that are not UTF-8
	// (their encoders write U+FFFD instead). Nil: it carries anything.
	carries func(enc string) bool
	frame   func(r *Redactor, enc string, rng *rand.Rand) (in, out string)
}

var framings = []framing{
	{"json-string", false, false, utf8.ValidString, viaString(func(enc string) string {
		return `{"error":"invalid_client","echo":"` + leakforms.JSONString(enc) + `"}`
	})},
	{"html-attribute", false, false, nil, viaString(func(enc string) string {
		return `<input name="echo" value="` + html.EscapeString(enc) + `">`
	})},
	{"form-body", false, false, nil, viaString(func(enc string) string {
		return "grant_type=client_credentials&echo=" + url.QueryEscape(enc) + "&scope=read"
	})},
	{"xml-element", false, false, xmlCarries, viaString(func(enc string) string { return "<echo>" + leakforms.XMLEscape(enc) + "</echo>" })},
	{"header-line", false, false, nil, viaString(func(enc string) string { return "X-Echo: " + enc + "\r\n" })},
	{"folded-header", false, true, func(enc string) bool { return len(enc) < unfoldMax-16 }, func(r *Redactor, enc string, rng *rand.Rand) (string, string) {
		// Go joins a folded header's lines with one space.
		cut := foldPoint(enc, rng)
		in := "X-Echo: " + enc[:cut] + " " + enc[cut:] + "\n"
		return in, r.String(in)
	}},
	{"long-line", false, false, nil, viaString(func(enc string) string {
		filler := strings.Repeat("lorem ipsum dolor sit amet, ", 100)
		return filler + enc + " " + filler
	})},
	{"writer-split", false, false, nil, func(r *Redactor, enc string, rng *rand.Rand) (string, string) {
		in := "HTTP/1.1 400 Bad Request\necho: " + enc + " end\n"
		var out bytes.Buffer
		w := r.Writer(&out)
		cut := rng.IntN(len(in) + 1)
		w.Write([]byte(in[:cut]))
		w.Write([]byte(in[cut:]))
		w.Close()
		return in, out.String()
	}},
	{"display-cut", true, false, nil, func(r *Redactor, enc string, rng *rand.Rand) (string, string) {
		in := "body: " + enc[:1+rng.IntN(len(enc))]
		return in, r.StringCut(in)
	}},
}

// xmlCarries reports whether XML can carry enc: UTF-8 without controls
// but tab and line ends.
func xmlCarries(enc string) bool {
	return utf8.ValidString(enc) && !strings.ContainsFunc(enc, func(r rune) bool {
		return r < 0x20 && r != '\t' && r != '\n' && r != '\r'
	})
}

// foldPoint is a random place to fold enc, between two characters (inside
// an escape too).
func foldPoint(enc string, rng *rand.Rand) int {
	var points []int
	for i := 1; i < len(enc); i++ {
		if utf8.RuneStart(enc[i]) {
			points = append(points, i)
		}
	}
	if len(points) == 0 {
		return len(enc)
	}
	return points[rng.IntN(len(points))]
}

func viaString(frame func(enc string) string) func(*Redactor, string, *rand.Rand) (string, string) {
	return func(r *Redactor, enc string, _ *rand.Rand) (string, string) {
		in := frame(enc)
		return in, r.String(in)
	}
}

// secretAlphabet mixes letters, digits, every ASCII punctuation mark, a
// space, a newline and characters from two to four bytes long.
var secretAlphabet = []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" +
	"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ \n" + "éüßñ€日本語😀𝄞")

// randomSecret is 6 to 64 characters from secretAlphabet.
func randomSecret(rng *rand.Rand) string {
	rs := make([]rune, 6+rng.IntN(59))
	for i := range rs {
		rs[i] = secretAlphabet[rng.IntN(len(secretAlphabet))]
	}
	return string(rs)
}

// randomToken is an opaque token or one shaped like a JWT.
func randomToken(rng *rand.Rand, jwt bool) string {
	raw := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	if !jwt {
		return raw(16 + rng.IntN(32))
	}
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	payload := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"sub":%q,"exp":%d}`, raw(8), rng.IntN(1<<31))))
	return header + "." + payload + "." + raw(64+rng.IntN(200))
}
