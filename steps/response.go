package steps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/oautherr"
	"github.com/authconform/authconform/internal/redact"
)

// decodeJSON parses a body keeping numbers as written, so 14400.0 and
// "14400" stay distinguishable from 14400.
func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("data after the JSON value")
	}
	return v, nil
}

// member finds a dotted path ("errors.0.title") in a decoded document.
func member(doc any, path string) (any, bool) {
	cur := doc
	for _, part := range strings.Split(path, ".") {
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

// describeValue names a JSON value and its type for messages.
func describeValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x) + " (string)"
	case json.Number:
		return x.String() + " (number)"
	case bool:
		return strconv.FormatBool(x) + " (boolean)"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%v", v)
}

// jsonMember reads a member of the last answer's JSON body. A body that is
// not JSON fails with what was there instead.
func (st *scenario) jsonMember(path string) (any, bool, error) {
	ex, err := st.last()
	if err != nil {
		return nil, false, err
	}
	doc, err := st.jsonBody(ex, fmt.Sprintf("a JSON object with member %q", path))
	if err != nil {
		return nil, false, err
	}
	v, ok := member(doc, path)
	return v, ok, nil
}

// jsonBody decodes an answer's body, or fails saying what came instead:
// status, content type and the first bytes (in the transcript).
func (st *scenario) jsonBody(ex *httpclient.Exchange, want string) (any, error) {
	if st.decoded.ex != ex {
		st.decoded.ex = ex
		st.decoded.doc, st.decoded.err = decodeJSON(ex.Body)
	}
	doc, err := st.decoded.doc, st.decoded.err
	if err != nil {
		cut := ""
		if ex.Truncated {
			cut = ", cut at the client's body limit"
		}
		return nil, st.fail("response body is not JSON (%v): status %d, Content-Type %q, %d bytes%s; want %s",
			err, ex.Status, ex.Header.Get("Content-Type"), len(ex.Body), cut, want)
	}
	return doc, nil
}

func (st *scenario) requireMember(path string) (any, error) {
	v, ok, err := st.jsonMember(path)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, st.fail("JSON member %q is missing", path)
	}
	return v, nil
}

func (st *scenario) thenStatus(want int) error {
	ex, err := st.last()
	if err != nil {
		return err
	}
	if ex.Status != want {
		return st.fail("status = %d; want %d%s", ex.Status, want, serverErrorNote(ex.Status, want >= 500))
	}
	return nil
}

func (st *scenario) thenStatusOneOf(list string) error {
	want, err := statusList(list)
	if err != nil {
		return err
	}
	ex, err := st.last()
	if err != nil {
		return err
	}
	if !slices.Contains(want, strconv.Itoa(ex.Status)) {
		wants5xx := slices.ContainsFunc(want, func(code string) bool { return code[0] == '5' })
		return st.fail("status = %d; want one of %s%s", ex.Status, strings.Join(want, ", "), serverErrorNote(ex.Status, wants5xx))
	}
	return nil
}

var statusCode = regexp.MustCompile(`^[1-5][0-9][0-9]$`)

// statusList reads a list such as "400, 401". Every item must be a status
// code, read before any is compared: an item that is not one would
// otherwise narrow the check unseen, or go unread once an earlier one
// matched.
func statusList(list string) ([]string, error) {
	var codes []string
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if !statusCode.MatchString(item) {
			return nil, fmt.Errorf("status list %q: %q is not an HTTP status code (100 to 599); want codes separated by commas, as in \"400, 401\"", list, item)
		}
		codes = append(codes, item)
	}
	return codes, nil
}

func (st *scenario) thenStatus4xx() error {
	ex, err := st.last()
	if err != nil {
		return err
	}
	if ex.Status < 400 || ex.Status > 499 {
		return st.fail("status = %d; want a client error (4xx)%s%s", ex.Status, serverErrorNote(ex.Status, false), st.secretInURLNote())
	}
	return nil
}

