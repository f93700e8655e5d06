package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	messages "github.com/cucumber/messages/go/v34"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/steps"
)

// floorAnswer is one answer as the floor's checks read it. The body is
// decoded once, numbers kept as written, as the suite's steps do; the
// access token it carries is decoded as a JWT when a check first asks.
type floorAnswer struct {
	status int
	header http.Header
	body   []byte
	doc    any
	docErr error // why the body is not JSON
	now    time.Time
	jwt    struct {
		done bool
		tok  *floorToken
		err  error
	}
}

func newFloorAnswer(status int, header http.Header, body []byte, now time.Time) *floorAnswer {
	a := &floorAnswer{status: status, header: header, body: body, now: now}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if a.docErr = dec.Decode(&a.doc); a.docErr == nil && dec.More() {
		a.docErr = fmt.Errorf("data after the JSON value")
	}
	return a
}

// accessToken is the access token a successful answer carries, or "",
// read as the suite reads {{access_token}}.
func (a *floorAnswer) accessToken() string {
	if a.status < 200 || a.status > 299 {
		return ""
	}
	m, _ := a.doc.(map[string]any)
	tok, _ := m["access_token"].(string)
	return tok
}

// floorCheck is one Then step in plain Go.
type floorCheck struct {
	step string // the step's text, for messages
	// schema names the JSON Schema the body must match, or the token's
	// claims with claims set; the floor validates it only when run with
	// the schemas (the checked floor).
	schema string
	claims bool
	// across marks a check that reads its scenario or its run besides the
	// answer (tokens remembered, the key set, the target's origin): the
	// load benchmark, which sends requests out of their scenarios, skips
	// it.
	across bool
	check  func(a *floorAnswer, st *floorState) error
}

