package refserver

import "net/http"

// The authorization code grant at the token endpoint (RFC 6749 §4.1.3,
// Commerce Layer's "Authorization code" page): a webapp exchanges a code
// from the authorize endpoint (webapp.go), with its secret, the
// redirect_uri it asked with and the scope, for a token that acts for the
// user who approved.

// Descriptions: Doorkeeper's invalid_grant message, and the reasons
// behind it.
const (
	descInvalidGrant    = "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."
	descMissingCode     = "Missing required parameter: code."
	descUnauthorizedFor = "The client is not authorized to perform this request using this method."
)

// checkAuthorizationCode checks, in RFC 6749 §4.1.3's order: the client
// authenticates as the webapp (a code is checked against "the
// authenticated confidential client"), the code is one this server handed
// out, unexpired and never exchanged, and the redirect_uri is the
// authorize request's.
func (s *Server) checkAuthorizationCode(r *http.Request, p params) (*actingGrant, *tokenError) {
	cred, terr := readCredentials(r, p)
	if terr != nil {
		return nil, terr
	}
	webapp, terr := s.authenticateWebapp(cred)
	if terr != nil {
		return nil, terr
	}
	code := p.get("code")
	if code == "" {
		return nil, errInvalidRequest(descMissingCode)
	}
	var g *actingGrant
	found := s.grants.codes.use(code, s.now(), func(c *authCode) bool {
		g, terr = s.exchange(webapp, c, p)
		if g != nil {
			g.issued = func(token string) { s.grants.codes.issued(code, token, s.tokens) }
		}
		return terr == nil
	})
	switch {
	case !found && s.fault == faultUnknownCodeAccepted:
		return s.webappGrant(webapp, defaultScope, nil), nil
	case !found:
		return nil, errInvalidGrant()
	}
	return g, terr
}

// exchange checks a code found in the store, under its lock.
func (s *Server) exchange(webapp *client, c *authCode, p params) (*actingGrant, *tokenError) {
	if c.used && s.fault != faultCodeReusable {
		// RFC 6749 §4.1.2: deny, and revoke what the code gave.
		if s.fault != faultCodeReuseKeepsTokens {
			c.reused = true
			for _, t := range c.issued {
				s.tokens.revoke(t)
			}
		}
		return nil, errInvalidGrant()
	}
	if c.redirectURI != "" && p.get("redirect_uri") != c.redirectURI && s.fault != faultRedirectURIUnchecked {
		return nil, errInvalidGrant()
	}
	if scope := p.get("scope"); scope != "" && scope != c.scope {
		// Commerce Layer's exchange repeats the authorize request's scope.
		return nil, &tokenError{code: codeInvalidScope, description: descInvalidScope}
	}
	return s.webappGrant(webapp, c.scope, c.marketIDs), nil
}

// webappGrant is a webapp token acting for the user who approved.
func (s *Server) webappGrant(webapp *client, scope string, markets []string) *actingGrant {
	return &actingGrant{
		grantType: grantAuthorizationCode, client: webapp, confidential: true,
		scope: scope, marketIDs: markets, owner: &ownerClaim{ID: UserID, Type: ownerUser},
	}
}

// authenticateWebapp authenticates the webapp; another client of this
// server may not use the grant (RFC 6749 §5.2 unauthorized_client).
func (s *Server) authenticateWebapp(cred credentials) (*client, *tokenError) {
	w := s.grants.webapp
	if cred.clientID != w.id {
		if _, known := s.clientByID(cred.clientID); known {
			return nil, &tokenError{code: codeUnauthorizedClient, description: descUnauthorizedFor}
		}
		return nil, errInvalidClient(cred, descInvalidClient)
	}
	switch {
	case cred.secret == "":
		return nil, errInvalidClient(cred, descInvalidClient)
	case !w.secretMatches(cred.secret) && s.fault != faultWrongSecretAccepted:
		e := errInvalidClient(cred, descInvalidClient)
		e.echo = cred.secret
		return nil, e
	}
	return w, nil
}

func errInvalidGrant() *tokenError {
	return &tokenError{code: codeInvalidGrant, description: descInvalidGrant}
}
