package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/catalog"
)

// The RFC 6749 battery proves the verdicts of -profile rfc6749
// (features/rfc6749/) on token endpoints written for this file alone,
// each modelled on how a widely used server answers, and each strange
// where RFC 6749 allows it: a verdict is only as good as the strangest
// correct server and the meanest broken one it was tried on. The servers
// use the standard library only and share no code with the suite; the
// test configures the CLI only through the documented AUTHCONFORM_*
// variables (secrets in the environment, never in a flag) and reads its
// verdicts from the JSON summary (-format json:FILE,
// schemas/report/run_summary.json), not from console text.
//
// Each row is one server run through the whole profile. A correct server
// must pass (exit 0), its failed @should scenarios (warnings) named; a
// fault, one deviation on an otherwise correct server, must fail exactly
// the scenarios that judge its rule; an error scenario that passed while
// its client got no token in the run must be inconclusive, never passed.
// No row may print a client secret or an access token the server issued.

// rfcFlavour is the widely used server a battery server answers like.
type rfcFlavour int

const (
	// fositeLike answers as Ory fosite (Hydra) does: POST /oauth2/token,
	// token_type "bearer", expires_in the time left, errors with
	// error_hint, a Basic challenge after a failed Basic login, repeated
	// parameters and two authentication methods refused, GET 405.
	fositeLike rfcFlavour = iota
	// doorkeeperLike answers as Doorkeeper (Rails) does: /oauth/token,
	// token_type "Bearer", created_at, no scope when it is the one asked
	// for, 401 invalid_client with a Bearer challenge (and, here, a Basic
	// one after a Basic login), Cache-Control no-store and private in two
	// fields, no Pragma; the last of a repeated parameter wins, Basic wins
	// over body credentials, and a GET is a routing 404.
	doorkeeperLike
	// keycloakLike answers as Keycloak does: a realm's token path, a JWT
	// access token, not-before-policy and refresh_expires_in members, a
	// granted scope wider than the one asked for (the client's default
	// scopes added), the first of a repeated parameter used, a 5-minute
	// lifetime, GET 405 with an empty body.
	keycloakLike
)

// rfcFlavourSpec is what a flavour's server is, and how the suite is
// configured for it.
type rfcFlavourSpec struct {
	name string
	// path is the token endpoint; anything but /oauth/token is given to
	// the suite as AUTHCONFORM_TOKEN_PATH.
	path     string
	lifetime int // seconds, AUTHCONFORM_EXPIRES_IN
	// scope is AUTHCONFORM_SCOPE, forbidden AUTHCONFORM_FORBIDDEN_SCOPE;
	// allowed are the scope tokens the clients may have.
	scope, forbidden string
	allowed          []string
}

var rfcFlavours = map[rfcFlavour]rfcFlavourSpec{
	fositeLike:     {name: "fosite-like", path: "/oauth2/token", lifetime: 3600, scope: "read", forbidden: "admin", allowed: []string{"read", "write", "offline"}},
	doorkeeperLike: {name: "doorkeeper-like", path: "/oauth/token", lifetime: 7200, scope: "read write", forbidden: "admin", allowed: []string{"read", "write"}},
	keycloakLike:   {name: "keycloak-like", path: "/realms/x/protocol/openid-connect/token", lifetime: 300, scope: "read", forbidden: "admin", allowed: []string{"read", "profile", "email"}},
}

// rfcTwist is one way a battery server departs from its flavour: a fault
// (a deviation from RFC 6749) or a variation RFC 6749 allows. The zero
// value is the flavour as modelled, which is correct.
type rfcTwist string

const (
	// Faults.
	rfcNoNoStore          rfcTwist = "token answers say Cache-Control: no-cache, max-age=0, without no-store"
	rfcNoChallenge        rfcTwist = "a failed HTTP Basic login gets 401 without WWW-Authenticate"
	rfcGETIssues          rfcTwist = "a GET with the secret in the query string gets a token (parameters read from the query, as Rails merges them)"
	rfcBasicNotDecoded    rfcTwist = "HTTP Basic credentials are base64-decoded and split at the first ':' but not form-decoded"
	rfcEmptyScope         rfcTwist = `"scope":"" in a token answer when no scope was granted, as Ory Hydra writes it`
	rfcForbiddenGranted   rfcTwist = "a scope the client may not have is granted and returned"
	rfcUnsupportedInvalid rfcTwist = "an unsupported grant type gets invalid_request"
	rfcLongLifetime       rfcTwist = "expires_in 7200 for a token that lives its flavour's lifetime"
	rfcRefuseAll          rfcTwist = "every request gets 401 invalid_client with a Basic challenge"
	rfcBearerOnly         rfcTwist = "a failed HTTP Basic login gets a Bearer challenge only, as Doorkeeper sends it"
	rfcBearerQuotesBasic  rfcTwist = `a failed HTTP Basic login gets a Bearer challenge only, whose error_description reads "..., Basic credentials were rejected."`
	rfcExpiresInString    rfcTwist = `expires_in is a JSON string ("3599"), as Azure AD v1 wrote it`
	rfcRejectsUnknown     rfcTwist = "an unknown parameter gets invalid_request"
	rfcAnySecret          rfcTwist = "any client secret is accepted, in the body or with HTTP Basic"
	rfcNoStoreAsFieldName rfcTwist = `token answers say Cache-Control: no-cache="Set-Cookie, no-store, Authorization": no-store only as a field name inside a quoted string`
	rfcUnknownClient500   rfcTwist = "an unknown client_id gets 500 server_error, as go-oauth2 answers a client its store cannot find"
	// Variations RFC 6749 allows.
	rfcDownscopes    rfcTwist = "a scope the client may not have is dropped from the grant and the scope granted returned (RFC 6749 §3.3)"
	rfcNoExpiresIn   rfcTwist = "no expires_in; the lifetime is documented instead (RFC 6749 §5.1: RECOMMENDED), as Salesforce answers"
	rfcChallengeTwo  rfcTwist = "the Basic challenge in a WWW-Authenticate field of its own, after a Bearer one"
	rfcScopeRequired rfcTwist = "a request without scope gets 400 invalid_scope: no default scope (RFC 6749 §3.3)"
	rfcOneMethod     rfcTwist = "each client may use only the method it was registered with; the other gets 401 invalid_client (RFC 6749 §5.2: unsupported authentication method)"
	rfcIatDatedBack  rfcTwist = "the JWT's iat dated 5 minutes back, as Microsoft Entra ID dates it; expires_in the time left (RFC 6749 §5.1)"
)

