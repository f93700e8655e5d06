package selftest

import (
	"github.com/authconform/authconform/setup"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/verdict"
)

// longLived is a server whose API credentials had their lifetimes changed,
// as Commerce Layer lets each one (its own client tests hold real sales
// channel tokens of 172 800 s): two days for the sales channel, one for
// the integration.
var longLived = refserver.Options{
	SalesChannel: refserver.Client{Lifetime: 172_800},
	Integration:  refserver.Client{Lifetime: 86_400},
}

// The scenarios that judge lifetimes, as caseName names them.
const (
	scMarketToken   = "features/client_credentials/sales_channel_token.feature: A sales channel with a market in scope and no secret gets a guest token"
	scDefaultToken  = "features/client_credentials/sales_channel_token.feature: A sales channel that asks for no scope gets the market:all scope"
	scDocumented    = "features/client_credentials/sales_channel_token.feature: A sales channel's token lasts the documented 4 hours, unless its lifetime is configured"
	intDefaultToken = "features/client_credentials/integration_token.feature: An integration with its secret and no scope gets a token for all markets"
	intMarketToken  = "features/client_credentials/integration_token.feature: An integration with its secret and a market in scope gets that scope echoed"
	intDocumented   = "features/client_credentials/integration_token.feature: An integration's token lasts the documented 2 hours, unless its lifetime is configured"
	rfcLifetime     = "features/rfc6749/token_request.feature: A token's expires_in, when given, is its lifetime"
	scClaims        = "features/token/access_token_jwt.feature: A sales channel's guest token with a market in scope carries the sales channel, the scope and the market"
	scAllClaims     = "features/token/access_token_jwt.feature: A sales channel's market:all guest token carries no market claim"
	intClaims       = "features/token/access_token_jwt.feature: An integration's token carries the integration and its scope"
	webappToken     = "features/authorization_code/authorization_code.feature: A webapp exchanges its code for a token that acts for the user, with a refresh token"
	assertionToken  = "features/jwt_bearer/jwt_bearer.feature: An assertion naming a customer gets a token that acts for that customer, with a refresh token"
	customerToken   = "features/customer/password_grant.feature: A customer signs in with the sales channel and gets a token for the market in scope"
	customerClaims  = "features/customer/password_grant.feature: A customer's token is an RS512 JWT of the sales channel that names the customer as its owner"
	refreshedToken  = "features/customer/refresh_token.feature: A customer's refresh token gets a new access token and a new refresh token for the same scope and customer"
)

// lifetimeRow is a server, the lifetimes the suite is told, and what the
// run of both profiles must report: each scenario that fails or warns,
// with a part of its error.
type lifetimeRow struct {
	name string
	opts refserver.Options
	// The configured lifetimes, 0 for none: the sales channel's, the
	// integration's, and the rfc6749 profile's client's (the integration).
	salesChannel, integration, client int
	wantFail, wantWarn                map[string]string
}

