@commercelayer @client_credentials @scopes
Feature: A market by code, a store or a stock location in scope gets a token restricted to its market

  Each request below is sent once per run: every scenario after the first
  that names the same body judges the answer the first one got.

  Sources:
  - Commerce Layer docs, "Authentication", authorization scopes: "For each
    of the above authorization flows you can restrict the scope to a
    specific market, store, and/or stock location", by ID
    ("{{resource_name}}:id:{{resource_id}}") or by code
    ("{{resource_name}}:code:{{resource_code}}"), the resource being market,
    store or stock_location
    (docs/sources/commercelayer-auth.md#scope-syntax).
    Both the sales channel and the integration use client_credentials, so
    both get a token for each form, and for a market with a stock location
    ("and/or"): @must.
  - Commerce Layer docs, API reference "Markets": "If you put a store in
    scope instead, there's no need to specify the associated market, which
    is inherited from the store itself"
    (docs/sources/commercelayer-auth.md#scope-syntax).
    So a store's token carries its market: @must.
  - Commerce Layer docs and js-auth tests, as for market:id: a token with a
    market in scope carries a market claim whose id is an array of the
    markets' ids, and its scope claim is the answer's scope
    (docs/sources/commercelayer-auth.md#payload-claims).
  - Several scopes are space-separated (RFC 6749 §3.3; Commerce Layer's legacy
    docs show "market:1234 stock_location:4567")
    (docs/sources/commercelayer-auth.md#scope-syntax).
    A store with a stock location of its market is a combination the
    current docs name ("store, and/or stock location"), but whether the
    store's market stands for the market the legacy docs require beside a
    stock location is not documented: @should.
  - js-auth tests [CL-TEST]: the answer's scope echoes the requested one
    exactly, codes and stores included; only the docs' market:id example
    shows it in the docs, and RFC 6749 §3.3 and §5.1 let a server grant
    another scope if it says which, so the echo is @should. RFC 6749 §3.3:
    the order of several scopes "does not matter", so any order passes.
  - Commerce Layer docs, "JWT single sign-on" (legacy) and js-auth's types
    [CL-TEST]: market.stock_location_ids lists the stock locations in scope
    (docs/sources/commercelayer-auth.md#payload-claims).
    A server may list the market's other stock locations too, so only
    membership is checked: @should.
  - market:all is the scope Commerce Layer grants by default (docs,
    client credentials and refresh token pages; a market:all token carries
    no market claim, js-auth tests); that it may be asked for by name is
    not documented: @should.
  - The codes, store and stock location are AUTHCONFORM_MARKET_CODE (the
    code of AUTHCONFORM_MARKET_ID's market), AUTHCONFORM_STORE_ID,
    AUTHCONFORM_STORE_CODE, AUTHCONFORM_STOCK_LOCATION_ID and
    AUTHCONFORM_STOCK_LOCATION_CODE (of that market); a scenario whose value
    is not configured is left out.

  @market @sales_channel @docs-authentication-scope @id:cl-scope-sales-channel-market
  Scenario Outline: A sales channel with <what> in scope gets a token carrying the market
    Commerce Layer docs, "Authentication": a sales channel may restrict its
    token to a market, store or stock location, by id or by code; the token
    carries the market (a store's own, when a store is in scope).

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}",
        "scope": "<scope>"
      }
      """
    Then the response status should be 200
    And the response body should match the token response schema
    And the token claims should match the schema "access_token_claims"
    And the token claim "scope" should equal the JSON member "scope"
    And the token claim "market.id" should be a list containing "{{market_id}}"

    @must @market_code
    Examples: the market by code
      | what               | scope                       |
      | its market by code | market:code:{{market_code}} |

    @must @store
    Examples: a store, whose market is inherited
      | what                        | scope                 |
      | a store of the market by id | store:id:{{store_id}} |

    @must @store_code
    Examples: a store by code
      | what                          | scope                     |
      | a store of the market by code | store:code:{{store_code}} |

    @must @stock_location
    Examples: the market and a stock location by id
      | what                                  | scope                                                           |
      | the market and a stock location by id | market:id:{{market_id}} stock_location:id:{{stock_location_id}} |

    @must @stock_location_code
    Examples: the market and a stock location by code
      | what                                    | scope                                                               |
      | the market and a stock location by code | market:id:{{market_id}} stock_location:code:{{stock_location_code}} |

    @should @store @stock_location
    Examples: a store and a stock location of its market
      | what                                       | scope                                                         |
      | a store and a stock location of its market | store:id:{{store_id}} stock_location:id:{{stock_location_id}} |

  @market @integration @docs-authentication-scope @id:cl-scope-integration-market
  Scenario Outline: An integration with <what> in scope gets a token carrying the market
    Commerce Layer docs, "Authentication": an integration may restrict its
    token to a market, store or stock location, by id or by code; the token
    carries the market (a store's own, when a store is in scope).

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}",
        "scope": "<scope>"
      }
      """
    Then the response status should be 200
    And the response body should match the token response schema
    And the token claims should match the schema "access_token_claims"
    And the token claim "scope" should equal the JSON member "scope"
    And the token claim "market.id" should be a list containing "{{market_id}}"

    @must @market_code
    Examples: the market by code
      | what               | scope                       |
      | its market by code | market:code:{{market_code}} |

    @must @store
    Examples: a store, whose market is inherited
      | what                        | scope                 |
      | a store of the market by id | store:id:{{store_id}} |

    @must @store_code
    Examples: a store by code
      | what                          | scope                     |
      | a store of the market by code | store:code:{{store_code}} |

    @must @stock_location
    Examples: the market and a stock location by id
      | what                                  | scope                                                           |
      | the market and a stock location by id | market:id:{{market_id}} stock_location:id:{{stock_location_id}} |

    @must @stock_location_code
    Examples: the market and a stock location by code
      | what                                    | scope                                                               |
      | the market and a stock location by code | market:id:{{market_id}} stock_location:code:{{stock_location_code}} |

    @should @store @stock_location
    Examples: a store and a stock location of its market
      | what                                       | scope                                                         |
      | a store and a stock location of its market | store:id:{{store_id}} stock_location:id:{{stock_location_id}} |

  @should @sales_channel @cl-test-scope-echo @rfc6749-3.3 @id:cl-scope-sales-channel-echo
  Scenario Outline: A sales channel's token answer echoes <what> as its scope
    Commerce Layer's client tests: a sales channel's token answer SHOULD echo
    the requested scope exactly, codes and stores included, in any order (RFC
    6749 §3.3).

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}",
        "scope": "<scope>"
      }
      """
    Then the JSON member "scope" should hold the scopes "<scope>" in any order

    @market_code
    Examples: the market by code
      | what               | scope                       |
      | its market by code | market:code:{{market_code}} |

    @store
    Examples: a store by id
      | what          | scope                 |
      | a store by id | store:id:{{store_id}} |

    @store_code
    Examples: a store by code
      | what            | scope                     |
      | a store by code | store:code:{{store_code}} |

    @market @stock_location
    Examples: the market and a stock location by id
      | what                                  | scope                                                           |
      | the market and a stock location by id | market:id:{{market_id}} stock_location:id:{{stock_location_id}} |

    @market @stock_location_code
    Examples: the market and a stock location by code
      | what                                    | scope                                                               |
      | the market and a stock location by code | market:id:{{market_id}} stock_location:code:{{stock_location_code}} |

    @store @stock_location
    Examples: a store and a stock location of its market
      | what                                       | scope                                                         |
      | a store and a stock location of its market | store:id:{{store_id}} stock_location:id:{{stock_location_id}} |

  @should @integration @cl-test-scope-echo @rfc6749-3.3 @id:cl-scope-integration-echo
  Scenario Outline: An integration's token answer echoes <what> as its scope
    Commerce Layer's client tests: an integration's token answer SHOULD echo
    the requested scope exactly, codes and stores included, in any order (RFC
    6749 §3.3).

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}",
        "scope": "<scope>"
      }
      """
    Then the JSON member "scope" should hold the scopes "<scope>" in any order

    @market_code
    Examples: the market by code
      | what               | scope                       |
      | its market by code | market:code:{{market_code}} |

    @store
    Examples: a store by id
      | what          | scope                 |
      | a store by id | store:id:{{store_id}} |

    @store_code
    Examples: a store by code
      | what            | scope                     |
      | a store by code | store:code:{{store_code}} |

    @market @stock_location
    Examples: the market and a stock location by id
      | what                                  | scope                                                           |
      | the market and a stock location by id | market:id:{{market_id}} stock_location:id:{{stock_location_id}} |

    @market @stock_location_code
    Examples: the market and a stock location by code
      | what                                    | scope                                                               |
      | the market and a stock location by code | market:id:{{market_id}} stock_location:code:{{stock_location_code}} |

    @store @stock_location
    Examples: a store and a stock location of its market
      | what                                       | scope                                                         |
      | a store and a stock location of its market | store:id:{{store_id}} stock_location:id:{{stock_location_id}} |

  @should @market @stock_location @sales_channel @cl-test-jwt-claims @docs-jwt-sso @id:cl-scope-sales-channel-stock-location
  Scenario Outline: A sales channel's token for <what> lists the stock location in its market claim
    Commerce Layer's legacy docs and client types: a sales channel's token
    with a stock location in scope SHOULD list it in
    market.stock_location_ids.

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}",
        "scope": "<scope>"
      }
      """
    Then the token claim "market.id" should be a list containing "{{market_id}}"
    And the token claim "market.stock_location_ids" should be a list containing "{{stock_location_id}}"

    Examples: the market and a stock location by id
      | what                                  | scope                                                           |
      | the market and a stock location by id | market:id:{{market_id}} stock_location:id:{{stock_location_id}} |

    @store
    Examples: a store and a stock location of its market
      | what                                       | scope                                                         |
      | a store and a stock location of its market | store:id:{{store_id}} stock_location:id:{{stock_location_id}} |

  @should @market @stock_location @integration @cl-test-jwt-claims @docs-jwt-sso @id:cl-scope-integration-stock-location
  Scenario Outline: An integration's token for <what> lists the stock location in its market claim
    Commerce Layer's legacy docs and client types: an integration's token with
    a stock location in scope SHOULD list it in market.stock_location_ids.

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}",
        "scope": "<scope>"
      }
      """
    Then the token claim "market.id" should be a list containing "{{market_id}}"
    And the token claim "market.stock_location_ids" should be a list containing "{{stock_location_id}}"

    Examples: the market and a stock location by id
      | what                                  | scope                                                           |
      | the market and a stock location by id | market:id:{{market_id}} stock_location:id:{{stock_location_id}} |

    @store
    Examples: a store and a stock location of its market
      | what                                       | scope                                                         |
      | a store and a stock location of its market | store:id:{{store_id}} stock_location:id:{{stock_location_id}} |

  @should @sales_channel @docs-market-all @cl-test-jwt-claims @id:cl-scope-sales-channel-market-all
  Scenario: A sales channel asking for market:all by name gets a token for all markets
    Commerce Layer docs: market:all is the default scope; a sales channel that
    asks for it by name SHOULD get a token for all markets, with no market
    claim.

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}",
        "scope": "market:all"
      }
      """
    Then the response status should be 200
    And the response body should match the token response schema
    And the JSON member "scope" should equal "market:all"
    And the token claim "market" should be absent

  @should @integration @docs-market-all @cl-test-jwt-claims @id:cl-scope-integration-market-all
  Scenario: An integration asking for market:all by name gets a token for all markets
    Commerce Layer docs: market:all is the default scope; an integration that
    asks for it by name SHOULD get a token for all markets, with no market
    claim.

    Given the access token issued for the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{integration.client_id}}",
        "client_secret": "{{integration.client_secret}}",
        "scope": "market:all"
      }
      """
    Then the response status should be 200
    And the response body should match the token response schema
    And the JSON member "scope" should equal "market:all"
    And the token claim "market" should be absent
