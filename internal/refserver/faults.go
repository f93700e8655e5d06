package refserver

// Fault is one deliberate defect the server can be started with.
type Fault struct {
	// Name is the value for Options.Fault.
	Name string
	// Breaks names the single rule the fault breaks and where the rule
	// comes from, so that a failing scenario can be traced to its source.
	Breaks string
}

// fault names, kept as constants so that a typo in the server is a compile
// error rather than a fault that silently never fires.
const (
	faultSuccessStatus201            = "success-status-201"
	faultTokenTypeMAC                = "token-type-mac"
	faultTokenTypeMissing            = "token-type-missing"
	faultExpiresInString             = "expires-in-string"
	faultExpiresInFloat              = "expires-in-float"
	faultSalesChannelLifetime        = "sales-channel-lifetime"
	faultIntegrationLifetime         = "integration-lifetime"
	faultCreatedAtMillis             = "created-at-millis"
	faultCreatedAtStale              = "created-at-stale"
	faultCreatedAtString             = "created-at-string"
	faultScopeNotEchoed              = "scope-not-echoed"
	faultDefaultScopeMissing         = "default-scope-missing"
	faultAccessTokenEmpty            = "access-token-empty"
	faultAccessTokenMissing          = "access-token-missing"
	faultRefreshTokenIssued          = "refresh-token-issued"
	faultContentTypeText             = "content-type-text"
	faultSuccessNoStoreMissing       = "success-no-store-missing"
	faultPragmaMissing               = "pragma-missing"
	faultSalesChannelSecretRequired  = "sales-channel-secret-required"
	faultUnknownClientAccepted       = "unknown-client-accepted"
	faultWrongSecretAccepted         = "wrong-secret-accepted"
	faultMissingSecretAccepted       = "missing-secret-accepted"
	faultEmptySecretAccepted         = "empty-secret-accepted"
	faultInvalidClientStatus403      = "invalid-client-status-403"
	faultInvalidClientCodeWrong      = "invalid-client-code-wrong"
	faultBasicChallengeMissing       = "basic-challenge-missing"
	faultErrorCodeMissing            = "error-code-missing"
	faultMissingGrantTypeUnsupported = "missing-grant-type-unsupported"
	faultEmptyGrantTypeAccepted      = "empty-grant-type-accepted"
	faultUnsupportedGrantTypeInvalid = "unsupported-grant-type-invalid-request"
	faultUnknownMarketAccepted       = "unknown-market-accepted"
	faultInvalidScopeStatus403       = "invalid-scope-status-403"
	faultMalformedJSON500            = "malformed-json-500"
	faultWrongContentType500         = "wrong-content-type-500"
	faultEmptyBody500                = "empty-body-500"
	faultGetIssuesToken              = "get-issues-token"
	faultErrorNoStoreMissing         = "error-no-store-missing"
	faultErrorHTML                   = "error-html"
	faultErrorStatus200              = "error-status-200"
	faultAccessTokenInError          = "access-token-in-error"
	faultSecretEchoedInError         = "secret-echoed-in-error"
	faultSecretEchoedInToken         = "secret-echoed-in-token"
	faultSecretEchoedJSONEscaped     = "secret-echoed-json-escaped"
	faultSecretEchoedBase64Header    = "secret-echoed-base64-header"
	faultSecretEchoedPercent         = "secret-echoed-percent-encoded"
	faultSameTokenForAll             = "same-token-for-all"
	faultMissingClientAccepted       = "missing-client-id-accepted"
	faultUnknownClient500            = "unknown-client-500"
	faultTwoAuthMethodsAccepted      = "two-auth-methods-accepted"
	faultMissingScopeInvalidRequest  = "missing-scope-invalid-request"

	faultJWTAlgNone                  = "jwt-alg-none"
	faultJWTAlgHS512                 = "jwt-alg-hs512"
	faultJWTBadSignature             = "jwt-bad-signature"
	faultJWTUnknownKid               = "jwt-unknown-kid"
	faultJWTKidMissing               = "jwt-kid-missing"
	faultJWTTypMissing               = "jwt-typ-missing"
	faultJWTLifetimeMismatch         = "jwt-lifetime-mismatch"
	faultJWTIatStale                 = "jwt-iat-stale"
	faultJWTApplicationKindWrong     = "jwt-application-kind-wrong"
	faultJWTApplicationPublicWrong   = "jwt-application-public-wrong"
	faultJWTMarketClaimMissing       = "jwt-market-claim-missing"
	faultJWTMarketClaimForAllMarkets = "jwt-market-claim-for-all-markets"
	faultJWTScopeClaimDiffers        = "jwt-scope-claim-differs"
	faultJWTOrganizationSlugMissing  = "jwt-organization-slug-missing"
	faultJWTTestNotBoolean           = "jwt-test-not-boolean"
	faultJWTIssWrong                 = "jwt-iss-wrong"
	faultJWTIssRequestOrigin         = "jwt-iss-request-origin"
	faultJWKSMissing                 = "jwks-missing"

	faultRevokeLeavesTokenWorking    = "revoke-leaves-token-working"
	faultRevokeUnknownToken400       = "revoke-unknown-token-400"
	faultRevokeWrongSecretAccepted   = "revoke-wrong-secret-accepted"
	faultRevokeOtherClientToken      = "revoke-other-client-token"
	faultRevokeWithoutClientAccepted = "revoke-without-client-id-accepted"
	faultRevokeWithoutClient400      = "revoke-without-client-id-400"
	faultRevokeBodyNotEmpty          = "revoke-body-not-empty"
	faultRevokeSalesChannelRefused   = "revoke-sales-channel-refused"
	faultRevokeGuestWithoutSecret    = "revoke-guest-without-secret-accepted"
	faultResourceAcceptsGarbage      = "resource-accepts-garbage-token"

	faultScopeCodeNotEchoed            = "scope-code-not-echoed"
	faultMarketCodeCaseFolded          = "market-code-case-folded"
	faultUnknownStoreAccepted          = "unknown-store-accepted"
	faultStoreMarketMissing            = "store-market-missing"
	faultUnknownStockLocationAccepted  = "unknown-stock-location-accepted"
	faultStockLocationMarketUnchecked  = "stock-location-market-unchecked"
	faultStockLocationClaimMissing     = "stock-location-claim-missing"
	faultAuthorizeStateDropped         = "authorize-state-dropped"
	faultCodeReusable                  = "authorization-code-reusable"
	faultCodeReuseKeepsTokens          = "authorization-code-reuse-keeps-tokens"
	faultRedirectURIUnchecked          = "authorization-code-redirect-uri-unchecked"
	faultUnknownCodeAccepted           = "authorization-code-unknown-accepted"
	faultJWTBearerOwnerNotCopied       = "jwt-bearer-owner-not-copied"
	faultJWTBearerCustomClaimNotCopied = "jwt-bearer-custom-claim-not-copied"
	faultJWTBearerCustomClaimMangled   = "jwt-bearer-custom-claim-mangled"
	faultJWTBearerEmptyClaimsAccepted  = "jwt-bearer-empty-claims-accepted"
	faultJWTBearerOversizedAccepted    = "jwt-bearer-oversized-assertion-accepted"
	faultJWTBearerNonJWTAccepted       = "jwt-bearer-non-jwt-assertion-accepted"
	faultJWTBearerUnknownOwnerAccepted = "jwt-bearer-unknown-owner-accepted"
)

