package redact

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"io"
	"mime/quotedprintable"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/authconform/authconform/internal/leakforms"
)

// This file is the tests' oracle: it decodes an output every way a reader
// (or a tool) might, with the standard library's own decoders wherever they
// can be applied piecewise, independently of the decoder the package uses.

// oracleDepth is how many layers the oracle peels: two layers of encoding
// and the escaping of the output format around them.
const oracleDepth = 3

// maxDecodings bounds the oracle's work on one text.
const maxDecodings = 4000

// decoders each undo one kind of encoding wherever it appears in a text,
// leaving everything else as it is. A binary decoder writes a run decoded
// at every alignment, the decodings one after another.
var decoders = []struct {
	name   string
	decode func(string) string
}{
	{"percent", func(s string) string { return percentDecode(s, false) }},
	{"form", func(s string) string { return percentDecode(s, true) }},
	{"html", html.UnescapeString},
	{"json", jsonUnescape},
	{"go", goUnescape},
	{"quoted-printable", quotedPrintableDecode},
	{"fullwidth", fullwidthDecode},
	{"base64", base64Runs},
	{"base32", base32Runs},
	{"hex", hexRuns},
	{"utf16", leakforms.DecodeUTF16},
	{"unfold", unfold},
}

// decodings calls visit with text and every decoding of it up to
// oracleDepth layers, breadth first, each with the chain of decoders that
// produced it, until visit returns false.
func decodings(text string, visit func(s, how string) bool) {
	seen := map[string]bool{text: true}
	if !visit(text, "as is") {
		return
	}
	type decoding struct{ s, how string }
	layer := []decoding{{text, "as is"}}
	for range oracleDepth {
		var next []decoding
		for _, d := range layer {
			for _, dec := range decoders {
				out := dec.decode(d.s)
				if seen[out] || len(seen) >= maxDecodings {
					continue
				}
				seen[out] = true
				how := d.how + " > " + dec.name
				if !visit(out, how) {
					return
				}
				next = append(next, decoding{out, how})
			}
		}
		layer = next
	}
}

// survivor returns the chain of decoders under which text shows value,
// ASCII case aside, "" if none does.
//
// The value may also show with its line ends written CRLF (as
// quoted-printable text writes them) and, 16 bytes or longer, without
// blanks (as unfold shows it).
func survivor(text, value string) string {
	value = leakforms.FoldCase(value)
	probe := value[:min(len(value), 4)]
	if !strings.Contains(leakforms.FoldCase(text), probe) && !mayHide(text) {
		return "" // nothing encoded, and the value's start is not there
	}
	forms := []string{value}
	if crlf := strings.ReplaceAll(value, "\n", "\r\n"); crlf != value {
		forms = append(forms, crlf)
	}
	if squeezed := unfold(value); squeezed != value && len(squeezed) >= looseMinLen {
		forms = append(forms, squeezed)
	}
	found := ""
	decodings(text, func(s, how string) bool {
		s = leakforms.FoldCase(s)
		for _, f := range forms {
			if strings.Contains(s, f) {
				found = how
			}
		}
		return found == ""
	})
	return found
}

// mayHide reports whether text holds anything a decoder would change.
func mayHide(text string) bool {
	return strings.ContainsAny(text, "%+&\\=\x00 \t\uFF01\u3000") || strings.ContainsFunc(text, isFullwidth) ||
		longRun(text, isBase64Char, 8) || longRun(text, isHexOrSeparator, 12)
}

func isFullwidth(r rune) bool { return 0xFF01 <= r && r <= 0xFF5E || r == 0x3000 }

// decodeEach returns s with what dec decodes at each byte in marks
// replaced; dec returns the decoding and the bytes it took, 0 for none.
func decodeEach(s, marks string, dec func(rest string) (string, int)) string {
	i := strings.IndexAny(s, marks)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for ; i >= 0; i = strings.IndexAny(s, marks) {
		b.WriteString(s[:i])
		s = s[i:]
		if d, n := dec(s); n > 0 {
			b.WriteString(d)
			s = s[n:]
		} else {
			b.WriteByte(s[0])
			s = s[1:]
		}
	}
	b.WriteString(s)
	return b.String()
}

// percentDecode decodes each well-formed %XX, and '+' as a space if form.
func percentDecode(s string, form bool) string {
	marks := "%"
	if form {
		marks = "%+"
	}
	return decodeEach(s, marks, func(rest string) (string, int) {
		if rest[0] == '+' {
			return " ", 1
		}
		if len(rest) >= 3 {
			if d, err := url.PathUnescape(rest[:3]); err == nil {
				return d, 3
			}
		}
		return "", 0
	})
}

