package steps

import (
	"strconv"

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
	values := reproValues(st.suite.Target, st.tokensSeen())
	for _, v := range st.grantReproValues() {
		values = append(values, repro.Value{Text: v.text, Var: v.name, Hint: v.hint})
	}
	line, err := repro.FromRequest(req, values, st.suite.Redactor.String).String()
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

// reproValues are the values a line reads from variables: the target's
// secrets, named by the variables they were read from, then the tokens,
// named AUTHCONFORM_ACCESS_TOKEN, AUTHCONFORM_ACCESS_TOKEN_2, ... A token
// shorter than the redactor's minimum is no secret anywhere and stays
// text; a token that is also a secret is the secret.
func reproValues(t config.Target, tokens []string) []repro.Value {
	var vals []repro.Value
	seen := map[string]bool{"": true}
	for _, s := range t.SecretSources() {
		if !seen[s.Secret] {
			seen[s.Secret] = true
			vals = append(vals, repro.Value{Text: s.Secret, Var: s.Var, File: s.File, Path: s.Path})
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
		vals = append(vals, repro.Value{Text: tok, Var: name, Hint: tokenHint})
	}
	return vals
}
