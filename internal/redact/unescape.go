package redact

import (
	"fmt"
	"html"
	"sync"
	"unicode/utf8"
)

// A view is a text with one or more layers of escapes decoded. Byte i of the
// view was decoded from bytes [start[i], end[i]) of the original text, so a
// value found in the view is masked where it really sits, escapes and all.
// The original text is its own view; its maps are nil.
//
// For a text cut for display, a view may leave undecoded the escapes at its
// end that the cut may have shortened, from cut on, as found by partial
// (partialEscape or lastPartialEscape); so do the views decoded from it.
// Otherwise partial is nil and cut is len(text).
type view struct {
	text       []byte
	start, end []int32
	cut        int
	partial    func([]byte) int
	// edits, for a view decoded from another by unescape, are the ranges
	// [edits[2k], edits[2k+1]) of text that escapes decoded to (empty for
	// one that decoded to nothing); everywhere else the view repeats the one
	// it came from. Nil for a view to be searched whole.
	edits []int32
	// deferred: unescape left an escape for the next layer, reading it as
	// escaped by a layer around it ("&#7%39;"); it may as well have been
	// written before that layer ("&#00052" then "%35"), which only views
	// decoding one kind at a time show.
	deferred bool
	// loose: the view left out blanks (see unfoldedView); only matches of
	// looseMinLen bytes or more count in it and the views decoded from it.
	loose bool
}

// escapeKinds is a set of kinds of escape, each named by the byte that
// starts it: percent-encoding, HTML character references, JSON and Go
// backslash escapes, quoted-printable, and the fullwidth forms of ASCII
// (U+FF01 to U+FF5E, and U+3000 for the space), which read as the ASCII
// they stand for.
type escapeKinds uint8

const (
	percentEscapes escapeKinds = 1 << iota
	htmlEscapes
	backslashEscapes
	fullwidthEscapes
	// qpEscapes ("=3D", and soft line breaks "=\r\n") are decoded only in
	// views of their own: "=" before two hex digits is everywhere in form
	// bodies ("client_id=AB12"), where reading it as an escape would break
	// a value sent in the clear.
	qpEscapes
	allEscapes = percentEscapes | htmlEscapes | backslashEscapes | fullwidthEscapes
)

// kindOf is the kind of escape a byte starts, 0 for most bytes.
var kindOf = [256]escapeKinds{
	'%': percentEscapes, '&': htmlEscapes, '\\': backslashEscapes, '=': qpEscapes,
	0xEF: fullwidthEscapes, 0xE3: fullwidthEscapes, // lead bytes of U+FF01..U+FF5E and U+3000
}

// unescape decodes one layer of the given kinds of escape, all at once,
// left to right as each decoder would: an escape's output is not decoded
// again in the same pass. It reports false, having allocated nothing, when
// there is nothing to decode.
func (v *view) unescape(kinds escapeKinds) (view, bool) {
	src := v.text[:v.cut]
	var scratch [8]byte
	deferred := false
	i, dec, n := nextEscape(src, 0, kinds, scratch[:0], &deferred)
	if n == 0 {
		return view{}, false
	}
	out := newBuffers(len(v.text))
	out.partial, out.loose = v.partial, v.loose
	done := 0          // src[:done] is in out
	fullwidthFrom := 0 // out.text[fullwidthFrom:] was all decoded from fullwidth forms
	for n > 0 {
		if done < i {
			out.copyFrom(v, done, i)
			fullwidthFrom = len(out.text)
		}
		if kindOf[src[i]] != fullwidthEscapes {
			fullwidthFrom = len(out.text) + len(dec)
		} else if extendsReference(out.text, fullwidthFrom, dec) {
			// Left for the next layer, as the reference before it is.
			out.copyFrom(v, i, i+n)
			fullwidthFrom = len(out.text)
			done = i + n
			deferred = true
			i, dec, n = nextEscape(src, done, kinds, scratch[:0], &deferred)
			continue
		}
		s, e := v.span(i, i+n)
		at := int32(len(out.text))
		for _, b := range dec {
			out.text = append(out.text, b)
			out.start = append(out.start, int32(s))
			out.end = append(out.end, int32(e))
		}
		if k := len(out.edits); k > 0 && out.edits[k-1] == at {
			out.edits[k-1] = int32(len(out.text))
		} else {
			out.edits = append(out.edits, at, int32(len(out.text)))
		}
		done = i + n
		i, dec, n = nextEscape(src, done, kinds, scratch[:0], &deferred)
	}
	out.deferred = deferred
	out.copyFrom(v, done, len(src))
	out.cut = len(out.text)
	if v.partial != nil {
		// The bytes left undecoded may have finished an escape this layer
		// holds: as far as this view can tell, the cut falls before it.
		out.cut = v.partial(out.text)
	}
	out.copyFrom(v, len(src), len(v.text))
	return out, true
}

