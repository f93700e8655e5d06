package selftest

import (
	"maps"
	"regexp"
	"slices"
	"sync"
	"testing"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/golden"
	"github.com/authconform/authconform/internal/race"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/verdict"
)

// faultReasons holds, for each fault, a pattern every failure and warning
// of a run against it must match: proof that a scenario failed because of
// the fault and not for another reason. Which scenarios fail is data, in
// the golden file; why they fail is this table's, and a golden file cannot
// say it. Rows are keyed by fault name, in no particular order.
var faultReasons = map[string]string{
	"access-token-empty":             "access_token|no access token",
	"access-token-in-error":          "want no token",
	"access-token-missing":           "access_token|no access token",
	"content-type-text":              `Content-Type = "text/plain`,
	"created-at-millis":              "looks like milliseconds|from the answer's created_at",
	"created-at-stale":               "want Unix seconds within|86400 s from the answer's created_at",
	"created-at-string":              `created_at: Invalid type|created_at = "[0-9]+" \(string\)`,
	"default-scope-missing":          `scope is required|JSON member "scope" is missing`,
	"empty-body-500":                 "status = 500; want a client error",
	"empty-grant-type-accepted":      "status = 200; want 400",
	"empty-secret-accepted":          "status = 200",
	"error-code-missing":             "does not match schema|no OAuth error code",
	"error-html":                     "text/html",
	"error-no-store-missing":         `include "no-store"`,
	"error-status-200":               "status = 200",
	"expires-in-float":               "want an integer written without fraction",
	"expires-in-string":              `expires_in: Invalid type|expires_in = "[0-9]+" \(string\)`,
	"get-issues-token":               "status = 200; want a client error",
	"integration-lifetime":           "expires_in = 14400; want the documented default, 7200",
	"invalid-client-code-wrong":      `OAuth error = "unauthorized_client"`,
	"invalid-client-status-403":      "status = 403",
	"invalid-scope-status-403":       "status = 403; want (400|one of 400, 401)",
	"malformed-json-500":             "status = 500; want a client error",
	"missing-client-id-accepted":     "status = 200",
	"missing-grant-type-unsupported": `OAuth error = "unsupported_grant_type"; want "invalid_request"`,
	"missing-secret-accepted":        "status = 200",
	"pragma-missing":                 "Pragma",
	"refresh-token-issued":           `"refresh_token"`,
	"sales-channel-lifetime":         "expires_in = 7200; want the documented default, 14400",
	// A sales channel's customer is refused with it, invalid_client.
	"sales-channel-secret-required": `status = 401|answered with status 401|OAuth error = "invalid_client"; want "invalid_grant"`,
	// One token for all: the first token's claims (a sales channel's, market:all) on every token, its
	// lifetime too, and a revocation of any token revokes every client's.
	"same-token-for-all":                     `same token|claim application.kind = "integration"|claim scope = "market:all"|no claim "market.id"|status = (200; want one of 400, 401, 403|401; want 200)|but the token's exp − iat is|access_token is ".*" again|status = 403; want 200`,
	"scope-not-echoed":                       `scope = "market:all"|want the answer's scope, "market:all"`,
	"secret-echoed-base64-header":            `response header "X-Debug-Credentials" holds a client secret`,
	"secret-echoed-in-error":                 "holds a client secret",
	"secret-echoed-in-token":                 "holds a client secret",
	"secret-echoed-json-escaped":             "the response body holds a client secret",
	"secret-echoed-percent-encoded":          "the response body holds a client secret",
	"success-no-store-missing":               `want it to include "no-store"`,
	"success-status-201":                     "status = 201; want 200",
	"token-type-mac":                         `token_type = "mac"`,
	"token-type-missing":                     "token_type is required|missing: token_type",
	"unknown-client-accepted":                "status = 200",
	"unknown-client-500":                     "status = 500; want (one of 400, 401|401); 500 is a server error",
	"two-auth-methods-accepted":              "the server accepted a request that authenticated the client twice",
	"missing-scope-invalid-request":          `status = 400, OAuth error = "invalid_request"; want a token under a default scope, or invalid_scope`,
	"unknown-market-accepted":                "status = 200; want 400|status = 200 granting scope",
	"unsupported-grant-type-invalid-request": `OAuth error = "invalid_request"; want "unsupported_grant_type"`,
	"wrong-content-type-500":                 "status = 500; want a client error",
	"wrong-secret-accepted":                  `status = 200|OAuth error = "invalid_grant"; want "invalid_client"`,
	"jwt-alg-none":                           `alg = "none"; want "RS512"`,
	"jwt-alg-hs512":                          `alg = "HS512"; want "RS512"`,
	"jwt-bad-signature":                      "RS512 signature does not verify",
	"jwt-unknown-kid":                        "no key in the JWK Set has the header's kid",
	"jwt-kid-missing":                        `header has no "kid"`,
	"jwt-typ-missing":                        `header has no "typ"; want one of JWT, at\+jwt`,
	"jwt-lifetime-mismatch":                  "claims exp − iat = .* want the same lifetime|but the token's exp − iat is",
	"jwt-iat-stale":                          "claim iat = .* from the answer's created_at",
	"jwt-application-kind-wrong":             `claim application.kind = "integration" \(string\); want "sales_channel"`,
	"jwt-application-public-wrong":           "claim application.public = false",
	"jwt-market-claim-missing":               `no claim "market.id"`,
	"jwt-market-claim-for-all-markets":       "claim market = an object; want no such claim",
	"jwt-scope-claim-differs":                `claim scope = "market:all" \(string\); want the answer's scope`,
	"jwt-organization-slug-missing":          "organization: slug is required",
	"jwt-test-not-boolean":                   "test: Invalid type",
	"jwt-iss-wrong":                          `claim iss = "https://auth\.wrong-issuer\.authconform\.test"`,
	"jwt-iss-request-origin":                 `claim iss = "http://127\.0\.0\.1:[0-9]+"`,
	"jwks-missing":                           "key set at .* cannot be used: status 404",
	"revoke-leaves-token-working":            "status = 200; want 401",
	"revoke-unknown-token-400":               "status = 400; want 200",
	"revoke-wrong-secret-accepted":           "status = 200; want one of 400, 401, 403",
	"revoke-other-client-token":              "status = 200; want one of 400, 401, 403",
	"revoke-without-client-id-accepted":      "status = 200; want (one of 400, 401, 403|403)",
	"revoke-without-client-id-400":           "status = 400; want 403",
	"revoke-body-not-empty":                  "members revoked; want an empty JSON object",
	"revoke-sales-channel-refused":           "status = 403; want 200",
	"revoke-guest-without-secret-accepted":   "status = 200; want one of 400, 401, 403",
	"basic-challenge-missing":                "no WWW-Authenticate header",
	"resource-accepts-garbage-token":         "status = 200; want 401",
	// A customer: the password and refresh_token grants.
	"password-wrong-accepted": `status = 200; want one of 400, 401|status = 400; the answer remembered as "wrong password" had 200`,
	"unknown-email-told":      "There is no customer with this email address",
	// Without a refresh token there is nothing to refresh or revoke.
	"customer-refresh-token-missing":        `JSON member "refresh_token" is missing|missing: refresh_token|\{\{refresh_token\}\} is used before any token request of this scenario was answered with a refresh token`,
	"owner-type-capitalised":                `owner_type = "Customer" \(string\); want "customer"`,
	"jwt-owner-id-wrong":                    `claim owner.id = "[^"]+" \(string\); want the answer's owner_id`,
	"jwt-owner-type-lowercase":              `claim owner.type = "customer" \(string\); want "Customer"`,
	"refresh-not-rotated":                   `refresh_token is ".*" again; want another value|status = 200; want one of 400, 401`,
	"refresh-old-token-works":               "status = 200; want one of 400, 401",
	"refresh-scope-change-accepted":         "status = 200; want one of 400, 401",
	"refresh-scope-not-kept":                `scope = "market:all" \(string\); want "market:id:`,
	"refresh-owner-lost":                    `JSON member "owner_id" is missing`,
	"refresh-unknown-token-invalid-request": `OAuth error = "invalid_request"; want "invalid_grant"`,
	"revoke-customer-token-needs-secret":    "status = 403; want 200",
	"revoke-leaves-refresh-token-working":   "status = 200; want one of 400, 401",
	"scope-code-not-echoed":                 `want the scopes ".*:code:.*", in any order \(RFC 6749 §3.3\): missing`,
	"market-code-case-folded":               "status = 200; want 400",
	"unknown-store-accepted":                "status = 200; want 400",
	"store-market-missing":                  `no claim "market.id"`,
	"unknown-stock-location-accepted":       "status = 200; want 400",
	"stock-location-market-unchecked":       "status = 200; want 400",
	"stock-location-claim-missing":          "claim market.stock_location_ids is a list of 0 without",
	// The authorization code grant and its authorize endpoint: a code the
	// redirect does not bring fails every scenario that needs one.
	"authorize-state-dropped":                   `the redirect has no state`,
	"authorization-code-reusable":               "status = 200; want 400",
	"authorization-code-reuse-keeps-tokens":     "status = 200; want 401",
	"authorization-code-redirect-uri-unchecked": "status = 200; want 400",
	"authorization-code-unknown-accepted":       "status = 200; want 400",
	// The JWT bearer grant.
	"jwt-bearer-owner-not-copied":             `the token has no claim "owner.type"`,
	"jwt-bearer-custom-claim-not-copied":      `the token has no claim "custom_claim"`,
	"jwt-bearer-custom-claim-mangled":         `claim custom_claim differs from the value sent at custom_claim.greeting`,
	"jwt-bearer-empty-claims-accepted":        "status = 200; want 400",
	"jwt-bearer-oversized-assertion-accepted": "status = 200; want 400",
	"jwt-bearer-non-jwt-assertion-accepted":   "status = 200; want 400",
	"jwt-bearer-unknown-owner-accepted":       "status = 200; want 400",
}

