package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"

	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/steps"
)

// requestLog serves the reference server and keeps a line describing
// each request it is sent, in arrival order.
type requestLog struct {
	next http.Handler
	mu   sync.Mutex
	seen []string
}

func (l *requestLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	line := describeRequest(r.Method, r.URL.RequestURI(), r.Header, body)
	l.mu.Lock()
	l.seen = append(l.seen, line)
	l.mu.Unlock()
	l.next.ServeHTTP(w, r)
}

// take returns the requests logged since the last take.
func (l *requestLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := l.seen
	l.seen = nil
	return seen
}

// describeRequest is what makes two requests the same for the floor:
// method, path and query, content type, Authorization, and the body, a
// JSON body by its members (a feature's DocString and the floor's
// one-line body differ in layout only), any other body byte for byte.
// Access tokens are masked: each run is issued its own.
func describeRequest(method, uri string, h http.Header, body []byte) string {
	shown := string(body)
	var members map[string]any
	if json.Unmarshal(body, &members) == nil {
		canonical, _ := json.Marshal(members) // map keys come out sorted
		shown = string(canonical)
	}
	line := fmt.Sprintf("%s %s [%s] %q", method, uri, h.Get("Content-Type"), shown)
	if auth := h.Get("Authorization"); auth != "" {
		line += fmt.Sprintf(" Authorization: %q", auth)
	}
	// The reference server's secrets are public, but a log line is an
	// output like any other: no secret in it.
	for _, s := range []string{refserver.IntegrationClientSecret, refserver.SalesChannelClientSecret, refserver.WebappClientSecret} {
		line = strings.ReplaceAll(line, s, "<secret>")
	}
	// Each run gets codes of its own from the authorize endpoint.
	line = floorRefserverCode.ReplaceAllString(line, "<code>")
	line = floorJWT.ReplaceAllString(line, "<token>")
	return steps.GeneratedValue.ReplaceAllString(line, "<generated>")
}

// serveLogged runs a reference server, its tokens naming embedded.Issuer
// as embedded.Target expects, behind a requestLog, until the test ends.
func serveLogged(tb testing.TB, opts refserver.Options) (string, *requestLog) {
	tb.Helper()
	srv := httptest.NewUnstartedServer(nil)
	url := "http://" + srv.Listener.Addr().String()
	if opts.Issuer == "" {
		opts.Issuer = embedded.Issuer
	}
	s, err := refserver.New(opts)
	if err != nil {
		srv.Close()
		tb.Fatalf("refserver.New(%+v): %v", opts, err)
	}
	log := &requestLog{next: s}
	srv.Config.Handler = log
	srv.Start()
	tb.Cleanup(srv.Close)
	return url, log
}

// TestFloorSendsTheSuitesRequests verifies the floor is the suite's work
// and nothing less: request for request, in the same order, the same
// method, URL, content type and body as the suite sends. The floor reads
// its requests from the features, so this checks that reading: a request
// step it builds differently from the steps package fails here.
func TestFloorSendsTheSuitesRequests(t *testing.T) {
	plan := theFloor(t)
	url, log := serveLogged(t, refserver.Options{})
	client := newFloorClient()
	defer client.CloseIdleConnections()
	if _, err := floorRun(context.Background(), client, url, plan, nil); err != nil {
		t.Fatalf("floor: %v", err)
	}
	floor := log.take()
	suiteRun{}.run(t, url)
	suite := log.take()

	assert.Equal(t, suite, floor, "the floor must send the suite's requests, in the same order (- suite, + floor)")
}