// extendsReference reports whether dec, a fullwidth form decoded, would
// extend the numeric character reference without a semicolon that out ends
// with ("&#0065319" then "１"), one that this pass did not decode from
// fullwidth forms (out[fullwidthFrom:]) too: the reference was escaped by
// a layer this pass removes, and decoding the two in one pass would join
// them, as their encoder did not.
func extendsReference(out []byte, fullwidthFrom int, dec []byte) bool {
	if len(dec) != 1 || !isAlnum(dec[0]) && dec[0] != ';' {
		return false
	}
	// A reference holds a dozen characters at most: looking further back
	// would make a long run of fullwidth letters quadratic.
	i := len(out)
	for i > 0 && i > len(out)-longestReference && isAlnum(out[i-1]) {
		i--
	}
	if i > 0 && (out[i-1] == 'x' || out[i-1] == 'X') && i-1 > 0 && out[i-2] == '#' {
		i--
	}
	return i >= 2 && i < len(out) && out[i-1] == '#' && out[i-2] == '&' && i-2 < fullwidthFrom
}

// longestReference bounds how far back extendsReference looks: "&#x" and
// eight hex digits, with leading zeros to spare.
const longestReference = 16

// spare holds the buffers of views no longer needed, for the next ones: a
// scan may decode a dozen views of a large text, and reports are redacted
// one after another.
var spare sync.Pool

// newBuffers returns an empty view with room for n bytes.
func newBuffers(n int) view {
	if p, ok := spare.Get().(*view); ok && cap(p.text) >= n {
		return view{text: p.text[:0], start: p.start[:0], end: p.end[:0], edits: p.edits[:0]}
	}
	return view{text: make([]byte, 0, n), start: make([]int32, 0, n), end: make([]int32, 0, n)}
}

// release hands a decoded view's buffers back for reuse; v must not be used
// after.
func (v *view) release() {
	if v.start != nil {
		spare.Put(&view{text: v.text, start: v.start, end: v.end, edits: v.edits})
	}
}

// nextEscape finds the first well-formed escape of the given kinds in src
// from i on: where it is, what it decodes to (appended to dst) and how long
// it is, 0 if there is none.
//
// A reference left for the next layer (see continuedByEscape) sets
// *deferred, when deferred is not nil.
func nextEscape(src []byte, i int, kinds escapeKinds, dst []byte, deferred *bool) (int, []byte, int) {
	for ; i < len(src); i++ {
		if kindOf[src[i]]&kinds == 0 {
			continue
		}
		if dec, n := unescapeAt(src[i:], kinds, dst); n > 0 {
			return i, dec, n
		}
		if deferred != nil && !*deferred && kindOf[src[i]] == htmlEscapes && kinds != htmlEscapes {
			_, n := unescapeAt(src[i:], htmlEscapes, dst)
			*deferred = n > 0
		}
	}
	return len(src), dst, 0
}

// copyFrom appends the bytes [i, j) of from to v, as they are.
func (v *view) copyFrom(from *view, i, j int) {
	v.text = append(v.text, from.text[i:j]...)
	if from.start != nil {
		v.start = append(v.start, from.start[i:j]...)
		v.end = append(v.end, from.end[i:j]...)
		return
	}
	for k := i; k < j; k++ {
		v.start = append(v.start, int32(k))
		v.end = append(v.end, int32(k+1))
	}
}

// unescapeString decodes one layer of s, as unescape does.
func unescapeString(s string) string { return unescapeKinds(s, allEscapes) }

// unescapeKinds decodes one layer of the given kinds of escape in s.
func unescapeKinds(s string, kinds escapeKinds) string {
	v := newView([]byte(s), nil)
	if d, changed := v.unescape(kinds); changed {
		return string(d.text)
	}
	return s
}

