package refserver_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/refserver"
)

// fuzzVariants are the server configurations FuzzServeHTTP picks from: the
// default and the shapes RFC 6749 also allows. Faults are left out on
// purpose: some of them answer 500 or HTML by design.
var fuzzVariants = []refserver.Options{
	{},
	{ErrorShape: refserver.ErrorShapeRFC6749},
	{TokenType: "Bearer", InvalidClientStatus: http.StatusBadRequest, ExtraMembers: true},
}

// FuzzServeHTTP sends the correct server any request (method, target,
// Content-Type, Authorization and body, parsed the way net/http parses a
// request off the wire) and checks the server's promises hold for all of
// them: no panic, never a 5xx, a 200 only where a request can succeed,
// 404 and 405 only for a wrong path or method, and every other answer an
// error body in the configured JSON shape (the resource's: the Core API's),
// marked no-store, that echoes no client secret.
//
// Run it with: go test -run '^$' -fuzz '^FuzzServeHTTP$' -fuzztime 30s ./internal/refserver
func FuzzServeHTTP(f *testing.F) {
	basic := func(id, secret string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
	}
	sc, in := refserver.SalesChannelClientID, refserver.IntegrationClientID
	seeds := []struct {
		method, target, contentType, authorization, body string
	}{
		// The suite's own requests.
		{"POST", "/oauth/token", "application/json", "", jsonBody("grant_type", "client_credentials", "client_id", sc, "scope", "market:id:"+refserver.MarketID)},
		{"POST", "/oauth/token", "application/json", "", jsonBody("grant_type", "client_credentials", "client_id", sc)},
		{"POST", "/oauth/token", "application/json", "", jsonBody("grant_type", "password", "client_id", sc, "username", refserver.CustomerEmail, "password", refserver.CustomerPassword)},
		{"POST", "/oauth/token", "application/json", "", jsonBody("grant_type", "password", "client_id", sc, "username", "NOBODY@authconform.test", "password", "x")},
		{"POST", "/oauth/token", "application/json", "", jsonBody("grant_type", "refresh_token", "client_id", sc, "refresh_token", "not-a-refresh-token", "scope", "market:all")},
		{"POST", "/oauth/token", "application/json", "", jsonBody("grant_type", "client_credentials", "client_id", in, "client_secret", refserver.IntegrationClientSecret)},
		{"POST", "/oauth/token", "application/json", "", jsonBody("grant_type", "client_credentials", "client_id", in, "client_secret", "authconform-wrong-secret")},
		{"POST", "/oauth/token", "application/json", "", jsonBody("grant_type", "", "client_id", sc)},
		{"POST", "/oauth/token", "application/json", "", jsonBody("grant_type", "urn:authconform:grant-type:unsupported", "client_id", sc)},
		{"POST", "/oauth/token", "application/json", "", jsonBody("grant_type", "client_credentials", "client_id", sc, "scope", "market:id:zzUnknownQ")},
		{"POST", "/oauth/token", "application/json", "", `{"grant_type": "client_credentials", "client_id": "` + sc + `",`},
		{"POST", "/oauth/token", "text/plain", "", jsonBody("grant_type", "client_credentials", "client_id", sc)},
		{"POST", "/oauth/token", "application/json", "", ""},
		{"GET", "/oauth/token?grant_type=client_credentials&client_id=" + sc, "", "", ""},
		// RFC 6749's form body and HTTP Basic.
		{"POST", "/oauth/token", "application/x-www-form-urlencoded", "", formBody("grant_type", "client_credentials", "client_id", sc)},
		{"POST", "/oauth/token", "application/x-www-form-urlencoded; charset=utf-8", basic(in, refserver.IntegrationClientSecret), "grant_type=client_credentials&scope=market%3Aall"},
		{"POST", "/oauth/token", "application/json", basic(in, "wrong"), jsonBody("grant_type", "client_credentials", "client_secret", refserver.IntegrationClientSecret)},
		{"POST", "/oauth/token", "application/json", "Basic !!!", jsonBody("grant_type", "client_credentials")},
		{"POST", "/oauth/token", "application/json", "Bearer eyJhbGciOiJub25lIn0.e30.", jsonBody("grant_type", "client_credentials", "client_id", sc)},
		// Shapes the parsers must refuse.
		{"POST", "/oauth/token", "application/json", "", `{"grant_type":"client_credentials","client_id":"x","client_id":"` + sc + `"}`},
		{"POST", "/oauth/token", "application/json", "", `{"grant_type":["client_credentials"],"client_id":{"a":[1,2,{"b":null}]}}`},
		{"POST", "/oauth/token", "application/json", "", jsonBody("grant_type", "client_credentials", "client_id", sc) + `{}`},
		{"POST", "/oauth/token", "application/x-www-form-urlencoded", "", "grant_type=client_credentials&client_id=%zz"},
		{"POST", "/oauth/token", "application/json; charset", "", "{}"},
		{"POST", "/oauth/token", "application/json", "", jsonBody("grant_type", "client_credentials", "client_id", sc, "pad", strings.Repeat("x", 70<<10))},
		// Other paths and methods.
		{"GET", "/.well-known/jwks.json", "", "", ""},
		{"HEAD", "/.well-known/jwks.json", "", "", ""},
		{"POST", "/.well-known/jwks.json", "application/json", "", "{}"},
		{"HEAD", "/oauth/token", "", "", ""},
		{"DELETE", "/oauth/token", "", "", ""},
		{"POST", "/oauth/token/", "application/json", "", jsonBody("grant_type", "client_credentials", "client_id", sc)},
		{"OPTIONS", "*", "", "", ""},
		// Revocation and the resource.
		{"POST", "/oauth/revoke", "application/json", "", jsonBody("client_id", in, "client_secret", refserver.IntegrationClientSecret, "token", "eyJhbGciOiJub25lIn0.e30.")},
		{"POST", "/oauth/revoke", "application/x-www-form-urlencoded", basic(sc, refserver.SalesChannelClientSecret), "token=x&token_type_hint=access_token"},
		{"POST", "/oauth/revoke", "application/json", "", jsonBody("token", "x")},
		{"GET", "/oauth/revoke?token=x", "", "", ""},
		{"GET", "/api/ping", "", "Bearer eyJhbGciOiJSUzUxMiJ9.e30.c2ln", ""},
		{"GET", "/api/ping", "", "", ""},
		{"DELETE", "/api/ping", "", "bearer x", ""},
		{"POST", "http://auth.authconform.test/oauth/token", "application/json", "", jsonBody("grant_type", "client_credentials", "client_id", sc)},
	}
	servers := make([]*refserver.Server, len(fuzzVariants))
	for i, opts := range fuzzVariants {
		s, err := refserver.New(opts)
		if err != nil {
			f.Fatalf("refserver.New(%+v): %v", opts, err)
		}
		servers[i] = s
	}

	// The seeds must reach the handler and, between them, draw every
	// answer the checks know, or the checks of some branch never run.
	seen := map[int]bool{}
	for i, s := range seeds {
		f.Add(uint8(i), s.method, s.target, s.contentType, s.authorization, []byte(s.body))
		req, ok := fuzzRequest(s.method, s.target, s.contentType, s.authorization, []byte(s.body))
		if !ok {
			f.Fatalf("seed %d (%s %s) does not parse as an HTTP request", i, s.method, s.target)
		}
		rec := httptest.NewRecorder()
		servers[i%len(servers)].ServeHTTP(rec, req)
		seen[rec.Code] = true
	}
	for _, want := range []int{200, 400, 401, 403, 404, 405, 413} {
		if !seen[want] {
			f.Errorf("no seed is answered %d; add one, so the checks for it run", want)
		}
	}

	f.Fuzz(func(t *testing.T, variant uint8, method, target, contentType, authorization string, body []byte) {
		req, ok := fuzzRequest(method, target, contentType, authorization, body)
		if !ok {
			return // net/http would refuse it before any handler saw it
		}
		opts := fuzzVariants[int(variant)%len(fuzzVariants)]
		rec := httptest.NewRecorder()
		servers[int(variant)%len(servers)].ServeHTTP(rec, req)
		if err := checkFuzzAnswer(req, opts, rec); err != nil {
			t.Errorf("%s %s (Content-Type %q, Authorization %q, body %q), server %+v:\n%v\nanswer: %d %v\n%s",
				req.Method, target, contentType, authorization, fuzzShort(body), opts, err, rec.Code, rec.Header(), fuzzShort(rec.Body.Bytes()))
		}
	})
}

