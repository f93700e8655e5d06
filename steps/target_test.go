package steps

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
)

// The fake target's paths, besides config.JWKSPath.
const (
	tokenPath    = "/oauth/token"
	resourcePath = "/api/markets"
	testKid      = "authconform-test-key"
	// leftOut, as a jwtSpec's kid or typ, leaves that header member out.
	leftOut = "-"
)

// testKeyring is the keys the tests sign with: published is the one the
// fake target's key set holds; other is a key it does not hold.
type testKeyring struct {
	published, other *rsa.PrivateKey
	hmac             []byte
}

// testKeys are generated once for the whole package: RSA generation is
// slow under -race.
var testKeys = sync.OnceValue(func() testKeyring {
	gen := func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		return k
	}
	return testKeyring{published: gen(), other: gen(), hmac: []byte(strings.Repeat("hmac-secret-", 6))[:64]}
})

// publishedKeySet is the JWK Set the fake target serves: the published key
// under testKid, for RS512 signatures.
func publishedKeySet() string {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &testKeys().published.PublicKey, KeyID: testKid, Algorithm: "RS512", Use: "sig",
	}}}
	b, err := json.Marshal(set)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// jwtSpec is how a test makes an access token, as data.
type jwtSpec struct {
	// signer: "" signs RS512 with the published key; "RS256" with the
	// published key; "other key" RS512 with a key the set does not hold;
	// "HS512" with a shared secret; "none" leaves it unsigned; "tampered"
	// signs RS512 with the published key, then changes the claims;
	// "opaque" is no JWT at all.
	signer string
	kid    string         // the header's kid: "" is testKid; leftOut
	typ    string         // the header's typ: "" is "JWT"; leftOut
	claims map[string]any // nil: goodClaims(); in strings, {{origin}} and {{host}} are the target's
}

// goodClaims are the claims of a sales channel's token for the market
// xYZkjABcde, issued at 1 700 000 000 for 14 400 s by the target.
func goodClaims() map[string]any {
	return map[string]any{
		"organization": map[string]any{"id": "org-1", "slug": "acme"},
		"application":  map[string]any{"id": "app-1", "kind": "sales_channel", "public": true},
		"scope":        "market:id:xYZkjABcde",
		"market":       map[string]any{"id": []any{"xYZkjABcde"}},
		"iat":          1_700_000_000,
		"exp":          1_700_014_400,
		"test":         true,
		"iss":          "{{origin}}",
	}
}

// claimsWith is goodClaims changed at dotted paths: pairs of a path and
// its value, where a nil value removes the claim.
func claimsWith(pairs ...any) map[string]any { return changed(goodClaims(), pairs...) }

// tokenAnswer is the token answer's members besides access_token.
func tokenAnswer() map[string]any {
	return map[string]any{"token_type": "bearer", "expires_in": 14400, "scope": "market:id:xYZkjABcde", "created_at": 1_700_000_000}
}

func answerWith(pairs ...any) map[string]any { return changed(tokenAnswer(), pairs...) }

func changed(doc map[string]any, pairs ...any) map[string]any {
	for i := 0; i+1 < len(pairs); i += 2 {
		parts := strings.Split(pairs[i].(string), ".")
		m := doc
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		last := parts[len(parts)-1]
		if pairs[i+1] == nil {
			delete(m, last)
		} else {
			m[last] = pairs[i+1]
		}
	}
	return doc
}

// withOrigin replaces {{origin}} in every string of v with origin
// (http://host:port), and {{host}} with its host and port.
func withOrigin(v any, origin string) any {
	switch x := v.(type) {
	case string:
		x = strings.ReplaceAll(x, "{{origin}}", origin)
		return strings.ReplaceAll(x, "{{host}}", strings.TrimPrefix(origin, "http://"))
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = withOrigin(e, origin)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withOrigin(e, origin)
		}
		return out
	}
	return v
}

var b64url = base64.RawURLEncoding.EncodeToString