// unescapeAt decodes the escape at the start of s, appending it to dst, as
// part of a pass decoding the given kinds. It returns the number of bytes of
// s decoded, 0 when s does not start with a well-formed escape.
func unescapeAt(s []byte, kinds escapeKinds, dst []byte) ([]byte, int) {
	switch s[0] {
	case '%':
		if len(s) >= 3 && isHex(s[1]) && isHex(s[2]) {
			return append(dst, unhex(s[1])<<4|unhex(s[2])), 3
		}
		return dst, 0
	case '&':
		if len(s) >= 2 && s[1] == '#' {
			return numericRefAt(s, kinds, dst)
		}
		return namedRefAt(s, kinds, dst)
	case '=':
		return quotedPrintableAt(s, dst)
	case 0xEF, 0xE3:
		return fullwidthAt(s, dst)
	}
	return backslashAt(s, dst)
}

// quotedPrintableAt decodes "=3D" (either case) or a soft line break, "="
// at the end of a line, which quoted-printable inserts to keep lines short
// and which decodes to nothing (RFC 2045 §6.7; white space before the line
// break is transport padding and goes with it). Only what encoders escape
// is read as an escape: "=", controls, blanks and bytes past ASCII; "=54"
// is more likely a form field whose value starts with "54".
func quotedPrintableAt(s, dst []byte) ([]byte, int) {
	if len(s) >= 3 && isHex(s[1]) && isHex(s[2]) {
		if c := unhex(s[1])<<4 | unhex(s[2]); c == '=' || c <= ' ' || c >= 0x7F {
			return append(dst, c), 3
		}
		return dst, 0
	}
	i := 1
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	switch {
	case i < len(s) && s[i] == '\n':
		return dst, i + 1
	case i+1 < len(s) && s[i] == '\r' && s[i+1] == '\n':
		return dst, i + 2
	}
	return dst, 0
}

// fullwidthAt decodes a fullwidth form of an ASCII character (U+FF01 to
// U+FF5E, UTF-8 EF BC 81 to EF BD 9E) or the ideographic space (U+3000).
func fullwidthAt(s, dst []byte) ([]byte, int) {
	if len(s) < 3 {
		return dst, 0
	}
	switch {
	case s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80:
		return append(dst, ' '), 3
	case s[0] == 0xEF && (s[1] == 0xBC && s[2] >= 0x81 && s[2] <= 0xBF || s[1] == 0xBD && s[2] >= 0x80 && s[2] <= 0x9E):
		r := rune(s[1]&0x03)<<6 | rune(s[2]&0x3F) // the low 8 bits of U+FFxx
		return append(dst, byte(r+0x20)), 3
	}
	return dst, 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// hexValue reads n hex digits at the start of s.
func hexValue(s []byte, n int) (rune, bool) {
	if len(s) < n {
		return 0, false
	}
	var r rune
	for _, c := range s[:n] {
		if !isHex(c) {
			return 0, false
		}
		r = r<<4 | rune(unhex(c))
	}
	return r, true
}

// numericRefAt decodes "&#115;", "&#x73;" or "&#X73;", the semicolon
// optional and leading zeros allowed, as the html package does (its rune
// arithmetic wraps, so a wrapped number decodes as it would there).
func numericRefAt(s []byte, kinds escapeKinds, dst []byte) ([]byte, int) {
	i, base := 2, rune(10)
	if i < len(s) && (s[i] == 'x' || s[i] == 'X') {
		i, base = 3, 16
	}
	digits := i
	var x rune
	for ; i < len(s); i++ {
		d := digitValue(s[i], base)
		if d < 0 {
			break
		}
		x = base*x + d
	}
	if i == digits || continuedByEscape(s[i:], kinds, func(c byte) bool { return digitValue(c, base) >= 0 }) {
		return dst, 0
	}
	if i < len(s) && s[i] == ';' {
		i++
	}
	return utf8.AppendRune(dst, htmlRune(x)), i
}

// continuedByEscape reports whether rest, what follows a reference that
// needs no semicolon, starts with an escape that the same pass decodes to a
// byte the reference would take in (per more, or a semicolon). Such a
// reference is left for the next pass: the escape around it was applied
// after it ("&#7%39;" is "&#79;" percent-encoded once more), and only that
// pass shows it whole.
func continuedByEscape(rest []byte, kinds escapeKinds, more func(byte) bool) bool {
	// Fullwidth forms are not escapes applied around a reference: a
	// fullwidth digit after one is a character of its own.
	if len(rest) == 0 || kindOf[rest[0]]&kinds&^(htmlEscapes|fullwidthEscapes) == 0 {
		return false
	}
	var scratch [8]byte
	dec, n := unescapeAt(rest, kinds, scratch[:0])
	if n > 0 && len(dec) == 0 {
		// A soft line break: the reference goes on after it.
		rest = rest[n:]
		return len(rest) > 0 && (more(rest[0]) || rest[0] == ';' || continuedByEscape(rest, kinds, more))
	}
	return n > 0 && len(dec) == 1 && (more(dec[0]) || dec[0] == ';')
}

// digitValue is c's value as a digit in base 10 or 16, -1 if it is none.
func digitValue(c byte, base rune) rune {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0')
	case base == 16 && isHex(c):
		return rune(unhex(c))
	}
	return -1
}