// fuzzRequest builds the request as a server would receive it, or reports
// that net/http would not parse it into one.
func fuzzRequest(method, target, contentType, authorization string, body []byte) (*http.Request, bool) {
	var raw bytes.Buffer
	fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: auth.authconform.test\r\n", method, target)
	if contentType != "" {
		fmt.Fprintf(&raw, "Content-Type: %s\r\n", contentType)
	}
	if authorization != "" {
		fmt.Fprintf(&raw, "Authorization: %s\r\n", authorization)
	}
	fmt.Fprintf(&raw, "Content-Length: %d\r\n\r\n", len(body))
	raw.Write(body)
	req, err := http.ReadRequest(bufio.NewReader(&raw))
	if err != nil {
		return nil, false
	}
	return req, true
}

// checkFuzzAnswer returns what is wrong with the answer to req, or nil.
func checkFuzzAnswer(req *http.Request, opts refserver.Options, rec *httptest.ResponseRecorder) error {
	status, h, body := rec.Code, rec.Header(), rec.Body.Bytes()
	const tokenPath, jwksPath = "/oauth/token", "/.well-known/jwks.json"
	path, m := req.URL.Path, req.Method
	switch {
	case status >= 500:
		return fmt.Errorf("status = %d; want no 5xx for anything a client sends", status)
	case path == refserver.RevokePath:
		return checkFuzzRevoke(m, opts, status, h, body)
	case path == refserver.ResourcePath:
		return checkFuzzResource(m, status, h)
	case path != tokenPath && path != jwksPath:
		if status != http.StatusNotFound {
			return fmt.Errorf("status = %d for path %q; want 404", status, path)
		}
	case path == jwksPath && m != http.MethodGet && m != http.MethodHead,
		path == tokenPath && m != http.MethodPost:
		if status != http.StatusMethodNotAllowed {
			return fmt.Errorf("status = %d for %s %s; want 405", status, m, path)
		}
	case path == jwksPath:
		if status != http.StatusOK {
			return fmt.Errorf("status = %d for %s %s; want 200", status, m, path)
		}
		return nil
	case status == http.StatusOK:
		return checkFuzzToken(h, body)
	case status != http.StatusBadRequest && status != http.StatusUnauthorized && status != http.StatusRequestEntityTooLarge:
		return fmt.Errorf("status = %d for a POST to the token endpoint; want 200, 400, 401 or 413", status)
	}
	return checkFuzzError(opts, status, h, body)
}

