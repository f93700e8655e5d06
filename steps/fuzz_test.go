package steps

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/schema"
)

// fuzzSecret is the configured integration secret of the fuzzed suite; no
// step error may ever show it.
const fuzzSecret = "in4Vh8KzQw2RmT6yPb9XcJ1LsNd5Fg3UaEo7WiBkYt0"

// fuzzNow is the suite's clock, so that time checks do not depend on
// when the fuzzer runs.
var fuzzNow = time.Date(2026, time.March, 14, 15, 9, 26, 0, time.UTC)

// fuzzCall is one call of a step: its handler and the arguments after the
// context, taken from the step's README example.
type fuzzCall struct {
	pattern string
	fn      reflect.Value
	args    []reflect.Value
}

// fuzzMemberPaths are paths the member steps are also called with, beyond
// their examples': indexes out of range or not numbers, empty parts.
var fuzzMemberPaths = []string{"errors.0.title", "errors.99999999999999999999", ".", "access_token.x"}

// fuzzCalls lists a call of every step that judges an answer, and of the
// Given steps that take only text: every step but the When steps (which
// send requests) and those that take a doc string or a table. A step with
// any other kind of parameter fails the test, so a new kind of step is
// noticed here rather than left out of the fuzzing silently.
func fuzzCalls(tb testing.TB, s *Suite) []fuzzCall {
	tb.Helper()
	ctxType := reflect.TypeFor[context.Context]()
	var calls []fuzzCall
	for _, st := range s.Vocabulary() {
		keyword, text, _ := strings.Cut(strings.SplitN(st.Example, "\n", 2)[0], " ")
		if keyword == "When" {
			continue
		}
		fn := reflect.ValueOf(st.Handler)
		ft := fn.Type()
		if ft.NumIn() == 0 || ft.In(0) != ctxType {
			tb.Fatalf("step %q: handler %s does not take a context first", st.Pattern, ft)
		}
		m := regexp.MustCompile(st.Pattern).FindStringSubmatch(text)
		if m == nil {
			tb.Fatalf("step %q: its example %q does not match it", st.Pattern, text)
		}
		var args []reflect.Value
		skip := false
		for i := 1; i < ft.NumIn(); i++ {
			switch pt := ft.In(i); {
			case pt == reflect.TypeFor[*godog.DocString](), pt == reflect.TypeFor[*godog.Table]():
				skip = true
			case i > len(m)-1:
				tb.Fatalf("step %q: handler %s takes more arguments than the pattern captures", st.Pattern, ft)
			case pt.Kind() == reflect.String:
				args = append(args, reflect.ValueOf(m[i]))
			case pt.Kind() == reflect.Int:
				n, err := strconv.Atoi(m[i])
				if err != nil {
					tb.Fatalf("step %q: argument %d is %q, not an int", st.Pattern, i, m[i])
				}
				args = append(args, reflect.ValueOf(n))
			default:
				tb.Fatalf("step %q: handler %s takes a %s; teach fuzzCalls to build one", st.Pattern, ft, pt)
			}
		}
		if skip {
			continue
		}
		calls = append(calls, fuzzCall{st.Pattern, fn, args})
		if strings.HasPrefix(st.Pattern, `^the JSON member "([^"]*)"`) {
			for _, p := range fuzzMemberPaths {
				more := append([]reflect.Value{reflect.ValueOf(p)}, args[1:]...)
				calls = append(calls, fuzzCall{st.Pattern, fn, more})
			}
		}
	}
	return calls
}

// fuzzSuite is a suite configured like a run against Commerce Layer's
// documented clients, with the real schemas.
func fuzzSuite(tb testing.TB) *Suite {
	tb.Helper()
	schemas, err := schema.Load(authconform.Files, "schemas")
	if err != nil {
		tb.Fatalf("schema.Load: %v", err)
	}
	target := config.Target{
		BaseURL:      "http://127.0.0.1:1",
		TokenPath:    config.DefaultTokenPath,
		SalesChannel: config.Client{ID: "authconform-sales-channel", Lifetime: config.DefaultSalesChannelLifetime},
		MarketID:     "xYZkjABcde",
		Integration:  config.Client{ID: "authconform-integration", Secret: fuzzSecret, Lifetime: config.DefaultIntegrationLifetime},
		ClockSkew:    config.DefaultClockSkew,
		Profile:      config.CommerceLayer,
	}
	return &Suite{
		Target:   target,
		Schemas:  schemas,
		Redactor: redact.New(target.Secrets()...),
		Now:      func() time.Time { return fuzzNow },
	}
}

