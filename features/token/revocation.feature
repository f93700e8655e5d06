@commercelayer @revocation
Feature: A client revokes its own token, and nobody else's

  Each scenario revokes, or tries to revoke, a token obtained for it alone
  (scenarios that send the same requests judge one exchange), so no
  scenario's outcome depends on what another did with its token. Scenarios that show a token
  still works, or no longer works, ask the target's protected resource
  (AUTHCONFORM_RESOURCE_URL, a URL of its API that answers 200 to a valid
  token); without it they are left out, with that reason.

  Sources:
  - Commerce Layer docs, "Revoking a token" (docs/sources/commercelayer-auth.md#revocation):
    POST /oauth/revoke with a JSON body of client_id (required),
    client_secret (required for confidential credentials, and for guest
    tokens a sales channel got with client_credentials, so a sales channel
    without it is refused) and token.
  - Commerce Layer's js-auth tests [CL-TEST] (same section): a successful
    revocation answers exactly {} (a @should: the docs show no answer, and
    RFC 7009 §2.2 says only 200); without client_id the answer is 403
    unauthorized_client (a @should: RFC 7009 asks only for an error); a
    revoked token is then refused by the API with 401.
  - RFC 7009 §2.1: the server authenticates the client and checks that the
    token was issued to it, and refuses the request otherwise; §2.2: it
    answers 200 when the token was revoked "or if the client submitted an
    invalid token" (invalid tokens are not an error); §2.2.1: errors use RFC
    6749 §5.2's codes, plus unsupported_token_type, so a refusal is 400 or
    401 (RFC 6749 §5.2), or Commerce Layer's 403; a 404 or 405 says the
    endpoint is missing, not that it refused.
  - RFC 6750 §3.1: a request with an invalid (revoked, unknown) access token
    gets 401 invalid_token.

  @must @integration @docs-revoking-a-token @rfc7009-2.2 @id:cl-revoke-integration-own-token
  Scenario: An integration revokes its own token and gets 200
    Commerce Layer docs, "Revoking a token": an integration revokes its own
    token with its client_id and secret, and gets 200 (RFC 7009 §2.2).

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
    Given a revocation request with the JSON body:
      """json
      {
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}",
        "token": "{{access_token}}"
      }
      """
    When the revocation request is sent
    Then the response status should be 200

  @should @integration @cl-test-revoke @id:cl-revoke-empty-object
  Scenario: A successful revocation answers with Commerce Layer's empty JSON object
    Commerce Layer's client tests: a successful revocation SHOULD answer with
    an empty JSON object.

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
    Given a revocation request with the JSON body:
      """json
      {
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}",
        "token": "{{access_token}}"
      }
      """
    When the revocation request is sent
    Then the response status should be 200
    And the response content type should be JSON
    And the response body should be an empty JSON object

  @must @integration @rfc7009-2.2 @id:cl-revoke-invalid-token
  Scenario Outline: Revoking <token> gets 200, not an error
    RFC 7009 §2.2: a token the server does not know or cannot read gets 200
    like any other: invalid tokens are not an error.

    Given a revocation request with the JSON body:
      """json
      {
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}",
        "token": "<value>"
      }
      """
    When the revocation request is sent
    Then the response status should be 200

    Examples:
      | token                           | value             |
      | a token the target never issued | {{unknown_token}} |
      | a malformed token               | not.a.token       |

  @must @integration @rfc7009-2.1 @docs-revoking-a-token @id:cl-revoke-wrong-secret
  Scenario: A revocation with a wrong client secret is refused with an OAuth error
    RFC 7009 §2.1: the server authenticates the client; a wrong secret gets an
    OAuth error (400, 401 or 403), not a revocation.

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
    Given a revocation request with the JSON body:
      """json
      {
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{wrong_secret}}",
        "token": "{{access_token}}"
      }
      """
    When the revocation request is sent
    Then the response status should be one of 400, 401, 403
    And the OAuth error should be one defined for revocation by RFC 7009 section 2.2.1
    And the response should not contain a client secret

  @must @integration @docs-revoking-a-token @rfc7009-2.1 @id:cl-revoke-no-client-id
  Scenario: A revocation without client_id is refused
    Commerce Layer docs, "Revoking a token": client_id is required; a
    revocation without it is refused (RFC 7009 §2.1).

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
    Given a revocation request with the JSON body:
      """json
      {
        "client_secret": "{{integration.client_secret}}",
        "token": "{{access_token}}"
      }
      """
    When the revocation request is sent
    Then the response status should be one of 400, 401, 403

  @should @integration @cl-test-revoke @id:cl-revoke-no-client-id-403
  Scenario: A revocation without client_id gets Commerce Layer's 403 unauthorized_client
    Commerce Layer's client tests: a revocation without client_id SHOULD get
    403 unauthorized_client.

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
    Given a revocation request with the JSON body:
      """json
      {
        "client_secret": "{{integration.client_secret}}",
        "token": "{{access_token}}"
      }
      """
    When the revocation request is sent
    Then the response status should be 403
    And the OAuth error should be "unauthorized_client"

  @must @integration @sales_channel @rfc7009-2.1 @id:cl-revoke-other-client
  Scenario: An integration cannot revoke a sales channel's token
    RFC 7009 §2.1: the server checks that the token was issued to the client
    that revokes it; an integration cannot revoke a sales channel's token.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}"
      }
      """
    When the token request is sent
    Then the response status should be 200
    Given a revocation request with the JSON body:
      """json
      {
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}",
        "token": "{{access_token}}"
      }
      """
    When the revocation request is sent
    Then the response status should be one of 400, 401, 403
    And the OAuth error should be one defined for revocation by RFC 7009 section 2.2.1

  @must @sales_channel @sales_channel_secret @docs-revoking-a-token @cl-test-revoke @id:cl-revoke-sales-channel-secret
  Scenario: A sales channel revokes its guest token with its client secret
    Commerce Layer docs, "Revoking a token": a sales channel revokes its guest
    token with its client secret, and gets 200.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}"
      }
      """
    When the token request is sent
    Then the response status should be 200
    Given a revocation request with the JSON body:
      """json
      {
        "client_id": "{{sales_channel.client_id}}",
        "client_secret": "{{sales_channel.client_secret}}",
        "token": "{{access_token}}"
      }
      """
    When the revocation request is sent
    Then the response status should be 200

  @must @sales_channel @docs-revoking-a-token @id:cl-revoke-sales-channel-no-secret
  Scenario: A sales channel cannot revoke its guest token without its client secret
    Commerce Layer docs, "Revoking a token": guest tokens need the sales
    channel's secret to be revoked; without it the revocation is refused.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}"
      }
      """
    When the token request is sent
    Then the response status should be 200
    Given a revocation request with the JSON body:
      """json
      {
        "client_id": "{{sales_channel.client_id}}",
        "token": "{{access_token}}"
      }
      """
    When the revocation request is sent
    Then the response status should be one of 400, 401, 403
    And the OAuth error should be one defined for revocation by RFC 7009 section 2.2.1

  @must @integration @resource @rfc6750-3.1 @cl-test-revoke @id:cl-revoke-api-refuses
  Scenario: A token works at the API until it is revoked, and is refused with 401 after
    RFC 6750 §3.1 and Commerce Layer's client tests: a token works at the API
    until it is revoked, and gets 401 after.

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
    When the protected resource is requested with the access token
    Then the response status should be 200
    Given a revocation request with the JSON body:
      """json
      {
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}",
        "token": "{{access_token}}"
      }
      """
    When the revocation request is sent
    Then the response status should be 200
    When the protected resource is requested with the access token
    Then the response status should be 401

  @must @resource @rfc6750-3.1 @id:cl-revoke-api-unknown-token
  Scenario: The API refuses a bearer token the target never issued with 401
    RFC 6750 §3.1: the API refuses a bearer token the server never issued with
    401.

    When the protected resource is requested with the bearer token "{{unknown_token}}"
    Then the response status should be 401

  @must @id:cl-revoke-refused-keeps-token
  Scenario Outline: <token> still works
    RFC 7009 §2.1: a refused revocation revokes nothing: the token still works
    at the API.

    Given a token request with the JSON body:
      """json
      <token request>
      """
    When the token request is sent
    Then the response status should be 200
    Given a revocation request with the JSON body:
      """json
      {
        "client_id": "{{integration.client_id}}",
        "client_secret": "<revoker's secret>",
        "token": "{{access_token}}"
      }
      """
    When the revocation request is sent
    Then the response status should be one of 400, 401, 403
    When the protected resource is requested with the access token
    Then the response status should be 200

    @integration @resource @rfc7009-2.1
    Examples: the integration's own token, revoked with a wrong secret
      | token                                                   | revoker's secret | token request                                                                                                                    |
      | A token whose revocation was refused for a wrong secret | {{wrong_secret}} | {"grant_type": "client_credentials", "client_id": "{{integration.client_id}}", "client_secret": "{{integration.client_secret}}"} |

    @integration @sales_channel @resource @rfc7009-2.1
    Examples: a sales channel's token, which the integration may not revoke
      | token                                                       | revoker's secret              | token request                                                                    |
      | A sales channel's token that an integration tried to revoke | {{integration.client_secret}} | {"grant_type": "client_credentials", "client_id": "{{sales_channel.client_id}}"} |
