package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"mime/quotedprintable"
	"net/url"
	"strings"
	"unicode/utf8"
)

// patternsFor lists what to look for in the decoded views of a text to find
// v: v as a view shows it, and the base64 and hex forms of v as it goes on
// the wire. Escaped forms need no pattern of their own: the views decode
// them, whatever subset of v's bytes they escape.
//
// Patterns are matched with ASCII case folded (see fold), so one pattern
// serves every case. A value of looseMinLen bytes or more is also looked
// for with white space left out (see scanSqueezed), so its forms are
// registered without white space too.
func patternsFor(v string) []string {
	ps := viewForms(v)
	// Case is folded for ASCII only: letters past it are matched upper- or
	// lower-cased as wholes. Line ends may come back as CRLF (as
	// quoted-printable text writes them).
	for _, c := range []string{strings.ToUpper(v), strings.ToLower(v), strings.ReplaceAll(v, "\n", "\r\n")} {
		if foldString(c) != foldString(v) {
			ps = append(ps, viewForms(c)...)
		}
	}
	for _, w := range wireForms(v) {
		ps = append(ps, base64Cores(w)...)
	}
	ps = append(ps, hex.EncodeToString([]byte(v)))
	ps = append(ps, quotedPrintableForms(v)...)
	if len(v) >= looseMinLen {
		for _, p := range ps {
			if q := squeeze(p); q != p && len(q) >= looseMinLen {
				ps = append(ps, q)
			}
		}
	}
	return ps
}

// squeeze is s without spaces and tabs.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && isBlank(byte(r)) {
			return -1
		}
		return r
	}, s)
}

// quotedPrintableForms are v quoted-printable encoded, as text and as
// binary (line breaks as they are, or escaped), when that changes v: a
// text escaped in one place does not read as quoted-printable (see
// quotedPrintable), so v must be known in that form. Soft line breaks are
// left out; they make a text read as quoted-printable.
func quotedPrintableForms(v string) []string {
	var forms []string
	for _, binary := range []bool{false, true} {
		var b bytes.Buffer
		w := quotedprintable.NewWriter(&b)
		w.Binary = binary
		_, _ = w.Write([]byte(v)) // writing to a buffer cannot fail
		_ = w.Close()
		if q := strings.ReplaceAll(b.String(), "=\r\n", ""); q != v {
			forms = append(forms, q)
		}
	}
	return forms
}

// lookalikes reports whether v holds a byte that starts an escape: '%',
// '&' or a backslash, a quoted-printable escape ("=00"), or the fullwidth
// form of one of them. Views decoding every kind of escape at once may show
// such a value in no form it was registered in: one layer's escapes come
// off before another's, and a backslash of v's decoded early pairs with one
// the next layer still needs (v starting with a backslash, percent-encoded,
// then JSON-escaped twice). Only views decoding one kind at a time, outer
// layers first, show it as it was. A value without such a byte takes part
// in no escape, however early it is decoded.
func lookalikes(v string) bool {
	if strings.ContainsAny(v, "%&\\\uFF05\uFF06\uFF3C\uFF1D") {
		return true
	}
	for i := range len(v) {
		if _, n := quotedPrintableAt([]byte(v[i:]), nil); v[i] == '=' && n > 0 {
			return true
		}
	}
	return false
}

// viewForms is v and what the views make of v when v itself holds
// something that reads as an escape: a view decodes every escape it meets,
// so a secret holding "%41" shows as "A" once the layer around it is gone.
// Forms shorter than MinLen are left out; they would mask ordinary text.
// Views decoding quoted-printable too make more of it ("=41" is "A").
func viewForms(v string) []string {
	forms := []string{v}
	for _, kinds := range []escapeKinds{allEscapes, allEscapes | qpEscapes} {
		last := v
		for range maxUnescape - 1 {
			d := unescapeKinds(last, kinds)
			if d == last || len(d) < MinLen {
				break
			}
			forms = append(forms, d)
			last = d
		}
	}
	return forms
}

// wideUTF16 reports whether v's UTF-16 form (either byte order) has a
// stretch of more than utf16Gap bytes without a zero byte: the scan finds
// UTF-16 in a text by its zero bytes (see utf16Regions), and looks
// everywhere only for such a value.
func wideUTF16(v string) bool {
	run := 0
	for _, r := range v {
		units := 1
		if r > 0xFFFF {
			units = 2
		}
		if r <= 0xFF || r&0xFF == 0 && units == 1 {
			run = 0
			continue
		}
		run += 2 * units
		if run > utf16Gap/2 {
			return true
		}
	}
	return false
}

// wireForms are the ways v is commonly written before something else
// encodes it: HTTP Basic is base64 of form-encoded parts, and a server may
// base64 a JSON or HTML fragment.
func wireForms(v string) []string {
	return []string{
		v,
		url.QueryEscape(v),
		url.PathEscape(v),
		jsonString(v, true),
		jsonString(v, false),
		html.EscapeString(v),
	}
}

// jsonString is v as the inside of a JSON string, with <, > and & escaped
// or not (encoding/json escapes them unless told otherwise).
func jsonString(v string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(v) // a string always encodes
	s := strings.TrimSuffix(b.String(), "\n")
	return s[1 : len(s)-1]
}

// base64Cores returns, for each of the three byte offsets w can have inside
// a larger base64-encoded blob, the run of characters that w's bytes alone
// determine, in the standard and the URL alphabet. Masking that run leaves
// nothing that decodes to w, whatever the blob around it.
func base64Cores(w string) []string {
	var cores []string
	for off := range 3 {
		blob := make([]byte, off+len(w)+2)
		copy(blob[off:], w)
		// Character k carries bits [6k, 6k+6); w holds bits [8off, 8(off+len)).
		lo, hi := (8*off+5)/6, 8*(off+len(w))/6
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			cores = append(cores, enc.EncodeToString(blob)[lo:hi])
		}
	}
	return cores
}
