package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/jwtcheck"
)

// The JWT steps judge the access token of the answer the scenario judges
// (its own, or one obtained earlier in the run: "the access token issued
// for the JSON body:"). They read its claims with the same member-path
// grammar as the response steps ("application.kind", "market.id").

// token parses the scenario's access token as a JWT, once.
func (st *scenario) token() (*jwtcheck.Token, error) {
	if st.accessToken == "" {
		if st.answer == nil {
			return nil, fmt.Errorf("no access token yet: a token request must be answered before a JWT step judges its token")
		}
		return nil, st.fail("the answer carries no access token to judge as a JWT (status %d)", st.answer.Status)
	}
	tok, err := st.parsedToken()
	if err != nil {
		return nil, st.fail("the access token is not a JWT: %v", err)
	}
	return tok, nil
}

// parsedToken is the scenario's access token parsed as a JWT (its
// signature unchecked), parsed once per token; an error when there is no
// token or it is not a JWT.
func (st *scenario) parsedToken() (*jwtcheck.Token, error) {
	if st.accessToken == "" {
		return nil, fmt.Errorf("no access token")
	}
	if st.jwt.raw != st.accessToken {
		st.jwt.raw = st.accessToken
		st.jwt.tok, st.jwt.err = jwtcheck.Parse(st.accessToken)
	}
	return st.jwt.tok, st.jwt.err
}

// keySet returns the target's key set, read once per run through the
// run's client (rate limit, timeout, CA, redaction) and shared. A set that
// cannot be read or used fails the scenario with the reason, never the
// run.
func (st *scenario) keySet(ctx context.Context) (*jwtcheck.KeySet, error) {
	sh := st.suite.shared()
	sh.mu.Lock()
	ks, found := sh.keys, sh.keys != nil
	if !found {
		ks = &sharedKeySet{ready: make(chan struct{}), scenario: st.name()}
		sh.keys = ks
	}
	sh.mu.Unlock()

	where := st.suite.Target.KeySetURL()
	if found {
		select {
		case <-ks.ready:
		case <-ctx.Done():
			st.sendFailed = true
			return nil, fmt.Errorf("waiting for the key set another scenario was reading: %v", ctx.Err())
		}
	} else {
		st.fetchKeySet(ctx, ks, where)
	}
	// Shown, never counted, in every scenario that judges with it: which
	// scenario happened to read it first depends on -concurrency, and a
	// report must not.
	if ks.ex != nil {
		st.borrowed = append(st.borrowed, borrowedExchange{ks.ex, "the target's key set, read once for the run"})
	}
	if ks.problem != "" {
		return nil, st.fail("the target's key set at %s cannot be used: %s", where, ks.problem)
	}
	return ks.set, nil
}

// fetchKeySet reads the key set into ks and tells the waiting scenarios.
func (st *scenario) fetchKeySet(ctx context.Context, ks *sharedKeySet, where string) {
	defer close(ks.ready)
	ex, err := st.suite.Client.Do(ctx, httpclient.Request{
		Method: http.MethodGet,
		URL:    where,
		Header: http.Header{"Accept": {"application/json"}},
	})
	if err != nil {
		st.sendFailed = true
		ks.problem = "no answer: " + st.suite.Redactor.String(err.Error())
		return
	}
	ks.ex = ex
	if ex.Malformed != "" {
		ks.problem = "its answer is not HTTP any client may accept: " + ex.Malformed
		return
	}
	if ex.Status != http.StatusOK {
		ks.problem = fmt.Sprintf("status %d; want 200 and a JWK Set (RFC 7517 §5)", ex.Status)
		return
	}
	set, err := jwtcheck.ParseKeySet(ex.Body)
	if err != nil {
		ks.problem = err.Error()
		return
	}
	ks.set = set
}