// onAnswer is a check that reads the answer alone.
func onAnswer(f func(a *floorAnswer) error) floorCheck {
	return floorCheck{check: func(a *floorAnswer, _ *floorState) error { return f(a) }}
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// floorCheckStep is a Then step the floor knows, compiled into a check
// once, before anything is timed.
type floorCheckStep struct {
	re    *regexp.Regexp
	build func(b *floorBuilder, m []string) (floorCheck, error)
}

// floorCheckSteps are the Then steps on the answer's status, headers and
// body; floorJWTSteps (floor_jwt_test.go) those on its access token.
var floorCheckSteps = []floorCheckStep{
	{re(`^the response status should be (\d{3})$`), statusIs},
	{re(`^the response status should be one of ([\d, ]+)$`), statusOneOf},
	{re(`^the response status should be a client error \(4xx\)$`), status4xx},
	{re(`^the response content type should be JSON$`), contentTypeJSON},
	{re(`^the response header "([^"]*)" should include "([^"]*)"$`), headerIncludes},
	{re(`^the response body should match the (token|error) response schema$`), profileSchema},
	{re(`^the response body should match the schema "([^"]*)"$`), func(_ *floorBuilder, m []string) (floorCheck, error) { return schemaCheck(m[1]), nil }},
	{re(`^the JSON member "([^"]*)" should equal "([^"]*)"$`), memberEquals},
	{re(`^the JSON member "([^"]*)" should equal "([^"]*)" ignoring case$`), memberEquals},
	{re(`^the JSON member "([^"]*)" should hold the scopes "([^"]*)" in any order$`), memberScopes},
	{re(`^the JSON member "([^"]*)" should be the integer "([^"]*)"$`), memberIntegerIs},
	{re(`^the JSON member "([^"]*)"(, if present,)? should be the lifetime of the (sales channel|integration|client)'s tokens$`), memberTokenLifetime},
	{re(`^the JSON member "([^"]*)" should be the documented default of (\d+) seconds, unless the (sales channel|integration)'s lifetime is configured$`), memberDocumentedLifetime},
	{re(`^the JSON member "([^"]*)" should be an integer$`), memberInteger},
	{re(`^the JSON member "([^"]*)" should match "([^"]*)"$`), memberMatches},
	{re(`^the JSON member "([^"]*)" should be a non-empty string$`), memberNonEmpty},
	{re(`^the JSON member "([^"]*)" should be a Unix time within the allowed clock skew of now$`), memberNow},
	{re(`^the JSON member "([^"]*)" should be a Unix time within (\d+) seconds of now$`), memberNow},
	{re(`^the JSON member "([^"]*)" should be absent$`), memberAbsent},
	{re(`^the OAuth error should be "([^"]*)"$`), oauthErrorIn},
	{re(`^the OAuth error should be one of "([^"]*)"$`), oauthErrorIn},
	{re(`^the OAuth error should be one defined by RFC 6749 section 5\.2$`), oauthErrorIn},
	{re(`^the response should not contain an access token$`), func(*floorBuilder, []string) (floorCheck, error) { return onAnswer(noToken), nil }},
	{re(`^the response should be an OAuth error with no access token$`), errorWithoutToken},
	{re(`^the response should not contain a client secret$`), noSecret},
	{re(`^the access token is remembered as "([^"]*)"$`), rememberToken},
	{re(`^the access token should differ from the one remembered as "([^"]*)"$`), tokenDiffers},
	{re(`^the response body should be an empty JSON object$`), func(*floorBuilder, []string) (floorCheck, error) { return onAnswer(emptyObject), nil }},
	{re(`^the OAuth error should be one defined for revocation by RFC 7009 section 2\.2\.1$`), func(*floorBuilder, []string) (floorCheck, error) {
		return oauthErrorAmong(floorRevocationErrors), nil
	}},
}

func statusIs(_ *floorBuilder, m []string) (floorCheck, error) {
	want, _ := strconv.Atoi(m[1])
	return onAnswer(func(a *floorAnswer) error {
		if a.status != want {
			return fmt.Errorf("status = %d; want %d", a.status, want)
		}
		return nil
	}), nil
}

func statusOneOf(_ *floorBuilder, m []string) (floorCheck, error) {
	var want []int
	for _, f := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ' ' }) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return floorCheck{}, fmt.Errorf("%q is not a status code", f)
		}
		want = append(want, n)
	}
	return onAnswer(func(a *floorAnswer) error {
		if !slices.Contains(want, a.status) {
			return fmt.Errorf("status = %d; want one of %v", a.status, want)
		}
		return nil
	}), nil
}

func status4xx(*floorBuilder, []string) (floorCheck, error) {
	return onAnswer(func(a *floorAnswer) error {
		if a.status < 400 || a.status > 499 {
			return fmt.Errorf("status = %d; want a client error", a.status)
		}
		return nil
	}), nil
}

func contentTypeJSON(*floorBuilder, []string) (floorCheck, error) {
	return onAnswer(func(a *floorAnswer) error {
		ct := a.header.Get("Content-Type")
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return fmt.Errorf("Content-Type = %q; want application/json", ct)
		}
		return nil
	}), nil
}

// headerIncludes looks for a directive of a comma-separated header, in
// any case, across all its fields.
func headerIncludes(_ *floorBuilder, m []string) (floorCheck, error) {
	name, directive := m[1], m[2]
	return onAnswer(func(a *floorAnswer) error {
		values := a.header.Values(name)
		for _, v := range values {
			for part := range strings.SplitSeq(v, ",") {
				d, _, _ := strings.Cut(strings.TrimSpace(part), "=")
				if strings.EqualFold(strings.TrimSpace(d), directive) {
					return nil
				}
			}
		}
		return fmt.Errorf("%s = %q; want it to include %q", name, values, directive)
	}), nil
}

func profileSchema(b *floorBuilder, m []string) (floorCheck, error) {
	if m[1] == "error" {
		return schemaCheck(b.target.Profile.ErrorSchema), nil
	}
	return schemaCheck(b.target.Profile.TokenSchema), nil
}

