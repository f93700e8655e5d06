package bench

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	messages "github.com/cucumber/messages/go/v34"
)

// The floor's steps and placeholders of a customer's session (the
// password and refresh_token grants): values the scenario learns as it
// runs, answers shared whatever they are, and checks that compare an
// answer with an earlier one.

// floorRunValues are the values the suite generates once per run; the
// same shape, so the request log masks both alike.
var floorRunValues = map[string]string{
	"wrong_password": "authconform-wrong-Hs7Kq2Lm9Xw4Zp6Rt8Vb3Nc5",
	"unknown_email":  "authconform-unknown-Tq4Lm9Zr2Kx7@example.invalid",
}

// floorLearned matches the placeholders a scenario fills as it runs: its
// last refresh token and the values it remembered.
var floorLearned = regexp.MustCompile(`\{\{\s*(refresh_token|remembered\.[A-Za-z0-9_]+)\s*\}\}`)

// refreshToken is the refresh token a successful answer carries, or "".
func (a *floorAnswer) refreshToken() string {
	if a.status < 200 || a.status > 299 {
		return ""
	}
	m, _ := a.doc.(map[string]any)
	tok, _ := m["refresh_token"].(string)
	return tok
}

// learned is the value of a learned placeholder's name.
func (st *floorState) learned(name string) (string, error) {
	if name == "refresh_token" {
		if st.refreshToken == "" {
			return "", fmt.Errorf("no refresh token: a token request of this scenario must be answered with one first")
		}
		return st.refreshToken, nil
	}
	key := strings.TrimPrefix(name, "remembered.")
	v, ok := st.remembered[key]
	if !ok {
		return "", fmt.Errorf("nothing remembered as %q", key)
	}
	return v, nil
}

// fillLearned puts the learned values in a JSON body, escaped as JSON.
func (st *floorState) fillLearned(body []byte) ([]byte, error) {
	return st.fill0(body, func(v string) string {
		q, _ := json.Marshal(v)
		return string(q[1 : len(q)-1])
	})
}

// fillText puts the learned values in a check's argument, as they are.
func (st *floorState) fillText(text string) (string, error) {
	out, err := st.fill0([]byte(text), func(v string) string { return v })
	return string(out), err
}

func (st *floorState) fill0(text []byte, escape func(string) string) ([]byte, error) {
	var err error
	out := floorLearned.ReplaceAllFunc(text, func(ph []byte) []byte {
		v, e := st.learned(string(floorLearned.FindSubmatch(ph)[1]))
		if e != nil && err == nil {
			err = e
		}
		return []byte(escape(v))
	})
	return out, err
}

// sharedAnswer is "the answer to the token request with the JSON body:":
// the first answer, of any kind, the run got to the same request, or the
// request sent now.
func (b *floorBuilder) sharedAnswer(m []string, arg *messages.PickleStepArgument) error {
	if err := b.jsonBody(m, arg); err != nil {
		return err
	}
	fr, err := b.post(b.target.TokenURL())
	if err != nil {
		return err
	}
	if fr.bodyAround != nil || fr.learned {
		return fmt.Errorf("the floor does not share an answer to a body holding a value the scenario learns")
	}
	fr.takesToken, fr.anyAnswer = true, floorTokenKey(b.req.params)
	b.sent = append(b.sent, fr)
	return nil
}

// floorCustomerSteps are the Then steps (and the remembering steps, which
// the floor runs as checks on the answer they read) of a customer's
// session.
var floorCustomerSteps = []floorCheckStep{
	{re(`^the JSON member "([^"]*)" is remembered as "([A-Za-z0-9_]+)"$`), rememberMember},
	{re(`^the response is remembered as "([^"]*)"$`), rememberAnswer},
	{re(`^the JSON member "([^"]*)" should not equal "([^"]*)"$`), memberNotEquals},
	{re(`^the JSON members should be exactly "([^"]*)"$`), membersExactly},
	{re(`^the response should not be told apart from the one remembered as "([^"]*)"$`), notToldApart},
}

func rememberMember(_ *floorBuilder, m []string) (floorCheck, error) {
	path, name := m[1], m[2]
	return floorCheck{across: true, check: func(a *floorAnswer, st *floorState) error {
		v, err := a.member(path)
		if err != nil {
			return err
		}
		s, _ := v.(string)
		if s == "" {
			return fmt.Errorf("%s = %s; want a string to remember", path, describe(v))
		}
		if st.remembered == nil {
			st.remembered = map[string]string{}
		}
		st.remembered[name] = s
		return nil
	}}, nil
}

func rememberAnswer(_ *floorBuilder, m []string) (floorCheck, error) {
	name := m[1]
	return floorCheck{across: true, check: func(a *floorAnswer, st *floorState) error {
		if st.answers == nil {
			st.answers = map[string]*floorAnswer{}
		}
		st.answers[name] = a
		return nil
	}}, nil
}

