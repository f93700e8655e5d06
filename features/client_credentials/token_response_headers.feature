@commercelayer @client_credentials @rfc6749-5.1
Feature: Every token response is JSON and is not cached

  Sources:
  - RFC 6749 §5.1: the parameters are in the entity-body "using the
    application/json media type"; the server "MUST include the HTTP
    Cache-Control response header field with a value of no-store in any
    response containing tokens" and "the Pragma response header field with a
    value of no-cache".
  - RFC 9111 §5.4 deprecates Pragma, so its check is a @should: a missing
    Pragma is reported as a warning and fails the run only with -strict.
  - Commerce Layer docs, "Rate limits": token requests "are never cached".
  - Error answers: RFC 6749 §5.2 has no caching rule (its example's
    Cache-Control is not normative), and Commerce Layer documents none;
    §5.1's MUST is for responses "containing tokens, credentials, or other
    sensitive information". Doorkeeper, behind Commerce Layer, sends no-store
    on errors too (docs/sources/commercelayer-auth.md#response-headers), so it is one @should scenario, never a MUST on
    every error scenario: a correct server that omits it gets a warning.

  @must @id:cl-cc-no-store
  Scenario Outline: <client>'s token response is JSON and says no-store
    RFC 6749 §5.1: a token answer is application/json and MUST carry Cache-
    Control: no-store.

    Given a token request with the JSON body:
      """json
      <body>
      """
    When the token request is sent
    Then the response status should be 200
    And the response content type should be JSON
    And the response header "Cache-Control" should include "no-store"

    @sales_channel @market
    Examples: the sales channel, with a market in scope
      | client          | body                                                                                                                 |
      | A sales channel | {"grant_type": "client_credentials", "client_id": "{{sales_channel.client_id}}", "scope": "market:id:{{market_id}}"} |

    @integration
    Examples: the integration, with its secret
      | client         | body                                                                                                                             |
      | An integration | {"grant_type": "client_credentials", "client_id": "{{integration.client_id}}", "client_secret": "{{integration.client_secret}}"} |

  @should @id:cl-cc-pragma
  Scenario Outline: <response> says Pragma no-cache
    RFC 6749 §5.1: a token answer carries Pragma: no-cache (a SHOULD here: RFC
    9111 deprecates Pragma).

    Given a token request with the JSON body:
      """json
      <body>
      """
    When the token request is sent
    Then the response status should be 200
    And the response header "Pragma" should include "no-cache"

    @sales_channel
    Examples: the sales channel
      | response         | body                                                                             |
      | A token response | {"grant_type": "client_credentials", "client_id": "{{sales_channel.client_id}}"} |

    @integration
    Examples: the integration, with its secret
      | response                        | body                                                                                                                             |
      | An integration's token response | {"grant_type": "client_credentials", "client_id": "{{integration.client_id}}", "client_secret": "{{integration.client_secret}}"} |

  @should @sales_channel @id:cl-cc-error-no-store
  Scenario: An error answer says no-store
    Doorkeeper, behind Commerce Layer, sends Cache-Control: no-store on error
    answers too; neither RFC 6749 §5.2 nor the docs require it, so an error
    answer SHOULD say it.

    Given a token request with the JSON body:
      """json
      {
        "client_id": "{{sales_channel.client_id}}"
      }
      """
    When the token request is sent
    Then the response status should be 400
    And the response header "Cache-Control" should include "no-store"
