package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"html"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file holds the ways a hostile target may write a value back and the
// outputs a value may end up in, for the property and fuzz tests.

type encoding struct {
	name   string
	encode func(v string, rng *rand.Rand) string
}

// encodings are single encodings, then compositions of two.
var encodings = func() []encoding {
	es := []encoding{
		{"raw", func(v string, _ *rand.Rand) string { return v }},
		{"percent-all-lower", func(v string, _ *rand.Rand) string { return percentAll(v, false) }},
		{"percent-all-upper", func(v string, _ *rand.Rand) string { return percentAll(v, true) }},
		{"percent-subset-mixed-case", func(v string, rng *rand.Rand) string { return percentSubset(v, rng, false) }},
		{"form-query-escape", func(v string, _ *rand.Rand) string { return url.QueryEscape(v) }},
		{"form-subset", func(v string, rng *rand.Rand) string { return percentSubset(v, rng, true) }},
		{"path-escape", func(v string, _ *rand.Rand) string { return url.PathEscape(v) }},
		{"html-named", func(v string, _ *rand.Rand) string { return html.EscapeString(v) }},
		{"html-decimal", func(v string, rng *rand.Rand) string { return htmlRefs(v, rng, refDecimal) }},
		{"html-hex", func(v string, rng *rand.Rand) string { return htmlRefs(v, rng, refHex) }},
		{"html-mixed", func(v string, rng *rand.Rand) string { return htmlRefs(v, rng, refMixed) }},
		{"html-no-semicolon", func(v string, rng *rand.Rand) string { return htmlRefs(v, rng, refNoSemicolon) }},
		{"xml-escape", func(v string, _ *rand.Rand) string { return xmlEscape(v) }},
		{"json-marshal", func(v string, _ *rand.Rand) string { return jsonString(v, true) }},
		{"json-subset", func(v string, rng *rand.Rand) string { return jsonEscapes(v, rng) }},
		{"go-quote", func(v string, _ *rand.Rand) string { return unquoted(strconv.Quote(v)) }},
		{"go-quote-ascii", func(v string, _ *rand.Rand) string { return unquoted(strconv.QuoteToASCII(v)) }},
		{"go-bytes-subset", func(v string, rng *rand.Rand) string { return goEscapes(v, rng) }},
		{"base64-std", func(v string, _ *rand.Rand) string { return base64.StdEncoding.EncodeToString([]byte(v)) }},
		{"base64-url-raw", func(v string, _ *rand.Rand) string { return base64.RawURLEncoding.EncodeToString([]byte(v)) }},
		{"base64-std-in-blob", func(v string, rng *rand.Rand) string { return base64InBlob(v, rng, base64.StdEncoding) }},
		{"base64-url-in-blob", func(v string, rng *rand.Rand) string { return base64InBlob(v, rng, base64.RawURLEncoding) }},
		{"basic-credentials", func(v string, _ *rand.Rand) string { return basicCredential(v) }},
		{"hex-lower", func(v string, _ *rand.Rand) string { return hex.EncodeToString([]byte(v)) }},
		{"hex-upper", func(v string, _ *rand.Rand) string { return strings.ToUpper(hex.EncodeToString([]byte(v))) }},
	}
	byName := func(name string) encoding {
		for _, e := range es {
			if e.name == name {
				return e
			}
		}
		panic("no encoding " + name)
	}
	for _, c := range [][2]string{
		{"percent-subset-mixed-case", "base64-std"},
		{"form-query-escape", "base64-std-in-blob"},
		{"base64-std", "form-query-escape"},
		{"base64-std", "json-marshal"},
		{"base64-url-raw", "html-named"},
		{"base64-std", "path-escape"},
		{"json-subset", "percent-subset-mixed-case"},
		{"json-subset", "html-mixed"},
		{"json-subset", "base64-std"},
		{"html-mixed", "json-subset"},
		{"html-mixed", "percent-subset-mixed-case"},
		{"html-mixed", "base64-std-in-blob"},
		{"percent-subset-mixed-case", "html-mixed"},
		{"percent-subset-mixed-case", "json-subset"},
		{"percent-subset-mixed-case", "percent-subset-mixed-case"},
		{"html-decimal", "html-named"},
		{"json-subset", "json-subset"},
		{"go-bytes-subset", "percent-subset-mixed-case"},
		{"go-quote", "html-hex"},
		{"xml-escape", "form-subset"},
		{"json-marshal", "hex-upper"},
	} {
		outer, inner := byName(c[0]), byName(c[1])
		es = append(es, encoding{outer.name + "(" + inner.name + ")", func(v string, rng *rand.Rand) string {
			return outer.encode(inner.encode(v, rng), rng)
		}})
	}
	return es
}()

