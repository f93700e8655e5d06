@plain_oauth2
Feature: The token request's parameters: grant type, scope, unknown and repeated parameters

  Sources (RFC 6749):
  - §3.2: "The authorization server MUST ignore unrecognized request
    parameters"; "Request and response parameters MUST NOT be included more
    than once" (a rule for both sides, checked as @should since the client
    breaks it first); §5.2 names invalid_request for a repeated parameter.
  - §4.4.2: grant_type REQUIRED, "client_credentials"; §5.2: a missing one is
    invalid_request, one the server does not support unsupported_grant_type;
    the requests are authenticated, so only the element under test is wrong.
  - §3.3: the server MAY issue a different scope than asked and MUST then
    return it; scope syntax is space-separated scope-tokens, never empty
    (the profile's token schema); §5.2: a scope the client may not have is
    invalid_scope, unless the server ignores it (§3.3 "fully or partially
    ignore the scope requested") and says which scope it granted instead.
  - §3.3: "If the client omits the scope parameter when requesting
    authorization, the authorization server MUST either process the request
    using a pre-defined default value or fail the request indicating an
    invalid scope": a token, or §5.2's 400 invalid_scope, both pass. Every
    other request asks for the configured scope (AUTHCONFORM_SCOPE) when
    there is one, so that a server that requires a scope is judged on what
    each scenario tests; the refusal is evidence only when the client got a
    token in the run.
  - §5.1: expires_in, RECOMMENDED (so its presence is @should), is the
    token's lifetime, up to 5 s less for a server that reports the time
    left: the token's own exp − iat when the token is a JWT (RFC 7519
    §4.1.4, §4.1.6; for a token whose iat is dated back, the time from the
    answer to exp, as §5.1 counts "from the time the response was
    generated"), and the one AUTHCONFORM_EXPIRES_IN configures when set;
    without it, of an opaque token nothing but a positive number of
    seconds.

  @must @client @rfc6749-5.1 @id:rfc-token-expires-in
  Scenario: A token's expires_in, when given, is its lifetime
    RFC 6749 §5.1: expires_in, when given, is the access token's lifetime in
    seconds.

    Given a token request with the parameters:
      | grant_type    | client_credentials       |
      | client_id     | {{client.client_id}}     |
      | client_secret | {{client.client_secret}} |
    And the request asks for the configured scope, if there is one
    When the token request is sent
    Then the response status should be 200
    And the JSON member "expires_in", if present, should be the lifetime of the client's tokens

  @should @client @rfc6749-5.1 @id:rfc-token-expires-in-given
  Scenario: A token answer gives the token's lifetime in expires_in
    RFC 6749 §5.1: expires_in is RECOMMENDED: a token answer SHOULD give the
    token's lifetime.

    Given a token request with the parameters:
      | grant_type    | client_credentials       |
      | client_id     | {{client.client_id}}     |
      | client_secret | {{client.client_secret}} |
    And the request asks for the configured scope, if there is one
    When the token request is sent
    Then the response status should be 200
    And the JSON member "expires_in" should be an integer

  @must @client @rfc6749-3.2 @id:rfc-token-unknown-parameters
  Scenario: Unknown parameters are ignored
    RFC 6749 §3.2: the server MUST ignore request parameters it does not
    recognise.

    Given a token request with the parameters:
      | grant_type         | client_credentials       |
      | client_id          | {{client.client_id}}     |
      | client_secret      | {{client.client_secret}} |
      | authconform_ignore | this parameter is unknown |
    And the request asks for the configured scope, if there is one
    When the token request is sent
    Then the response status should be 200
    And the JSON member "access_token" should be a non-empty string

  @must @client @scope @rfc6749-3.3 @id:rfc-token-scope
  Scenario: A scope the client may have gets a token, with any returned scope well-formed
    RFC 6749 §3.3 and §5.1: a scope the client may have gets a token; a scope
    in the answer is well-formed, space-separated scope-tokens.

    Given a token request with the parameters:
      | grant_type    | client_credentials       |
      | client_id     | {{client.client_id}}     |
      | client_secret | {{client.client_secret}} |
      | scope         | {{scope}}                |
    When the token request is sent
    Then the response status should be 200
    And the response body should match the token response schema

  @must @client @negative @rfc6749-3.3 @id:rfc-token-default-scope
  Scenario: A request without scope gets a token under a default scope, or invalid_scope
    RFC 6749 §3.3: without scope, the server MUST either apply a default scope
    or refuse the request with invalid_scope.

    Given a token request with the parameters:
      | grant_type    | client_credentials       |
      | client_id     | {{client.client_id}}     |
      | client_secret | {{client.client_secret}} |
    When the token request is sent
    Then the request without a scope should get a token under a default scope, or invalid_scope

  @must @client @forbidden_scope @negative @rfc6749-5.2 @rfc6749-3.3 @id:rfc-token-forbidden-scope
  Scenario: A scope the client may not have is refused, or left out of the scope granted
    RFC 6749 §3.3 and §5.2: a scope the client may not have is refused with
    invalid_scope, or left out of the scope the answer says it granted.

    Given a token request with the parameters:
      | grant_type    | client_credentials       |
      | client_id     | {{client.client_id}}     |
      | client_secret | {{client.client_secret}} |
      | scope         | {{forbidden_scope}}      |
    When the token request is sent
    Then the scope "{{forbidden_scope}}" should be refused with invalid_scope, or left out of the granted scope

  @must @client @negative @rfc6749-5.2 @id:rfc-token-unsupported-grant-type
  Scenario: An authenticated client's unsupported grant type gets unsupported_grant_type
    RFC 6749 §5.2: a grant type the server does not support gets
    unsupported_grant_type.

    Given a token request with the parameters:
      | grant_type    | urn:authconform:unsupported |
      | client_id     | {{client.client_id}}        |
      | client_secret | {{client.client_secret}}    |
    And the request asks for the configured scope, if there is one
    When the token request is sent
    Then the response status should be 400
    And the response body should match the error response schema
    And the OAuth error should be "unsupported_grant_type"
    And the response should not contain an access token

  @must @client @negative @rfc6749-4.4.2 @rfc6749-5.2 @id:rfc-token-missing-grant-type
  Scenario: An authenticated client's request without grant_type gets invalid_request
    RFC 6749 §4.4.2 and §5.2: grant_type is required; a request without it
    gets invalid_request.

    Given a token request with the parameters:
      | client_id     | {{client.client_id}}     |
      | client_secret | {{client.client_secret}} |
    And the request asks for the configured scope, if there is one
    When the token request is sent
    Then the response status should be 400
    And the response body should match the error response schema
    And the OAuth error should be "invalid_request"
    And the response should not contain an access token

  @should @client @negative @rfc6749-3.2 @rfc6749-5.2 @id:rfc-token-repeated-parameter
  Scenario: A repeated parameter gets invalid_request
    RFC 6749 §3.2: a parameter MUST NOT be sent more than once; a repeated one
    SHOULD get invalid_request (§5.2).

    Given a token request with the parameters:
      | grant_type    | client_credentials       |
      | grant_type    | client_credentials       |
      | client_id     | {{client.client_id}}     |
      | client_secret | {{client.client_secret}} |
    And the request asks for the configured scope, if there is one
    When the token request is sent
    Then the response status should be 400
    And the OAuth error should be "invalid_request"
    And the response should not contain an access token