// serverErrorNote says what a 5xx is when the step wanted none: the
// server failed on the request instead of answering it, which is a fault
// of the server whatever the request was.
func serverErrorNote(status int, wanted5xx bool) string {
	if status < 500 || status > 599 || wanted5xx {
		return ""
	}
	return fmt.Sprintf("; %d is a server error: the server failed on this request instead of answering it with an OAuth error (RFC 6749 §5.2)", status)
}

// secretInURLNote says why an answer other than a refusal is dangerous
// when the judged request carried a client_secret in its URL: servers,
// proxies and browsers log URLs, and a token for such a request teaches
// clients that it works (RFC 6749 §2.3.1: the secret MUST NOT be in the
// request URI; §3.2: the client MUST use POST).
func (st *scenario) secretInURLNote() string {
	if st.answer == nil {
		return ""
	}
	u, err := url.Parse(st.answer.Request.URL)
	if err != nil || !u.Query().Has("client_secret") {
		return ""
	}
	return "; the request carried the client secret in its URL, which servers, proxies and browsers log: a server that answers it rewards a leak (RFC 6749 §2.3.1, §3.2)"
}

func (st *scenario) thenContentTypeJSON() error {
	ex, err := st.last()
	if err != nil {
		return err
	}
	ct := ex.Header.Get("Content-Type")
	mt, _, perr := mime.ParseMediaType(ct)
	if perr != nil || mt != "application/json" {
		return st.fail("Content-Type = %q; want application/json (a charset parameter is allowed; RFC 6749 §5.1)", ct)
	}
	return nil
}

// thenHeaderIncludes checks a comma-separated header for a directive, in
// any case, across repeated header fields ("Cache-Control: no-cache" and
// "Cache-Control: no-store" together include no-store).
func (st *scenario) thenHeaderIncludes(name, directive string) error {
	ex, err := st.last()
	if err != nil {
		return err
	}
	values := ex.Header.Values(name)
	for _, v := range values {
		for _, part := range headerList(v) {
			d, _, _ := strings.Cut(strings.TrimSpace(part), "=")
			if strings.EqualFold(strings.TrimSpace(d), directive) {
				return nil
			}
		}
	}
	if len(values) == 0 {
		return st.fail("no %s header; want one that includes %q", name, directive)
	}
	return st.fail("%s = %q; want it to include %q", name, strings.Join(values, ", "), directive)
}

// headerList splits a comma-separated header value (RFC 9110 §5.6.1)
// into its elements, leaving commas inside quoted strings (§5.6.4, with
// backslash escapes) alone: `no-cache="Set-Cookie, no-store"` is one
// directive, and error_description="a, Basic b" holds no challenge.
func headerList(v string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case quoted && c == '\\':
			i++ // the escaped byte, whatever it is
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}

// thenChallengeScheme checks a challenge header (RFC 7235 §4.1:
// WWW-Authenticate) names an authentication scheme, in any case (RFC 7235
// §2.1): a scheme is the first token of a challenge, before a space or the
// end; "realm=..." and other parameters are not schemes.
func (st *scenario) thenChallengeScheme(name, scheme string) error {
	ex, err := st.last()
	if err != nil {
		return err
	}
	values := ex.Header.Values(name)
	for _, v := range values {
		for _, part := range headerList(v) {
			token, _, _ := strings.Cut(strings.TrimSpace(part), " ")
			if !strings.Contains(token, "=") && strings.EqualFold(token, scheme) {
				return nil
			}
		}
	}
	if len(values) == 0 {
		return st.fail("no %s header; want a challenge with the scheme %q (RFC 6749 §5.2: a 401 to HTTP Basic carries one)", name, scheme)
	}
	return st.fail("%s = %q; want a challenge with the scheme %q", name, strings.Join(values, ", "), scheme)
}

func (st *scenario) thenProfileSchema(which string) error {
	prof := st.suite.Target.Profile
	name := prof.TokenSchema
	if which == "error" {
		name = prof.ErrorSchema
	}
	return st.thenSchema(name)
}

