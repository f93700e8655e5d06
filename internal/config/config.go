// Package config describes the target under test: where its token endpoint
// is, which test clients it has, and what the suite should expect of them.
//
// Values come from AUTHCONFORM_* environment variables, with flags of the
// same meaning laid over them by the CLI. The client secret is read only
// from the environment or from a file: a flag would put it in the process
// list and in shell history.
package config

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authconform/authconform/internal/urlcheck"
	"github.com/authconform/authconform/setup"
)

// Environment variable names.
const (
	EnvTarget                  = "AUTHCONFORM_TARGET"
	EnvTokenPath               = "AUTHCONFORM_TOKEN_PATH"
	EnvSalesChannelClientID    = "AUTHCONFORM_SALES_CHANNEL_CLIENT_ID"
	EnvMarketID                = "AUTHCONFORM_MARKET_ID"
	EnvOtherMarketID           = "AUTHCONFORM_OTHER_MARKET_ID"
	EnvIntegrationClientID     = "AUTHCONFORM_INTEGRATION_CLIENT_ID"
	EnvIntegrationClientSecret = "AUTHCONFORM_INTEGRATION_CLIENT_SECRET"
	EnvIntegrationSecretFile   = "AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE"
	EnvSalesChannelExpiresIn   = "AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN"
	EnvIntegrationExpiresIn    = "AUTHCONFORM_INTEGRATION_EXPIRES_IN"
	EnvClockSkew               = "AUTHCONFORM_CLOCK_SKEW"
	// The token itself and its revocation (issue: JWT, JWKS, revocation).
	EnvSalesChannelClientSecret = "AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET"
	EnvSalesChannelSecretFile   = "AUTHCONFORM_SALES_CHANNEL_CLIENT_SECRET_FILE"
	EnvIssuer                   = "AUTHCONFORM_ISSUER"
	EnvJWKSURL                  = "AUTHCONFORM_JWKS_URL"
	EnvRevokePath               = "AUTHCONFORM_REVOKE_PATH"
	EnvResourceURL              = "AUTHCONFORM_RESOURCE_URL"
	// The RFC 6749 profile (-profile rfc6749).
	EnvProfile               = "AUTHCONFORM_PROFILE"
	EnvClientID              = "AUTHCONFORM_CLIENT_ID"
	EnvClientSecret          = "AUTHCONFORM_CLIENT_SECRET"
	EnvClientSecretFile      = "AUTHCONFORM_CLIENT_SECRET_FILE"
	EnvBasicClientID         = "AUTHCONFORM_BASIC_CLIENT_ID"
	EnvBasicClientSecret     = "AUTHCONFORM_BASIC_CLIENT_SECRET"
	EnvBasicClientSecretFile = "AUTHCONFORM_BASIC_CLIENT_SECRET_FILE"
	EnvScope                 = "AUTHCONFORM_SCOPE"
	EnvForbiddenScope        = "AUTHCONFORM_FORBIDDEN_SCOPE"
	EnvExpiresIn             = "AUTHCONFORM_EXPIRES_IN"
)

// Documented defaults (docs page examples). The documented lifetimes are
// no default: each API credential may have its own
// (docs/sources/commercelayer-auth.md#lifetimes), so the features compare
// with them only in @should scenarios.
const (
	DefaultTokenPath = "/oauth/token"
	DefaultClockSkew = 60 * time.Second
	// DefaultRevokePath is Commerce Layer's revocation endpoint (docs,
	// "Revoking a token"; docs/sources/commercelayer-auth.md#revocation).
	DefaultRevokePath = "/oauth/revoke"
	// JWKSPath is where a Commerce Layer client looks for the issuer's
	// keys: `${iss}/.well-known/jwks.json` (docs/sources/commercelayer-auth.md#header-and-signature, jwtVerify.ts), iss
	// being the token's when it starts with https://auth. and
	// https://auth.commercelayer.io otherwise (extractIssuer.ts).
	JWKSPath = "/.well-known/jwks.json"
)

// Client, Customer and ScopeResources are the run's options' own
// (package setup): the target is the options' value, not a copy of it.
type (
	Client         = setup.Client
	Customer       = setup.Customer
	ScopeResources = setup.ScopeResources
)

