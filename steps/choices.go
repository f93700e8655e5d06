package steps

import (
	"slices"

	"github.com/authconform/authconform/internal/oautherr"
)

// Then steps for requests RFC 6749 lets a server answer in more than one
// way: each accepts every answer the RFC allows and, when it fails, says
// which of them the server came closest to.

// thenDefaultScopeOrInvalidScope judges a request sent without scope. RFC
// 6749 §3.3: the server "MUST either process the request using a
// pre-defined default value or fail the request indicating an invalid
// scope". So a token passes (the answer valid against the profile's token
// schema, whose scope, if any, is well-formed), and so does §5.2's 400
// invalid_scope with no token; anything else fails.
func (st *scenario) thenDefaultScopeOrInvalidScope() error {
	ex, err := st.last()
	if err != nil {
		return err
	}
	switch {
	case ex.Status == 200:
		if err := st.thenProfileSchema("token"); err != nil {
			return err
		}
		return st.thenMemberNonEmptyString("access_token")
	case ex.Status == 400:
		code, err := st.oauthError()
		if err != nil {
			return err
		}
		if code != oautherr.InvalidScope {
			return st.fail("status = 400, OAuth error = %q; want a token under a default scope, or invalid_scope (RFC 6749 §3.3: a server that requires a scope MUST fail the request \"indicating an invalid scope\")", code)
		}
		return st.thenNoToken()
	}
	return st.fail("status = %d; want 200 with a token under a default scope, or 400 invalid_scope (RFC 6749 §3.3, §5.2)%s", ex.Status, serverErrorNote(ex.Status, false))
}

// Why a server refuses a request that authenticates the client twice:
// RFC 6749 §5.2 names both answers.
const (
	reasonTwoMethods  = "the server's reason: the request \"utilizes more than one mechanism for authenticating the client\" (invalid_request, RFC 6749 §5.2)"
	reasonMethodNotOK = "the server's reason: an \"unsupported authentication method\" for this client (invalid_client, RFC 6749 §5.2)"
)

// thenRefusedForTwoMethods judges a request that sent the client's
// credentials with HTTP Basic and in the body. RFC 6749 §2.3: "The client
// MUST NOT use more than one authentication method in each request". A
// server that refuses it says so with invalid_request (400), or with
// invalid_client (400 or 401) when it takes the second method as one the
// client may not use. A token, another error code, or another status
// fails, and the failure names the reason the server gave. The challenge
// a 401 owes a request with an Authorization header (§5.2) is the failed
// HTTP Basic login's scenarios' to judge, as a MUST: judged here too, one
// missing header would be reported twice.
func (st *scenario) thenRefusedForTwoMethods() error {
	ex, err := st.last()
	if err != nil {
		return err
	}
	if ex.Status >= 200 && ex.Status < 300 {
		return st.fail("status = %d; want a refusal: 400 invalid_request (more than one authentication mechanism), or 400 or 401 invalid_client (RFC 6749 §2.3, §5.2); the server accepted a request that authenticated the client twice", ex.Status)
	}
	if ex.Status >= 500 {
		return st.fail("status = %d; want a refusal: 400 invalid_request (more than one authentication mechanism), or 400 or 401 invalid_client (RFC 6749 §2.3, §5.2)%s", ex.Status, serverErrorNote(ex.Status, false))
	}
	code, err := st.oauthError()
	if err != nil {
		return err
	}
	switch code {
	case oautherr.InvalidRequest:
		if ex.Status != 400 {
			return st.fail("status = %d with OAuth error invalid_request (%s); want 400", ex.Status, reasonTwoMethods)
		}
	case oautherr.InvalidClient:
		if !slices.Contains([]int{400, 401}, ex.Status) {
			return st.fail("status = %d with OAuth error invalid_client (%s); want 400 or 401", ex.Status, reasonMethodNotOK)
		}
	default:
		return st.fail("status = %d, OAuth error = %q: the server refused the request for a reason other than its two authentication methods; want invalid_request (more than one authentication mechanism) or invalid_client (an unsupported authentication method), RFC 6749 §5.2", ex.Status, code)
	}
	return nil
}
