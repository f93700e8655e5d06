package steps

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/httpclient"
)

const (
	tokenBody = `{"access_token":"tok-123456","token_type":"bearer","expires_in":14400,"scope":"market:all","created_at":1700000010}`
	errorCL   = `{"errors":[{"title":"invalid_client","detail":"d","code":"UNAUTHORIZED","status":401}]}`
)

// thenRow is one line of a feature judging one answer, as a QA engineer
// writes it, and what it must conclude.
type thenRow struct {
	name   string
	status int
	header http.Header // nil: Content-Type application/json
	body   string
	line   string
	want   string // "" = the line passes; else a part of its error
}

// thenRows are the sentence table: every Then step on answers it must
// accept and answers it must refuse, saying why.
func thenRows() []thenRow {
	const (
		statusOneOf = "Then the response status should be one of 400, 401"
		noStore     = `And the response header "Cache-Control" should include "no-store"`
		challenge   = `And the response header "WWW-Authenticate" should name the scheme "Basic"`
		forbidden   = `Then the scope "admin" should be refused with invalid_scope, or left out of the granted scope`
		oauthError  = `And the OAuth error should be "invalid_client"`
		oauthOneOf  = `And the OAuth error should be one of "invalid_client, invalid_request"`
		registered  = "And the OAuth error should be one defined by RFC 6749 section 5.2"
		noToken     = "And the response should not contain an access token"
		errorTail   = "And the response should be an OAuth error with no access token"
		noSecret    = "And the response should not contain a client secret"
		nowSkew     = `And the JSON member "created_at" should be a Unix time within the allowed clock skew of now`
		within300   = `And the JSON member "created_at" should be a Unix time within 300 seconds of now`
		noScope     = "Then the request without a scope should get a token under a default scope, or invalid_scope"
		twice       = "Then the request should be refused for authenticating the client twice"
		scopes      = `And the JSON member "scope" should hold the scopes "market:id:{{market_id}} stock_location:id:WLgb" in any order`
	)
	basicChallenge := http.Header{"Content-Type": {"application/json"}, "Www-Authenticate": {`Basic realm="token"`}}
	b64 := base64.StdEncoding.EncodeToString
	return []thenRow{
		{"status ok", 200, nil, tokenBody, "Then the response status should be 200", ""},
		{"status wrong", 201, nil, tokenBody, "Then the response status should be 200", "status = 201; want 200"},
		{"status one of", 401, nil, `{}`, statusOneOf, ""},
		{"status none of", 403, nil, `{}`, statusOneOf, "want one of 400, 401"},
		{"status none of, a server error", 500, nil, `{}`, statusOneOf, "want one of 400, 401; 500 is a server error"},
		{"status a server error", 503, nil, `{}`, "Then the response status should be 401", "want 401; 503 is a server error"},
		{"status a server error wanted", 500, nil, `{}`, "Then the response status should be 503", "status = 500; want 503\n"},
		{"status list item not a code", 400, nil, `{}`, "Then the response status should be one of 400, 99", `"99" is not an HTTP status code`},
		{"status list item out of range", 400, nil, `{}`, "Then the response status should be one of 400, 600", `"600" is not an HTTP status code`},
		{"status list empty item", 401, nil, `{}`, "Then the response status should be one of 400, , 401", `"" is not an HTTP status code`},
		{"status list items without comma", 401, nil, `{}`, "Then the response status should be one of 400 401", `"400 401" is not an HTTP status code`},
		{"status list word", 400, nil, `{}`, "Then the response status should be one of 400, abc", errNoStep.Error()},
		{"status list none", 400, nil, `{}`, "Then the response status should be one of ", errNoStep.Error()},
		{"4xx", 404, nil, ``, "Then the response status should be a client error (4xx)", ""},
		{"5xx is not 4xx", 500, nil, ``, "Then the response status should be a client error (4xx)", "want a client error"},
		{"json with charset", 200, http.Header{"Content-Type": {"application/json; charset=utf-8"}}, tokenBody, "And the response content type should be JSON", ""},
		{"text/plain", 200, http.Header{"Content-Type": {"text/plain"}}, tokenBody, "And the response content type should be JSON", `Content-Type = "text/plain"`},
		{"no content type", 200, http.Header{}, tokenBody, "And the response content type should be JSON", `Content-Type = ""`},
		{"no-store among fields", 200, http.Header{"Cache-Control": {"no-cache", "No-Store"}}, tokenBody, noStore, ""},
		{"no-store in list", 200, http.Header{"Cache-Control": {"private, no-store, max-age=0"}}, tokenBody, noStore, ""},
		{"no-store missing", 200, http.Header{"Cache-Control": {"no-cache"}}, tokenBody, noStore, `want it to include "no-store"`},
		{"no-store lookalike", 200, http.Header{"Cache-Control": {"no-storage"}}, tokenBody, noStore, `want it to include`},
		{"header absent", 200, http.Header{}, tokenBody, `And the response header "Pragma" should include "no-cache"`, "no Pragma header"},
		{"Basic challenge", 401, http.Header{"Www-Authenticate": {`Basic realm="token"`}}, errorCL, challenge, ""},
		{"basic challenge, any case, second of two", 401, http.Header{"Www-Authenticate": {`Bearer realm="x", basic realm="y", charset="UTF-8"`}}, errorCL, challenge, ""},
		{"no challenge", 401, http.Header{}, errorCL, challenge, "no WWW-Authenticate header"},
		{"Bearer challenge only", 401, http.Header{"Www-Authenticate": {`Bearer realm="x"`}}, errorCL, challenge, `want a challenge with the scheme "Basic"`},
		{"Basic inside a quoted description", 401, http.Header{"Www-Authenticate": {`Bearer realm="Doorkeeper", error="invalid_client", error_description="Client authentication failed, Basic credentials were rejected."`}}, errorCL, challenge, `want a challenge with the scheme "Basic"`},
		{"no-store inside a quoted field list", 200, http.Header{"Cache-Control": {`no-cache="Set-Cookie, no-store, Authorization"`}}, tokenBody, noStore, `want it to include "no-store"`},
		{"no-store after a quoted field list", 200, http.Header{"Cache-Control": {`no-cache="Set-Cookie, Authorization", no-store`}}, tokenBody, noStore, ""},
		{"Basic as a parameter, not a scheme", 401, http.Header{"Www-Authenticate": {`Bearer realm="x", basic="y"`}}, errorCL, challenge, `want a challenge with the scheme "Basic"`},
		{"token schema", 200, nil, tokenBody, "And the response body should match the token response schema", ""},
		{"token schema on an error", 401, nil, errorCL, "And the response body should match the token response schema", "access_token"},
		{"error schema", 401, nil, errorCL, "And the response body should match the error response schema", ""},
		{"error schema on a token", 200, nil, tokenBody, "And the response body should match the error response schema", "errors"},
		{"schema by name", 200, nil, tokenBody, `And the response body should match the schema "token_response"`, ""},
		{"schema on html", 200, http.Header{"Content-Type": {"text/html"}}, `<html>`, `And the response body should match the schema "token_response"`, "response body is not JSON"},
		{"equals", 200, nil, tokenBody, `And the JSON member "scope" should equal "market:all"`, ""},
		{"equals placeholder", 200, nil, `{"scope":"market:id:xYZkjABcde"}`, `And the JSON member "scope" should equal "market:id:{{market_id}}"`, ""},
		{"equals wrong", 200, nil, tokenBody, `And the JSON member "scope" should equal "market:id:x"`, `scope = "market:all" (string); want "market:id:x"`},
		{"equals not a string", 200, nil, `{"scope":5}`, `And the JSON member "scope" should equal "5"`, `scope = 5 (number)`},
		{"equals missing", 200, nil, `{}`, `And the JSON member "scope" should equal "x"`, `JSON member "scope" is missing`},
		{"scopes as asked", 200, nil, `{"scope":"market:id:xYZkjABcde stock_location:id:WLgb"}`, scopes, ""},
		{"scopes in another order", 200, nil, `{"scope":"stock_location:id:WLgb market:id:xYZkjABcde"}`, scopes, ""},
		{"scopes, one", 200, nil, `{"scope":"market:code:europe"}`, `And the JSON member "scope" should hold the scopes "market:code:europe" in any order`, ""},
		{"scopes, one missing", 200, nil, `{"scope":"market:id:xYZkjABcde"}`, scopes, `scope = "market:id:xYZkjABcde" (string); want the scopes "market:id:xYZkjABcde stock_location:id:WLgb", in any order (RFC 6749 §3.3): missing stock_location:id:WLgb`},
		{"scopes, one replaced", 200, nil, `{"scope":"market:id:xYZkjABcde stock_location:code:eu"}`, scopes, "missing stock_location:id:WLgb; not asked for stock_location:code:eu"},
		{"scopes, one twice", 200, nil, `{"scope":"market:id:xYZkjABcde stock_location:id:WLgb market:id:xYZkjABcde"}`, scopes, "not asked for market:id:xYZkjABcde"},
		{"scopes, market:all", 200, nil, tokenBody, scopes, `scope = "market:all" (string)`},
		{"scopes, case differs", 200, nil, `{"scope":"MARKET:CODE:EUROPE"}`, `And the JSON member "scope" should hold the scopes "market:code:europe" in any order`, "missing market:code:europe"},
		{"scopes, two spaces", 200, nil, `{"scope":"market:id:xYZkjABcde  stock_location:id:WLgb"}`, scopes, "separated by single spaces"},
		{"scopes, not a string", 200, nil, `{"scope":["market:id:xYZkjABcde"]}`, scopes, "scope = an array; want the scopes"},
		{"scopes, missing", 200, nil, `{}`, scopes, `JSON member "scope" is missing`},
		{"fold Bearer", 200, nil, `{"token_type":"Bearer"}`, `And the JSON member "token_type" should equal "bearer" ignoring case`, ""},
		{"fold mac", 200, nil, `{"token_type":"mac"}`, `And the JSON member "token_type" should equal "bearer" ignoring case`, "ignoring case"},
		{"integer", 200, nil, tokenBody, `And the JSON member "expires_in" should be the integer "14400"`, ""},
		{"integer float literal", 200, nil, `{"expires_in":14400.0}`, `And the JSON member "expires_in" should be the integer "14400"`, "without fraction"},
		{"integer exponent", 200, nil, `{"expires_in":1.44e4}`, `And the JSON member "expires_in" should be an integer`, "without fraction"},
		{"integer string", 200, nil, `{"expires_in":"14400"}`, `And the JSON member "expires_in" should be the integer "14400"`, `"14400" (string)`},
		{"integer wrong", 200, nil, `{"expires_in":7200}`, `And the JSON member "expires_in" should be the integer "14400"`, "expires_in = 7200; want 14400"},
		{"forbidden scope refused", 400, nil, `{"error":"invalid_scope"}`, forbidden, ""},
		{"forbidden scope ignored, the granted one returned", 200, nil, `{"access_token":"t","scope":"profile email"}`, forbidden, ""},
		{"forbidden scope refused with another code", 400, nil, `{"error":"invalid_request"}`, forbidden, `OAuth error = "invalid_request"; want "invalid_scope"`},
		{"forbidden scope granted", 200, nil, `{"access_token":"t","scope":"read admin"}`, forbidden, `granting scope "read admin", which holds "admin"`},
		{"forbidden scope ignored, no scope said", 200, nil, `{"access_token":"t"}`, forbidden, "with no scope member"},
		{"forbidden scope, 403", 403, nil, `{"error":"invalid_scope"}`, forbidden, "status = 403; want 400 invalid_scope"},
		{"no scope, a default granted", 200, nil, tokenBody, noScope, ""},
		{"no scope, refused with invalid_scope", 400, nil, `{"error":"invalid_scope"}`, noScope, ""},
		{"no scope, refused with another code", 400, nil, `{"error":"invalid_request"}`, noScope, `status = 400, OAuth error = "invalid_request"; want a token under a default scope, or invalid_scope`},
		{"no scope, refused with a token in the body", 400, nil, `{"error":"invalid_scope","access_token":"x"}`, noScope, `want no token`},
		{"no scope, 403 and no body", 403, http.Header{}, ``, noScope, "status = 403; want 200 with a token under a default scope, or 400 invalid_scope"},
		{"no scope, a server error", 500, nil, `{"error":"server_error"}`, noScope, "500 is a server error"},
		{"no scope, 200 without a token", 200, nil, `{"token_type":"bearer"}`, noScope, "access_token"},
		{"twice, invalid_request", 400, nil, `{"error":"invalid_request"}`, twice, ""},
		{"twice, invalid_client 400", 400, nil, `{"error":"invalid_client"}`, twice, ""},
		{"twice, invalid_client 401 with the challenge", 401, basicChallenge, `{"error":"invalid_client"}`, twice, ""},
		{"twice, invalid_client 401 without a challenge (the Basic failure scenarios judge it)", 401, nil, `{"error":"invalid_client"}`, twice, ""},
		{"twice, invalid_client 403", 403, nil, `{"error":"invalid_client"}`, twice, `status = 403 with OAuth error invalid_client (the server's reason: an "unsupported authentication method"`},
		{"twice, invalid_request 401", 401, basicChallenge, `{"error":"invalid_request"}`, twice, `status = 401 with OAuth error invalid_request (the server's reason: the request "utilizes more than one mechanism`},
		{"twice, accepted", 200, nil, tokenBody, twice, "the server accepted a request that authenticated the client twice"},
		{"twice, refused for its scope", 400, nil, `{"error":"invalid_scope"}`, twice, `OAuth error = "invalid_scope": the server refused the request for a reason other than its two authentication methods`},
		{"twice, a server error", 500, http.Header{"Content-Type": {"text/html"}}, `<html>`, twice, "500 is a server error"},
		{"twice, not JSON", 400, http.Header{"Content-Type": {"text/html"}}, `<html>`, twice, "response body is not JSON"},
		{"integer huge", 200, nil, `{"expires_in":123456789012345678901234567890}`, `And the JSON member "expires_in" should be an integer`, "64 bits"},
		{"is an integer", 200, nil, tokenBody, `And the JSON member "created_at" should be an integer`, ""},
		{"matches", 200, nil, tokenBody, `And the JSON member "scope" should match "^market:"`, ""},
		{"matches not", 200, nil, tokenBody, `And the JSON member "scope" should match "^store:"`, "want a string matching"},
		{"non-empty", 200, nil, tokenBody, `And the JSON member "access_token" should be a non-empty string`, ""},
		{"empty", 200, nil, `{"access_token":""}`, `And the JSON member "access_token" should be a non-empty string`, "want a non-empty string"},
		{"now", 200, nil, tokenBody, nowSkew, ""},
		{"stale", 200, nil, `{"created_at":1699000000}`, nowSkew, "want Unix seconds within 1m0s"},
		{"millis", 200, nil, `{"created_at":1700000000000}`, nowSkew, "milliseconds"},
		{"explicit bound", 200, nil, `{"created_at":1700000200}`, within300, ""},
		{"explicit bound exceeded", 200, nil, `{"created_at":1700000301}`, within300, "want Unix seconds within 5m0s"},
		{"absent", 200, nil, tokenBody, `And the JSON member "refresh_token" should be absent`, ""},
		{"present", 200, nil, `{"refresh_token":null}`, `And the JSON member "refresh_token" should be absent`, "want no such member"},
		{"oauth error CL shape", 401, nil, errorCL, oauthError, ""},
		{"oauth error RFC shape", 400, nil, `{"error":"invalid_client"}`, oauthError, ""},
		{"oauth error wrong", 400, nil, `{"error":"unauthorized_client"}`, oauthError, `OAuth error = "unauthorized_client"; want "invalid_client"`},
		{"oauth error none", 400, nil, `{"errors":[{"detail":"d"}]}`, oauthError, "no OAuth error code"},
		{"oauth error not json", 400, http.Header{"Content-Type": {"text/html"}}, `<html>`, oauthError, `Content-Type "text/html"`},
		{"one of", 400, nil, `{"error":"invalid_request"}`, oauthOneOf, ""},
		{"none of", 400, nil, `{"error":"invalid_scope"}`, oauthOneOf, "want one of invalid_client, invalid_request"},
		{"one of, empty item", 400, nil, `{"error":"invalid_client"}`, `And the OAuth error should be one of "invalid_client, "`, "an empty item"},
		{"one of, empty list", 400, nil, `{"error":"invalid_client"}`, `And the OAuth error should be one of ""`, "an empty item"},
		{"registered", 400, nil, `{"error":"invalid_scope"}`, registered, ""},
		{"unregistered", 400, nil, `{"error":"server_error"}`, registered, "want one of invalid_request"},
		{"no token", 400, nil, `{"error":"invalid_client"}`, noToken, ""},
		{"token member", 400, nil, `{"error":"invalid_client","access_token":"x"}`, noToken, `"access_token"`},
		{"jwt in text", 400, nil, `{"error":"x","error_description":"eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIxIn0.c2ln"}`, noToken, "JWT-shaped"},
		{"error answer", 401, nil, errorCL, errorTail, ""},
		{"error answer in RFC 6749's shape, charset given", 400, http.Header{"Content-Type": {"application/json; charset=utf-8"}}, `{"error":"invalid_client"}`, errorTail, ""},
		{"error answer as text/plain", 400, http.Header{"Content-Type": {"text/plain"}}, errorCL, errorTail, `Content-Type = "text/plain"`},
		{"error answer that is a token answer", 200, nil, tokenBody, errorTail, "errors"},
		{"error answer as html", 400, http.Header{"Content-Type": {"application/json"}}, `<html>`, errorTail, "response body is not JSON"},
		{"error answer carrying a token", 400, nil, `{"error":"invalid_client","access_token":"x"}`, errorTail, `"access_token"`},
		{"error answer with a JWT in its detail", 401, nil, `{"errors":[{"title":"invalid_client","detail":"eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIxIn0.c2ln"}]}`, errorTail, "JWT-shaped"},
		{"no secret", 200, nil, tokenBody, noSecret, ""},
		{"secret echoed", 200, nil, `{"client_secret":"` + testSecret + `"}`, noSecret, "holds a client secret"},
		{"secret in header", 200, http.Header{"X-Debug": {testSecret}}, `{}`, noSecret, `header "X-Debug" holds a client secret`},
		{"secret as JSON \\u escapes", 400, nil, `{"debug":"` + unicodeEscapes(testSecret) + `"}`, noSecret, "body holds a client secret"},
		{"secret as JSON with escaped slashes", 400, nil, `{"debug":"` + strings.ReplaceAll(testSecret, "-", `\u002d`) + `"}`, noSecret, "body holds a client secret"},
		{"secret base64 in a header", 400, http.Header{"X-Debug": {b64([]byte(testSecret))}}, `{}`, noSecret, `header "X-Debug" holds a client secret`},
		{"secret in HTTP Basic form in a header", 400, http.Header{"X-Echo": {b64([]byte("in:" + testSecret))}}, `{}`, noSecret, `header "X-Echo" holds a client secret`},
		{"secret percent-encoded", 400, nil, `{"debug":"` + percentEvery(testSecret) + `"}`, noSecret, "body holds a client secret"},
		{"secret as HTML entities", 400, http.Header{"Content-Type": {"text/html"}}, `<p>` + htmlEntities(testSecret) + `</p>`, noSecret, "body holds a client secret"},
	}
}

