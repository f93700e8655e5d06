package repro

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/authconform/authconform/internal/httpclient"
)

// Value is a value a line reads from a variable instead of holding it: a
// secret, a token.
type Value struct {
	Text string
	// Var is the variable holding it, or with File the path of a file
	// holding it.
	Var  string
	File bool
	// Path is the path of a file holding it, when no variable holds the
	// path (a settings file named it): the line reads that file.
	Path string
	// Hint, when set, makes the line stop, saying it, while Var is unset:
	// for a value a person must set before pasting (a token).
	Hint string
}

// FromRequest is the command that sends req again: each of values (the
// longest first, so that a value holding another is read whole) is read
// from its variable wherever the request carries it, as it is, JSON-escaped
// or form-encoded; every other piece of text passes through mask before it
// is quoted. An Authorization header holding one HTTP Basic credential is
// sent again with -u.
func FromRequest(req httpclient.Request, values []Value, mask func(string) string) Command {
	values = slices.Clone(values)
	slices.SortStableFunc(values, func(a, b Value) int { return len(b.Text) - len(a.Text) })
	b := builder{values: values, mask: mask}
	c := Command{Method: req.Method, URL: b.arg(req.URL, Raw, Form)}
	for _, name := range slices.Sorted(maps.Keys(req.Header)) {
		vals := req.Header[name]
		if user, ok := basicUser(name, vals); ok {
			c.User = b.userArg(user)
			continue
		}
		for _, v := range vals {
			c.Header = append(c.Header, Header{Name: name, Value: b.arg(v, Raw)})
		}
	}
	if len(req.Body) > 0 {
		c.Body = b.arg(string(req.Body), Raw, JSON, Form)
	}
	c.Required = b.required
	return c
}

// builder splits a request's text at the values.
type builder struct {
	values   []Value
	mask     func(string) string
	required []Required
}

// basicUser is the "id:secret" an Authorization header sends with HTTP
// Basic, when it is one well-formed credential.
func basicUser(name string, vals []string) (string, bool) {
	if !strings.EqualFold(name, "Authorization") || len(vals) != 1 {
		return "", false
	}
	scheme, cred, ok := strings.Cut(vals[0], " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return "", false
	}
	raw, err := base64.StdEncoding.DecodeString(cred)
	if err != nil || base64.StdEncoding.EncodeToString(raw) != cred || !strings.Contains(string(raw), ":") {
		return "", false
	}
	return string(raw), true
}

// userArg is -u's argument: the id and the secret as the header carried
// them (RFC 6749 §2.3.1 form-encodes each), split at the first colon as
// curl splits it.
func (b *builder) userArg(user string) Arg {
	id, secret, _ := strings.Cut(user, ":")
	a := append(b.arg(id, Raw, Form), Part{Text: ":"})
	return append(a, b.arg(secret, Raw, Form)...)
}

// arg splits text at every value written with one of the escapes the
// place allows, the leftmost and then the longest first. The text between
// is masked.
func (b *builder) arg(text string, escapes ...Escape) Arg {
	a := Arg{}
	for text != "" {
		at, size, v, part := b.find(text, escapes)
		if part == nil {
			break
		}
		if at > 0 {
			a = append(a, Part{Text: b.mask(text[:at])})
		}
		a = append(a, Part{Var: part})
		if v.Hint != "" && !slices.ContainsFunc(b.required, func(r Required) bool { return r.Name == v.Var }) {
			b.required = append(b.required, Required{Name: v.Var, Hint: v.Hint})
		}
		text = text[at+size:]
	}
	if text != "" {
		a = append(a, Part{Text: b.mask(text)})
	}
	return a
}

// find is the first value in text: where, how long, which, and the
// variable that writes it again (nil: none).
func (b *builder) find(text string, escapes []Escape) (at, size int, val Value, v *Var) {
	at = -1
	for _, value := range b.values {
		if value.Text == "" {
			continue
		}
		for _, e := range escapes {
			written, shellEscape := writtenAs(value.Text, e)
			i := strings.Index(text, written)
			if i < 0 || at >= 0 && (i > at || i == at && len(written) <= size) {
				continue
			}
			at, size, val = i, len(written), value
			v = &Var{Name: value.Var, File: value.File, Path: value.Path, Escape: shellEscape}
		}
	}
	return at, size, val, v
}

// writtenAs is how the suite writes value in a request with escape e, and
// the escape the line applies to the variable to write it again: none
// where the escape leaves the value as it is. A JSON body holds what
// encoding/json wrote; the line's JSON escape writes fewer characters as
// escapes (not <, > or &), for the same JSON string.
func writtenAs(value string, e Escape) (string, Escape) {
	switch e {
	case JSON:
		q, _ := json.Marshal(value)
		written := string(q[1 : len(q)-1])
		if JSON.Apply(value) == value {
			return written, Raw
		}
		return written, JSON
	case Form:
		written := url.QueryEscape(value)
		if written == value {
			return written, Raw
		}
		return written, Form
	}
	return value, Raw
}
