package main

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	mathrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/race"
)

// The customer battery proves the verdicts of features/customer/ (the
// password and refresh_token grants, and revoking a customer's tokens) on
// an auth server written for this file alone, as the token battery does
// for features/token/: it shares no code with the reference server or the
// steps, and the test talks to the CLI only through the documented
// AUTHCONFORM_* variables. (It borrows the token battery's keys and its
// plain JSON helpers, which are this package's test code.)
//
// The correct server, in its configurations, must pass every customer
// scenario; each fault must fail exactly the scenarios that judge its rule
// (a @should one warns: exit 0); no row may print the customer's password,
// a wrong password the suite sent, or any token the server issued.

// customerBatteryRow is one run of the CLI against one server variant.
type customerBatteryRow struct {
	name  string
	fault customerFault
	// passwordFile gives the password in AUTHCONFORM_CUSTOMER_PASSWORD_FILE.
	passwordFile bool
	args         []string
	wantCode     int
	// wantFailed are short substrings of the names of the scenarios that
	// must fail or warn; every one must match one, and each that does
	// must match one of them.
	wantFailed []string
}

// Short names of the customer scenarios.
const (
	signsIn        = "signs in with the sales channel and gets a token"
	exactMembers   = "has exactly the members"
	ownerClaim     = "names the customer as its owner"
	wrongPassword  = "A wrong password gets invalid_grant"
	toldApart      = "cannot be told apart"
	refreshes      = "gets a new access token and a new refresh token"
	usedUp         = "refresh token it used up"
	otherMarket    = "asks for another market"
	neverIssued    = "never issued gets invalid_grant"
	revokesAccess  = "revokes its customer's access token"
	worksUntil     = "works at the API until the sales channel revokes it"
	revokedRefresh = "refresh token the sales channel revoked"
)

var customerBattery = []customerBatteryRow{
	// The correct server, and configurations of it that must pass.
	{name: "correct server", wantCode: 0},
	{name: "correct server, four scenarios at once", args: []string{"-concurrency", "4"}, wantCode: 0},
	{name: "correct server, the password in a file", passwordFile: true, wantCode: 0},

	// Faults of the password grant.
	{name: "a wrong password gets a token", fault: cfWrongPasswordAccepted, wantCode: 1, wantFailed: []string{wrongPassword, toldApart}},
	{name: "an unknown email is told", fault: cfUnknownEmailTold, wantCode: 0, wantFailed: []string{toldApart}},
	{
		name: "no refresh_token", fault: cfNoRefreshToken, wantCode: 1,
		// Without one there is nothing to refresh or revoke.
		wantFailed: []string{signsIn, exactMembers, refreshes, usedUp, otherMarket, revokedRefresh},
	},
	{name: "owner_type Customer", fault: cfOwnerTypeCapitalised, wantCode: 1, wantFailed: []string{signsIn, refreshes}},
	{name: "owner claim names someone else", fault: cfOwnerClaimWrong, wantCode: 1, wantFailed: []string{ownerClaim, refreshes}},

	// Faults of the refresh_token grant.
	{name: "refresh without rotation", fault: cfRefreshNotRotated, wantCode: 1, wantFailed: []string{refreshes, usedUp}},
	{name: "the refresh token used up still works", fault: cfUsedRefreshWorks, wantCode: 0, wantFailed: []string{usedUp}},
	{name: "a scope change accepted", fault: cfScopeChangeAccepted, wantCode: 1, wantFailed: []string{otherMarket}},
	{name: "an unknown refresh token is invalid_request", fault: cfUnknownRefreshInvalidRequest, wantCode: 1, wantFailed: []string{neverIssued}},

	// Faults of revocation.
	{name: "a customer's token needs the secret to be revoked", fault: cfRevokeNeedsSecret, wantCode: 1, wantFailed: []string{revokesAccess, worksUntil, revokedRefresh}},
	{name: "a revoked refresh token still works", fault: cfRevokedRefreshWorks, wantCode: 1, wantFailed: []string{revokedRefresh}},
}

// customerScenarios is how many scenarios features/customer/ holds.
const customerScenarios = 13

