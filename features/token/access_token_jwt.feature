@commercelayer @jwt
Feature: The access token is an RS512 JWT, signed by a key the target publishes, with the claims clients read

  Commerce Layer's clients do not treat the access token as opaque: they
  decode it, verify it against the issuer's keys, and act on its claims.
  These scenarios judge the tokens the token scenarios of the run obtained
  (a token request with the same parameters is sent only when no scenario
  sent it yet), and read the target's key set once per run.

  Sources:
  - Commerce Layer's js-auth tests and code [CL-TEST] (docs/sources/commercelayer-auth.md#header-and-signature):
    the header is {alg: "RS512", typ: "JWT", kid}; jwtVerify reads the
    keys from `${iss}/.well-known/jwks.json`, selects the key whose kid equals
    the header's, and verifies RS512; jwtDecode splits three base64url parts.
  - docs/sources/commercelayer-auth.md#issuer-rule (js-auth 8.0.1 src/utils/extractIssuer.ts and its
    spec): the clients take iss as the issuer only when it starts with
    "https://auth."; any other iss, or none, gives https://auth.commercelayer.io.
    jwtVerify reads the keys, revoke posts and getCoreApiBaseEndpoint builds the
    Core API's host from that issuer, and @commercelayer/sdk takes its domain as
    iss minus "https://auth.". The docs do not describe iss, and older tokens
    had none (clients then went to Commerce Layer itself), so a server whose
    iss those clients do not follow is @should.
  - Same source, docs/sources/commercelayer-auth.md#payload-claims: organization {id, slug}; application
    {id, kind, public}, kind "sales_channel" or "integration", a sales channel
    public and an integration not; scope; market {id: [...]} only with a market
    in scope, absent for market:all; exp and iat in epoch seconds; test a
    boolean; iss the issuer.
  - RFC 7515 §4.1.1 (alg), §4.1.4 (kid), §7.1 (compact serialisation); RFC
    7517 §5 (a JWK Set may hold several keys: rotation); RFC 7518 §3.3 (RS512)
    and §3.6 ("none" is not a signature); RFC 7519 §4.1.4 and §4.1.6 (exp and
    iat are NumericDates) and §5.1 (typ "JWT" is RECOMMENDED, hence @should);
    RFC 9068 §2.1 names "at+jwt" for JWT access tokens, which is accepted too;
    RFC 7515 §4.1.9: typ is compared without regard to case.
  - A scope naming two markets gives a market.id listing both (docs/sources/commercelayer-auth.md#several-markets,
    docs/sources/commercelayer-auth.md#payload-claims); like the answer's echo of two markets, it is @should, as the docs
    show no two-market token.
  - The token's lifetime exp − iat is the answer's expires_in (RFC 6749 §5.1),
    with the same allowance for a server that counts down as the lifetime
    check; iat is the time of issue, so within the allowed clock skew of the
    answer's created_at (Commerce Layer docs, client credentials) and of the
    time the answer came.

  @must @cl-test-jwt-verify @rfc7515-4.1 @id:cl-jwt-rs512
  Scenario Outline: <token> is an RS512 JWT signed by a key of the target's JWKS
    Commerce Layer's client tests: the access token is a JWT signed with RS512
    by a key, named by its kid, of the issuer's published key set.

    Given the access token issued for the JSON body:
      """json
      <request>
      """
    Then the access token should be a JWT signed with "RS512" by a key of the target's JWKS
    And the token claim "iss" should name the target as its issuer

    @market @sales_channel
    Examples: the sales channel's guest token for a market
      | token                                                | request                                                                                                              |
      | A sales channel's guest token with a market in scope | {"grant_type": "client_credentials", "client_id": "{{sales_channel.client_id}}", "scope": "market:id:{{market_id}}"} |

    @sales_channel
    Examples: the sales channel's guest token for all markets
      | token                                    | request                                                                          |
      | A sales channel's market:all guest token | {"grant_type": "client_credentials", "client_id": "{{sales_channel.client_id}}"} |

    @integration
    Examples: the integration's token
      | token                  | request                                                                                                                          |
      | An integration's token | {"grant_type": "client_credentials", "client_id": "{{integration.client_id}}", "client_secret": "{{integration.client_secret}}"} |

  @must @market @sales_channel @cl-test-jwt-claims @rfc7519-4.1 @id:cl-jwt-sales-channel-claims
  Scenario: A sales channel's guest token with a market in scope carries the sales channel, the scope and the market
    Commerce Layer's client tests: a sales channel's guest token for a market
    carries the sales channel (application.kind, public), the scope, the
    market and times that match the answer.

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}",
        "scope": "market:id:{{market_id}}"
      }
      """
    Then the token claims should match the schema "access_token_claims"
    And the token claim "organization.id" should be a non-empty string
    And the token claim "organization.slug" should be a non-empty string
    And the token claim "application.kind" should equal "sales_channel"
    And the token claim "application.public" should be true
    And the token claim "scope" should equal the JSON member "scope"
    And the token claim "market.id" should be a list containing "{{market_id}}"
    And the token claim "test" should be a boolean
    And the token lifetime from claim "iat" to claim "exp" should match the JSON member "expires_in"
    And the token claim "iat" should be within the allowed clock skew of the JSON member "created_at"
    And the token claim "iat" should be a Unix time within the allowed clock skew of when the token was issued

  @should @sales_channel @cl-test-jwt-issuer @id:cl-jwt-issuer
  Scenario: A token's issuer sends Commerce Layer's clients to the target
    Commerce Layer's clients: a token's iss SHOULD start with "https://auth."
    and name the target, or its clients look for keys, revocation and the API
    elsewhere.

    Commerce Layer's clients follow iss to the keys, the revocation endpoint and
    the Core API only when it starts with "https://auth."; otherwise they go to
    https://auth.commercelayer.io. A server reached by another name (plain http,
    an address, a host not named auth.…) needs an https://auth.… name in front.

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}"
      }
      """
    Then the token claim "iss" should send Commerce Layer's clients to the target

  @must @sales_channel @cl-test-jwt-claims @rfc7519-4.1 @id:cl-jwt-market-all-no-market
  Scenario: A sales channel's market:all guest token carries no market claim
    Commerce Layer's client tests: a market:all token carries no market claim.

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}"
      }
      """
    Then the token claims should match the schema "access_token_claims"
    And the token claim "application.kind" should equal "sales_channel"
    And the token claim "application.public" should be true
    And the token claim "scope" should equal the JSON member "scope"
    And the token claim "market" should be absent
    And the token lifetime from claim "iat" to claim "exp" should match the JSON member "expires_in"
    And the token claim "iat" should be within the allowed clock skew of the JSON member "created_at"

  @must @integration @cl-test-jwt-claims @rfc7519-4.1 @id:cl-jwt-integration-claims
  Scenario: An integration's token carries the integration and its scope
    Commerce Layer's client tests: an integration's token carries the
    integration (application.kind, not public) and its scope.

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}"
      }
      """
    Then the token claims should match the schema "access_token_claims"
    And the token claim "organization.id" should be a non-empty string
    And the token claim "organization.slug" should be a non-empty string
    And the token claim "application.kind" should equal "integration"
    And the token claim "application.public" should be false
    And the token claim "scope" should equal the JSON member "scope"
    And the token claim "test" should be a boolean
    And the token lifetime from claim "iat" to claim "exp" should match the JSON member "expires_in"
    And the token claim "iat" should be within the allowed clock skew of the JSON member "created_at"
    And the token claim "iat" should be a Unix time within the allowed clock skew of when the token was issued

  @must @market @integration @cl-test-jwt-claims @rfc7519-4.1 @id:cl-jwt-integration-market
  Scenario: An integration's token with a market in scope carries that market
    Commerce Layer's client tests: an integration's token with a market in
    scope carries that market's id in its market claim.

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}",
        "scope": "market:id:{{market_id}}"
      }
      """
    Then the token claims should match the schema "access_token_claims"
    And the token claim "application.kind" should equal "integration"
    And the token claim "scope" should equal the JSON member "scope"
    And the token claim "market.id" should be a list containing "{{market_id}}"

  @should @market @other_market @integration @cl-test-jwt-claims @rfc7519-4.1 @id:cl-jwt-integration-two-markets
  Scenario: An integration's token for two markets lists both in its market claim
    Commerce Layer docs: a token for two markets SHOULD list both ids in its
    market claim.

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}",
        "scope": "market:id:{{market_id}} market:id:{{other_market_id}}"
      }
      """
    Then the token claim "market.id" should be a list containing "{{market_id}}"
    And the token claim "market.id" should be a list containing "{{other_market_id}}"
    And the token claim "scope" should equal the JSON member "scope"

  @should @sales_channel @cl-test-jwt-header @rfc7519-5.1 @rfc9068-2.1 @id:cl-jwt-typ
  Scenario: The token's header says it is a JWT
    RFC 7519 §5.1 and Commerce Layer's client tests: the token's header SHOULD
    say typ JWT (RFC 9068's at+jwt is accepted too).

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}"
      }
      """
    Then the token header "typ" should be one of "JWT, at+jwt" ignoring case
