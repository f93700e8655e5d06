@commercelayer @client_credentials @sales_channel
Feature: A sales channel gets a guest token with the client_credentials grant

  Sources:
  - Commerce Layer docs, "Authentication > Client credentials" (docs/sources/commercelayer-auth.md#documented-examples):
    "Sales channels use the client_credentials grant type to get a 'guest'
    access token", sent as POST /oauth/token with a JSON body; "they don't
    require the client_secret argument"; the example answer is 200 with
    access_token, token_type "bearer", expires_in 14400, the scope, created_at.
  - Commerce Layer docs, "Authentication": sales channel tokens last 4 hours
    (14400 s) by default, adjustable per API credential
    (docs/sources/commercelayer-auth.md#lifetimes; real tokens in
    js-auth's tests [CL-TEST] live 7200, 14400, 172800 and 1296000 s). So
    expires_in is the lifetime the token carries, its exp − iat (RFC 6749
    §5.1: "the lifetime in seconds of the access token"), and the one
    AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN configures when set, up to 5 s
    less for a server that counts down; a lifetime other than the
    documented default, not configured, is only a warning (@should).
  - RFC 6749 §4.4.3 and §5.1: the success response members and their types;
    §7.1: the token type is compared without regard to case; §4.4.3: "A
    refresh token SHOULD NOT be included".
  - js-auth integration tests [CL-TEST] (docs/sources/commercelayer-auth.md#default-scope): a sales
    channel that asks for no scope gets "market:all".

  @must @market @rfc6749-4.4 @rfc6749-5.1 @docs-client-credentials @id:cl-cc-sales-channel-market
  Scenario: A sales channel with a market in scope and no secret gets a guest token
    Commerce Layer docs, "Client credentials": a sales channel sends its
    client_id and no secret, and gets a guest bearer token for the market in
    scope (RFC 6749 §4.4.3, §5.1).

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}",
        "scope": "market:id:{{market_id}}"
      }
      """
    When the token request is sent
    Then the response status should be 200
    And the response body should match the token response schema
    And the JSON member "access_token" should be a non-empty string
    And the JSON member "token_type" should equal "bearer" ignoring case
    And the JSON member "scope" should equal "market:id:{{market_id}}"
    And the JSON member "expires_in" should be the lifetime of the sales channel's tokens
    And the JSON member "created_at" should be a Unix time within the allowed clock skew of now
    And the JSON member "refresh_token" should be absent

  @must @rfc6749-3.3 @cl-test-default-scope @id:cl-cc-sales-channel-default-scope
  Scenario: A sales channel that asks for no scope gets the market:all scope
    Commerce Layer's client tests: a sales channel that asks for no scope gets
    market:all, the default (RFC 6749 §3.3: a server may apply a default
    scope).

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}"
      }
      """
    When the token request is sent
    Then the response status should be 200
    And the response body should match the token response schema
    And the JSON member "scope" should equal "market:all"
    And the JSON member "expires_in" should be the lifetime of the sales channel's tokens
    And the JSON member "refresh_token" should be absent

  @should @sales_channel @docs-authentication-lifetimes @id:cl-cc-sales-channel-lifetime
  Scenario: A sales channel's token lasts the documented 4 hours, unless its lifetime is configured
    Commerce Layer docs, "Authentication": a sales channel's token lasts 4
    hours (14400 s) unless its credential's lifetime was changed.

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}"
      }
      """
    Then the JSON member "expires_in" should be the documented default of 14400 seconds, unless the sales channel's lifetime is configured
