package refserver

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
)

// client is one set of API credentials.
type client struct {
	id            string
	secret        string
	kind          string // the JWT's application.kind
	applicationID string
	// public clients (sales channels) may authenticate with their ID alone.
	public   bool
	lifetime int64 // expires_in, in seconds
}

// Kinds of client, the JWT's application.kind and ClientInfo.Kind.
const (
	kindSalesChannel = "sales_channel"
	kindIntegration  = "integration"
)

// Client configures one of a server's two clients (Options.SalesChannel,
// Options.Integration). An empty field takes the default: the package's
// SalesChannel* or Integration* constants.
type Client struct {
	ID     string
	Secret string
	// Lifetime is its tokens' expires_in, in seconds.
	Lifetime int
}

// String shows c without its secret, so that printing Options (with %v or
// %+v) cannot leak it.
func (c Client) String() string {
	secret := `""`
	if c.Secret != "" {
		secret = "[redacted]"
	}
	return fmt.Sprintf("{ID:%q Secret:%s Lifetime:%d}", c.ID, secret, c.Lifetime)
}

// GoString is String for %#v.
func (c Client) GoString() string { return "refserver.Client" + c.String() }

// ClientInfo is what a server's client is, without its secret: for a
// caller that prints what the server runs with.
type ClientInfo struct {
	// Kind is "sales_channel" or "integration", as the JWT's
	// application.kind says.
	Kind string
	ID   string
	// Lifetime is its tokens' expires_in, in seconds.
	Lifetime int
}

// Clients returns the server's clients, the sales channel first, without
// their secrets.
func (s *Server) Clients() []ClientInfo {
	infos := make([]ClientInfo, 0, 2)
	for _, c := range []*client{s.salesChannel, s.integration} {
		infos = append(infos, ClientInfo{Kind: c.kind, ID: c.id, Lifetime: int(c.lifetime)})
	}
	return infos
}

// maxLifetime bounds a client's lifetime (about 68 years), so that
// iat + lifetime cannot overflow and expires_in is a safe JSON integer.
const maxLifetime = math.MaxInt32

// newClients builds a server's two clients from the options, taking the
// defaults for empty fields. Errors name the field and never the secret.
func newClients(sc, in Client, countdown int) (salesChannel, integration *client, err error) {
	salesChannel, err = newClient("SalesChannel", sc, countdown, client{
		id:            SalesChannelClientID,
		secret:        SalesChannelClientSecret,
		kind:          kindSalesChannel,
		applicationID: "PkXVnRaBmz",
		public:        true,
		lifetime:      SalesChannelLifetime,
	})
	if err != nil {
		return nil, nil, err
	}
	integration, err = newClient("Integration", in, countdown, client{
		id:            IntegrationClientID,
		secret:        IntegrationClientSecret,
		kind:          kindIntegration,
		applicationID: "dLmqQowJyZ",
		public:        false,
		lifetime:      IntegrationLifetime,
	})
	if err != nil {
		return nil, nil, err
	}
	if salesChannel.id == integration.id {
		return nil, nil, fmt.Errorf("refserver: SalesChannel.ID and Integration.ID are both %q; want two different client ids", salesChannel.id)
	}
	return salesChannel, integration, nil
}

// newClient lays the options of the client named field over its defaults
// c. The lifetime must leave expires_in positive after ExpiresInCountdown.
func newClient(field string, o Client, countdown int, c client) (*client, error) {
	if o.ID != "" {
		c.id = o.ID
	}
	if o.Secret != "" {
		c.secret = o.Secret
	}
	switch {
	case o.Lifetime == 0:
	case o.Lifetime < 1 || o.Lifetime > maxLifetime:
		return nil, fmt.Errorf("refserver: %s.Lifetime is %d; want 1 to %d seconds, or 0 for the default (%d)", field, o.Lifetime, maxLifetime, c.lifetime)
	default:
		c.lifetime = int64(o.Lifetime)
	}
	if c.lifetime <= int64(countdown) {
		return nil, fmt.Errorf("refserver: %s.Lifetime is %d; want more than ExpiresInCountdown (%d), so that expires_in stays positive", field, c.lifetime, countdown)
	}
	return &c, nil
}

// clientByID looks up one of the server's clients.
func (s *Server) clientByID(id string) (*client, bool) {
	switch id {
	case s.salesChannel.id:
		return s.salesChannel, true
	case s.integration.id:
		return s.integration, true
	}
	return nil, false
}

