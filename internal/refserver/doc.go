// Package refserver is the embedded reference auth server that the
// conformance suite is judged against in its own tests: a token endpoint
// that follows Commerce Layer's client_credentials, authorization code and
// JWT bearer flows (POST /oauth/token, GET /oauth/authorize) and RFC 6749,
// a JWKS endpoint for the RS512 keys that sign its tokens, token
// revocation (POST /oauth/revoke, RFC 7009) and a protected resource that
// accepts its tokens (GET /api/ping, RFC 6750).
//
// It exists so that `go test ./...` can prove, offline, that every step of the
// suite passes against a correct server and fails against a broken one. For
// the broken side it has fault injection: Options.Fault names one rule (see
// Faults) that the server then breaks, while every other behaviour stays
// correct, so each fault should make exactly the scenarios for that rule fail.
//
// The package is deliberately independent of the suite: it imports nothing
// from this module and shares no code with the step definitions, so a bug in
// a shared helper cannot make both sides agree on the wrong answer.
//
// Behaviour, briefly (the tests hold the details):
//
//   - Only POST /oauth/token issues tokens; other methods get 405 with
//     Allow: POST, other paths 404, bodies over 64 KiB 413.
//   - Bodies are JSON objects of string members (Commerce Layer) or
//     application/x-www-form-urlencoded (the RFC 6749 profile); an empty
//     parameter counts as omitted and unknown parameters are ignored.
//   - A server has two clients, a sales channel and an integration, and a
//     list of known markets: by default the package's constants
//     (SalesChannelClientID, MarketID, ...), or its own from
//     Options.SalesChannel, Options.Integration and Options.Markets, so that
//     a development server can run with the clients a suite is configured
//     for. Server.Clients and Server.Markets report them, without secrets.
//   - Clients authenticate with client_id/client_secret in the body or with
//     HTTP Basic, never both. The sales channel needs no secret; the
//     integration does. Each client's tokens last its own lifetime.
//   - Scope is "market:all" (the default) or market:id:<id> tokens for
//     known markets, echoed exactly. With Options.RequireScope a request
//     without scope is refused with invalid_scope instead, the other
//     answer RFC 6749 §3.3 allows.
//   - Tokens are RS512 JWTs with Commerce Layer's claims, each unique,
//     whose kid names the key in /.well-known/jwks.json. Options may add
//     keys before it (JWKSRotation) or claims clients must ignore
//     (ExtraClaims).
//   - Errors use Commerce Layer's {"errors":[...]} body or, optionally,
//     RFC 6749's {"error","error_description"}.
//   - Every issued token is recorded (client, expiry, revoked), at most
//     10 000 at a time: expired records go first, then the oldest.
//   - POST /oauth/revoke takes {client_id, client_secret, token} as JSON or
//     a form. Checked in order: no client_id is 403 unauthorized_client
//     (Commerce Layer's answer); a failed client authentication is 401
//     invalid_client, and every client needs its secret (a sales channel
//     without it, 403); no token is 400 invalid_request; a token unknown,
//     expired or already revoked is 200 {} (RFC 7009 §2.2); another
//     client's is 403 unauthorized_client; the client's own is revoked,
//     200 {}. It shares the token endpoint's rate limit.
//   - A webapp (Options.Webapp, with one registered RedirectURI) gets
//     codes from GET /oauth/authorize, which approves at once as UserID
//     and redirects to the redirect URI with the code and the state it
//     was sent (a wrong client or redirect URI is answered 400 or 401, not
//     redirected). POST /oauth/token exchanges a code once, within 10
//     minutes, with the webapp's secret and the authorize request's
//     redirect_uri, for a token acting for the user; a code presented
//     again is refused (invalid_grant) and its tokens revoked.
//   - The JWT bearer grant takes an assertion (decoded, its signature not
//     checked, as Commerce Layer does) whose Commerce Layer claims name a
//     known owner (CustomerID, or UserID) and/or a custom claim; one over
//     4 KB, not a JWT, claiming nothing or naming an unknown owner is 400
//     invalid_assertion. Both grants answer with a refresh token, and
//     owner_id and owner_type when the token has an owner; the JWT
//     carries the owner and the custom claim.
//   - GET /api/ping with Authorization: Bearer <token> answers 200 for a
//     token issued here, neither revoked nor expired, else 401 with the
//     Core API's INVALID_TOKEN body and a Bearer challenge.
package refserver