// schemaCheck requires a JSON body; the schema itself is validated only
// by the checked floor.
func schemaCheck(name string) floorCheck {
	c := onAnswer(func(a *floorAnswer) error {
		if a.docErr != nil {
			return fmt.Errorf("body is not JSON (%v); want one valid against %q", a.docErr, name)
		}
		return nil
	})
	c.schema = name
	return c
}

// memberEquals compares a string member, ignoring case when the step says so.
func memberEquals(b *floorBuilder, m []string) (floorCheck, error) {
	path, fold := m[1], strings.HasSuffix(m[0], " ignoring case")
	want, err := b.expandValue(m[2])
	if err != nil {
		return floorCheck{}, err
	}
	return onAnswer(func(a *floorAnswer) error {
		v, err := a.member(path)
		if err != nil {
			return err
		}
		s, ok := v.(string)
		if !ok || (s != want && !(fold && strings.EqualFold(s, want))) {
			return fmt.Errorf("%s = %s; want %q", path, describe(v), want)
		}
		return nil
	}), nil
}

// memberScopes compares a string member with space-separated scopes, as
// sorted lists: RFC 6749 §3.3 lets their order differ.
func memberScopes(b *floorBuilder, m []string) (floorCheck, error) {
	want, err := b.expandValue(m[2])
	if err != nil {
		return floorCheck{}, err
	}
	wantList := strings.Split(want, " ")
	slices.Sort(wantList)
	return onAnswer(func(a *floorAnswer) error {
		v, err := a.member(m[1])
		if err != nil {
			return err
		}
		s, _ := v.(string)
		got := strings.Split(s, " ")
		slices.Sort(got)
		if !slices.Equal(got, wantList) {
			return fmt.Errorf("%s = %s; want the scopes %q in any order", m[1], describe(v), want)
		}
		return nil
	}), nil
}

var floorIntegerLiteral = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// integer reads a member written as a bare JSON integer (not 7200.0).
func (a *floorAnswer) integer(path string) (int64, error) {
	v, err := a.member(path)
	if err != nil {
		return 0, err
	}
	n, ok := v.(json.Number)
	if !ok || !floorIntegerLiteral.MatchString(n.String()) {
		return 0, fmt.Errorf("%s = %s; want an integer written without fraction or exponent", path, describe(v))
	}
	return n.Int64()
}

func memberIntegerIs(b *floorBuilder, m []string) (floorCheck, error) {
	return memberWithin(b, m, 0)
}

// configuredLifetime is the lifetime the target configures for the
// client a lifetime step names, 0 for none.
func configuredLifetime(t config.Target, who string) int64 {
	switch who {
	case "sales channel":
		return int64(t.SalesChannel.Lifetime)
	case "integration":
		return int64(t.Integration.Lifetime)
	case "webapp":
		return int64(t.Webapp.Lifetime)
	}
	return int64(t.Client.Lifetime)
}

// within says whether n is the lifetime or at most steps.LifetimeTolerance
// seconds less.
func within(n int64, lifetime float64) bool {
	return float64(n) <= lifetime && float64(n) >= lifetime-steps.LifetimeTolerance
}

// memberTokenLifetime is steps' lifetime check: a positive integer, the
// configured lifetime, else the JWT's exp − iat when the token is one.
func memberTokenLifetime(b *floorBuilder, m []string) (floorCheck, error) {
	path, ifPresent, configured := m[1], m[2] != "", configuredLifetime(b.target, m[3])
	return onAnswer(func(a *floorAnswer) error {
		if _, err := a.member(path); err != nil && ifPresent {
			return nil
		}
		n, err := a.integer(path)
		if err != nil {
			return err
		}
		if n < 1 {
			return fmt.Errorf("%s = %d; want a positive number of seconds", path, n)
		}
		if configured != 0 {
			if !within(n, float64(configured)) {
				return fmt.Errorf("%s = %d; want %d", path, n, configured)
			}
			return nil
		}
		tok, err := a.token()
		if err != nil {
			return nil // an opaque token: nothing to compare with
		}
		iat, okIat := tok.claims["iat"].(json.Number)
		exp, okExp := tok.claims["exp"].(json.Number)
		fi, errIat := iat.Float64()
		fe, errExp := exp.Float64()
		if !okIat || !okExp || errIat != nil || errExp != nil {
			return nil
		}
		if lifetime := math.Round(fe - fi); !within(n, lifetime) {
			return fmt.Errorf("%s = %d, but the token's exp − iat is %.0f s", path, n, lifetime)
		}
		return nil
	}), nil
}