// allFaults is the catalogue behind Faults. Order is stable (grouped as
// success body, headers, client authentication, errors, request handling,
// leaks; then the token itself: JWT header and signature, JWT claims, JWKS;
// then revocation and the protected resource) so that reports listing
// faults diff cleanly between runs. New groups go at the end.
var allFaults = []Fault{
	{faultSuccessStatus201, "Commerce Layer docs (client credentials): a token is returned with 200 OK, not 201 Created."},
	{faultTokenTypeMAC, `RFC 6749 §7.1 and Commerce Layer docs: token_type is "bearer", not "mac".`},
	{faultTokenTypeMissing, "RFC 6749 §5.1: token_type is REQUIRED in a successful response."},
	{faultExpiresInString, "RFC 6749 §5.1 and Commerce Layer docs: expires_in is a JSON number of seconds, not a string."},
	{faultExpiresInFloat, "Commerce Layer docs (client credentials): expires_in is an integer number of seconds (14400 or 7200), not 14400.0."},
	{faultSalesChannelLifetime, "Commerce Layer docs (authentication): sales channel tokens last 4 hours by default, expires_in 14400 (a per-credential setting: a warning unless a lifetime is configured, then a failure)."},
	{faultIntegrationLifetime, "Commerce Layer docs (authentication): integration tokens last 2 hours by default, expires_in 7200 (a per-credential setting: a warning unless a lifetime is configured, then a failure)."},
	{faultCreatedAtMillis, "Commerce Layer docs (client credentials): created_at is in Unix seconds, not milliseconds."},
	{faultCreatedAtStale, "Commerce Layer docs (client credentials): created_at is the time the token was issued, not a day earlier."},
	{faultCreatedAtString, "Commerce Layer docs (client credentials): created_at is an integer, not a string."},
	{faultScopeNotEchoed, "RFC 6749 §5.1/§3.3 and Commerce Layer docs: the granted scope echoes the requested market scope."},
	{faultDefaultScopeMissing, `Commerce Layer docs (client credentials): without a requested scope the response still carries scope "market:all".`},
	{faultAccessTokenEmpty, "RFC 6749 §5.1: access_token is REQUIRED and is a token, not an empty string."},
	{faultAccessTokenMissing, "RFC 6749 §5.1: access_token is REQUIRED in a successful response."},
	{faultRefreshTokenIssued, "RFC 6749 §4.4.3: a refresh token SHOULD NOT be included for client_credentials (Commerce Layer issues none)."},
	{faultContentTypeText, "RFC 6749 §5.1: token responses use the application/json media type."},
	{faultSuccessNoStoreMissing, "RFC 6749 §5.1: token responses MUST carry Cache-Control: no-store."},
	{faultPragmaMissing, "RFC 6749 §5.1: token responses MUST carry Pragma: no-cache (deprecated by RFC 9111, still required by RFC 6749)."},
	{faultSalesChannelSecretRequired, "Commerce Layer docs (client credentials): sales channels do not need client_secret."},
	{faultUnknownClientAccepted, "RFC 6749 §5.2: an unknown client_id is answered with invalid_client, not a token."},
	{faultWrongSecretAccepted, "RFC 6749 §3.2.1/§5.2: a confidential client with a wrong client_secret gets invalid_client."},
	{faultMissingSecretAccepted, "Commerce Layer docs and RFC 6749 §3.2.1: an integration without client_secret gets invalid_client."},
	{faultEmptySecretAccepted, "RFC 6749 §3.2 (empty parameters count as omitted) and §3.2.1: an integration with client_secret \"\" gets invalid_client."},
	{faultInvalidClientStatus403, "RFC 6749 §5.2: invalid_client is answered with 401 (or 400), not 403."},
	{faultInvalidClientCodeWrong, "RFC 6749 §5.2: failed client authentication uses the error code invalid_client, not unauthorized_client."},
	{faultBasicChallengeMissing, "RFC 6749 §5.2: a 401 to a client that used HTTP Basic carries WWW-Authenticate naming the scheme; here it has none."},
	{faultErrorCodeMissing, "RFC 6749 §5.2 and Commerce Layer errors: every error carries its code (errors[].title or error)."},
	{faultMissingGrantTypeUnsupported, "RFC 6749 §5.2: a missing grant_type is invalid_request, not unsupported_grant_type."},
	{faultEmptyGrantTypeAccepted, "RFC 6749 §3.2/§4.4.2: an empty grant_type counts as omitted and gets invalid_request, not a token."},
	{faultUnsupportedGrantTypeInvalid, "RFC 6749 §5.2: an unknown grant_type is unsupported_grant_type, not invalid_request."},
	{faultUnknownMarketAccepted, "Commerce Layer docs (markets) and RFC 6749 §5.2: an unknown market in scope gets 400 invalid_scope."},
	{faultInvalidScopeStatus403, "RFC 6749 §5.2 and Commerce Layer docs: invalid_scope is answered with 400, not 403."},
	{faultMalformedJSON500, "RFC 6749 §5.2: a malformed request body is the client's fault: 400 invalid_request, not 500."},
	{faultWrongContentType500, "RFC 6749 §5.2: an unsupported request Content-Type is 400 invalid_request, not 500."},
	{faultEmptyBody500, "RFC 6749 §5.2: an empty request body is 400 invalid_request, not 500."},
	{faultGetIssuesToken, "RFC 6749 §3.2: the client MUST use POST at the token endpoint; GET issues no token."},
	{faultErrorNoStoreMissing, "RFC 6749 §5.1 (token-endpoint answers are not cached), applied to errors as Doorkeeper does: error answers carry Cache-Control: no-store too."},
	{faultErrorHTML, "RFC 6749 §5.2: error answers are application/json, not an HTML page."},
	{faultErrorStatus200, "RFC 6749 §5.2: error answers use 400 (or 401), never 200."},
	{faultAccessTokenInError, "RFC 6749 §5.2 and Commerce Layer tests: an error answer carries no access_token."},
	{faultSecretEchoedInError, "RFC 6749 §2.3.1 and §10.1 (the client secret is a credential): error descriptions never quote the client_secret."},
	{faultSecretEchoedInToken, "RFC 6749 §2.3.1 and §10.1 (the client secret is a credential) and Commerce Layer tests (exact key set): a token response never carries client_secret."},
	{faultSecretEchoedJSONEscaped, "RFC 6749 §2.3.1 and §10.1: an error answer never carries the client_secret, here written as \\u escapes in its JSON."},
	{faultSecretEchoedBase64Header, "RFC 6749 §2.3.1 and §10.1: an error answer never carries the client_secret, here base64-encoded in a response header."},
	{faultSecretEchoedPercent, "RFC 6749 §2.3.1 and §10.1: an error description never quotes the client_secret, here percent-encoded byte by byte."},
	{faultSameTokenForAll, "RFC 6749 §1.4 (an access token represents one authorization issued to one client): every issued access_token is unique."},
	{faultMissingClientAccepted, "RFC 6749 §3.2.1/§5.2 and Commerce Layer docs (client_id Required): a request without client_id, or with an empty one, gets no token."},
	{faultUnknownClient500, "RFC 6749 §5.2: an unknown client_id is answered with invalid_client (400 or 401), not 500 server_error."},
	{faultTwoAuthMethodsAccepted, "RFC 6749 §2.3 and §5.2: a request that authenticates the client with HTTP Basic and in the body is refused (invalid_request); here HTTP Basic wins and a token is issued (a SHOULD: the rule binds the client)."},
	{faultMissingScopeInvalidRequest, "RFC 6749 §3.3: a request without scope gets a token under a default scope or 400 invalid_scope; here a form-encoded one gets invalid_request (form bodies only: Commerce Layer's JSON requests keep the documented market:all)."},

	// The token's JOSE header and signature.
	{faultJWTAlgNone, `Commerce Layer tests (header alg RS512) and RFC 8725 §3.1 (verify the algorithm): the access token is RS512-signed, not an unsecured JWT with alg "none" and an empty signature.`},
	{faultJWTAlgHS512, "Commerce Layer tests (header alg RS512) and RFC 8725 §2.1/§3.1 (algorithm confusion): the access token is RS512-signed, not HS512 with the RSA public key as the HMAC secret."},
	{faultJWTBadSignature, "RFC 7515 §5.2 and Commerce Layer tests (jwtVerify): the RS512 signature verifies with the JWKS key its kid names; here another, unpublished key signed it."},
	{faultJWTUnknownKid, `Commerce Layer tests (jwtVerify: Invalid token "kid") and RFC 7515 §4.1.4: the header's kid names a key in <iss>/.well-known/jwks.json.`},
	{faultJWTKidMissing, "Commerce Layer tests (header kid) and RFC 7515 §4.1.4: the header carries the kid of the key that signed it."},
	{faultJWTTypMissing, `Commerce Layer tests (header typ "JWT") and RFC 7519 §5.1 (typ is recommended): the header carries typ JWT (a SHOULD).`},

	// The token's claims.
	{faultJWTLifetimeMismatch, "RFC 6749 §5.1 (expires_in is the lifetime of the access token) and Commerce Layer tests (exp − iat is 14400 or 7200, as expires_in): the JWT's exp − iat equals the response's expires_in; here the answer says the lifetime while the token lives twice as long."},
	{faultJWTIatStale, "RFC 7519 §4.1.6 and Commerce Layer tests (iat, exp in epoch seconds): iat is the time of issue, the response's created_at, not a day earlier."},
	{faultJWTApplicationKindWrong, `Commerce Layer tests (application.kind): a sales channel's token says kind "sales_channel", not "integration" (sales channel tokens only).`},
	{faultJWTApplicationPublicWrong, "Commerce Layer tests (application.public): a sales channel's token says public true, not false (sales channel tokens only)."},
	{faultJWTMarketClaimMissing, "Commerce Layer docs and tests (market claim): a token with a market in scope carries a market claim listing its IDs."},
	{faultJWTMarketClaimForAllMarkets, "Commerce Layer tests (decoded market:all tokens): a market:all token carries no market claim, not one listing every market."},
	{faultJWTScopeClaimDiffers, `Commerce Layer tests (scope claim): the JWT's scope equals the response's scope; here "market:all" when a market was granted.`},
	{faultJWTOrganizationSlugMissing, "Commerce Layer tests (organization claim; the Core API host is derived from organization.slug): organization.slug is present."},
	{faultJWTTestNotBoolean, `Commerce Layer tests (jwtDecode types): the test claim is a JSON boolean, not the string "true".`},
	{faultJWTIssWrong, "Commerce Layer tests (extractIssuer, jwtVerify): iss is the server's own issuer, under which /.well-known/jwks.json holds its keys; not a fixed " + wrongIssuer + "."},
	{faultJWTIssRequestOrigin, "Commerce Layer tests (extractIssuer: clients follow iss only when it starts with https://auth.): iss is the server's configured issuer, not the plain origin a request reached it at (http://127.0.0.1:PORT), which sends clients to https://auth.commercelayer.io."},

	// The key set.
	{faultJWKSMissing, "Commerce Layer tests (jwtVerify) and RFC 7517 §5: <iss>/.well-known/jwks.json serves the JWK Set, not 404."},

	// Revocation.
	{faultRevokeLeavesTokenWorking, "RFC 7009 §2.2 and Commerce Layer tests (the Core API answers 401 INVALID_TOKEN after revocation): a revoked access token no longer works at the resource."},
	{faultRevokeUnknownToken400, "RFC 7009 §2.2 (invalid tokens do not cause an error): revoking an unknown or malformed token answers 200, not 400 invalid_request."},
	{faultRevokeWrongSecretAccepted, "RFC 7009 §2.1 (the client authenticates) and Commerce Layer docs (revoking a token): a wrong client_secret gets 401 invalid_client and revokes nothing."},
	{faultRevokeOtherClientToken, "RFC 7009 §2.1 (the server verifies the token was issued to the requesting client): another client's token is refused with 403 unauthorized_client and keeps working."},
	{faultRevokeWithoutClientAccepted, "Commerce Layer docs (client_id required) and tests (403 unauthorized_client), RFC 7009 §2.1: a revocation without client_id is refused and revokes nothing."},
	{faultRevokeWithoutClient400, "Commerce Layer tests (revoking without client_id): the answer is 403 unauthorized_client, not 400 invalid_request (a SHOULD; either way the request is refused)."},
	{faultRevokeBodyNotEmpty, `Commerce Layer tests (the revocation answer is exactly {}): a successful revocation answers 200 {}, not {"revoked":true}.`},
	{faultRevokeSalesChannelRefused, "Commerce Layer docs and tests (revoking a token): a sales channel that sends its client_secret may revoke its own guest token (sales channel only)."},
	{faultRevokeGuestWithoutSecret, "Commerce Layer docs (revoking a token): a sales channel revokes a guest token from client_credentials only with its client_secret; without it the revocation is refused (sales channel only)."},

	// The protected resource.
	{faultResourceAcceptsGarbage, "RFC 6750 §3.1 (invalid_token) and Commerce Layer tests (Core API 401 INVALID_TOKEN): a bearer token the server never issued is refused with 401."},

	// Scopes naming a market by code, a store or a stock location.
	{faultScopeCodeNotEchoed, "Commerce Layer tests (the answer's scope echoes the request): a scope naming a market, store or stock location by code is answered as asked, not rewritten with ids (a SHOULD: RFC 6749 §3.3 lets a server say another scope)."},
	{faultMarketCodeCaseFolded, `Commerce Layer docs (markets: the code is "case-sensitive"): a market's code in another case names no market and gets invalid_scope (a SHOULD: an older version of the docs said otherwise).`},
	{faultUnknownStoreAccepted, "Commerce Layer docs (authentication scopes) and RFC 6749 §5.2: a store the server does not have gets 400 invalid_scope, not a token."},
	{faultStoreMarketMissing, `Commerce Layer docs (markets: the market "is inherited from the store itself"): a store's token carries its market in the market claim.`},
	{faultUnknownStockLocationAccepted, "Commerce Layer docs (authentication scopes) and RFC 6749 §5.2: a stock location the server does not have gets 400 invalid_scope, not a token."},
	{faultStockLocationMarketUnchecked, "Commerce Layer legacy docs (authentication): a stock location without its market in scope, or with a market it is not in, gets 400 (a SHOULD: the current docs do not say)."},
	{faultStockLocationClaimMissing, "Commerce Layer legacy docs (JWT single sign-on) and tests (jwtDecode types): the market claim's stock_location_ids lists the stock locations in scope (a SHOULD)."},

	// The authorization code grant and its authorize endpoint.
	{faultAuthorizeStateDropped, "RFC 6749 §4.1.2: the authorize endpoint's redirect carries the exact state the client sent; here it carries none."},
	{faultCodeReusable, "RFC 6749 §4.1.2 (a code used more than once MUST be denied): a second exchange of the same code gets invalid_grant, not a new token."},
	{faultCodeReuseKeepsTokens, "RFC 6749 §4.1.2 (the server SHOULD revoke the tokens a reused code gave): the reuse is refused, but the first exchange's token keeps working (a SHOULD)."},
	{faultRedirectURIUnchecked, "RFC 6749 §4.1.3: the exchange's redirect_uri must be identical to the authorize request's; here any redirect_uri is taken."},
	{faultUnknownCodeAccepted, "RFC 6749 §4.1.3 and §5.2 (invalid_grant): a code the server never issued gets no token; here any code is exchanged."},

	// The JWT bearer grant.
	{faultJWTBearerOwnerNotCopied, "Commerce Layer docs and tests (JWT bearer): the token acts for the assertion's owner, its owner claim {id, type}; here the JWT has no owner (the answer's owner_id and owner_type stay)."},
	{faultJWTBearerCustomClaimNotCopied, "Commerce Layer tests (JWT bearer): the assertion's custom_claim is copied into the token; here it is dropped."},
	{faultJWTBearerCustomClaimMangled, "Commerce Layer tests (JWT bearer, special characters preserved): the custom_claim is copied unchanged; here its UTF-8 bytes are read as Latin-1, so Grüße comes back as GrÃ¼Ã and a control character."},
	{faultJWTBearerEmptyClaimsAccepted, "Commerce Layer tests (400 invalid_assertion) and js-auth's types (at least one of owner and custom_claim): an assertion with empty claims gets no token."},
	{faultJWTBearerOversizedAccepted, "Commerce Layer docs (the assertion is checked not to be too big) and js-auth's types (4 KB at most): a larger assertion gets no token."},
	{faultJWTBearerNonJWTAccepted, "Commerce Layer docs (the assertion is checked to be well formed) and RFC 7523 §2.1 (a single JWT): an assertion that is not a JWT gets no token."},
	{faultJWTBearerUnknownOwnerAccepted, "Commerce Layer docs (JWT bearer: the server checks that the user exists): an assertion naming an unknown customer gets no token."},
}

// Faults lists every fault the server can inject, in a stable order.
func Faults() []Fault {
	return append([]Fault(nil), allFaults...)
}

func knownFault(name string) bool {
	for _, f := range allFaults {
		if f.Name == name {
			return true
		}
	}
	return false
}

func faultNames() []string {
	names := make([]string, len(allFaults))
	for i, f := range allFaults {
		names[i] = f.Name
	}
	return names
}
