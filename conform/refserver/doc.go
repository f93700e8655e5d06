// Package refserver runs authconform's reference auth server in a Go
// program, so that a client library built against Commerce Layer's
// client_credentials, authorization code or JWT bearer flows can be tested
// without a network or an account.
//
// Start listens on 127.0.0.1, on a port the system chooses, and serves:
//
//   - POST TokenPath (/oauth/token): Commerce Layer's JSON body
//     {"grant_type":"client_credentials","client_id":...} or RFC 6749's
//     form body; a sales channel may omit its secret, an integration may
//     not; scope is "market:all" or space-separated market, store and
//     stock_location scopes by id or code ("market:id:<id>",
//     "store:code:<code>", ...) for what the server has: a store's token
//     carries its market, a stock location needs its market in scope.
//   - GET JWKSPath (/.well-known/jwks.json): the keys of its RS512 tokens,
//     whose iss is the server's URL (or Options.Issuer).
//   - POST RevokePath (/oauth/revoke): revocation (RFC 7009).
//   - GET ResourcePath (/api/ping): a protected resource that answers 200
//     to a valid Bearer token and 401 otherwise (RFC 6750).
//   - GET AuthorizePath (/oauth/authorize): the webapp's authorize
//     endpoint, which approves at once (no sign-in, no consent: a test
//     double) and redirects to the webapp's redirect URI with a code and
//     the state it was sent. TokenPath exchanges the code once, within 10
//     minutes, with the webapp's secret and the same redirect_uri
//     (grant_type authorization_code), for a token acting for UserID; and
//     takes the JWT bearer grant: an assertion, read without checking its
//     signature, naming CustomerID (or UserID) as owner and/or carrying a
//     custom claim, for a token acting for that owner and carrying the
//     claim. Both answer with a refresh token, and owner_id and owner_type
//     for a token with an owner.
//
// Unless Options say otherwise it knows three clients, a sales channel, an
// integration and a webapp, a customer, two markets with their codes, a
// store and a stock location of the first market, with the fixed values
// of this package's constants, so a test can use them directly. Server.Target gives a
// running server, every credential included, as conform.Run's target.
//
// Commerce Layer's own clients (js-auth, the SDK, the CLI) follow a
// token's iss to its keys, its revocation endpoint and the Core API only
// when it starts with https://auth.; any other iss sends them to
// https://auth.commercelayer.io. For them, give the server such a name:
// Options.Hostname with a TLSConfig (a certificate they trust), or
// Options.Issuer for a TLS proxy in front of it.
//
// Options.Fault makes the server break one rule (Faults lists them, each
// with the rule it breaks) while every other behaviour stays correct: a way
// to rehearse a client's error handling.
//
// It is a test double, never an auth server to trust: its tokens are signed
// with a key published in authconform's source, so anyone can forge them,
// and with some faults it hands them to anyone. It listens on loopback only
// unless Options.AllowRemote is set.
package refserver