// memberDocumentedLifetime compares the member with the documented
// lifetime, unless the client's lifetime is configured.
func memberDocumentedLifetime(b *floorBuilder, m []string) (floorCheck, error) {
	path, configured := m[1], configuredLifetime(b.target, m[3])
	documented, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil {
		return floorCheck{}, err
	}
	return onAnswer(func(a *floorAnswer) error {
		if configured != 0 {
			return nil
		}
		n, err := a.integer(path)
		if err == nil && !within(n, float64(documented)) {
			err = fmt.Errorf("%s = %d; want the documented default, %d", path, n, documented)
		}
		return err
	}), nil
}

// memberWithin checks a bare integer from want - below up to want.
func memberWithin(b *floorBuilder, m []string, below int64) (floorCheck, error) {
	path := m[1]
	w, err := b.expandValue(m[2])
	if err != nil {
		return floorCheck{}, err
	}
	want, err := strconv.ParseInt(w, 10, 64)
	if err != nil {
		return floorCheck{}, fmt.Errorf("%q is not an integer", w)
	}
	return onAnswer(func(a *floorAnswer) error {
		got, err := a.integer(path)
		if err == nil && (got > want || got < want-below) {
			err = fmt.Errorf("%s = %d; want %d", path, got, want)
		}
		return err
	}), nil
}

func memberInteger(_ *floorBuilder, m []string) (floorCheck, error) {
	path := m[1]
	return onAnswer(func(a *floorAnswer) error {
		_, err := a.integer(path)
		return err
	}), nil
}

func memberMatches(b *floorBuilder, m []string) (floorCheck, error) {
	path := m[1]
	p, err := b.expandValue(m[2])
	if err != nil {
		return floorCheck{}, err
	}
	pattern, err := regexp.Compile(p)
	if err != nil {
		return floorCheck{}, err
	}
	return onAnswer(func(a *floorAnswer) error {
		v, err := a.member(path)
		if err != nil {
			return err
		}
		if s, ok := v.(string); !ok || !pattern.MatchString(s) {
			return fmt.Errorf("%s = %s; want a string matching %q", path, describe(v), p)
		}
		return nil
	}), nil
}

func memberNonEmpty(_ *floorBuilder, m []string) (floorCheck, error) {
	path := m[1]
	return onAnswer(func(a *floorAnswer) error {
		v, err := a.member(path)
		if err != nil {
			return err
		}
		if s, ok := v.(string); !ok || s == "" {
			return fmt.Errorf("%s = %s; want a non-empty string", path, describe(v))
		}
		return nil
	}), nil
}

// memberNow checks Unix seconds near the answer's arrival: within the
// step's seconds, or the target's clock skew when the step names none.
func memberNow(b *floorBuilder, m []string) (floorCheck, error) {
	path, within := m[1], b.target.ClockSkew
	if len(m) > 2 {
		secs, _ := strconv.Atoi(m[2])
		within = time.Duration(secs) * time.Second
	}
	return onAnswer(func(a *floorAnswer) error {
		got, err := a.integer(path)
		if err != nil {
			return err
		}
		if diff := math.Abs(float64(got - a.now.Unix())); diff > within.Seconds() {
			return fmt.Errorf("%s = %d, %.0f s from now; want Unix seconds within %s of now", path, got, diff, within)
		}
		return nil
	}), nil
}