// TestCustomerBattery runs every row of the customer battery through the
// CLI, the customer scenarios only.
func TestCustomerBattery(t *testing.T) {
	keys := batteryKeys(t)
	for _, row := range customerBattery {
		t.Run("case="+strings.ReplaceAll(row.name, " ", "-"), func(t *testing.T) {
			t.Parallel()
			srv := startCustomerServer(t, keys, row.fault)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
			defer cancel()
			args := append([]string{"-format", "progress", "-quiet", "-timeout", "10s", "-tags", "@customer"}, row.args...)
			r := runCLIContext(ctx, srv.environment(t, row.passwordFile), args...)
			if ctx.Err() != nil {
				t.Fatalf("the run did not end within 50 s")
			}
			for _, leak := range srv.leaksIn(r.stdout + r.stderr) {
				t.Errorf("the output holds %s", leak)
			}
			if problems := row.verdictProblems(r); len(problems) > 0 {
				t.Errorf("%s\nstdout:\n%s\nstderr:\n%s", strings.Join(problems, "\n"), r.stdout, r.stderr)
			}
		})
	}
}

// summaryPassed is the count of passed scenarios on the summary line.
var summaryPassed = regexp.MustCompile(`(?m)^authconform: \w+: (\d+) scenarios run: (\d+) passed`)

// verdictProblems compares a run with what the row expects.
func (row customerBatteryRow) verdictProblems(r result) []string {
	var problems []string
	if r.code != row.wantCode {
		problems = append(problems, fmt.Sprintf("exit code = %d; want %d", r.code, row.wantCode))
	}
	sum, err := readSummary(r.stdout)
	if err != nil {
		return append(problems, err.Error())
	}
	for _, want := range row.wantFailed {
		if !slices.ContainsFunc(sum.failed, func(f failedScenario) bool { return strings.Contains(f.name, want) }) {
			problems = append(problems, fmt.Sprintf("no failed or warned scenario is named like %q; want it", want))
		}
	}
	for _, f := range sum.failed {
		if !strings.HasPrefix(f.feature, "features/customer/") || !slices.ContainsFunc(row.wantFailed, func(w string) bool { return strings.Contains(f.name, w) }) {
			problems = append(problems, fmt.Sprintf("%s: %q failed; the row expects no such failure", f.feature, f.name))
		}
	}
	if sum.leftOut != 0 {
		problems = append(problems, fmt.Sprintf("%d scenarios were left out; want every customer scenario run", sum.leftOut))
	}
	m := summaryPassed.FindStringSubmatch(r.stdout)
	if m == nil {
		return append(problems, "no count of passed scenarios on the summary line")
	}
	if ran, _ := strconv.Atoi(m[1]); ran != customerScenarios {
		problems = append(problems, fmt.Sprintf("%d scenarios ran; want the %d of features/customer/", ran, customerScenarios))
	}
	if passed, _ := strconv.Atoi(m[2]); len(row.wantFailed) == 0 && passed != customerScenarios {
		problems = append(problems, fmt.Sprintf("%d scenarios passed; want all %d against a correct server", passed, customerScenarios))
	}
	return problems
}

// ---------------------------------------------------------------------
// The independent server with customers. Nothing below uses a package of
// this repository.
// ---------------------------------------------------------------------

// customerFault is one way the server breaks a rule of features/customer/;
// the zero value is the correct server.
type customerFault string

const (
	cfWrongPasswordAccepted        customerFault = "any password signs the customer in"
	cfUnknownEmailTold             customerFault = "an unknown email is answered 'no such customer'"
	cfNoRefreshToken               customerFault = "token answers carry no refresh_token"
	cfOwnerTypeCapitalised         customerFault = "owner_type is Customer"
	cfOwnerClaimWrong              customerFault = "the owner claim names another customer"
	cfRefreshNotRotated            customerFault = "a refresh answers with the refresh token it was sent"
	cfUsedRefreshWorks             customerFault = "a refresh token used up in a refresh works again"
	cfScopeChangeAccepted          customerFault = "a refresh grants any scope asked for"
	cfUnknownRefreshInvalidRequest customerFault = "an unknown refresh token is invalid_request"
	cfRevokeNeedsSecret            customerFault = "a customer's tokens are revoked only with the secret"
	cfRevokedRefreshWorks          customerFault = "revoking a refresh token answers 200 and revokes nothing"
)

