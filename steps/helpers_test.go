package steps

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/redact"
)

const testSecret = "integration-secret-0123456789"

func testSuite() *Suite {
	return &Suite{
		Target: config.Target{
			BaseURL:      "http://127.0.0.1:1",
			TokenPath:    "/oauth/token",
			SalesChannel: config.Client{ID: "sc", Lifetime: 14400},
			MarketID:     "xYZkjABcde",
			Integration:  config.Client{ID: "in", Secret: testSecret, Lifetime: 7200},
			ClockSkew:    time.Minute,
			Profile:      config.CommerceLayer,
		},
		Redactor: redact.New(testSecret),
		Now:      func() time.Time { return time.Unix(1_700_000_000, 0) },
	}
}

// answered returns a context whose scenario has received one answer.
func answered(s *Suite, status int, header http.Header, body string) context.Context {
	st := newScenario(s, nil)
	if header == nil {
		header = http.Header{"Content-Type": {"application/json"}}
	}
	st.exchanges = append(st.exchanges, &httpclient.Exchange{
		Request: httpclient.Request{Method: "POST", URL: s.Target.TokenURL()},
		Status:  status, Header: header, Body: []byte(body),
	})
	return withScenario(context.Background(), st)
}

const tokenBody = `{"access_token":"tok-123456","token_type":"bearer","expires_in":14400,"scope":"market:all","created_at":1700000010}`