// twoAnswerRow is a line judging an answer against an earlier one: the
// earlier answer (a 200 with body earlier) gets the line remember, then
// the answer body gets the line.
type twoAnswerRow struct {
	name     string
	earlier  string
	remember string
	body     string
	line     string
	want     string // "" = the line passes; else a part of its error
}

func twoAnswerRows() []twoAnswerRow {
	const (
		remember = `And the access token is remembered as "sales channel token"`
		differs  = `And the access token should differ from the one remembered as "sales channel token"`
	)
	first := `{"access_token":"tok-first"}`
	return []twoAnswerRow{
		{"token differs", first, remember, `{"access_token":"tok-second"}`, differs, ""},
		{"token repeated", first, remember, `{"access_token":"tok-first"}`, differs, "the same token as the one remembered"},
		{"token a number", first, remember, `{"access_token":5}`, differs, "access_token = 5 (number); want a non-empty string"},
		{"token null", first, remember, `{"access_token":null}`, differs, "access_token = null; want a non-empty string"},
		{"token empty", first, remember, `{"access_token":""}`, differs, `access_token = "" (string); want a non-empty string`},
		{"token missing", first, remember, `{"error":"invalid_client"}`, differs, `JSON member "access_token" is missing`},
		{"nothing remembered under that name", first, `And the access token is remembered as "other"`, `{"access_token":"tok-second"}`, differs, `no access token remembered as "sales channel token"`},
		{"no token to remember", `{"access_token":7}`, remember, `{"access_token":"tok-second"}`, differs, "access_token = 7 (number); want a token to remember"},
	}
}