// thenSignedJWT checks the token is a compact JWS signed with alg by a
// key of the target's key set (RFC 7515, RFC 7517; Commerce Layer signs
// with RS512 and its clients select the key by kid). go-jose verifies,
// with alg as the only algorithm allowed.
func (st *scenario) thenSignedJWT(ctx context.Context, alg string) error {
	tok, err := st.token()
	if err != nil {
		return err
	}
	ks, err := st.keySet(ctx)
	if err != nil {
		return err
	}
	if err := tok.Verify(alg, ks); err != nil {
		return st.fail("%v", err)
	}
	return nil
}

// claim finds a claim by member path, or fails naming the claims there.
func (st *scenario) claim(path string) (any, error) {
	tok, err := st.token()
	if err != nil {
		return nil, err
	}
	v, ok := member(tok.Claims, path)
	if !ok {
		return nil, st.fail("the token has no claim %q; its claims are %s", path, claimNames(tok.Claims))
	}
	return v, nil
}

// claimNames lists the top-level claim names, never their values.
func claimNames(claims map[string]any) string {
	return "{" + strings.Join(slices.Sorted(maps.Keys(claims)), ", ") + "}"
}

func (st *scenario) thenHeaderEquals(name, want string) error {
	tok, err := st.token()
	if err != nil {
		return err
	}
	v, ok := tok.Header[name]
	if !ok {
		return st.fail("the token's header has no %q; want %q", name, want)
	}
	if s, isString := v.(string); !isString || s != want {
		return st.fail("the token's header %q = %s; want %q", name, describeValue(v), want)
	}
	return nil
}

// thenHeaderOneOfFold accepts any of a comma-separated list of values,
// compared without regard to case, for a header member that RFCs allow to
// take more than one (typ: RFC 7519's "JWT", RFC 9068's "at+jwt").
func (st *scenario) thenHeaderOneOfFold(name, list string) error {
	want, err := commaList(list, "value", "values", "JWT, at+jwt")
	if err != nil {
		return err
	}
	tok, err := st.token()
	if err != nil {
		return err
	}
	v, ok := tok.Header[name]
	if !ok {
		return st.fail("the token's header has no %q; want one of %s", name, strings.Join(want, ", "))
	}
	s, isString := v.(string)
	if !isString || !slices.ContainsFunc(want, func(w string) bool { return strings.EqualFold(w, s) }) {
		return st.fail("the token's header %q = %s; want one of %s, in any case", name, describeValue(v), strings.Join(want, ", "))
	}
	return nil
}

func (st *scenario) thenClaimEquals(path, want string) error {
	want, err := st.expand(want)
	if err != nil {
		return err
	}
	v, err := st.claim(path)
	if err != nil {
		return err
	}
	if s, ok := v.(string); !ok || s != want {
		return st.fail("claim %s = %s; want %q", path, describeValue(v), want)
	}
	return nil
}

func (st *scenario) thenClaimNonEmptyString(path string) error {
	v, err := st.claim(path)
	if err != nil {
		return err
	}
	if s, ok := v.(string); !ok || s == "" {
		return st.fail("claim %s = %s; want a non-empty string", path, describeValue(v))
	}
	return nil
}

func (st *scenario) thenClaimBool(path, want string) error {
	v, err := st.claim(path)
	if err != nil {
		return err
	}
	if b, ok := v.(bool); !ok || fmt.Sprint(b) != want {
		return st.fail("claim %s = %s; want %s (a JSON boolean)", path, describeValue(v), want)
	}
	return nil
}

func (st *scenario) thenClaimIsBool(path string) error {
	v, err := st.claim(path)
	if err != nil {
		return err
	}
	if _, ok := v.(bool); !ok {
		return st.fail("claim %s = %s; want a JSON boolean", path, describeValue(v))
	}
	return nil
}

func (st *scenario) thenClaimAbsent(path string) error {
	tok, err := st.token()
	if err != nil {
		return err
	}
	if v, ok := member(tok.Claims, path); ok {
		return st.fail("claim %s = %s; want no such claim", path, describeValue(v))
	}
	return nil
}