func memberAbsent(_ *floorBuilder, m []string) (floorCheck, error) {
	path := m[1]
	return onAnswer(func(a *floorAnswer) error {
		if a.docErr != nil {
			return fmt.Errorf("body is not JSON (%v)", a.docErr)
		}
		if v, ok := floorMember(a.doc, path); ok {
			return fmt.Errorf("%s = %s; want no such member", path, describe(v))
		}
		return nil
	}), nil
}

// floorRegisteredErrors are RFC 6749 §5.2's codes for the token endpoint;
// floorRevocationErrors adds RFC 7009 §2.2.1's for the revocation endpoint.
var (
	floorRegisteredErrors = []string{"invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope"}
	floorRevocationErrors = append(slices.Clone(floorRegisteredErrors), "unsupported_token_type")
)

// oauthErrorIn checks the error code against one code, a list of them, or
// RFC 6749 §5.2's, as the step says.
func oauthErrorIn(_ *floorBuilder, m []string) (floorCheck, error) {
	want := floorRegisteredErrors
	if len(m) > 1 {
		want = nil
		for c := range strings.SplitSeq(m[1], ",") {
			want = append(want, strings.TrimSpace(c))
		}
	}
	return oauthErrorAmong(want), nil
}

func oauthErrorAmong(want []string) floorCheck {
	return onAnswer(func(a *floorAnswer) error {
		code, err := a.oauthError()
		if err == nil && !slices.Contains(want, code) {
			err = fmt.Errorf("OAuth error = %q; want one of %q", code, want)
		}
		return err
	})
}

func emptyObject(a *floorAnswer) error {
	if a.docErr != nil {
		return fmt.Errorf("body is not JSON (%v); want {}", a.docErr)
	}
	if m, ok := a.doc.(map[string]any); !ok || len(m) != 0 {
		return fmt.Errorf("body = %s; want an empty JSON object, {}", a.body)
	}
	return nil
}

// oauthError reads the error code: Commerce Layer's errors[0].title, or
// RFC 6749's error.
func (a *floorAnswer) oauthError() (string, error) {
	if a.docErr != nil {
		return "", fmt.Errorf("body is not JSON (%v); want an OAuth error", a.docErr)
	}
	for _, path := range []string{"errors.0.title", "error"} {
		if v, ok := floorMember(a.doc, path); ok {
			if s, ok := v.(string); ok && s != "" {
				return s, nil
			}
			return "", fmt.Errorf("OAuth error %s = %s; want a non-empty string", path, describe(v))
		}
	}
	return "", fmt.Errorf("no OAuth error code in the body")
}

var floorJWT = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)

func noToken(a *floorAnswer) error {
	for _, path := range []string{"access_token", "errors.0.access_token"} {
		if _, ok := floorMember(a.doc, path); ok {
			return fmt.Errorf("the answer carries %s; want no token", path)
		}
	}
	if floorJWT.Match(a.body) {
		return fmt.Errorf("the answer carries a JWT-shaped string; want no token")
	}
	return nil
}

// errorWithoutToken is the error tail, one step for three: a JSON
// Content-Type, a JSON body (valid against the profile's error schema in
// the checked floor), and no token, checked in the step's order.
func errorWithoutToken(b *floorBuilder, _ []string) (floorCheck, error) {
	ct, _ := contentTypeJSON(b, nil)
	body, _ := profileSchema(b, []string{"", "error"})
	c := body
	c.check = func(a *floorAnswer, st *floorState) error {
		if err := ct.check(a, st); err != nil {
			return err
		}
		if err := body.check(a, st); err != nil {
			return err
		}
		return noToken(a)
	}
	return c, nil
}

// noSecret looks for the secrets the scenario has sent so far, as sent:
// the suite's steps also look for encoded copies, which is its redactor's
// work and not what a plain client would do.
func noSecret(b *floorBuilder, _ []string) (floorCheck, error) {
	secrets := slices.Clone(b.secrets)
	if len(secrets) == 0 {
		return floorCheck{}, fmt.Errorf("no client secret to look for")
	}
	return onAnswer(func(a *floorAnswer) error {
		for _, s := range secrets {
			if bytes.Contains(a.body, []byte(s)) {
				return fmt.Errorf("the response body holds a client secret")
			}
			for name, vs := range a.header {
				if slices.ContainsFunc(vs, func(v string) bool { return strings.Contains(v, s) }) {
					return fmt.Errorf("response header %q holds a client secret", name)
				}
			}
		}
		return nil
	}), nil
}