// The organisation: one sales channel, two markets, one customer. The
// customer's email is stored in mixed case and configured in lower case:
// emails compare without regard to case.
const (
	customerSalesChannelID = "sc-Hq2LmV8xTzR4"
	customerStoredEmail    = "Jane.Buyer@Example.test"
	customerConfiguredMail = "jane.buyer@example.test"
	customerOwnerID        = "dKqWbJzRxA"
	customerResourcePath   = "/api/customers/me"
	customerLifetime       = 14400 // Commerce Layer's sales channel default
	refreshTokenLifetime   = 14 * 24 * time.Hour
)

// customerPassword is the customer's password: characters that JSON, a
// form, a URL, HTML and the shell each write differently.
var customerPassword = `pä"ss\w/o+r&d<x>=%y '` + randomSecret()

// customerToken is what the server remembers of a token it issued.
type customerToken struct {
	refresh bool // a refresh token, not an access token
	scope   string
	markets []string
	expires time.Time
	revoked bool // revoked, or used up in a refresh
}

// customerServer is a Commerce Layer–compatible auth server for a sales
// channel's customer: the password and refresh_token grants, revocation,
// the JWK Set and one protected resource. It is strange where the RFCs
// allow it: RFC 6749 error bodies, members in an unusual order, token_type
// "Bearer", expires_in counting down, a refused scope change answered
// invalid_grant, fractional iat, refresh tokens with dots and dashes.
type customerServer struct {
	url   string
	keys  *keyRing
	fault customerFault
	// echo puts every password the server was sent and every token it
	// issued, in every hostile encoding, into every answer (the leak test).
	echo bool

	mu            sync.Mutex
	tokens        map[string]*customerToken
	issued        []string        // every token issued, in order
	passwordsSent map[string]bool // every password a request carried
}

func startCustomerServer(t *testing.T, keys *keyRing, fault customerFault) *customerServer {
	t.Helper()
	s := &customerServer{keys: keys, fault: fault, tokens: map[string]*customerToken{}, passwordsSent: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", s.serveToken)
	mux.HandleFunc("POST /oauth/revoke", s.serveRevoke)
	mux.HandleFunc("GET /.well-known/jwks.json", s.serveKeys)
	mux.HandleFunc("GET "+customerResourcePath, s.serveResource)
	srv := httptest.NewServer(s.echoing(mux))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// environment configures the suite through the documented variables.
func (s *customerServer) environment(t *testing.T, passwordFile bool) map[string]string {
	env := map[string]string{
		"AUTHCONFORM_TARGET":                  s.url,
		"AUTHCONFORM_SALES_CHANNEL_CLIENT_ID": customerSalesChannelID,
		"AUTHCONFORM_MARKET_ID":               "mkEuropeA1",
		"AUTHCONFORM_OTHER_MARKET_ID":         "mkOutletB2",
		"AUTHCONFORM_RESOURCE_URL":            s.url + customerResourcePath,
		"AUTHCONFORM_CUSTOMER_EMAIL":          customerConfiguredMail,
		"AUTHCONFORM_CUSTOMER_PASSWORD":       customerPassword,
	}
	if passwordFile {
		path := filepath.Join(t.TempDir(), "password")
		if err := os.WriteFile(path, []byte(customerPassword+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		delete(env, "AUTHCONFORM_CUSTOMER_PASSWORD")
		env["AUTHCONFORM_CUSTOMER_PASSWORD_FILE"] = path
	}
	return env
}

// leaksIn names each secret out holds, in any encoding of the leak
// battery's table: the password, the passwords the suite sent, the tokens.
func (s *customerServer) leaksIn(out string) []string {
	creds := []credential{{"the customer's password", customerPassword}}
	s.mu.Lock()
	for _, p := range slices.Sorted(maps.Keys(s.passwordsSent)) {
		creds = append(creds, credential{"a password the suite sent", p})
	}
	for i, tok := range s.issued {
		kind := "access"
		if s.tokens[tok].refresh {
			kind = "refresh"
		}
		creds = append(creds, credential{fmt.Sprintf("%s token #%d the server issued", kind, i+1), tok})
	}
	s.mu.Unlock()
	return leaksOf(out, creds)
}

// --- The token endpoint ---

func (s *customerServer) serveToken(w http.ResponseWriter, r *http.Request) {
	params, problem := readJSONParams(r)
	if problem != "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", problem, rfc6749Shape)
		return
	}
	if p := params["password"]; p != "" {
		s.mu.Lock()
		s.passwordsSent[p] = true
		s.mu.Unlock()
	}
	if params["client_id"] != customerSalesChannelID {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.", commerceLayerShape)
		return
	}
	switch params["grant_type"] {
	case "password":
		s.signIn(w, params)
	case "refresh_token":
		s.refresh(w, params)
	case "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The grant_type parameter is missing.", rfc6749Shape)
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.", rfc6749Shape)
	}
}

// signIn is the password grant: one answer, invalid_grant, for any wrong
// credential.
func (s *customerServer) signIn(w http.ResponseWriter, params map[string]string) {
	email, password := params["username"], params["password"]
	if email == "" || password == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The username and password parameters are required.", rfc6749Shape)
		return
	}
	known := strings.EqualFold(email, customerStoredEmail)
	switch {
	case !known && s.fault == cfUnknownEmailTold:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "No customer is registered with this email.", rfc6749Shape)
		return
	case !known || (!sameSecret(password, customerPassword) && s.fault != cfWrongPasswordAccepted):
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "The email or the password is wrong.", rfc6749Shape)
		return
	}
	scope, markets, ok := customerScope(params["scope"])
	if !ok {
		writeOAuthError(w, http.StatusBadRequest, "invalid_scope", "The requested scope is invalid, unknown, or malformed.", rfc6749Shape)
		return
	}
	s.answer(w, scope, markets, "")
}

