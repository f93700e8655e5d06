package steps

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/repro"
)

// reproUnwritable stands in for a command that cannot be written. It is a
// comment, so pasting it runs nothing.
const reproUnwritable = "# no curl command: this request cannot be written as shell words (a NUL byte, or a header name that is not an HTTP token)"

// tokenHint is what the line says when the token it needs is unset.
const tokenHint = "set it to a token the target issued, as the run never prints one"

// reproLine is a curl command that sends req again, for a person to paste
// into bash. It is built from the request's parts, with every configured
// secret and every token the scenario saw turned into a variable before
// anything is quoted (see internal/repro): a secret is read from the
// variable, or the file, the run read it from; a token from a variable the
// line says to set. What else the redactor masks is masked in the literal
// text, before quoting too. A line the redactor would still change is
// withheld: nothing rewrites a line once it is quoted.
func (st *scenario) reproLine(req httpclient.Request) string {
	b := reproBuilder{subs: reproSubstitutions(st.suite.Target, st.tokensSeen()), mask: st.suite.Redactor.String}
	line, err := b.command(req).String()
	if err != nil {
		return reproUnwritable
	}
	return repro.Checked(line, st.suite.Redactor.String)
}

// tokensSeen are the tokens the scenario's answers carried, its own and
// borrowed, the access token it holds first.
func (st *scenario) tokensSeen() []string {
	toks := []string{st.accessToken}
	for _, bx := range st.borrowed {
		toks = append(toks, issuedTokens(bx.ex)...)
	}
	for _, ex := range st.exchanges {
		toks = append(toks, issuedTokens(ex)...)
	}
	return toks
}

// substitution is a value the line reads from a variable.
type substitution struct {
	value string
	name  string
	file  bool
	token bool // the line needs it set and says so
}

// reproSubstitutions are the target's secrets, named by the variables they
// were read from, then the tokens, named AUTHCONFORM_ACCESS_TOKEN,
// AUTHCONFORM_ACCESS_TOKEN_2, ...: the longest first, so that a value
// holding another is replaced whole. A token shorter than the redactor's
// minimum is no secret anywhere and stays text; a token that is also a
// secret is the secret.
func reproSubstitutions(t config.Target, tokens []string) []substitution {
	var subs []substitution
	seen := map[string]bool{"": true}
	for _, s := range t.SecretSources() {
		if !seen[s.Secret] {
			seen[s.Secret] = true
			subs = append(subs, substitution{value: s.Secret, name: s.Var, file: s.File})
		}
	}
	n := 0
	for _, tok := range tokens {
		if len(tok) < redact.MinLen || seen[tok] {
			continue
		}
		seen[tok] = true
		n++
		name := "AUTHCONFORM_ACCESS_TOKEN"
		if n > 1 {
			name += "_" + strconv.Itoa(n)
		}
		subs = append(subs, substitution{value: tok, name: name, token: true})
	}
	slices.SortStableFunc(subs, func(a, b substitution) int { return len(b.value) - len(a.value) })
	return subs
}

// reproBuilder turns a request into a repro.Command.
type reproBuilder struct {
	subs     []substitution
	mask     func(string) string
	required []repro.Required
}

func (b *reproBuilder) command(req httpclient.Request) repro.Command {
	c := repro.Command{Method: req.Method, URL: b.arg(req.URL, repro.Raw, repro.Form)}
	for _, name := range slices.Sorted(maps.Keys(req.Header)) {
		vals := req.Header[name]
		if user, ok := basicUser(name, vals); ok {
			c.User = b.userArg(user)
			continue
		}
		for _, v := range vals {
			c.Header = append(c.Header, repro.Header{Name: name, Value: b.arg(v, repro.Raw)})
		}
	}
	if len(req.Body) > 0 {
		c.Body = b.arg(string(req.Body), repro.Raw, repro.JSON, repro.Form)
	}
	c.Required = b.required
	return c
}

// basicUser is the "id:secret" an Authorization header sends with HTTP
// Basic, when it is one well-formed credential: curl's -u sends it again.
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
func (b *reproBuilder) userArg(user string) repro.Arg {
	id, secret, _ := strings.Cut(user, ":")
	a := b.arg(id, repro.Raw, repro.Form)
	a = append(a, repro.Part{Text: ":"})
	return append(a, b.arg(secret, repro.Raw, repro.Form)...)
}

// arg splits text at every substitution written in one of the escapes the
// place allows (the value as it is, form-encoded, or JSON-escaped), the
// leftmost and then the longest first. The text between is masked.
func (b *reproBuilder) arg(text string, escapes ...repro.Escape) repro.Arg {
	a := repro.Arg{}
	for text != "" {
		at, size, s, v := b.find(text, escapes)
		if v == nil {
			break
		}
		if at > 0 {
			a = append(a, repro.Part{Text: b.mask(text[:at])})
		}
		a = append(a, repro.Part{Var: v})
		b.require(s)
		text = text[at+size:]
	}
	if text != "" {
		a = append(a, repro.Part{Text: b.mask(text)})
	}
	return a
}

// find is the first substitution in text: where, how long, which, and the
// variable that writes it again (nil: none).
func (b *reproBuilder) find(text string, escapes []repro.Escape) (at, size int, sub substitution, v *repro.Var) {
	at = -1
	for _, s := range b.subs {
		for _, e := range escapes {
			written, shellEscape := writtenAs(s.value, e)
			i := strings.Index(text, written)
			if i < 0 || at >= 0 && (i > at || i == at && len(written) <= size) {
				continue
			}
			at, size, sub = i, len(written), s
			v = &repro.Var{Name: s.name, File: s.file, Escape: shellEscape}
		}
	}
	return at, size, sub, v
}

// writtenAs is how the suite wrote value in a request with escape e, and
// the escape the line applies to the variable to write it again: none
// where the escape leaves the value as it is. A JSON body holds what
// encoding/json wrote; the line's JSON escape writes fewer characters as
// escapes, for the same JSON string.
func writtenAs(value string, e repro.Escape) (string, repro.Escape) {
	switch e {
	case repro.JSON:
		q, _ := json.Marshal(value)
		written := string(q[1 : len(q)-1])
		if repro.JSON.Apply(value) == value {
			return written, repro.Raw
		}
		return written, repro.JSON
	case repro.Form:
		written := url.QueryEscape(value)
		if written == value {
			return written, repro.Raw
		}
		return written, repro.Form
	}
	return value, repro.Raw
}

// require notes that the line needs s's variable set, for a token.
func (b *reproBuilder) require(s substitution) {
	if !s.token || slices.ContainsFunc(b.required, func(r repro.Required) bool { return r.Name == s.name }) {
		return
	}
	b.required = append(b.required, repro.Required{Name: s.name, Hint: tokenHint})
}
