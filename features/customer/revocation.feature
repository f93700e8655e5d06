@commercelayer @customer @sales_channel @market
Feature: A sales channel signs its customer out: revoking a customer's tokens

  Each scenario revokes a token of a login of its own, the Background's.
  Whether revoking one of an access and refresh token pair revokes the
  other is not documented and not judged.

  Sources:
  - Commerce Layer docs, "Revoking a token" (docs/sources/commercelayer-auth.md#revocation):
    public credentials whose token names a customer (a sales channel after
    the password grant) revoke it with the client_id alone; the token may be
    an access or a refresh token.
  - Commerce Layer's js-auth tests [CL-TEST] (same section): a revoked token
    is then refused by the API with 401.
  - RFC 7009 §2: a server that supports revocation MUST support revoking
    refresh tokens; §2.2: after a 200 the token is revoked, so a refresh with
    it is invalid_grant (RFC 6749 §5.2: a grant that is "revoked"); RFC 6750
    §3.1: a revoked access token gets 401 (docs/sources/rfc-checklist.md#revocation-response).

  Background:
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

  @must @docs-revoking-a-token @rfc7009-2.2 @id:cl-signout-access-token
  Scenario: A sales channel revokes its customer's access token with its client_id alone
    Commerce Layer docs, "Revoking a token": a sales channel revokes its
    customer's access token with its client_id alone, and gets 200 (RFC 7009
    §2.2).

    Given a revocation request with the JSON body:
      """json
      {
        "client_id": "{{sales_channel.client_id}}",
        "token": "{{access_token}}"
      }
      """
    When the revocation request is sent
    Then the response status should be 200

  @must @resource @docs-revoking-a-token @cl-test-revoke @rfc6750-3.1 @id:cl-signout-api-refuses
  Scenario: A customer's token works at the API until the sales channel revokes it with its client_id alone, and is refused after
    Commerce Layer docs and client tests: a customer's token works at the API
    until the sales channel revokes it, and gets 401 after (RFC 6750 §3.1).

    When the protected resource is requested with the access token
    Then the response status should be 200
    Given a revocation request with the JSON body:
      """json
      {
        "client_id": "{{sales_channel.client_id}}",
        "token": "{{access_token}}"
      }
      """
    When the revocation request is sent
    Then the response status should be 200
    When the protected resource is requested with the access token
    Then the response status should be 401

  @must @docs-revoking-a-token @rfc7009-2 @id:cl-signout-refresh-token
  Scenario: A refresh token the sales channel revoked gets no new token
    RFC 7009 §2: a server that revokes tokens MUST revoke refresh tokens; once
    revoked, a refresh with it gets invalid_grant and no token.

    Given a revocation request with the JSON body:
      """json
      {
        "client_id": "{{sales_channel.client_id}}",
        "token": "{{refresh_token}}"
      }
      """
    When the revocation request is sent
    Then the response status should be 200
    Given a token request with the JSON body:
      """json
      {
        "grant_type": "refresh_token",
        "client_id": "{{sales_channel.client_id}}",
        "refresh_token": "{{refresh_token}}",
        "scope": "market:id:{{market_id}}"
      }
      """
    When the token request is sent
    Then the response status should be one of 400, 401
    And the OAuth error should be "invalid_grant"
    And the response should not contain an access token