func (st *scenario) thenSchema(name string) error {
	ex, err := st.last()
	if err != nil {
		return err
	}
	if _, err := st.jsonBody(ex, fmt.Sprintf("a body valid against the %q schema", name)); err != nil {
		return err
	}
	if err := st.suite.Schemas.Validate(name, ex.Body); err != nil {
		return st.fail("%v", err)
	}
	return nil
}

func (st *scenario) thenMemberEquals(path, want string) error {
	return st.memberStringCheck(path, want, func(got, want string) bool { return got == want }, "")
}

func (st *scenario) thenMemberEqualsFold(path, want string) error {
	return st.memberStringCheck(path, want, strings.EqualFold, " (compared ignoring case)")
}

func (st *scenario) memberStringCheck(path, want string, eq func(a, b string) bool, how string) error {
	want, err := st.expand(want)
	if err != nil {
		return err
	}
	v, err := st.requireMember(path)
	if err != nil {
		return err
	}
	got, ok := v.(string)
	if !ok || !eq(got, want) {
		return st.fail("%s = %s; want %q%s", path, describeValue(v), want, how)
	}
	return nil
}

var integerLiteral = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)

// integerMember reads a member that must be written as a bare JSON integer:
// JSON Schema's "integer" also admits 14400.0, which a client parsing into
// an int rejects.
func (st *scenario) integerMember(path string) (int64, error) {
	v, err := st.requireMember(path)
	if err != nil {
		return 0, err
	}
	n, ok := v.(json.Number)
	if !ok || !integerLiteral.MatchString(n.String()) {
		return 0, st.fail("%s = %s; want an integer written without fraction or exponent", path, describeValue(v))
	}
	i, err := n.Int64()
	if err != nil {
		return 0, st.fail("%s = %s; want an integer that fits in 64 bits", path, n)
	}
	return i, nil
}

func (st *scenario) thenMemberInteger(path, want string) error {
	got, wantN, err := st.integerAndWant(path, want)
	if err == nil && got != wantN {
		err = st.fail("%s = %d; want %d", path, got, wantN)
	}
	return err
}

// integerAndWant reads a bare integer member and the expected integer the
// step names (placeholders expanded).
func (st *scenario) integerAndWant(path, want string) (got, wantN int64, err error) {
	w, err := st.expand(want)
	if err != nil {
		return 0, 0, err
	}
	if wantN, err = strconv.ParseInt(w, 10, 64); err != nil {
		return 0, 0, fmt.Errorf("expected value %q is not a whole number", w)
	}
	got, err = st.integerMember(path)
	return got, wantN, err
}

// thenScopeRefusedOrLeftOut judges a request for a scope the client may
// not have. RFC 6749 §5.2 names invalid_scope for it, and §3.3 lets the
// server "fully or partially ignore the scope requested" instead, in which
// case it MUST say which scope it granted: so 400 invalid_scope passes, and
// so does a token whose returned scope holds none of the scope's tokens.
func (st *scenario) thenScopeRefusedOrLeftOut(scope string) error {
	scope, err := st.expand(scope)
	if err != nil {
		return err
	}
	ex, err := st.last()
	if err != nil {
		return err
	}
	switch {
	case ex.Status == 400:
		return st.thenOAuthError(string(oautherr.InvalidScope))
	case ex.Status >= 200 && ex.Status < 300:
		v, present, err := st.jsonMember("scope")
		if err != nil {
			return err
		}
		granted, ok := v.(string)
		if !present || !ok {
			return st.fail("status = %d with no scope member; want 400 invalid_scope, or a token whose scope member says what was granted instead of %q (RFC 6749 §3.3: a server that ignores a requested scope MUST return the one it granted)", ex.Status, scope)
		}
		for _, tok := range strings.Fields(scope) {
			if slices.Contains(strings.Fields(granted), tok) {
				return st.fail("status = %d granting scope %q, which holds %q; want 400 invalid_scope, or a scope without it (RFC 6749 §3.3, §5.2)", ex.Status, granted, tok)
			}
		}
		return nil
	}
	return st.fail("status = %d; want 400 invalid_scope (RFC 6749 §5.2), or a token granting another scope (§3.3)", ex.Status)
}