// checkFuzzRevoke checks an answer of the revocation endpoint: 405 for
// anything but POST, else exactly {} or an error in the configured shape.
func checkFuzzRevoke(method string, opts refserver.Options, status int, h http.Header, body []byte) error {
	switch {
	case method != http.MethodPost:
		if status != http.StatusMethodNotAllowed {
			return fmt.Errorf("status = %d for %s %s; want 405", status, method, refserver.RevokePath)
		}
	case status == http.StatusOK:
		if string(body) != "{}" {
			return fmt.Errorf("revocation answer %s; want {}", body)
		}
		return checkFuzzHeaders(h)
	case status != http.StatusBadRequest && status != http.StatusUnauthorized && status != http.StatusForbidden && status != http.StatusRequestEntityTooLarge:
		return fmt.Errorf("status = %d for a POST to the revocation endpoint; want 200, 400, 401, 403 or 413", status)
	}
	return checkFuzzError(opts, status, h, body)
}

// checkFuzzResource checks an answer of the resource: 405 for anything but
// GET and HEAD, else 401 with a Bearer challenge (the fuzzer cannot guess
// a token the server issued), in JSON and not cached.
func checkFuzzResource(method string, status int, h http.Header) error {
	switch {
	case method != http.MethodGet && method != http.MethodHead:
		if status != http.StatusMethodNotAllowed {
			return fmt.Errorf("status = %d for %s %s; want 405", status, method, refserver.ResourcePath)
		}
	case status != http.StatusUnauthorized:
		return fmt.Errorf("status = %d for %s %s with a token the server never issued; want 401", status, method, refserver.ResourcePath)
	case !strings.HasPrefix(h.Get("WWW-Authenticate"), `Bearer realm="authconform"`):
		return fmt.Errorf("WWW-Authenticate = %q; want a Bearer challenge", h.Get("WWW-Authenticate"))
	}
	return checkFuzzHeaders(h)
}