// jsonUnescape decodes each well-formed JSON escape, letting encoding/json
// decode it (a surrogate pair first, then a single escape).
func jsonUnescape(s string) string {
	return decodeEach(s, `\`, func(rest string) (string, int) {
		rest = lowerEscapeLetters(rest)
		for _, size := range []int{12, 6, 2} {
			if size > len(rest) || size != 2 && rest[1] != 'u' || size == 12 && !highSurrogate(rest[:6]) {
				continue
			}
			var d string
			if json.Unmarshal([]byte(`"`+rest[:size]+`"`), &d) == nil {
				return d, size
			}
		}
		return "", 0
	})
}

// lowerEscapeLetters lower-cases the letters after the backslashes that
// start rest, as a reader of an escaped text upper-cased would: "\U00E9"
// for "\u00e9", "\X41" for "\x41".
func lowerEscapeLetters(rest string) string {
	b := []byte(rest[:min(len(rest), 12)]) // the longest escape the decoders read
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '\\' && 'A' <= b[i+1] && b[i+1] <= 'Z' {
			b[i+1] += 'a' - 'A'
		}
	}
	return string(b)
}

// highSurrogate reports whether esc is \uD800 to \uDBFF, the first half
// of a pair that JSON writes as two escapes.
func highSurrogate(esc string) bool {
	r, err := strconv.ParseUint(esc[2:], 16, 16)
	return err == nil && 0xD800 <= r && r < 0xDC00
}

// goUnescape decodes each well-formed Go string escape with strconv.
func goUnescape(s string) string {
	return decodeEach(s, `\`, func(rest string) (string, int) {
		v, multibyte, tail, err := strconv.UnquoteChar(rest, '"')
		if err != nil {
			lowered := lowerEscapeLetters(rest)
			v, multibyte, tail, err = strconv.UnquoteChar(lowered, '"')
			tail = rest[len(lowered)-len(tail):]
		}
		switch {
		case err != nil:
			return "", 0
		case multibyte:
			return string(v), len(rest) - len(tail)
		}
		return string([]byte{byte(v)}), len(rest) - len(tail)
	})
}

func isBase64Char(c byte) bool {
	return isAlnum(c) || c == '+' || c == '/' || c == '-' || c == '_'
}

// base64Runs replaces each run of eight or more base64 characters (either
// alphabet) with its decodings from each of its first four characters on.
func base64Runs(s string) string {
	return replaceRuns(s, isBase64Char, 8, func(run string) string {
		run = strings.NewReplacer("-", "+", "_", "/").Replace(run)
		var outs []string
		for skip := range min(4, len(run)) {
			r := run[skip:]
			r = r[:len(r)-len(r)%4+map[int]int{0: 0, 1: 0, 2: 2, 3: 3}[len(r)%4]]
			d, _ := base64.RawStdEncoding.DecodeString(r)
			outs = append(outs, string(d))
		}
		return strings.Join(outs, "\n")
	})
}

// base32Runs replaces each run of ten or more base32 characters, in either
// alphabet and case, with its decodings from each of its first eight
// characters on.
func base32Runs(s string) string {
	return replaceRuns(s, isBase32Char, 10, func(run string) string {
		run = strings.ToUpper(run)
		var outs []string
		for _, enc := range []*base32.Encoding{base32.StdEncoding, base32.HexEncoding} {
			enc = enc.WithPadding(base32.NoPadding)
			for skip := range min(8, len(run)) {
				r := run[skip:]
				r = r[:len(r)/8*8+map[int]int{0: 0, 1: 0, 2: 2, 3: 2, 4: 4, 5: 5, 6: 5, 7: 7}[len(r)%8]]
				if d, err := enc.DecodeString(r); err == nil {
					outs = append(outs, string(d))
				}
			}
		}
		return strings.Join(outs, "\n")
	})
}

// hexRuns replaces each run of twelve or more hex digits, perhaps with a
// separator (':', '-' or ' ') between each two, with its decodings from
// its first and second digit on.
func hexRuns(s string) string {
	return replaceRuns(s, isHexOrSeparator, 12, func(run string) string {
		digits := strings.Map(func(r rune) rune {
			if r < utf8.RuneSelf && isHex(byte(r)) {
				return r
			}
			return -1
		}, run)
		var outs []string
		for skip := range min(2, len(digits)) {
			d := digits[skip:]
			b, _ := hex.DecodeString(d[:len(d)/2*2])
			outs = append(outs, string(b))
		}
		return strings.Join(outs, "\n")
	})
}

func isBase32Char(c byte) bool { return isAlnum(c) }

func isHexOrSeparator(c byte) bool { return isHex(c) || c == ':' || c == '-' || c == ' ' }

// quotedPrintableDecode decodes each escape and soft line break with
// mime/quotedprintable.
func quotedPrintableDecode(s string) string {
	return decodeEach(s, "=", func(rest string) (string, int) {
		for _, n := range []int{3, 2} { // "=3D" or "=\r\n", "=\n"
			if n > len(rest) {
				continue
			}
			esc := rest[:n]
			if n == 2 && esc != "=\n" || n == 3 && esc != "=\r\n" && !(isHex(esc[1]) && isHex(esc[2])) {
				continue
			}
			d, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(strings.ToUpper(esc))))
			if err == nil {
				return string(d), n
			}
		}
		return "", 0
	})
}

// fullwidthDecode writes each fullwidth form as the ASCII it stands for.
func fullwidthDecode(s string) string {
	if !strings.ContainsFunc(s, isFullwidth) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == 0x3000:
			return ' '
		case isFullwidth(r):
			return r - 0xFEE0
		}
		return r
	}, s)
}

// unfold takes out the blanks a folded header line shows where it was
// folded (Go joins the lines with a space).
func unfold(s string) string {
	return strings.NewReplacer(" ", "", "\t", "").Replace(s)
}

// replaceRuns replaces each run of at least minRun bytes that are all in
// the set with f of it, and returns s itself when there is no such run.
func replaceRuns(s string, in func(byte) bool, minRun int, f func(string) string) string {
	var b strings.Builder
	done := 0 // s[:done] is written
	for i := 0; i < len(s); {
		if !in(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && in(s[j]) {
			j++
		}
		if j-i >= minRun {
			b.WriteString(s[done:i])
			b.WriteString(f(s[i:j]))
			done = j
		}
		i = j
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

func longRun(s string, in func(byte) bool, n int) bool {
	run := 0
	for i := range len(s) {
		if in(s[i]) {
			run++
			if run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}
