package steps

import (
	"strings"
	"testing"
)

// jwtRow is a target issuing a token the test made, and a line judging
// that token, played after "the access token issued for the JSON body:"
// (a sales channel's token for the market {{market_id}}).
type jwtRow struct {
	name   string
	target fakeTarget
	line   string
	want   string // "" = the line passes; else a part of its error
}

// jwtRows are the sentence table of the JWT steps: each on a token it
// must accept and on tokens it must refuse, saying why.
func jwtRows() []jwtRow {
	const (
		typ        = `Then the token header "typ" should equal "JWT"`
		typOneOf   = `Then the token header "typ" should be one of "JWT, at+jwt" ignoring case`
		schema     = `And the token claims should match the schema "access_token_claims"`
		kind       = `And the token claim "application.kind" should equal "sales_channel"`
		scope      = `And the token claim "scope" should equal the JSON member "scope"`
		slug       = `And the token claim "organization.slug" should be a non-empty string`
		public     = `And the token claim "application.public" should be true`
		testBool   = `And the token claim "test" should be a boolean`
		noMarket   = `And the token claim "market" should be absent`
		market     = `And the token claim "market.id" should be a list containing "{{market_id}}"`
		iatNow     = `And the token claim "iat" should be a Unix time within the allowed clock skew of when the token was issued`
		iatCreated = `And the token claim "iat" should be within the allowed clock skew of the JSON member "created_at"`
		lifetime   = `And the token lifetime from claim "iat" to claim "exp" should match the JSON member "expires_in"`
		issuer     = `And the token claim "iss" should name the target as its issuer`
		followed   = `Then the token claim "iss" should send Commerce Layer's clients to the target`
		gateway    = "https://auth.example.test" // a configured issuer
	)
	signed := signedLine
	type ft = fakeTarget
	type js = jwtSpec
	return []jwtRow{
		{"signed RS512 by the published key", ft{}, signed, ""},
		{"unsigned, alg none", ft{token: js{signer: "none"}}, signed, `alg = "none"`},
		{"HMAC, HS512", ft{token: js{signer: "HS512"}}, signed, `alg = "HS512"; want "RS512"`},
		{"another algorithm, RS256", ft{token: js{signer: "RS256"}}, signed, `alg = "RS256"; want "RS512"`},
		{"kid the set does not hold", ft{token: js{kid: "retired-key"}}, signed, `no key in the JWK Set has the header's kid "retired-key"`},
		{"no kid", ft{token: js{kid: leftOut}}, signed, `the JWT header has no "kid"`},
		{"signed by a key the set does not hold", ft{token: js{signer: "other key"}}, signed, "signature does not verify"},
		{"claims changed after signing", ft{token: js{signer: "tampered"}}, signed, "signature does not verify"},
		{"not a JWT", ft{token: js{signer: "opaque"}}, signed, "the access token is not a JWT"},
		{"key set 404", ft{jwks: served{404, `{"error":"not_found"}`}}, signed, "cannot be used: status 404; want 200 and a JWK Set"},
		{"key set not JSON", ft{jwks: served{200, `<html>keys</html>`}}, signed, "the JWK Set is not JSON"},
		{"key set without keys", ft{jwks: served{200, `{"keys":[]}`}}, signed, `"keys" array is empty`},

		{"typ JWT", ft{}, typ, ""},
		{"typ missing", ft{token: js{typ: leftOut}}, typ, `the token's header has no "typ"; want "JWT"`},
		{"typ other", ft{token: js{typ: "at+jwt"}}, typ, `header "typ" = "at+jwt" (string); want "JWT"`},
		{"typ at+jwt, RFC 9068", ft{token: js{typ: "at+jwt"}}, typOneOf, ""},
		{"typ jwt in lower case", ft{token: js{typ: "jwt"}}, typOneOf, ""},
		{"typ of another kind", ft{token: js{typ: "JOSE"}}, typOneOf, `header "typ" = "JOSE" (string); want one of JWT, at+jwt, in any case`},
		{"typ missing, one of", ft{token: js{typ: leftOut}}, typOneOf, `the token's header has no "typ"; want one of JWT, at+jwt`},

		{"claims schema", ft{}, schema, ""},
		{"claims schema, organization missing", ft{token: js{claims: claimsWith("organization", nil)}}, schema, "organization"},
		{"claims schema, exp a string", ft{token: js{claims: claimsWith("exp", "1700014400")}}, schema, "exp"},

		{"kind", ft{}, kind, ""},
		{"kind wrong", ft{token: js{claims: claimsWith("application.kind", "integration")}}, kind, `claim application.kind = "integration" (string); want "sales_channel"`},
		{"kind missing", ft{token: js{claims: claimsWith("application", nil)}}, kind, `the token has no claim "application.kind"; its claims are {exp, iat, iss, market, organization, scope, test}`},

		{"scope as answered", ft{}, scope, ""},
		{"scope other than answered", ft{token: js{claims: claimsWith("scope", "market:all")}}, scope, `claim scope = "market:all" (string); want the answer's scope, "market:id:xYZkjABcde" (string)`},
		{"scope number", ft{token: js{claims: claimsWith("scope", 7)}}, scope, `claim scope = 7 (number)`},

		{"slug", ft{}, slug, ""},
		{"slug empty", ft{token: js{claims: claimsWith("organization.slug", "")}}, slug, `claim organization.slug = "" (string); want a non-empty string`},
		{"claims missing", ft{token: js{claims: claimsWith("organization", nil)}}, slug, `the token has no claim "organization.slug"`},

		{"public", ft{}, public, ""},
		{"public false", ft{token: js{claims: claimsWith("application.public", false)}}, public, "claim application.public = false (boolean); want true (a JSON boolean)"},
		{"public a string", ft{token: js{claims: claimsWith("application.public", "true")}}, public, `claim application.public = "true" (string); want true`},
		{"integration not public", ft{token: js{claims: claimsWith("application.kind", "integration", "application.public", false)}},
			`And the token claim "application.public" should be false`, ""},

		{"test a boolean", ft{}, testBool, ""},
		{"test a string", ft{token: js{claims: claimsWith("test", "yes")}}, testBool, `claim test = "yes" (string); want a JSON boolean`},

		{"market absent", ft{token: js{claims: claimsWith("market", nil, "scope", "market:all")}, answer: answerWith("scope", "market:all")}, noMarket, ""},
		{"market present where it must be absent", ft{}, noMarket, "claim market = an object; want no such claim"},

		{"market list holds the market", ft{}, market, ""},
		{"market list without the market", ft{token: js{claims: claimsWith("market.id", []any{"zzOtherMkt"})}}, market, `claim market.id is a list of 1 without "xYZkjABcde"`},
		{"market id not a list", ft{token: js{claims: claimsWith("market.id", "xYZkjABcde")}}, market, `want a list holding "xYZkjABcde"`},

		{"iat now", ft{}, iatNow, ""},
		{"iat a fraction of a second off", ft{token: js{claims: claimsWith("iat", 1_700_000_000.5)}}, iatNow, ""},
		{"iat far from now", ft{token: js{claims: claimsWith("iat", 1_699_996_000, "exp", 1_700_010_400)}}, iatNow, "claim iat = 1699996000, 4000 s from when the token was issued (1700000000); want within 1m0s"},
		{"iat a string", ft{token: js{claims: claimsWith("iat", "1700000000")}}, iatNow, "want a NumericDate"},

		{"iat at created_at", ft{}, iatCreated, ""},
		{"iat far from created_at", ft{answer: answerWith("created_at", 1_700_000_500)}, iatCreated, "claim iat = 1700000000, 500 s from the answer's created_at (1700000500); want within 1m0s"},

		{"lifetime as answered", ft{}, lifetime, ""},
		{"lifetime counted down 3 s", ft{answer: answerWith("expires_in", 14397)}, lifetime, ""},
		{"lifetime other than answered", ft{answer: answerWith("expires_in", 7200)}, lifetime, "claims exp − iat = 14400 s; the answer's expires_in = 7200"},
		{"lifetime longer than answered", ft{answer: answerWith("expires_in", 14410)}, lifetime, "the answer's expires_in = 14410"},
		// The window is the JSON member's lifetime step's: the lifetime, or
		// up to LifetimeTolerance (5) s less; a NumericDate may have a
		// fraction, so the claims' lifetime counts in whole seconds.
		{"lifetime counted down 5 s", ft{answer: answerWith("expires_in", 14395)}, lifetime, ""},
		{"lifetime counted down 6 s", ft{answer: answerWith("expires_in", 14394)}, lifetime, "the answer's expires_in = 14394"},
		{"lifetime 1 s longer than the token's", ft{answer: answerWith("expires_in", 14401)}, lifetime, "the answer's expires_in = 14401"},
		{"lifetime of fractional claims", ft{token: js{claims: claimsWith("iat", 1_700_000_000.4, "exp", 1_700_014_400.6)}}, lifetime, ""},

		{"iss the origin", ft{}, issuer, ""},
		{"iss the origin with a trailing slash", ft{token: js{claims: claimsWith("iss", "{{origin}}/")}}, issuer, ""},
		{"iss the origin, scheme in capitals", ft{token: js{claims: claimsWith("iss", "HTTP://{{host}}")}}, issuer, ""},
		{"iss another host", ft{token: js{claims: claimsWith("iss", "https://auth.commercelayer.io")}}, issuer, `claim iss = "https://auth.commercelayer.io" (string); want "http://127.0.0.1:`},
		{"iss the origin with a path", ft{token: js{claims: claimsWith("iss", "{{origin}}/tenant")}}, issuer, "the target's issuer"},
		{"iss a number", ft{token: js{claims: claimsWith("iss", 1)}}, issuer, "claim iss = 1 (number)"},
		{"iss the configured issuer", ft{issuer: gateway, token: js{claims: claimsWith("iss", gateway)}}, issuer, ""},
		{"iss the configured issuer in capitals", ft{issuer: gateway, token: js{claims: claimsWith("iss", "HTTPS://AUTH.Example.TEST")}}, issuer, ""},
		{"iss the configured issuer with its default port", ft{issuer: gateway, token: js{claims: claimsWith("iss", gateway+":443")}}, issuer, ""},
		{"iss the configured issuer with a trailing slash", ft{issuer: gateway, token: js{claims: claimsWith("iss", gateway+"/")}}, issuer, ""},
		{"iss another port", ft{issuer: gateway, token: js{claims: claimsWith("iss", gateway+":8443")}}, issuer, `want "https://auth.example.test", the target's issuer`},
		{"iss plain http", ft{issuer: gateway, token: js{claims: claimsWith("iss", "http://auth.example.test")}}, issuer, "the target's issuer"},
		{"iss a longer host", ft{issuer: gateway, token: js{claims: claimsWith("iss", gateway+".evil.example")}}, issuer, "the target's issuer"},
		// Clients read the key set from iss + "/.well-known/jwks.json":
		// a query or a fragment moves that path out of the URL's path, and
		// user info is no part of an issuer, so none of these names it.
		{"iss with a query", ft{issuer: gateway, token: js{claims: claimsWith("iss", gateway+"?tenant=")}}, issuer, "the target's issuer"},
		{"iss with a fragment", ft{issuer: gateway, token: js{claims: claimsWith("iss", gateway+"#")}}, issuer, "the target's issuer"},
		{"iss with user info", ft{issuer: gateway, token: js{claims: claimsWith("iss", "https://someone@auth.example.test")}}, issuer, "the target's issuer"},

		// Commerce Layer's clients take iss only when it starts with
		// "https://auth." (a case-sensitive prefix), else Commerce Layer's own.
		{"followed: the configured https://auth. issuer", ft{issuer: gateway, token: js{claims: claimsWith("iss", gateway)}}, followed, ""},
		{"followed: with a trailing slash", ft{issuer: gateway, token: js{claims: claimsWith("iss", gateway+"/")}}, followed, ""},
		{"followed: no iss, and the target is Commerce Layer", ft{issuer: "https://auth.commercelayer.io", token: js{claims: claimsWith("iss", nil)}}, followed, ""},
		{"followed: the target's plain http origin", ft{}, followed,
			`claim iss = "http://127.0.0.1:`},
		{"followed: plain http, to the fallback", ft{}, followed,
			`follow iss only when it starts with "https://auth.", so they read this token's keys, revoke it and look for the Core API at https://auth.commercelayer.io, not at the target's issuer "http://127.0.0.1:`},
		{"followed: the issuer in capitals", ft{issuer: gateway, token: js{claims: claimsWith("iss", "HTTPS://AUTH.example.test")}}, followed,
			"at https://auth.commercelayer.io, not at the target's issuer \"https://auth.example.test\""},
		{"followed: no iss", ft{issuer: gateway, token: js{claims: claimsWith("iss", nil)}}, followed,
			`the token has no claim "iss"; Commerce Layer's clients follow iss only when`},
		{"followed: a number", ft{issuer: gateway, token: js{claims: claimsWith("iss", 1)}}, followed, "claim iss = 1 (number); Commerce Layer's clients follow"},
		{"followed: another auth host", ft{issuer: gateway, token: js{claims: claimsWith("iss", "https://auth.other.test")}}, followed,
			`claim iss = "https://auth.other.test" (string); Commerce Layer's clients read this token's keys and revoke it there, not at the target's issuer "https://auth.example.test"`},
	}
}