// checkFuzzToken checks a 200 from the token endpoint: a JSON token answer,
// not cached, without the client secret.
func checkFuzzToken(h http.Header, body []byte) error {
	if err := checkFuzzHeaders(h); err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		return fmt.Errorf("token answer is not a JSON object: %v", err)
	}
	if tok, _ := doc["access_token"].(string); tok == "" {
		return fmt.Errorf("token answer without an access_token")
	}
	return fuzzNoSecret(body)
}

// checkFuzzError checks an error answer: JSON in the configured shape,
// with an error code, not cached, without a client secret.
func checkFuzzError(opts refserver.Options, status int, h http.Header, body []byte) error {
	if err := checkFuzzHeaders(h); err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		return fmt.Errorf("error answer is not a JSON object: %v", err)
	}
	if _, ok := doc["access_token"]; ok {
		return fmt.Errorf("error answer carries an access_token")
	}
	if opts.ErrorShape == refserver.ErrorShapeRFC6749 {
		if code, _ := doc["error"].(string); code == "" {
			return fmt.Errorf("RFC 6749 error answer without an error code")
		}
	} else {
		items, _ := doc["errors"].([]any)
		if len(items) != 1 {
			return fmt.Errorf("errors = %v; want one item", doc["errors"])
		}
		item, _ := items[0].(map[string]any)
		if code, _ := item["title"].(string); code == "" {
			return fmt.Errorf("errors[0].title = %v; want an error code", item["title"])
		}
		if s, _ := item["status"].(float64); int(s) != status {
			return fmt.Errorf("errors[0].status = %v; want the HTTP status, %d", item["status"], status)
		}
	}
	if status == http.StatusUnauthorized && h.Get("WWW-Authenticate") == "" {
		return fmt.Errorf("401 without WWW-Authenticate")
	}
	return fuzzNoSecret(body)
}

func checkFuzzHeaders(h http.Header) error {
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return fmt.Errorf("Content-Type = %q; want application/json", h.Get("Content-Type"))
	}
	if h.Get("Cache-Control") != "no-store" {
		return fmt.Errorf("Cache-Control = %q; want no-store", h.Get("Cache-Control"))
	}
	return nil
}

// fuzzNoSecret checks a body holds neither client's secret. The server's
// messages are fixed sentences, so not even a secret the request carried
// may come back.
func fuzzNoSecret(body []byte) error {
	for _, s := range []string{refserver.IntegrationClientSecret, refserver.SalesChannelClientSecret} {
		if bytes.Contains(body, []byte(s)) {
			return fmt.Errorf("the answer holds a client secret")
		}
	}
	return nil
}

// fuzzShort keeps failure messages readable when the fuzzer sends
// megabytes.
func fuzzShort(b []byte) string {
	if len(b) > 512 {
		return strconv.Quote(string(b[:512])) + "... [" + strconv.Itoa(len(b)-512) + " more bytes]"
	}
	return strconv.Quote(string(b))
}