func unquoted(q string) string { return q[1 : len(q)-1] }

// randomCase writes the hex digits a to f in a random case, one by one.
func randomCase(s string, rng *rand.Rand) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'f' && rng.IntN(2) == 0 {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func percentAll(v string, upper bool) string {
	var b strings.Builder
	for i := range len(v) {
		if upper {
			fmt.Fprintf(&b, "%%%02X", v[i])
		} else {
			fmt.Fprintf(&b, "%%%02x", v[i])
		}
	}
	return b.String()
}

// percentSubset percent-encodes a random subset of v's characters, every
// byte of each, '%' always; form encoding writes a space as '+' and so must
// escape '+'.
func percentSubset(v string, rng *rand.Rand, form bool) string {
	var b strings.Builder
	for i := 0; i < len(v); {
		c, size := v[i], utf8RuneLen(v[i:])
		switch {
		case form && c == ' ':
			b.WriteByte('+')
		case c == '%' || form && c == '+' || rng.IntN(2) == 0:
			for _, c := range []byte(v[i : i+size]) {
				b.WriteString("%" + randomCase(fmt.Sprintf("%02x", c), rng))
			}
		default:
			b.WriteString(v[i : i+size])
		}
		i += size
	}
	return b.String()
}

func utf8RuneLen(s string) int {
	_, size := utf8.DecodeRuneInString(s)
	return size
}

type refStyle int

const (
	refDecimal refStyle = iota
	refHex
	refMixed
	refNoSemicolon
)

var namedRefs = map[rune]string{'&': "amp", '<': "lt", '>': "gt", '"': "quot", '\'': "apos"}

// htmlRefs writes a random subset of v's characters, '&' always, as HTML
// character references, with random leading zeros and hex case.
func htmlRefs(v string, rng *rand.Rand, style refStyle) string {
	var b strings.Builder
	for i := 0; i < len(v); {
		r, size := utf8.DecodeRuneInString(v[i:])
		if r != '&' && rng.IntN(2) == 0 {
			b.WriteString(v[i : i+size])
			i += size
			continue
		}
		i += size
		zeros := strings.Repeat("0", rng.IntN(3))
		s := style
		if s == refMixed {
			s = refStyle(rng.IntN(3))
		}
		switch name, named := namedRefs[r]; {
		case s == refNoSemicolon:
			// Two digits at least: the html package reads a single digit
			// without a semicolon as no reference at all.
			fmt.Fprintf(&b, "&#0%s%d", zeros, r)
			if i < len(v) && ('0' <= v[i] && v[i] <= '9' || v[i] == ';') {
				b.WriteByte(';')
			}
		case s == refMixed && named:
			b.WriteString("&" + name + ";")
		case s == refHex:
			fmt.Fprintf(&b, "&#%c%s%s;", "xX"[rng.IntN(2)], zeros, randomCase(strconv.FormatInt(int64(r), 16), rng))
		default:
			fmt.Fprintf(&b, "&#%s%d;", zeros, r)
		}
	}
	return b.String()
}

func xmlEscape(v string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(v)) // writing to a buffer cannot fail
	return b.String()
}

