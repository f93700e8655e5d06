package steps

import (
	"encoding/json"
	"strings"
	"testing"
)

// lifetimeRow is a target issuing a token the test made (a sales
// channel's, by default for 14 400 s from iat 1 700 000 000, answered
// with expires_in 14400), the lifetime the suite is configured with, and
// a line judging the answer's expires_in.
type lifetimeRow struct {
	name string
	// configured is the lifetime configured for every client (the sales
	// channel's, the integration's and the rfc6749 profile's); 0: none,
	// as a user who has not changed any.
	configured int
	target     fakeTarget
	line       string
	want       string // "" = the line passes; else a part of its error
}

// lifetimeRows are the sentence table of the lifetime steps: a token
// answer's expires_in against the lifetime the token itself carries and
// the configured one; and the @should comparison with the documented
// default, whose warning names the variable to set.
func lifetimeRows() []lifetimeRow {
	const (
		salesChannel = `And the JSON member "expires_in" should be the lifetime of the sales channel's tokens`
		integration  = `And the JSON member "expires_in" should be the lifetime of the integration's tokens`
		client       = `And the JSON member "expires_in", if present, should be the lifetime of the client's tokens`
		documented   = `Then the JSON member "expires_in" should be the documented default of 14400 seconds, unless the sales channel's lifetime is configured`
		documented2h = `Then the JSON member "expires_in" should be the documented default of 7200 seconds, unless the integration's lifetime is configured`
		twoDays      = 1_700_000_000 + 172_800 // exp of a token that lives 172 800 s
	)
	type ft = fakeTarget
	type js = jwtSpec
	living := func(exp any, expiresIn any) ft { // a token whose exp is exp, answered with expires_in
		return ft{token: js{claims: claimsWith("exp", exp)}, answer: answerWith("expires_in", expiresIn)}
	}
	opaque := func(expiresIn any) ft {
		return ft{token: js{signer: "opaque"}, answer: answerWith("expires_in", expiresIn)}
	}
	return []lifetimeRow{
		// Configured: expires_in is that lifetime, or up to 5 s less.
		{"configured, as configured", 14400, ft{}, salesChannel, ""},
		{"configured, counted down 5 s", 14400, opaque(14395), salesChannel, ""},
		{"configured, counted down 6 s", 14400, opaque(14394), salesChannel, "expires_in = 14394; want 14400, the configured lifetime (AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN), or up to 5 s less"},
		{"configured, 1 s more", 14400, opaque(14401), salesChannel, "expires_in = 14401; want 14400"},
		{"configured 172800, the documented default answered", 172_800, ft{}, salesChannel, "expires_in = 14400; want 172800, the configured lifetime (AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN)"},
		{"configured 172800, answered and carried", 172_800, living(twoDays, 172_800), salesChannel, ""},
		{"configured, the token lives longer than answered", 14400, living(twoDays, 14400), salesChannel, "expires_in = 14400, but the token's exp − iat is 172800 s"},
		{"configured, the integration's named", 7200, ft{}, integration, "expires_in = 14400; want 7200, the configured lifetime (AUTHCONFORM_INTEGRATION_EXPIRES_IN)"},
		{"configured, a float literal", 14400, living(1_700_014_400, json.Number("14400.0")), salesChannel, "want an integer written without fraction"},

		// Not configured: the lifetime the JWT carries, exp − iat.
		{"not configured, the token's lifetime", 0, ft{}, salesChannel, ""},
		{"not configured, a changed lifetime the token carries", 0, living(twoDays, 172_800), salesChannel, ""},
		{"not configured, counted down 5 s", 0, living(1_700_014_400, 14395), salesChannel, ""},
		{"not configured, counted down 6 s", 0, living(1_700_014_400, 14394), salesChannel, "expires_in = 14394, but the token's exp − iat is 14400 s; want that lifetime, or up to 5 s less"},
		{"not configured, 1 s more than the token lives", 0, living(1_700_014_400, 14401), salesChannel, "expires_in = 14401, but the token's exp − iat is 14400 s"},
		{"not configured, the documented default for a token that lives longer", 0, living(twoDays, 14400), salesChannel, "expires_in = 14400, but the token's exp − iat is 172800 s"},
		// iat dated 5 minutes back, as Microsoft Entra ID does: expires_in
		// is then the time left from the answer (RFC 6749 §5.1), within the
		// allowed clock skew (1 minute here).
		{"not configured, iat dated back, the time left answered", 0, ft{token: js{claims: claimsWith("iat", 1_699_999_700, "exp", 1_700_003_600)}, answer: answerWith("expires_in", 3599)}, salesChannel, ""},
		{"not configured, iat dated back, exp − iat answered", 0, ft{token: js{claims: claimsWith("iat", 1_699_999_700, "exp", 1_700_003_600)}, answer: answerWith("expires_in", 3900)}, salesChannel, ""},
		{"not configured, iat dated back, neither answered", 0, ft{token: js{claims: claimsWith("iat", 1_699_999_700, "exp", 1_700_003_600)}, answer: answerWith("expires_in", 3400)}, salesChannel, "expires_in = 3400, but the token's exp − iat is 3900 s"},
		{"not configured, iat dated back, the documented default for a longer token", 0, ft{token: js{claims: claimsWith("iat", 1_699_999_700, "exp", 1_700_028_800)}, answer: answerWith("expires_in", 14400)}, salesChannel, "expires_in = 14400, but the token's exp − iat is 29100 s"},
		{"not configured, iat 30 s before the answer, within the clock skew: the lifetime window applies", 0, ft{token: js{claims: claimsWith("iat", 1_699_999_970, "exp", 1_700_014_370)}, answer: answerWith("expires_in", 14370)}, salesChannel, "expires_in = 14370, but the token's exp − iat is 14400 s"},
		{"not configured, fractional claims", 0, ft{token: js{claims: claimsWith("iat", 1_700_000_000.4, "exp", 1_700_014_400.6)}}, salesChannel, ""},
		{"not configured, a JWT without exp", 0, living(nil, 999), salesChannel, ""},
		{"not configured, exp a string", 0, living("1700014400", 999), salesChannel, ""},
		{"not configured, an opaque token", 0, opaque(3599), salesChannel, ""},
		{"not configured, zero", 0, opaque(0), salesChannel, "expires_in = 0; want a positive number of seconds"},
		{"not configured, negative", 0, living(1_700_014_400, -14400), salesChannel, "expires_in = -14400; want a positive number of seconds"},
		{"not configured, a string", 0, living(1_700_014_400, "14400"), salesChannel, `expires_in = "14400" (string)`},

		// The rfc6749 profile's client: the member is only RECOMMENDED.
		{"if present, absent", 0, living(1_700_014_400, nil), client, ""},
		{"if present, the token's lifetime", 0, ft{}, client, ""},
		{"if present, not the token's lifetime", 0, living(twoDays, 3600), client, "expires_in = 3600, but the token's exp − iat is 172800 s"},
		{"if present, an opaque token", 0, opaque(3599), client, ""},
		{"if present, configured", 3600, opaque(3599), client, ""},
		{"if present, not as configured", 3600, opaque(7200), client, "expires_in = 7200; want 3600, the configured lifetime (AUTHCONFORM_EXPIRES_IN)"},

		// The documented default: a warning, naming the variable to set.
		{"documented default", 0, ft{}, documented, ""},
		{"documented default, counted down", 0, living(1_700_014_400, 14397), documented, ""},
		{"another lifetime, not configured", 0, living(twoDays, 172_800), documented, "expires_in = 172800; want the documented default, 14400, or up to 5 s less"},
		{"another lifetime, counted down, names the token's", 0, living(twoDays, 172_797), documented, "set AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN=172800 so that its tokens are judged against it"},
		{"another lifetime of an opaque token", 0, opaque(3600), documented, "set AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN=3600"},
		{"another lifetime, configured", 172_800, living(twoDays, 172_800), documented, ""},
		{"the integration's documented default", 0, living(1_700_007_200, 7200), documented2h, ""},
		{"the integration's other lifetime", 0, living(1_700_086_400, 86400), documented2h, "if this integration's lifetime was changed, set AUTHCONFORM_INTEGRATION_EXPIRES_IN=86400"},
		{"the documented default, a string", 0, living(1_700_014_400, "14400"), documented, `expires_in = "14400" (string)`},
	}
}