func rememberToken(_ *floorBuilder, m []string) (floorCheck, error) {
	name := m[1]
	return floorCheck{across: true, check: func(a *floorAnswer, st *floorState) error {
		v, err := a.member("access_token")
		if err != nil {
			return err
		}
		tok, _ := v.(string)
		if tok == "" {
			return fmt.Errorf("access_token = %s; want a token to remember", describe(v))
		}
		if st.remembered == nil {
			st.remembered = map[string]string{}
		}
		st.remembered[name] = tok
		return nil
	}}, nil
}

func tokenDiffers(_ *floorBuilder, m []string) (floorCheck, error) {
	name := m[1]
	return floorCheck{across: true, check: func(a *floorAnswer, st *floorState) error {
		prev, ok := st.remembered[name]
		if !ok {
			return fmt.Errorf("no access token remembered as %q", name)
		}
		v, err := a.member("access_token")
		if err != nil {
			return err
		}
		if tok, _ := v.(string); tok == prev {
			return fmt.Errorf("the same access token as the one remembered as %q", name)
		}
		return nil
	}}, nil
}

// member reads a member that must be there.
func (a *floorAnswer) member(path string) (any, error) {
	if a.docErr != nil {
		return nil, fmt.Errorf("body is not JSON (%v); want member %q", a.docErr, path)
	}
	v, ok := floorMember(a.doc, path)
	if !ok {
		return nil, fmt.Errorf("JSON member %q is missing", path)
	}
	return v, nil
}

