package refserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// The JWT bearer grant (RFC 7523 §2.1, Commerce Layer's "JWT bearer"
// page): a client sends an assertion, a JWT whose
// "https://commercelayer.io/claims" name an owner (a Customer or a User)
// and/or a custom claim, and gets a token acting for the owner that
// carries the custom claim. As Commerce Layer does, the server decodes the
// assertion without checking its signature, but refuses one that is not a
// JWT, is over 4 KB, claims nothing, or names an owner it does not know.

const (
	// maxAssertion is the largest assertion taken: js-auth's limit, 4 KB.
	maxAssertion = 4096
	// claimsMember is the assertion's member holding Commerce Layer's
	// claims.
	claimsMember = "https://commercelayer.io/claims"
	// descInvalidAssertion is Commerce Layer's detail for invalid_assertion.
	descInvalidAssertion = "The provided assertion is invalid."
	descMissingAssertion = "Missing required parameter: assertion."
)

// checkJWTBearer authenticates the client (the webapp, or a sales channel
// or integration as client_credentials does), then reads the assertion.
func (s *Server) checkJWTBearer(r *http.Request, p params) (*actingGrant, *tokenError) {
	cred, terr := readCredentials(r, p)
	if terr != nil {
		return nil, terr
	}
	c, confidential := s.grants.webapp, true
	if cred.clientID == c.id {
		_, terr = s.authenticateWebapp(cred)
	} else {
		c, confidential, terr = s.authenticate(cred)
	}
	if terr != nil {
		return nil, terr
	}
	assertion := p.get("assertion")
	if assertion == "" {
		return nil, errInvalidRequest(descMissingAssertion)
	}
	claims, terr := s.readAssertion(assertion)
	if terr != nil {
		return nil, terr
	}
	scope, marketIDs, terr := s.parseScope(p.get("scope"))
	if terr != nil {
		return nil, terr
	}
	return &actingGrant{
		grantType: grantJWTBearer, client: c, confidential: confidential,
		scope: scope, marketIDs: marketIDs, owner: claims.owner, customClaim: claims.custom,
	}, nil
}

// assertionClaims are what an assertion asks for.
type assertionClaims struct {
	owner  *ownerClaim
	custom json.RawMessage
}

// readAssertion checks an assertion and returns its claims.
func (s *Server) readAssertion(assertion string) (assertionClaims, *tokenError) {
	invalid := &tokenError{code: codeInvalidAssertion, description: descInvalidAssertion}
	if len(assertion) > maxAssertion && s.fault != faultJWTBearerOversizedAccepted {
		return assertionClaims{}, invalid
	}
	claims, ok := decodeAssertion(assertion)
	switch {
	case !ok && s.fault == faultJWTBearerNonJWTAccepted:
		return assertionClaims{}, nil // a token for nobody, claiming nothing
	case !ok:
		return assertionClaims{}, invalid
	case claims.owner == nil && claims.custom == nil && s.fault != faultJWTBearerEmptyClaimsAccepted:
		return assertionClaims{}, invalid
	case claims.owner != nil && !s.knownOwner(*claims.owner) && s.fault != faultJWTBearerUnknownOwnerAccepted:
		return assertionClaims{}, invalid
	}
	return claims, nil
}

// knownOwner reports whether the owner is one this server knows: its
// customer, or the user who approves authorize requests.
func (s *Server) knownOwner(o ownerClaim) bool {
	return o.Type == ownerCustomer && o.ID == s.grants.customerID || o.Type == ownerUser && o.ID == UserID
}

// decodeAssertion reads a compact JWT (three base64url parts, a JSON
// header and a JSON object payload; RFC 7519 §7.2) without checking its
// signature, and the Commerce Layer claims in it: an owner of a known
// type and an id, and a custom claim that is a JSON object. ok is false
// for anything else.
func decodeAssertion(assertion string) (claims assertionClaims, ok bool) {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return claims, false
	}
	var header map[string]json.RawMessage
	var payload map[string]json.RawMessage
	if !decodePart(parts[0], &header) || !decodePart(parts[1], &payload) || header == nil || payload == nil {
		return claims, false
	}
	var cl map[string]json.RawMessage
	if raw, present := payload[claimsMember]; present && json.Unmarshal(raw, &cl) != nil {
		return claims, false
	}
	if raw := cl["owner"]; !isNull(raw) {
		var o ownerClaim
		if json.Unmarshal(raw, &o) != nil || (o.Type != ownerCustomer && o.Type != ownerUser) || o.ID == "" {
			return claims, false
		}
		claims.owner = &o
	}
	if raw := cl["custom_claim"]; !isNull(raw) {
		if trimmed := bytes.TrimSpace(raw); len(trimmed) == 0 || trimmed[0] != '{' {
			return claims, false // js-auth types it as an object
		}
		claims.custom = bytes.TrimSpace(raw)
	}
	return claims, true
}

// decodePart base64url-decodes one part of a JWT (padding tolerated) and
// reads it as JSON into v.
func decodePart(part string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(part, "="))
	return err == nil && json.Unmarshal(b, v) == nil
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}