// refresh is the refresh_token grant: a live refresh token of the server's,
// the scope it was issued for (or none, RFC 6749 §6), used up by the
// refresh.
func (s *customerServer) refresh(w http.ResponseWriter, params map[string]string) {
	presented := params["refresh_token"]
	s.mu.Lock()
	rec, known := s.tokens[presented]
	live := known && rec.refresh && !rec.revoked && time.Now().Before(rec.expires)
	s.mu.Unlock()
	switch {
	case !known && s.fault == cfUnknownRefreshInvalidRequest:
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The refresh token is not recognised.", rfc6749Shape)
		return
	case !live:
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "The refresh token is invalid, expired or revoked.", rfc6749Shape)
		return
	}
	scope, markets := rec.scope, rec.markets
	if asked := params["scope"]; asked != "" && !sameScopes(asked, scope) {
		if s.fault != cfScopeChangeAccepted {
			// RFC 6749 §6 names invalid_scope; the grant is refused as a
			// whole, which invalid_grant says too.
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "A refresh must ask for the scope of the original request.", rfc6749Shape)
			return
		}
		scope, markets, _ = customerScope(asked)
	}
	again := ""
	switch s.fault {
	case cfRefreshNotRotated:
		again = presented
	case cfUsedRefreshWorks:
	default:
		s.mu.Lock()
		used := rec.revoked
		rec.revoked = true
		s.mu.Unlock()
		if used {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "The refresh token is invalid, expired or revoked.", rfc6749Shape)
			return
		}
	}
	s.answer(w, scope, markets, again)
}

// customerScope reads a scope: none is market:all; each space-separated
// token is market:all or market:id:<one of the two markets>.
func customerScope(asked string) (scope string, markets []string, ok bool) {
	if asked == "" {
		return "market:all", nil, true
	}
	for _, tok := range strings.Split(asked, " ") {
		id, isMarket := strings.CutPrefix(tok, "market:id:")
		switch {
		case tok == "market:all":
		case isMarket && (id == "mkEuropeA1" || id == "mkOutletB2"):
			markets = append(markets, id)
		default:
			return "", nil, false
		}
	}
	return asked, markets, true
}