// windows1252 holds what the html package makes of references to the C1
// controls (0x80 to 0x9F): the characters Windows-1252 puts there.
var windows1252 = func() (t [32]rune) {
	for i := range t {
		r, _ := utf8.DecodeRuneInString(html.UnescapeString(fmt.Sprintf("&#%d;", 0x80+i)))
		t[i] = r
	}
	return t
}()

func htmlRune(x rune) rune {
	switch {
	case 0x80 <= x && x <= 0x9F:
		return windows1252[x-0x80]
	case x == 0, 0xD800 <= x && x <= 0xDFFF, x > utf8.MaxRune, x < 0:
		return utf8.RuneError
	}
	return x
}

// Entity names are at most 31 letters and digits long ("&CounterClockwise
// ContourIntegral;"); the legacy ones, allowed without the semicolon, at
// most 6.
const (
	longestEntity       = 31
	longestLegacyEntity = 6
)

// namedRefAt decodes a named character reference such as "&amp;" or the
// legacy "&amp" with the html package's full table, taking the same
// longest-match choices it does.
func namedRefAt(s []byte, kinds escapeKinds, dst []byte) ([]byte, int) {
	n := 1
	for n < len(s) && isAlnum(s[n]) {
		n++
	}
	name := n - 1
	if name == 0 || continuedByEscape(s[n:], kinds, isAlnum) {
		return dst, 0
	}
	if name <= longestEntity && n < len(s) && s[n] == ';' {
		ref := string(s[:n+1])
		if dec := html.UnescapeString(ref); dec != ref {
			return append(dst, dec...), n + 1
		}
	}
	for k := min(name, longestLegacyEntity); k >= 2; k-- {
		// A legacy name alone decodes to one character; a shorter legacy
		// name followed by more letters decodes to more than one.
		ref := string(s[:k+1])
		if dec := html.UnescapeString(ref); dec != ref && utf8.RuneCountInString(dec) == 1 {
			return append(dst, dec...), k + 1
		}
	}
	return dst, 0
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// simpleEscapes are the one-letter backslash escapes of JSON and Go, in
// either case: an escaped text whose case was changed still reads as
// escapes ("\N" for "\n").
var simpleEscapes = [256]byte{
	'"': '"', '\\': '\\', '/': '/', '\'': '\'',
	'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v',
	'A': '\a', 'B': '\b', 'F': '\f', 'N': '\n', 'R': '\r', 'T': '\t', 'V': '\v',
}

// backslashAt decodes a JSON escape or a Go string escape (strconv.Quote
// writes "\x00", "\u00e9", "\U0001f600"; Go also reads octal "\101").
func backslashAt(s, dst []byte) ([]byte, int) {
	if len(s) < 2 {
		return dst, 0
	}
	c := s[1]
	if b := simpleEscapes[c]; b != 0 {
		return append(dst, b), 2
	}
	switch {
	case c == 'u':
		return utf16EscapeAt(s, dst)
	case c == 'U':
		if r, ok := hexValue(s[2:], 8); ok && utf8.ValidRune(r) {
			return utf8.AppendRune(dst, r), 10
		}
		return utf16EscapeAt(s, dst) // "\u00e9" upper-cased
	case c == 'x' || c == 'X':
		if r, ok := hexValue(s[2:], 2); ok {
			return append(dst, byte(r)), 4
		}
	case '0' <= c && c <= '3':
		if len(s) >= 4 && isOctal(s[2]) && isOctal(s[3]) {
			return append(dst, (c-'0')<<6|(s[2]-'0')<<3|(s[3]-'0')), 4
		}
	}
	return dst, 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isOctal(c byte) bool { return '0' <= c && c <= '7' }

// utf16EscapeAt decodes "\uXXXX", joining a surrogate pair written as two
// escapes as JSON does; a lone surrogate reads as U+FFFD, as JSON decoders
// make of it. A first half followed by a backslash that does not finish
// the pair is left for the next layer, which may: a layer around the
// escapes can split the pair ("\ud83d\u=\r\nde00" in quoted-printable).
func utf16EscapeAt(s, dst []byte) ([]byte, int) {
	r, ok := hexValue(s[2:], 4)
	if !ok {
		return dst, 0
	}
	if r < 0xD800 || r > 0xDFFF {
		return utf8.AppendRune(dst, r), 6
	}
	if r < 0xDC00 && len(s) >= 12 && s[6] == '\\' && (s[7] == 'u' || s[7] == 'U') {
		if lo, ok := hexValue(s[8:], 4); ok && 0xDC00 <= lo && lo <= 0xDFFF {
			return utf8.AppendRune(dst, 0x10000+(r-0xD800)<<10+(lo-0xDC00)), 12
		}
	}
	if r < 0xDC00 && len(s) > 6 && s[6] == '\\' && !isEscapedLowSurrogateStart(s[6:]) {
		return dst, 0
	}
	return utf8.AppendRune(dst, utf8.RuneError), 6
}

// isEscapedLowSurrogateStart reports whether s, which starts with a
// backslash, is a whole escape that is not the second half of a surrogate
// pair, so that what precedes it is alone for good.
func isEscapedLowSurrogateStart(s []byte) bool {
	if len(s) >= 6 && (s[1] == 'u' || s[1] == 'U') {
		_, ok := hexValue(s[2:], 4)
		return ok
	}
	return len(s) >= 2 && simpleEscapes[s[1]] != 0
}

// partialEscape returns where the escapes begin that the end of b may cut
// short ("%2", "&#11", "&am", "\u00", the first half of a surrogate pair),
// or len(b) if b does not end inside one. A cut through nested escapes
// leaves one unfinished escape per layer ("%\u003": a percent-encoding of
// which the JSON-escaped '3' was cut), so it walks back through all of them.
func partialEscape(b []byte) int {
	end := len(b)
	for {
		p := lastPartialEscape(b[:end])
		if p == end {
			return end
		}
		end = p
	}
}

// lastPartialEscape is where the last escape in b begins if b cuts it
// short, len(b) if not.
func lastPartialEscape(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-2-longestEntity; i-- {
		if kindOf[b[i]] == 0 {
			continue
		}
		if !unfinished(b[i:]) {
			return len(b)
		}
		if i >= 6 && isHighSurrogateEscape(b[i-6:i]) {
			i -= 6
		}
		return i
	}
	return len(b)
}

// unfinished reports whether more bytes could turn esc, which starts with
// '%', '&' or '\', into a longer escape.
func unfinished(esc []byte) bool {
	r := esc[1:]
	if len(r) == 0 {
		return true
	}
	switch esc[0] {
	case '%':
		return len(r) == 1 && isHex(r[0])
	case '=':
		return len(r) == 1 && (isHex(r[0]) || r[0] == '\r') || allOf(r, isBlank)
	case 0xEF:
		return len(r) == 1 && (r[0] == 0xBC || r[0] == 0xBD)
	case 0xE3:
		return len(r) == 1 && r[0] == 0x80
	case '&':
		if r[0] == '#' {
			r = r[1:]
			if len(r) > 0 && (r[0] == 'x' || r[0] == 'X') {
				return allOf(r[1:], isHex)
			}
			return allOf(r, isDigit)
		}
		return len(r) <= longestEntity && allOf(r, isAlnum)
	}
	switch {
	case r[0] == 'u':
		return len(r) <= 4 && allOf(r[1:], isHex) || isHighSurrogateEscape(esc)
	case r[0] == 'U':
		return len(r) <= 8 && allOf(r[1:], isHex) || isHighSurrogateEscape(esc)
	case r[0] == 'x' || r[0] == 'X':
		return len(r) <= 2 && allOf(r[1:], isHex)
	case '0' <= r[0] && r[0] <= '3':
		return len(r) <= 2 && allOf(r[1:], isOctal)
	}
	return false
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

func isHighSurrogateEscape(b []byte) bool {
	if len(b) != 6 || b[0] != '\\' || b[1] != 'u' && b[1] != 'U' {
		return false
	}
	r, ok := hexValue(b[2:], 4)
	return ok && 0xD800 <= r && r < 0xDC00
}

func allOf(b []byte, f func(byte) bool) bool {
	for _, c := range b {
		if !f(c) {
			return false
		}
	}
	return true
}