// makeToken makes the access token spec describes, for a target at origin.
func makeToken(tb testing.TB, spec jwtSpec, origin string) string {
	tb.Helper()
	claims := spec.claims
	if claims == nil {
		claims = goodClaims()
	}
	payload, err := json.Marshal(withOrigin(claims, origin))
	if err != nil {
		tb.Fatal(err)
	}
	kid, typ := spec.kid, spec.typ
	if kid == "" {
		kid = testKid
	}
	if typ == "" {
		typ = "JWT"
	}
	keys := testKeys()
	switch spec.signer {
	case "":
		return sign(tb, jose.RS512, keys.published, kid, typ, payload)
	case "RS256":
		return sign(tb, jose.RS256, keys.published, kid, typ, payload)
	case "other key":
		return sign(tb, jose.RS512, keys.other, kid, typ, payload)
	case "HS512":
		return sign(tb, jose.HS512, keys.hmac, kid, typ, payload)
	case "none":
		header := map[string]any{"alg": "none"}
		if kid != leftOut {
			header["kid"] = kid
		}
		if typ != leftOut {
			header["typ"] = typ
		}
		h, _ := json.Marshal(header)
		return b64url(h) + "." + b64url(payload) + "."
	case "tampered":
		parts := strings.Split(sign(tb, jose.RS512, keys.published, kid, typ, payload), ".")
		forged, _ := json.Marshal(changed(withOrigin(claims, origin).(map[string]any), "application.kind", "integration"))
		parts[1] = b64url(forged)
		return strings.Join(parts, ".")
	case "opaque":
		return "opaque-access-token-0f3c9a7e5b1d"
	}
	tb.Fatalf("jwtSpec: unknown signer %q", spec.signer)
	return ""
}