// fuzzHeader reads "Name: value" lines; the fuzzer may write anything, so
// odd lines (no colon, empty names) are kept as far as a header can hold
// them.
func fuzzHeader(lines string) http.Header {
	h := http.Header{}
	for _, line := range strings.Split(lines, "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		h.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	return h
}

// FuzzResponseHandling gives every step that judges an answer any status,
// headers and body a target might send, and requires each to return nil or
// an error: never a panic, and never an error that shows the client secret
// (step errors go into reports).
//
// Run it with: go test -run '^$' -fuzz '^FuzzResponseHandling$' -fuzztime 30s ./steps
func FuzzResponseHandling(f *testing.F) {
	const (
		token   = `{"access_token":"eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiJ4In0.c2ln","token_type":"bearer","expires_in":7200,"scope":"market:all","created_at":1773500966}`
		jsonCT  = "Content-Type: application/json; charset=utf-8\nCache-Control: no-store\nPragma: no-cache"
		errorCL = `{"errors":[{"title":"invalid_client","detail":"Client authentication failed.","code":"UNAUTHORIZED","status":401}]}`
	)
	seeds := []struct {
		status    int
		header    string
		body      string
		truncated bool
	}{
		{200, jsonCT, token, false},
		{401, jsonCT + "\nWWW-Authenticate: Basic realm=\"x\"", errorCL, false},
		{400, jsonCT, `{"error":"invalid_request","error_description":"Missing grant_type."}`, false},
		{500, "Content-Type: text/html", "<!DOCTYPE html><html><body><h1>Internal Server Error</h1></body></html>", false},
		{204, "", "", false},
		{200, jsonCT, `{"access_token":"x","expires_in":1e400,"created_at":99999999999999999999999,"scope":12,"token_type":null}`, false},
		{200, jsonCT, `{"expires_in":7200.0,"created_at":-1.5e-7,"access_token":""}`, false},
		{200, jsonCT, strings.Repeat(`{"a":[`, 300) + strings.Repeat(`]}`, 300), false},
		// One level deeper than encoding/json allows.
		{200, jsonCT, strings.Repeat("[", 10001), false},
		{400, jsonCT, `{"errors":[{"title":"` + fuzzSecret + `"}],"client_secret":"` + fuzzSecret + `"}`, false},
		{200, jsonCT, token[:len(token)/2], true},
		{200, jsonCT, token + token, false},
		{200, "Content-Type: application/json\x00\nCache-Control: no-store, , =\nCache-Control: no-cache", "\xff\xfe\x00", false},
		{-1, "", "null", false},
		{1 << 40, jsonCT, `[]`, false},
	}
	for _, s := range seeds {
		f.Add(s.status, s.header, []byte(s.body), s.truncated)
	}
	s := fuzzSuite(f)
	calls := fuzzCalls(f, s)
	request := httpclient.Request{
		Method: http.MethodPost,
		URL:    s.Target.TokenURL(),
		Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}},
		Body:   []byte(`{"grant_type":"client_credentials","client_id":"authconform-integration","client_secret":"` + fuzzSecret + `"}`),
	}

	f.Fuzz(func(t *testing.T, status int, header string, body []byte, truncated bool) {
		st := newScenario(s, &godog.Scenario{Name: "fuzz"})
		st.sentSecrets = []string{fuzzSecret}
		st.remembered["sales channel token"] = "eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiJ5In0.c2ln"
		st.exchanges = []*httpclient.Exchange{{
			Request:   request,
			Status:    status,
			Header:    fuzzHeader(header),
			Body:      body,
			Truncated: truncated,
			Duration:  3 * time.Millisecond,
		}}
		ctx := withScenario(context.Background(), st)
		for _, c := range calls {
			err := fuzzInvoke(ctx, c)
			if err != nil && strings.Contains(err.Error(), fuzzSecret) {
				t.Errorf("step %q %v: the error shows the client secret:\n%v", c.pattern, c.args, err)
			}
		}
	})
}

// fuzzInvoke calls a step as godog would and returns its error. A panic is
// not recovered: the fuzzer reports it with the input that caused it.
func fuzzInvoke(ctx context.Context, c fuzzCall) error {
	out := c.fn.Call(append([]reflect.Value{reflect.ValueOf(ctx)}, c.args...))
	if len(out) == 0 {
		return nil
	}
	last := out[len(out)-1]
	if last.Type() != reflect.TypeFor[error]() {
		panic(fmt.Sprintf("step %q returns %s last; want error", c.pattern, last.Type()))
	}
	if last.IsNil() {
		return nil
	}
	return last.Interface().(error)
}

// TestFuzzCallsCoverTheThenSteps verifies FuzzResponseHandling calls every
// Then step: a step left out would never be fuzzed.
func TestFuzzCallsCoverTheThenSteps(t *testing.T) {
	s := fuzzSuite(t)
	called := map[string]bool{}
	for _, c := range fuzzCalls(t, s) {
		called[c.pattern] = true
	}
	for _, st := range s.Vocabulary() {
		if strings.HasPrefix(st.Example, "Then ") || (strings.HasPrefix(st.Example, "And ") && strings.Contains(st.Pattern, "should")) {
			if !called[st.Pattern] {
				t.Errorf("step %q is not called by FuzzResponseHandling", st.Pattern)
			}
		}
	}
	if len(called) < 20 {
		t.Errorf("FuzzResponseHandling calls %d steps; want every Then step (more than 20)", len(called))
	}
}
