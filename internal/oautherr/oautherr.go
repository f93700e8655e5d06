// Package oautherr names the OAuth error codes the steps judge answers
// by: RFC 6749 §5.2's, for the token endpoint, and RFC 7009 §2.2.1's one
// more, for revocation. The reference server spells the codes it sends
// with a type of its own: it shares no code with the steps, so a code
// misspelt on one side is a failure the self-test shows, not a shared
// mistake.
package oautherr

import "strings"

// Code is an OAuth error code, as an error answer carries it in "error"
// (RFC 6749 §5.2) or in errors[0].title (Commerce Layer).
type Code string

// The codes of RFC 6749 §5.2, and RFC 7009 §2.2.1's for revocation.
const (
	InvalidRequest       Code = "invalid_request"
	InvalidClient        Code = "invalid_client"
	InvalidGrant         Code = "invalid_grant"
	UnauthorizedClient   Code = "unauthorized_client"
	UnsupportedGrantType Code = "unsupported_grant_type"
	InvalidScope         Code = "invalid_scope"
	UnsupportedTokenType Code = "unsupported_token_type"
)

// TokenEndpoint lists the codes RFC 6749 §5.2 defines for the token
// endpoint, in its order; a new slice each call.
func TokenEndpoint() []Code {
	return []Code{InvalidRequest, InvalidClient, InvalidGrant, UnauthorizedClient, UnsupportedGrantType, InvalidScope}
}

// Revocation lists the codes a revocation endpoint may answer with: RFC
// 6749 §5.2's and RFC 7009 §2.2.1's unsupported_token_type; a new slice
// each call.
func Revocation() []Code {
	return append(TokenEndpoint(), UnsupportedTokenType)
}

// Join writes codes as a failure lists them: "invalid_request, invalid_client".
func Join(codes []Code) string {
	var b strings.Builder
	for i, c := range codes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(c))
	}
	return b.String()
}
