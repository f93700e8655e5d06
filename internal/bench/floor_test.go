package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/schema"
)

// floorRequest is one request of the suite, written out by hand with the
// checks its scenario makes, in plain Go.
type floorRequest struct {
	scenario    string
	method      string // "" means POST
	contentType string // "" means application/json
	body        string // for GET, its parameters go in the query string
	status      []int  // statuses accepted; nil means any 4xx

	// A token answer: the scope and expires_in it must carry.
	tokenScope   string
	tokenExpires int64
	// An error answer: its OAuth error code, several separated by "|",
	// or "*" for any of RFC 6749 §5.2's.
	oauthError string
	// noSecret looks for the client secrets the request may have sent.
	noSecret bool
	// pragma requires Pragma: no-cache.
	pragma bool
	// remember keeps the access token; differs requires another one.
	remember, differs bool
}

// Values the floor sends where the suite generates them per scenario.
const (
	floorUnknownClient = "authconform-unknown-Q7tXk2LmPz9a"
	floorUnknownMarket = "zzK3mP8qRwQ"
	floorWrongSecret   = "authconform-wrong-Jf8Kd2Lq9Xw3Zp5Rt7Vb1Nm4"
)

// floorBody writes a JSON object of string members, in order.
func floorBody(pairs ...string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i < len(pairs); i += 2 {
		if i > 0 {
			b.WriteString(", ")
		}
		k, _ := json.Marshal(pairs[i])
		v, _ := json.Marshal(pairs[i+1])
		fmt.Fprintf(&b, "%s: %s", k, v)
	}
	b.WriteByte('}')
	return b.String()
}

// floorRequests are the suite's requests, in the order its features run.
var floorRequests = func() []floorRequest {
	const cc = "client_credentials"
	sc, in, secret := refserver.SalesChannelClientID, refserver.IntegrationClientID, refserver.IntegrationClientSecret
	market := "market:id:" + refserver.MarketID
	scToken := floorBody("grant_type", cc, "client_id", sc)
	scMarket := floorBody("grant_type", cc, "client_id", sc, "scope", market)
	inToken := floorBody("grant_type", cc, "client_id", in, "client_secret", secret)
	inMarket := floorBody("grant_type", cc, "client_id", in, "client_secret", secret, "scope", market)
	ok := []int{200}
	clientErr := []int{400, 401}
	return []floorRequest{
		// client_credentials/integration_token.feature
		{scenario: "integration, no scope", body: inToken, status: ok, tokenScope: "market:all", tokenExpires: refserver.IntegrationLifetime, noSecret: true},
		{scenario: "integration, market", body: inMarket, status: ok, tokenScope: market, tokenExpires: refserver.IntegrationLifetime, noSecret: true},
		// client_credentials/sales_channel_token.feature
		{scenario: "sales channel, market", body: scMarket, status: ok, tokenScope: market, tokenExpires: refserver.SalesChannelLifetime},
		{scenario: "sales channel, no scope", body: scToken, status: ok, tokenScope: "market:all", tokenExpires: refserver.SalesChannelLifetime},
		// client_credentials/token_response_headers.feature
		{scenario: "sales channel headers", body: scMarket, status: ok, tokenScope: market, tokenExpires: refserver.SalesChannelLifetime},
		{scenario: "integration headers", body: inToken, status: ok, tokenScope: "market:all", tokenExpires: refserver.IntegrationLifetime},
		{scenario: "pragma", body: scToken, status: ok, pragma: true},
		// errors/grant_type.feature
		{scenario: "no grant_type", body: floorBody("client_id", sc), status: []int{400}, oauthError: "invalid_request"},
		{scenario: "empty grant_type", body: floorBody("grant_type", "", "client_id", sc), status: []int{400}, oauthError: "invalid_request"},
		{scenario: "unsupported grant_type", body: floorBody("grant_type", "urn:authconform:grant-type:unsupported", "client_id", sc), status: []int{400}, oauthError: "unsupported_grant_type"},
		// errors/invalid_client.feature
		{scenario: "unknown client", body: floorBody("grant_type", cc, "client_id", floorUnknownClient), status: clientErr, oauthError: "invalid_client"},
		{scenario: "no client_id", body: floorBody("grant_type", cc), status: clientErr, oauthError: "invalid_client|invalid_request"},
		{scenario: "empty client_id", body: floorBody("grant_type", cc, "client_id", ""), status: clientErr, oauthError: "invalid_client|invalid_request"},
		{scenario: "unknown client 401", body: floorBody("grant_type", cc, "client_id", floorUnknownClient), status: []int{401}, oauthError: "invalid_client"},
		{scenario: "wrong secret", body: floorBody("grant_type", cc, "client_id", in, "client_secret", floorWrongSecret), status: clientErr, oauthError: "invalid_client", noSecret: true},
		{scenario: "no secret", body: floorBody("grant_type", cc, "client_id", in), status: clientErr, oauthError: "invalid_client", noSecret: true},
		{scenario: "empty secret", body: floorBody("grant_type", cc, "client_id", in, "client_secret", ""), status: clientErr, oauthError: "invalid_client"},
		// errors/invalid_scope.feature
		{scenario: "unknown market", body: floorBody("grant_type", cc, "client_id", sc, "scope", "market:id:"+floorUnknownMarket), status: []int{400}, oauthError: "invalid_scope"},
		// errors/malformed_request.feature
		{scenario: "malformed JSON", body: `{"grant_type": "client_credentials", "client_id": "` + sc + `",`, oauthError: "*"},
		{scenario: "text/plain", contentType: "text/plain", body: scToken, oauthError: "*"},
		{scenario: "empty body", body: "", oauthError: "*"},
		{scenario: "GET", method: http.MethodGet, body: scToken},
		// hygiene/token_hygiene.feature
		{scenario: "no secret echoed", body: inToken, status: ok, noSecret: true},
		{scenario: "distinct tokens, sales channel", body: scToken, status: ok, remember: true},
		{scenario: "distinct tokens, integration", body: inToken, status: ok, differs: true},
	}
}()

