package main

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/authconform/authconform/internal/race"
)

// The grant battery proves the verdicts of features/authorization_code/
// and features/jwt_bearer/ on a server written for this file alone, as
// the token battery does for features/token/: a webapp with an authorize
// endpoint, the authorization code exchange and the JWT bearer grant of a
// Commerce Layer-compatible server, using the standard library only (and
// the token battery's keys and JSON helpers, themselves independent of
// the suite). It shares no code with the reference server or the steps,
// and the test talks to the CLI only through the documented variables.
//
// The correct server must pass every scenario of the two features, at
// least three of each; each fault must fail the run (a @should one with
// -strict), exactly in the scenarios that judge its rule. No row may show
// a secret, a code, an assertion, an access or a refresh token.

// grantFault is one way the server breaks a rule; "" is the correct one.
type grantFault string

const (
	gfStateDropped         grantFault = "the authorize redirect leaves the state out"
	gfCodeReusable         grantFault = "a code is exchanged as often as it is presented"
	gfReuseKeepsToken      grantFault = "a reused code is refused, but the token it gave keeps working"
	gfRedirectUnchecked    grantFault = "the exchange takes any redirect_uri"
	gfUnknownCode          grantFault = "any code is exchanged, issued or not"
	gfWebappSecretIgnored  grantFault = "the webapp's secret is not checked at the exchange"
	gfNoRefreshToken       grantFault = "the exchange's answer has no refresh_token"
	gfOwnerTypeCapitalised grantFault = `owner_type is written as the JWT writes it, "User" and "Customer"`
	gfOwnerNotCopied       grantFault = "the JWT bearer token has no owner claim"
	gfCustomClaimDropped   grantFault = "the JWT bearer token drops the custom_claim"
	gfCustomClaimLatin1    grantFault = "the custom_claim's UTF-8 is read as Latin-1"
	gfEmptyClaims          grantFault = "an assertion with empty claims gets a token"
	gfOversized            grantFault = "an assertion of any size is taken"
	gfNotJWT               grantFault = "an assertion that is not a JWT gets a token for nobody"
	gfUnknownOwner         grantFault = "an assertion naming an unknown customer gets a token"
)

// Short names of the scenarios that judge each rule.
const (
	gsAuthorize    = "sends the user back to the redirect_uri with a code and the state"
	gsExchange     = "exchanges its code for a token that acts for the user"
	gsReused       = "refused the second time with invalid_grant"
	gsReuseRevokes = "token a reused code gave no longer works"
	gsOtherURI     = "another redirect_uri than the authorize request's"
	gsUnknownCode  = "code the target never issued"
	gsWrongSecret  = "webapp with a wrong client secret"
	gsCustomer     = "naming a customer gets a token"
	gsCustomClaim  = "only a custom claim gets a token for nobody"
	gsEmptyClaims  = "claims are empty"
	gsOversized    = "over 4 KB"
	gsNotJWT       = "not a JWT"
	gsUnknownOwner = "customer the target does not know"
)

// grantRow is one run of the CLI against one server variant.
type grantRow struct {
	name  string
	fault grantFault
	// env is laid over the documented variables; "-" unsets one.
	env  map[string]string
	args []string
	// configuredCode hands the run a code the test got beforehand, as a
	// person would, instead of the authorize endpoint.
	configuredCode bool
	wantCode       int
	wantFailed     []string // scenarios failed or warned, by short name
	// wantInconclusive are refusals that prove nothing in the row: the
	// webapp got no token by a code in it.
	wantInconclusive []string
	wantLeftOut      int
}

