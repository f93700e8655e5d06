@commercelayer @client_credentials @errors @negative @rfc6749-5.2
Feature: A missing or unsupported grant_type gets an error and no token

  Sources:
  - RFC 6749 §4.4.2: grant_type is REQUIRED; §5.2: invalid_request when "the
    request is missing a required parameter"; unsupported_grant_type when
    "the authorization grant type is not supported by the authorization
    server"; status 400 for both.
  - RFC 6749 §3.2: "Parameters sent without a value MUST be treated as if
    they were omitted", so grant_type "" is a missing grant_type.
  - Commerce Layer docs, "Client credentials": grant_type is Required.
  - Each check also runs as the integration, which authenticates: an RFC
    6749 server may refuse the sales channel (a public client, which §4.4
    does not allow this grant) with invalid_client before it looks at the
    grant type, and then the check would never reach what it tests.
  - The unsupported grant type is a URN no server can define
    (urn:authconform:...), so the answer cannot depend on which other
    grants the target supports.

  @must @id:cl-err-grant-type
  Scenario Outline: <request> gets <error>
    RFC 6749 §4.4.2 and §5.2: grant_type is required; a missing or empty one
    gets 400 invalid_request, one the server does not support 400
    unsupported_grant_type, and no token.

    Given a token request with the JSON body:
      """json
      <body>
      """
    When the token request is sent
    Then the response status should be 400
    And the response should be an OAuth error with no access token
    And the OAuth error should be "<error>"

    @rfc6749-4.4.2 @sales_channel
    Examples: the sales channel leaves grant_type out
      | request                      | error           | body                                         |
      | A request without grant_type | invalid_request | {"client_id": "{{sales_channel.client_id}}"} |

    @rfc6749-3.2 @sales_channel
    Examples: the sales channel sends an empty grant_type, which counts as none
      | request                            | error           | body                                                           |
      | A request with an empty grant_type | invalid_request | {"grant_type": "", "client_id": "{{sales_channel.client_id}}"} |

    @sales_channel
    Examples: the sales channel asks for a grant type no server supports
      | request                                  | error                  | body                                                                                                 |
      | A request with an unsupported grant_type | unsupported_grant_type | {"grant_type": "urn:authconform:grant-type:unsupported", "client_id": "{{sales_channel.client_id}}"} |

    @rfc6749-4.4.2 @integration
    Examples: the integration, which authenticates, leaves grant_type out
      | request                                     | error           | body                                                                                         |
      | An integration's request without grant_type | invalid_request | {"client_id": "{{integration.client_id}}", "client_secret": "{{integration.client_secret}}"} |

    @integration
    Examples: the integration, which authenticates, asks for a grant type no server supports
      | request                                                 | error                  | body                                                                                                                                                 |
      | An integration's request with an unsupported grant_type | unsupported_grant_type | {"grant_type": "urn:authconform:grant-type:unsupported", "client_id": "{{integration.client_id}}", "client_secret": "{{integration.client_secret}}"} |