var lifetimeRows = []lifetimeRow{
	{
		name: "172800 and 86400 s, none configured: passes, warning once for each, naming the variable",
		opts: longLived,
		wantWarn: map[string]string{
			scDocumented:  "expires_in = 172800; want the documented default, 14400, or up to 5 s less for a server that counts down (Commerce Layer docs: lifetimes can be changed per API credential): if this sales channel's lifetime was changed, set AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN=172800",
			intDocumented: "if this integration's lifetime was changed, set AUTHCONFORM_INTEGRATION_EXPIRES_IN=86400",
		},
	},
	{
		name: "172800 and 86400 s, configured as such: passes without a warning",
		opts: longLived, salesChannel: 172_800, integration: 86_400, client: 86_400,
	},
	{
		name: "172800 and 86400 s, configured with the documented defaults: fails",
		opts: longLived, salesChannel: 14400, integration: 7200, client: 7200,
		wantFail: map[string]string{
			scMarketToken:   "expires_in = 172800; want 14400, the configured lifetime (AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN)",
			scDefaultToken:  "expires_in = 172800; want 14400",
			intDefaultToken: "expires_in = 86400; want 7200, the configured lifetime (AUTHCONFORM_INTEGRATION_EXPIRES_IN)",
			intMarketToken:  "expires_in = 86400; want 7200",
			rfcLifetime:     "expires_in = 86400; want 7200, the configured lifetime (AUTHCONFORM_EXPIRES_IN)",
			// A customer's tokens are the sales channel's.
			customerToken:  "expires_in = 172800; want 14400, the configured lifetime (AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN)",
			refreshedToken: "expires_in = 172800; want 14400",
		},
	},
	{
		name: "expires_in the documented default, tokens that live twice as long, none configured: fails",
		opts: refserver.Options{Fault: "jwt-lifetime-mismatch"},
		wantFail: map[string]string{
			scMarketToken:   "expires_in = 14400, but the token's exp − iat is 28800 s",
			scDefaultToken:  "expires_in = 14400, but the token's exp − iat is 28800 s",
			intDefaultToken: "expires_in = 7200, but the token's exp − iat is 14400 s",
			intMarketToken:  "expires_in = 7200, but the token's exp − iat is 14400 s",
			rfcLifetime:     "expires_in = 7200, but the token's exp − iat is 14400 s",
			scClaims:        "claims exp − iat = 28800 s; the answer's expires_in = 14400",
			scAllClaims:     "claims exp − iat = 28800 s",
			intClaims:       "claims exp − iat = 14400 s; the answer's expires_in = 7200",
			// The grants that act for someone issue tokens by the same fault:
			// the webapp's (lifetime not configured) and the assertion's.
			webappToken:    "expires_in = 7200, but the token's exp − iat is 14400 s",
			assertionToken: "exp − iat = 28800 s",
			// A customer's tokens, the sales channel's.
			customerToken:  "expires_in = 14400, but the token's exp − iat is 28800 s",
			customerClaims: "exp − iat = 28800 s",
			refreshedToken: "expires_in = 14400, but the token's exp − iat is 28800 s",
		},
	},
	{
		name: "expires_in the documented default, tokens that live twice as long, configured with the defaults: fails as well",
		opts: refserver.Options{Fault: "jwt-lifetime-mismatch"}, salesChannel: 14400, integration: 7200, client: 7200,
		wantFail: map[string]string{
			scMarketToken:   "expires_in = 14400, but the token's exp − iat is 28800 s",
			scDefaultToken:  "expires_in = 14400, but the token's exp − iat is 28800 s",
			intDefaultToken: "expires_in = 7200, but the token's exp − iat is 14400 s",
			intMarketToken:  "expires_in = 7200, but the token's exp − iat is 14400 s",
			rfcLifetime:     "expires_in = 7200, but the token's exp − iat is 14400 s",
			scClaims:        "claims exp − iat = 28800 s",
			scAllClaims:     "claims exp − iat = 28800 s",
			intClaims:       "claims exp − iat = 14400 s",
			// The grants that act for someone issue tokens by the same fault:
			// the webapp's (lifetime not configured) and the assertion's.
			webappToken:    "expires_in = 7200, but the token's exp − iat is 14400 s",
			assertionToken: "exp − iat = 28800 s",
			// A customer's tokens, the sales channel's.
			customerToken:  "expires_in = 14400, but the token's exp − iat is 28800 s",
			customerClaims: "exp − iat = 28800 s",
			refreshedToken: "expires_in = 14400, but the token's exp − iat is 28800 s",
		},
	},
}

// TestLifetimesAsAccountsIssueThem verifies a token's lifetime is judged
// as accounts issue it: against the token itself (a JWT's exp − iat) and
// the configured lifetime when there is one, the documented default being
// a warning only. Every scenario of both profiles runs; exactly the row's
// scenarios fail or warn, each for the row's reason, and the exit code
// follows the failures.
func TestLifetimesAsAccountsIssueThem(t *testing.T) {
	t.Parallel()
	for _, row := range lifetimeRows {
		t.Run(strings.ReplaceAll(row.name, " ", "-"), func(t *testing.T) {
			t.Parallel() // each run has a server of its own
			var res verdict.Run
			for _, p := range config.Profiles {
				r := runProfile(t, row.opts, p, func(o *setup.Options) {
					o.Target.SalesChannel.Lifetime, o.Target.Integration.Lifetime = row.salesChannel, row.integration
					o.Target.Client.Lifetime, o.Target.BasicClient.Lifetime = row.client, row.client
				})
				res.Verdicts = append(res.Verdicts, r.Verdicts...)
				res.ExitCode = max(res.ExitCode, r.ExitCode)
			}
			if n, want := len(res.Verdicts), suiteSize(t); n != want {
				t.Errorf("%d scenarios ran; want the whole suite, %d", n, want)
			}
			checkReasons(t, res, verdict.Failed, row.wantFail)
			checkReasons(t, res, verdict.Warning, row.wantWarn)
			wantExit := runner.ExitPass
			if len(row.wantFail) > 0 {
				wantExit = runner.ExitFail
			}
			if res.ExitCode != wantExit {
				t.Errorf("exit code = %d; want %d", res.ExitCode, wantExit)
			}
		})
	}
}

// checkReasons fails t unless the scenarios of res with status st are
// exactly want's, each with an error holding want's text for it.
func checkReasons(t *testing.T, res verdict.Run, st verdict.Status, want map[string]string) {
	t.Helper()
	assertSet(t, string(st)+" scenarios", byStatus(res, st), slices.Collect(maps.Keys(want)))
	for _, v := range res.Verdicts {
		if text, ok := want[caseName(v)]; ok && v.Status == st && !strings.Contains(v.Error, text) {
			t.Errorf("%s: %s with\n%s\nwant its error to hold %q", caseName(v), st, v.Error, text)
		}
	}
}