// Short names of the scenarios of features/rfc6749/: each a substring of
// exactly one scenario name as the JSON summary writes it.
const (
	rfcPostToken      = "authenticates in the body gets a token"
	rfcBasicToken     = "A client that authenticates with HTTP Basic" // the rest of the name: see TestRFCBatteryReportNamesScenarios
	rfcPragma         = "Pragma no-cache"
	rfcNoRefresh      = "without a refresh token"
	rfcBasicFailure   = "failed HTTP Basic login"
	rfcWrongPost      = "wrong secret in the body"
	rfcGETQuery       = "GET with the client's secret"
	rfcTwoMethods     = "authenticates twice"
	rfcExpiresIn      = "expires_in, when given, is its lifetime"
	rfcExpiresInGiven = "lifetime in expires_in"
	rfcUnknownParams  = "Unknown parameters are ignored"
	rfcScopeAllowed   = "A scope the client may have"
	rfcScopeRefused   = "A scope the client may not have"
	rfcUnsupported    = "unsupported grant type"
	rfcNoGrantType    = "without grant_type"
	rfcRepeated       = "A repeated parameter"
	rfcNoScope        = "A request without scope"
	rfcUnknownPost    = "unknown client in the body"
	rfcUnknownBasic   = "unknown client with HTTP Basic"
)

// rfcBatteryRow is one run of the CLI against one battery server.
type rfcBatteryRow struct {
	name    string
	flavour rfcFlavour
	twist   rfcTwist
	args    []string // after -format console,json:FILE -timeout 10s
	// oneClient configures one client for both methods (the suite allows
	// it): AUTHCONFORM_BASIC_CLIENT_ID is AUTHCONFORM_CLIENT_ID.
	oneClient bool
	// noLifetime leaves AUTHCONFORM_EXPIRES_IN unset: expires_in is then
	// judged against a JWT's own exp − iat, and of an opaque token only
	// as a positive integer.
	noLifetime bool
	// wantCode is the exit code; wantFailed, wantWarned and
	// wantInconclusive name (short names above) the scenarios that must
	// end failed, warning (a failed @should) and inconclusive; mayWarn
	// those that may pass or warn. Every other scenario of
	// features/rfc6749/ must pass, and every other scenario be left out.
	wantCode                                 int
	wantFailed, wantWarned, wantInconclusive []string
	mayWarn                                  []string
	// knownIssue says what the suite gets wrong on this row; the row is
	// then skipped with the reason, for as long as it reproduces.
	knownIssue string
}

// What the correct flavours warn about (RFC 6749 makes each a SHOULD, or
// the suite checks it as one): Doorkeeper sends no Pragma, uses the last
// of a repeated parameter and takes Basic over body credentials; Keycloak
// uses the first of a repeated parameter.
var (
	doorkeeperWarnings = []string{rfcPragma, rfcRepeated, rfcTwoMethods}
	keycloakWarnings   = []string{rfcRepeated}
)

