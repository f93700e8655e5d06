@commercelayer @client_credentials @hygiene
Feature: Tokens go only to the client they were issued for, and secrets never come back

  Sources:
  - RFC 6749 §10.3: access tokens "MUST be kept confidential"; §10.10: tokens
    must not be guessable, so two clients never share one.
  - RFC 6749 §2.3.1 and §10.3: the client secret is a credential; echoing it
    back puts it in logs and caches on the way.
  - Commerce Layer docs, "Client credentials": an integration's token is "for
    themselves", a sales channel's is a "guest" token: different clients,
    different tokens.

  @must @integration @rfc6749-2.3.1 @id:cl-hygiene-no-secret-echo
  Scenario: An integration's token response does not echo its secret
    RFC 6749 §2.3.1 and §10.3: the client secret is a credential; a token
    answer never echoes it.

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
    And the response should not contain a client secret

  @must @sales_channel @integration @rfc6749-10.10 @id:cl-hygiene-distinct-tokens
  Scenario: The sales channel and the integration never get the same token
    RFC 6749 §10.3 and §10.10: tokens are confidential and cannot be guessed,
    so two clients never get the same token.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}"
      }
      """
    When the token request is sent
    Then the response status should be 200
    And the access token is remembered as "sales channel token"
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
    And the access token should differ from the one remembered as "sales channel token"
