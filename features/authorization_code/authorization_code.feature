@commercelayer @webapp
Feature: A webapp exchanges an authorization code for a token that acts for the user

  A webapp sends the user to the authorize endpoint, gets a code back at its
  redirect URI, and exchanges the code, with its secret, at the token
  endpoint. The suite gets its codes from AUTHCONFORM_AUTHORIZE_URL (a test
  server's endpoint that approves at once) or, for the one scenario that
  needs a single code, from AUTHCONFORM_AUTHORIZATION_CODE, a fresh code a
  person obtained with scope market:all. It reads the authorize endpoint's
  redirect without following it. Codes are credentials: masked in every
  output, read from AUTHCONFORM_AUTHORIZATION_CODE in reproduce lines.

  Sources:
  - Commerce Layer docs, "Authentication > Authorization code"
    (docs/sources/commercelayer-auth.md#authorization-code): the authorize
    request carries client_id, redirect_uri, scope, response_type=code and
    optionally state; the exchange sends grant_type authorization_code,
    code, client_id, client_secret, redirect_uri and the scope; a code
    expires after 10 minutes. Webapps are confidential credentials and
    authenticate with their secret ("Authentication").
  - Commerce Layer docs: a token that acts for a user comes with a refresh
    token, owner_id and owner_type "user"; js-auth's types [CL-TEST] say the
    same of the authorization code answer
    (docs/sources/commercelayer-auth.md#member-sets-per-grant). Decoded
    webapp tokens [CL-TEST] say application.kind "webapp", public false, and
    owner.type "User" (docs/sources/commercelayer-auth.md#payload-claims).
  - A webapp token's lifetime is 2 hours by default and set per credential
    in the dashboard (docs/sources/commercelayer-auth.md#lifetimes): it is
    judged against AUTHCONFORM_WEBAPP_EXPIRES_IN when set, else against the
    token's own exp − iat.
  - RFC 6749 §4.1.2 (docs/sources/rfc-checklist.md#authorization-code-grant):
    the redirect carries the code and "the exact value received from the
    client" as state; the client MUST NOT use a code more than once, and if
    it does the server "MUST deny the request and SHOULD revoke (when
    possible) all tokens previously issued based on that authorization
    code": the refusal is @must, the revocation @should (checked at the
    protected resource, AUTHCONFORM_RESOURCE_URL).
  - RFC 6749 §4.1.3: the redirect_uri of the exchange must be identical to
    the authorize request's, and the server authenticates the client before
    it checks that the code was issued to "the authenticated confidential
    client": a wrong secret is invalid_client whatever the code, so that
    scenario, like the unknown code's, needs no code and runs whenever the
    webapp is configured. §5.2: a code that is invalid, reused or bound to
    another redirection URI is invalid_grant, answered 400.

  @must @authorize_url @rfc6749-4.1.2 @docs-authorization-code @id:cl-code-authorize-redirect
  Scenario: The authorize endpoint sends the user back to the redirect_uri with a code and the state it was sent
    RFC 6749 §4.1.2: a granted authorization request sends the user back to
    the client's redirection URI with a code, and with the exact state the
    client sent.

    When the authorize endpoint is asked for a code for the webapp
    Then the answer should redirect to the webapp's redirect_uri with a code and the state sent

  @must @authorization_code @rfc6749-4.1.3 @docs-authorization-code @cl-test-jwt-claims @id:cl-code-exchange
  Scenario: A webapp exchanges its code for a token that acts for the user, with a refresh token
    Commerce Layer docs, "Authorization code": a webapp exchanges its code,
    with its secret and redirect_uri, for a token that acts for the user
    (owner_type "user") and comes with a refresh token.

    Given the webapp's authorization code
    And a token request with the JSON body:
      """json
      {
        "grant_type": "authorization_code",
        "code": "{{authorization_code}}",
        "client_id": "{{webapp.client_id}}",
        "client_secret": "{{webapp.client_secret}}",
        "redirect_uri": "{{webapp.redirect_uri}}",
        "scope": "market:all"
      }
      """
    When the token request is sent
    Then the response status should be 200
    And the response body should match the token response schema
    And the JSON member "token_type" should equal "bearer" ignoring case
    And the JSON member "scope" should equal "market:all"
    And the JSON member "refresh_token" should be a non-empty string
    And the JSON member "owner_id" should be a non-empty string
    And the JSON member "owner_type" should equal "user"
    And the JSON member "expires_in" should be the webapp's lifetime, as configured or else as the token says
    And the JSON member "created_at" should be a Unix time within the allowed clock skew of now
    And the response should not contain a client secret
    And the access token should be a JWT signed with "RS512" by a key of the target's JWKS
    And the token claim "owner.type" should equal "User"
    And the token claim "owner.id" should equal the JSON member "owner_id"
    And the token claim "application.kind" should equal "webapp"
    And the token claim "application.public" should be false
    And the token claim "scope" should equal the JSON member "scope"

  @must @authorize_url @rfc6749-4.1.2 @docs-authorization-code @id:cl-code-reused-refused
  Scenario: A code exchanged once is refused the second time with invalid_grant and no token
    RFC 6749 §4.1.2: a code used more than once MUST be refused
    (invalid_grant, no token).

    Given a fresh authorization code from the authorize endpoint
    And a token request with the JSON body:
      """json
      {
        "grant_type": "authorization_code",
        "code": "{{authorization_code}}",
        "client_id": "{{webapp.client_id}}",
        "client_secret": "{{webapp.client_secret}}",
        "redirect_uri": "{{webapp.redirect_uri}}",
        "scope": "market:all"
      }
      """
    When the token request is sent
    Then the response status should be 200
    When the token request is sent
    Then the response status should be 400
    And the response body should match the error response schema
    And the OAuth error should be "invalid_grant"
    And the response should not contain an access token

  @should @authorize_url @resource @rfc6749-4.1.2 @id:cl-code-reused-revokes
  Scenario: The token a reused code gave no longer works once the code is presented again
    RFC 6749 §4.1.2: when a code is used twice, the server SHOULD revoke the
    tokens already issued on it.

    Given a fresh authorization code from the authorize endpoint
    And a token request with the JSON body:
      """json
      {
        "grant_type": "authorization_code",
        "code": "{{authorization_code}}",
        "client_id": "{{webapp.client_id}}",
        "client_secret": "{{webapp.client_secret}}",
        "redirect_uri": "{{webapp.redirect_uri}}",
        "scope": "market:all"
      }
      """
    When the token request is sent
    Then the response status should be 200
    And the access token is remembered as "first token"
    When the token request is sent
    Then the response status should be 400
    When the protected resource is requested with the access token remembered as "first token"
    Then the response status should be 401

  @must @negative @authorize_url @rfc6749-4.1.3 @docs-authorization-code @id:cl-code-other-redirect-uri
  Scenario: A code exchanged with another redirect_uri than the authorize request's gets invalid_grant and no token
    RFC 6749 §4.1.3: the exchange's redirect_uri MUST be identical to the
    authorize request's; another one gets invalid_grant and no token.

    Given a fresh authorization code from the authorize endpoint
    And a token request with the JSON body:
      """json
      {
        "grant_type": "authorization_code",
        "code": "{{authorization_code}}",
        "client_id": "{{webapp.client_id}}",
        "client_secret": "{{webapp.client_secret}}",
        "redirect_uri": "{{webapp.other_redirect_uri}}",
        "scope": "market:all"
      }
      """
    When the token request is sent
    Then the response status should be 400
    And the response body should match the error response schema
    And the OAuth error should be "invalid_grant"
    And the response should not contain an access token

  @must @negative @rfc6749-5.2 @docs-authorization-code @id:cl-code-unknown
  Scenario: A code the target never issued gets invalid_grant and no token
    RFC 6749 §4.1.3 and §5.2: a code the server never issued is an invalid
    grant: invalid_grant, and no token.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "authorization_code",
        "code": "{{unknown_code}}",
        "client_id": "{{webapp.client_id}}",
        "client_secret": "{{webapp.client_secret}}",
        "redirect_uri": "{{webapp.redirect_uri}}",
        "scope": "market:all"
      }
      """
    When the token request is sent
    Then the response status should be 400
    And the response body should match the error response schema
    And the OAuth error should be "invalid_grant"
    And the response should not contain an access token

  @must @negative @rfc6749-3.2.1 @docs-authorization-code @id:cl-code-wrong-secret
  Scenario: A webapp with a wrong client secret gets invalid_client and no token
    RFC 6749 §3.2.1: a confidential client MUST authenticate at the token
    endpoint; a wrong secret gets invalid_client and no token, whatever the
    code.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "authorization_code",
        "code": "{{unknown_code}}",
        "client_id": "{{webapp.client_id}}",
        "client_secret": "{{wrong_secret}}",
        "redirect_uri": "{{webapp.redirect_uri}}",
        "scope": "market:all"
      }
      """
    When the token request is sent
    Then the response status should be one of 400, 401
    And the response body should match the error response schema
    And the OAuth error should be "invalid_client"
    And the response should not contain an access token
    And the response should not contain a client secret