// TestThenSteps verifies each Then step passes on a right answer and fails,
// saying why, on a wrong one.
func TestThenSteps(t *testing.T) {
	s := testSuite()
	tests := []struct {
		name    string
		status  int
		header  http.Header
		body    string
		check   func(ctx context.Context) error
		wantErr string // "" = must pass
	}{
		{"status ok", 200, nil, tokenBody, func(c context.Context) error { return thenStatus(c, 200) }, ""},
		{"status wrong", 201, nil, tokenBody, func(c context.Context) error { return thenStatus(c, 200) }, "status = 201; want 200"},
		{"status one of", 401, nil, `{}`, func(c context.Context) error { return thenStatusOneOf(c, "400, 401") }, ""},
		{"status none of", 403, nil, `{}`, func(c context.Context) error { return thenStatusOneOf(c, "400, 401") }, "want one of 400, 401"},
		{"4xx", 404, nil, ``, thenStatus4xx, ""},
		{"5xx is not 4xx", 500, nil, ``, thenStatus4xx, "want a client error"},
		{"json with charset", 200, http.Header{"Content-Type": {"application/json; charset=utf-8"}}, tokenBody, thenContentTypeJSON, ""},
		{"text/plain", 200, http.Header{"Content-Type": {"text/plain"}}, tokenBody, thenContentTypeJSON, `Content-Type = "text/plain"`},
		{"no content type", 200, http.Header{}, tokenBody, thenContentTypeJSON, `Content-Type = ""`},
		{"no-store among fields", 200, http.Header{"Cache-Control": {"no-cache", "No-Store"}}, tokenBody, func(c context.Context) error { return thenHeaderIncludes(c, "Cache-Control", "no-store") }, ""},
		{"no-store in list", 200, http.Header{"Cache-Control": {"private, no-store, max-age=0"}}, tokenBody, func(c context.Context) error { return thenHeaderIncludes(c, "Cache-Control", "no-store") }, ""},
		{"no-store missing", 200, http.Header{"Cache-Control": {"no-cache"}}, tokenBody, func(c context.Context) error { return thenHeaderIncludes(c, "Cache-Control", "no-store") }, `want it to include "no-store"`},
		{"no-store lookalike", 200, http.Header{"Cache-Control": {"no-storage"}}, tokenBody, func(c context.Context) error { return thenHeaderIncludes(c, "Cache-Control", "no-store") }, `want it to include`},
		{"header absent", 200, http.Header{}, tokenBody, func(c context.Context) error { return thenHeaderIncludes(c, "Pragma", "no-cache") }, "no Pragma header"},
		{"equals", 200, nil, tokenBody, func(c context.Context) error { return thenMemberEquals(c, "scope", "market:all") }, ""},
		{"equals placeholder", 200, nil, `{"scope":"market:id:xYZkjABcde"}`, func(c context.Context) error { return thenMemberEquals(c, "scope", "market:id:{{market_id}}") }, ""},
		{"equals wrong", 200, nil, tokenBody, func(c context.Context) error { return thenMemberEquals(c, "scope", "market:id:x") }, `scope = "market:all" (string); want "market:id:x"`},
		{"equals not a string", 200, nil, `{"scope":5}`, func(c context.Context) error { return thenMemberEquals(c, "scope", "5") }, `scope = 5 (number)`},
		{"equals missing", 200, nil, `{}`, func(c context.Context) error { return thenMemberEquals(c, "scope", "x") }, `JSON member "scope" is missing`},
		{"fold Bearer", 200, nil, `{"token_type":"Bearer"}`, func(c context.Context) error { return thenMemberEqualsFold(c, "token_type", "bearer") }, ""},
		{"fold mac", 200, nil, `{"token_type":"mac"}`, func(c context.Context) error { return thenMemberEqualsFold(c, "token_type", "bearer") }, "ignoring case"},
		{"integer", 200, nil, tokenBody, func(c context.Context) error {
			return thenMemberInteger(c, "expires_in", "{{sales_channel.expires_in}}")
		}, ""},
		{"integer float literal", 200, nil, `{"expires_in":14400.0}`, func(c context.Context) error { return thenMemberInteger(c, "expires_in", "14400") }, "without fraction"},
		{"integer exponent", 200, nil, `{"expires_in":1.44e4}`, func(c context.Context) error { return thenMemberIsInteger(c, "expires_in") }, "without fraction"},
		{"integer string", 200, nil, `{"expires_in":"14400"}`, func(c context.Context) error { return thenMemberInteger(c, "expires_in", "14400") }, `"14400" (string)`},
		{"integer wrong", 200, nil, `{"expires_in":7200}`, func(c context.Context) error { return thenMemberInteger(c, "expires_in", "14400") }, "expires_in = 7200; want 14400"},
		{"integer huge", 200, nil, `{"expires_in":123456789012345678901234567890}`, func(c context.Context) error { return thenMemberIsInteger(c, "expires_in") }, "64 bits"},
		{"matches", 200, nil, tokenBody, func(c context.Context) error { return thenMemberMatches(c, "scope", "^market:") }, ""},
		{"matches not", 200, nil, tokenBody, func(c context.Context) error { return thenMemberMatches(c, "scope", "^store:") }, "want a string matching"},
		{"non-empty", 200, nil, tokenBody, func(c context.Context) error { return thenMemberNonEmptyString(c, "access_token") }, ""},
		{"empty", 200, nil, `{"access_token":""}`, func(c context.Context) error { return thenMemberNonEmptyString(c, "access_token") }, "want a non-empty string"},
		{"now", 200, nil, tokenBody, func(c context.Context) error { return s.thenMemberNowSkew(c, "created_at") }, ""},
		{"stale", 200, nil, `{"created_at":1699000000}`, func(c context.Context) error { return s.thenMemberNowSkew(c, "created_at") }, "want Unix seconds within 1m0s"},
		{"millis", 200, nil, `{"created_at":1700000000000}`, func(c context.Context) error { return s.thenMemberNowSkew(c, "created_at") }, "milliseconds"},
		{"explicit bound", 200, nil, `{"created_at":1700000200}`, func(c context.Context) error { return s.thenMemberNow(c, "created_at", 300) }, ""},
		{"absent", 200, nil, tokenBody, func(c context.Context) error { return thenMemberAbsent(c, "refresh_token") }, ""},
		{"present", 200, nil, `{"refresh_token":null}`, func(c context.Context) error { return thenMemberAbsent(c, "refresh_token") }, "want no such member"},
		{"oauth error CL shape", 401, nil, `{"errors":[{"title":"invalid_client","detail":"d","code":"UNAUTHORIZED","status":401}]}`, func(c context.Context) error { return thenOAuthError(c, "invalid_client") }, ""},
		{"oauth error RFC shape", 400, nil, `{"error":"invalid_client"}`, func(c context.Context) error { return thenOAuthError(c, "invalid_client") }, ""},
		{"oauth error wrong", 400, nil, `{"error":"unauthorized_client"}`, func(c context.Context) error { return thenOAuthError(c, "invalid_client") }, `OAuth error = "unauthorized_client"; want "invalid_client"`},
		{"oauth error none", 400, nil, `{"errors":[{"detail":"d"}]}`, func(c context.Context) error { return thenOAuthError(c, "invalid_client") }, "no OAuth error code"},
		{"oauth error not json", 400, http.Header{"Content-Type": {"text/html"}}, `<html>`, func(c context.Context) error { return thenOAuthError(c, "invalid_client") }, `Content-Type "text/html"`},
		{"one of", 400, nil, `{"error":"invalid_request"}`, func(c context.Context) error { return thenOAuthErrorOneOf(c, "invalid_client, invalid_request") }, ""},
		{"none of", 400, nil, `{"error":"invalid_scope"}`, func(c context.Context) error { return thenOAuthErrorOneOf(c, "invalid_client, invalid_request") }, "want one of invalid_client, invalid_request"},
		{"registered", 400, nil, `{"error":"invalid_scope"}`, thenOAuthErrorRegistered, ""},
		{"unregistered", 400, nil, `{"error":"server_error"}`, thenOAuthErrorRegistered, "want one of invalid_request"},
		{"no token", 400, nil, `{"error":"invalid_client"}`, thenNoToken, ""},
		{"token member", 400, nil, `{"error":"invalid_client","access_token":"x"}`, thenNoToken, `"access_token"`},
		{"jwt in text", 400, nil, `{"error":"x","error_description":"eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIxIn0.c2ln"}`, thenNoToken, "JWT-shaped"},
		{"no secret", 200, nil, tokenBody, s.thenNoSecret, ""},
		{"secret echoed", 200, nil, `{"client_secret":"` + testSecret + `"}`, s.thenNoSecret, "holds a client secret"},
		{"secret in header", 200, http.Header{"X-Debug": {testSecret}}, `{}`, s.thenNoSecret, `header "X-Debug" holds a client secret`},
		{"secret as JSON \\u escapes", 400, nil, `{"debug":"` + unicodeEscapes(testSecret) + `"}`, s.thenNoSecret, "body holds a client secret"},
		{"secret as JSON with escaped slashes", 400, nil, `{"debug":"` + strings.ReplaceAll(testSecret, "-", `\u002d`) + `"}`, s.thenNoSecret, "body holds a client secret"},
		{"secret base64 in a header", 400, http.Header{"X-Debug": {base64.StdEncoding.EncodeToString([]byte(testSecret))}}, `{}`, s.thenNoSecret, `header "X-Debug" holds a client secret`},
		{"secret in HTTP Basic form in a header", 400, http.Header{"X-Echo": {base64.StdEncoding.EncodeToString([]byte("in:" + testSecret))}}, `{}`, s.thenNoSecret, `header "X-Echo" holds a client secret`},
		{"secret percent-encoded", 400, nil, `{"debug":"` + percentEvery(testSecret) + `"}`, s.thenNoSecret, "body holds a client secret"},
		{"secret as HTML entities", 400, http.Header{"Content-Type": {"text/html"}}, `<p>` + htmlEntities(testSecret) + `</p>`, s.thenNoSecret, "body holds a client secret"},
		{"schema on html", 200, http.Header{"Content-Type": {"text/html"}}, `<html>`, func(c context.Context) error { return s.thenSchema(c, "token_response") }, "response body is not JSON"},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			err := tt.check(answered(s, tt.status, tt.header, tt.body))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got error %v; want none", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("got no error; want one containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("error = %q; want it to contain %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), testSecret) {
				t.Errorf("error message holds the secret: %q", err)
			}
		})
	}
}

