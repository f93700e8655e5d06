package steps

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/verdict"
)

// Lines of the revocation and resource scenarios.
const (
	revocationLine = "Given a revocation request with the JSON body:"
	revokeBody     = `{"client_id": "{{integration.client_id}}", "client_secret": "{{integration.client_secret}}", "token": "{{access_token}}"}`
	revokeSentLine = "When the revocation request is sent"
	resourceLine   = "When the protected resource is requested with the access token"
)

// Requests a revokeRow judges the answer of, after the token was issued.
var (
	viaRevocation = []line{{revocationLine, revokeBody}, {revokeSentLine, ""}}
	viaResource   = []line{{resourceLine, ""}}
)

// revokeRow is an answer of the revocation endpoint or the protected
// resource, and a line judging it.
type revokeRow struct {
	name   string
	via    []line // the request whose answer is judged: viaRevocation, viaResource
	answer served
	line   string
	want   string // "" = the line passes; else a part of its error
	hidden string // a value in the answer no message may show; "" none
}

func revokeRows() []revokeRow {
	const (
		empty   = "And the response body should be an empty JSON object"
		rfc7009 = "And the OAuth error should be one defined for revocation by RFC 7009 section 2.2.1"
	)
	return []revokeRow{
		{"revoked, {}", viaRevocation, served{200, `{}`}, empty, "", ""},
		{"revoked, { } with spaces", viaRevocation, served{200, "{ \n}"}, empty, "", ""},
		{"revoked, a member", viaRevocation, served{200, `{"revoked":"r3v0ked-n0te"}`}, empty, "the body is an object with members revoked; want an empty JSON object, {}", "r3v0ked-n0te"},
		{"revoked, two members", viaRevocation, served{200, `{"status":"ok-st4tus","revoked":true}`}, empty, "an object with members revoked, status;", "ok-st4tus"},
		{"revoked, a JSON string", viaRevocation, served{200, `"r3v0ked-n0te"`}, empty, "want an empty JSON object, {}", "r3v0ked-n0te"},
		{"revoked, an array", viaRevocation, served{200, `[]`}, empty, "the body is an array; want an empty JSON object", ""},
		{"revoked, null", viaRevocation, served{200, `null`}, empty, "the body is null; want an empty JSON object", ""},
		{"revoked, no body", viaRevocation, served{200, ``}, empty, "response body is not JSON", ""},
		{"resource answers {}", viaResource, served{200, `{}`}, empty, "", ""},
		{"unsupported_token_type", viaRevocation, served{400, `{"error":"unsupported_token_type"}`}, rfc7009, "", ""},
		{"invalid_client, Commerce Layer's shape", viaRevocation, served{401, `{"errors":[{"title":"invalid_client","detail":"d","code":"UNAUTHORIZED","status":401}]}`}, rfc7009, "", ""},
		{"unauthorized_client", viaRevocation, served{403, `{"errors":[{"title":"unauthorized_client"}]}`}, rfc7009, "", ""},
		{"invalid_token is RFC 6750's, not a revocation error", viaRevocation, served{400, `{"error":"invalid_token"}`}, rfc7009,
			`OAuth error = "invalid_token"; want one of invalid_request, invalid_client, invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope, unsupported_token_type (RFC 7009 §2.2.1)`, ""},
		{"no error code", viaRevocation, served{400, `{"message":"no"}`}, rfc7009, "no OAuth error code in the body", ""},
	}
}

// run serves a target whose revocation endpoint or resource answers as
// the row says, and plays the token request, the row's request and line.
func (r revokeRow) run(t *testing.T) played {
	t.Helper()
	lt := fakeTarget{revoke: r.answer, resource: r.answer}.start(t)
	defer lt.close()
	st := newScenario(lt.suite(t))
	if err := play(t, st, append([]line{issued}, r.via...)...); err != nil {
		t.Fatalf("row %q: %v", r.name, err)
	}
	return played{err: runLine(t, st, r.line, nil), st: st, token: lt.token}
}

// TestRevocationSteps verifies the steps judging a revocation's answer,
// reached through their sentences, on answers served by a target; and
// that their messages name members, never values, nor the token.
func TestRevocationSteps(t *testing.T) {
	for _, tt := range revokeRows() {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			p := tt.run(t)
			checkOutcome(t, tt.line, p.err, tt.want)
			if p.err == nil {
				return
			}
			checkNoToken(t, "the error of "+tt.line, p.err.Error(), p.token)
			// The exchange shows the body; the verdict's message must not.
			var ce *checkError
			switch {
			case tt.hidden == "":
			case !errors.As(p.err, &ce):
				t.Errorf("%s\nerror %v is not a failed check; want one", tt.line, p.err)
			case strings.Contains(ce.msg, tt.hidden):
				t.Errorf("%s\nmessage shows the value %q; want member names only: %s", tt.line, tt.hidden, ce.msg)
			}
		})
	}
}