// TestDescribeRequest verifies what counts as the same request.
func TestDescribeRequest(t *testing.T) {
	describe := func(method, uri, ct, body string) string {
		return describeRequest(method, uri, http.Header{"Content-Type": {ct}}, []byte(body))
	}
	base := describe("POST", "/oauth/token", "application/json", `{"grant_type": "client_credentials", "client_id": "a"}`)
	tests := []struct {
		name     string
		method   string
		uri      string
		ct       string
		body     string
		wantSame bool
	}{
		{"layout and member order", "POST", "/oauth/token", "application/json", "{\n  \"client_id\": \"a\",\n  \"grant_type\": \"client_credentials\"\n}\n", true},
		{"member value", "POST", "/oauth/token", "application/json", `{"grant_type": "client_credentials", "client_id": "b"}`, false},
		{"member missing", "POST", "/oauth/token", "application/json", `{"grant_type": "client_credentials"}`, false},
		{"content type", "POST", "/oauth/token", "text/plain", `{"grant_type": "client_credentials", "client_id": "a"}`, false},
		{"method", "GET", "/oauth/token", "application/json", `{"grant_type": "client_credentials", "client_id": "a"}`, false},
		{"raw body", "POST", "/oauth/token", "application/json", `{"grant_type": "client_credentials", "client_id": "a"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := describe(tt.method, tt.uri, tt.ct, tt.body)
			if same := got == base; same != tt.wantSame {
				t.Errorf("same = %v; want %v\n  %s\n  %s", same, tt.wantSame, base, got)
			}
		})
	}
	a := describe("POST", "/oauth/token", "application/json", `{"client_id": "authconform-unknown-Q7tXk2LmPz9a", "scope": "market:id:zzK3mP8qRwQ"}`)
	b := describe("POST", "/oauth/token", "application/json", `{"client_id": "authconform-unknown-x1", "scope": "market:id:zzAAAAAAAAQ"}`)
	if a != b {
		t.Errorf("generated values should compare alike:\n  %s\n  %s", a, b)
	}
	a = describe("POST", "/oauth/revoke", "application/json", `{"token": "eyJhbGciOiJSUzUxMiJ9.eyJpYXQiOjF9.c2ln"}`)
	b = describe("POST", "/oauth/revoke", "application/json", `{"token": "eyJhbGciOiJSUzUxMiJ9.eyJpYXQiOjJ9.b3RoZXI"}`)
	if a != b {
		t.Errorf("issued access tokens should compare alike:\n  %s\n  %s", a, b)
	}
	bearer := func(auth string) string {
		return describeRequest("GET", "/api/ping", http.Header{"Authorization": {auth}}, nil)
	}
	if bearer("Bearer eyJhbGciOiJSUzUxMiJ9.eyJpYXQiOjF9.c2ln") == bearer("Bearer authconform-unknown-x1") {
		t.Errorf("an issued token and an unknown one should differ as bearer tokens")
	}
	if bearer("Bearer authconform-unknown-x1") == describeRequest("GET", "/api/ping", http.Header{}, nil) {
		t.Errorf("a request with Authorization should differ from one without")
	}
}

// sharingFeature has scenarios that obtain a token once for the run: a
// plain token request offers its answer, one with a header of its own
// does not, issued-token steps judge an offered answer (parameters in any
// order) or send their own once, and the key set is read once.
const sharingFeature = `@commercelayer @rfc7519-4.1
Feature: Shared answers

  @must @sales_channel
  Scenario: A plain token request offers its answer
    Given a token request with the JSON body:
      """json
      {"grant_type": "client_credentials", "client_id": "{{sales_channel.client_id}}"}
      """
    When the token request is sent
    Then the response status should be 200

  @must @integration
  Scenario: A token request with a header of its own offers none
    Given a token request with the JSON body:
      """json
      {"grant_type": "client_credentials", "client_id": "{{integration.client_id}}", "client_secret": "{{integration.client_secret}}"}
      """
    And the request header "X-Trace" is "1"
    When the token request is sent
    Then the response status should be 200

  @must @sales_channel
  Scenario: The same parameters in another order judge the offered answer
    Given the access token issued for the JSON body:
      """json
      {"client_id": "{{sales_channel.client_id}}", "grant_type": "client_credentials"}
      """
    Then the access token should be a JWT signed with "RS512" by a key of the target's JWKS

  @must @integration
  Scenario: Parameters no answer was offered for are sent, and the key set is not read again
    Given the access token issued for the JSON body:
      """json
      {"grant_type": "client_credentials", "client_id": "{{integration.client_id}}", "client_secret": "{{integration.client_secret}}"}
      """
    Then the access token should be a JWT signed with "RS512" by a key of the target's JWKS
    And the token claim "iss" should name the target as its issuer

  @must @integration
  Scenario: An issued-token step judges the answer an earlier one was given
    Given the access token issued for the JSON body:
      """json
      {"client_secret": "{{integration.client_secret}}", "client_id": "{{integration.client_id}}", "grant_type": "client_credentials"}
      """
    Then the token claim "application.kind" should equal "integration"
`

// TestFloorSharesWhatTheSuiteShares verifies the floor obtains once per
// run what the suite does: the same requests as the suite for
// sharingFeature, which are four (two token requests, one issued token,
// one key set), not seven.
func TestFloorSharesWhatTheSuiteShares(t *testing.T) {
	fsys := fstest.MapFS{"sharing.feature": {Data: []byte(sharingFeature)}}
	plan, err := loadFloor(fsys, ".", floorTarget)
	if err != nil {
		t.Fatal(err)
	}
	url, log := serveLogged(t, refserver.Options{})
	client := newFloorClient()
	defer client.CloseIdleConnections()
	sent, err := floorRun(context.Background(), client, url, plan, nil)
	if err != nil {
		t.Fatalf("floor: %v", err)
	}
	floor := log.take()
	suiteRun{features: fsys}.run(t, url)
	suite := log.take()

	assert.Equal(t, suite, floor, "the floor must send the suite's requests, in the same order (- suite, + floor)")
	if len(floor) != 4 || sent != 4 {
		t.Errorf("the floor sent %d requests (by its count %d); want 4:\n%s", len(floor), sent, strings.Join(floor, "\n"))
	}
}
