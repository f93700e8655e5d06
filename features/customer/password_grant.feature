@commercelayer @customer @sales_channel @market
Feature: A customer signs in with the sales channel: the password grant

  A storefront signs its customer in with the sales channel's client_id and
  the customer's email and password. The customer is AUTHCONFORM_CUSTOMER_EMAIL
  with AUTHCONFORM_CUSTOMER_PASSWORD (or _FILE); without them these scenarios
  are left out. One login answers every scenario that only judges its answer:
  the token request is sent once per run. The wrong password and the unknown
  email are generated for each run; each is sent once, and the scenario that
  compares the two answers judges those.

  Sources:
  - Commerce Layer docs, "Authentication > Password"
    (docs/sources/commercelayer-auth.md#parameters-per-grant,
    docs/sources/commercelayer-auth.md#grants-per-kind-of-credential): a sales
    channel sends grant_type "password", its client_id, the customer's email
    as username, the password, and optionally a scope; the example answer
    (docs/sources/commercelayer-auth.md#documented-examples) is 200 with the
    client credentials members plus refresh_token, owner_id and owner_type
    "customer".
  - Commerce Layer's js-auth tests [CL-TEST]
    (docs/sources/commercelayer-auth.md#member-sets-per-grant): a password
    answer has exactly access_token, token_type, expires_in, scope,
    created_at, refresh_token, owner_id and owner_type. RFC 6749 §5.1 lets a
    server add members clients ignore, so the exact set is a @should.
  - Lifetimes (docs/sources/commercelayer-auth.md#lifetimes): a customer's
    token lasts as long as the sales channel's guest token, 4 hours by
    default (AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN), judged as the client
    credentials features judge it.
  - The token's claims [CL-TEST] (docs/sources/commercelayer-auth.md#payload-claims):
    a customer's token is the sales channel's (application.kind
    "sales_channel", public) and carries owner {id, type: "Customer"}; its id
    is the answer's owner_id. Header, signature and issuer as for every token
    (features/token/access_token_jwt.feature).
  - RFC 6749 §4.3.2: the server validates the resource owner's credentials;
    §5.2: invalid_grant when "the provided authorization grant (e.g., ...
    resource owner credentials) ... is invalid", status 400. Commerce Layer
    does not document the status of its errors, and the Doorkeeper versions
    it seems to run answered 401 to every token error
    (docs/sources/commercelayer-auth.md#doorkeeper-codes-and-statuses), so 400
    and 401 both pass.
  - A wrong password and an email no customer has: §5.2 has one code for
    both, and an answer that differs tells anyone which emails are customers'
    (RFC 6749 §10.10: the server keeps resource owner passwords from being
    guessed). The docs say nothing of it, so it is a @should.

  @must @docs-password @rfc6749-4.3 @rfc6749-5.1 @id:cl-password-sign-in
  Scenario: A customer signs in with the sales channel and gets a token for the market in scope
    Commerce Layer docs, "Password": a sales channel signs its customer in
    with grant_type password, its client_id, the customer's email and
    password, and gets a token with a refresh token, owner_id and owner_type
    "customer".

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "password",
        "client_id": "{{sales_channel.client_id}}",
        "username": "{{customer.email}}",
        "password": "{{customer.password}}",
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
    And the JSON member "refresh_token" should be a non-empty string
    And the JSON member "owner_id" should be a non-empty string
    And the JSON member "owner_type" should equal "customer"

  @should @cl-test-member-sets @id:cl-password-member-set
  Scenario: A customer's token answer has exactly the members Commerce Layer's tests assert
    Commerce Layer's client tests: a password answer has exactly access_token,
    token_type, expires_in, scope, created_at, refresh_token, owner_id and
    owner_type.

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "password",
        "client_id": "{{sales_channel.client_id}}",
        "username": "{{customer.email}}",
        "password": "{{customer.password}}",
        "scope": "market:id:{{market_id}}"
      }
      """
    Then the JSON members should be exactly "access_token, token_type, expires_in, refresh_token, scope, created_at, owner_id, owner_type"

  @must @cl-test-jwt-verify @cl-test-jwt-claims @rfc7519-4.1 @id:cl-password-jwt
  Scenario: A customer's token is an RS512 JWT of the sales channel that names the customer as its owner
    Commerce Layer's client tests: a customer's token is an RS512 JWT of the
    sales channel, verifiable with the target's keys, whose owner is the
    customer the answer names.

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "password",
        "client_id": "{{sales_channel.client_id}}",
        "username": "{{customer.email}}",
        "password": "{{customer.password}}",
        "scope": "market:id:{{market_id}}"
      }
      """
    Then the access token should be a JWT signed with "RS512" by a key of the target's JWKS
    And the token claim "iss" should name the target as its issuer
    And the token claims should match the schema "access_token_claims"
    And the token claim "application.kind" should equal "sales_channel"
    And the token claim "application.public" should be true
    And the token claim "owner.type" should equal "Customer"
    And the token claim "owner.id" should equal the JSON member "owner_id"
    And the token claim "scope" should equal the JSON member "scope"
    And the token claim "market.id" should be a list containing "{{market_id}}"
    And the token lifetime from claim "iat" to claim "exp" should match the JSON member "expires_in"
    And the token claim "iat" should be within the allowed clock skew of the JSON member "created_at"

  @must @negative @docs-password @rfc6749-5.2 @id:cl-password-wrong-login
  Scenario Outline: <login> gets invalid_grant and no token
    RFC 6749 §4.3.2 and §5.2: the server validates the customer's credentials;
    a wrong password or an unknown email gets invalid_grant and no token.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "password",
        "client_id": "{{sales_channel.client_id}}",
        "username": "<username>",
        "password": "{{wrong_password}}",
        "scope": "market:id:{{market_id}}"
      }
      """
    When the token request is sent
    Then the response status should be one of 400, 401
    And the response should be an OAuth error with no access token
    And the OAuth error should be "invalid_grant"

    Examples:
      | login                    | username           |
      | A wrong password         | {{customer.email}} |
      | An email no customer has | {{unknown_email}}  |

  @should @negative @rfc6749-5.2 @rfc6749-10.10 @id:cl-password-no-email-oracle
  Scenario: A wrong password and an unknown email get answers that cannot be told apart
    RFC 6749 §10.10: the server keeps resource owners' credentials from being
    guessed, so a wrong password and an unknown email SHOULD get the same
    answer.

    Given the answer to the token request with the JSON body:
      """json
      {
        "grant_type": "password",
        "client_id": "{{sales_channel.client_id}}",
        "username": "{{customer.email}}",
        "password": "{{wrong_password}}",
        "scope": "market:id:{{market_id}}"
      }
      """
    And the response is remembered as "wrong password"
    Given the answer to the token request with the JSON body:
      """json
      {
        "grant_type": "password",
        "client_id": "{{sales_channel.client_id}}",
        "username": "{{unknown_email}}",
        "password": "{{wrong_password}}",
        "scope": "market:id:{{market_id}}"
      }
      """
    Then the response should not be told apart from the one remembered as "wrong password"