// TestThenBeforeSend verifies a Then step with no answer yet says so.
func TestThenBeforeSend(t *testing.T) {
	ctx := withScenario(context.Background(), newScenario(testSuite(), nil))
	if err := thenStatus(ctx, 200); err == nil || !strings.Contains(err.Error(), "no response yet") {
		t.Errorf("thenStatus before sending = %v; want a 'no response yet' error", err)
	}
	if err := thenStatus(context.Background(), 200); err == nil {
		t.Error("thenStatus without scenario state = nil; want an error, not a panic")
	}
}

// TestExpand verifies placeholders, and that an unknown one is an error
// naming the known ones.
func TestExpand(t *testing.T) {
	st := newScenario(testSuite(), nil)
	got, err := st.expand(`{"client_id":"{{ sales_channel.client_id }}","scope":"market:id:{{market_id}}"}`)
	if err != nil || got != `{"client_id":"sc","scope":"market:id:xYZkjABcde"}` {
		t.Errorf("expand = %q, %v", got, err)
	}
	if _, err := st.expand("{{nope}}"); err == nil || !strings.Contains(err.Error(), "{{market_id}}") {
		t.Errorf("expand of an unknown placeholder = %v; want an error listing the known ones", err)
	}
	other := newScenario(testSuite(), nil)
	if st.vars["unknown_market_id"] == other.vars["unknown_market_id"] {
		t.Error("generated values repeat across scenarios")
	}
}

