@commercelayer @jwt_bearer
Feature: A client exchanges a JWT bearer assertion for a token that acts for its owner and carries its claims

  The suite builds each assertion itself, as Commerce Layer's js-auth does:
  a JWT (HS512, signed with a key made for the run) whose
  "https://commercelayer.io/claims" are the claims the scenario writes, and
  an iat. The client is the sales channel with its secret
  (AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET), else the integration; the
  owner is AUTHCONFORM_CUSTOMER_ID. Assertions and their key are secrets:
  masked in every output, read from AUTHCONFORM_ASSERTION in reproduce
  lines.

  Sources:
  - Commerce Layer docs, "Authentication > JWT bearer"
    (docs/sources/commercelayer-auth.md#jwt-bearer-assertions): sales
    channels and webapps send grant_type
    urn:ietf:params:oauth:grant-type:jwt-bearer and one JWT as assertion;
    the server decodes it without checking its signature, checks that it is
    well formed and not too big and that the user it names exists, and
    issues a token that acts for that owner; custom claims may be added.
    RFC 7523 §2.1: the assertion is a single JWT.
  - Commerce Layer docs: a token that acts for a customer comes with a
    refresh token, owner_id and owner_type "customer"
    (docs/sources/commercelayer-auth.md#success-response). js-auth's
    integration tests [CL-TEST] agree, and show the rest
    (docs/sources/commercelayer-auth.md#member-sets-per-grant): an
    assertion with only a custom claim gets a refresh token and no owner
    members; the token's owner claim is the assertion's owner, its
    custom_claim the assertion's, special characters kept; without scope the
    token gets market:all.
  - js-auth's tests [CL-TEST]: empty claims are answered 400
    invalid_assertion; js-auth's types cap an assertion at 4 KB and require
    an owner or a custom claim. RFC 7521 §4.1.1 names invalid_grant for an
    invalid assertion, so either code passes
    (docs/sources/rfc-checklist.md#rfc-7521-and-rfc-7523). Where the docs
    leave the refusal's code open (too big, not a JWT, an owner the target
    does not know) any 400 OAuth error passes.

  @must @customer_id @docs-jwt-bearer @cl-test-jwt-bearer @rfc7523-2.1 @id:cl-jwtb-customer
  Scenario: An assertion naming a customer gets a token that acts for that customer, with a refresh token
    Commerce Layer docs, "JWT bearer": an assertion naming a customer gets a
    token that acts for that customer, with a refresh token, owner_id and
    owner_type "customer".

    Given a JWT bearer assertion with the claims:
      """json
      {"owner": {"type": "Customer", "id": "{{customer_id}}"}}
      """
    And a token request with the JSON body:
      """json
      {
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "client_id": "{{jwt_bearer.client_id}}",
        "client_secret": "{{jwt_bearer.client_secret}}",
        "assertion": "{{assertion}}"
      }
      """
    When the token request is sent
    Then the response status should be 200
    And the response body should match the token response schema
    And the JSON member "token_type" should equal "bearer" ignoring case
    And the JSON member "scope" should equal "market:all"
    And the JSON member "refresh_token" should be a non-empty string
    And the JSON member "owner_id" should equal "{{customer_id}}"
    And the JSON member "owner_type" should equal "customer"
    And the response should not contain a client secret
    And the access token should be a JWT signed with "RS512" by a key of the target's JWKS
    And the token claim "owner.type" should equal "Customer"
    And the token claim "owner.id" should equal "{{customer_id}}"
    And the token lifetime from claim "iat" to claim "exp" should match the JSON member "expires_in"

  @must @docs-jwt-bearer @cl-test-jwt-bearer @id:cl-jwtb-custom-claim
  Scenario: An assertion with only a custom claim gets a token for nobody that carries the claim unchanged
    Commerce Layer docs and client tests: an assertion with only a custom
    claim gets a token for no owner that carries the custom claim exactly as
    sent.

    Given a JWT bearer assertion with the claims:
      """json
      {"custom_claim": {"greeting": "Grüße, 世界 ✓", "nested": {"list": [1, "two", null], "ratio": 2.5, "flag": true}}}
      """
    And a token request with the JSON body:
      """json
      {
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "client_id": "{{jwt_bearer.client_id}}",
        "client_secret": "{{jwt_bearer.client_secret}}",
        "assertion": "{{assertion}}"
      }
      """
    When the token request is sent
    Then the response status should be 200
    And the response body should match the token response schema
    And the JSON member "refresh_token" should be a non-empty string
    And the JSON member "owner_id" should be absent
    And the JSON member "owner_type" should be absent
    And the token claim "custom_claim" should equal the JSON value {"greeting": "Grüße, 世界 ✓", "nested": {"list": [1, "two", null], "ratio": 2.5, "flag": true}}
    And the token claim "owner" should be absent

  @must @negative @docs-jwt-bearer @cl-test-jwt-bearer @rfc7521-4.1.1 @id:cl-jwtb-empty-claims
  Scenario: An assertion whose claims are empty gets 400 and no token
    Commerce Layer's client tests and RFC 7521 §4.1.1: an assertion whose
    Commerce Layer claims are empty is refused with 400 (invalid_assertion or
    invalid_grant) and no token.

    Given a JWT bearer assertion with the claims:
      """json
      {}
      """
    And a token request with the JSON body:
      """json
      {
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "client_id": "{{jwt_bearer.client_id}}",
        "client_secret": "{{jwt_bearer.client_secret}}",
        "assertion": "{{assertion}}"
      }
      """
    When the token request is sent
    Then the response status should be 400
    And the response body should match the error response schema
    And the OAuth error should be one of "invalid_assertion, invalid_grant"
    And the response should not contain an access token

  @must @negative @docs-jwt-bearer @id:cl-jwtb-too-big
  Scenario: An assertion over 4 KB is refused with a 400 OAuth error and no token
    Commerce Layer docs, "JWT bearer": an assertion over 4 KB is refused with
    a 400 OAuth error and no token.

    Given a JWT bearer assertion over 4 KB with the claims:
      """json
      {"custom_claim": {"purpose": "an assertion larger than js-auth allows"}}
      """
    And a token request with the JSON body:
      """json
      {
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "client_id": "{{jwt_bearer.client_id}}",
        "client_secret": "{{jwt_bearer.client_secret}}",
        "assertion": "{{assertion}}"
      }
      """
    When the token request is sent
    Then the response status should be 400
    And the response body should match the error response schema
    And the response should not contain an access token

  @must @negative @docs-jwt-bearer @rfc7523-2.1 @id:cl-jwtb-not-a-jwt
  Scenario: An assertion that is not a JWT is refused with a 400 OAuth error and no token
    RFC 7523 §2.1 and Commerce Layer docs: the assertion is a single JWT;
    anything else is refused with a 400 OAuth error and no token.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "client_id": "{{jwt_bearer.client_id}}",
        "client_secret": "{{jwt_bearer.client_secret}}",
        "assertion": "authconform-not-a-jwt"
      }
      """
    When the token request is sent
    Then the response status should be 400
    And the response body should match the error response schema
    And the response should not contain an access token

  @must @negative @docs-jwt-bearer @id:cl-jwtb-unknown-customer
  Scenario: An assertion naming a customer the target does not know is refused with a 400 OAuth error and no token
    Commerce Layer docs, "JWT bearer": the server checks that the user the
    assertion names exists; an unknown customer is refused with a 400 OAuth
    error and no token.

    Given a JWT bearer assertion with the claims:
      """json
      {"owner": {"type": "Customer", "id": "{{unknown_customer_id}}"}}
      """
    And a token request with the JSON body:
      """json
      {
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "client_id": "{{jwt_bearer.client_id}}",
        "client_secret": "{{jwt_bearer.client_secret}}",
        "assertion": "{{assertion}}"
      }
      """
    When the token request is sent
    Then the response status should be 400
    And the response body should match the error response schema
    And the response should not contain an access token