var grantBattery = []grantRow{
	{name: "correct server", wantCode: 0},
	{name: "correct server, four scenarios at once", args: []string{"-concurrency", "4"}, wantCode: 0},
	{name: "the webapp's lifetime configured", env: map[string]string{"AUTHCONFORM_WEBAPP_EXPIRES_IN": "3600"}, wantCode: 0},
	{name: "the webapp's lifetime configured otherwise", env: map[string]string{"AUTHCONFORM_WEBAPP_EXPIRES_IN": "7200"}, wantCode: 1, wantFailed: []string{gsExchange}},
	{name: "a person's code, no authorize endpoint", configuredCode: true, env: map[string]string{"AUTHCONFORM_AUTHORIZE_URL": "-"}, wantCode: 0, wantLeftOut: 4},

	{name: "state dropped", fault: gfStateDropped, wantCode: 1, wantFailed: []string{gsAuthorize, gsExchange, gsReused, gsReuseRevokes, gsOtherURI},
		wantInconclusive: []string{gsUnknownCode, gsWrongSecret}},
	{name: "code reusable", fault: gfCodeReusable, wantCode: 1, wantFailed: []string{gsReused, gsReuseRevokes}},
	{name: "reuse keeps the first token (a SHOULD: -strict)", fault: gfReuseKeepsToken, args: []string{"-strict"}, wantCode: 1, wantFailed: []string{gsReuseRevokes}},
	{name: "redirect_uri not checked", fault: gfRedirectUnchecked, wantCode: 1, wantFailed: []string{gsOtherURI}},
	{name: "unknown code accepted", fault: gfUnknownCode, wantCode: 1, wantFailed: []string{gsUnknownCode}},
	{name: "webapp secret not checked", fault: gfWebappSecretIgnored, wantCode: 1, wantFailed: []string{gsWrongSecret}},
	{name: "no refresh token for a code", fault: gfNoRefreshToken, wantCode: 1, wantFailed: []string{gsExchange}},
	{name: "owner_type capitalised", fault: gfOwnerTypeCapitalised, wantCode: 1, wantFailed: []string{gsExchange, gsCustomer}},
	{name: "owner not copied", fault: gfOwnerNotCopied, wantCode: 1, wantFailed: []string{gsCustomer}},
	{name: "custom_claim not copied", fault: gfCustomClaimDropped, wantCode: 1, wantFailed: []string{gsCustomClaim}},
	{name: "custom_claim read as Latin-1", fault: gfCustomClaimLatin1, wantCode: 1, wantFailed: []string{gsCustomClaim}},
	{name: "empty claims accepted", fault: gfEmptyClaims, wantCode: 1, wantFailed: []string{gsEmptyClaims}},
	{name: "oversized assertion accepted", fault: gfOversized, wantCode: 1, wantFailed: []string{gsOversized}},
	{name: "non-JWT assertion accepted", fault: gfNotJWT, wantCode: 1, wantFailed: []string{gsNotJWT}},
	{name: "unknown owner accepted", fault: gfUnknownOwner, wantCode: 1, wantFailed: []string{gsUnknownOwner}},
}

// TestGrantBattery runs every row of the grant battery through the CLI.
func TestGrantBattery(t *testing.T) {
	keys := batteryKeys(t)
	for _, row := range grantBattery {
		t.Run("case="+strings.ReplaceAll(row.name, " ", "-"), func(t *testing.T) {
			t.Parallel()
			srv := startGrantServer(t, keys, row.fault)
			env := srv.environment(t, row)
			// A directory of its own, whose name holds no comma: -format
			// splits its list at commas.
			dir, err := os.MkdirTemp("", "grant-battery-")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			summary := filepath.Join(dir, "summary.json")
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
			defer cancel()
			args := append([]string{"-format", "progress,json:" + summary, "-quiet", "-timeout", "10s", "-tags", "@webapp,@jwt_bearer"}, row.args...)
			r := runCLIContext(ctx, env, args...)
			if ctx.Err() != nil {
				t.Fatalf("the run did not end within 50 s")
			}
			for _, leak := range leaksOf(r.stdout+r.stderr, srv.credentials()) {
				t.Errorf("the output holds %s", leak)
			}
			if problems := row.verdictProblems(r, summary); len(problems) > 0 {
				t.Errorf("%s\nstdout:\n%s\nstderr:\n%s", strings.Join(problems, "\n"), r.stdout, r.stderr)
			}
			if row.configuredCode && srv.exchangesOf(env["AUTHCONFORM_AUTHORIZATION_CODE"]) != 1 {
				t.Errorf("the configured code was exchanged %d times; want once, by one scenario", srv.exchangesOf(env["AUTHCONFORM_AUTHORIZATION_CODE"]))
			}
		})
	}
}

// gbCase is a case of the run's JSON summary.
type gbCase struct {
	Feature  string `json:"feature"`
	Scenario string `json:"scenario"`
	Status   string `json:"status"`
}