// cleanVariants are the shapes RFC 6749 allows a correct server to take.
// Each must pass; the warnings each may give (@should scenarios checking
// Commerce Layer's stricter choice) are in the golden file.
var cleanVariants = map[string]refserver.Options{
	"default":        {},
	"rfc6749-errors": {ErrorShape: refserver.ErrorShapeRFC6749},
	"Bearer":         {TokenType: "Bearer"},
	"extra-members":  {ExtraMembers: true},
	// RFC 6749 §5.1: expires_in as the time left when the answer is written.
	"expires-in-counting-down": {ExpiresInCountdown: 3},
	// RFC 6749 allows 400 for invalid_client with body credentials.
	"invalid-client-400": {InvalidClientStatus: 400},
	// RFC 7517 §5: a key set may hold several keys; the token's kid picks.
	"jwks-rotation": {JWKSRotation: true},
	// RFC 7519 §4: claims a client does not understand are ignored.
	"extra-claims":        {ExtraClaims: true},
	"all-allowed-choices": {ErrorShape: refserver.ErrorShapeRFC6749, TokenType: "Bearer", InvalidClientStatus: 400, ExtraMembers: true, ExpiresInCountdown: 5, JWKSRotation: true, ExtraClaims: true},
	// RFC 6749 §3.3: a server with no default scope refuses a request
	// without one (invalid_scope). Commerce Layer documents its default,
	// market:all, so the variant runs the rfc6749 profile alone.
	"scope-required": {RequireScope: true},
}

