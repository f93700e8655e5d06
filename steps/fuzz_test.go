package steps

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/jwtcheck"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/stepsuite"
	"github.com/authconform/authconform/setup"
)

// fuzzSecret is the configured integration secret of the fuzzed suite; no
// step error may ever show it.
const fuzzSecret = "in4Vh8KzQw2RmT6yPb9XcJ1LsNd5Fg3UaEo7WiBkYt0"

// fuzzNow is the suite's clock, so that time checks do not depend on
// when the fuzzer runs.
var fuzzNow = time.Date(2026, time.March, 14, 15, 9, 26, 0, time.UTC)

// fuzzMemberPaths are paths the member steps are also called with, beyond
// their examples': indexes out of range or not numbers, empty parts.
var fuzzMemberPaths = []string{"errors.0.title", "errors.99999999999999999999", ".", "access_token.x"}

var memberPath = regexp.MustCompile(`^(\w+ the JSON member )"[^"]*"`)

// fuzzLines lists a line for every step that judges an answer, and for
// the Given steps that take only text: every step's README example but the
// When steps' (which send requests) and those with a doc string or a
// table. The member steps get a line for each of fuzzMemberPaths too.
// Each line is matched to its step once, here; a handler parameter of a
// kind the lines cannot fill fails when the line is first run.
func fuzzLines(tb testing.TB, s *suite) []parsedLine {
	tb.Helper()
	var lines []parsedLine
	add := func(line string) {
		p, err := parseLine(tb, line)
		if err != nil {
			tb.Fatalf("fuzz line %q: %v", line, err)
		}
		lines = append(lines, p)
	}
	for _, st := range newScenario(s).vocabulary() {
		if strings.HasPrefix(st.Example, "When ") || strings.Contains(st.Example, "\n") {
			continue
		}
		add(st.Example)
		if memberPath.MatchString(st.Example) {
			for _, p := range fuzzMemberPaths {
				add(memberPath.ReplaceAllString(st.Example, `$1"`+p+`"`))
			}
		}
	}
	return lines
}

// fuzzSuite is a suite configured like a run against Commerce Layer's
// documented clients, with the real schemas.
func fuzzSuite(tb testing.TB) *suite {
	tb.Helper()
	schemas, err := testSchemas()
	if err != nil {
		tb.Fatalf("schema.Load: %v", err)
	}
	target := config.Target{URL: mustBase("http://127.0.0.1:1"), Profile: config.CommerceLayer, Target: setup.Target{TokenPath: config.DefaultTokenPath, // No sales channel lifetime, as most users configure none: its
		// lifetime steps read the token; the integration's is configured.
		SalesChannel: config.Client{ID: "authconform-sales-channel"}, MarketID: "xYZkjABcde", Integration: config.Client{ID: "authconform-integration", Secret: fuzzSecret, Lifetime: 7200}, ClockSkew: config.DefaultClockSkew}}
	return &suite{Config: stepsuite.Config{
		Target:   target,
		Schemas:  schemas,
		Redactor: redact.New(target.Secrets()...),
		Now:      func() time.Time { return fuzzNow },
	}}
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
	// A token the key set verifies, so that the claim steps are reached.
	signed := makeToken(f, jwtSpec{}, "https://auth.example.test")
	f.Add(200, jsonCT, []byte(`{"access_token":"`+signed+`","token_type":"bearer","expires_in":14400,"scope":"market:id:xYZkjABcde","created_at":1700000000}`), false)
	// Tokens whose lifetime the lifetime steps compute: out of range, or
	// not numbers.
	for _, claims := range []map[string]any{claimsWith("iat", -1e308, "exp", 1e308), claimsWith("exp", "soon"), claimsWith("iat", nil)} {
		odd := makeToken(f, jwtSpec{claims: claims}, "https://auth.example.test")
		f.Add(200, jsonCT, []byte(`{"access_token":"`+odd+`","token_type":"bearer","expires_in":14400,"scope":"market:all","created_at":1700000000}`), false)
	}
	s := fuzzSuite(f)
	lines := fuzzLines(f, s)
	request := httpclient.Request{
		Method: http.MethodPost,
		URL:    s.Target.TokenURL(),
		Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}},
		Body:   []byte(`{"grant_type":"client_credentials","client_id":"authconform-integration","client_secret":"` + fuzzSecret + `"}`),
	}

	keys := must(jwtcheck.ParseKeySet([]byte(publishedKeySet())))

	f.Fuzz(func(t *testing.T, status int, header string, body []byte, truncated bool) {
		st := fuzzScenario(t, keys, &httpclient.Exchange{
			Request:   request,
			Status:    status,
			Header:    fuzzHeader(header),
			Body:      body,
			Truncated: truncated,
			Duration:  3 * time.Millisecond,
		})
		// A panic is not recovered: the fuzzer reports it with the input
		// that caused it.
		vocab := st.vocabulary()
		for _, line := range lines {
			err := line.call(t, vocab, nil)
			if err != nil && strings.Contains(err.Error(), fuzzSecret) {
				t.Errorf("%s: the error shows the client secret:\n%v", line.line, err)
			}
		}
	})
}