// run serves the row's target and plays the row on a scenario of a suite
// of its own, configured with the row's lifetime: the token issued for
// marketBody, then the line.
func (r lifetimeRow) run(t *testing.T) played {
	t.Helper()
	lt := r.target.start(t)
	defer lt.close()
	s := lt.suite(t)
	s.Target.SalesChannel.Lifetime = r.configured
	s.Target.Integration.Lifetime = r.configured
	s.Target.Client.Lifetime = r.configured
	s.Target.BasicClient.Lifetime = r.configured
	st := newScenario(s)
	if err := play(t, st, issued); err != nil {
		t.Fatalf("row %q: %s: %v", r.name, issuedLine, err)
	}
	return played{err: runLine(t, st, r.line, nil), st: st, token: lt.token}
}

// TestLifetimeSteps verifies each lifetime step, reached through its
// sentence, passes on a right answer and fails, saying why, on a wrong
// one; and that no message shows the token.
func TestLifetimeSteps(t *testing.T) {
	t.Parallel()
	for _, tt := range lifetimeRows() {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			p := tt.run(t)
			checkOutcome(t, tt.line, p.err, tt.want)
			if p.err != nil {
				checkNoToken(t, "the error of "+tt.line, p.err.Error(), p.token)
			}
		})
	}
}
