package refserver

// errorCode is an OAuth error code the server answers with. The server
// spells its codes here, on its own: it shares no code with the steps
// that judge them (internal/oautherr is theirs), so a misspelt code is a
// failure the self-test shows rather than a mistake both sides share.
type errorCode string

const (
	// RFC 6749 §5.2's codes for the token endpoint; the revocation
	// endpoint answers with them too (RFC 7009 §2.2.1).
	codeInvalidRequest       errorCode = "invalid_request"
	codeInvalidClient        errorCode = "invalid_client"
	codeUnauthorizedClient   errorCode = "unauthorized_client"
	codeUnsupportedGrantType errorCode = "unsupported_grant_type"
	codeInvalidScope         errorCode = "invalid_scope"
	codeInvalidGrant         errorCode = "invalid_grant"
	// codeUnsupportedResponseType is RFC 6749 §4.1.2.1's, for an
	// authorize request that asks for anything but a code.
	codeUnsupportedResponseType errorCode = "unsupported_response_type"
	// codeInvalidAssertion is Commerce Layer's answer to a JWT bearer
	// assertion it refuses.
	codeInvalidAssertion errorCode = "invalid_assertion"
	// codeServerError is RFC 6749 §4.1.2.1's code for an unexpected
	// condition, which the *-500 faults answer with.
	codeServerError errorCode = "server_error"
	// codeTooManyRequests titles the rate limit's 429, which RFC 6749
	// gives no code.
	codeTooManyRequests errorCode = "too_many_requests"
	// codeInvalidToken is RFC 6750 §3.1's code for a bearer token the
	// protected resource refuses, in its challenge.
	codeInvalidToken errorCode = "invalid_token"
)
