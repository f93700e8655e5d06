package steps

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cucumber/godog"
	"github.com/go-jose/go-jose/v4"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/verdict"
)

// The steps of the grants that act for someone: the authorize endpoint's
// answer, the webapp's lifetime, a custom claim copied unchanged, the
// codes and assertions, and what a reproduce line makes of them.

const (
	authorizePath   = "/oauth/authorize"
	testRedirect    = "https://app.example.test/cb?app=1"
	redirectLine    = "Then the answer should redirect to the webapp's redirect_uri with a code and the state sent"
	askLine         = "When the authorize endpoint is asked for a code for the webapp"
	webappLifetime  = `And the JSON member "expires_in" should be the webapp's lifetime, as configured or else as the token says`
	customClaimLine = `And the token claim "custom_claim" should equal the JSON value `
	sentClaim       = `{"greeting": "Grüße ✓", "n": [1, 2.5, null], "ok": true}`
)

// authorizer is an authorize endpoint that redirects to location, in
// which {{state}} is the state it was sent, with status.
type authorizer struct {
	status   int
	location string
}

func (a authorizer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a.location != "" {
		w.Header().Set("Location", strings.ReplaceAll(a.location, "{{state}}", url.QueryEscape(r.URL.Query().Get("state"))))
	}
	w.WriteHeader(a.status)
}

// webappSuite is testSuite with a webapp and an authorize endpoint at
// authorizeURL.
func webappSuite(t *testing.T, authorizeURL string) *suite {
	s := (&liveTarget{origin: "http://127.0.0.1:1"}).suite(t)
	s.Target.Webapp = config.Client{ID: "webapp-1", Secret: "webapp-secret-1"}
	s.Target.RedirectURI = testRedirect
	s.Target.AuthorizeURL = authorizeURL
	return s
}

// grantRow is a Then step of these grants on one answer, and what it
// must conclude.
type grantRow struct {
	name      string
	authorize authorizer // for redirect rows
	target    fakeTarget // for token rows
	lifetime  int        // AUTHCONFORM_WEBAPP_EXPIRES_IN; 0: unset
	line, doc string
	want      string // "" = the line passes; else a part of its error
}