var rfcBattery = []rfcBatteryRow{
	// Correct servers, each strange where the RFC allows it.
	{name: "fosite-like", flavour: fositeLike, wantCode: 0},
	{name: "fosite-like, four scenarios at once", flavour: fositeLike, args: []string{"-concurrency", "4"}, wantCode: 0},
	{name: "doorkeeper-like", flavour: doorkeeperLike, wantCode: 0, wantWarned: doorkeeperWarnings},
	{name: "keycloak-like", flavour: keycloakLike, wantCode: 0, wantWarned: keycloakWarnings},
	{name: "keycloak-like, Basic challenge in its own header field", flavour: keycloakLike, twist: rfcChallengeTwo, wantCode: 0, wantWarned: keycloakWarnings},
	{
		name: "keycloak-like, forbidden scope dropped from the grant", flavour: keycloakLike, twist: rfcDownscopes, wantCode: 0, wantWarned: keycloakWarnings,
	},
	{
		name: "doorkeeper-like, no expires_in, lifetime documented", flavour: doorkeeperLike, twist: rfcNoExpiresIn, wantCode: 0, wantWarned: append(slices.Clone(doorkeeperWarnings), rfcExpiresInGiven),
	},
	// Every scenario but one asks for AUTHCONFORM_SCOPE; the one without
	// scope passes on invalid_scope, and is conclusive.
	{name: "fosite-like, no default scope", flavour: fositeLike, twist: rfcScopeRequired, wantCode: 0},
	// Basic still wins over the body, so two methods at once still get a
	// token, and the warning stands: the request is the Basic client's, not
	// one its method alone gets refused.
	{name: "doorkeeper-like, one method per client", flavour: doorkeeperLike, twist: rfcOneMethod, wantCode: 0, wantWarned: doorkeeperWarnings},
	{name: "keycloak-like, no lifetime configured", flavour: keycloakLike, noLifetime: true, wantCode: 0, wantWarned: keycloakWarnings},
	{name: "fosite-like, no lifetime configured", flavour: fositeLike, noLifetime: true, wantCode: 0},
	{name: "keycloak-like, iat dated back, no lifetime configured", flavour: keycloakLike, twist: rfcIatDatedBack, noLifetime: true, wantCode: 0, wantWarned: keycloakWarnings},

	// Faults: each must fail exactly the scenarios that judge its rule.
	{name: "fosite-like, no no-store on token answers", flavour: fositeLike, twist: rfcNoNoStore, wantCode: 1, wantFailed: []string{rfcPostToken, rfcBasicToken}},
	{name: "keycloak-like, no WWW-Authenticate after a failed Basic login", flavour: keycloakLike, twist: rfcNoChallenge, wantCode: 1, wantFailed: []string{rfcBasicFailure, rfcUnknownBasic}, wantWarned: keycloakWarnings},
	// RFC 6749 §3.2 and §2.3.1 bind the client: the token for a GET is a
	// warning that says why it is dangerous, not a failure.
	{name: "doorkeeper-like, token for a GET with the secret in the query", flavour: doorkeeperLike, twist: rfcGETIssues, wantCode: 0, wantWarned: append(slices.Clone(doorkeeperWarnings), rfcGETQuery)},
	{
		name: "fosite-like, Basic credentials not form-decoded", flavour: fositeLike, twist: rfcBasicNotDecoded, wantCode: 1, wantFailed: []string{rfcBasicToken},
		// No client gets a token with HTTP Basic, so refusals of HTTP Basic
		// logins prove nothing.
		wantInconclusive: []string{rfcBasicFailure, rfcTwoMethods, rfcUnknownBasic},
	},
	// The scenarios ask for AUTHCONFORM_SCOPE, which is granted; only the
	// request without scope meets the empty grant.
	{name: `fosite-like, "scope":"" when none granted`, flavour: fositeLike, twist: rfcEmptyScope, wantCode: 1, wantFailed: []string{rfcNoScope}},
	{name: "keycloak-like, forbidden scope granted", flavour: keycloakLike, twist: rfcForbiddenGranted, wantCode: 1, wantFailed: []string{rfcScopeRefused}, wantWarned: keycloakWarnings},
	{name: "doorkeeper-like, unsupported grant type answered invalid_request", flavour: doorkeeperLike, twist: rfcUnsupportedInvalid, wantCode: 1, wantFailed: []string{rfcUnsupported}, wantWarned: doorkeeperWarnings},
	{name: "fosite-like, expires_in 7200 for a 3600 s lifetime", flavour: fositeLike, twist: rfcLongLifetime, wantCode: 1, wantFailed: []string{rfcExpiresIn}},
	{
		name: "keycloak-like, expires_in 7200 for a JWT that lives 300 s, no lifetime configured", flavour: keycloakLike, twist: rfcLongLifetime, noLifetime: true,
		wantCode: 1, wantFailed: []string{rfcExpiresIn}, wantWarned: keycloakWarnings,
	},
	{
		name: "refuses everything", flavour: fositeLike, twist: rfcRefuseAll, wantCode: 1,
		wantFailed: []string{rfcPostToken, rfcBasicToken, rfcExpiresIn, rfcUnknownParams, rfcScopeAllowed, rfcScopeRefused, rfcUnsupported, rfcNoGrantType, rfcNoScope},
		wantWarned: []string{rfcPragma, rfcNoRefresh, rfcRepeated, rfcExpiresInGiven},
		// Refusals that would pass, but no client ever got a token.
		wantInconclusive: []string{rfcBasicFailure, rfcWrongPost, rfcGETQuery, rfcTwoMethods, rfcUnknownPost, rfcUnknownBasic},
	},
	{name: "doorkeeper-like, Bearer challenge only after a failed Basic login", flavour: doorkeeperLike, twist: rfcBearerOnly, wantCode: 1, wantFailed: []string{rfcBasicFailure, rfcUnknownBasic}, wantWarned: doorkeeperWarnings},
	{
		name: "doorkeeper-like, Bearer challenge only, its description quoting Basic", flavour: doorkeeperLike, twist: rfcBearerQuotesBasic, wantCode: 1, wantFailed: []string{rfcBasicFailure, rfcUnknownBasic}, wantWarned: doorkeeperWarnings,
	},
	{
		name: "fosite-like, Basic credentials not form-decoded, one client for both methods", flavour: fositeLike, twist: rfcBasicNotDecoded, oneClient: true, wantCode: 1, wantFailed: []string{rfcBasicToken},
		// The client's tokens come in the body only: its HTTP Basic refusals
		// prove nothing.
		wantInconclusive: []string{rfcBasicFailure, rfcTwoMethods, rfcUnknownBasic},
	},
	{name: "doorkeeper-like, any secret accepted", flavour: doorkeeperLike, twist: rfcAnySecret, wantCode: 1, wantFailed: []string{rfcBasicFailure, rfcWrongPost}, wantWarned: doorkeeperWarnings},
	{name: "fosite-like, expires_in a JSON string", flavour: fositeLike, twist: rfcExpiresInString, wantCode: 1, wantFailed: []string{rfcPostToken, rfcBasicToken, rfcExpiresIn, rfcScopeAllowed, rfcNoScope}, wantWarned: []string{rfcExpiresInGiven}},
	{name: "fosite-like, unknown parameter refused", flavour: fositeLike, twist: rfcRejectsUnknown, wantCode: 1, wantFailed: []string{rfcUnknownParams}},
	{name: "fosite-like, unknown client answered 500", flavour: fositeLike, twist: rfcUnknownClient500, wantCode: 1, wantFailed: []string{rfcUnknownPost, rfcUnknownBasic}},
	{
		name: "fosite-like, no-store only inside a quoted no-cache field list", flavour: fositeLike, twist: rfcNoStoreAsFieldName, wantCode: 1, wantFailed: []string{rfcPostToken, rfcBasicToken},
	},
}