// floorMember finds a dotted path ("errors.0.title") in a decoded body.
func floorMember(doc any, path string) (any, bool) {
	cur := doc
	for part := range strings.SplitSeq(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[part]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// describe writes a JSON value for a message: strings quoted, numbers as
// written.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	}
	return fmt.Sprint(v)
}

// TestFloorChecks verifies each Then step the floor knows, compiled as a
// feature would have it, passes a right answer and fails a wrong one with
// what came back.
func TestFloorChecks(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	jsonCT := http.Header{"Content-Type": {"application/json; charset=utf-8"}, "Cache-Control": {"private, No-Store"}}
	token := `{"access_token": "t1", "token_type": "Bearer", "expires_in": 14400, "scope": "market:all", "created_at": 1700000010}`
	clError := `{"errors": [{"title": "invalid_client", "detail": "no"}]}`
	rfcError := `{"error": "invalid_request"}`
	tests := []struct {
		step    string
		status  int
		header  http.Header
		body    string
		wantErr string // "" means the check passes
	}{
		{"the response status should be 200", 200, nil, "", ""},
		{"the response status should be 200", 201, nil, "", "status = 201; want 200"},
		{"the response status should be one of 400, 401", 401, nil, "", ""},
		{"the response status should be one of 400, 401", 403, nil, "", "status = 403"},
		{"the response status should be a client error (4xx)", 422, nil, "", ""},
		{"the response status should be a client error (4xx)", 500, nil, "", "status = 500; want a client error"},
		{"the response content type should be JSON", 200, jsonCT, token, ""},
		{"the response content type should be JSON", 200, http.Header{"Content-Type": {"text/plain"}}, token, `Content-Type = "text/plain"`},
		{`the response header "Cache-Control" should include "no-store"`, 200, jsonCT, token, ""},
		{`the response header "Cache-Control" should include "no-store"`, 200, http.Header{"Cache-Control": {"no-cache"}}, token, `want it to include "no-store"`},
		{"the response body should match the token response schema", 200, nil, "<html>", "body is not JSON"},
		{`the JSON member "scope" should equal "market:all"`, 200, nil, token, ""},
		{`the JSON member "scope" should equal "market:id:{{market_id}}"`, 200, nil, token, `scope = "market:all"; want "market:id:xYZkjABcde"`},
		{`the JSON member "scope" should hold the scopes "store:id:{{store_id}} market:id:{{market_id}}" in any order`, 200, nil, `{"scope": "market:id:xYZkjABcde store:id:bGvCXzYgNB"}`, ""},
		{`the JSON member "scope" should hold the scopes "market:code:{{market_code}}" in any order`, 200, nil, token, `scope = "market:all"; want the scopes "market:code:europe"`},
		{`the JSON member "token_type" should equal "bearer" ignoring case`, 200, nil, token, ""},
		{`the JSON member "token_type" should equal "bearer"`, 200, nil, token, `token_type = "Bearer"`},
		{`the JSON member "expires_in" should be the integer "14400"`, 200, nil, token, ""},
		{`the JSON member "expires_in" should be the integer "7200"`, 200, nil, token, "expires_in = 14400; want 7200"},
		{`the JSON member "expires_in" should be the lifetime of the sales channel's tokens`, 200, nil, token, ""},
		{`the JSON member "expires_in" should be the lifetime of the sales channel's tokens`, 200, nil, `{"access_token": "t1", "expires_in": 0}`, "expires_in = 0; want a positive number"},
		{`the JSON member "expires_in", if present, should be the lifetime of the client's tokens`, 200, nil, `{"access_token": "t1"}`, ""},
		{`the JSON member "expires_in" should be the documented default of 14400 seconds, unless the sales channel's lifetime is configured`, 200, nil, token, ""},
		{`the JSON member "expires_in" should be the documented default of 7200 seconds, unless the integration's lifetime is configured`, 200, nil, token, "expires_in = 14400; want the documented default, 7200"},
		{`the JSON member "expires_in" should be an integer`, 200, nil, `{"expires_in": 14400.0}`, "want an integer written without fraction"},
		{`the JSON member "scope" should match "^market:"`, 200, nil, token, ""},
		{`the JSON member "scope" should match "^order:"`, 200, nil, token, `want a string matching "^order:"`},
		{`the JSON member "access_token" should be a non-empty string`, 200, nil, `{"access_token": ""}`, `access_token = ""`},
		{`the JSON member "created_at" should be a Unix time within the allowed clock skew of now`, 200, nil, token, ""},
		{`the JSON member "created_at" should be a Unix time within 5 seconds of now`, 200, nil, token, "want Unix seconds within 5s of now"},
		{`the JSON member "refresh_token" should be absent`, 200, nil, token, ""},
		{`the JSON member "access_token" should be absent`, 200, nil, token, `access_token = "t1"; want no such member`},
		{`the OAuth error should be "invalid_client"`, 401, nil, clError, ""},
		{`the OAuth error should be "invalid_client"`, 400, nil, rfcError, `OAuth error = "invalid_request"`},
		{`the OAuth error should be one of "invalid_client, invalid_request"`, 400, nil, rfcError, ""},
		{"the OAuth error should be one defined by RFC 6749 section 5.2", 400, nil, `{"errors": [{"title": "bad"}]}`, `OAuth error = "bad"`},
		{"the OAuth error should be one defined by RFC 6749 section 5.2", 400, nil, `{"errors": []}`, "no OAuth error code"},
		{"the response should not contain an access token", 400, nil, clError, ""},
		{"the response should not contain an access token", 400, nil, `{"errors": [{"title": "x", "access_token": "t"}]}`, "errors.0.access_token"},
		{"the response should be an OAuth error with no access token", 401, jsonCT, clError, ""},
		{"the response should be an OAuth error with no access token", 401, http.Header{"Content-Type": {"text/plain"}}, clError, `Content-Type = "text/plain"`},
		{"the response should be an OAuth error with no access token", 400, jsonCT, "<html>", "body is not JSON"},
		{"the response should be an OAuth error with no access token", 400, jsonCT, `{"error": "invalid_client", "access_token": "t"}`, "the answer carries access_token"},
		{"the response should not contain a client secret", 200, nil, token, ""},
		{"the response should not contain a client secret", 401, http.Header{"X-Debug": {"secret " + refserver.IntegrationClientSecret}}, clError, `response header "X-Debug" holds a client secret`},
		{"the response body should be an empty JSON object", 200, nil, `{}`, ""},
		{"the response body should be an empty JSON object", 200, nil, `{"revoked": true}`, `body = {"revoked": true}; want an empty JSON object`},
		{"the response body should be an empty JSON object", 200, nil, ``, "body is not JSON"},
		{"the OAuth error should be one defined for revocation by RFC 7009 section 2.2.1", 400, nil, `{"error": "unsupported_token_type"}`, ""},
		{"the OAuth error should be one defined for revocation by RFC 7009 section 2.2.1", 403, nil, clError, ""},
		{"the OAuth error should be one defined for revocation by RFC 7009 section 2.2.1", 400, nil, `{"error": "invalid_token"}`, `OAuth error = "invalid_token"`},
	}
	for _, tt := range tests {
		t.Run(tt.step, func(t *testing.T) {
			c := compileCheck(t, tt.step)
			err := c.check(newFloorAnswer(tt.status, tt.header, []byte(tt.body), now), &floorState{})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("check failed: %v; want it to pass", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("check error = %v; want one saying %q", err, tt.wantErr)
			}
		})
	}
}

// TestFloorErrorTailValidatesTheSchema verifies the error tail's check
// carries the profile's error schema, which only the checked floor
// validates: TestFloorChecks cannot see it.
func TestFloorErrorTailValidatesTheSchema(t *testing.T) {
	c := compileCheck(t, "the response should be an OAuth error with no access token")
	if want := floorTarget.Profile.ErrorSchema; want == "" || c.schema != want {
		t.Errorf("schema = %q; want the profile's error schema %q", c.schema, want)
	}
}

// TestFloorRemembersTokens verifies the two steps that compare answers of
// one scenario: a token remembered from the first, another required of
// the second.
func TestFloorRemembersTokens(t *testing.T) {
	remember := compileCheck(t, `the access token is remembered as "first"`)
	differs := compileCheck(t, `the access token should differ from the one remembered as "first"`)
	if !remember.across || !differs.across {
		t.Errorf("across = %v, %v; want both true: they compare answers of one scenario", remember.across, differs.across)
	}
	answer := func(tok string) *floorAnswer {
		return newFloorAnswer(200, nil, []byte(`{"access_token": "`+tok+`"}`), time.Now())
	}
	st := &floorState{}
	if err := differs.check(answer("a"), st); err == nil || !strings.Contains(err.Error(), `no access token remembered as "first"`) {
		t.Errorf("differs with nothing remembered: %v; want an error saying so", err)
	}
	if err := remember.check(answer("a"), st); err != nil || st.remembered["first"] != "a" {
		t.Fatalf("remember: %v, remembered %q; want token \"a\" kept", err, st.remembered["first"])
	}
	if err := differs.check(answer("b"), st); err != nil {
		t.Errorf("differs with another token: %v; want it to pass", err)
	}
	if err := differs.check(answer("a"), st); err == nil || !strings.Contains(err.Error(), "the same access token") {
		t.Errorf("differs with the same token: %v; want an error saying so", err)
	}
}

// compileCheck compiles one Then step as a scenario that has sent a
// request with the integration's secret would.
func compileCheck(t *testing.T, text string) floorCheck {
	t.Helper()
	b := &floorBuilder{target: floorTarget, vars: floorVars(floorTarget), secrets: floorTarget.Secrets(), sent: []floorRequest{{}}}
	if err := b.step(&messages.PickleStep{Text: text}); err != nil {
		t.Fatalf("compiling %q: %v", text, err)
	}
	return b.sent[0].checks[0]
}