func grantRows() []grantRow {
	const good = "https://app.example.test/cb?app=1&code=c0de-1234567&state={{state}}"
	type az = authorizer
	type ft = fakeTarget
	custom := func(v any) ft { return ft{token: jwtSpec{claims: claimsWith("custom_claim", v)}} }
	sent := map[string]any{"greeting": "Grüße ✓", "n": []any{1, 2.5, nil}, "ok": true}
	return []grantRow{
		{name: "redirect with code and state", authorize: az{302, good}, line: redirectLine},
		{name: "303 redirect, host in capitals", authorize: az{303, strings.Replace(good, "app.example.test", "APP.Example.test", 1)}, line: redirectLine},
		{name: "no redirect", authorize: az{200, ""}, line: redirectLine, want: "status = 200"},
		{name: "redirect elsewhere", authorize: az{302, strings.Replace(good, "app.example.test", "evil.example", 1)}, line: redirectLine, want: "want the webapp's redirect_uri"},
		{name: "redirect_uri's own query dropped", authorize: az{302, "https://app.example.test/cb?code=c0de-1234567&state={{state}}"}, line: redirectLine, want: `query parameter "app"`},
		{name: "no state", authorize: az{302, "https://app.example.test/cb?app=1&code=c0de-1234567"}, line: redirectLine, want: "the redirect has no state"},
		{name: "another state", authorize: az{302, "https://app.example.test/cb?app=1&code=c0de-1234567&state=other"}, line: redirectLine, want: "state differs"},
		{name: "code in the fragment", authorize: az{302, "https://app.example.test/cb?app=1&state={{state}}#code=c0de-1234567"}, line: redirectLine, want: "no code"},
		{name: "an error", authorize: az{302, "https://app.example.test/cb?app=1&error=access_denied&state={{state}}"}, line: redirectLine, want: `error="access_denied"`},

		{name: "lifetime as the token says", target: ft{}, line: webappLifetime},
		{name: "lifetime not the token's", target: ft{answer: answerWith("expires_in", 7200)}, line: webappLifetime, want: "expires_in = 7200, but the token's exp − iat is 14400 s"},
		{name: "lifetime as configured", target: ft{answer: answerWith("expires_in", 7200), token: jwtSpec{claims: claimsWith("exp", 1_700_007_200)}}, lifetime: 7200, line: webappLifetime},
		{name: "lifetime not the configured one", target: ft{}, lifetime: 7200, line: webappLifetime, want: "expires_in = 14400; want 7200"},

		{name: "custom claim copied", target: custom(sent), line: customClaimLine, doc: sentClaim},
		{name: "custom claim, numbers and escapes written otherwise", target: custom(sent), line: customClaimLine, doc: `{"n": [1.0, 25e-1, null], "ok": true, "greeting": "Gr\u00fc\u00dfe \u2713"}`},
		{name: "custom claim mangled", target: custom(map[string]any{"greeting": "GrÃ¼Ãe â", "n": []any{1, 2.5, nil}, "ok": true}), line: customClaimLine, doc: sentClaim, want: "custom_claim.greeting (a string of"},
		{name: "custom claim missing", target: ft{}, line: customClaimLine, doc: sentClaim, want: `no claim "custom_claim"`},
		{name: "custom claim with a member more", target: custom(map[string]any{"greeting": "Grüße ✓", "n": []any{1, 2.5, nil}, "ok": true, "x": 1}), line: customClaimLine, doc: sentClaim, want: "custom_claim.x (a member that was not sent)"},
		{name: "custom claim, a number changed", target: custom(map[string]any{"greeting": "Grüße ✓", "n": []any{1, 2, nil}, "ok": true}), line: customClaimLine, doc: sentClaim, want: "custom_claim.n.1 (a number; want the number 2.5)"},
	}
}

// run plays the row: the authorize request, or the token issued for
// marketBody, then its line.
func (r grantRow) run(t *testing.T) error {
	t.Helper()
	if r.authorize.status != 0 {
		srv := httptest.NewServer(r.authorize)
		defer srv.Close()
		st := newScenario(webappSuite(t, srv.URL+authorizePath))
		if err := runLine(t, st, askLine, nil); err != nil {
			t.Fatalf("row %q: %s: %v", r.name, askLine, err)
		}
		return runLine(t, st, r.line, nil)
	}
	lt := r.target.start(t)
	defer lt.close()
	s := lt.suite(t)
	s.Target.Webapp.Lifetime = r.lifetime
	st := newScenario(s)
	if err := play(t, st, issued); err != nil {
		t.Fatalf("row %q: %s: %v", r.name, issuedLine, err)
	}
	return runLine(t, st, r.line+r.doc, nil)
}

// TestGrantSteps verifies each step of these grants, reached through its
// sentence, passes on a right answer and fails, saying why, on a wrong
// one.
func TestGrantSteps(t *testing.T) {
	for _, tt := range grantRows() {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			checkOutcome(t, tt.line+tt.doc, tt.run(t), tt.want)
		})
	}
}

