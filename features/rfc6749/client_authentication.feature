@plain_oauth2
Feature: A confidential client authenticates, in the body or with HTTP Basic, and gets a token

  The rfc6749 profile: plain RFC 6749 §4.4, form-encoded bodies, a client
  that authenticates in the body (client_secret_post, AUTHCONFORM_CLIENT_ID)
  and one that uses HTTP Basic (client_secret_basic,
  AUTHCONFORM_BASIC_CLIENT_ID); they may be the same client. An error
  scenario (@negative) is evidence only when the same client got a token in
  the run, the same way (an unknown client's: when some configured client
  did): otherwise it is reported as inconclusive.

  Sources (RFC 6749, docs/sources/rfc-checklist.md#rfc-6749):
  - §2.3.1: the server MUST support HTTP Basic for clients with a password;
    client_id and secret are form-encoded (Appendix B) before base64; it MAY
    support the credentials in the request body.
  - §4.4.2, §4.4.3, §5.1: the request and the answer; access_token and
    token_type REQUIRED; Cache-Control: no-store MUST be in an answer holding
    a token (@must), Pragma: no-cache too, which RFC 9111 deprecates (@should);
    §7.1: token_type is compared without regard to case.
  - §5.2: a failed client authentication is invalid_client, 400 or 401; when
    the client used HTTP Basic, 401 with WWW-Authenticate naming the scheme
    (a MUST on the server).
  - §5.2: an unknown client is invalid_client too ("unknown client"), 400 or
    401, and 401 with the challenge when it came with HTTP Basic; a 5xx is
    the server failing on the request, never an answer to it.
  - §2.3: "The client MUST NOT use more than one authentication method in each
    request", a rule for the client, so the server's refusal is @should; §5.2
    names it invalid_request ("utilizes more than one mechanism"), and a
    server that takes it as an authentication method the client may not use
    answers invalid_client ("unsupported authentication method"), also §5.2.
    The request is the HTTP Basic client's login with its credentials in the
    body too, and it is evidence only when that client got a token with HTTP
    Basic in the run: a server that binds each client to one method would
    otherwise refuse it for the method alone.
  - §5.1 and §3.3: a scope in the answer is the granted scope in §3.3's
    syntax, one or more scope-tokens, never "" (the profile's schema).
  - §3.3: without scope, the server "MUST either process the request using a
    pre-defined default value or fail the request indicating an invalid
    scope". So every request here asks for the configured scope
    (AUTHCONFORM_SCOPE) when there is one, and only the element under test is
    wrong; the request without scope is judged on its own in
    token_request.feature.
  - §3.2: "The client MUST use the HTTP POST method", and §2.3.1: the secret
    "MUST NOT be included in the request URI": rules for the client, so the
    server's refusal of a GET with the secret in the query string is @should.
    It still matters: a server that answers that request with a token teaches
    clients a request that leaves the secret in logs and browser history.

  @must @client @rfc6749-2.3.1 @rfc6749-5.1 @rfc6749-3.3 @id:rfc-clientauth-body
  Scenario: A client that authenticates in the body gets a token that must not be cached
    RFC 6749 §2.3.1, §4.4.3 and §5.1: a client that authenticates in the body
    gets a bearer token in JSON, with Cache-Control: no-store.

    Given a token request with the parameters:
      | grant_type    | client_credentials       |
      | client_id     | {{client.client_id}}     |
      | client_secret | {{client.client_secret}} |
    And the request asks for the configured scope, if there is one
    When the token request is sent
    Then the response status should be 200
    And the response content type should be JSON
    And the response body should match the token response schema
    And the JSON member "access_token" should be a non-empty string
    And the JSON member "token_type" should equal "bearer" ignoring case
    And the response header "Cache-Control" should include "no-store"
    And the response should not contain a client secret

  @must @basic_client @rfc6749-2.3.1 @rfc6749-5.1 @rfc6749-3.3 @id:rfc-clientauth-basic
  Scenario: A client that authenticates with HTTP Basic gets a token that must not be cached
    RFC 6749 §2.3.1: the server MUST support HTTP Basic; a client that
    authenticates with it gets a token in JSON, with Cache-Control: no-store.

    Given a token request with the parameters:
      | grant_type    | client_credentials             |
      | client_id     | {{basic_client.client_id}}     |
      | client_secret | {{basic_client.client_secret}} |
    And the request asks for the configured scope, if there is one
    And the client authenticates with HTTP Basic
    When the token request is sent
    Then the response status should be 200
    And the response content type should be JSON
    And the response body should match the token response schema
    And the JSON member "access_token" should be a non-empty string
    And the JSON member "token_type" should equal "bearer" ignoring case
    And the response header "Cache-Control" should include "no-store"
    And the response should not contain a client secret

  @should @client @rfc6749-5.1 @id:rfc-clientauth-pragma
  Scenario: A token answer says Pragma no-cache
    RFC 6749 §5.1: a token answer carries Pragma: no-cache (a SHOULD here: RFC
    9111 deprecates Pragma).

    Given a token request with the parameters:
      | grant_type    | client_credentials       |
      | client_id     | {{client.client_id}}     |
      | client_secret | {{client.client_secret}} |
    And the request asks for the configured scope, if there is one
    When the token request is sent
    Then the response status should be 200
    And the response header "Pragma" should include "no-cache"

  @should @client @rfc6749-4.4.3 @id:rfc-clientauth-no-refresh-token
  Scenario: A client_credentials token comes without a refresh token
    RFC 6749 §4.4.3: a client_credentials answer SHOULD NOT include a refresh
    token.

    Given a token request with the parameters:
      | grant_type    | client_credentials       |
      | client_id     | {{client.client_id}}     |
      | client_secret | {{client.client_secret}} |
    And the request asks for the configured scope, if there is one
    When the token request is sent
    Then the response status should be 200
    And the JSON member "refresh_token" should be absent

  @must @basic_client @negative @rfc6749-5.2 @id:rfc-clientauth-basic-challenge
  Scenario Outline: <login> gets 401 invalid_client with a Basic challenge
    RFC 6749 §5.2: a client that failed HTTP Basic authentication MUST get 401
    invalid_client with a WWW-Authenticate header naming the Basic scheme.

    Given a token request with the parameters:
      | grant_type    | client_credentials |
      | client_id     | <client_id>        |
      | client_secret | {{wrong_secret}}   |
    And the request asks for the configured scope, if there is one
    And the client authenticates with HTTP Basic
    When the token request is sent
    Then the response status should be 401
    And the response header "WWW-Authenticate" should name the scheme "Basic"
    And the response body should match the error response schema
    And the OAuth error should be "invalid_client"
    And the response should not contain an access token
    And the response should not contain a client secret

    Examples:
      | login                             | client_id                  |
      | A failed HTTP Basic login         | {{basic_client.client_id}} |
      | An unknown client with HTTP Basic | {{unknown_client_id}}      |

  @must @client @negative @rfc6749-5.2 @id:rfc-clientauth-body-bad-credentials
  Scenario Outline: <credentials> in the body gets invalid_client and no token
    RFC 6749 §5.2: a client that fails to authenticate in the body gets
    invalid_client, 400 or 401, and no token.

    Given a token request with the parameters:
      | grant_type    | client_credentials |
      | client_id     | <client_id>        |
      | client_secret | {{wrong_secret}}   |
    And the request asks for the configured scope, if there is one
    When the token request is sent
    Then the response status should be one of 400, 401
    And the response body should match the error response schema
    And the OAuth error should be "invalid_client"
    And the response should not contain an access token
    And the response should not contain a client secret

    Examples:
      | credentials       | client_id             |
      | A wrong secret    | {{client.client_id}}  |
      | An unknown client | {{unknown_client_id}} |

  @should @client @negative @rfc6749-3.2 @rfc6749-2.3.1 @id:rfc-clientauth-get-secret
  Scenario: A GET with the client's secret in the query string gets no token
    RFC 6749 §2.3.1 and §3.2: a client MUST POST and never puts its secret in
    the URI, so a GET with the secret in the query string SHOULD get no token.

    Given a token request with the parameters:
      | grant_type    | client_credentials       |
      | client_id     | {{client.client_id}}     |
      | client_secret | {{client.client_secret}} |
    And the request asks for the configured scope, if there is one
    When the token request is sent with method "GET" and its parameters in the query string
    Then the response status should be a client error (4xx)
    And the response should not contain an access token

  @should @basic_client @negative @rfc6749-2.3 @rfc6749-5.2 @id:rfc-clientauth-two-methods
  Scenario: A request that authenticates twice, with HTTP Basic and in the body, is refused
    RFC 6749 §2.3: a client MUST NOT use two authentication methods in one
    request; the server SHOULD refuse it with invalid_request or
    invalid_client.

    Given a token request with the parameters:
      | grant_type    | client_credentials             |
      | client_id     | {{basic_client.client_id}}     |
      | client_secret | {{basic_client.client_secret}} |
    And the request asks for the configured scope, if there is one
    And the client authenticates with HTTP Basic and in the body
    When the token request is sent
    Then the request should be refused for authenticating the client twice
    And the response should not contain an access token
