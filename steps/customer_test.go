package steps

import (
	"strings"
	"testing"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
)

// customerRow is a line judging an answer after an earlier one: the
// earlier answer gets the line remember, then the answer gets the line.
type customerRow struct {
	name              string
	earlierStatus     int
	earlier, remember string
	status            int
	body, line        string
	want              string // "" = the line passes; else a part of its error
}

const (
	exactlyLine   = `And the JSON members should be exactly "access_token, token_type, expires_in, scope, created_at"`
	rememberRT    = `And the JSON member "refresh_token" is remembered as "first_refresh_token"`
	notEqualRT    = `And the JSON member "refresh_token" should not equal "{{remembered.first_refresh_token}}"`
	rememberWrong = `And the response is remembered as "wrong password"`
	toldApart     = `Then the response should not be told apart from the one remembered as "wrong password"`
	refusalCL     = `{"errors":[{"title":"invalid_grant","detail":"The provided authorization grant is invalid.","code":"BAD_REQUEST","status":400}]}`
)

func customerRows() []customerRow {
	told := strings.Replace(refusalCL, "The provided authorization grant is invalid.", "No customer has this email.", 1)
	return []customerRow{
		{"exact members", 200, tokenBody, "", 200, tokenBody, exactlyLine, ""},
		{"exact members, in another order", 200, tokenBody, "", 200, `{"created_at":1,"scope":"s","expires_in":1,"token_type":"bearer","access_token":"t"}`, exactlyLine, ""},
		{"exact members, one more", 200, tokenBody, "", 200, strings.Replace(tokenBody, "{", `{"refresh_token":"rt",`, 1), exactlyLine, "not expected: refresh_token"},
		{"exact members, one missing", 200, tokenBody, "", 200, `{"access_token":"t","token_type":"bearer","expires_in":1,"scope":"s"}`, exactlyLine, "missing: created_at; not expected: none"},
		{"exact members, not an object", 200, tokenBody, "", 200, `["access_token"]`, exactlyLine, "the body is an array"},
		{"exact members, an empty item", 200, tokenBody, "", 200, tokenBody, `And the JSON members should be exactly "access_token, "`, "an empty item"},
		{"a new refresh token", 200, `{"refresh_token":"rt-first-token"}`, rememberRT, 200, `{"refresh_token":"rt-second-token"}`, notEqualRT, ""},
		{"the refresh token again", 200, `{"refresh_token":"rt-first-token"}`, rememberRT, 200, `{"refresh_token":"rt-first-token"}`, notEqualRT, "again; want another value"},
		{"no refresh token", 200, `{"refresh_token":"rt-first-token"}`, rememberRT, 200, `{"refresh_token":null}`, notEqualRT, "refresh_token = null; want a non-empty string"},
		{"nothing to remember", 200, `{"refresh_token":7}`, rememberRT, 200, `{"refresh_token":"rt-second-token"}`, notEqualRT, "want a non-empty string to remember"},
		{"remembered under another name", 200, `{"refresh_token":"rt-first-token"}`, `And the JSON member "refresh_token" is remembered as "other"`, 200, `{"refresh_token":"rt-second-token"}`, notEqualRT, `before anything was remembered as "first_refresh_token"`},
		{"the same refusal", 400, refusalCL, rememberWrong, 400, refusalCL, toldApart, ""},
		{"the same refusal, RFC 6749's shape", 400, `{"error":"invalid_grant","error_description":"bad"}`, rememberWrong, 400, `{"error":"invalid_grant","error_description":"bad"}`, toldApart, ""},
		{"another status", 400, refusalCL, rememberWrong, 401, refusalCL, toldApart, "status = 401; the answer remembered as \"wrong password\" had 400"},
		{"another description", 400, refusalCL, rememberWrong, 400, told, toldApart, `description (errors.0.detail) = "No customer has this email." (string); the answer remembered as "wrong password" had "The provided authorization grant is invalid." (string)`},
		{"another code", 400, refusalCL, rememberWrong, 400, strings.Replace(refusalCL, "invalid_grant", "invalid_request", 1), toldApart, `error code (errors.0.title) = "invalid_request"`},
		{"a description only one has", 400, `{"error":"invalid_grant"}`, rememberWrong, 400, `{"error":"invalid_grant","error_description":"unknown email"}`, toldApart, "the answer remembered as \"wrong password\" had nothing"},
		{"nothing remembered", 400, refusalCL, "", 400, refusalCL, toldApart, `no answer remembered as "wrong password"`},
	}
}

// run plays the row: the earlier answer and its line, which must pass
// unless the row is about that line, then the answer and its line.
func (r customerRow) run(t *testing.T, s *suite) error {
	st := answered(s, r.earlierStatus, nil, r.earlier)
	if r.remember != "" {
		if err := runLine(t, st, r.remember, nil); err != nil {
			return err
		}
	}
	receive(st, r.status, nil, r.body)
	return runLine(t, st, r.line, nil)
}