// floorRun sends every floor request to baseURL with client and checks
// each answer. It stops at the first answer that fails its checks. With
// schemas, it also validates token and error bodies against the suite's
// JSON Schemas, compiled once by the caller, as the suite's scenarios do:
// the "checked floor", which does all the suite's checks but in plain Go.
func floorRun(ctx context.Context, client *http.Client, baseURL string, schemas *schema.Registry) error {
	var remembered string
	for _, fr := range floorRequests {
		status, h, body, err := floorSend(ctx, client, baseURL, fr)
		if err != nil {
			return fmt.Errorf("%s: %v", fr.scenario, err)
		}
		if schemas != nil {
			name := ""
			switch {
			case fr.tokenScope != "":
				name = "token_response"
			case fr.oauthError != "":
				name = "error_response"
			}
			if name != "" {
				if err := schemas.Validate(name, body); err != nil {
					return fmt.Errorf("%s: %v", fr.scenario, err)
				}
			}
		}
		tok, err := floorCheck(fr, status, h, body, time.Now())
		if err != nil {
			return fmt.Errorf("%s: %v\n%d %s", fr.scenario, err, status, body)
		}
		switch {
		case fr.remember:
			remembered = tok
		case fr.differs && tok == remembered:
			return fmt.Errorf("%s: the same access token as the sales channel's", fr.scenario)
		}
	}
	return nil
}