// TestFreshCode verifies a code from the authorize endpoint becomes
// {{authorization_code}}, is masked in the transcript, and is read from a
// variable in the reproduce line of the exchange that sent it.
func TestFreshCode(t *testing.T) {
	const code = "c0de-9f8e7d6c5b4a"
	srv := httptest.NewServer(authorizer{302, testRedirect + "&code=" + code + "&state={{state}}"})
	defer srv.Close()
	s := webappSuite(t, srv.URL+authorizePath)
	st := newScenario(s)
	if err := runLine(t, st, "Given a fresh authorization code from the authorize endpoint", nil); err != nil {
		t.Fatal(err)
	}
	if st.vars[codePlaceholder] != code {
		t.Fatalf("{{authorization_code}} = %q; want the code the redirect carried", st.vars[codePlaceholder])
	}
	if strings.Contains(st.transcript(), code) {
		t.Errorf("the transcript shows the code:\n%s", st.transcript())
	}
	body := `{"grant_type": "authorization_code", "code": "{{authorization_code}}", "client_id": "{{webapp.client_id}}", "client_secret": "{{webapp.client_secret}}", "redirect_uri": "{{webapp.redirect_uri}}"}`
	if err := runLine(t, st, requestLine, docString(body)); err != nil {
		t.Fatal(err)
	}
	req, err := st.encode(http.MethodPost, s.Target.TokenURL())
	if err != nil {
		t.Fatal(err)
	}
	line := st.reproLine(req)
	if strings.Contains(line, code) || !strings.Contains(line, `"$AUTHCONFORM_AUTHORIZATION_CODE"`) || !strings.Contains(line, "AUTHCONFORM_AUTHORIZATION_CODE:?set it to a fresh code") {
		t.Errorf("reproduce line = %s; want the code read from AUTHCONFORM_AUTHORIZATION_CODE, which it asks for", line)
	}
	if got := s.Redactor.String("x " + code + " y"); got != "x [REDACTED] y" {
		t.Errorf("the code is not masked: %q", got)
	}
}

// TestConfiguredCodeOnce verifies the configured code goes to one
// scenario, and a second one is told which had it; without an authorize
// endpoint, no fresh code can stand in.
func TestConfiguredCodeOnce(t *testing.T) {
	s := webappSuite(t, "")
	s.Target.AuthorizationCode = "configured-code-123"
	first, second := newScenario(s), newScenario(s)
	first.pickle, second.pickle = &godog.Scenario{Name: "first"}, &godog.Scenario{Name: "second"}
	if err := runLine(t, first, "Given the webapp's authorization code", nil); err != nil || first.vars[codePlaceholder] != "configured-code-123" {
		t.Fatalf("first scenario: %v, code %q; want the configured code", err, first.vars[codePlaceholder])
	}
	err := runLine(t, second, "Given the webapp's authorization code", nil)
	if err == nil || !strings.Contains(err.Error(), `used by the scenario "first" already`) {
		t.Errorf("second scenario: %v; want it told the first had the code", err)
	}
	if err := runLine(t, second, "Given a fresh authorization code from the authorize endpoint", nil); err == nil || !strings.Contains(err.Error(), config.EnvAuthorizeURL) {
		t.Errorf("fresh code without an authorize endpoint: %v; want an error naming %s", err, config.EnvAuthorizeURL)
	}
}