// variantProfile names the one profile a clean variant is judged in, for
// the variants that take a choice only one profile allows; the others run
// every profile.
var variantProfile = map[string]config.Profile{"scope-required": config.RFC6749}

// runVariant runs the suite against the clean variant name, in its
// profile or in all of them, and returns the run and how many scenarios
// it should have run.
func runVariant(t *testing.T, name string) (verdict.Run, int) {
	t.Helper()
	p, ok := variantProfile[name]
	if !ok {
		return runAgainst(t, cleanVariants[name], false), suiteSize(t)
	}
	return runProfile(t, cleanVariants[name], p, nil), profileSize(t, p)
}

// TestCleanServerPasses verifies the suite passes a server that follows the
// docs, in every shape RFC 6749 allows: no false positives. Every scenario
// runs, none fails, and the warnings are the golden file's.
func TestCleanServerPasses(t *testing.T) {
	names := slices.Sorted(maps.Keys(cleanVariants))
	want := readGolden(t)
	// A variant with no line warns nothing; a line for a variant that is
	// not there is a renamed or removed variant's leftover.
	if _, extra := nameDiff(want.Variants, names); len(extra) > 0 && !*update {
		t.Errorf("%s has lines for variants %q, which cleanVariants does not have; run `make golden` to drop them", goldenPath, extra)
	}
	var seen syncMap[variantRun]
	if *update {
		// After every subtest, parallel ones included.
		t.Cleanup(func() {
			updateGolden(t, func(g *golden.File) { g.Variants = mergeRuns(g.Variants, seen.all(), names) })
		})
	}
	for _, name := range names {
		t.Run("variant="+name, func(t *testing.T) {
			// Each variant's runs have servers of their own.
			t.Parallel()
			res, wantRun := runVariant(t, name)
			for _, v := range res.Verdicts {
				// Inconclusive too is wrong here: the server issues tokens,
				// so every refusal it gives has its positive control.
				if v.Status != verdict.Passed && v.Status != verdict.Warning {
					t.Errorf("scenario %q: %s against a conforming server; want passed (or a warning, for a @should):\n%s", caseName(v), v.Status, v.Error)
				}
			}
			if res.ExitCode != runner.ExitPass {
				t.Errorf("exit code = %d; want %d: a conforming server passes", res.ExitCode, runner.ExitPass)
			}
			if n := len(res.Verdicts); n != wantRun {
				t.Errorf("%d scenarios ran; want the whole suite, %d as the catalog reads the features", n, wantRun)
			}
			got := variantRun{Warn: byStatus(res, verdict.Warning)}
			seen.set(name, got)
			if !*update {
				assertSet(t, "warnings", got.Warn, want.Variants[name].Warn)
			}
		})
	}
}