func (st *scenario) thenMemberIsInteger(path string) error {
	_, err := st.integerMember(path)
	return err
}

func (st *scenario) thenMemberMatches(path, pattern string) error {
	p, err := st.expand(pattern)
	if err != nil {
		return err
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return fmt.Errorf("pattern %q: %v", p, err)
	}
	v, err := st.requireMember(path)
	if err != nil {
		return err
	}
	s, ok := v.(string)
	if !ok || !re.MatchString(s) {
		return st.fail("%s = %s; want a string matching %q", path, describeValue(v), p)
	}
	return nil
}

func (st *scenario) thenMemberNonEmptyString(path string) error {
	v, err := st.requireMember(path)
	if err != nil {
		return err
	}
	if s, ok := v.(string); !ok || s == "" {
		return st.fail("%s = %s; want a non-empty string", path, describeValue(v))
	}
	return nil
}

func (st *scenario) thenMemberNowSkew(path string) error {
	return st.checkNow(path, st.suite.Target.ClockSkew)
}

func (st *scenario) thenMemberNow(path string, secs int) error {
	return st.checkNow(path, time.Duration(secs)*time.Second)
}

func (st *scenario) checkNow(path string, skew time.Duration) error {
	got, err := st.integerMember(path)
	if err != nil {
		return err
	}
	// "Now" is when the answer came: one an earlier scenario of a slow,
	// rate-limited run obtained and this one judges was generated then.
	now := int64(st.answeredAt())
	if diff := math.Abs(float64(got - now)); diff > skew.Seconds() {
		hint := ""
		if got > now*100 {
			hint = " (it looks like milliseconds; want seconds)"
		}
		return st.fail("%s = %d, %.0f s from now (%d); want Unix seconds within %s of now%s", path, got, diff, now, skew, hint)
	}
	return nil
}

func (st *scenario) thenMemberAbsent(path string) error {
	v, ok, err := st.jsonMember(path)
	if err != nil {
		return err
	}
	if ok {
		return st.fail("JSON member %q = %s; want no such member", path, describeValue(v))
	}
	return nil
}

// oauthError reads the error code: Commerce Layer puts it in
// errors[0].title, RFC 6749 §5.2 in error.
func (st *scenario) oauthError() (oautherr.Code, error) {
	ex, err := st.last()
	if err != nil {
		return "", err
	}
	doc, err := st.jsonBody(ex, "an OAuth error body")
	if err != nil {
		return "", err
	}
	for _, path := range []string{"errors.0.title", "error"} {
		if v, ok := member(doc, path); ok {
			if s, ok := v.(string); ok && s != "" {
				return oautherr.Code(s), nil
			}
			return "", st.fail("OAuth error code %s = %s; want a non-empty string", path, describeValue(v))
		}
	}
	return "", st.fail("no OAuth error code in the body; want errors[0].title (Commerce Layer) or error (RFC 6749 §5.2)")
}

func (st *scenario) thenOAuthError(want string) error {
	got, err := st.oauthError()
	if err != nil {
		return err
	}
	if got != oautherr.Code(want) {
		return st.fail("OAuth error = %q; want %q", got, want)
	}
	return nil
}

// thenOAuthErrorOneOf accepts any of a comma-separated list of codes, for
// requests where RFC 6749 allows more than one answer (a missing client_id
// is both "missing a required parameter" and "no client authentication").
func (st *scenario) thenOAuthErrorOneOf(list string) error {
	want, err := codeList(list)
	if err != nil {
		return err
	}
	got, err := st.oauthError()
	if err != nil {
		return err
	}
	if !slices.Contains(want, string(got)) {
		return st.fail("OAuth error = %q; want one of %s", got, strings.Join(want, ", "))
	}
	return nil
}

// codeList reads a list such as "invalid_client, invalid_request".
func codeList(list string) ([]string, error) {
	return commaList(list, "OAuth error", "codes", "invalid_client, invalid_request")
}

