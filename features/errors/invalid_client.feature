@commercelayer @client_credentials @errors @negative @rfc6749-5.2
Feature: Wrong or missing client credentials get invalid_client and no token

  Sources:
  - RFC 6749 §5.2: invalid_client when "client authentication failed (e.g.,
    unknown client, no client authentication included, or unsupported
    authentication method)"; the server "MAY return an HTTP 401" and answers
    400 otherwise, so with credentials in the body both 400 and 401 pass.
  - RFC 6749 §3.2.1: confidential clients MUST authenticate at the token
    endpoint; a request with no client_id at all is both "missing a required
    parameter" (invalid_request) and "no client authentication included"
    (invalid_client), so either code passes; §3.2: "Parameters sent without a value MUST be treated as if
    they were omitted", so an empty client_secret is no secret at all.
  - Commerce Layer docs, "Authentication": confidential credentials
    (integrations) "need a client secret to authenticate".
  - js-auth integration tests [CL-TEST] (docs/sources/commercelayer-auth.md#observed-error-answers):
    an unknown client_id is answered with errors[0].title
    "invalid_client", status 401, and no token member. The 401 is stricter than
    the RFC, so it is checked on its own, as a @should.
  - Every error answer: JSON (RFC 6749 §5.2), valid against the error schema
    (either shape of docs/sources/commercelayer-auth.md#error-body), an error code from §5.2, and no token.
    Cache-Control no-store on error answers is a recommendation, checked once
    in features/client_credentials/token_response_headers.feature.

  @must @id:cl-err-unknown-client
  Scenario: An unknown client_id gets invalid_client and no token
    RFC 6749 §5.2: an unknown client gets invalid_client, 400 or 401, and no
    token.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{unknown_client_id}}"
      }
      """
    When the token request is sent
    Then the response status should be one of 400, 401
    And the response should be an OAuth error with no access token
    And the OAuth error should be "invalid_client"

  @must @id:cl-err-missing-client-id
  Scenario Outline: A request <missing client_id> gets an error and no token
    RFC 6749 §3.2.1 and §5.2: a request without a client_id (or with an empty
    one) is refused with invalid_request or invalid_client, and no token.

    Given a token request with the JSON body:
      """json
      <body>
      """
    When the token request is sent
    Then the response status should be one of 400, 401
    And the response should be an OAuth error with no access token
    And the OAuth error should be one of "invalid_client, invalid_request"

    @rfc6749-3.2.1
    Examples: no client_id at all
      | missing client_id | body                                 |
      | without client_id | {"grant_type": "client_credentials"} |

    @rfc6749-3.2
    Examples: a client_id without a value, which counts as none
      | missing client_id       | body                                                  |
      | with an empty client_id | {"grant_type": "client_credentials", "client_id": ""} |

  @should @cl-test-invalid-client @id:cl-err-unknown-client-401
  Scenario: An unknown client_id is answered 401, as Commerce Layer does
    Commerce Layer's client tests: an unknown client_id is answered 401, with
    invalid_client in Commerce Layer's errors array.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{unknown_client_id}}"
      }
      """
    When the token request is sent
    Then the response status should be 401
    And the OAuth error should be "invalid_client"

  @must @integration @rfc6749-3.2.1 @id:cl-err-integration-bad-secret
  Scenario Outline: An integration <bad secret> gets invalid_client and no token
    Commerce Layer docs, "Authentication": an integration needs its client
    secret; a wrong or missing one gets invalid_client and no token (RFC 6749
    §3.2.1, §5.2).

    Given a token request with the JSON body:
      """json
      <body>
      """
    When the token request is sent
    Then the response status should be one of 400, 401
    And the response should be an OAuth error with no access token
    And the OAuth error should be "invalid_client"
    And the response should not contain a client secret

    Examples:
      | bad secret          | body                                                                                                                |
      | with a wrong secret | {"grant_type": "client_credentials", "client_id": "{{integration.client_id}}", "client_secret": "{{wrong_secret}}"} |
      | without a secret    | {"grant_type": "client_credentials", "client_id": "{{integration.client_id}}"}                                      |

  @must @integration @rfc6749-3.2 @id:cl-err-integration-empty-secret
  Scenario: An integration with an empty secret gets invalid_client and no token
    RFC 6749 §3.2: a parameter sent without a value counts as omitted, so an
    integration's empty secret gets invalid_client and no token.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{integration.client_id}}",
        "client_secret": ""
      }
      """
    When the token request is sent
    Then the response status should be one of 400, 401
    And the response should be an OAuth error with no access token
    And the OAuth error should be "invalid_client"
