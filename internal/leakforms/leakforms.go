// Package leakforms lists the forms a hostile server may give a secret or a
// token it echoes: every encoding README.md says the outputs mask, each
// alone and every ordered pair of them. It is test data, shared by the
// tests that hold the README to its word: the redactor's property test and
// fuzz target, the echo check's test and the leak battery. It uses the
// standard library's encoders wherever there is one, and nothing of the
// redactor.
package leakforms

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"math/rand/v2"
	"mime/quotedprintable"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A Form writes a value in one encoding. Encoders that choose (which bytes
// to escape, where to break a line) choose with rng.
type Form struct {
	Name   string
	Encode func(v string, rng *rand.Rand) string
	// Carries reports whether the encoding can carry in without loss
	// (text encoders write U+FFFD for bytes that are not UTF-8, HTML and
	// XML have no way to write a zero byte); see Pair. Nil: anything.
	Carries func(in string) bool
}

var (
	text = utf8.ValidString
	// htmlRefText: a reference to character 0 reads as U+FFFD.
	htmlRefText = func(in string) bool { return text(in) && !strings.Contains(in, "\x00") }
	xmlText     = func(in string) bool {
		return text(in) && !strings.ContainsFunc(in, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' })
	}
	// caseText: text whose case can change without loss; Go's \U escapes
	// lower-cased read as \u ones.
	caseText = func(in string) bool { return text(in) && !strings.Contains(in, `\U`) }
)

// Singles are the encodings README.md lists, in every variant it names.
var Singles = []Form{
	{"raw", func(v string, _ *rand.Rand) string { return v }, nil},
	// Percent-encoding.
	{"percent-lower", func(v string, _ *rand.Rand) string { return PercentAll(v, false) }, nil},
	{"percent-upper", func(v string, _ *rand.Rand) string { return PercentAll(v, true) }, nil},
	{"percent-some", func(v string, rng *rand.Rand) string { return percentSome(v, rng, false) }, nil},
	{"form", func(v string, _ *rand.Rand) string { return url.QueryEscape(v) }, nil},
	{"form-some", func(v string, rng *rand.Rand) string { return percentSome(v, rng, true) }, nil},
	{"path", func(v string, _ *rand.Rand) string { return url.PathEscape(v) }, nil},
	// HTML and XML character references.
	{"html-named", func(v string, _ *rand.Rand) string { return html.EscapeString(v) }, text},
	{"html-decimal", func(v string, rng *rand.Rand) string { return htmlRefs(v, rng, refDecimal) }, htmlRefText},
	{"html-hex", func(v string, rng *rand.Rand) string { return htmlRefs(v, rng, refHex) }, htmlRefText},
	{"html-mixed", func(v string, rng *rand.Rand) string { return htmlRefs(v, rng, refMixed) }, htmlRefText},
	{"html-no-semicolon", func(v string, rng *rand.Rand) string { return htmlRefs(v, rng, refNoSemicolon) }, htmlRefText},
	{"xml", func(v string, _ *rand.Rand) string { return XMLEscape(v) }, xmlText},
	// JSON and Go string escapes.
	{"json", func(v string, _ *rand.Rand) string { return JSONString(v) }, text},
	{"json-u", func(v string, _ *rand.Rand) string { return jsonUnicode(v) }, text},
	{"json-some", func(v string, rng *rand.Rand) string { return jsonSome(v, rng) }, text},
	{"go-quote", func(v string, _ *rand.Rand) string { return unquoted(strconv.Quote(v)) }, nil},
	{"go-quote-ascii", func(v string, _ *rand.Rand) string { return unquoted(strconv.QuoteToASCII(v)) }, nil},
	{"go-bytes-some", func(v string, rng *rand.Rand) string { return goSome(v, rng) }, nil},
	// Base64, alone or inside a longer blob, and as HTTP Basic credentials.
	{"base64", func(v string, _ *rand.Rand) string { return base64.StdEncoding.EncodeToString([]byte(v)) }, nil},
	{"base64url", func(v string, _ *rand.Rand) string { return base64.RawURLEncoding.EncodeToString([]byte(v)) }, nil},
	{"base64-in-blob", func(v string, rng *rand.Rand) string { return inBlob(v, rng, base64.StdEncoding.EncodeToString) }, nil},
	{"base64url-in-blob", func(v string, rng *rand.Rand) string { return inBlob(v, rng, base64.RawURLEncoding.EncodeToString) }, nil},
	{"basic", func(v string, _ *rand.Rand) string { return BasicCredentials("client-1", v) }, nil},
	// Base32.
	{"base32", func(v string, _ *rand.Rand) string { return base32.StdEncoding.EncodeToString([]byte(v)) }, nil},
	{"base32-lower", func(v string, _ *rand.Rand) string {
		return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte(v)))
	}, nil},
	{"base32hex", func(v string, _ *rand.Rand) string { return base32.HexEncoding.EncodeToString([]byte(v)) }, nil},
	{"base32-in-blob", func(v string, rng *rand.Rand) string { return inBlob(v, rng, base32.StdEncoding.EncodeToString) }, nil},
	// Hex.
	{"hex", func(v string, _ *rand.Rand) string { return hex.EncodeToString([]byte(v)) }, nil},
	{"hex-upper", func(v string, _ *rand.Rand) string { return strings.ToUpper(hex.EncodeToString([]byte(v))) }, nil},
	{"hex-colons", func(v string, _ *rand.Rand) string { return hexSeparated(v, ":") }, nil},
	{"hex-spaces", func(v string, _ *rand.Rand) string { return hexSeparated(v, " ") }, nil},
	{"hex-dashes", func(v string, _ *rand.Rand) string { return strings.ToUpper(hexSeparated(v, "-")) }, nil},
	// Quoted-printable, with soft line breaks where the encoder puts them,
	// and anywhere.
	{"quoted-printable", func(v string, _ *rand.Rand) string { return QuotedPrintable(v) }, nil},
	{"quoted-printable-soft-breaks", func(v string, rng *rand.Rand) string { return softBreaks(QuotedPrintable(v), rng) }, nil},
	// Case.
	{"upper", func(v string, _ *rand.Rand) string { return strings.ToUpper(v) }, caseText},
	{"lower", func(v string, _ *rand.Rand) string { return strings.ToLower(v) }, caseText},
	{"swapped-case", func(v string, _ *rand.Rand) string { return SwapCase(v) }, caseText},
	// Fullwidth forms.
	{"fullwidth", func(v string, _ *rand.Rand) string { return Fullwidth(v) }, text},
	// UTF-16, with and without a byte-order mark.
	{"utf16le", func(v string, _ *rand.Rand) string { return UTF16(v, binary.LittleEndian, false) }, text},
	{"utf16be", func(v string, _ *rand.Rand) string { return UTF16(v, binary.BigEndian, false) }, text},
	{"utf16le-bom", func(v string, _ *rand.Rand) string { return UTF16(v, binary.LittleEndian, true) }, text},
	{"utf16be-bom", func(v string, _ *rand.Rand) string { return UTF16(v, binary.BigEndian, true) }, text},
}