// played is what a row left: the line's error, the scenario, and the
// access token the target issued.
type played struct {
	err   error
	st    *scenario
	token string
}

// run serves the row's target and plays the row on a scenario of a suite
// of its own: the token issued for marketBody, then the line.
func (r jwtRow) run(t *testing.T) played {
	t.Helper()
	lt := r.target.start(t)
	defer lt.close()
	st := newScenario(lt.suite(t))
	if err := play(t, st, issued); err != nil {
		t.Fatalf("row %q: %s: %v", r.name, issuedLine, err)
	}
	return played{err: runLine(t, st, r.line, nil), st: st, token: lt.token}
}

// TestJWTSteps verifies each JWT step, reached through its sentence,
// passes on a right token and fails, saying why, on a wrong one; and that
// neither its message nor the scenario's transcript ever shows the token
// or a segment of it.
func TestJWTSteps(t *testing.T) {
	for _, tt := range jwtRows() {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			p := tt.run(t)
			checkOutcome(t, tt.line, p.err, tt.want)
			if p.err != nil {
				checkNoToken(t, "the error of "+tt.line, p.err.Error(), p.token)
			}
			checkNoToken(t, "the transcript", p.st.transcript(), p.token)
		})
	}
}

// TestJWTStepBeforeAnyToken verifies a JWT step with nothing to judge
// says so, and one after a token answer without a token says that.
func TestJWTStepBeforeAnyToken(t *testing.T) {
	st := newScenario(testSuite(t))
	if err := runLine(t, st, signedLine, nil); err == nil || !strings.Contains(err.Error(), "no access token yet") {
		t.Errorf("%s before any answer = %v; want a 'no access token yet' error", signedLine, err)
	}
	st = answered(testSuite(t), 401, nil, errorCL)
	if err := runLine(t, st, signedLine, nil); err == nil || !strings.Contains(err.Error(), "carries no access token to judge as a JWT (status 401)") {
		t.Errorf("%s after a 401 = %v; want it to say the answer carries no access token", signedLine, err)
	}
}