func sameScopes(a, b string) bool {
	x, y := strings.Fields(a), strings.Fields(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// customerAnswer lists its members in an order no other server uses.
type customerAnswer struct {
	OwnerType    string `json:"owner_type"`
	OwnerID      string `json:"owner_id"`
	CreatedAt    int64  `json:"created_at"`
	Scope        string `json:"scope"`
	RefreshToken string `json:"refresh_token,omitempty"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
	AccessToken  string `json:"access_token"`
}

// answer issues an access token and a refresh token (or gives refresh
// back again) and writes the token answer.
func (s *customerServer) answer(w http.ResponseWriter, scope string, markets []string, refresh string) {
	now := time.Now()
	access := s.signCustomerToken(scope, markets, now)
	if refresh == "" {
		refresh = "rt." + randomSecret() + "-" + randomSecret()[:8]
		s.record(refresh, &customerToken{refresh: true, scope: scope, markets: markets, expires: now.Add(refreshTokenLifetime)})
	}
	s.record(access, &customerToken{scope: scope, markets: markets, expires: now.Add(customerLifetime * time.Second)})
	a := customerAnswer{
		OwnerType: "customer", OwnerID: customerOwnerID, CreatedAt: now.Unix(), Scope: scope,
		RefreshToken: refresh, ExpiresIn: customerLifetime - 1, TokenType: "Bearer", AccessToken: access,
	}
	switch s.fault {
	case cfNoRefreshToken:
		a.RefreshToken = ""
	case cfOwnerTypeCapitalised:
		a.OwnerType = "Customer"
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, a)
}

func (s *customerServer) record(token string, rec *customerToken) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = rec
	s.issued = append(s.issued, token)
}

// customerClaims are a customer's token's claims, in an unusual order.
type customerClaims struct {
	Owner        map[string]string `json:"owner"`
	Market       *marketClaim      `json:"market,omitempty"`
	Scope        string            `json:"scope"`
	Iat          float64           `json:"iat"`
	Exp          float64           `json:"exp"`
	Application  applicationClaim  `json:"application"`
	Organization organizationClaim `json:"organization"`
	Test         bool              `json:"test"`
	Rand         float64           `json:"rand"`
	Iss          string            `json:"iss"`
}

// signCustomerToken signs a customer's access token, RS512 with the
// signing key of the token battery's key ring.
func (s *customerServer) signCustomerToken(scope string, markets []string, now time.Time) string {
	iat := float64(now.UnixMilli()) / 1000
	claims := customerClaims{
		Owner: map[string]string{"type": "Customer", "id": customerOwnerID},
		Scope: scope, Iat: iat, Exp: iat + customerLifetime,
		Application:  applicationClaim{ID: "vBnMqWeRtY", Kind: "sales_channel", Public: true, ClientID: customerSalesChannelID},
		Organization: organizationClaim{ID: "GhJkLzXcVb", Slug: "customer-battery", Region: "eu-west-1"},
		Test:         true, Rand: mathrand.Float64(), Iss: s.url,
	}
	if len(markets) > 0 {
		claims.Market = &marketClaim{ID: markets, StockLocationIDs: []string{}}
	}
	if s.fault == cfOwnerClaimWrong {
		claims.Owner["id"] = "someoneElse"
	}
	h, _ := json.Marshal(jwtHeader{Kid: s.keys.signingKid, Typ: "JWT", Alg: "RS512"})
	p, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	digest := sha512.Sum512([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, s.keys.signing, crypto.SHA512, digest[:])
	if err != nil {
		panic(err) // a 2048-bit key signs a SHA-512 digest
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func (s *customerServer) serveKeys(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]publicJWK{"keys": {jwkOf(&s.keys.signing.PublicKey, s.keys.signingKid)}})
}

// --- Revocation and the resource ---

// serveRevoke answers as Commerce Layer documents it for a sales channel's
// customer: the client_id alone revokes a customer's access or refresh
// token (every token of this server names the customer); an unknown token
// is 200 {} (RFC 7009 §2.2).
func (s *customerServer) serveRevoke(w http.ResponseWriter, r *http.Request) {
	params, problem := readJSONParams(r)
	switch {
	case problem != "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", problem, commerceLayerShape)
		return
	case params["client_id"] == "":
		writeOAuthError(w, http.StatusForbidden, "unauthorized_client", "You are not authorized to revoke this token", commerceLayerShape)
		return
	case params["client_id"] != customerSalesChannelID:
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.", commerceLayerShape)
		return
	}
	s.mu.Lock()
	rec, known := s.tokens[params["token"]]
	s.mu.Unlock()
	switch {
	case known && s.fault == cfRevokeNeedsSecret && params["client_secret"] == "":
		writeOAuthError(w, http.StatusForbidden, "unauthorized_client", "You are not authorized to revoke this token", commerceLayerShape)
		return
	case known && !(rec.refresh && s.fault == cfRevokedRefreshWorks):
		s.mu.Lock()
		rec.revoked = true
		s.mu.Unlock()
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, struct{}{})
}

func (s *customerServer) serveResource(w http.ResponseWriter, r *http.Request) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	s.mu.Lock()
	rec, known := s.tokens[token]
	works := known && !rec.refresh && !rec.revoked && time.Now().Before(rec.expires)
	s.mu.Unlock()
	if !strings.EqualFold(scheme, "Bearer") || !works {
		w.Header().Set("WWW-Authenticate", `Bearer realm="customer-battery", error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, map[string]any{"errors": []map[string]string{{"title": "Invalid token", "code": "INVALID_TOKEN", "status": "401"}}})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]string{"id": customerOwnerID, "type": "customers"}})
}

