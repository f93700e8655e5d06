package config

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/authconform/authconform/internal/urlcheck"
	"github.com/authconform/authconform/setup"
)

// The grants that act for someone: a webapp's authorization_code, and the
// JWT bearer grant (docs/sources/commercelayer-auth.md#authorization-code,
// docs/sources/commercelayer-auth.md#jwt-bearer-assertions).
const (
	EnvWebappClientID     = "AUTHCONFORM_WEBAPP_CLIENT_ID"
	EnvWebappClientSecret = "AUTHCONFORM_WEBAPP_CLIENT_SECRET"
	EnvWebappSecretFile   = "AUTHCONFORM_WEBAPP_CLIENT_SECRET_FILE"
	EnvWebappRedirectURI  = "AUTHCONFORM_WEBAPP_REDIRECT_URI"
	EnvWebappExpiresIn    = "AUTHCONFORM_WEBAPP_EXPIRES_IN"
	// EnvAuthorizationCode is one fresh code a person obtained for the
	// webapp: exactly one scenario uses it, once.
	EnvAuthorizationCode = "AUTHCONFORM_AUTHORIZATION_CODE"
	// EnvAuthorizeURL is an authorize endpoint that answers the webapp's
	// GET with a redirect carrying a code, without a person (a test
	// server's, the reference server's): each scenario gets its own code.
	EnvAuthorizeURL = "AUTHCONFORM_AUTHORIZE_URL"
	// EnvCustomerID is a customer the JWT bearer assertions name as owner.
	EnvCustomerID = "AUTHCONFORM_CUSTOMER_ID"
)

var webappSecretVars = secretVars{inline: EnvWebappClientSecret, file: EnvWebappSecretFile}

// AuthorizeScope is the scope the suite asks the authorize endpoint for,
// and sends again with the code: Commerce Layer's default scope (docs,
// "Authentication"). A code a person obtains for
// AUTHCONFORM_AUTHORIZATION_CODE is asked for with it too.
const AuthorizeScope = "market:all"

// readGrants reads the webapp and the JWT bearer configuration; the
// webapp's secret is read with the other secrets (secretHolders).
func (t *Target) readGrants(getenv func(string) string) error {
	t.Webapp.ID = strings.TrimSpace(getenv(EnvWebappClientID))
	t.RedirectURI = strings.TrimSpace(getenv(EnvWebappRedirectURI))
	t.AuthorizeURL = strings.TrimSpace(getenv(EnvAuthorizeURL))
	t.CustomerID = strings.TrimSpace(getenv(EnvCustomerID))
	code := getenv(EnvAuthorizationCode)
	t.AuthorizationCode = setup.Code(strings.TrimSpace(code))
	if code != "" && t.AuthorizationCode == "" {
		return fmt.Errorf("%s is only white space; want a fresh authorization code, or leave it unset", EnvAuthorizationCode)
	}
	if strings.TrimSpace(getenv(EnvWebappExpiresIn)) == "" {
		return nil // the token's own exp − iat is the judge
	}
	var err error
	t.Webapp.Lifetime, err = seconds(getenv, EnvWebappExpiresIn)
	return err
}

// AssertionClient is the client that sends the JWT bearer assertions: the
// sales channel when its secret is configured (Commerce Layer documents
// the grant for sales channels and webapps, and its client sends the
// secret), else the integration (js-auth's tests use it too). The zero
// Client when neither has a secret.
func (t Target) AssertionClient() Client {
	switch {
	case t.SalesChannel.ID != "" && t.SalesChannel.Secret != "":
		return t.SalesChannel
	case t.Integration.ID != "" && t.Integration.Secret != "":
		return t.Integration
	}
	return Client{}
}

// grantGaps are what the grants' scenarios miss.
func (t Target) grantGaps() []Gap {
	var gaps []Gap
	if t.Webapp.ID == "" || t.Webapp.Secret == "" || t.RedirectURI == "" {
		gaps = append(gaps, Gap{"@webapp", "no webapp: set " + EnvWebappClientID + ", " + EnvWebappClientSecret + " (or " + EnvWebappSecretFile + ") and " + EnvWebappRedirectURI})
	}
	if t.AuthorizationCode == "" && t.AuthorizeURL == "" {
		gaps = append(gaps, Gap{"@authorization_code", "no authorization code: set " + EnvAuthorizationCode + " to a fresh code for the webapp, or " + EnvAuthorizeURL})
	}
	if t.AuthorizeURL == "" {
		gaps = append(gaps, Gap{"@authorize_url", "no authorize endpoint: set " + EnvAuthorizeURL + " (each of these scenarios needs a fresh code of its own)"})
	}
	if t.AssertionClient().ID == "" {
		gaps = append(gaps, Gap{"@jwt_bearer", "no client to send JWT bearer assertions: set " + EnvSalesChannelClientSecret + " (or the integration's credentials)"})
	}
	if t.CustomerID == "" {
		gaps = append(gaps, Gap{"@customer_id", "no customer: set " + EnvCustomerID + " to a customer the assertions may name as owner"})
	}
	return gaps
}

// grantTags are the tags of grantGaps, for the profile's Uses.
var grantTags = []string{"@webapp", "@authorization_code", "@authorize_url", "@jwt_bearer", "@customer_id"}

// checkGrantURLs checks the authorize endpoint as the target's other URLs
// are checked, and the redirect URI as RFC 6749 §3.1.2 has it: an absolute
// URI without a fragment. The redirect URI is never requested: it is what
// the authorize endpoint sends the user back to, and what the exchange
// repeats.
func (t Target) checkGrantURLs() error {
	if err := checkOtherURL(EnvAuthorizeURL, t.AuthorizeURL); err != nil {
		return err
	}
	if t.RedirectURI == "" {
		return nil
	}
	shown := urlcheck.Shown(t.RedirectURI)
	if bad := urlcheck.BadText(t.RedirectURI); bad != "" {
		return fmt.Errorf("%s %q has %s; want an absolute URI such as https://app.example.com/callback", EnvWebappRedirectURI, shown, bad)
	}
	u, err := url.Parse(t.RedirectURI)
	switch {
	case err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == ""):
		return fmt.Errorf("%s %q is not an absolute URI; want one such as https://app.example.com/callback (RFC 6749 §3.1.2)", EnvWebappRedirectURI, shown)
	case strings.Contains(t.RedirectURI, "#"):
		return fmt.Errorf("%s %q has a fragment; a redirection endpoint MUST NOT (RFC 6749 §3.1.2)", EnvWebappRedirectURI, shown)
	}
	return nil
}

// OtherRedirectURI is a redirect URI that is not the webapp's, for the
// exchange that must be refused (RFC 6749 §4.1.3: the redirect_uri must be
// identical to the authorize request's): the webapp's with a path segment
// added, which a server comparing prefixes would let through.
func (t Target) OtherRedirectURI() string {
	u, err := url.Parse(t.RedirectURI)
	if err != nil || t.RedirectURI == "" {
		return ""
	}
	if u.Opaque != "" { // myapp:callback
		u.Opaque += "/authconform-elsewhere"
		return u.String()
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/authconform-elsewhere"
	u.RawPath = ""
	return u.String()
}
