package selftest

import (
	"regexp"
	"slices"
	"sort"
	"testing"

	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/verdict"
)

// Scenario names, as the feature files write them.
const (
	salesChannelMarket   = "A sales channel with a market in scope and no secret gets a guest token"
	salesChannelNoScope  = "A sales channel that asks for no scope gets the market:all scope"
	integrationNoScope   = "An integration with its secret and no scope gets a token for all markets"
	integrationMarket    = "An integration with its secret and a market in scope gets that scope echoed"
	headersSalesChannel  = "A sales channel's token response is JSON and says no-store"
	headersIntegration   = "An integration's token response is JSON and says no-store"
	pragma               = "A token response says Pragma no-cache"
	unknownClient        = "An unknown client_id gets invalid_client and no token"
	unknownClient401     = "An unknown client_id is answered 401, as Commerce Layer does"
	missingClientID      = "A request without client_id gets an error and no token"
	emptyClientID        = "A request with an empty client_id gets an error and no token"
	wrongSecret          = "An integration with a wrong secret gets invalid_client and no token"
	missingSecret        = "An integration without a secret gets invalid_client and no token"
	emptySecret          = "An integration with an empty secret gets invalid_client and no token"
	missingGrantType     = "A request without grant_type gets invalid_request"
	emptyGrantType       = "A request with an empty grant_type gets invalid_request"
	unsupportedGrantType = "A request with an unsupported grant_type gets unsupported_grant_type"
	unknownMarket        = "A sales channel asking for an unknown market gets invalid_scope"
	malformedJSON        = "A body that is not valid JSON gets a client error and no token"
	textPlain            = "A body sent as text/plain gets a client error and no token"
	emptyBody            = "An empty body gets a client error and no token"
	getQuery             = "A GET with the parameters in the query string gets no token"
	secretNotEchoed      = "An integration's token response does not echo its secret"
	distinctTokens       = "The sales channel and the integration never get the same token"
)

// Groups of scenarios that one fault breaks together.
var (
	success200   = []string{salesChannelMarket, salesChannelNoScope, integrationNoScope, integrationMarket, headersSalesChannel, headersIntegration, secretNotEchoed, distinctTokens}
	tokenBodies  = []string{salesChannelMarket, salesChannelNoScope, integrationNoScope, integrationMarket}
	invalidCl    = []string{unknownClient, wrongSecret, missingSecret, emptySecret, missingClientID, emptyClientID}
	oauthErrors  = []string{unknownClient, wrongSecret, missingSecret, emptySecret, missingClientID, emptyClientID, missingGrantType, emptyGrantType, unsupportedGrantType, unknownMarket, malformedJSON, textPlain, emptyBody}
	allNoToken   = append(slices.Clone(oauthErrors), getQuery)
	salesChannel = []string{salesChannelMarket, salesChannelNoScope}
)

