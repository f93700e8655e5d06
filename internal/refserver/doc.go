// Package refserver is the embedded reference auth server that the
// conformance suite is judged against in its own tests: a token endpoint that
// follows Commerce Layer's client_credentials flow (POST /oauth/token) and
// RFC 6749, plus a JWKS endpoint for the RS512 keys that sign its tokens.
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
//   - Clients authenticate with client_id/client_secret in the body or with
//     HTTP Basic, never both. The sales channel needs no secret; the
//     integration does.
//   - Scope is "market:all" (the default) or market:id:<id> tokens for the
//     two known markets, echoed exactly.
//   - Tokens are RS512 JWTs with Commerce Layer's claims, each unique.
//   - Errors use Commerce Layer's {"errors":[...]} body or, optionally,
//     RFC 6749's {"error","error_description"}.
package refserver
