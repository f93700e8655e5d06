@commercelayer @customer @sales_channel @market
Feature: A customer stays signed in: the refresh_token grant

  Each scenario that refreshes signs the customer in itself (the first
  rule's Background) and refreshes its own refresh token, so none uses up
  another's. Whether the old access token still
  works after a refresh, and leaving the scope out of a refresh (the docs
  call it required, RFC 6749 §6 reads it as the original scope), are not
  documented and not judged.

  Sources:
  - Commerce Layer docs, "Authentication > Refresh token"
    (docs/sources/commercelayer-auth.md#parameters-per-grant): a sales
    channel sends grant_type "refresh_token", the refresh token and its
    client_id; "you must specify the same scope" as the original request
    when it was not market:all (docs/sources/commercelayer-auth.md#customers-and-their-sessions).
    The answer's members are the password grant's
    (docs/sources/commercelayer-auth.md#member-sets-per-grant) and its JWT
    lasts as long (docs/sources/commercelayer-auth.md#lifetimes).
  - RFC 6749 §6: the server validates that the refresh token was issued to
    the client; a requested scope "MUST NOT include any scope not originally
    granted" (invalid_scope, §5.2), and Commerce Layer refuses any other
    scope, so a refusal may say invalid_scope or invalid_grant; a refresh
    token the server never issued is invalid_grant (§5.2).
  - A new refresh token comes with the new access token: Commerce Layer's
    tests assert refresh_token in every refresh answer, its older docs show a
    new one, and RFC 9700 §2.2.2 makes a public client's refresh tokens
    rotate unless they are sender-constrained (docs/sources/rfc-checklist.md#refreshing-an-access-token).
  - Whether the refresh token used up still works is not documented. RFC 6749
    §10.4 describes rotation as invalidating the previous refresh token, and
    RFC 9700 §4.14.2 relies on it to detect a stolen one; Doorkeeper, which
    Commerce Layer seems to run, can keep the previous one until the new
    access token is first used. So its refusal is a @should.

  Rule: A refresh follows the customer's own login

    Each of these scenarios signs the customer in first, in the Background,
    and refreshes that login's refresh token.

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

    @must @docs-refresh-token @rfc6749-6 @rfc9700-2.2.2 @id:cl-refresh-new-token
    Scenario: A customer's refresh token gets a new access token and a new refresh token for the same scope and customer
      Commerce Layer docs, "Refresh token": a customer's refresh token, with
      the same scope, gets a new access token for the same customer and a new
      refresh token (RFC 6749 §6, RFC 9700 §2.2.2).

      Given the JSON member "access_token" is remembered as "first_access_token"
      And the JSON member "refresh_token" is remembered as "first_refresh_token"
      And the JSON member "owner_id" is remembered as "owner_id"
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
      Then the response status should be 200
      And the response body should match the token response schema
      And the JSON member "access_token" should not equal "{{remembered.first_access_token}}"
      And the JSON member "refresh_token" should not equal "{{remembered.first_refresh_token}}"
      And the JSON member "scope" should equal "market:id:{{market_id}}"
      And the JSON member "owner_id" should equal "{{remembered.owner_id}}"
      And the JSON member "owner_type" should equal "customer"
      And the JSON member "expires_in" should be the lifetime of the sales channel's tokens
      And the token claim "owner.id" should equal the JSON member "owner_id"
      And the token claim "scope" should equal the JSON member "scope"

    @should @negative @rfc6749-10.4 @rfc9700-2.2.2 @id:cl-refresh-used-up
    Scenario: After a refresh, the refresh token it used up gets no new token
      RFC 6749 §10.4 and RFC 9700 §2.2.2: a refresh token used for a refresh
      SHOULD then be refused (invalid_grant, no token).

      Given the JSON member "refresh_token" is remembered as "used_refresh_token"
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
      Then the response status should be 200
      Given a token request with the JSON body:
        """json
        {
          "grant_type": "refresh_token",
          "client_id": "{{sales_channel.client_id}}",
          "refresh_token": "{{remembered.used_refresh_token}}",
          "scope": "market:id:{{market_id}}"
        }
        """
      When the token request is sent
      Then the response status should be one of 400, 401
      And the OAuth error should be "invalid_grant"
      And the response should not contain an access token

    @must @negative @other_market @docs-refresh-token @rfc6749-6 @id:cl-refresh-other-market
    Scenario: A refresh that asks for another market than the customer signed in for is refused
      RFC 6749 §6: a refresh MUST NOT widen the scope originally granted;
      another market is refused with invalid_scope or invalid_grant, and no
      token.

      Given a token request with the JSON body:
        """json
        {
          "grant_type": "refresh_token",
          "client_id": "{{sales_channel.client_id}}",
          "refresh_token": "{{refresh_token}}",
          "scope": "market:id:{{other_market_id}}"
        }
        """
      When the token request is sent
      Then the response status should be one of 400, 401
      And the response body should match the error response schema
      And the OAuth error should be one of "invalid_scope, invalid_grant"
      And the response should not contain an access token

  Rule: A refresh token the target never issued is refused

    @must @negative @rfc6749-6 @rfc6749-5.2 @id:cl-refresh-unknown
    Scenario: A refresh token the target never issued gets invalid_grant
      RFC 6749 §6 and §5.2: a refresh token the server never issued is an
      invalid grant: invalid_grant, and no token.

      Given a token request with the JSON body:
        """json
        {
          "grant_type": "refresh_token",
          "client_id": "{{sales_channel.client_id}}",
          "refresh_token": "{{unknown_token}}",
          "scope": "market:id:{{market_id}}"
        }
        """
      When the token request is sent
      Then the response status should be one of 400, 401
      And the response should be an OAuth error with no access token
      And the OAuth error should be "invalid_grant"
