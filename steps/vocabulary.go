package steps

import "regexp"

// Step is one sentence of the vocabulary.
type Step struct {
	Pattern string // anchored regular expression, as godog matches it
	Example string // a line a feature file may use, shown in the README
	// Handler runs the step: a method of a scenario's state, bound to it.
	Handler any
}

// Vocabulary lists every step, request steps first, in the order the
// README's table shows them. Its handlers are bound to a scenario of their
// own that no run uses: a run binds a fresh set to each of its scenarios.
// The list is for reading: patterns, examples, and the handlers'
// signatures. To run the steps in a godog suite of your own, use
// conform.NewSteps.
func Vocabulary() []Step { return newScenario(&suite{}).vocabulary() }

// vocabulary is the vocabulary with its handlers bound to st.
func (st *scenario) vocabulary() []Step {
	return []Step{
		{`^a token request with the JSON body:$`, `Given a token request with the JSON body:` + "\n" + `  """json` + "\n" + `  {"grant_type": "client_credentials", "client_id": "{{sales_channel.client_id}}"}` + "\n" + `  """`, st.givenJSONBody},
		{`^a token request with the parameters:$`, `Given a token request with the parameters:` + "\n" + `  | grant_type | client_credentials |`, st.givenParameters},
		{`^a token request with the raw body:$`, `Given a token request with the raw body:` + "\n" + `  """` + "\n" + `  {"grant_type": ` + "\n" + `  """`, st.givenRawBody},
		{`^a token request with an empty body$`, `Given a token request with an empty body`, st.givenEmptyBody},
		{`^the client authenticates with HTTP Basic$`, `And the client authenticates with HTTP Basic`, st.givenBasic},
		{`^the client authenticates with HTTP Basic and in the body$`, `And the client authenticates with HTTP Basic and in the body`, st.givenBasicToo},
		{`^the request asks for the configured scope, if there is one$`, `And the request asks for the configured scope, if there is one`, st.givenConfiguredScope},
		{`^the request header "([^"]*)" is "([^"]*)"$`, `And the request header "Content-Type" is "text/plain"`, st.givenHeader},
		{`^the token request is sent$`, `When the token request is sent`, st.whenSent},
		{`^the token request is sent with method "([A-Z]+)" and its parameters in the query string$`, `When the token request is sent with method "GET" and its parameters in the query string`, st.whenSentInQuery},
		{`^the access token issued for the JSON body:$`, `Given the access token issued for the JSON body:` + "\n" + `  """json` + "\n" + `  {"grant_type": "client_credentials", "client_id": "{{sales_channel.client_id}}"}` + "\n" + `  """`, st.givenIssuedToken},
		{`^a revocation request with the JSON body:$`, `Given a revocation request with the JSON body:` + "\n" + `  """json` + "\n" + `  {"client_id": "{{integration.client_id}}", "client_secret": "{{integration.client_secret}}", "token": "{{access_token}}"}` + "\n" + `  """`, st.givenRevocation},
		{`^the revocation request is sent$`, `When the revocation request is sent`, st.whenRevocationSent},
		{`^the protected resource is requested with the access token$`, `When the protected resource is requested with the access token`, st.whenResourceWithToken},
		{`^the protected resource is requested with the bearer token "([^"]*)"$`, `When the protected resource is requested with the bearer token "{{unknown_token}}"`, st.whenResourceWithBearer},
		{`^a fresh authorization code from the authorize endpoint$`, `Given a fresh authorization code from the authorize endpoint`, st.givenFreshCode},
		{`^the webapp's authorization code$`, `Given the webapp's authorization code`, st.givenWebappCode},
		{`^the authorize endpoint is asked for a code for the webapp$`, `When the authorize endpoint is asked for a code for the webapp`, st.whenAuthorizeAsked},
		{`^a JWT bearer assertion with the claims:$`, `Given a JWT bearer assertion with the claims:` + "\n" + `  """json` + "\n" + `  {"owner": {"type": "Customer", "id": "{{customer_id}}"}}` + "\n" + `  """`, st.givenAssertion},
		{`^a JWT bearer assertion over 4 KB with the claims:$`, `Given a JWT bearer assertion over 4 KB with the claims:` + "\n" + `  """json` + "\n" + `  {"owner": {"type": "Customer", "id": "{{customer_id}}"}}` + "\n" + `  """`, st.givenLargeAssertion},
		{`^the protected resource is requested with the access token remembered as "([^"]*)"$`, `When the protected resource is requested with the access token remembered as "first token"`, st.whenResourceWithRemembered},
		{`^the access token is remembered as "([^"]*)"$`, `And the access token is remembered as "sales channel token"`, st.rememberToken},
		{`^the answer should redirect to the webapp's redirect_uri with a code and the state sent$`, `Then the answer should redirect to the webapp's redirect_uri with a code and the state sent`, st.thenRedirectWithCodeAndState},
		{`^the response status should be (\d{3})$`, `Then the response status should be 200`, st.thenStatus},
		{`^the response status should be one of ([\d, ]+)$`, `Then the response status should be one of 400, 401`, st.thenStatusOneOf},
		{`^the response status should be a client error \(4xx\)$`, `Then the response status should be a client error (4xx)`, st.thenStatus4xx},
		{`^the response content type should be JSON$`, `And the response content type should be JSON`, st.thenContentTypeJSON},
		{`^the response header "([^"]*)" should name the scheme "([^"]*)"$`, `And the response header "WWW-Authenticate" should name the scheme "Basic"`, st.thenChallengeScheme},
		{`^the response header "([^"]*)" should include "([^"]*)"$`, `And the response header "Cache-Control" should include "no-store"`, st.thenHeaderIncludes},
		{`^the response body should match the (token|error) response schema$`, `And the response body should match the token response schema`, st.thenProfileSchema},
		{`^the response body should match the schema "([^"]*)"$`, `And the response body should match the schema "token_response"`, st.thenSchema},
		{`^the JSON member "([^"]*)" should equal "([^"]*)"$`, `And the JSON member "scope" should equal "market:id:{{market_id}}"`, st.thenMemberEquals},
		{`^the JSON member "([^"]*)" should hold the scopes "([^"]*)" in any order$`, `And the JSON member "scope" should hold the scopes "market:id:{{market_id}} stock_location:id:{{stock_location_id}}" in any order`, st.thenMemberScopes},
		{`^the JSON member "([^"]*)" should equal "([^"]*)" ignoring case$`, `And the JSON member "token_type" should equal "bearer" ignoring case`, st.thenMemberEqualsFold},
		{`^the JSON member "([^"]*)" should be the integer "([^"]*)"$`, `And the JSON member "expires_in" should be the integer "14400"`, st.thenMemberInteger},
		{`^the JSON member "([^"]*)" should be the lifetime of the (sales channel|integration|client)'s tokens$`, `And the JSON member "expires_in" should be the lifetime of the sales channel's tokens`, st.thenMemberTokenLifetime},
		{`^the JSON member "([^"]*)", if present, should be the lifetime of the (sales channel|integration|client)'s tokens$`, `And the JSON member "expires_in", if present, should be the lifetime of the client's tokens`, st.thenMemberTokenLifetimeIfPresent},
		{`^the JSON member "([^"]*)" should be the documented default of (\d+) seconds, unless the (sales channel|integration)'s lifetime is configured$`, `Then the JSON member "expires_in" should be the documented default of 14400 seconds, unless the sales channel's lifetime is configured`, st.thenMemberDocumentedLifetime},
		{`^the scope "([^"]*)" should be refused with invalid_scope, or left out of the granted scope$`, `Then the scope "{{forbidden_scope}}" should be refused with invalid_scope, or left out of the granted scope`, st.thenScopeRefusedOrLeftOut},
		{`^the request without a scope should get a token under a default scope, or invalid_scope$`, `Then the request without a scope should get a token under a default scope, or invalid_scope`, st.thenDefaultScopeOrInvalidScope},
		{`^the request should be refused for authenticating the client twice$`, `Then the request should be refused for authenticating the client twice`, st.thenRefusedForTwoMethods},
		{`^the JSON member "([^"]*)" should be the webapp's lifetime, as configured or else as the token says$`, `And the JSON member "expires_in" should be the webapp's lifetime, as configured or else as the token says`, st.thenWebappLifetime},
		{`^the JSON member "([^"]*)" should be an integer$`, `And the JSON member "created_at" should be an integer`, st.thenMemberIsInteger},
		{`^the JSON member "([^"]*)" should match "([^"]*)"$`, `And the JSON member "scope" should match "^market:"`, st.thenMemberMatches},
		{`^the JSON member "([^"]*)" should be a non-empty string$`, `And the JSON member "access_token" should be a non-empty string`, st.thenMemberNonEmptyString},
		{`^the JSON member "([^"]*)" should be a Unix time within the allowed clock skew of now$`, `And the JSON member "created_at" should be a Unix time within the allowed clock skew of now`, st.thenMemberNowSkew},
		{`^the JSON member "([^"]*)" should be a Unix time within (\d+) seconds of now$`, `And the JSON member "created_at" should be a Unix time within 300 seconds of now`, st.thenMemberNow},
		{`^the JSON member "([^"]*)" should be absent$`, `And the JSON member "refresh_token" should be absent`, st.thenMemberAbsent},
		{`^the OAuth error should be "([^"]*)"$`, `And the OAuth error should be "invalid_client"`, st.thenOAuthError},
		{`^the OAuth error should be one of "([^"]*)"$`, `And the OAuth error should be one of "invalid_client, invalid_request"`, st.thenOAuthErrorOneOf},
		{`^the OAuth error should be one defined by RFC 6749 section 5\.2$`, `And the OAuth error should be one defined by RFC 6749 section 5.2`, st.thenOAuthErrorRegistered},
		{`^the response should not contain an access token$`, `And the response should not contain an access token`, st.thenNoToken},
		{`^the response should be an OAuth error with no access token$`, `And the response should be an OAuth error with no access token`, st.thenErrorWithoutToken},
		{`^the response should not contain a client secret$`, `And the response should not contain a client secret`, st.thenNoSecret},
		{`^the access token should differ from the one remembered as "([^"]*)"$`, `And the access token should differ from the one remembered as "sales channel token"`, st.thenTokenDiffers},
		{`^the response body should be an empty JSON object$`, `And the response body should be an empty JSON object`, st.thenEmptyObject},
		{`^the OAuth error should be one defined for revocation by RFC 7009 section 2\.2\.1$`, `And the OAuth error should be one defined for revocation by RFC 7009 section 2.2.1`, st.thenRevocationError},
		{`^the access token should be a JWT signed with "([^"]*)" by a key of the target's JWKS$`, `Then the access token should be a JWT signed with "RS512" by a key of the target's JWKS`, st.thenSignedJWT},
		{`^the token header "([^"]*)" should equal "([^"]*)"$`, `Then the token header "alg" should equal "RS512"`, st.thenHeaderEquals},
		{`^the token header "([^"]*)" should be one of "([^"]*)" ignoring case$`, `Then the token header "typ" should be one of "JWT, at+jwt" ignoring case`, st.thenHeaderOneOfFold},
		{`^the token claims should match the schema "([^"]*)"$`, `And the token claims should match the schema "access_token_claims"`, st.thenClaimsSchema},
		{`^the token claim "([^"]*)" should equal "([^"]*)"$`, `And the token claim "application.kind" should equal "sales_channel"`, st.thenClaimEquals},
		{`^the token claim "([^"]*)" should equal the JSON member "([^"]*)"$`, `And the token claim "scope" should equal the JSON member "scope"`, st.thenClaimEqualsMember},
		{`^the token claim "([^"]*)" should equal the JSON value (.+)$`, `And the token claim "custom_claim" should equal the JSON value {"greeting": "Grüße ✓"}`, st.thenClaimEqualsJSON},
		{`^the token claim "([^"]*)" should be a non-empty string$`, `And the token claim "organization.slug" should be a non-empty string`, st.thenClaimNonEmptyString},
		{`^the token claim "([^"]*)" should be (true|false)$`, `And the token claim "application.public" should be true`, st.thenClaimBool},
		{`^the token claim "([^"]*)" should be a boolean$`, `And the token claim "test" should be a boolean`, st.thenClaimIsBool},
		{`^the token claim "([^"]*)" should be absent$`, `And the token claim "market" should be absent`, st.thenClaimAbsent},
		{`^the token claim "([^"]*)" should be a list containing "([^"]*)"$`, `And the token claim "market.id" should be a list containing "{{market_id}}"`, st.thenClaimListContains},
		{`^the token claim "([^"]*)" should be a Unix time within the allowed clock skew of when the token was issued$`, `And the token claim "iat" should be a Unix time within the allowed clock skew of when the token was issued`, st.thenClaimNowSkew},
		{`^the token claim "([^"]*)" should be within the allowed clock skew of the JSON member "([^"]*)"$`, `And the token claim "iat" should be within the allowed clock skew of the JSON member "created_at"`, st.thenClaimNearMember},
		{`^the token lifetime from claim "([^"]*)" to claim "([^"]*)" should match the JSON member "([^"]*)"$`, `And the token lifetime from claim "iat" to claim "exp" should match the JSON member "expires_in"`, st.thenClaimLifetime},
		{`^the token claim "([^"]*)" should name the target as its issuer$`, `And the token claim "iss" should name the target as its issuer`, st.thenClaimIssuer},
		{`^the token claim "([^"]*)" should send Commerce Layer's clients to the target$`, `Then the token claim "iss" should send Commerce Layer's clients to the target`, st.thenClaimIssuerFollowed},
	}
}

// compiledPatterns holds the vocabulary's expressions compiled once:
// godog compiles string patterns again for every scenario, which was a
// fifth of the suite's own CPU time. Read-only after init.
var compiledPatterns = func() map[string]*regexp.Regexp {
	m := map[string]*regexp.Regexp{}
	for _, step := range Vocabulary() {
		m[step.Pattern] = regexp.MustCompile(step.Pattern)
	}
	return m
}()

// Patterns returns the vocabulary's expressions, so that feature files can
// be checked for lines no step matches before anything is sent.
func Patterns() []*regexp.Regexp {
	out := make([]*regexp.Regexp, 0, len(compiledPatterns))
	for _, step := range Vocabulary() {
		out = append(out, compiledPatterns[step.Pattern])
	}
	return out
}