// secretMatches compares in constant time, so response timing does not
// reveal how much of a guessed secret was right.
func (c *client) secretMatches(secret string) bool {
	return subtle.ConstantTimeCompare([]byte(secret), []byte(c.secret)) == 1
}

// credentials are what the request presented to authenticate the client.
type credentials struct {
	clientID string
	secret   string // "" when omitted or empty
	// secretPresent tells an omitted secret from an empty one. A correct
	// server treats both alike (RFC 6749 §3.2), but two faults do not.
	secretPresent bool
	// basic is true when the client used HTTP Basic, which RFC 6749 §5.2
	// answers with 401 and WWW-Authenticate on failure.
	basic bool
}

// readCredentials takes the client credentials from the body or from HTTP
// Basic (RFC 6749 §2.3.1), refusing requests that use both.
func readCredentials(r *http.Request, p params) (credentials, *tokenError) {
	cred := credentials{clientID: p.get("client_id"), secret: p.get("client_secret")}
	_, cred.secretPresent = p["client_secret"]

	scheme, value, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Basic") {
		// No header, or another scheme (e.g. a stray Bearer token), which
		// authenticates nothing here and is ignored.
		return cred, nil
	}
	if cred.secret != "" {
		return credentials{}, errInvalidRequest(descTwoAuthMethods)
	}
	id, secret, ok := parseBasic(strings.TrimSpace(value))
	if !ok {
		return credentials{}, errInvalidClient(credentials{basic: true}, descBadBasic)
	}
	if cred.clientID != "" && cred.clientID != id {
		return credentials{}, errInvalidRequest(descClientIDMismatch)
	}
	return credentials{clientID: id, secret: secret, secretPresent: true, basic: true}, nil
}

// parseBasic decodes RFC 6749 §2.3.1's Basic credentials: base64 of
// urlencode(client_id) ":" urlencode(client_secret).
func parseBasic(value string) (id, secret string, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return "", "", false
	}
	rawID, rawSecret, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", false
	}
	if id, err = url.QueryUnescape(rawID); err != nil {
		return "", "", false
	}
	if secret, err = url.QueryUnescape(rawSecret); err != nil {
		return "", "", false
	}
	return id, secret, true
}

// authenticate finds the client and checks its secret. confidential reports
// whether the client proved a secret, for the JWT's application.confidential.
func (s *Server) authenticate(cred credentials) (c *client, confidential bool, terr *tokenError) {
	if cred.clientID == "" {
		if s.fault == faultMissingClientAccepted {
			return s.salesChannel, false, nil
		}
		return nil, false, errInvalidClient(cred, descInvalidClient)
	}
	c, known := s.clientByID(cred.clientID)
	if !known {
		switch s.fault {
		case faultUnknownClientAccepted:
			return s.salesChannel, false, nil
		case faultUnknownClient500:
			return nil, false, errServer()
		}
		return nil, false, errInvalidClient(cred, descInvalidClient)
	}
	if cred.secret == "" {
		switch {
		case c.public && s.fault == faultSalesChannelSecretRequired:
			return nil, false, errInvalidClient(cred, descInvalidClient)
		case c.public:
			return c, false, nil
		case !cred.secretPresent && s.fault == faultMissingSecretAccepted:
			return c, true, nil
		case cred.secretPresent && s.fault == faultEmptySecretAccepted:
			return c, true, nil
		}
		return nil, false, errInvalidClient(cred, descInvalidClient)
	}
	if !c.secretMatches(cred.secret) {
		if !c.public && s.fault == faultWrongSecretAccepted {
			return c, true, nil
		}
		desc := descInvalidClient
		switch s.fault {
		case faultSecretEchoedInError:
			desc = "Client authentication failed: wrong client_secret " + cred.secret
		case faultSecretEchoedPercent:
			desc = "Client authentication failed: wrong client_secret " + percentEveryByte(cred.secret)
		}
		e := errInvalidClient(cred, desc)
		e.echo = cred.secret
		return nil, false, e
	}
	return c, true, nil
}

// errInvalidClient is RFC 6749 §5.2's invalid_client; the status is chosen
// when the error is written (see Server.errorStatus).
func errInvalidClient(cred credentials, description string) *tokenError {
	return &tokenError{code: codeInvalidClient, description: description, basic: cred.basic}
}

// percentEveryByte writes each byte of s as %XX: a URL-encoding no client
// would need, which is what a leak through a logging proxy looks like.
func percentEveryByte(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}