func floorSend(ctx context.Context, client *http.Client, baseURL string, fr floorRequest) (int, http.Header, []byte, error) {
	target := baseURL + "/oauth/token"
	var body io.Reader = strings.NewReader(fr.body)
	method := fr.method
	if method == "" {
		method = http.MethodPost
	}
	if method == http.MethodGet {
		var params map[string]string
		if err := json.Unmarshal([]byte(fr.body), &params); err != nil {
			return 0, nil, nil, err
		}
		q := url.Values{}
		for k, v := range params {
			q.Set(k, v)
		}
		target += "?" + q.Encode()
		body = http.NoBody
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Accept", "application/json")
	if method != http.MethodGet {
		ct := fr.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header, b, err
}

var (
	floorJWT            = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)
	floorRegisteredCode = []string{"invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope"}
)

// floorCheck makes the checks of fr's scenario on an answer and returns
// the access token, if any.
func floorCheck(fr floorRequest, status int, h http.Header, body []byte, now time.Time) (string, error) {
	if fr.status == nil {
		if status < 400 || status > 499 {
			return "", fmt.Errorf("status = %d; want a client error", status)
		}
	} else if !slices.Contains(fr.status, status) {
		return "", fmt.Errorf("status = %d; want one of %v", status, fr.status)
	}
	if fr.noSecret && (bytes.Contains(body, []byte(refserver.IntegrationClientSecret)) || bytes.Contains(body, []byte(floorWrongSecret))) {
		return "", fmt.Errorf("the answer holds a client secret")
	}
	if fr.method == http.MethodGet {
		if bytes.Contains(body, []byte(`"access_token"`)) || floorJWT.Match(body) {
			return "", fmt.Errorf("the answer carries a token")
		}
		return "", nil
	}
	if mt, _, err := mime.ParseMediaType(h.Get("Content-Type")); err != nil || mt != "application/json" {
		return "", fmt.Errorf("Content-Type = %q; want application/json", h.Get("Content-Type"))
	}
	if !strings.Contains(h.Get("Cache-Control"), "no-store") {
		return "", fmt.Errorf("Cache-Control = %q; want no-store", h.Get("Cache-Control"))
	}
	if fr.pragma && !strings.Contains(h.Get("Pragma"), "no-cache") {
		return "", fmt.Errorf("Pragma = %q; want no-cache", h.Get("Pragma"))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return "", fmt.Errorf("body is not a JSON object: %v", err)
	}
	if status != http.StatusOK {
		return "", floorCheckError(fr, doc, body)
	}
	tok, _ := doc["access_token"].(string)
	if tok == "" {
		return "", fmt.Errorf("access_token = %v; want a non-empty string", doc["access_token"])
	}
	if fr.tokenScope == "" {
		return tok, nil
	}
	if tt, _ := doc["token_type"].(string); !strings.EqualFold(tt, "bearer") {
		return "", fmt.Errorf("token_type = %v; want bearer", doc["token_type"])
	}
	if doc["scope"] != fr.tokenScope {
		return "", fmt.Errorf("scope = %v; want %s", doc["scope"], fr.tokenScope)
	}
	if n, _ := doc["expires_in"].(json.Number); n.String() != fmt.Sprint(fr.tokenExpires) {
		return "", fmt.Errorf("expires_in = %v; want %d", doc["expires_in"], fr.tokenExpires)
	}
	n, _ := doc["created_at"].(json.Number)
	created, err := n.Int64()
	if err != nil || created < now.Add(-time.Minute).Unix() || created > now.Add(time.Minute).Unix() {
		return "", fmt.Errorf("created_at = %v; want Unix seconds within a minute of now", doc["created_at"])
	}
	if _, ok := doc["refresh_token"]; ok {
		return "", fmt.Errorf("a refresh_token; want none")
	}
	return tok, nil
}

func floorCheckError(fr floorRequest, doc map[string]any, body []byte) error {
	if _, ok := doc["access_token"]; ok || floorJWT.Match(body) {
		return fmt.Errorf("the error answer carries a token")
	}
	items, _ := doc["errors"].([]any)
	if len(items) == 0 {
		return fmt.Errorf("no errors array")
	}
	item, _ := items[0].(map[string]any)
	code, _ := item["title"].(string)
	switch {
	case fr.oauthError == "*" && !slices.Contains(floorRegisteredCode, code):
		return fmt.Errorf("OAuth error = %q; want one of RFC 6749 §5.2's", code)
	case fr.oauthError != "*" && fr.oauthError != "" && !slices.Contains(strings.Split(fr.oauthError, "|"), code):
		return fmt.Errorf("OAuth error = %q; want %q", code, fr.oauthError)
	}
	return nil
}

// newFloorClient is the floor's HTTP client, new for each run as the
// suite's is.
func newFloorClient() *http.Client {
	return &http.Client{
		Transport: http.DefaultTransport.(*http.Transport).Clone(),
		Timeout:   10 * time.Second,
	}
}

// TestFloor verifies the floor measures the suite's work: against the
// reference server it passes, sending as many requests as the suite does;
// against faults it fails, so its checks really check.
func TestFloor(t *testing.T) {
	tests := []struct {
		name     string
		opts     refserver.Options
		wantFail string // "" means the floor must pass
	}{
		{"server=correct", refserver.Options{}, ""},
		{"fault=success-status-201", refserver.Options{Fault: "success-status-201"}, "status = 201"},
		{"fault=error-status-200", refserver.Options{Fault: "error-status-200"}, "status = 200"},
		{"fault=scope-not-echoed", refserver.Options{Fault: "scope-not-echoed"}, "scope = market:all"},
		{"fault=invalid-client-code-wrong", refserver.Options{Fault: "invalid-client-code-wrong"}, `OAuth error = "unauthorized_client"`},
		{"fault=same-token-for-all", refserver.Options{Fault: "same-token-for-all"}, "same access token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startReference(t, tt.opts)
			client := newFloorClient()
			defer client.CloseIdleConnections()
			err := floorRun(context.Background(), client, srv.URL, nil)
			switch {
			case tt.wantFail == "" && err != nil:
				t.Fatalf("floor failed against the correct server: %v", err)
			case tt.wantFail != "" && err == nil:
				t.Fatalf("floor passed against a server with this fault; want it to fail with %q", tt.wantFail)
			case tt.wantFail != "" && !strings.Contains(err.Error(), tt.wantFail):
				t.Fatalf("floor failed with %v; want %q", err, tt.wantFail)
			}
			if tt.wantFail != "" {
				return
			}
			floorSent := srv.Server().Requests()
			res := suiteRun{}.run(t, srv.URL)
			suiteSent := srv.Server().Requests() - floorSent
			if floorSent != suiteSent || int(floorSent) != len(floorRequests) {
				t.Errorf("the floor sent %d requests (%d in its table), the suite %d; want the same requests", floorSent, len(floorRequests), suiteSent)
			}
			if res.Requests != suiteSent {
				t.Errorf("the suite counted %d requests, the server %d", res.Requests, suiteSent)
			}
		})
	}
}
