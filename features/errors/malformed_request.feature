@commercelayer @client_credentials @errors @negative @sales_channel @json_body
Feature: A malformed token request gets a client error and no token

  Sources:
  - RFC 6749 §5.2: invalid_request when the request "is otherwise malformed";
    a malformed request is the client's fault, so the answer is a 4xx, never
    a 5xx (RFC 9110 §15.5, §15.6).
  - RFC 6749 §3.2: "The client MUST use the HTTP POST method when making
    access token requests"; §2.3.1: the client's secret "MUST NOT be included
    in the request URI". Both bind the client, and the docs show only POST
    and say nothing of a GET, so a GET that gets a token is a @should
    failure, a warning: a server that answers it with a token rewards a
    request that left the secret in logs and histories.
  - Commerce Layer docs, "Client credentials": the request is a JSON body
    with Content-Type application/json. Which 4xx a malformed body gets is
    not documented (docs/sources/commercelayer-auth.md#open-questions, item 4), so any client error passes, as long as it
    is an OAuth error answer. A body that cannot be read is refused (RFC
    6749 §5.2, invalid_request for a request "otherwise malformed": @must);
    a well-formed JSON body sent as text/plain breaks the client's rule, the
    Content-Type, and no text asks the server to refuse it, so that
    scenario is @should.
  - These scenarios send raw JSON bodies, so they belong to the JSON profile
    (@json_body).

  @must @rfc6749-5.2 @id:cl-err-invalid-json
  Scenario: A body that is not valid JSON gets a client error and no token
    RFC 6749 §5.2: a request the server cannot read is malformed: a 4xx OAuth
    error (invalid_request), never a token or a 5xx.

    Given a token request with the raw body:
      """
      {"grant_type": "client_credentials", "client_id": "{{sales_channel.client_id}}",
      """
    When the token request is sent
    Then the response status should be a client error (4xx)
    And the response should be an OAuth error with no access token
    And the OAuth error should be one defined by RFC 6749 section 5.2

  @should @rfc6749-5.2 @id:cl-err-text-plain
  Scenario: A body sent as text/plain gets a client error and no token
    Commerce Layer docs, "Client credentials": the body is JSON sent as
    application/json; a body sent as text/plain SHOULD get a 4xx OAuth error
    and no token.

    Given a token request with the raw body:
      """
      {"grant_type": "client_credentials", "client_id": "{{sales_channel.client_id}}"}
      """
    And the request header "Content-Type" is "text/plain"
    When the token request is sent
    Then the response status should be a client error (4xx)
    And the response should be an OAuth error with no access token
    And the OAuth error should be one defined by RFC 6749 section 5.2

  @must @rfc6749-5.2 @id:cl-err-empty-body
  Scenario: An empty body gets a client error and no token
    RFC 6749 §5.2: an empty body lacks every required parameter: a 4xx OAuth
    error, never a token or a 5xx.

    Given a token request with an empty body
    When the token request is sent
    Then the response status should be a client error (4xx)
    And the response should be an OAuth error with no access token
    And the OAuth error should be one defined by RFC 6749 section 5.2

  @should @rfc6749-3.2 @id:cl-err-get
  Scenario: A GET with the parameters in the query string gets no token
    RFC 6749 §3.2: a client MUST POST its token requests, so a GET with the
    parameters in the query string SHOULD get no token.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}"
      }
      """
    When the token request is sent with method "GET" and its parameters in the query string
    Then the response status should be a client error (4xx)
    And the response should not contain an access token

  @should @integration @rfc6749-3.2 @rfc6749-2.3.1 @id:cl-err-get-secret
  Scenario: An integration's GET with its secret in the query string gets no token
    RFC 6749 §2.3.1 and §3.2: a client secret never goes in the request URI,
    so an integration's GET with its secret in the query string SHOULD get no
    token.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}"
      }
      """
    When the token request is sent with method "GET" and its parameters in the query string
    Then the response status should be a client error (4xx)
    And the response should not contain an access token
    And the response should not contain a client secret