// TestRFCBattery runs every row of the RFC 6749 battery through the CLI.
func TestRFCBattery(t *testing.T) {
	scenarios := rfcFeatureScenarios(t)
	for _, row := range rfcBattery {
		t.Run("case="+rfcCaseName.Replace(row.name), func(t *testing.T) {
			t.Parallel()
			srv := startRFCServer(t, row.flavour, row.twist)
			if row.oneClient {
				srv.basicID = srv.postID
			}
			srv.noLifetime = row.noLifetime
			if len(srv.leaksIn("x"+srv.secrets[srv.basicID]+"x")) == 0 {
				t.Fatal("the leak check does not find a secret in plain text")
			}
			run := srv.runSuite(t, row.args...)
			// A leak is never part of a known issue: it fails every row.
			for _, leak := range srv.leaksIn(run.output()) {
				t.Errorf("the output holds %s", leak)
			}
			problems := row.verdictProblems(run, scenarios)
			if row.knownIssue != "" {
				if len(problems) == 0 {
					t.Errorf("the known issue no longer reproduces; remove it from the row: %s", row.knownIssue)
					return
				}
				t.Logf("the suite's verdict, as the known issue says:\n%s\nstdout:\n%s", strings.Join(problems, "\n"), rfcOwnLines(run.stdout))
				t.Skip("known suite issue: " + row.knownIssue)
			}
			if len(problems) > 0 {
				t.Errorf("%s\nstdout:\n%s\nstderr:\n%s", strings.Join(problems, "\n"), rfcOwnLines(run.stdout), run.stderr)
			}
		})
	}
}

// rfcOwnLines is a console report without the lines of the scenarios the
// profile leaves out, which every row has and none is about.
func rfcOwnLines(stdout string) string {
	lines := strings.Split(stdout, "\n")
	return strings.Join(slices.DeleteFunc(lines, func(l string) bool { return strings.Contains(l, "Commerce Layer only (") }), "\n")
}

// rfcCaseName turns a row's name into a subtest name.
var rfcCaseName = strings.NewReplacer(" ", "-", ",", "", `"`, "")

// TestRFCBatteryReportNamesScenarios runs the correct fosite-like server
// once and looks for every scenario of features/rfc6749/, by its name as
// the feature file writes it, in the JSON summary and the console report:
// the name is how a reader, authconform diff and a known-deviation file
// find a case.
func TestRFCBatteryReportNamesScenarios(t *testing.T) {
	scenarios := rfcFeatureScenarios(t)
	srv := startRFCServer(t, fositeLike, "")
	run := srv.runSuite(t)
	var problems []string
	for _, name := range scenarios {
		if !slices.ContainsFunc(run.summary.Cases, func(c rfcSummaryCase) bool { return c.Scenario == name }) {
			problems = append(problems, fmt.Sprintf("the JSON summary names no case %q", name))
		}
		if !strings.Contains(run.stdout, name) {
			problems = append(problems, fmt.Sprintf("the console report does not name %q", name))
		}
	}
	if len(problems) > 0 {
		t.Fatalf("%s\nstdout:\n%s", strings.Join(problems, "\n"), rfcOwnLines(run.stdout))
	}
}

// rfcFeatureScenarios reads the names of the scenarios of
// features/rfc6749/ from the repository's feature files, as the catalog
// lists them: each row of a Scenario Outline is a scenario of its own,
// named by the outline with the row's values.
func rfcFeatureScenarios(t *testing.T) []string {
	t.Helper()
	cases, err := catalog.Load(os.DirFS(filepath.Join("..", "..")), "features/rfc6749")
	if err != nil {
		t.Fatalf("reading features/rfc6749: %v", err)
	}
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = c.Scenario
	}
	return names
}

// rfcRun is one run of the CLI: its exit code and output, and the JSON
// summary it wrote.
type rfcRun struct {
	result
	summaryText []byte
	summary     rfcSummary
	summaryErr  error
}

func (r rfcRun) output() string { return r.stdout + r.stderr + string(r.summaryText) }

// rfcSummary is the part of the JSON summary the battery reads.
type rfcSummary struct {
	Target   string           `json:"target"`
	Profile  string           `json:"profile"`
	ExitCode int              `json:"exit_code"`
	Cases    []rfcSummaryCase `json:"cases"`
}

type rfcSummaryCase struct {
	Feature  string `json:"feature"`
	Scenario string `json:"scenario"`
	Status   string `json:"status"`
	Error    string `json:"error"`
}