// run plays the row on a scenario of s and returns the line's error.
func (r thenRow) run(t *testing.T, s *suite) error {
	return runLine(t, answered(s, r.status, r.header, r.body), r.line, nil)
}

// run plays the row: the earlier answer and its line first, which must
// pass unless the row is about that line.
func (r twoAnswerRow) run(t *testing.T, s *suite) error {
	st := answered(s, 200, nil, r.earlier)
	if err := runLine(t, st, r.remember, nil); err != nil {
		return err
	}
	receive(st, 200, nil, r.body)
	return runLine(t, st, r.line, nil)
}

// TestThenSteps verifies each Then step, reached through its sentence,
// passes on a right answer and fails, saying why, on a wrong one.
func TestThenSteps(t *testing.T) {
	s := testSuite(t)
	for _, tt := range thenRows() {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			checkOutcome(t, tt.line, tt.run(t, s), tt.want)
		})
	}
	for _, tt := range twoAnswerRows() {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			checkOutcome(t, tt.line, tt.run(t, s), tt.want)
		})
	}
}

// checkOutcome fails t unless err is what the row wants: none, or one
// containing want; and never one that shows the secret.
func checkOutcome(t *testing.T, line string, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%s\ngot error %v; want none", line, err)
	case want != "" && err == nil:
		t.Errorf("%s\ngot no error; want one containing %q", line, want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("%s\nerror = %q; want it to contain %q", line, err, want)
	}
	if err != nil && strings.Contains(err.Error(), testSecret) {
		t.Errorf("%s\nerror message holds the secret: %q", line, err)
	}
}