// TestEncode verifies the profile decides how a request is encoded.
func TestEncode(t *testing.T) {
	const doc = `{"grant_type": "client_credentials", "client_id": "in", "client_secret": "s3cr3t+/="}`
	tests := []struct {
		name              string
		profile           config.Profile
		wantCT, wantBody  string
		wantAuthorization string
	}{
		{"json-body verbatim", config.CommerceLayer, "application/json", doc, ""},
		{"form", config.Profile{Encoding: "form", ClientAuth: "body"}, "application/x-www-form-urlencoded",
			"grant_type=client_credentials&client_id=in&client_secret=s3cr3t%2B%2F%3D", ""},
		{"form-basic", config.Profile{Encoding: "form", ClientAuth: "basic"}, "application/x-www-form-urlencoded",
			"grant_type=client_credentials", "Basic " + base64.StdEncoding.EncodeToString([]byte("in:s3cr3t%2B%2F%3D"))},
		{"json-basic", config.Profile{Encoding: "json", ClientAuth: "basic"}, "application/json",
			`{"grant_type":"client_credentials"}`, "Basic " + base64.StdEncoding.EncodeToString([]byte("in:s3cr3t%2B%2F%3D"))},
	}
	for _, tt := range tests {
		t.Run("profile="+tt.name, func(t *testing.T) {
			s := testSuite()
			s.Target.Profile = tt.profile
			st := newScenario(s, nil)
			st.req = &tokenRequest{header: http.Header{}}
			params, err := orderedStringObject([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			st.req.params, st.req.jsonText = params, doc
			req, err := st.encode("POST")
			if err != nil {
				t.Fatal(err)
			}
			if got := req.Header.Get("Content-Type"); got != tt.wantCT {
				t.Errorf("Content-Type = %q; want %q", got, tt.wantCT)
			}
			if string(req.Body) != tt.wantBody {
				t.Errorf("body = %s; want %s", req.Body, tt.wantBody)
			}
			if got := req.Header.Get("Authorization"); got != tt.wantAuthorization {
				t.Errorf("Authorization = %q; want %q", got, tt.wantAuthorization)
			}
			if len(st.sentSecrets) != 1 || st.sentSecrets[0] != "s3cr3t+/=" {
				t.Errorf("sent secrets = %q; want the secret noted for echo checks", st.sentSecrets)
			}
		})
	}
}

// TestOrderedStringObject verifies member order is kept and non-string
// members are refused with a hint.
func TestOrderedStringObject(t *testing.T) {
	got, err := orderedStringObject([]byte(`{"b":"1","a":"2"}`))
	if err != nil || len(got) != 2 || got[0].name != "b" || got[1].name != "a" {
		t.Errorf("orderedStringObject = %v, %v; want b then a", got, err)
	}
	for _, bad := range []string{`[]`, `{"a":1}`, `{"a":"1"`, `nope`} {
		if _, err := orderedStringObject([]byte(bad)); err == nil {
			t.Errorf("orderedStringObject(%s) = nil error; want one", bad)
		}
	}
}

// TestMember verifies dotted paths into objects and arrays.
func TestMember(t *testing.T) {
	doc, err := decodeJSON([]byte(`{"errors":[{"title":"invalid_client"}],"n":14400.0}`))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := member(doc, "errors.0.title"); !ok || v != "invalid_client" {
		t.Errorf("errors.0.title = %v, %v", v, ok)
	}
	for _, p := range []string{"errors.1.title", "errors.x", "n.m", "missing"} {
		if _, ok := member(doc, p); ok {
			t.Errorf("member(%q) found; want missing", p)
		}
	}
	if v, _ := member(doc, "n"); describeValue(v) != "14400.0 (number)" {
		t.Errorf("number literal not kept: %s", describeValue(v))
	}
	if _, err := decodeJSON([]byte(`{} {}`)); err == nil {
		t.Error("decodeJSON accepted two values")
	}
}

// TestGeneratedValue verifies GeneratedValue covers, whole, every value a
// scenario generates, and none of the values a target is configured with:
// tests that mask it would otherwise compare random text or hide a real
// difference.
func TestGeneratedValue(t *testing.T) {
	generated := map[string]bool{"unknown_client_id": true, "unknown_market_id": true, "wrong_secret": true}
	for range 200 { // random values: many draws, every letter and digit in every place
		st := newScenario(testSuite(), nil)
		for name, v := range st.vars {
			whole := GeneratedValue.FindString(v) == v
			switch {
			case generated[name] && !whole:
				t.Fatalf("GeneratedValue does not match all of %s = %q", name, v)
			case !generated[name] && GeneratedValue.MatchString(v):
				t.Fatalf("GeneratedValue matches the configured %s = %q", name, v)
			}
		}
	}
}

func unicodeEscapes(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

func percentEvery(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%%%02x", s[i])
	}
	return b.String()
}

func htmlEntities(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, "&#%d;", r)
	}
	return b.String()
}