// Named returns the single form called name.
func Named(name string) Form {
	for _, f := range Singles {
		if f.Name == name {
			return f
		}
	}
	panic("leakforms: no form " + name)
}

// Pair writes v in inner, then that in outer. It reports false when outer
// cannot carry what inner wrote (UTF-16 of a value past ASCII, written as
// text): outer would lose some of it, and no reader could get v back.
func Pair(outer, inner Form, v string, rng *rand.Rand) (string, bool) {
	in := inner.Encode(v, rng)
	if outer.Carries != nil && !outer.Carries(in) {
		return "", false
	}
	return outer.Encode(in, rng), true
}

// Pairs is every ordered pair of Singles but raw.
func Pairs() [][2]Form {
	var ps [][2]Form
	for _, outer := range Singles[1:] {
		for _, inner := range Singles[1:] {
			ps = append(ps, [2]Form{outer, inner})
		}
	}
	return ps
}

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

// PercentAll percent-encodes every byte of v.
func PercentAll(v string, upper bool) string {
	format := "%%%02x"
	if upper {
		format = "%%%02X"
	}
	var b strings.Builder
	for i := range len(v) {
		fmt.Fprintf(&b, format, v[i])
	}
	return b.String()
}

// percentSome percent-encodes a random subset of v's characters, every
// byte of each, '%' always; form encoding writes a space as '+' and so must
// escape '+'.
func percentSome(v string, rng *rand.Rand, form bool) string {
	var b strings.Builder
	for i := 0; i < len(v); {
		c := v[i]
		_, size := utf8.DecodeRuneInString(v[i:])
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

// XMLEscape is v as encoding/xml escapes text.
func XMLEscape(v string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(v)) // writing to a buffer cannot fail
	return b.String()
}

// JSONString is v as encoding/json writes it inside a string.
func JSONString(v string) string {
	q, _ := json.Marshal(v) // a string always encodes
	return unquoted(string(q))
}

// jsonUnicode writes every character of v as a \u escape (a surrogate pair
// past the BMP).
func jsonUnicode(v string) string {
	var b strings.Builder
	for _, r := range v {
		for _, u := range utf16.Encode([]rune{r}) {
			fmt.Fprintf(&b, `\u%04x`, u)
		}
	}
	return b.String()
}

// jsonSome writes v as the inside of a JSON string, escaping what JSON
// requires and a random subset of the rest as \uXXXX (surrogate pairs past
// the BMP) or \/.
func jsonSome(v string, rng *rand.Rand) string {
	var b strings.Builder
	for _, r := range v {
		short := map[rune]string{'"': `\"`, '\\': `\\`, '\n': `\n`, '\t': `\t`, '\r': `\r`, '\b': `\b`, '\f': `\f`, '/': `\/`}[r]
		must := r < 0x20 || r == '"' || r == '\\'
		switch {
		case !must && rng.IntN(2) == 0:
			b.WriteRune(r)
		case short != "" && rng.IntN(2) == 0:
			b.WriteString(short)
		default:
			for _, u := range utf16.Encode([]rune{r}) {
				b.WriteString(randomCase(fmt.Sprintf(`\u%04x`, u), rng))
			}
		}
	}
	return b.String()
}

// goSome writes v as the inside of a Go string literal, escaping what Go
// requires and a random subset of the other bytes as \xHH or octal.
func goSome(v string, rng *rand.Rand) string {
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

// inBlob encodes v at a random offset inside random bytes.
func inBlob(v string, rng *rand.Rand, encode func([]byte) string) string {
	blob := make([]byte, rng.IntN(9))
	for i := range blob {
		blob[i] = byte(rng.IntN(256))
	}
	blob = append(blob, v...)
	for range rng.IntN(6) {
		blob = append(blob, byte(rng.IntN(256)))
	}
	return encode(blob)
}

// BasicCredentials is an HTTP Basic credential (RFC 7617, each part
// form-encoded as RFC 6749 §2.3.1 asks) for id and secret.
func BasicCredentials(id, secret string) string {
	return base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret)))
}

