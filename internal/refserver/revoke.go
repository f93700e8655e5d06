package refserver

import (
	"net/http"
	"strconv"
)

// Revocation answers (spec §f). descRevokeUnauthorized is Commerce Layer's
// observed detail, which is Doorkeeper's revoke.unauthorized message.
const (
	descRevokeUnauthorized = "You are not authorized to revoke this token"
	descMissingToken       = "Missing required parameter: token."
	descMissingClientID    = "Missing required parameter: client_id."
	descRevokeMethod       = "The revocation endpoint accepts only POST requests."
)

// serveRevoke answers POST /oauth/revoke (RFC 7009, Commerce Layer's
// "revoking a token"): the rate limit, then checkRevoke, then the token is
// revoked and the answer is 200 with the body {}.
func (s *Server) serveRevoke(w http.ResponseWriter, r *http.Request) {
	if terr := s.admit(w); terr != nil {
		s.writeRevokeError(w, terr)
		return
	}
	token, terr := s.checkRevoke(w, r)
	if terr != nil {
		s.writeRevokeError(w, terr)
		return
	}
	if token != "" {
		s.revokeIssued(token)
	}
	body := "{}"
	if s.fault == faultRevokeBodyNotEmpty {
		body = `{"revoked":true}`
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(body)) // a failed write means the client has gone; nothing to do
}

// checkRevoke returns the token to revoke, "" when the answer is 200 with
// nothing to revoke, or the error to answer.
//
// The order of the checks is the answer to a request with several
// problems. The client comes first: RFC 7009 §2.1 has the server
// authenticate the client before it looks at the token, and Commerce Layer
// answers a request without client_id with 403 unauthorized_client
// whatever the token; a sales channel that sent its id alone is refused
// unless the token is one it may revoke so (revocableWithIDAlone), an
// absent token included. Then the token parameter, then the token itself,
// where RFC 7009 §2.2 makes an invalid token no error, so that the answer
// does not tell a client which tokens exist.
func (s *Server) checkRevoke(w http.ResponseWriter, r *http.Request) (string, *tokenError) {
	p, terr := readParams(w, r, descRevokeMethod, revokeParamNames)
	if terr != nil {
		return "", terr
	}
	cred, terr := readCredentials(r, p)
	if terr != nil {
		return "", terr
	}
	var requester *client // nil only under revoke-without-client-id-accepted
	idOnly := false       // a public client sent its id and no secret
	if cred.clientID == "" {
		switch s.fault {
		case faultRevokeWithoutClientAccepted:
		case faultRevokeWithoutClient400:
			return "", errInvalidRequest(descMissingClientID)
		default:
			return "", errRevokeUnauthorized()
		}
	} else if requester, idOnly, terr = s.authenticateRevoke(cred); terr != nil {
		return "", terr
	}

	token := p.get("token")
	state, rec := s.tokens.lookupRecord(token, s.now())
	if idOnly && !s.revocableWithIDAlone(state, rec, requester) {
		return "", errRevokeUnauthorized()
	}
	if token == "" {
		return "", errInvalidRequest(descMissingToken)
	}
	owner := rec.client
	switch {
	case state == tokenUnknown && s.fault == faultRevokeUnknownToken400:
		return "", errInvalidRequest(descInvalidRequest)
	case state != tokenValid:
		return "", nil
	case requester == nil:
		return token, nil
	case owner != requester && s.fault != faultRevokeOtherClientToken:
		// RFC 7009 §2.1: "the authorization server ... verifies whether
		// the token was issued to the client making the revocation
		// request". The token is left as it was.
		return "", errRevokeUnauthorized()
	case owner == s.salesChannel && requester == s.salesChannel && rec.owner == nil && s.fault == faultRevokeSalesChannelRefused:
		return "", errRevokeUnauthorized()
	}
	return token, nil
}

// authenticateRevoke checks the client of a revocation. Commerce Layer
// needs the secret of confidential clients; a sales channel may send its
// id alone (idOnly), which revokes only what revocableWithIDAlone allows.
func (s *Server) authenticateRevoke(cred credentials) (c *client, idOnly bool, terr *tokenError) {
	c, known := s.clientByID(cred.clientID)
	switch {
	case !known:
		return nil, false, errInvalidClient(cred, descInvalidClient)
	case cred.secret == "" && c.public:
		return c, true, nil
	case cred.secret == "":
		return nil, false, errInvalidClient(cred, descInvalidClient)
	case !c.secretMatches(cred.secret) && s.fault != faultRevokeWrongSecretAccepted:
		return nil, false, errInvalidClient(cred, descInvalidClient)
	}
	return c, false, nil
}

// revocableWithIDAlone says whether a sales channel that sent no secret
// may revoke the token: Commerce Layer lets public credentials revoke with
// their client id alone a token whose JWT names a customer, and needs the
// secret for a guest token from client_credentials (docs, "Revoking a
// token"). Anything else, unknown tokens included, is refused with 403
// unauthorized_client: a known client not allowed this request, rather
// than a failed authentication.
func (s *Server) revocableWithIDAlone(state tokenState, rec tokenRecord, requester *client) bool {
	switch {
	case s.fault == faultRevokeGuestWithoutSecret:
		return true
	case s.fault == faultRevokeCustomerNeedsSecret:
		return false
	}
	return state == tokenValid && rec.client == requester && rec.owner != nil
}

// errRevokeUnauthorized is Commerce Layer's (and Doorkeeper's) refusal of a
// revocation: 403 unauthorized_client.
func errRevokeUnauthorized() *tokenError {
	return &tokenError{status: http.StatusForbidden, code: codeUnauthorizedClient, description: descRevokeUnauthorized}
}