// TestCustomerSteps verifies the steps of a customer's session, reached
// through their sentences, pass on right answers and fail, saying why, on
// wrong ones.
func TestCustomerSteps(t *testing.T) {
	s := testSuite(t)
	for _, tt := range customerRows() {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			checkOutcome(t, tt.line, tt.run(t, s), tt.want)
		})
	}
}

// TestRefreshTokenPlaceholder verifies {{refresh_token}} is the refresh
// token of the scenario's last token answer that had one, kept through a
// refused refresh, and an error before any; and that a refresh token is
// masked from the moment an answer carries it.
func TestRefreshTokenPlaceholder(t *testing.T) {
	st := newScenario(testSuite(t))
	if _, err := st.expand("{{refresh_token}}"); err == nil || !strings.Contains(err.Error(), "before any token request") {
		t.Errorf("{{refresh_token}} before any answer = %v; want an error saying so", err)
	}
	receive(st, 200, nil, `{"access_token":"at-0123456789","refresh_token":"rt-0123456789"}`)
	receive(st, 400, nil, refusalCL)
	if got, err := st.expand("{{refresh_token}}"); err != nil || got != "rt-0123456789" {
		t.Errorf("{{refresh_token}} after a refused refresh = %q, %v; want the refresh token from before", got, err)
	}
	if got := st.suite.Redactor.String("token rt-0123456789"); strings.Contains(got, "rt-0123456789") {
		t.Errorf("the redactor shows a refresh token the target issued: %q", got)
	}
}

// TestCustomerValues verifies the customer's placeholders: the configured
// email and password, the password noted as sent (masked, and looked for
// in echoes), and a wrong password and an unknown email that are the same
// in every scenario of a run, so their answers can be shared, and new in
// each run.
func TestCustomerValues(t *testing.T) {
	s := testSuite(t)
	s.Target.Customer = config.Customer{Email: "buyer@example.test", Password: "customer-password-1"}
	a, b := newScenario(s), newScenario(s)
	got, err := a.expandJSON(`{{customer.email}} {{customer.password}} {{wrong_password}}`)
	if err != nil || !strings.HasPrefix(got, "buyer@example.test customer-password-1 authconform-wrong-") {
		t.Errorf("expand = %q, %v", got, err)
	}
	for _, secret := range []string{"customer-password-1", a.vars["wrong_password"]} {
		if !strings.Contains(strings.Join(a.sentSecrets, "\n"), secret) {
			t.Errorf("%q is not noted as a sent secret", secret)
		}
	}
	for _, name := range []string{"wrong_password", "unknown_email"} {
		if a.vars[name] != b.vars[name] {
			t.Errorf("%s differs between two scenarios of a run; want one value per run", name)
		}
		if a.vars[name] == newScenario(testSuite(t)).vars[name] {
			t.Errorf("%s is the same in two runs; want a new value per run", name)
		}
	}
	if tag := catalog.CredentialTag("customer.email"); tag != "@customer" {
		t.Errorf("CredentialTag(customer.email) = %q; want @customer", tag)
	}
}

// TestErrorAnswerIsShared verifies "the answer to the token request with
// the JSON body:" judges the answer, an error included, that an earlier
// scenario of the run got to the same request, without asking again.
func TestErrorAnswerIsShared(t *testing.T) {
	const wrong = `{"grant_type": "password", "client_id": "{{sales_channel.client_id}}", "username": "a@example.test", "password": "{{wrong_password}}"}`
	lt := fakeTarget{refuse: served{400, refusalCL}}.start(t)
	s := lt.suite(t)
	s.PlanSharing([]catalog.Case{
		{URI: "f.feature", Scenario: "earlier", Steps: []catalog.Step{{Text: "a token request with the JSON body:", Arg: wrong}, {Text: "the token request is sent"}}},
		{URI: "f.feature", Scenario: "later", Steps: []catalog.Step{{Text: answerStep, Arg: wrong}}},
	})
	earlier := newScenario(s)
	if _, err := earlier.start(t.Context(), pickle("f.feature", "earlier")); err != nil {
		t.Fatal(err)
	}
	if err := play(t, earlier, line{requestLine, wrong}, line{sentLine, ""}, line{"Then the response status should be 400", ""}); err != nil {
		t.Fatalf("the earlier scenario: %v", err)
	}
	later := newScenario(s)
	if _, err := later.start(t.Context(), pickle("f.feature", "later")); err != nil {
		t.Fatal(err)
	}
	if err := play(t, later, line{"Given the answer to the token request with the JSON body:", wrong}, line{`And the OAuth error should be "invalid_grant"`, ""}); err != nil {
		t.Fatalf("the later scenario: %v", err)
	}
	if n := len(lt.requests(tokenPath)); n != 1 {
		t.Errorf("the target got %d token requests; want 1, shared", n)
	}
	if len(later.borrowed) != 1 || len(later.exchanges) != 0 {
		t.Errorf("the later scenario borrowed %d answers and sent %d requests; want 1 and 0", len(later.borrowed), len(later.exchanges))
	}
}

// pickle is the scenario godog starts, as PlanSharing names it.
func pickle(uri, name string) *godog.Scenario { return &godog.Scenario{Uri: uri, Name: name} }