func memberNotEquals(b *floorBuilder, m []string) (floorCheck, error) {
	path := m[1]
	text, err := b.expandValue(m[2])
	if err != nil {
		return floorCheck{}, err
	}
	return floorCheck{across: floorLearned.MatchString(text), check: func(a *floorAnswer, st *floorState) error {
		other, err := st.fillText(text)
		if err != nil {
			return err
		}
		v, err := a.member(path)
		if err != nil {
			return err
		}
		if s, _ := v.(string); s == "" || s == other {
			return fmt.Errorf("%s = %s; want a string other than %q", path, describe(v), other)
		}
		return nil
	}}, nil
}

func membersExactly(_ *floorBuilder, m []string) (floorCheck, error) {
	var want []string
	for name := range strings.SplitSeq(m[1], ",") {
		want = append(want, strings.TrimSpace(name))
	}
	slices.Sort(want)
	return onAnswer(func(a *floorAnswer) error {
		obj, ok := a.doc.(map[string]any)
		if !ok {
			return fmt.Errorf("body is not a JSON object; want the members %q", want)
		}
		if got := slices.Sorted(maps.Keys(obj)); !slices.Equal(got, want) {
			return fmt.Errorf("members = %q; want exactly %q", got, want)
		}
		return nil
	}), nil
}

// notToldApart compares the status and the error's code, description and
// Commerce Layer code with the remembered answer's.
func notToldApart(_ *floorBuilder, m []string) (floorCheck, error) {
	name := m[1]
	return floorCheck{across: true, check: func(a *floorAnswer, st *floorState) error {
		prev, ok := st.answers[name]
		if !ok {
			return fmt.Errorf("no answer remembered as %q", name)
		}
		if a.status != prev.status {
			return fmt.Errorf("status = %d; the one remembered as %q had %d", a.status, name, prev.status)
		}
		for _, path := range []string{"errors.0.title", "error", "errors.0.detail", "error_description", "errors.0.code"} {
			x, okA := floorMember(a.doc, path)
			y, okB := floorMember(prev.doc, path)
			if okA != okB || fmt.Sprint(x) != fmt.Sprint(y) {
				return fmt.Errorf("%s = %s; the one remembered as %q had %s", path, describe(x), name, describe(y))
			}
		}
		return nil
	}}, nil
}

// TestFloorCustomerSteps verifies the floor's steps of a customer's
// session on the answers they judge.
func TestFloorCustomerSteps(t *testing.T) {
	now := time.Now()
	answer := func(status int, body string) *floorAnswer { return newFloorAnswer(status, nil, []byte(body), now) }
	st := &floorState{}
	remember := compileCheck(t, `the JSON member "refresh_token" is remembered as "first"`)
	notEqual := compileCheck(t, `the JSON member "refresh_token" should not equal "{{remembered.first}}"`)
	owner := compileCheck(t, `the JSON member "owner_id" should equal "{{remembered.first}}"`)
	if err := notEqual.check(answer(200, `{"refresh_token":"b"}`), st); err == nil || !strings.Contains(err.Error(), `nothing remembered as "first"`) {
		t.Errorf("not equal with nothing remembered: %v; want an error saying so", err)
	}
	if err := remember.check(answer(200, `{"refresh_token":"a"}`), st); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		check   floorCheck
		body    string
		wantErr string
	}{
		{notEqual, `{"refresh_token":"b"}`, ""},
		{notEqual, `{"refresh_token":"a"}`, `want a string other than "a"`},
		{owner, `{"owner_id":"a"}`, ""},
		{owner, `{"owner_id":"z"}`, `owner_id = "z"; want "a"`},
		{compileCheck(t, `the JSON members should be exactly "b, a"`), `{"a":1,"b":2}`, ""},
		{compileCheck(t, `the JSON members should be exactly "b, a"`), `{"a":1}`, "want exactly"},
	} {
		err := c.check.check(answer(200, c.body), st)
		if (c.wantErr == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("%s on %s: %v; want %q", c.check.step, c.body, err, c.wantErr)
		}
	}
	rememberWrong := compileCheck(t, `the response is remembered as "wrong"`)
	apart := compileCheck(t, `the response should not be told apart from the one remembered as "wrong"`)
	refusal := `{"error":"invalid_grant","error_description":"bad"}`
	if err := rememberWrong.check(answer(400, refusal), st); err != nil {
		t.Fatal(err)
	}
	if err := apart.check(answer(400, refusal), st); err != nil {
		t.Errorf("the same refusal: %v", err)
	}
	if err := apart.check(answer(400, `{"error":"invalid_grant","error_description":"no such email"}`), st); err == nil {
		t.Errorf("another description passed; want it refused")
	}
}