// Target is a configured auth server.
type Target struct {
	// Target is the target as the run's options give it (or FromEnv read
	// it), each default applied: the credentials, markets, scope
	// resources, clients of the RFC 6749 profile and the grants that act
	// for someone, as the command's flags and variables set them.
	setup.Target
	// URL is the base URL, scheme://host[:port][/prefix], parsed and
	// checked once where the value was read (FromEnv, or the run's
	// options when the run plans); nil when there is none. Nothing
	// changes it once set: every endpoint is built from a copy. It stands
	// in front of the options' URL, which holds the same URL as text.
	URL *url.URL

	Profile Profile
	// Resolver looks up a host name for IsLoopback; nil means
	// net.DefaultResolver. Tests set it so that no answer depends on the
	// machine's DNS.
	Resolver HostResolver
}

// Profile is what differs between families of servers, as data: how a
// request is encoded, which schemas judge answers, and which scenarios
// apply. Client authentication is each scenario's own (a step sends the
// credentials with HTTP Basic), so both methods run in one profile.
type Profile struct {
	Name        string
	Encoding    string // "json" or "form"
	TokenSchema string
	ErrorSchema string
	// LeaveOut are the scenarios that do not apply to servers of this
	// family: left out before the run, each with its reason.
	LeaveOut []Gap
	// Uses are the tags of the parts of the configuration this profile's
	// scenarios need: Gaps reports those alone.
	Uses []string
}

// CommerceLayer is the documented Commerce Layer flow: a JSON body with the
// client credentials in it (docs page, "Request" and "Examples").
var CommerceLayer = Profile{
	Name:        "commercelayer",
	Encoding:    "json",
	TokenSchema: "token_response",
	ErrorSchema: "error_response",
	LeaveOut:    []Gap{{"@plain_oauth2", "RFC 6749 profile only (form bodies, client_secret_basic and client_secret_post): run with -profile rfc6749"}},
	Uses:        append([]string{"@sales_channel", "@market", "@other_market", "@integration", "@sales_channel_secret", "@resource", "@customer"}, append(scopeResourceTags, grantTags...)...),
}

// RFC6749 is plain RFC 6749 §4.4: form-encoded bodies (§4.4.2, Appendix
// B), clients authenticating in the body or with HTTP Basic (§2.3.1),
// RFC 6749's own token and error members (§5.1, §5.2).
var RFC6749 = Profile{
	Name:        "rfc6749",
	Encoding:    "form",
	TokenSchema: "rfc6749_token_response",
	ErrorSchema: "rfc6749_error_response",
	LeaveOut:    []Gap{{"@commercelayer", "Commerce Layer only (its JSON bodies, sales channels, integrations, markets and tokens): run with -profile commercelayer"}},
	Uses:        []string{"@client", "@basic_client", "@scope", "@forbidden_scope"},
}

// Profiles are the profiles -profile names.
var Profiles = []Profile{CommerceLayer, RFC6749}