// TestEveryThenStepCanFail verifies every step that judges an answer has a
// row of the sentence table it passes and one it fails, by judging the
// answer (a failed check, not a mistake in the feature): a check no answer
// can fail proves nothing. A new Then step without such rows fails here.
func TestEveryThenStepCanFail(t *testing.T) {
	s := testSuite(t)
	passed, failed := map[int]bool{}, map[int]bool{}
	note := func(line string, err error) {
		p, perr := parseLine(t, line)
		if perr != nil {
			return // matches no step: a row about the sentence, not a check
		}
		var ce *checkError
		switch {
		case err == nil:
			passed[p.step] = true
		case errors.As(err, &ce):
			failed[p.step] = true
		}
	}
	for _, r := range thenRows() {
		note(r.line, r.run(t, s))
	}
	for _, r := range twoAnswerRows() {
		note(r.line, r.run(t, s))
	}
	for _, r := range jwtRows() {
		note(r.line, r.run(t).err)
	}
	for _, r := range revokeRows() {
		note(r.line, r.run(t).err)
	}
	for _, r := range lifetimeRows() {
		note(r.line, r.run(t).err)
	}
	for _, r := range grantRows() {
		note(r.line+r.doc, r.run(t))
	}
	for i, step := range newScenario(s).vocabulary() {
		if !judgesAnswer(step) {
			continue
		}
		if !passed[i] {
			t.Errorf("step %q: no row of the sentence table passes it; want one", step.Pattern)
		}
		if !failed[i] {
			t.Errorf("step %q: no row fails its check on an answer; want one (a check that cannot fail proves nothing)", step.Pattern)
		}
	}
}