// runSuite runs the CLI against the server, configured through the
// documented variables only, with the console report and the JSON
// summary.
func (s *rfcServer) runSuite(t *testing.T, extra ...string) rfcRun {
	t.Helper()
	// Not t.TempDir: -format splits its value at commas, and a row's
	// name may hold one.
	dir, err := os.MkdirTemp("", "rfc-battery-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "summary.json")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	args := append([]string{"-format", "console,json:" + path, "-timeout", "10s"}, extra...)
	run := rfcRun{result: runCLIContext(ctx, s.environment(), args...)}
	if ctx.Err() != nil {
		t.Fatalf("the run did not end within 50 s")
	}
	run.summaryText, run.summaryErr = os.ReadFile(path)
	if run.summaryErr == nil {
		run.summaryErr = json.Unmarshal(run.summaryText, &run.summary)
	}
	return run
}

// verdictProblems compares a run with what the row expects.
func (row rfcBatteryRow) verdictProblems(run rfcRun, scenarios []string) []string {
	var problems []string
	if run.code != row.wantCode {
		problems = append(problems, fmt.Sprintf("exit code = %d; want %d", run.code, row.wantCode))
	}
	if run.summaryErr != nil {
		return append(problems, fmt.Sprintf("the JSON summary: %v", run.summaryErr))
	}
	sum := run.summary
	if sum.ExitCode != run.code || sum.Profile != "rfc6749" {
		problems = append(problems, fmt.Sprintf("summary exit_code = %d, profile = %q; want %d, \"rfc6749\"", sum.ExitCode, sum.Profile, run.code))
	}
	var ours []rfcSummaryCase
	for _, c := range sum.Cases {
		switch {
		case strings.HasPrefix(c.Feature, "features/rfc6749/"):
			ours = append(ours, c)
		case c.Status != "left_out":
			problems = append(problems, fmt.Sprintf("%s: %q is %s; want every scenario outside features/rfc6749/ left out by the profile", c.Feature, c.Scenario, c.Status))
		}
	}
	if len(ours) != len(scenarios) {
		problems = append(problems, fmt.Sprintf("the summary has %d cases of features/rfc6749/; its feature files have %d scenarios", len(ours), len(scenarios)))
	}
	// Each short name must name one case, or the row says nothing.
	lists := [][]string{row.wantFailed, row.wantWarned, row.wantInconclusive, row.mayWarn}
	for _, list := range lists {
		for _, short := range list {
			if n := len(slices.DeleteFunc(slices.Clone(ours), func(c rfcSummaryCase) bool { return !strings.Contains(c.Scenario, short) })); n != 1 {
				problems = append(problems, fmt.Sprintf("%q names %d cases of features/rfc6749/; want 1", short, n))
			}
		}
	}
	named := func(list []string, c rfcSummaryCase) bool {
		return slices.ContainsFunc(list, func(short string) bool { return strings.Contains(c.Scenario, short) })
	}
	for _, c := range ours {
		want := []string{"passed"}
		switch {
		case named(row.wantFailed, c):
			want = []string{"failed"}
		case named(row.wantWarned, c):
			want = []string{"warning"}
		case named(row.wantInconclusive, c):
			want = []string{"inconclusive"}
		case named(row.mayWarn, c):
			want = []string{"passed", "warning"}
		}
		if !slices.Contains(want, c.Status) {
			why := ""
			if c.Error != "" {
				why = ": " + c.Error
			}
			problems = append(problems, fmt.Sprintf("%s: %q is %s; want %s%s", c.Feature, c.Scenario, c.Status, strings.Join(want, " or "), why))
		}
	}
	return problems
}

// ---------------------------------------------------------------------
// The battery's servers. Nothing below uses a package of this repository.
// ---------------------------------------------------------------------

// rfcServer is one battery token endpoint: a client that authenticates in
// the body (client_secret_post) and one that uses HTTP Basic
// (client_secret_basic); each may use either method.
type rfcServer struct {
	url     string
	flavour rfcFlavour
	spec    rfcFlavourSpec
	twist   rfcTwist
	postID  string
	basicID string
	secrets map[string]string // client_id → secret
	jwtKey  []byte            // keycloak-like tokens are HS256 JWTs
	// noLifetime leaves AUTHCONFORM_EXPIRES_IN out of the environment.
	noLifetime bool

	mu     sync.Mutex
	issued []string // every access token issued, for the leak check
}

// The clients. The Basic client's id holds a ':' and an '@', which
// HTTP Basic carries only form-encoded (RFC 6749 §2.3.1, Appendix B).
const (
	rfcPostClientID  = "storefront-backend"
	rfcBasicClientID = "nightly:report@acme"
)

// startRFCServer starts a server of the flavour on loopback.
func startRFCServer(t *testing.T, flavour rfcFlavour, twist rfcTwist) *rfcServer {
	t.Helper()
	s := &rfcServer{
		flavour: flavour,
		spec:    rfcFlavours[flavour],
		twist:   twist,
		postID:  rfcPostClientID,
		basicID: rfcBasicClientID,
		secrets: map[string]string{rfcPostClientID: rfcSecret(), rfcBasicClientID: rfcSecret()},
		jwtKey:  []byte(rfcRandomHex(32)),
	}
	handler := map[rfcFlavour]http.HandlerFunc{fositeLike: s.serveFosite, doorkeeperLike: s.serveDoorkeeper, keycloakLike: s.serveKeycloak}[flavour]
	mux := http.NewServeMux()
	mux.HandleFunc(s.spec.path, handler)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// rfcSecret is a client secret with characters form-encoding changes
// ('+', '/', ':', '%', ' ', '&', '='), between random hex digits: only a
// server that form-decodes HTTP Basic credentials recognises it.
func rfcSecret() string {
	return rfcRandomHex(8) + "a+b/c:d%e f&g=" + rfcRandomHex(8)
}

func rfcRandomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func rfcRandomBase64URL(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// environment configures the suite through the documented variables only.
func (s *rfcServer) environment() map[string]string {
	env := map[string]string{
		"AUTHCONFORM_PROFILE":             "rfc6749",
		"AUTHCONFORM_TARGET":              s.url,
		"AUTHCONFORM_CLIENT_ID":           s.postID,
		"AUTHCONFORM_CLIENT_SECRET":       s.secrets[s.postID],
		"AUTHCONFORM_BASIC_CLIENT_ID":     s.basicID,
		"AUTHCONFORM_BASIC_CLIENT_SECRET": s.secrets[s.basicID],
		"AUTHCONFORM_SCOPE":               s.spec.scope,
		"AUTHCONFORM_FORBIDDEN_SCOPE":     s.spec.forbidden,
	}
	if !s.noLifetime {
		env["AUTHCONFORM_EXPIRES_IN"] = strconv.Itoa(s.spec.lifetime)
	}
	if s.spec.path != "/oauth/token" {
		env["AUTHCONFORM_TOKEN_PATH"] = s.spec.path
	}
	return env
}

// leaksIn names each client secret, HTTP Basic credential pair and issued
// token that out holds, in any encoding of the leak battery's table
// (leaksOf). The names say which value and which form, never the value.
func (s *rfcServer) leaksIn(out string) []string {
	var creds []credential
	for _, id := range []string{s.postID, s.basicID} {
		creds = append(creds,
			credential{fmt.Sprintf("client %q's secret", id), s.secrets[id]},
			credential{fmt.Sprintf("client %q's HTTP Basic credentials", id), url.QueryEscape(id) + ":" + url.QueryEscape(s.secrets[id])})
	}
	s.mu.Lock()
	for i, tok := range s.issued {
		creds = append(creds, credential{fmt.Sprintf("access token #%d the server issued", i+1), tok})
	}
	s.mu.Unlock()
	return leaksOf(out, creds)
}

// --- Reading a token request ---

// rfcTokenRequest is a token request as a server reads it.
type rfcTokenRequest struct {
	params url.Values // the form body; for a GET, the query string
	// repeated is a parameter sent more than once; "" if none.
	repeated string
	// basic: an Authorization: Basic header came; basicOK: it decoded.
	basic, basicOK       bool
	basicID, basicSecret string
}

// readTokenRequest reads a POST's form body (a query string on a POST is
// ignored, as every modelled server does), or a GET's query string. It
// returns what is wrong with the request, or "".
func (s *rfcServer) readTokenRequest(r *http.Request) (rfcTokenRequest, string) {
	var req rfcTokenRequest
	if r.Method == http.MethodGet {
		req.params = r.URL.Query()
	} else {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return req, "The request body must be application/x-www-form-urlencoded."
		}
		body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 64<<10))
		if err != nil {
			return req, "The request body could not be read."
		}
		if req.params, err = url.ParseQuery(string(body)); err != nil {
			return req, "The request body is not form-encoded."
		}
	}
	for _, k := range slices.Sorted(maps.Keys(req.params)) {
		if len(req.params[k]) > 1 {
			req.repeated = k
			break
		}
	}
	if scheme, cred, found := strings.Cut(r.Header.Get("Authorization"), " "); found && strings.EqualFold(scheme, "Basic") {
		req.basic = true
		req.basicID, req.basicSecret, req.basicOK = s.decodeBasic(strings.TrimSpace(cred))
	}
	return req, ""
}

