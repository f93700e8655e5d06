@commercelayer @client_credentials @errors @negative @rfc6749-5.2
Feature: An unknown client asking for a market gets invalid_client and no token

  Not a feature of the suite: the case the self-test adds to a copy of the
  features to prove that a case written in Gherkin alone, of existing steps,
  needs its feature file and `make golden`, and no Go
  (internal/selftest/gherkin_only_test.go).

  Sources:
  - RFC 6749 §5.2: invalid_client when "client authentication failed (e.g.,
    unknown client ...)", 401 or 400 with credentials in the body.

  @must @market @id:cl-err-unknown-client-market
  Scenario: An unknown client_id asking for a market gets invalid_client and no token
    RFC 6749 §5.2: an unknown client gets invalid_client, 400 or 401, and no
    token, whatever scope it asks for.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{unknown_client_id}}",
        "scope": "market:id:{{market_id}}"
      }
      """
    When the token request is sent
    Then the response status should be one of 400, 401
    And the response content type should be JSON
    And the response body should match the error response schema
    And the OAuth error should be "invalid_client"
    And the response should not contain an access token
