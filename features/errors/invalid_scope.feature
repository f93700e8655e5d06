@commercelayer @client_credentials @errors @negative @rfc6749-5.2
Feature: A market the target does not have gets invalid_scope and no token

  Sources:
  - RFC 6749 §5.2: invalid_scope when "the requested scope is invalid,
    unknown, malformed, or exceeds the scope granted", status 400.
  - Commerce Layer docs, API reference "Markets": a request "with that market
    in scope receive[s] a 400 Bad Request error (due to invalid scope)"
    (docs/sources/commercelayer-auth.md#invalid-or-disabled-scopes).
  - The check also runs as the integration, which authenticates, so a server
    that refuses the sales channel as a public client (RFC 6749 §4.4) still
    reaches the scope.
  - The market id is generated for each run ({{unknown_market_id}}), so no
    target can have it.

  @must @id:cl-err-unknown-market
  Scenario Outline: <client> asking for an unknown market gets invalid_scope
    RFC 6749 §5.2 and Commerce Layer's "Markets" reference: a market the
    target does not have, in scope, gets 400 invalid_scope and no token.

    Given a token request with the JSON body:
      """json
      <body>
      """
    When the token request is sent
    Then the response status should be 400
    And the response should be an OAuth error with no access token
    And the OAuth error should be "invalid_scope"

    @sales_channel
    Examples: the sales channel, with no secret
      | client          | body                                                                                                                         |
      | A sales channel | {"grant_type": "client_credentials", "client_id": "{{sales_channel.client_id}}", "scope": "market:id:{{unknown_market_id}}"} |

    @integration
    Examples: the integration, which authenticates
      | client         | body                                                                                                                                                                         |
      | An integration | {"grant_type": "client_credentials", "client_id": "{{integration.client_id}}", "client_secret": "{{integration.client_secret}}", "scope": "market:id:{{unknown_market_id}}"} |