// decodeBasic reads HTTP Basic credentials: base64, split at the first
// ':', each part form-decoded (RFC 6749 §2.3.1) unless the twist says not.
func (s *rfcServer) decodeBasic(cred string) (id, secret string, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(cred)
	if err != nil {
		return "", "", false
	}
	id, secret, found := strings.Cut(string(raw), ":")
	if !found {
		return "", "", false
	}
	if s.twist == rfcBasicNotDecoded {
		return id, secret, true
	}
	id, err1 := url.QueryUnescape(id)
	secret, err2 := url.QueryUnescape(secret)
	return id, secret, err1 == nil && err2 == nil
}

// authenticated checks a client's secret in constant time.
func (s *rfcServer) authenticated(id, secret string) bool {
	want, known := s.secrets[id]
	if s.twist == rfcAnySecret {
		return known
	}
	return known && secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(want)) == 1
}

// scopeTokens splits a scope into its tokens (RFC 6749 §3.3).
func scopeTokens(scope string) []string { return strings.Fields(scope) }

// allowedScope reports whether every token of scope is one the clients
// may have, and returns the first that is not.
func (s *rfcServer) allowedScope(scope string) (string, bool) {
	for _, tok := range scopeTokens(scope) {
		if !slices.Contains(s.spec.allowed, tok) {
			return tok, false
		}
	}
	return "", true
}

// issue makes and records an access token in the flavour's format.
func (s *rfcServer) issue(clientID, scope string) string {
	var token string
	switch s.flavour {
	case fositeLike:
		token = "ory_at_" + rfcRandomBase64URL(32) + "." + rfcRandomBase64URL(32)
	case doorkeeperLike:
		token = rfcRandomBase64URL(32)
	case keycloakLike:
		token = s.jwt(clientID, scope)
	}
	s.mu.Lock()
	s.issued = append(s.issued, token)
	s.mu.Unlock()
	return token
}