// verdictProblems compares a run with what the row expects: the exit
// code, the scenarios that failed or warned, and, on a passing row, at
// least three passed scenarios of each feature.
func (row grantRow) verdictProblems(r result, summaryPath string) []string {
	var problems []string
	if r.code != row.wantCode {
		problems = append(problems, fmt.Sprintf("exit code = %d; want %d", r.code, row.wantCode))
	}
	b, err := os.ReadFile(summaryPath)
	var sum struct {
		Cases []gbCase `json:"cases"`
	}
	if err == nil {
		err = json.Unmarshal(b, &sum)
	}
	if err != nil {
		return append(problems, "the JSON summary: "+err.Error())
	}
	passed := map[string]int{}
	leftOut := 0
	named := func(list []string, scenario string) bool {
		return slices.ContainsFunc(list, func(w string) bool { return strings.Contains(scenario, w) })
	}
	for _, c := range sum.Cases {
		expected := named(row.wantFailed, c.Scenario)
		if named(row.wantInconclusive, c.Scenario) != (c.Status == "inconclusive") {
			problems = append(problems, fmt.Sprintf("%s: %q %s; the row expects it inconclusive: %v", c.Feature, c.Scenario, c.Status, named(row.wantInconclusive, c.Scenario)))
			continue
		}
		switch {
		case c.Status == "inconclusive":
		case c.Status == "left_out":
			leftOut++
		case (c.Status == "failed" || c.Status == "warning") && !expected:
			problems = append(problems, fmt.Sprintf("%s: %q %s; the row expects no such failure", c.Feature, c.Scenario, c.Status))
		case c.Status == "passed" && expected:
			problems = append(problems, fmt.Sprintf("%s: %q passed; want it failed", c.Feature, c.Scenario))
		case c.Status == "passed":
			passed[filepath.Dir(c.Feature)]++
		case c.Status != "failed" && c.Status != "warning":
			problems = append(problems, fmt.Sprintf("%s: %q %s; want passed, or failed for the row's fault", c.Feature, c.Scenario, c.Status))
		}
	}
	if leftOut != row.wantLeftOut {
		problems = append(problems, fmt.Sprintf("%d scenarios left out; want %d", leftOut, row.wantLeftOut))
	}
	if row.fault == "" && row.wantCode == 0 && row.wantLeftOut == 0 {
		for _, dir := range []string{"features/authorization_code", "features/jwt_bearer"} {
			if passed[dir] < 3 {
				problems = append(problems, fmt.Sprintf("%d scenarios of %s passed; want at least 3", passed[dir], dir))
			}
		}
	}
	return problems
}

// ---------------------------------------------------------------------
// The independent server. Nothing below uses a package of this
// repository; it borrows the token battery's keys and JSON helpers.
// ---------------------------------------------------------------------

const (
	gbAuthorizePath = "/login/oauth/authorize" // not Commerce Layer's path: the suite must take it from the variable
	gbResourcePath  = "/api/me"
	gbRedirectURI   = "https://shop.example.test/auth/callback?app=web"
	gbUserID        = "usr-4kQpZx"
	gbCustomerID    = "cus-Yt7mWr"
	gbJWTBearer     = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	gbClaimsMember  = "https://commercelayer.io/claims"
	// gbWebappLifetime is the webapp's token lifetime, an hour: not
	// Commerce Layer's default, so the suite must take it from the token.
	gbWebappLifetime = 3600
)

type gbClient struct{ id, secret string }

// gbCode is a code the server handed out.
type gbCode struct {
	redirectURI string
	expires     time.Time
	exchanges   int
	tokens      []string
}

// grantServer is the independent server of one row.
type grantServer struct {
	url          string
	keys         *keyRing
	fault        grantFault
	webapp       gbClient
	salesChannel gbClient

	mu         sync.Mutex
	codes      map[string]*gbCode
	revoked    map[string]bool
	tokens     map[string]time.Time // access token → expiry
	shown      []credential         // every credential it issued or was sent
	assertions int
}

func startGrantServer(t *testing.T, keys *keyRing, fault grantFault) *grantServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &grantServer{
		url: "http://" + l.Addr().String(), keys: keys, fault: fault,
		webapp:       gbClient{"webapp-" + randomSecret()[:8], randomSecret()},
		salesChannel: gbClient{"sc-" + randomSecret()[:8], randomSecret()},
		codes:        map[string]*gbCode{}, revoked: map[string]bool{}, tokens: map[string]time.Time{},
	}
	s.note("the webapp's client secret", s.webapp.secret)
	s.note("the sales channel's client secret", s.salesChannel.secret)
	mux := http.NewServeMux()
	mux.HandleFunc(gbAuthorizePath, s.serveAuthorize)
	mux.HandleFunc("/oauth/token", s.serveToken)
	mux.HandleFunc("/.well-known/jwks.json", s.serveKeys)
	mux.HandleFunc(gbResourcePath, s.serveResource)
	srv := httptest.NewUnstartedServer(mux)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return s
}