func (st *scenario) thenClaimListContains(path, want string) error {
	want, err := st.expand(want)
	if err != nil {
		return err
	}
	v, err := st.claim(path)
	if err != nil {
		return err
	}
	list, ok := v.([]any)
	if !ok {
		return st.fail("claim %s = %s; want a list holding %q", path, describeValue(v), want)
	}
	if !slices.ContainsFunc(list, func(e any) bool { s, ok := e.(string); return ok && s == want }) {
		return st.fail("claim %s is a list of %d without %q; want it to hold %q", path, len(list), want, want)
	}
	return nil
}

// thenClaimEqualsMember compares a claim with a member of the token answer
// as JSON values: a string with the same string, a number with the same
// number.
func (st *scenario) thenClaimEqualsMember(path, memberPath string) error {
	c, err := st.claim(path)
	if err != nil {
		return err
	}
	m, err := st.requireMember(memberPath)
	if err != nil {
		return err
	}
	if !sameJSON(c, m) {
		return st.fail("claim %s = %s; want the answer's %s, %s", path, describeValue(c), memberPath, describeValue(m))
	}
	return nil
}

func sameJSON(a, b any) bool {
	if x, ok := a.(json.Number); ok {
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		fx, ex := x.Float64()
		fy, ey := y.Float64()
		return ex == nil && ey == nil && fx == fy
	}
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// numericDate reads a NumericDate claim: a JSON number of seconds, which
// RFC 7519 §2 allows to be non-integer.
func (st *scenario) numericDate(path string) (float64, error) {
	v, err := st.claim(path)
	if err != nil {
		return 0, err
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, st.fail("claim %s = %s; want a NumericDate, a JSON number of seconds (RFC 7519 §2)", path, describeValue(v))
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) {
		return 0, st.fail("claim %s = %s; want a NumericDate, a JSON number of seconds (RFC 7519 §2)", path, n)
	}
	return f, nil
}

func (st *scenario) thenClaimNowSkew(path string) error {
	got, err := st.numericDate(path)
	if err != nil {
		return err
	}
	now := st.answeredAt()
	skew := st.suite.Target.ClockSkew
	if diff := math.Abs(got - now); diff > skew.Seconds()+1 {
		return st.fail("claim %s = %.0f, %.0f s from when the token was issued (%.0f); want within %s of it", path, got, diff, now, skew)
	}
	return nil
}

// answeredAt is when the answer judged came, in Unix seconds: a token
// judged later in a slow run was issued then, not when it is judged. A
// suite with its own clock (tests) reads that instead.
func (st *scenario) answeredAt() float64 {
	if st.answer != nil && !st.answer.Received.IsZero() && st.suite.Now == nil {
		return float64(st.answer.Received.Unix())
	}
	return float64(st.suite.now().Unix())
}

func (st *scenario) thenClaimNearMember(path, memberPath string) error {
	got, err := st.numericDate(path)
	if err != nil {
		return err
	}
	m, err := st.integerMember(memberPath)
	if err != nil {
		return err
	}
	skew := st.suite.Target.ClockSkew
	if diff := math.Abs(got - float64(m)); diff > skew.Seconds()+1 {
		return st.fail("claim %s = %.0f, %.0f s from the answer's %s (%d); want within %s", path, got, diff, memberPath, m, skew)
	}
	return nil
}

// thenClaimLifetime checks that exp − iat is the lifetime the answer
// reports as expires_in, allowing the same countdown as the lifetime
// check: a server may report the time left when it wrote the answer.
func (st *scenario) thenClaimLifetime(from, to, memberPath string) error {
	start, err := st.numericDate(from)
	if err != nil {
		return err
	}
	end, err := st.numericDate(to)
	if err != nil {
		return err
	}
	expiresIn, err := st.integerMember(memberPath)
	if err != nil {
		return err
	}
	// NumericDates may have fractions: the lifetime counts in whole
	// seconds, and the window is the lifetime step's.
	lifetime := math.Round(end - start)
	if !withinLifetime(float64(expiresIn), lifetime) {
		return st.fail("claims %s − %s = %.0f s; the answer's %s = %d; want the same lifetime, or %s up to %d s less (RFC 6749 §5.1, RFC 7519 §4.1.4)", to, from, lifetime, memberPath, expiresIn, memberPath, LifetimeTolerance)
	}
	return nil
}

// thenClaimIssuer checks iss names the target, the issuer the suite reads
// the keys under: Commerce Layer's clients read the key set from iss +
// "/.well-known/jwks.json" (when iss is an https://auth. URL; see
// thenClaimIssuerFollowed), so any other issuer sends them to keys that
// are not the target's.
func (st *scenario) thenClaimIssuer(path string) error {
	v, err := st.claim(path)
	if err != nil {
		return err
	}
	want := st.suite.Target.IssuerURL()
	s, ok := v.(string)
	if !ok || !sameOrigin(s, want) {
		return st.fail("claim %s = %s; want %q, the target's issuer (set AUTHCONFORM_ISSUER for a target behind a gateway)", path, describeValue(v), want)
	}
	return nil
}

// Commerce Layer's clients (js-auth's extractIssuer, read by jwtVerify,
// revoke and getCoreApiBaseEndpoint; the SDK's domain) take a token's iss
// as its issuer only when it starts with followedIssuerPrefix; any other
// iss, or none, gives fallbackIssuer, the real service.
const (
	followedIssuerPrefix = "https://auth."
	fallbackIssuer       = "https://auth.commercelayer.io"
)

// thenClaimIssuerFollowed checks that the issuer Commerce Layer's clients
// take from the token is the target's, where they then read its keys,
// revoke it and find the Core API. An iss they do not follow passes only
// for a target that is itself at the fallback.
func (st *scenario) thenClaimIssuerFollowed(path string) error {
	tok, err := st.token()
	if err != nil {
		return err
	}
	v, present := member(tok.Claims, path)
	followed := fallbackIssuer
	if s, ok := v.(string); ok && strings.HasPrefix(s, followedIssuerPrefix) {
		followed = s
	}
	want := st.suite.Target.IssuerURL()
	if sameOrigin(followed, want) {
		return nil
	}
	got := "the token has no claim " + strconv.Quote(path)
	if present {
		got = fmt.Sprintf("claim %s = %s", path, describeValue(v))
	}
	if followed == fallbackIssuer {
		return st.fail("%s; Commerce Layer's clients follow iss only when it starts with %q, so they read this token's keys, revoke it and look for the Core API at %s, not at the target's issuer %q", got, followedIssuerPrefix, fallbackIssuer, want)
	}
	return st.fail("%s; Commerce Layer's clients read this token's keys and revoke it there, not at the target's issuer %q", got, want)
}

// sameOrigin compares two issuer URLs as clients would use them: scheme
// and host without regard to case, a default port written or not, and a
// trailing slash ignored.
func sameOrigin(a, b string) bool {
	norm := func(s string) (string, bool) {
		u, err := url.Parse(strings.TrimSuffix(s, "/"))
		// A query or a fragment would take the key set's path that clients
		// append out of the URL's path; user info names no issuer.
		if err != nil || u.User != nil || strings.ContainsAny(s, "?#") {
			return "", false
		}
		host := strings.ToLower(u.Hostname())
		port := u.Port()
		scheme := strings.ToLower(u.Scheme)
		if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
			port = ""
		}
		if port != "" {
			host += ":" + port
		}
		return scheme + "://" + host + u.EscapedPath(), true
	}
	na, okA := norm(a)
	nb, okB := norm(b)
	return okA && okB && na == nb
}

func (st *scenario) thenClaimsSchema(name string) error {
	tok, err := st.token()
	if err != nil {
		return err
	}
	if err := st.suite.Schemas.Validate(name, tok.ClaimsJSON); err != nil {
		return st.fail("the token's claims: %v", err)
	}
	return nil
}
