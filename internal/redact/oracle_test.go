package redact

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"net/url"
	"strconv"
	"strings"
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
// leaving everything else as it is.
var decoders = []struct {
	name   string
	decode func(string) string
}{
	{"percent", func(s string) string { return percentDecode(s, false) }},
	{"form", func(s string) string { return percentDecode(s, true) }},
	{"html", html.UnescapeString},
	{"json", jsonUnescape},
	{"go", goUnescape},
	{"base64@0", func(s string) string { return base64Runs(s, 0) }},
	{"base64@1", func(s string) string { return base64Runs(s, 1) }},
	{"base64@2", func(s string) string { return base64Runs(s, 2) }},
	{"base64@3", func(s string) string { return base64Runs(s, 3) }},
	{"hex@0", func(s string) string { return hexRuns(s, 0) }},
	{"hex@1", func(s string) string { return hexRuns(s, 1) }},
}

// decodings returns text and every decoding of it up to oracleDepth layers,
// each with the chain of decoders that produced it.
func decodings(text string) map[string]string {
	seen := map[string]string{text: "as is"}
	layer := []string{text}
	for range oracleDepth {
		var next []string
		for _, s := range layer {
			for _, d := range decoders {
				out := d.decode(s)
				if _, ok := seen[out]; ok || len(seen) >= maxDecodings {
					continue
				}
				seen[out] = seen[s] + " > " + d.name
				next = append(next, out)
			}
		}
		layer = next
	}
	return seen
}

// survivor returns the chain of decoders under which text shows value, ""
// if none does.
func survivor(text, value string) string {
	if !strings.Contains(text, value[:min(len(value), 4)]) && !mayHide(text) {
		return "" // nothing encoded, and the value's start is not there
	}
	for s, how := range decodings(text) {
		if strings.Contains(s, value) {
			return how
		}
	}
	return ""
}

// mayHide reports whether text holds anything a decoder would change.
func mayHide(text string) bool {
	return strings.ContainsAny(text, `%+&\`) || longRun(text, isBase64Char, 8) || longRun(text, isHex, 12)
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
// alphabet) with its decoding from its skip'th character on.
func base64Runs(s string, skip int) string {
	return replaceRuns(s, isBase64Char, 8, func(run string) string {
		run = run[min(skip, len(run)):]
		if len(run)%4 == 1 {
			run = run[:len(run)-1] // a lone character decodes to no byte
		}
		run = strings.NewReplacer("-", "+", "_", "/").Replace(run)
		d, _ := base64.RawStdEncoding.DecodeString(run)
		return string(d)
	})
}

// hexRuns replaces each run of twelve or more hex digits with its decoding
// from its skip'th digit on.
func hexRuns(s string, skip int) string {
	return replaceRuns(s, isHex, 12, func(run string) string {
		run = run[skip:]
		d, _ := hex.DecodeString(run[:len(run)/2*2])
		return string(d)
	})
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