func join(groups ...[]string) []string {
	var out []string
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// faultCase says what the suite must report for one fault: the @must
// scenarios that fail, the @should scenarios that warn, and a phrase every
// one of those failures must contain, so a scenario failing for another
// reason than the fault does not count as catching it.
type faultCase struct {
	fail, warn []string
	because    string
}

var faultCases = map[string]faultCase{
	"success-status-201":                     {fail: success200, warn: []string{pragma}, because: "status = 201; want 200"},
	"token-type-mac":                         {fail: []string{salesChannelMarket, integrationNoScope}, because: `token_type = "mac"`},
	"token-type-missing":                     {fail: tokenBodies, because: "token_type is required"},
	"expires-in-string":                      {fail: tokenBodies, because: "expires_in: Invalid type"},
	"expires-in-float":                       {fail: tokenBodies, because: "want an integer written without fraction"},
	"sales-channel-lifetime":                 {fail: salesChannel, because: "expires_in = 7200; want 14400"},
	"integration-lifetime":                   {fail: []string{integrationNoScope, integrationMarket}, because: "expires_in = 14400; want 7200"},
	"created-at-millis":                      {fail: []string{salesChannelMarket, integrationNoScope}, because: "looks like milliseconds"},
	"created-at-stale":                       {fail: []string{salesChannelMarket, integrationNoScope}, because: "want Unix seconds within"},
	"created-at-string":                      {fail: tokenBodies, because: "created_at: Invalid type"},
	"scope-not-echoed":                       {fail: []string{salesChannelMarket, integrationMarket}, because: `scope = "market:all"`},
	"default-scope-missing":                  {fail: []string{salesChannelNoScope, integrationNoScope}, because: "scope is required"},
	"access-token-empty":                     {fail: join(tokenBodies, []string{distinctTokens}), because: "access_token"},
	"access-token-missing":                   {fail: join(tokenBodies, []string{distinctTokens}), because: "access_token"},
	"refresh-token-issued":                   {fail: []string{salesChannelMarket, salesChannelNoScope, integrationNoScope}, because: `"refresh_token"`},
	"content-type-text":                      {fail: []string{headersSalesChannel, headersIntegration}, because: `Content-Type = "text/plain`},
	"success-no-store-missing":               {fail: []string{headersSalesChannel, headersIntegration}, because: `want it to include "no-store"`},
	"pragma-missing":                         {warn: []string{pragma}, because: "Pragma"},
	"unknown-client-accepted":                {fail: []string{unknownClient}, warn: []string{unknownClient401}, because: "status = 200"},
	"wrong-secret-accepted":                  {fail: []string{wrongSecret}, because: "status = 200"},
	"missing-secret-accepted":                {fail: []string{missingSecret}, because: "status = 200"},
	"empty-secret-accepted":                  {fail: []string{emptySecret}, because: "status = 200"},
	"invalid-client-status-403":              {fail: invalidCl, warn: []string{unknownClient401}, because: "status = 403"},
	"invalid-client-code-wrong":              {fail: invalidCl, warn: []string{unknownClient401}, because: `OAuth error = "unauthorized_client"`},
	"error-code-missing":                     {fail: oauthErrors, warn: []string{unknownClient401}, because: "does not match schema|no OAuth error code"},
	"sales-channel-secret-required":          {fail: []string{salesChannelMarket, salesChannelNoScope, headersSalesChannel, distinctTokens, unknownMarket}, warn: []string{pragma}, because: "status = 401"},
	"missing-grant-type-unsupported":         {fail: []string{missingGrantType, emptyGrantType}, because: `OAuth error = "unsupported_grant_type"; want "invalid_request"`},
	"empty-grant-type-accepted":              {fail: []string{emptyGrantType}, because: "status = 200; want 400"},
	"unsupported-grant-type-invalid-request": {fail: []string{unsupportedGrantType}, because: `OAuth error = "invalid_request"; want "unsupported_grant_type"`},
	"unknown-market-accepted":                {fail: []string{unknownMarket}, because: "status = 200; want 400"},
	"invalid-scope-status-403":               {fail: []string{unknownMarket}, because: "status = 403; want 400"},
	"malformed-json-500":                     {fail: []string{malformedJSON}, because: "status = 500; want a client error"},
	"wrong-content-type-500":                 {fail: []string{textPlain}, because: "status = 500; want a client error"},
	"empty-body-500":                         {fail: []string{emptyBody}, because: "status = 500; want a client error"},
	"get-issues-token":                       {fail: []string{getQuery}, because: "status = 200; want a client error"},
	"error-no-store-missing":                 {fail: oauthErrors, because: `include "no-store"`},
	"error-html":                             {fail: oauthErrors, warn: []string{unknownClient401}, because: "text/html"},
	"error-status-200":                       {fail: allNoToken, warn: []string{unknownClient401}, because: "status = 200"},
	"access-token-in-error":                  {fail: allNoToken, because: "want no token"},
	"secret-echoed-in-error":                 {fail: []string{wrongSecret}, because: "holds a client secret"},
	"secret-echoed-json-escaped":             {fail: []string{wrongSecret}, because: "the response body holds a client secret"},
	"secret-echoed-base64-header":            {fail: []string{wrongSecret}, because: `response header "X-Debug-Credentials" holds a client secret`},
	"secret-echoed-percent-encoded":          {fail: []string{wrongSecret}, because: "the response body holds a client secret"},
	"secret-echoed-in-token":                 {fail: []string{secretNotEchoed, integrationNoScope, integrationMarket}, because: "holds a client secret"},
	"same-token-for-all":                     {fail: []string{distinctTokens}, because: "same token"},
	"missing-client-id-accepted":             {fail: []string{missingClientID, emptyClientID}, because: "status = 200"},
}

// TestCleanServerPasses verifies the suite passes a server that follows the
// docs, in every shape RFC 6749 allows: no false positives.
func TestCleanServerPasses(t *testing.T) {
	variants := []struct {
		name string
		opts refserver.Options
		warn []string
	}{
		{"variant=default", refserver.Options{}, nil},
		{"variant=rfc6749-errors", refserver.Options{ErrorShape: refserver.ErrorShapeRFC6749}, nil},
		{"variant=Bearer", refserver.Options{TokenType: "Bearer"}, nil},
		{"variant=extra-members", refserver.Options{ExtraMembers: true}, nil},
		// RFC 6749 allows 400 for invalid_client with body credentials;
		// only Commerce Layer's stricter 401 (a @should) notices.
		{"variant=invalid-client-400", refserver.Options{InvalidClientStatus: 400}, []string{unknownClient401}},
		{"variant=all-allowed-choices", refserver.Options{ErrorShape: refserver.ErrorShapeRFC6749, TokenType: "Bearer", InvalidClientStatus: 400, ExtraMembers: true}, []string{unknownClient401}},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			res := runAgainst(t, v.opts, false)
			if got := byStatus(res, verdict.Failed); len(got) > 0 {
				for _, x := range res.Verdicts {
					if x.Status == verdict.Failed {
						t.Errorf("scenario %q failed against a conforming server:\n%s", x.Scenario, x.Error)
					}
				}
			}
			assertSet(t, "warnings", byStatus(res, verdict.Warning), v.warn)
			if res.ExitCode != runner.ExitPass {
				t.Errorf("exit code = %d; want %d", res.ExitCode, runner.ExitPass)
			}
			if n := len(res.Verdicts); n < 20 {
				t.Errorf("%d scenarios ran; want the whole suite (at least 20)", n)
			}
		})
	}
}