// fuzzScenario is a scenario of a suite of its own that has received ex,
// with the run's key set already read. A suite per input: judging an
// answer registers the tokens it carries with the suite's redactor, which
// would otherwise grow with every input.
func fuzzScenario(tb testing.TB, keys *jwtcheck.KeySet, ex *httpclient.Exchange) *scenario {
	s := fuzzSuite(tb)
	keySetRead(s, keys)
	st := newScenario(s)
	st.pickle = &godog.Scenario{Name: "fuzz"}
	st.sentSecrets = []string{fuzzSecret}
	st.remembered["sales channel token"] = "eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiJ5In0.c2ln"
	st.exchanges = []*httpclient.Exchange{ex}
	st.judge(ex)
	return st
}

// keySetRead makes keys the run's key set, as if a scenario had read it,
// so that the JWT steps judge tokens without a request.
func keySetRead(s *suite, keys *jwtcheck.KeySet) {
	ready := make(chan struct{})
	close(ready)
	sh := s.shared()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.keys = &sharedKeySet{ready: ready, set: keys, scenario: "a test"}
}

// TestFuzzedAnswersAreJudged verifies FuzzResponseHandling's steps judge
// the answer it makes, a JWT included: a Then step that found no answer
// would pass the fuzzer by never looking.
func TestFuzzedAnswersAreJudged(t *testing.T) {
	keys := must(jwtcheck.ParseKeySet([]byte(publishedKeySet())))
	token := makeToken(t, jwtSpec{}, "https://auth.example.test")
	st := fuzzScenario(t, keys, &httpclient.Exchange{
		Request: httpclient.Request{Method: http.MethodPost, URL: fuzzSuite(t).Target.TokenURL()},
		Status:  200,
		Header:  http.Header{"Content-Type": {"application/json"}},
		Body:    []byte(`{"access_token":"` + token + `","scope":"market:id:xYZkjABcde"}`),
	})
	for _, l := range []string{"Then the response status should be 200", signedLine, `And the token claim "scope" should equal the JSON member "scope"`} {
		if err := runLine(t, st, l, nil); err != nil {
			t.Errorf("%s: %v", l, err)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestFuzzLinesCoverTheThenSteps verifies FuzzResponseHandling runs every
// Then step: a step left out would never be fuzzed.
func TestFuzzLinesCoverTheThenSteps(t *testing.T) {
	s := fuzzSuite(t)
	run := map[int]bool{}
	for _, line := range fuzzLines(t, s) {
		run[line.step] = true
	}
	for i, st := range newScenario(s).vocabulary() {
		if judgesAnswer(st) && !run[i] {
			t.Errorf("step %q is not run by FuzzResponseHandling", st.Pattern)
		}
	}
	if len(run) < 20 {
		t.Errorf("FuzzResponseHandling runs %d steps; want every Then step (more than 20)", len(run))
	}
}