// hexSeparated is v in hex, sep between the bytes.
func hexSeparated(v, sep string) string {
	parts := make([]string, len(v))
	for i := range len(v) {
		parts[i] = hex.EncodeToString([]byte{v[i]})
	}
	return strings.Join(parts, sep)
}

// QuotedPrintable is v as mime/quotedprintable writes it, text mode.
func QuotedPrintable(v string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	_, _ = w.Write([]byte(v)) // writing to a buffer cannot fail
	_ = w.Close()
	return b.String()
}

// softBreaks inserts a soft line break ("=\r\n") at one to three random
// places of a quoted-printable text, none inside an escape.
func softBreaks(q string, rng *rand.Rand) string {
	for range 1 + rng.IntN(3) {
		i := rng.IntN(len(q) + 1)
		for i > 0 && i < len(q) && (q[i-1] == '=' || i > 1 && q[i-2] == '=') {
			i--
		}
		q = q[:i] + "=\r\n" + q[i:]
	}
	return q
}

// SwapCase swaps the case of v's ASCII letters.
func SwapCase(v string) string {
	b := []byte(v)
	for i, c := range b {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			b[i] = c ^ 0x20
		}
	}
	return string(b)
}

// Fullwidth writes v's printable ASCII in its fullwidth forms (U+FF01 to
// U+FF5E, and U+3000 for the space).
func Fullwidth(v string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ':
			return '\u3000'
		case 0x21 <= r && r <= 0x7E:
			return r + 0xFEE0
		}
		return r
	}, v)
}

// UTF16 is v in UTF-16, in the given byte order, after a byte-order mark
// if bom.
func UTF16(v string, order binary.AppendByteOrder, bom bool) string {
	units := utf16.Encode([]rune(v))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		b = order.AppendUint16(b, u)
	}
	return string(b)
}

// DecodeUTF16 reads a text holding zero bytes as UTF-16, in both byte
// orders, from its first and from its second byte on: the four readings,
// a line each, of which one shows what UTF16 encoded wherever it starts.
// A text without a zero byte is returned as it is.
func DecodeUTF16(s string) string {
	if !strings.Contains(s, "\x00") {
		return s
	}
	var outs []string
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for skip := range 2 {
			b := []byte(s[min(skip, len(s)):])
			units := make([]uint16, len(b)/2)
			for i := range units {
				units[i] = order.Uint16(b[2*i:])
			}
			outs = append(outs, string(utf16.Decode(units)))
		}
	}
	return strings.Join(outs, "\n")
}

// FoldCase is s with ASCII letters lower-cased, for comparing texts as the
// README promises: case does not hide a value.
func FoldCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