// --- The leak test's echo ---

// echoing wraps the server's handler: with echo set, every answer also
// carries, in every hostile encoding, each password the server was sent
// and each token it issued, in headers and in a "debug" member.
func (s *customerServer) echoing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.echo {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		s.mu.Lock()
		values := append(slices.Sorted(maps.Keys(s.passwordsSent)), s.issued...)
		s.mu.Unlock()
		var echoed []string
		for _, e := range encodings {
			var parts []string
			for _, v := range values {
				parts = append(parts, e.encode(v))
			}
			w.Header().Add("X-Debug-"+e.name, strings.Join(parts, " "))
			echoed = append(echoed, strings.Join(parts, " "))
		}
		body := rec.Body.Bytes()
		var doc map[string]any
		if json.Unmarshal(body, &doc) == nil {
			doc["debug"] = echoed
			body, _ = json.Marshal(doc)
		}
		maps.Copy(w.Header(), rec.Header())
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

// TestCustomerNoLeakInAnyEncoding runs the customer scenarios, with every
// report format, against the server echoing every password it was sent
// and every token it issued in every encoding, and finds none of them in
// any output, however decoded. Its assertions are about what the run
// writes, and the race detector made it the costliest test of the
// customer battery: `make test` runs it without -race.
func TestCustomerNoLeakInAnyEncoding(t *testing.T) {
	if race.Enabled {
		t.Skip("run without -race: `make test` runs it in its plain go test")
	}
	srv := startCustomerServer(t, batteryKeys(t), "")
	srv.echo = true
	code, outputs := runAllFormats(t, srv.environment(t, false), "-tags", "@customer")
	srv.mu.Lock()
	values := append(slices.Sorted(maps.Keys(srv.passwordsSent)), srv.issued...)
	refreshTokens := 0
	for _, tok := range srv.issued {
		if srv.tokens[tok].refresh {
			refreshTokens++
		}
	}
	srv.mu.Unlock()
	if len(values) < 10 || refreshTokens < 5 || !slices.Contains(values, customerPassword) {
		t.Fatalf("the server saw %d values (%d refresh tokens, the password: %v); the test would pass vacuously (exit %d)", len(values), refreshTokens, slices.Contains(values, customerPassword), code)
	}
	for name, out := range outputs {
		for _, view := range decodings(out) {
			for _, v := range values {
				if i := strings.Index(view.text, v); i >= 0 {
					t.Errorf("%s, decoded as %s, holds a password or a token the server issued at %d", name, view.how, i)
				}
			}
		}
	}
}