func sign(tb testing.TB, alg jose.SignatureAlgorithm, key any, kid, typ string, payload []byte) string {
	tb.Helper()
	opts := &jose.SignerOptions{}
	if kid != leftOut {
		opts.WithHeader("kid", kid)
	}
	if typ != leftOut {
		opts.WithType(jose.ContentType(typ))
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		tb.Fatal(err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// served is an answer of the fake target: status and JSON body.
type served struct {
	status int
	body   string
}

// fakeTarget is a target as a test describes it: what its token endpoint,
// key set, revocation endpoint and protected resource answer, and how it
// is configured. Zero values are a well-behaved target.
type fakeTarget struct {
	token    jwtSpec        // the access token it issues
	answer   map[string]any // the token answer's other members; nil: tokenAnswer()
	refuse   served         // when set, the token endpoint answers this instead
	jwks     served         // zero: 200 and publishedKeySet()
	revoke   served         // zero: 200 {}
	resource served         // zero: 200 {}
	delay    time.Duration  // how long the token endpoint takes
	issuer   string         // the configured issuer (AUTHCONFORM_ISSUER); "": its origin
	// tokenText, when set, is the access token it issues, as is,
	// instead of the one token describes.
	tokenText string
}

// seenRequest is a request the fake target received.
type seenRequest struct {
	method string
	query  string // as sent, encoded
	header http.Header
	body   []byte
}

// liveTarget is a fakeTarget being served.
type liveTarget struct {
	fake      fakeTarget
	origin    string // http://127.0.0.1:port
	token     string // the access token it issues
	tokenBody string
	srv       *httptest.Server
	closeOnce sync.Once
	mu        sync.Mutex
	seen      map[string][]seenRequest // by path
}

// start serves f until the test ends (or close).
func (f fakeTarget) start(tb testing.TB) *liveTarget {
	tb.Helper()
	lt := &liveTarget{fake: f, seen: map[string][]seenRequest{}}
	lt.srv = httptest.NewUnstartedServer(http.HandlerFunc(lt.serve))
	lt.origin = "http://" + lt.srv.Listener.Addr().String()
	lt.token = f.tokenText
	if lt.token == "" {
		lt.token = makeToken(tb, f.token, lt.origin)
	}
	answer := f.answer
	if answer == nil {
		answer = tokenAnswer()
	}
	answer["access_token"] = lt.token
	b, err := json.Marshal(answer)
	if err != nil {
		tb.Fatal(err)
	}
	lt.tokenBody = string(b)
	lt.srv.Start()
	tb.Cleanup(lt.close)
	return lt
}

func (lt *liveTarget) close() { lt.closeOnce.Do(lt.srv.Close) }

func (lt *liveTarget) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	lt.mu.Lock()
	lt.seen[r.URL.Path] = append(lt.seen[r.URL.Path], seenRequest{r.Method, r.URL.RawQuery, r.Header.Clone(), body})
	lt.mu.Unlock()
	or := func(a, dflt served) served {
		if a.status == 0 {
			return dflt
		}
		return a
	}
	a := served{http.StatusNotFound, `{"error":"not_found"}`}
	switch r.URL.Path {
	case tokenPath:
		time.Sleep(lt.fake.delay)
		a = or(lt.fake.refuse, served{http.StatusOK, lt.tokenBody})
	case config.JWKSPath:
		a = or(lt.fake.jwks, served{http.StatusOK, publishedKeySet()})
	case config.DefaultRevokePath:
		a = or(lt.fake.revoke, served{http.StatusOK, `{}`})
	case resourcePath:
		a = or(lt.fake.resource, served{http.StatusOK, `{}`})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.status)
	_, _ = io.WriteString(w, a.body)
}

// requests returns the requests the target received at path.
func (lt *liveTarget) requests(path string) []seenRequest {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	return append([]seenRequest(nil), lt.seen[path]...)
}

// suite is a test suite (testSuite's configuration and clock) whose target
// is lt, reached through a real client.
func (lt *liveTarget) suite(tb testing.TB) *suite {
	tb.Helper()
	s := testSuite(tb)
	s.Target.URL = mustBase(lt.origin)
	s.Target.TokenPath = tokenPath
	s.Target.RevokePath = config.DefaultRevokePath
	s.Target.ResourceURL = lt.origin + resourcePath
	if lt.fake.issuer != "" {
		s.Target.Issuer = lt.fake.issuer
		s.Target.JWKSURL = lt.origin + config.JWKSPath
	}
	s.Client = httpclient.New(httpclient.Options{Timeout: 10 * time.Second})
	tb.Cleanup(s.Client.Close)
	return s
}

// line is a feature line with its doc string, if any.
type line struct {
	text string
	doc  string // "" : none
}

// play runs lines on st in order, as godog runs a scenario's steps, and
// returns the first error.
func play(tb testing.TB, st *scenario, lines ...line) error {
	tb.Helper()
	for _, l := range lines {
		var arg any
		if l.doc != "" {
			arg = docString(l.doc)
		}
		if err := runLine(tb, st, l.text, arg); err != nil {
			return err
		}
	}
	return nil
}

// Lines the tests of shared answers, JWT, revocation and resource steps
// start scenarios with.
const (
	issuedLine  = "Given the access token issued for the JSON body:"
	requestLine = "Given a token request with the JSON body:"
	sentLine    = "When the token request is sent"
	marketBody  = `{"grant_type": "client_credentials", "client_id": "{{sales_channel.client_id}}", "scope": "market:id:{{market_id}}"}`
	signedLine  = `Then the access token should be a JWT signed with "RS512" by a key of the target's JWKS`
)

var issued = line{issuedLine, marketBody}

// checkNoToken fails t if text shows the token or any of its segments: an
// access token is a credential, and messages and transcripts go into
// reports.
func checkNoToken(t *testing.T, what, text, token string) {
	t.Helper()
	for _, part := range append([]string{token}, strings.Split(token, ".")...) {
		if part != "" && strings.Contains(text, part) {
			t.Errorf("%s shows the access token or one of its segments:\n%s", what, text)
			return
		}
	}
}
