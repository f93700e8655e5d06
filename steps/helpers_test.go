package steps

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/schema"
	"github.com/authconform/authconform/internal/stepsuite"
	"github.com/authconform/authconform/setup"
)

const testSecret = "integration-secret-0123456789"

// testSchemas are the suite's own schemas, loaded once for every test.
var testSchemas = sync.OnceValues(func() (*schema.Registry, error) {
	return schema.Load(authconform.Files, "schemas")
})

// testSuite is a suite configured for a Commerce Layer target, with a
// clock fixed at 1 700 000 000 (Unix seconds).
// mustBase is raw parsed as a target's base URL, for a URL known to be
// good.
func mustBase(raw string) *url.URL {
	u, err := config.ParseBaseURL(raw)
	if err != nil {
		panic(err)
	}
	return u
}

func testSuite(tb testing.TB) *suite {
	tb.Helper()
	schemas, err := testSchemas()
	if err != nil {
		tb.Fatalf("schema.Load: %v", err)
	}
	return &suite{Config: stepsuite.Config{
		Schemas:  schemas,
		Target:   config.Target{URL: mustBase("http://127.0.0.1:1"), Profile: config.CommerceLayer, Target: setup.Target{TokenPath: "/oauth/token", SalesChannel: config.Client{ID: "sc", Lifetime: 14400}, MarketID: "xYZkjABcde", Integration: config.Client{ID: "in", Secret: testSecret, Lifetime: 7200}, ClockSkew: time.Minute}},
		Redactor: redact.New(testSecret),
		Now:      func() time.Time { return time.Unix(1_700_000_000, 0) },
	}}
}

// answered returns a scenario of s that has received one answer from the
// token endpoint; a nil header stands for a JSON Content-Type.
func answered(s *suite, status int, header http.Header, body string) *scenario {
	st := newScenario(s)
	receive(st, status, header, body)
	return st
}

// receive gives st an answer from the token endpoint as send does: one
// more exchange of its own, and the answer its Then steps judge.
func receive(st *scenario, status int, header http.Header, body string) {
	if header == nil {
		header = http.Header{"Content-Type": {"application/json"}}
	}
	ex := &httpclient.Exchange{
		Request: httpclient.Request{Method: "POST", URL: st.suite.Target.TokenURL()},
		Status:  status, Header: header, Body: []byte(body),
	}
	st.exchanges = append(st.exchanges, ex)
	st.judge(ex)
}

// TestExpand verifies placeholders, and that an unknown one is an error
// naming the known ones.
func TestExpand(t *testing.T) {
	st := newScenario(testSuite(t))
	got, err := st.expand(`{"client_id":"{{ sales_channel.client_id }}","scope":"market:id:{{market_id}}"}`)
	if err != nil || got != `{"client_id":"sc","scope":"market:id:xYZkjABcde"}` {
		t.Errorf("expand = %q, %v", got, err)
	}
	if _, err := st.expand("{{nope}}"); err == nil || !strings.Contains(err.Error(), "{{market_id}}") {
		t.Errorf("expand of an unknown placeholder = %v; want an error listing the known ones", err)
	}
	other := newScenario(testSuite(t))
	if st.vars["unknown_market_id"] == other.vars["unknown_market_id"] {
		t.Error("generated values repeat across scenarios")
	}
}

// TestEncode verifies the profile decides how a request's body is encoded,
// and the request how its client authenticates: in the body, with HTTP
// Basic (each part form-encoded first, RFC 6749 §2.3.1), or both.
func TestEncode(t *testing.T) {
	const doc = `{"grant_type": "client_credentials", "client_id": "in", "client_secret": "s3cr3t+/="}`
	tests := []struct {
		name              string
		profile           config.Profile
		basic             basicUse
		wantCT, wantBody  string
		wantAuthorization string
	}{
		{"json-body verbatim", config.CommerceLayer, noBasic, "application/json", doc, ""},
		{"form", config.RFC6749, noBasic, "application/x-www-form-urlencoded",
			"grant_type=client_credentials&client_id=in&client_secret=s3cr3t%2B%2F%3D", ""},
		{"form-basic", config.RFC6749, basicOnly, "application/x-www-form-urlencoded",
			"grant_type=client_credentials", "Basic " + base64.StdEncoding.EncodeToString([]byte("in:s3cr3t%2B%2F%3D"))},
		{"form-basic-and-body", config.RFC6749, basicAndInBody, "application/x-www-form-urlencoded",
			"grant_type=client_credentials&client_id=in&client_secret=s3cr3t%2B%2F%3D", "Basic " + base64.StdEncoding.EncodeToString([]byte("in:s3cr3t%2B%2F%3D"))},
		{"json-basic", config.CommerceLayer, basicOnly, "application/json",
			`{"grant_type":"client_credentials"}`, "Basic " + base64.StdEncoding.EncodeToString([]byte("in:s3cr3t%2B%2F%3D"))},
	}
	for _, tt := range tests {
		t.Run("profile="+tt.name, func(t *testing.T) {
			s := testSuite(t)
			s.Target.Profile = tt.profile
			st := newScenario(s)
			st.req = &tokenRequest{header: http.Header{}}
			params, err := orderedStringObject([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			st.req.params, st.req.jsonText, st.req.basic = params, doc, tt.basic
			req, err := st.encode("POST", st.suite.Target.TokenURL())
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
	generated := map[string]bool{
		"unknown_client_id": true, "unknown_market_id": true, "wrong_secret": true, "unknown_token": true,
		"unknown_market_code": true, "unknown_store_id": true, "unknown_stock_location_id": true,
		"unknown_code": true, "unknown_customer_id": true, "wrong_password": true, "unknown_email": true,
	}
	for range 200 { // random values: many draws, every letter and digit in every place
		st := newScenario(testSuite(t))
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