// ProfileNamed returns the profile called name.
func ProfileNamed(name string) (Profile, error) {
	var names []string
	for _, p := range Profiles {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Profile{}, fmt.Errorf("profile %q: want one of %s", shorten(name), strings.Join(names, ", "))
}

// Secrets lists every secret the target configuration holds, the
// customer's password included, for redaction.
func (t Target) Secrets() []string {
	var s []string
	for _, v := range []string{t.Integration.Secret, t.SalesChannel.Secret, t.Client.Secret, t.BasicClient.Secret, t.Webapp.Secret, string(t.AuthorizationCode), t.Customer.Password} {
		if v != "" {
			s = append(s, v)
		}
	}
	return s
}

// FromEnv reads a Target from environment variables. A lifetime not set
// stays 0 (judged against the token itself); a missing credential is not
// an error here (the scenarios that need it are left out), a malformed
// value is.
func FromEnv(getenv func(string) string) (Target, error) {
	t := textFromEnv(getenv)
	var err error
	if t.URL, err = baseFromEnv(getenv); err != nil {
		return t, err
	}
	if t.URL != nil { // the options' text form of the same URL
		if t.Target.URL, err = setup.ParseURL(t.URL.String()); err != nil {
			return t, err
		}
	}
	if t.Profile, err = profileFromEnv(getenv); err != nil {
		return t, err
	}
	if t.ScopeResources, err = scopeResourcesFromEnv(getenv); err != nil {
		return t, err
	}
	if err := t.readGrants(getenv); err != nil {
		return t, err
	}
	if err := t.readSecrets(getenv); err != nil {
		return t, err
	}
	if t.Customer, err = customerFromEnv(getenv); err != nil {
		return t, err
	}
	if err := t.readLifetimes(getenv); err != nil {
		return t, err
	}
	t.ClockSkew, err = clockSkewFromEnv(getenv)
	return t, err
}

// textFromEnv is the target's values that are taken as they are written
// (trimmed), the endpoints' paths defaulted: nothing here can be
// malformed.
func textFromEnv(getenv func(string) string) Target {
	text := func(name string) string { return strings.TrimSpace(getenv(name)) }
	return Target{Target: setup.Target{
		TokenPath:      cmp.Or(text(EnvTokenPath), DefaultTokenPath),
		RevokePath:     cmp.Or(text(EnvRevokePath), DefaultRevokePath),
		SalesChannel:   Client{ID: text(EnvSalesChannelClientID)},
		MarketID:       text(EnvMarketID),
		OtherMarketID:  text(EnvOtherMarketID),
		Integration:    Client{ID: text(EnvIntegrationClientID)},
		Issuer:         text(EnvIssuer),
		JWKSURL:        text(EnvJWKSURL),
		ResourceURL:    text(EnvResourceURL),
		Client:         Client{ID: text(EnvClientID)},
		BasicClient:    Client{ID: text(EnvBasicClientID)},
		Scope:          text(EnvScope),
		ForbiddenScope: text(EnvForbiddenScope),
	}}
}

// baseFromEnv is the target's base URL, parsed; nil when the variable is
// not set.
func baseFromEnv(getenv func(string) string) (*url.URL, error) {
	raw := strings.TrimSpace(getenv(EnvTarget))
	if raw == "" {
		return nil, nil
	}
	return ParseBaseURL(raw)
}

// profileFromEnv is the profile AUTHCONFORM_PROFILE names; Commerce
// Layer's when it is not set.
func profileFromEnv(getenv func(string) string) (Profile, error) {
	name := strings.TrimSpace(getenv(EnvProfile))
	if name == "" {
		return CommerceLayer, nil
	}
	p, err := ProfileNamed(name)
	if err != nil {
		return Profile{}, fmt.Errorf("%s: %v", EnvProfile, err)
	}
	return p, nil
}

// readSecrets reads each client's secret, from its variable or from the
// file its *_FILE variable names.
func (t *Target) readSecrets(getenv func(string) string) error {
	for _, c := range t.secretHolders() {
		var err error
		if c.client.Secret, c.client.SecretFromFile, err = c.vars.secret(getenv); err != nil {
			return err
		}
	}
	return nil
}

// readLifetimes reads the lifetimes the user configured, each shared by
// the clients of its variable; a lifetime not set stays 0.
func (t *Target) readLifetimes(getenv func(string) string) error {
	for _, l := range []struct {
		name string
		dst  []*int
	}{
		{EnvExpiresIn, []*int{&t.Client.Lifetime, &t.BasicClient.Lifetime}},
		{EnvSalesChannelExpiresIn, []*int{&t.SalesChannel.Lifetime}},
		{EnvIntegrationExpiresIn, []*int{&t.Integration.Lifetime}},
	} {
		n, err := seconds(getenv, l.name)
		if err != nil {
			return err
		}
		for _, d := range l.dst {
			*d = n
		}
	}
	return nil
}

// clockSkewFromEnv is the allowed distance of created_at and iat from the
// time of issue: DefaultClockSkew when the variable is not set.
func clockSkewFromEnv(getenv func(string) string) (time.Duration, error) {
	v := strings.TrimSpace(getenv(EnvClockSkew))
	if v == "" {
		return DefaultClockSkew, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return DefaultClockSkew, fmt.Errorf("%s=%q: want a duration such as 60s", EnvClockSkew, shorten(v))
	}
	return d, nil
}

// seconds reads a lifetime: 0 when the variable is not set.
func seconds(getenv func(string) string, name string) (int, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q: want a whole number of seconds, at least 1", name, shorten(v))
	}
	return n, nil
}