// TestRevocationRequest verifies the revocation request goes, as JSON, to
// the revocation endpoint, with {{access_token}} the token the scenario
// was issued; and that the transcript masks the token wherever it went.
func TestRevocationRequest(t *testing.T) {
	lt := fakeTarget{}.start(t)
	st := newScenario(lt.suite(t))
	if err := play(t, st, append([]line{issued}, viaRevocation...)...); err != nil {
		t.Fatal(err)
	}
	seen := lt.requests("/oauth/revoke")
	if len(seen) != 1 {
		t.Fatalf("the revocation endpoint got %d requests; want 1", len(seen))
	}
	got := seen[0]
	if got.method != http.MethodPost || got.header.Get("Content-Type") != "application/json" {
		t.Errorf("revocation sent as %s with Content-Type %q; want POST application/json", got.method, got.header.Get("Content-Type"))
	}
	var body map[string]string
	if err := json.Unmarshal(got.body, &body); err != nil {
		t.Fatalf("revocation body is not a JSON object of strings: %v", err)
	}
	want := map[string]string{"client_id": "in", "client_secret": testSecret, "token": lt.token}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("revocation body member %s = %q; want %q", k, body[k], v)
		}
	}
	if len(body) != len(want) {
		t.Errorf("revocation body has %d members; want %d", len(body), len(want))
	}
	if n := len(lt.requests(tokenPath)); n != 1 {
		t.Errorf("the token endpoint got %d requests; want 1 (the revocation is not a token request)", n)
	}
	tr := st.transcript()
	checkNoToken(t, "the transcript", tr, lt.token)
	if strings.Contains(tr, testSecret) {
		t.Errorf("the transcript shows the client secret:\n%s", tr)
	}
	if !strings.Contains(tr, "POST "+lt.origin+"/oauth/revoke") {
		t.Errorf("the transcript does not show the revocation request:\n%s", tr)
	}
}

// TestResourceRequest verifies the protected resource is asked with the
// token the line names, or the scenario's, as a bearer token (RFC 6750
// §2.1); and that the transcript masks the Authorization header, and the
// verdict of a failed scenario (transcript, repro, error) never shows the
// token.
func TestResourceRequest(t *testing.T) {
	lt := fakeTarget{resource: served{401, `{"error":"invalid_token"}`}}.start(t)
	s := lt.suite(t)
	var v verdict.Verdict
	s.OnDone = func(got verdict.Verdict) { v = got }
	st := named(t, newScenario(s), "resource")
	err := play(t, st, issued,
		line{`When the protected resource is requested with the bearer token "{{unknown_token}}"`, ""},
		line{resourceLine, ""}, line{"Then the response status should be 200", ""})
	checkOutcome(t, "Then the response status should be 200", err, "status = 401; want 200")
	seen := lt.requests(resourcePath)
	if len(seen) != 2 {
		t.Fatalf("the resource got %d requests; want 2", len(seen))
	}
	for i, want := range []string{"Bearer " + st.vars["unknown_token"], "Bearer " + lt.token} {
		if got := seen[i].header.Get("Authorization"); got != want {
			t.Errorf("request %d: Authorization = %q; want %q", i+1, got, want)
		}
		if seen[i].method != http.MethodGet {
			t.Errorf("request %d: method %s; want GET", i+1, seen[i].method)
		}
	}
	tr := st.transcript()
	if n := strings.Count(tr, "Authorization: "+redact.Mask); n != 2 {
		t.Errorf("the transcript shows %d masked Authorization headers; want 2:\n%s", n, tr)
	}
	_, _ = st.finish(context.Background(), nil, err)
	if v.Repro == "" || !strings.Contains(v.Repro, "Authorization: Bearer") {
		t.Errorf("repro = %q; want the resource request, its token masked", v.Repro)
	}
	for what, text := range map[string]string{"transcript": tr, "verdict's transcript": v.Transcript, "repro": v.Repro, "error": v.Error} {
		checkNoToken(t, "the "+what, text, lt.token)
	}
}

// TestRequestStepsRefuseWhatCannotBeSent verifies the revocation and
// resource steps refuse, saying why, to send what the scenario does not
// have: a token it was never issued, a resource never configured, or a
// request started for the other endpoint.
func TestRequestStepsRefuseWhatCannotBeSent(t *testing.T) {
	tests := []struct {
		name       string
		refuse     served // the token endpoint's answer; zero: a token
		noResource bool   // no protected resource configured
		lines      []line
		want       string
	}{
		{"{{access_token}} before any token request", served{}, false,
			[]line{{revocationLine, revokeBody}},
			"{{access_token}} is used before any token request of this scenario was answered with an access token"},
		{"{{access_token}} after a refused token request", served{401, errorCL}, false,
			[]line{{requestLine, marketBody}, {sentLine, ""}, {revocationLine, revokeBody}},
			"{{access_token}} is used before any token request"},
		{"resource before any token", served{}, false,
			[]line{{resourceLine, ""}}, "no access token to present"},
		{"resource not configured", served{}, true,
			[]line{issued, {resourceLine, ""}}, "set AUTHCONFORM_RESOURCE_URL"},
		{"revocation sent with no revocation request", served{}, false,
			[]line{{requestLine, marketBody}, {revokeSentLine, ""}}, "no revocation request to send"},
		{"revocation request sent to the token endpoint", served{}, false,
			[]line{issued, {revocationLine, revokeBody}, {sentLine, ""}}, "send it with \"the revocation request is sent\""},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			lt := fakeTarget{refuse: tt.refuse}.start(t)
			s := lt.suite(t)
			if tt.noResource {
				s.Target.ResourceURL = ""
			}
			err := play(t, newScenario(s), tt.lines...)
			checkOutcome(t, tt.lines[len(tt.lines)-1].text, err, tt.want)
			if n := len(lt.requests("/oauth/revoke")) + len(lt.requests(resourcePath)); n != 0 {
				t.Errorf("the target got %d revocation or resource requests; want none", n)
			}
		})
	}
}