// TestEveryFaultIsCaught verifies each fault fails exactly the scenarios
// that check the rule it breaks, for that reason.
func TestEveryFaultIsCaught(t *testing.T) {
	for _, f := range refserver.Faults() {
		if _, ok := faultCases[f.Name]; !ok {
			t.Errorf("fault %q has no expectation in faultCases: say which scenarios must catch it", f.Name)
		}
	}
	for name, want := range faultCases {
		t.Run("fault="+name, func(t *testing.T) {
			res := runAgainst(t, refserver.Options{Fault: name}, false)
			assertSet(t, "failed scenarios", byStatus(res, verdict.Failed), want.fail)
			assertSet(t, "warnings", byStatus(res, verdict.Warning), want.warn)
			for _, v := range res.Verdicts {
				if v.Status != verdict.Passed && !regexp.MustCompile(want.because).MatchString(v.Error) {
					t.Errorf("scenario %q failed, but not because of the fault: want %q in:\n%s", v.Scenario, want.because, v.Error)
				}
			}
			wantExit := runner.ExitFail
			if len(want.fail) == 0 {
				wantExit = runner.ExitPass
			}
			if res.ExitCode != wantExit {
				t.Errorf("exit code = %d; want %d", res.ExitCode, wantExit)
			}
		})
	}
}

// TestShouldFailsWithStrict verifies -strict turns a warning into a failure.
func TestShouldFailsWithStrict(t *testing.T) {
	res := runAgainst(t, refserver.Options{Fault: "pragma-missing"}, true)
	assertSet(t, "failed scenarios", byStatus(res, verdict.Failed), []string{pragma})
	if res.ExitCode != runner.ExitFail {
		t.Errorf("exit code = %d; want %d", res.ExitCode, runner.ExitFail)
	}
}

func assertSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	want = slices.Clone(want)
	sort.Strings(want)
	want = slices.Compact(want)
	if !slices.Equal(got, want) {
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
		t.Errorf("%s differ:\n  expected but not seen: %q\n  seen but not expected: %q", what, missing, extra)
	}
}