// shorten cuts s to a length a one-line message can quote.
func shorten(s string) string { return urlcheck.Shorten(s) }

// CheckClients refuses a configuration with no client at all for its
// profile: every scenario would be left out.
func (t Target) CheckClients() error {
	switch t.Profile.Name {
	case RFC6749.Name:
		if t.Client.ID == "" && t.BasicClient.ID == "" {
			return fmt.Errorf("no client credentials for the %s profile: set %s and %s, or %s and %s", RFC6749.Name, EnvClientID, EnvClientSecret, EnvBasicClientID, EnvBasicClientSecret)
		}
	default:
		if t.SalesChannel.ID == "" && t.Integration.ID == "" && t.Webapp.ID == "" {
			return fmt.Errorf("no client credentials: set %s, or %s and %s", EnvSalesChannelClientID, EnvIntegrationClientID, EnvIntegrationClientSecret)
		}
	}
	return nil
}

// Gap is a part of the suite that the configuration cannot run.
type Gap struct {
	Tag    string // scenarios with this tag are left out
	Reason string
}

// Gaps lists what is missing for which scenarios. Scenarios are tagged
// with the credentials they use, so they can be left out before the run
// (a runtime skip would show as a pass; see style.md §1.4).
func (t Target) Gaps() []Gap {
	var gaps []Gap
	if t.SalesChannel.ID == "" {
		gaps = append(gaps, Gap{"@sales_channel", "no sales channel: set " + EnvSalesChannelClientID})
	}
	if t.MarketID == "" {
		gaps = append(gaps, Gap{"@market", "no market: set " + EnvMarketID})
	}
	if t.OtherMarketID == "" {
		gaps = append(gaps, Gap{"@other_market", "no second market: set " + EnvOtherMarketID})
	}
	if t.Integration.ID == "" || t.Integration.Secret == "" {
		gaps = append(gaps, Gap{"@integration", "no integration: set " + EnvIntegrationClientID + " and " + EnvIntegrationClientSecret + " (or " + EnvIntegrationSecretFile + ")"})
	}
	if t.SalesChannel.ID == "" || t.SalesChannel.Secret == "" {
		gaps = append(gaps, Gap{"@sales_channel_secret", "no sales channel secret: set " + EnvSalesChannelClientSecret + " (or " + EnvSalesChannelSecretFile + ") to revoke a guest token"})
	}
	if t.ResourceURL == "" {
		gaps = append(gaps, Gap{"@resource", "no protected resource: set " + EnvResourceURL + " to a URL of the target's API that answers 200 to a valid access token"})
	}
	if g, missing := t.customerGap(); missing {
		gaps = append(gaps, g)
	}
	if t.Client.ID == "" || t.Client.Secret == "" {
		gaps = append(gaps, Gap{"@client", "no client_secret_post client: set " + EnvClientID + " and " + EnvClientSecret + " (or " + EnvClientSecretFile + ")"})
	}
	if t.BasicClient.ID == "" || t.BasicClient.Secret == "" {
		gaps = append(gaps, Gap{"@basic_client", "no client_secret_basic client: set " + EnvBasicClientID + " and " + EnvBasicClientSecret + " (or " + EnvBasicClientSecretFile + ")"})
	}
	if t.Scope == "" {
		gaps = append(gaps, Gap{"@scope", "no scope: set " + EnvScope + " to a scope the client may have"})
	}
	if t.ForbiddenScope == "" {
		gaps = append(gaps, Gap{"@forbidden_scope", "no forbidden scope: set " + EnvForbiddenScope + " to a scope the client may not have"})
	}
	gaps = append(gaps, scopeGaps(t.ScopeResources)...)
	gaps = append(gaps, t.grantGaps()...)
	uses := t.Profile.Uses
	if t.Profile.Name == "" {
		uses = CommerceLayer.Uses
	}
	return slices.DeleteFunc(gaps, func(g Gap) bool { return !slices.Contains(uses, g.Tag) })
}