// commaList reads a step's comma-separated list of what (kind of items,
// shown with an example). An empty item is an error, as an empty list
// would be: no answer holds an empty value, so the check could never pass.
func commaList(list, what, items, example string) ([]string, error) {
	var out []string
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("%s list %q: an empty item; want %s separated by commas, as in %q", what, list, items, example)
		}
		out = append(out, item)
	}
	return out, nil
}

func (st *scenario) thenOAuthErrorRegistered() error {
	got, err := st.oauthError()
	if err != nil {
		return err
	}
	if slices.Contains(oautherr.TokenEndpoint(), got) {
		return nil
	}
	return st.fail("OAuth error = %q; want one of %s (RFC 6749 §5.2)", got, oautherr.Join(oautherr.TokenEndpoint()))
}

// thenErrorWithoutToken is the tail every error scenario shares, one
// sentence for the three checks a QA reader would otherwise repeat: the
// answer is JSON, valid against the profile's error response schema, and
// carries no token. Each check runs as its own step does, in that order,
// and fails with the same message.
func (st *scenario) thenErrorWithoutToken() error {
	if err := st.thenContentTypeJSON(); err != nil {
		return err
	}
	if err := st.thenProfileSchema("error"); err != nil {
		return err
	}
	return st.thenNoToken()
}

var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`)

// thenNoToken checks an answer carries no token: no access_token member at
// the top or inside errors, and nothing shaped like a JWT anywhere.
func (st *scenario) thenNoToken() error {
	ex, err := st.last()
	if err != nil {
		return err
	}
	if doc, derr := decodeJSON(ex.Body); derr == nil {
		for _, path := range []string{"access_token", "errors.0.access_token"} {
			if v, ok := member(doc, path); ok {
				return st.fail("the answer carries JSON member %q = %s; want no token%s", path, describeValue(v), st.secretInURLNote())
			}
		}
	}
	if loc := jwtLike.FindIndex(ex.Body); loc != nil {
		return st.fail("the answer carries a JWT-shaped string at byte %d; want no token", loc[0])
	}
	return nil
}

// thenNoSecret checks neither body nor headers hold a client secret (the
// configured ones, or any this scenario sent) in any encoding the
// redactor knows: a server that echoes a secret base64-encoded in a header
// or as \u-escaped JSON leaks it as surely as one that echoes it raw.
func (st *scenario) thenNoSecret() error {
	ex, err := st.last()
	if err != nil {
		return err
	}
	secrets := append(st.suite.Target.Secrets(), st.sentSecrets...)
	if len(secrets) == 0 {
		return fmt.Errorf("no client secret to look for: the scenario sent none and none is configured")
	}
	finder := redact.New(secrets...)
	if i, _, found := finder.Find(ex.Body); found {
		return st.fail("the response body holds a client secret at byte %d; want no secret echoed, in any encoding", i)
	}
	for name, vs := range ex.Header {
		for _, v := range vs {
			if _, _, found := finder.Find([]byte(v)); found {
				return st.fail("response header %q holds a client secret; want no secret echoed, in any encoding", name)
			}
		}
	}
	return nil
}

func (st *scenario) rememberToken(name string) error {
	v, err := st.requireMember("access_token")
	if err != nil {
		return err
	}
	tok, ok := v.(string)
	if !ok || tok == "" {
		return st.fail("access_token = %s; want a token to remember", describeValue(v))
	}
	st.remembered[name] = tok
	return nil
}

func (st *scenario) thenTokenDiffers(name string) error {
	prev, ok := st.remembered[name]
	if !ok {
		return fmt.Errorf("no access token remembered as %q", name)
	}
	v, err := st.requireMember("access_token")
	if err != nil {
		return err
	}
	tok, ok := v.(string)
	switch {
	case !ok || tok == "":
		// Anything but a token differs from the remembered one, and proves
		// nothing: the check is on a second token.
		return st.fail("access_token = %s; want a non-empty string, a token other than the one remembered as %q", describeValue(v), name)
	case tok == prev:
		return st.fail("access_token is the same token as the one remembered as %q; want a different token per client", name)
	}
	return nil
}