// jwt is a Keycloak-style access token, HS256 here (Keycloak signs RS256;
// the suite does not verify tokens in this profile).
func (s *rfcServer) jwt(clientID, scope string) string {
	now := time.Now().Unix()
	iat := now
	if s.twist == rfcIatDatedBack {
		iat -= 300
	}
	h, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT", "kid": rfcRandomHex(8)})
	p, _ := json.Marshal(map[string]any{
		"exp": now + int64(s.spec.lifetime), "iat": iat, "jti": rfcRandomHex(16),
		"iss": s.url + "/realms/x", "sub": rfcRandomHex(16), "typ": "Bearer",
		"azp": clientID, "clientId": clientID, "scope": scope,
	})
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	mac := hmac.New(sha256.New, s.jwtKey)
	mac.Write([]byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// rfcWrite writes a JSON answer with the given header fields.
func rfcWrite(w http.ResponseWriter, status int, header http.Header, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		panic(err) // maps of strings and numbers
	}
	for k, vs := range header {
		w.Header()[k] = vs
	}
	w.WriteHeader(status)
	w.Write(b)
}

// refuse is the answer of a server that refuses everything.
func (s *rfcServer) refuse(w http.ResponseWriter) {
	rfcWrite(w, http.StatusUnauthorized, http.Header{
		"Content-Type":     {"application/json"},
		"Cache-Control":    {"no-store"},
		"Www-Authenticate": {`Basic realm="locked"`},
	}, map[string]string{"error": "invalid_client", "error_description": "Client authentication failed."})
}

// --- fosite-like ---

// serveFosite answers as Ory fosite: errors carry error_hint; a failed
// Basic login is 401 with a Basic challenge, a failed body login 401
// without one; a GET is the router's 405.
func (s *rfcServer) serveFosite(w http.ResponseWriter, r *http.Request) {
	if s.twist == rfcRefuseAll {
		s.refuse(w)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	fail := func(status int, code, hint string, challenge bool) {
		h := http.Header{"Content-Type": {"application/json;charset=UTF-8"}, "Cache-Control": {"no-store"}, "Pragma": {"no-cache"}}
		if challenge {
			h.Set("Www-Authenticate", `Basic realm="Authorization Required"`)
		}
		description := map[string]string{
			"invalid_request":        "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.",
			"invalid_client":         "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).",
			"unsupported_grant_type": "The authorization grant type is not supported by the authorization server.",
			"invalid_scope":          "The requested scope is invalid, unknown, or malformed.",
		}[code]
		rfcWrite(w, status, h, map[string]string{"error": code, "error_description": description, "error_hint": hint})
	}
	req, problem := s.readTokenRequest(r)
	params := req.params
	switch {
	case problem != "":
		fail(http.StatusBadRequest, "invalid_request", problem, false)
		return
	case req.repeated != "":
		fail(http.StatusBadRequest, "invalid_request", fmt.Sprintf("The parameter '%s' must not be included more than once.", req.repeated), false)
		return
	case req.basic && params.Has("client_secret"):
		fail(http.StatusBadRequest, "invalid_request", "Client credentials were sent both in the HTTP Authorization header and in the request body.", false)
		return
	case params.Get("grant_type") == "":
		fail(http.StatusBadRequest, "invalid_request", "The 'grant_type' parameter is missing.", false)
		return
	}
	if s.twist == rfcRejectsUnknown {
		for k := range params {
			if !slices.Contains([]string{"grant_type", "client_id", "client_secret", "scope", "audience"}, k) {
				fail(http.StatusBadRequest, "invalid_request", "The request contains an unknown parameter.", false)
				return
			}
		}
	}
	clientID := params.Get("client_id")
	if id := map[bool]string{false: clientID, true: req.basicID}[req.basic]; s.twist == rfcUnknownClient500 && s.secrets[id] == "" {
		rfcWrite(w, http.StatusInternalServerError, http.Header{"Content-Type": {"application/json;charset=UTF-8"}},
			map[string]string{"error": "server_error", "error_description": "not found"})
		return
	}
	if req.basic {
		if !req.basicOK || !s.authenticated(req.basicID, req.basicSecret) {
			fail(http.StatusUnauthorized, "invalid_client", "The client credentials in the HTTP authorization header are invalid.", true)
			return
		}
		clientID = req.basicID
	} else if !s.authenticated(clientID, params.Get("client_secret")) {
		fail(http.StatusUnauthorized, "invalid_client", "The requested OAuth 2.0 Client could not be authenticated.", false)
		return
	}
	if params.Get("grant_type") != "client_credentials" {
		fail(http.StatusBadRequest, "unsupported_grant_type", "The OAuth 2.0 Client is not allowed to use this grant type.", false)
		return
	}
	scope := params.Get("scope")
	if tok, ok := s.allowedScope(scope); !ok {
		fail(http.StatusBadRequest, "invalid_scope", fmt.Sprintf("The OAuth 2.0 Client is not allowed to request scope '%s'.", tok), false)
		return
	}
	if scope == "" && s.twist == rfcScopeRequired {
		fail(http.StatusBadRequest, "invalid_scope", "The request has no scope and the server has no default scope.", false)
		return
	}
	answer := map[string]any{"access_token": s.issue(clientID, scope), "token_type": "bearer"}
	// Strange but correct: the time left when the answer is written.
	switch expiresIn := s.spec.lifetime - 1; s.twist {
	case rfcLongLifetime:
		answer["expires_in"] = 7200
	case rfcExpiresInString:
		answer["expires_in"] = strconv.Itoa(expiresIn)
	default:
		answer["expires_in"] = expiresIn
	}
	if scope != "" || s.twist == rfcEmptyScope {
		answer["scope"] = strings.Join(scopeTokens(scope), " ")
	}
	cacheControl := "no-store"
	switch s.twist {
	case rfcNoNoStore:
		cacheControl = "no-cache, max-age=0"
	case rfcNoStoreAsFieldName:
		cacheControl = `no-cache="Set-Cookie, no-store, Authorization"`
	}
	rfcWrite(w, http.StatusOK, http.Header{
		"Content-Type":  {"application/json;charset=UTF-8"},
		"Cache-Control": {cacheControl},
		"Pragma":        {"no-cache"},
	}, answer)
}

// --- doorkeeper-like ---

// doorkeeperInvalidClient is Doorkeeper's description of invalid_client.
const doorkeeperInvalidClient = "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."

// serveDoorkeeper answers as Doorkeeper: Rails reads parameters from the
// body (the last of a repeated one wins), grant_type is checked before the
// client, Basic credentials win over the body's, a failed login is 401
// with a Bearer challenge (plus, here, a Basic one in the same field after
// a Basic login), and the token answer has created_at, Cache-Control in
// two fields and no Pragma.
func (s *rfcServer) serveDoorkeeper(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && !(r.Method == http.MethodGet && s.twist == rfcGETIssues) {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<!DOCTYPE html>\n<html><head><title>The page you were looking for doesn't exist (404)</title></head><body><h1>The page you were looking for doesn't exist.</h1></body></html>\n")
		return
	}
	fail := func(status int, code, description string, challenge string) {
		h := http.Header{"Content-Type": {"application/json; charset=utf-8"}, "Cache-Control": {"no-store"}}
		if challenge != "" {
			h.Set("Www-Authenticate", challenge)
		}
		rfcWrite(w, status, h, map[string]string{"error": code, "error_description": description})
	}
	req, problem := s.readTokenRequest(r)
	last := func(name string) string {
		if vs := req.params[name]; len(vs) > 0 {
			return vs[len(vs)-1]
		}
		return ""
	}
	switch grant := last("grant_type"); {
	case problem != "":
		fail(http.StatusBadRequest, "invalid_request", problem, "")
		return
	case grant == "":
		fail(http.StatusBadRequest, "invalid_request", "Missing required parameter: grant_type.", "")
		return
	case grant != "client_credentials" && s.twist == rfcUnsupportedInvalid:
		fail(http.StatusBadRequest, "invalid_request", "The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed.", "")
		return
	case grant != "client_credentials":
		fail(http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.", "")
		return
	}
	clientID, secret := last("client_id"), last("client_secret")
	if req.basic {
		clientID, secret = req.basicID, req.basicSecret
	}
	// Under rfcOneMethod the body client may not use HTTP Basic, nor the
	// Basic client the body.
	wrongMethod := s.twist == rfcOneMethod && req.basic != (clientID == s.basicID)
	if (req.basic && !req.basicOK) || !s.authenticated(clientID, secret) || wrongMethod {
		description := doorkeeperInvalidClient
		if s.twist == rfcBearerQuotesBasic {
			description = "Client authentication failed, Basic credentials were rejected."
		}
		challenge := fmt.Sprintf(`Bearer realm="Doorkeeper", error="invalid_client", error_description="%s"`, description)
		if req.basic && s.twist != rfcBearerOnly && s.twist != rfcBearerQuotesBasic {
			challenge += `, Basic realm="Doorkeeper"`
		}
		fail(http.StatusUnauthorized, "invalid_client", description, challenge)
		return
	}
	scope := last("scope")
	if _, ok := s.allowedScope(scope); !ok {
		fail(http.StatusBadRequest, "invalid_scope", "The requested scope is invalid, unknown, or malformed.", "")
		return
	}
	// No scope member: the granted scope is the one asked for, or none
	// (RFC 6749 §5.1: OPTIONAL if identical to the requested scope).
	answer := map[string]any{
		"access_token": s.issue(clientID, scope),
		"token_type":   "Bearer",
		"created_at":   time.Now().Unix(),
	}
	if s.twist != rfcNoExpiresIn {
		answer["expires_in"] = s.spec.lifetime
	}
	rfcWrite(w, http.StatusOK, http.Header{
		"Content-Type":  {"application/json; charset=utf-8"},
		"Cache-Control": {"private", "no-store"},
	}, answer)
}

// --- keycloak-like ---

// keycloakDefaultScopes are added to every grant, as a Keycloak client's
// default client scopes are.
var keycloakDefaultScopes = []string{"profile", "email"}

// serveKeycloak answers as Keycloak: the first of a repeated parameter is
// used, grant_type is checked before the client, two authentication
// methods are refused, a failed login is 401 invalid_client, and the
// token answer is a JWT with Keycloak's extra members and a scope wider
// than the one asked for.
func (s *rfcServer) serveKeycloak(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST, OPTIONS")
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	fail := func(status int, code, description string, challenges ...string) {
		h := http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-store"}, "Pragma": {"no-cache"}}
		if len(challenges) > 0 {
			h["Www-Authenticate"] = challenges
		}
		rfcWrite(w, status, h, map[string]string{"error": code, "error_description": description})
	}
	req, problem := s.readTokenRequest(r)
	params := req.params // Get is the first of a repeated parameter
	switch {
	case problem != "":
		fail(http.StatusBadRequest, "invalid_request", problem)
		return
	case params.Get("grant_type") == "":
		fail(http.StatusBadRequest, "invalid_request", "Missing form parameter: grant_type")
		return
	case req.basic && params.Has("client_secret"):
		fail(http.StatusBadRequest, "invalid_request", "Multiple client authentication methods")
		return
	}
	clientID, secret := params.Get("client_id"), params.Get("client_secret")
	if req.basic {
		clientID, secret = req.basicID, req.basicSecret
	}
	if (req.basic && !req.basicOK) || !s.authenticated(clientID, secret) {
		var challenges []string
		switch {
		case !req.basic || s.twist == rfcNoChallenge:
		case s.twist == rfcChallengeTwo:
			// Strange but correct: two fields, the scheme in lower case
			// (RFC 7235 §2.1: case-insensitive).
			challenges = []string{`Bearer realm="x"`, `basic realm="x", charset="UTF-8"`}
		default:
			challenges = []string{`basic realm="x"`}
		}
		fail(http.StatusUnauthorized, "invalid_client", "Invalid client or Invalid client credentials", challenges...)
		return
	}
	if params.Get("grant_type") != "client_credentials" {
		fail(http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant_type")
		return
	}
	granted := slices.Clone(keycloakDefaultScopes)
	for _, tok := range scopeTokens(params.Get("scope")) {
		_, ok := s.allowedScope(tok)
		switch {
		case !ok && s.twist == rfcDownscopes:
			continue // dropped; the scope returned says what was granted
		case !ok && s.twist != rfcForbiddenGranted:
			fail(http.StatusBadRequest, "invalid_scope", "Invalid scopes: "+params.Get("scope"))
			return
		}
		if !slices.Contains(granted, tok) {
			granted = append(granted, tok)
		}
	}
	scope := strings.Join(granted, " ")
	expiresIn := s.spec.lifetime
	if s.twist == rfcLongLifetime {
		expiresIn = 7200
	}
	rfcWrite(w, http.StatusOK, http.Header{
		"Content-Type":  {"application/json"},
		"Cache-Control": {"no-store"},
		"Pragma":        {"no-cache"},
	}, map[string]any{
		"access_token":       s.issue(clientID, scope),
		"expires_in":         expiresIn,
		"refresh_expires_in": 0,
		"token_type":         "Bearer",
		"not-before-policy":  0,
		"scope":              scope,
	})
}