// TestEveryFaultIsCaught verifies each fault is caught by some scenario,
// that every failure and warning of its run is for the fault's reason
// (faultReasons), and that the run reports exactly the scenarios the golden
// file lists for it. Each run is sequential, one scenario at a time, and
// its answers reach the steps through sockets, which the race detector
// counts as synchronisation: it has nothing to find here that the parallel
// runs of the other tests do not, and it made this test the longest of
// `make test` (two minutes of CPU). `make test` runs it without -race, as
// `make golden` does.
func TestEveryFaultIsCaught(t *testing.T) {
	if race.Enabled {
		t.Skip("run without -race: `make test` runs it in its plain go test")
	}
	names := faultNames()
	// A row for a fault that is not there is a renamed or removed fault's
	// leftover; a fault without a row fails in its own subtest below.
	if _, extra := nameDiff(faultReasons, names); len(extra) > 0 {
		t.Errorf("faultReasons has rows for %q, which refserver.Faults() does not list; remove them, or correct the fault names", extra)
	}
	want := readGolden(t)
	if missing, extra := nameDiff(want.Faults, names); !*update {
		// Every fault is caught, so every fault has a line: one without is
		// new since the last `make golden`.
		if len(missing) > 0 {
			t.Errorf("%s has no line for faults %q; run `make golden` and review its diff", goldenPath, missing)
		}
		if len(extra) > 0 {
			t.Errorf("%s has lines for faults %q, which refserver.Faults() does not list; run `make golden` to drop them", goldenPath, extra)
		}
	}
	var seen syncMap[faultRun]
	if *update {
		// After every subtest, parallel ones included.
		t.Cleanup(func() { updateGolden(t, func(g *golden.File) { g.Faults = mergeRuns(g.Faults, seen.all(), names) }) })
	}
	for _, name := range names {
		t.Run("fault="+name, func(t *testing.T) {
			// Each fault's runs have servers of their own.
			t.Parallel()
			reason, ok := faultReasons[name]
			if !ok {
				t.Fatalf("fault %q has no row in faultReasons: add the message pattern its failures must carry", name)
			}
			res := runAgainst(t, refserver.Options{Fault: name}, false)
			got := faultRun{Fail: byStatus(res, verdict.Failed), Warn: byStatus(res, verdict.Warning)}
			checkFaultRun(t, name, reason, res, got)
			seen.set(name, got)
			if !*update {
				assertSet(t, "failed scenarios", got.Fail, want.Faults[name].Fail)
				assertSet(t, "warnings", got.Warn, want.Faults[name].Warn)
			}
		})
	}
}

// syncMap is what parallel subtests saw, by name.
type syncMap[R any] struct {
	mu sync.Mutex
	m  map[string]R
}

