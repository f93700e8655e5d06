package refserver

import "net/http"

// The grants a customer's tokens come from (spec §a).
const (
	grantPassword     = "password"
	grantRefreshToken = "refresh_token"
)

// Answers of the password and refresh_token grants (invalid_grant's and
// unauthorized_client's are authcode.go's, Doorkeeper's).
const (
	descMissingUsername = "Missing required parameter: username."
	descMissingPassword = "Missing required parameter: password."
	// descUnknownEmail is the unknown-email-told fault's answer, which
	// tells a guesser the email is not a customer's.
	descUnknownEmail = "There is no customer with this email address."
)

// checkPassword validates a password grant (RFC 6749 §4.3.2; Commerce
// Layer: a sales channel's customer, by email and password): the client is
// a sales channel, the customer exists and the password is right, the
// scope is one the client may have. A wrong password and an unknown email
// get the same answer, invalid_grant, so the answer does not tell which
// emails are customers'.
func (s *Server) checkPassword(r *http.Request, p params, c *client, confidential bool) (*grant, *tokenError) {
	if !c.public {
		// Commerce Layer documents the password grant for sales channels
		// only (spec §a); RFC 6749 §5.2: unauthorized_client.
		return nil, &tokenError{code: "unauthorized_client", description: descUnauthorizedFor}
	}
	email, password := p.get("username"), p.get("password")
	switch {
	case email == "":
		return nil, errInvalidRequest(descMissingUsername)
	case password == "":
		return nil, errInvalidRequest(descMissingPassword)
	}
	owner, known := s.customerByEmail(email)
	switch {
	case !known && s.fault == faultUnknownEmailTold:
		return nil, &tokenError{code: "invalid_grant", description: descUnknownEmail}
	case !known:
		return nil, errInvalidGrant()
	case !owner.passwordMatches(password) && s.fault != faultPasswordWrongAccepted:
		return nil, errInvalidGrant()
	}
	scope, marketIDs, terr := s.parseScope(p.get("scope"))
	if terr != nil {
		return nil, terr
	}
	return &grant{client: c, confidential: confidential, scope: scope, marketIDs: marketIDs, owner: owner, refreshable: true, issuer: s.issuerFor(r)}, nil
}