// environment configures the suite through the documented variables.
func (s *grantServer) environment(t *testing.T, row grantRow) map[string]string {
	t.Helper()
	env := map[string]string{
		"AUTHCONFORM_TARGET":                      s.url,
		"AUTHCONFORM_SALES_CHANNEL_CLIENT_ID":     s.salesChannel.id,
		"AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET": s.salesChannel.secret,
		"AUTHCONFORM_WEBAPP_CLIENT_ID":            s.webapp.id,
		"AUTHCONFORM_WEBAPP_CLIENT_SECRET":        s.webapp.secret,
		"AUTHCONFORM_WEBAPP_REDIRECT_URI":         gbRedirectURI,
		"AUTHCONFORM_AUTHORIZE_URL":               s.url + gbAuthorizePath,
		"AUTHCONFORM_CUSTOMER_ID":                 gbCustomerID,
		"AUTHCONFORM_RESOURCE_URL":                s.url + gbResourcePath,
	}
	if row.configuredCode {
		env["AUTHCONFORM_AUTHORIZATION_CODE"] = s.personsCode(t)
	}
	for k, v := range row.env {
		env[k] = v
		if v == "-" {
			delete(env, k)
		}
	}
	return env
}

// personsCode is a code got as a person gets one, before the run.
func (s *grantServer) personsCode(t *testing.T) string {
	t.Helper()
	q := url.Values{"response_type": {"code"}, "client_id": {s.webapp.id}, "redirect_uri": {gbRedirectURI}, "scope": {"market:all"}, "state": {"by-hand"}}
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(s.url + gbAuthorizePath + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("the authorize endpoint gave no code: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

// note records a value no output may hold.
func (s *grantServer) note(label, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shown = append(s.shown, credential{label, value})
}

func (s *grantServer) credentials() []credential {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.shown)
}

func (s *grantServer) exchangesOf(code string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.codes[code]; c != nil {
		return c.exchanges
	}
	return 0
}

// serveAuthorize approves at once: a 303 to the redirect URI, its own
// query kept, with the state first and then the code. A wrong client or
// redirect URI is answered here, never redirected to.
func (s *grantServer) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.Method != http.MethodGet || q.Get("client_id") != s.webapp.id || q.Get("redirect_uri") != gbRedirectURI {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Unknown client or redirect URI.", rfc6749Shape)
		return
	}
	code := randomSecret()
	s.mu.Lock()
	s.codes[code] = &gbCode{redirectURI: q.Get("redirect_uri"), expires: time.Now().Add(10 * time.Minute)}
	s.shown = append(s.shown, credential{fmt.Sprintf("code #%d", len(s.codes)), code})
	s.mu.Unlock()
	loc := gbRedirectURI
	if state := q.Get("state"); state != "" && s.fault != gfStateDropped {
		loc += "&state=" + url.QueryEscape(state)
	}
	if q.Get("response_type") != "code" {
		loc += "&error=unsupported_response_type"
	} else {
		loc += "&code=" + code
	}
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusSeeOther)
}

// serveToken answers the two grants, JSON bodies only.
func (s *grantServer) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "POST only.", rfc6749Shape)
		return
	}
	params, problem := readJSONParams(r)
	if problem != "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", problem, rfc6749Shape)
		return
	}
	switch params["grant_type"] {
	case "authorization_code":
		s.exchangeCode(w, params)
	case gbJWTBearer:
		s.exchangeAssertion(w, params)
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "Not supported here.", rfc6749Shape)
	}
}

// exchangeCode authenticates the webapp, then checks the code: known,
// unexpired, never exchanged (a second try revokes what the first got),
// and bound to the same redirect URI.
func (s *grantServer) exchangeCode(w http.ResponseWriter, p map[string]string) {
	if p["client_id"] != s.webapp.id || (!sameSecret(p["client_secret"], s.webapp.secret) && s.fault != gfWebappSecretIgnored) {
		w.Header().Set("WWW-Authenticate", `Basic realm="grant-battery"`)
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed.", commerceLayerShape)
		return
	}
	s.mu.Lock()
	c := s.codes[p["code"]]
	refusal := ""
	switch {
	case c == nil && s.fault == gfUnknownCode:
		c = &gbCode{redirectURI: p["redirect_uri"], expires: time.Now().Add(time.Minute)}
	case c == nil || time.Now().After(c.expires):
		refusal = "The code is unknown or expired."
	case c.exchanges > 0 && s.fault != gfCodeReusable:
		refusal = "The code was used already."
		for _, tok := range c.tokens {
			s.revoked[tok] = s.fault != gfReuseKeepsToken
		}
	case p["redirect_uri"] != c.redirectURI && s.fault != gfRedirectUnchecked:
		refusal = "The redirect_uri is not the authorize request's."
	}
	if refusal != "" {
		s.mu.Unlock()
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", refusal, rfc6749Shape)
		return
	}
	c.exchanges++
	s.mu.Unlock()
	token := s.issue("webapp", map[string]string{"type": "User", "id": gbUserID}, nil, gbWebappLifetime)
	s.mu.Lock()
	c.tokens = append(c.tokens, token)
	s.mu.Unlock()
	s.answer(w, token, gbWebappLifetime, "User", gbUserID, s.fault != gfNoRefreshToken)
}