// TestAssertion verifies the assertion the suite builds: an HS512 JWT
// signed with the run's key, its Commerce Layer claims the feature's
// bytes, an iat; over 4 KB when asked; masked, with its key, everywhere;
// read from a variable in a reproduce line.
func TestAssertion(t *testing.T) {
	s := testSuite(t)
	st := newScenario(s)
	claims := `{"custom_claim": {"greeting": "Grüße ✓"}, "owner": {"type": "Customer", "id": "{{market_id}}"}}`
	if err := runLine(t, st, "Given a JWT bearer assertion with the claims:", docString(claims)); err != nil {
		t.Fatal(err)
	}
	a := st.vars[assertionPlaceholder]
	obj, err := jose.ParseSignedCompact(a, []jose.SignatureAlgorithm{jose.HS512})
	if err != nil {
		t.Fatalf("the assertion is not an HS512 JWS: %v", err)
	}
	payload, err := obj.Verify(s.assertionKey())
	if err != nil {
		t.Fatalf("the assertion does not verify with the run's key: %v", err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(payload, &got); err != nil {
		t.Fatal(err)
	}
	want := `{"custom_claim":{"greeting":"Grüße ✓"},"owner":{"type":"Customer","id":"xYZkjABcde"}}`
	if string(got[assertionClaimsMember]) != want || string(got["iat"]) != "1700000000" {
		t.Errorf("payload = %s; want the claims %s and iat 1700000000", payload, want)
	}
	if masked := s.Redactor.String(a + " " + string(s.assertionKey())); strings.Contains(masked, a) || strings.Contains(masked, string(s.assertionKey())) {
		t.Errorf("the assertion or its key is not masked: %s", masked)
	}
	if err := runLine(t, st, "Given a JWT bearer assertion over 4 KB with the claims:", docString(claims)); err != nil {
		t.Fatal(err)
	}
	big := st.vars[assertionPlaceholder]
	if len(big) <= maxAssertionBytes {
		t.Errorf("the large assertion is %d bytes; want more than %d", len(big), maxAssertionBytes)
	}
	body := `{"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "client_id": "{{integration.client_id}}", "client_secret": "{{integration.client_secret}}", "assertion": "{{assertion}}"}`
	if err := runLine(t, st, requestLine, docString(body)); err != nil {
		t.Fatal(err)
	}
	req, err := st.encode(http.MethodPost, s.Target.TokenURL())
	if err != nil {
		t.Fatal(err)
	}
	line := st.reproLine(req)
	segment := strings.Split(big, ".")[1]
	if strings.Contains(line, segment) || !strings.Contains(line, `"$AUTHCONFORM_ASSERTION_2"`) {
		t.Errorf("reproduce line = %s; want the second assertion read from AUTHCONFORM_ASSERTION_2", line)
	}
	if _, err := base64.RawURLEncoding.DecodeString(segment); err != nil {
		t.Errorf("the large assertion's payload is not base64url: %v", err)
	}
}

// TestGrantControls verifies a refusal of a code exchange or an assertion
// counts only next to a token of the same grant: the client's
// client_credentials tokens are no control for them.
func TestGrantControls(t *testing.T) {
	const jwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	tests := []struct {
		name    string
		grants  []string // the grant of each request; the last one is judged and refused
		tokens  []bool
		wantWhy string
	}{
		{"assertion refused, assertion token", []string{jwtBearer, jwtBearer}, []bool{true, false}, ""},
		{"assertion refused, client_credentials token", []string{"client_credentials", jwtBearer}, []bool{true, false}, `client "in" for the JWT bearer grant`},
		{"code refused, no code token", []string{"client_credentials", "authorization_code"}, []bool{true, false}, "for the authorization code grant"},
		{"another grant refused, client_credentials token", []string{"client_credentials", "password"}, []bool{true, false}, ""},
	}
	for _, tt := range tests {
		s := testSuite(t)
		for i, g := range tt.grants {
			st := newScenario(s)
			st.pickle = &godog.Scenario{Uri: "f.feature", Name: "s" + string(rune('0'+i))}
			st.req = &tokenRequest{params: []param{{"grant_type", g}}}
			st.noteTokenRequest("in", tt.tokens[i])
		}
		last := "s" + string(rune('0'+len(tt.grants)-1))
		why := s.Inconclusive(verdict.Verdict{URI: "f.feature", Scenario: last, Status: verdict.Passed, Tags: []string{NegativeTag}})
		switch {
		case tt.wantWhy == "" && why != "":
			t.Errorf("%s: Inconclusive = %q; want conclusive", tt.name, why)
		case tt.wantWhy != "" && !strings.Contains(why, tt.wantWhy):
			t.Errorf("%s: Inconclusive = %q; want a reason containing %q", tt.name, why, tt.wantWhy)
		}
	}
}

// TestOneScenarioTakesTheConfiguredCode verifies the built-in features
// ask for the configured code in exactly one scenario: a code works once,
// and a person obtains one for the run.
func TestOneScenarioTakesTheConfiguredCode(t *testing.T) {
	cases, err := catalog.Load(authconform.Files, "features")
	if err != nil {
		t.Fatal(err)
	}
	var takers []string
	for _, c := range cases {
		for _, s := range c.Steps {
			if s.Text == "the webapp's authorization code" {
				takers = append(takers, c.URI+": "+c.Scenario)
			}
		}
	}
	if len(takers) != 1 {
		t.Errorf("scenarios asking for the webapp's authorization code: %q; want exactly one (the others get a fresh code each)", takers)
	}
}
