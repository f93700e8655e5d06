package steps

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/authconform/authconform/internal/httpclient"
)

// tokenMembers name the members whose values are credentials a target
// issues. A hostile or broken target may put them anywhere: nested, twice
// (JSON keeps only the last of duplicate keys), in a form body, in a body
// with bytes after the JSON, in a redirect's URL.
var tokenMembers = map[string]bool{"access_token": true, "refresh_token": true, "id_token": true, "token": true}

// issuedTokens finds every token an answer carries, so that each one is
// masked in every output from then on, whatever the answer's shape.
func issuedTokens(ex *httpclient.Exchange) []string {
	out := jsonTokens(ex.Body)
	if bytes.IndexByte(ex.Body, '=') >= 0 {
		out = append(out, formTokens(string(ex.Body))...)
	}
	for name, vs := range ex.Header {
		if strings.EqualFold(name, "WWW-Authenticate") {
			continue // a challenge, not a credential
		}
		for _, v := range vs {
			if b, ok := strings.CutPrefix(v, "Bearer "); ok || strings.EqualFold(name, "Authorization") {
				out = append(out, strings.TrimSpace(b))
			}
			if strings.EqualFold(name, "Location") {
				if u, err := url.Parse(v); err == nil {
					out = append(out, formTokens(u.RawQuery)...)
					out = append(out, formTokens(u.Fragment)...)
				}
			}
		}
	}
	return out
}

// jsonTokens reads the body as a stream of JSON tokens and collects the
// string values of token members at any depth, duplicates included. It
// stops at the first byte that is not JSON, keeping what it found.
func jsonTokens(body []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(body))
	var out []string
	// inObject[i]: the i-th open container is an object; keyNext: the
	// next string in that object is a member name.
	var inObject []bool
	keyNext := false
	lastKey := ""
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				inObject, keyNext = append(inObject, true), true
				continue
			case '[':
				inObject, keyNext = append(inObject, false), false
				continue
			default:
				inObject = inObject[:len(inObject)-1]
			}
		case string:
			if keyNext {
				lastKey, keyNext = t, false
				continue
			}
			if tokenMembers[lastKey] && len(inObject) > 0 && inObject[len(inObject)-1] {
				out = append(out, t)
			}
		}
		// A value ended: inside an object, a member name comes next.
		keyNext = len(inObject) > 0 && inObject[len(inObject)-1]
		lastKey = ""
	}
}

// formTokens reads form-encoded text, keeping every pair it can parse.
func formTokens(s string) []string {
	var out []string
	for _, pair := range strings.FieldsFunc(s, func(r rune) bool { return r == '&' || r == ';' }) {
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			continue
		}
		k, errK := url.QueryUnescape(strings.TrimSpace(k))
		v, errV := url.QueryUnescape(v)
		if errK == nil && errV == nil && tokenMembers[k] {
			out = append(out, v)
		}
	}
	return out
}