// exchangeAssertion authenticates the sales channel, then reads the
// assertion as Commerce Layer does: decoded, its signature not checked,
// refused when too large, not a JWT, claiming nothing or naming an owner
// the server does not know. Refusals say invalid_grant (RFC 7521), empty
// claims invalid_assertion (Commerce Layer).
func (s *grantServer) exchangeAssertion(w http.ResponseWriter, p map[string]string) {
	if p["client_id"] != s.salesChannel.id || !sameSecret(p["client_secret"], s.salesChannel.secret) {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed.", rfc6749Shape)
		return
	}
	a := p["assertion"]
	if parts := strings.Split(a, "."); len(parts) == 3 {
		// The suite's own assertions; the scenario's text that is no JWT
		// is no secret.
		s.mu.Lock()
		s.assertions++
		s.shown = append(s.shown, credential{fmt.Sprintf("assertion #%d", s.assertions), a},
			credential{fmt.Sprintf("assertion #%d's signature", s.assertions), parts[2]})
		s.mu.Unlock()
	}
	owner, custom, ok := readGBAssertion(a)
	switch {
	case len(a) > 4096 && s.fault != gfOversized, !ok && s.fault != gfNotJWT:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "The assertion is not valid.", rfc6749Shape)
		return
	case ok && owner == nil && custom == nil && s.fault != gfEmptyClaims:
		writeOAuthError(w, http.StatusBadRequest, "invalid_assertion", "The provided assertion is invalid.", commerceLayerShape)
		return
	case owner != nil && (owner["type"] != "Customer" || owner["id"] != gbCustomerID) && s.fault != gfUnknownOwner:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "No such owner.", rfc6749Shape)
		return
	}
	claimOwner := owner
	switch s.fault {
	case gfOwnerNotCopied:
		claimOwner = nil
	case gfCustomClaimDropped:
		custom = nil
	case gfCustomClaimLatin1:
		custom = latin1Strings(custom).(map[string]any)
	}
	token := s.issue("sales_channel", claimOwner, custom, 14400)
	s.answer(w, token, 14400, owner["type"], owner["id"], true)
}

