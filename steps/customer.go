package steps

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/authconform/authconform/internal/httpclient"
)

// Steps of a customer's session: the password grant, the refresh_token
// grant, and answers compared with earlier ones of the same scenario.

// Placeholders a customer's scenarios use besides the configuration's.
const (
	// refreshTokenPlaceholder is the refresh token the scenario's last
	// token answer carried (RFC 6749 §5.1, §6).
	refreshTokenPlaceholder = "refresh_token"
	// rememberedPrefix starts {{remembered.NAME}}: the value remembered
	// as NAME earlier in the scenario.
	rememberedPrefix = "remembered."
)

// runValues are values generated once per run that no target can know: a
// wrong password and an email no customer has. They are the same in every
// scenario of a run, so that the answers to them can be shared like token
// answers: one request serves every scenario that judges it.
func (s *suite) runValues() map[string]string {
	s.runValuesOnce.Do(func() {
		s.runVals = map[string]string{
			"wrong_password": "authconform-wrong-" + randomID(24),
			"unknown_email":  "authconform-unknown-" + randomID(12) + "@example.invalid",
		}
	})
	return s.runVals
}

// learnedValue is a placeholder a scenario fills as it runs: its last
// refresh token, or a value it remembered. ok is false for other names.
func (st *scenario) learnedValue(name string) (value string, ok bool, err error) {
	if name == refreshTokenPlaceholder {
		if st.refreshToken == "" {
			return "", true, fmt.Errorf("{{%s}} is used before any token request of this scenario was answered with a refresh token", refreshTokenPlaceholder)
		}
		return st.refreshToken, true, nil
	}
	key, remembered := strings.CutPrefix(name, rememberedPrefix)
	if !remembered {
		return "", false, nil
	}
	v, known := st.remembered[key]
	if !known {
		return "", true, fmt.Errorf("{{%s}} is used before anything was remembered as %q (with \"the JSON member ... is remembered as %q\")", name, key, key)
	}
	return v, true, nil
}

// rememberMember keeps a string member of the last answer under name, for
// {{remembered.NAME}} and the steps that compare with it.
func (st *scenario) rememberMember(path, name string) error {
	v, err := st.requireMember(path)
	if err != nil {
		return err
	}
	s, ok := v.(string)
	if !ok || s == "" {
		return st.fail("%s = %s; want a non-empty string to remember", path, describeValue(v))
	}
	st.remembered[name] = s
	return nil
}

// thenMemberNotEquals checks a member is a string other than the given
// value: a new token, not the one presented.
func (st *scenario) thenMemberNotEquals(path, other string) error {
	other, err := st.expand(other)
	if err != nil {
		return err
	}
	v, err := st.requireMember(path)
	if err != nil {
		return err
	}
	s, ok := v.(string)
	switch {
	case !ok || s == "":
		return st.fail("%s = %s; want a non-empty string, other than %q", path, describeValue(v), other)
	case s == other:
		return st.fail("%s is %q again; want another value", path, other)
	}
	return nil
}

// thenMembersExactly checks the top-level members of the answer's object
// are the listed ones, no more and no fewer, in any order: the exact sets
// Commerce Layer's own tests assert.
func (st *scenario) thenMembersExactly(list string) error {
	want, err := commaList(list, "member", "member names", "access_token, token_type")
	if err != nil {
		return err
	}
	ex, err := st.last()
	if err != nil {
		return err
	}
	doc, err := st.jsonBody(ex, "a JSON object with exactly the members "+strings.Join(want, ", "))
	if err != nil {
		return err
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return st.fail("the body is %s; want an object with exactly the members %s", describeBody(doc), strings.Join(want, ", "))
	}
	got := slices.Sorted(maps.Keys(m))
	var missing, extra []string
	for _, name := range want {
		if _, ok := m[name]; !ok {
			missing = append(missing, name)
		}
	}
	for _, name := range got {
		if !slices.Contains(want, name) {
			extra = append(extra, name)
		}
	}
	if len(missing) == 0 && len(extra) == 0 {
		return nil
	}
	return st.fail("members = %s; want exactly %s (missing: %s; not expected: %s)",
		strings.Join(got, ", "), strings.Join(want, ", "), orNone(missing), orNone(extra))
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// rememberAnswer keeps the last answer under name, for a later step that
// compares another answer with it.
func (st *scenario) rememberAnswer(name string) error {
	ex, err := st.last()
	if err != nil {
		return err
	}
	if st.rememberedAnswers == nil {
		st.rememberedAnswers = map[string]*httpclient.Exchange{}
	}
	st.rememberedAnswers[name] = ex
	return nil
}

// errorFacts are what an error answer tells a client: its status, its
// OAuth error code, the code's description and Commerce Layer's code.
var errorFacts = []struct{ name, path, rfcPath string }{
	{"error code", "errors.0.title", "error"},
	{"description", "errors.0.detail", "error_description"},
	{"code", "errors.0.code", ""},
}

// thenNotToldApart checks the last answer says what the one remembered as
// name said, fact by fact: the same status, error code and descriptions.
// Two refusals of different credentials that differ tell the client which
// credential was wrong (which emails are customers').
func (st *scenario) thenNotToldApart(name string) error {
	prev, ok := st.rememberedAnswers[name]
	if !ok {
		return fmt.Errorf("no answer remembered as %q (with \"the response is remembered as %q\")", name, name)
	}
	ex, err := st.last()
	if err != nil {
		return err
	}
	if ex.Status != prev.Status {
		return st.fail("status = %d; the answer remembered as %q had %d; want the same answer, which tells nothing of which was wrong", ex.Status, name, prev.Status)
	}
	now, _ := decodeJSON(ex.Body)
	before, _ := decodeJSON(prev.Body)
	for _, f := range errorFacts {
		for _, path := range []string{f.path, f.rfcPath} {
			if path == "" {
				continue
			}
			a, inNow := member(now, path)
			b, inBefore := member(before, path)
			if inNow != inBefore || !sameJSON(a, b) {
				return st.fail("%s (%s) = %s; the answer remembered as %q had %s; want the same answer, which tells nothing of which was wrong",
					f.name, path, describeMaybe(a, inNow), name, describeMaybe(b, inBefore))
			}
		}
	}
	return nil
}

func describeMaybe(v any, present bool) string {
	if !present {
		return "nothing"
	}
	return describeValue(v)
}

// refreshTokensSeen are the refresh tokens the scenario's answers carried,
// its own and borrowed, for the reproduce line's variable names.
func (st *scenario) refreshTokensSeen() map[string]bool {
	seen := map[string]bool{}
	exs := slices.Clone(st.exchanges)
	for _, bx := range st.borrowed {
		exs = append(exs, bx.ex)
	}
	for _, ex := range exs {
		doc, err := decodeJSON(ex.Body)
		if err != nil {
			continue
		}
		if m, ok := doc.(map[string]any); ok {
			if s, ok := m["refresh_token"].(string); ok && s != "" {
				seen[s] = true
			}
		}
	}
	return seen
}
