package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"net/url"
	"strings"
)

// patternsFor lists what to look for in the decoded views of a text to find
// v: v as a view shows it, and the base64 and hex forms of v as it goes on
// the wire. Escaped forms need no pattern of their own: the views decode
// them, whatever subset of v's bytes they escape.
func patternsFor(v string) []string {
	ps := viewForms(v)
	for _, w := range wireForms(v) {
		ps = append(ps, base64Cores(w)...)
	}
	h := hex.EncodeToString([]byte(v))
	return append(ps, h, strings.ToUpper(h))
}

// lookalikes reports whether v holds a byte that starts an escape: '%',
// '&' or a backslash. Views decoding every kind of escape at once may show
// such a value in no form it was registered in: one layer's escapes come
// off before another's, and a backslash of v's decoded early pairs with one
// the next layer still needs (v starting with a backslash, percent-encoded,
// then JSON-escaped twice). Only views decoding one kind at a time, outer
// layers first, show it as it was. A value without such a byte takes part
// in no escape, however early it is decoded.
func lookalikes(v string) bool {
	return strings.ContainsAny(v, `%&\`)
}

// viewForms is v and what the views make of v when v itself holds
// something that reads as an escape: a view decodes every escape it meets,
// so a secret holding "%41" shows as "A" once the layer around it is gone.
// Forms shorter than MinLen are left out; they would mask ordinary text.
func viewForms(v string) []string {
	forms := []string{v}
	for range maxUnescape - 1 {
		d := unescapeString(forms[len(forms)-1])
		if d == forms[len(forms)-1] || len(d) < MinLen {
			break
		}
		forms = append(forms, d)
	}
	return forms
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