// TestThenBeforeSend verifies a Then step with no answer yet says so.
func TestThenBeforeSend(t *testing.T) {
	st := newScenario(testSuite(t))
	err := runLine(t, st, "Then the response status should be 200", nil)
	if err == nil || !strings.Contains(err.Error(), "no response yet") {
		t.Errorf("a Then step before sending = %v; want a 'no response yet' error", err)
	}
}

// TestStatusListNamesTheItem verifies a status list is read whole, by the
// handler too: every item is checked before any is compared, so an answer
// matching the first item cannot hide a bad one after it.
func TestStatusListNamesTheItem(t *testing.T) {
	for _, tt := range []struct{ list, want string }{
		{"400, abc", `"abc" is not an HTTP status code`},
		{"", `"" is not an HTTP status code`},
		{"99", `"99" is not an HTTP status code`},
		{"400,401,", `"" is not an HTTP status code`},
		{"0400", `"0400" is not an HTTP status code`},
	} {
		st := answered(testSuite(t), 400, nil, `{}`)
		err := st.thenStatusOneOf(tt.list)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("thenStatusOneOf(%q) on a 400 = %v; want an error containing %s", tt.list, err, tt.want)
		}
	}
}

// TestSecretInURLNote verifies that a GET with the client secret in its
// query string, answered with a token, fails saying why that is
// dangerous, and that the note is left out for a request without it.
func TestSecretInURLNote(t *testing.T) {
	const note = "carried the client secret in its URL"
	for _, tt := range []struct {
		name, query string
		want        bool
	}{
		{"secret in the query", "grant_type=client_credentials&client_id=in&client_secret=" + testSecret, true},
		{"no secret in the query", "grant_type=client_credentials&client_id=sc", false},
	} {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			st := newScenario(testSuite(t))
			ex := &httpclient.Exchange{
				Request: httpclient.Request{Method: "GET", URL: st.suite.Target.TokenURL() + "?" + tt.query},
				Status:  200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(tokenBody),
			}
			st.exchanges = append(st.exchanges, ex)
			st.judge(ex)
			for _, line := range []string{"Then the response status should be a client error (4xx)", "And the response should not contain an access token"} {
				err := runLine(t, st, line, nil)
				if err == nil {
					t.Fatalf("%s: passed on a 200 with a token; want a failure", line)
				}
				if got := strings.Contains(err.Error(), note); got != tt.want {
					t.Errorf("%s: error %q; want the note %q: %v", line, err, note, tt.want)
				}
				checkOutcome(t, line, err, "want")
			}
		})
	}
}
