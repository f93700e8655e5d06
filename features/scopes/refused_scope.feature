@commercelayer @client_credentials @scopes @negative @rfc6749-5.2
Feature: A market code, store or stock location the target cannot put in scope gets invalid_scope and no token

  Sources:
  - RFC 6749 §5.2: invalid_scope when "the requested scope is invalid,
    unknown, malformed, or exceeds the scope granted", status 400.
  - Commerce Layer docs, API reference "Markets": a request "with that market
    in scope receive[s] a 400 Bad Request error (due to invalid scope)"
    (docs/sources/commercelayer-auth.md#invalid-or-disabled-scopes).
    A market, store or stock location that does not exist is no more in
    the target's reach, by id or by code: @must. The unknown code and ids
    are generated for each run ({{unknown_market_code}},
    {{unknown_store_id}}, {{unknown_stock_location_id}}), so no target can
    have them.
  - Commerce Layer's legacy docs: a stock location in scope without its
    market, or with a market it does not belong to, gets 400 Bad Request
    (docs/sources/commercelayer-auth.md#invalid-or-disabled-scopes).
    The current "Authentication" page names "a specific market, store,
    and/or stock location" and says nothing of either case, so both are
    graded @should. The stock location (AUTHCONFORM_STOCK_LOCATION_ID) must
    not be one of AUTHCONFORM_OTHER_MARKET_ID's market. A store's market
    counts as the stock location's market (scoped_token.feature).
  - Commerce Layer docs, API reference "Markets": a market's code is
    "case-sensitive"; an older version said it was not
    (docs/sources/commercelayer-auth.md#scope-syntax).
    So a server that finds the market by its code in another case is at
    most warned: @should. {{market_code_other_case}} is
    AUTHCONFORM_MARKET_CODE with the case of each letter changed.
  - Both clients ask, as in invalid_scope.feature: the integration
    authenticates, so a server that refuses the sales channel as a public
    client (RFC 6749 §4.4) still reaches the scope.

  @sales_channel @id:cl-scope-refused-sales-channel
  Scenario Outline: A sales channel asking for <what> gets invalid_scope and no token
    RFC 6749 §5.2 and Commerce Layer's "Markets" reference: a sales channel
    that asks for a market, store or stock location the target cannot put in
    scope gets invalid_scope and no token.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}",
        "scope": "<scope>"
      }
      """
    When the token request is sent
    Then the response status should be 400
    And the response content type should be JSON
    And the response body should match the error response schema
    And the OAuth error should be "invalid_scope"
    And the response should not contain an access token

    @must @docs-authentication-scope
    Examples: what does not exist
      | what                   | scope                               |
      | an unknown market code | market:code:{{unknown_market_code}} |
      | an unknown store       | store:id:{{unknown_store_id}}       |

    @must @market @docs-authentication-scope
    Examples: a stock location that does not exist, with the market
      | what                                     | scope                                                                   |
      | the market and an unknown stock location | market:id:{{market_id}} stock_location:id:{{unknown_stock_location_id}} |

    @should @stock_location @docs-legacy-authentication
    Examples: a stock location without its market
      | what                                | scope                                   |
      | a stock location without its market | stock_location:id:{{stock_location_id}} |

    @should @other_market @stock_location @docs-legacy-authentication
    Examples: a stock location with a market it is not in
      | what                                 | scope                                                                 |
      | a stock location with another market | market:id:{{other_market_id}} stock_location:id:{{stock_location_id}} |

    @should @market_code_case @docs-markets-code
    Examples: the market's code in another case
      | what                              | scope                                  |
      | the market's code in another case | market:code:{{market_code_other_case}} |

  @integration @id:cl-scope-refused-integration
  Scenario Outline: An integration asking for <what> gets invalid_scope and no token
    RFC 6749 §5.2 and Commerce Layer's "Markets" reference: an integration
    that asks for a market, store or stock location the target cannot put in
    scope gets invalid_scope and no token.

    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}",
        "scope": "<scope>"
      }
      """
    When the token request is sent
    Then the response status should be 400
    And the response content type should be JSON
    And the response body should match the error response schema
    And the OAuth error should be "invalid_scope"
    And the response should not contain an access token

    @must @docs-authentication-scope
    Examples: what does not exist
      | what                   | scope                               |
      | an unknown market code | market:code:{{unknown_market_code}} |
      | an unknown store       | store:id:{{unknown_store_id}}       |

    @must @market @docs-authentication-scope
    Examples: a stock location that does not exist, with the market
      | what                                     | scope                                                                   |
      | the market and an unknown stock location | market:id:{{market_id}} stock_location:id:{{unknown_stock_location_id}} |

    @should @stock_location @docs-legacy-authentication
    Examples: a stock location without its market
      | what                                | scope                                   |
      | a stock location without its market | stock_location:id:{{stock_location_id}} |

    @should @other_market @stock_location @docs-legacy-authentication
    Examples: a stock location with a market it is not in
      | what                                 | scope                                                                 |
      | a stock location with another market | market:id:{{other_market_id}} stock_location:id:{{stock_location_id}} |

    @should @market_code_case @docs-markets-code
    Examples: the market's code in another case
      | what                              | scope                                  |
      | the market's code in another case | market:code:{{market_code_other_case}} |
