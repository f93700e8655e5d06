@commercelayer @client_credentials @integration
Feature: An integration gets a token with its client secret

  Sources:
  - Commerce Layer docs, "Authentication > Client credentials" (docs/sources/commercelayer-auth.md#documented-examples):
    "Integrations use the client_credentials grant type to get an access token
    for themselves"; the example request sends client_id and client_secret in
    a JSON body and the example answer is 200 with token_type "bearer",
    expires_in 7200, scope "market:all" and created_at.
  - Commerce Layer docs, "Authentication": integration tokens last 2 hours
    (7200 s) by default, adjustable per API credential (docs/sources/commercelayer-auth.md#lifetimes). So
    expires_in is the token's own exp − iat (RFC 6749 §5.1), and the
    lifetime AUTHCONFORM_INTEGRATION_EXPIRES_IN configures when set, up to
    5 s less; a lifetime other than the documented default, not
    configured, is only a warning (@should).
  - Commerce Layer docs, "Authentication": the scope may restrict a token to
    a market, "market:id:{{id}}"; js-auth tests [CL-TEST] show the requested
    scope echoed exactly (docs/sources/commercelayer-auth.md#scope-syntax).
  - RFC 6749 §4.4.3, §5.1, §7.1 as for the sales channel.
  - Scopes naming two markets: several scopes are space-separated (RFC 6749
    §3.3 "a list of space-delimited, case-sensitive strings"; Commerce Layer's
    legacy docs and clients in the wild, docs/sources/commercelayer-auth.md#scope-syntax). That the answer echoes
    both is not documented for two markets, so that scenario is @should; it
    needs a second market (AUTHCONFORM_OTHER_MARKET_ID).

  @must @rfc6749-4.4 @rfc6749-5.1 @docs-client-credentials @id:cl-cc-integration-all-markets
  Scenario: An integration with its secret and no scope gets a token for all markets
    Commerce Layer docs, "Client credentials": an integration that sends its
    client_id and secret, and no scope, gets a bearer token for market:all
    (RFC 6749 §4.4.3, §5.1).

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}"
      }
      """
    When the token request is sent
    Then the response status should be 200
    And the response body should match the token response schema
    And the JSON member "access_token" should be a non-empty string
    And the JSON member "token_type" should equal "bearer" ignoring case
    And the JSON member "scope" should equal "market:all"
    And the JSON member "expires_in" should be the lifetime of the integration's tokens
    And the JSON member "created_at" should be a Unix time within the allowed clock skew of now
    And the JSON member "refresh_token" should be absent
    And the response should not contain a client secret

  @must @market @rfc6749-3.3 @docs-authentication-scope @id:cl-cc-integration-market
  Scenario: An integration with its secret and a market in scope gets that scope echoed
    Commerce Layer docs, "Authentication": a scope of market:id:ID restricts
    the integration's token to that market, and the answer says so.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}",
        "scope": "market:id:{{market_id}}"
      }
      """
    When the token request is sent
    Then the response status should be 200
    And the response body should match the token response schema
    And the JSON member "scope" should equal "market:id:{{market_id}}"
    And the JSON member "expires_in" should be the lifetime of the integration's tokens
    And the response should not contain a client secret

  @should @market @other_market @rfc6749-3.3 @id:cl-cc-integration-two-markets
  Scenario: An integration with two markets in scope gets both echoed
    RFC 6749 §3.3: a scope is a list of space-separated values; an integration
    that asks for two markets SHOULD get both back in the answer's scope.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}",
        "scope": "market:id:{{market_id}} market:id:{{other_market_id}}"
      }
      """
    When the token request is sent
    Then the response status should be 200
    And the response body should match the token response schema
    And the JSON member "scope" should equal "market:id:{{market_id}} market:id:{{other_market_id}}"

  @should @integration @docs-authentication-lifetimes @id:cl-cc-integration-lifetime
  Scenario: An integration's token lasts the documented 2 hours, unless its lifetime is configured
    Commerce Layer docs, "Authentication": an integration's token lasts 2
    hours (7200 s) unless its credential's lifetime was changed.

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}"
      }
      """
    Then the JSON member "expires_in" should be the documented default of 7200 seconds, unless the integration's lifetime is configured
