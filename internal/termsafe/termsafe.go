// Package termsafe keeps text that came from outside the tool (a target's
// answer, a certificate, a file, a library's error) from acting on the
// terminal or the page that shows it.
//
// Forbidden are the characters a terminal or a viewer acts on instead of
// showing: C0 controls, DEL, C1 controls (U+0080–U+009F; a terminal may
// read U+009B as CSI), the bidirectional controls (U+061C, U+200E, U+200F,
// U+202A–U+202E, U+2066–U+2069), which reorder what is shown, and the line
// and paragraph separators U+2028 and U+2029; and bytes that are not
// UTF-8. Each is shown as a visible escape: \n, \r and \t for those three,
// \xHH for any other byte below 0x80 and for a byte that is not UTF-8,
// \uHHHH for a character at or above U+0080.
//
// Two ways in:
//   - String shows a value on one line so that it can be read back
//     exactly: a backslash the reader could take for the start of an
//     escape is shown doubled, so no two values look alike.
//   - Clean and Writer are the guard on text and on output streams: they
//     escape the forbidden characters only, keeping line breaks and tabs
//     (which the output formats write themselves) and backslashes, so
//     text already shown through String passes unchanged (Clean is
//     idempotent).
package termsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Forbidden reports whether r must not reach a terminal or a page as it is.
// Line breaks and tabs are forbidden too: whether an output keeps them is
// the caller's choice (see Text and Clean).
func Forbidden(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
		return true
	case r == '\u2028' || r == '\u2029':
		return true
	}
	return r > 0x600 && unicode.Is(unicode.Bidi_Control, r)
}

// String shows s on one line: every forbidden character and every byte
// that is not UTF-8 escaped, and a backslash doubled where it could be
// read as the start of an escape. Distinct values give distinct results.
func String(s string) string {
	if plain(s, false) && strings.IndexByte(s, '\\') < 0 {
		return s
	}
	return string(escape(make([]byte, 0, len(s)+16), s, false, true))
}

// Clean escapes s's forbidden characters and bytes that are not UTF-8,
// keeping line breaks, tabs and backslashes: the guard on text that may
// hold values from outside not shown through String, such as a library's
// error or a JSON body (whose own escapes it keeps). What it gives is
// safe to show, though a backslash in such a value may read ambiguously.
// It is idempotent: guarding twice, or guarding String's output, changes
// nothing.
func Clean(s string) string {
	if plain(s, true) {
		return s
	}
	return string(escape(make([]byte, 0, len(s)+16), s, true, false))
}

// CleanBytes is Clean for a byte slice. It returns b itself when nothing
// needs escaping.
func CleanBytes(b []byte) []byte {
	s := string(b)
	if plain(s, true) {
		return b
	}
	return escape(make([]byte, 0, len(b)+16), s, true, false)
}

// kept reports whether a line break or tab stays as it is.
func kept(r rune, keepLines bool) bool { return keepLines && (r == '\n' || r == '\t') }

// plain reports whether s holds no forbidden character to escape (but
// those keepLines keeps) and no byte that is not UTF-8. Only bytes
// outside printable ASCII make it look further.
func plain(s string, keepLines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			continue
		}
		if c < 0x80 {
			if !kept(rune(c), keepLines) {
				return false
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || Forbidden(r) {
			return false
		}
		i += size - 1
	}
	return true
}

// escape appends s to out with its forbidden characters (but those
// keepLines keeps) and its bytes that are not UTF-8 escaped; reversible
// doubles each backslash that could be read as the start of an escape.
func escape(out []byte, s string, keepLines, reversible bool) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\\' && reversible && ambiguousAfter(s[i+1:], keepLines):
			out = append(out, '\\', '\\')
		case r == utf8.RuneError && size == 1:
			out = appendByte(out, s[i])
		case Forbidden(r) && !kept(r, keepLines):
			out = appendRune(out, r)
		default:
			out = append(out, s[i:i+size]...)
		}
		i += size
	}
	return out
}

// ambiguousAfter reports whether a backslash followed by rest would be
// read as the start of an escape: rest begins with a letter an escape
// uses, another backslash, or something that is itself escaped (whose
// escape begins with a backslash).
func ambiguousAfter(rest string, keepLines bool) bool {
	if rest == "" {
		return false
	}
	switch rest[0] {
	case '\\', 'x', 'u', 'n', 'r', 't':
		return true
	}
	r, size := utf8.DecodeRuneInString(rest)
	return r == utf8.RuneError && size == 1 || Forbidden(r) && !kept(r, keepLines)
}

// appendByte escapes one byte: a control character below 0x80, or a byte
// that is not UTF-8.
func appendByte(out []byte, c byte) []byte {
	switch c {
	case '\n':
		return append(out, '\\', 'n')
	case '\r':
		return append(out, '\\', 'r')
	case '\t':
		return append(out, '\\', 't')
	}
	return fmt.Appendf(out, `\x%02x`, c)
}

// appendRune escapes a forbidden character: below 0x80 as a byte, else as
// \uHHHH (every forbidden character lies below U+10000).
func appendRune(out []byte, r rune) []byte {
	if r < 0x80 {
		return appendByte(out, byte(r))
	}
	return fmt.Appendf(out, `\u%04x`, r)
}