// jsonEscapes writes v as the inside of a JSON string, escaping what JSON
// requires and a random subset of the rest as \uXXXX (surrogate pairs past
// the BMP) or \/.
func jsonEscapes(v string, rng *rand.Rand) string {
	var b strings.Builder
	for _, r := range v {
		short := map[rune]string{'"': `\"`, '\\': `\\`, '\n': `\n`, '\t': `\t`, '\r': `\r`, '\b': `\b`, '\f': `\f`, '/': `\/`}[r]
		must := r < 0x20 || r == '"' || r == '\\'
		switch {
		case !must && rng.IntN(2) == 0:
			b.WriteRune(r)
		case short != "" && rng.IntN(2) == 0:
			b.WriteString(short)
		case r > 0xFFFF:
			r -= 0x10000
			b.WriteString(randomCase(fmt.Sprintf(`\u%04x\u%04x`, 0xD800+r>>10, 0xDC00+r&0x3FF), rng))
		default:
			b.WriteString(randomCase(fmt.Sprintf(`\u%04x`, r), rng))
		}
	}
	return b.String()
}

// goEscapes writes v as the inside of a Go string literal, escaping what Go
// requires and a random subset of the other bytes as \xHH or octal.
func goEscapes(v string, rng *rand.Rand) string {
	var b strings.Builder
	for i := range len(v) {
		c := v[i]
		must := c < 0x20 || c == '"' || c == '\\' || c >= 0x80
		switch {
		case !must && rng.IntN(2) == 0:
			b.WriteByte(c)
		case rng.IntN(3) == 0:
			fmt.Fprintf(&b, `\%03o`, c)
		default:
			b.WriteString(`\x` + randomCase(fmt.Sprintf("%02x", c), rng))
		}
	}
	return b.String()
}

// base64InBlob encodes v at a random offset inside random bytes.
func base64InBlob(v string, rng *rand.Rand, enc *base64.Encoding) string {
	blob := make([]byte, rng.IntN(9))
	for i := range blob {
		blob[i] = byte(rng.IntN(256))
	}
	blob = append(blob, v...)
	for range rng.IntN(6) {
		blob = append(blob, byte(rng.IntN(256)))
	}
	return enc.EncodeToString(blob)
}

// basicCredential is an HTTP Basic credential carrying v as the secret.
func basicCredential(v string) string {
	return base64.StdEncoding.EncodeToString([]byte(url.QueryEscape("client-1") + ":" + url.QueryEscape(v)))
}

// A framing puts an encoded value into an output and redacts that output
// the way the output's writer does.
type framing struct {
	name  string
	cut   bool // the output is cut inside the value: see TestNoSurvivorProperty
	frame func(r *Redactor, enc string, rng *rand.Rand) (in, out string)
}

var framings = []framing{
	{"json-string", false, viaString(func(enc string) string {
		return `{"error":"invalid_client","echo":"` + jsonString(enc, true) + `"}`
	})},
	{"html-attribute", false, viaString(func(enc string) string {
		return `<input name="echo" value="` + html.EscapeString(enc) + `">`
	})},
	{"form-body", false, viaString(func(enc string) string {
		return "grant_type=client_credentials&echo=" + url.QueryEscape(enc) + "&scope=read"
	})},
	{"xml-element", false, viaString(func(enc string) string { return "<echo>" + xmlEscape(enc) + "</echo>" })},
	{"header-line", false, viaString(func(enc string) string { return "X-Echo: " + enc + "\r\n" })},
	{"long-line", false, viaString(func(enc string) string {
		filler := strings.Repeat("lorem ipsum dolor sit amet, ", 100)
		return filler + enc + " " + filler
	})},
	{"writer-split", false, func(r *Redactor, enc string, rng *rand.Rand) (string, string) {
		in := "HTTP/1.1 400 Bad Request\necho: " + enc + " end\n"
		var out bytes.Buffer
		w := r.Writer(&out)
		cut := rng.IntN(len(in) + 1)
		w.Write([]byte(in[:cut]))
		w.Write([]byte(in[cut:]))
		w.Close()
		return in, out.String()
	}},
	{"display-cut", true, func(r *Redactor, enc string, rng *rand.Rand) (string, string) {
		in := "body: " + enc[:1+rng.IntN(len(enc))]
		return in, r.StringCut(in)
	}},
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