func (s *syncMap[R]) set(name string, r R) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]R{}
	}
	s.m[name] = r
}

func (s *syncMap[R]) all() map[string]R {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.m)
}

// inconclusiveReason is the reason a passed error scenario gets when its
// client got no token in the run (steps.Suite.Inconclusive).
var inconclusiveReason = regexp.MustCompile(`^inconclusive: the target issued no token to`)

// checkFaultRun checks what holds for every fault whatever the golden file
// says: some scenario catches it, every scenario it does not pass failed
// or warned for its reason, and the exit code follows the failures.
func checkFaultRun(t *testing.T, fault, reason string, res verdict.Run, got faultRun) {
	t.Helper()
	re, err := regexp.Compile(reason)
	if err != nil {
		t.Fatalf("faultReasons[%q] = %q is not a regular expression: %v", fault, reason, err)
	}
	if len(got.Fail)+len(got.Warn) == 0 {
		t.Errorf("no scenario fails or warns against fault %q; want at least one: a rule the suite claims to check is not checked", fault)
	}
	for _, v := range res.Verdicts {
		switch {
		case v.Status == verdict.Passed:
		case v.Status == verdict.Inconclusive && inconclusiveReason.MatchString(v.Error):
			// The fault kept the client from its token: the scenario's
			// refusal proves nothing, and the run says so.
		case v.Status != verdict.Failed && v.Status != verdict.Warning:
			t.Errorf("scenario %q: %s; want passed, failed or warning: a fault run goes to its end", caseName(v), v.Status)
		case !re.MatchString(v.Error):
			t.Errorf("scenario %q: %s, but not because of the fault: want its error to match %q (faultReasons), got:\n%s", caseName(v), v.Status, reason, v.Error)
		}
	}
	wantExit := runner.ExitPass
	if len(got.Fail) > 0 {
		wantExit = runner.ExitFail
	}
	if res.ExitCode != wantExit {
		t.Errorf("exit code = %d with %d failed scenarios; want %d", res.ExitCode, len(got.Fail), wantExit)
	}
}

// TestShouldFailsWithStrict verifies -strict turns warnings into failures:
// against a fault the golden file says some @should scenario catches, a
// strict run fails what the plain run fails and what it warns.
func TestShouldFailsWithStrict(t *testing.T) {
	t.Parallel()
	g := readGolden(t)
	fault, ok := faultWithWarnings(g)
	if !ok {
		t.Skipf("%s lists no fault that a @should scenario catches: nothing for -strict to turn into a failure", goldenPath)
	}
	want := g.Faults[fault]
	res := runAgainst(t, refserver.Options{Fault: fault}, true)
	assertSet(t, "failed scenarios with -strict (fault "+fault+")", byStatus(res, verdict.Failed), append(slices.Clone(want.Fail), want.Warn...))
	assertSet(t, "warnings with -strict (fault "+fault+")", byStatus(res, verdict.Warning), nil)
	if res.ExitCode != runner.ExitFail {
		t.Errorf("exit code = %d; want %d: -strict fails a run with a failed @should", res.ExitCode, runner.ExitFail)
	}
}

// faultWithWarnings picks a fault the golden file says warns, preferring
// one that only warns, so the strict run's failures are all turned
// warnings. It picks by sorted name, the same one every run.
func faultWithWarnings(g golden.File) (string, bool) {
	var anyWarn string
	for _, name := range slices.Sorted(maps.Keys(g.Faults)) {
		r := g.Faults[name]
		if len(r.Warn) == 0 {
			continue
		}
		if len(r.Fail) == 0 {
			return name, true
		}
		if anyWarn == "" {
			anyWarn = name
		}
	}
	return anyWarn, anyWarn != ""
}

// faultNames lists the reference server's faults.
func faultNames() []string {
	var out []string
	for _, f := range refserver.Faults() {
		out = append(out, f.Name)
	}
	return out
}

// assertSet fails t unless got and want hold the same scenarios, naming
// each one only one of them holds.
func assertSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	got, want = sortedList(got), sortedList(want)
	if slices.Equal(got, want) {
		return
	}
	var missing, extra []string
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	t.Errorf("%s differ from %s (run `make golden` if the change is intended, and review its diff):\n  listed but not seen: %q\n  seen but not listed: %q", what, goldenPath, missing, extra)
}