// readGBAssertion decodes a compact JWT's payload and the Commerce Layer
// claims in it.
func readGBAssertion(a string) (owner map[string]string, custom map[string]any, ok bool) {
	parts := strings.Split(a, ".")
	if len(parts) != 3 {
		return nil, nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	var payload map[string]json.RawMessage
	if err != nil || json.Unmarshal(raw, &payload) != nil {
		return nil, nil, false
	}
	var claims struct {
		Owner       map[string]string `json:"owner"`
		CustomClaim map[string]any    `json:"custom_claim"`
	}
	if json.Unmarshal(payload[gbClaimsMember], &claims) != nil && payload[gbClaimsMember] != nil {
		return nil, nil, false
	}
	return claims.Owner, claims.CustomClaim, true
}

// latin1Strings is v with every string's UTF-8 bytes read as Latin-1.
func latin1Strings(v any) any {
	switch x := v.(type) {
	case string:
		var b []byte
		for i := 0; i < len(x); i++ {
			b = utf8.AppendRune(b, rune(x[i]))
		}
		return string(b)
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = latin1Strings(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = latin1Strings(e)
		}
		return out
	}
	return v
}

// issue signs an RS512 access token with the battery's key and records it.
func (s *grantServer) issue(kind string, owner map[string]string, custom map[string]any, lifetime int) string {
	now := time.Now()
	claims := map[string]any{
		"organization": map[string]any{"id": "orgGrantBt", "slug": "grant-battery", "enterprise": true},
		"application":  map[string]any{"id": "appGrantBt", "kind": kind, "public": kind == "sales_channel"},
		"scope":        "market:all",
		"iat":          now.Unix(), "exp": now.Unix() + int64(lifetime),
		"test": true, "iss": s.url, "jti": randomSecret(),
	}
	if owner != nil {
		claims["owner"] = owner
	}
	if custom != nil {
		claims["custom_claim"] = custom
	}
	h, _ := json.Marshal(map[string]string{"alg": "RS512", "typ": "JWT", "kid": s.keys.signingKid})
	pl, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(pl)
	digest := sha512.Sum512([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, s.keys.signing, crypto.SHA512, digest[:])
	if err != nil {
		panic(err)
	}
	token := input + "." + base64.RawURLEncoding.EncodeToString(sig)
	s.mu.Lock()
	s.tokens[token] = now.Add(time.Duration(lifetime) * time.Second)
	s.shown = append(s.shown, credential{fmt.Sprintf("access token #%d", len(s.tokens)), token})
	s.mu.Unlock()
	return token
}

// answer writes a token answer in an order of its own, expires_in counted
// down by a second, with a refresh token and the owner members.
func (s *grantServer) answer(w http.ResponseWriter, token string, lifetime int, ownerType, ownerID string, refresh bool) {
	body := map[string]any{"scope": "market:all", "created_at": time.Now().Unix(), "token_type": "Bearer", "expires_in": lifetime - 1, "access_token": token}
	if refresh {
		rt := randomSecret() + randomSecret()
		s.note("a refresh token", rt)
		body["refresh_token"] = rt
	}
	if ownerType != "" {
		if s.fault != gfOwnerTypeCapitalised {
			ownerType = strings.ToLower(ownerType)
		}
		body["owner_type"], body["owner_id"] = ownerType, ownerID
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, body)
}

func (s *grantServer) serveKeys(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]publicJWK{"keys": {jwkOf(&s.keys.signing.PublicKey, s.keys.signingKid)}})
}

// serveResource answers 200 to a token it issued, unexpired and not
// revoked, else 401.
func (s *grantServer) serveResource(w http.ResponseWriter, r *http.Request) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	expires, known := s.tokens[token]
	works := known && !s.revoked[token] && time.Now().Before(expires)
	s.mu.Unlock()
	if !works {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"errors": []map[string]string{{"title": "Invalid token", "code": "INVALID_TOKEN", "status": "401"}}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]string{"id": gbUserID}})
}

// TestGrantBatteryLeaks runs the correct server and two faulty ones (whose
// failures show exchanges that carried a code, and an assertion) with
// every report format, and finds no secret, code, assertion, access or
// refresh token in any output, however decoded; the failures' reproduce
// lines read the code and the assertion from variables instead. Its
// assertions are about what the runs write (TestGrantBattery race-checks
// the same runs at once): `make test` runs it without -race.
func TestGrantBatteryLeaks(t *testing.T) {
	if race.Enabled {
		t.Skip("run without -race: `make test` runs it in its plain go test")
	}
	keys := batteryKeys(t)
	for _, tt := range []struct {
		fault    grantFault
		wantVars []string // variables the failures' reproduce lines read
	}{
		{"", nil},
		{gfCodeReusable, []string{`"$AUTHCONFORM_AUTHORIZATION_CODE"`, `"$AUTHCONFORM_WEBAPP_CLIENT_SECRET"`}},
		{gfEmptyClaims, []string{`"$AUTHCONFORM_ASSERTION"`, `"$AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET"`}},
	} {
		t.Run("fault="+strings.ReplaceAll(string(tt.fault), " ", "-"), func(t *testing.T) {
			t.Parallel()
			srv := startGrantServer(t, keys, tt.fault)
			_, outputs := runAllFormats(t, srv.environment(t, grantRow{}), "-tags", "@webapp,@jwt_bearer")
			creds := srv.credentials()
			if len(creds) < 10 {
				t.Fatalf("the server saw %d credentials; the test would pass vacuously", len(creds))
			}
			for name, out := range outputs {
				for _, view := range decodings(out) {
					for _, c := range creds {
						if strings.Contains(view.text, c.value) {
							t.Errorf("%s, decoded as %s, holds %s", name, view.how, c.label)
						}
					}
				}
			}
			for _, v := range tt.wantVars {
				if !strings.Contains(outputs["stdout"], v) {
					t.Errorf("no reproduce line reads %s:\n%s", v, outputs["stdout"])
				}
			}
		})
	}
}
