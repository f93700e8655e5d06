package refserver

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The clients and markets a server knows unless Options say otherwise.
// Their values look like Commerce Layer's (10-character market IDs,
// 43-character secrets) so that steps written against them also read
// naturally against the real service.
const (
	// SalesChannelClientID is a public client: it may omit its secret.
	SalesChannelClientID = "authconform-sales-channel"
	// SalesChannelClientSecret is the sales channel's secret; a sales channel
	// need not send it, but if it does it must be this one.
	SalesChannelClientSecret = "sc7Lq2XbVn9TfRk4WmZp8HjD3uYc6GsA1oEe5NtIwQy"
	// IntegrationClientID is a confidential client: it must send its secret.
	IntegrationClientID = "authconform-integration"
	// IntegrationClientSecret is the integration's secret.
	IntegrationClientSecret = "in4Vh8KzQw2RmT6yPb9XcJ1LsNd5Fg3UaEo7WiBkYt0"
	// MarketID is a known market (the one in Commerce Layer's docs example).
	MarketID = "xYZkjABcde"
	// OtherMarketID is a second known market, for multi-market scopes.
	OtherMarketID = "BjxrJhymlM"
	// The default markets' codes, store and stock location are in
	// markets.go.
	// SalesChannelLifetime is a sales channel token's expires_in, in seconds.
	SalesChannelLifetime = 14400
	// IntegrationLifetime is an integration token's expires_in, in seconds.
	IntegrationLifetime = 7200
)

// Error body shapes for Options.ErrorShape.
const (
	// ErrorShapeErrors is Commerce Layer's current body:
	// {"errors":[{"title","detail","code","status"}]}.
	ErrorShapeErrors = "errors"
	// ErrorShapeRFC6749 is RFC 6749 §5.2's {"error","error_description"},
	// which Commerce Layer's legacy endpoint used.
	ErrorShapeRFC6749 = "rfc6749"
)

// defaultIssuer is the iss claim when the server's own URL is unknown (New
// without Options.Issuer). The .test TLD (RFC 2606) never resolves, so a
// verifier cannot mistake it for a real issuer.
const defaultIssuer = "https://auth.authconform.test"

// Options configures a Server. The zero value is a correct server.
type Options struct {
	// Fault is "" for a correct server, else one name from Faults().
	Fault string
	// ErrorShape is ErrorShapeErrors (the default) or ErrorShapeRFC6749.
	ErrorShape string
	// TokenType is "bearer" (the default, as Commerce Layer writes it) or
	// "Bearer"; RFC 6749 §7.1 makes the value case-insensitive.
	TokenType string
	// InvalidClientStatus is 401 (the default) or 400 for invalid_client
	// when the credentials came in the body; RFC 6749 §5.2 allows both.
	// HTTP Basic failures are always 401, as §5.2 requires. It applies to
	// the revocation endpoint too, whose errors are §5.2's (RFC 7009
	// §2.2.1).
	InvalidClientStatus int
	// ExtraMembers adds unknown members to the token endpoint's success and
	// error bodies and to revocation errors, which clients must ignore (RFC
	// 6749 §5.1). A successful revocation stays exactly {}, as Commerce
	// Layer answers.
	ExtraMembers bool
	// JWKSRotation publishes two more keys before the signing key, as a
	// server in the middle of a key rotation would: an EC P-256 key and
	// another RSA key, each with its own kid. A verifier must pick the key
	// by the token's kid, not take the first.
	JWKSRotation bool
	// ExtraClaims adds claims Commerce Layer's client_credentials tokens do
	// not have (an authconform_extra object and a custom_claim), which
	// clients must ignore (RFC 7519 §4: unknown claims are ignored).
	ExtraClaims bool
	// RequireScope refuses a token request without scope with 400
	// invalid_scope instead of granting the default scope: RFC 6749 §3.3
	// allows either. Commerce Layer documents the default (market:all), so
	// only a server for the RFC 6749 profile sets it.
	RequireScope bool
	// ExpiresInCountdown reports expires_in as the time left when the
	// answer is written, this many seconds under the lifetime, as some
	// servers do (RFC 6749 §5.1 allows it). 0 reports the lifetime.
	ExpiresInCountdown int
	// RateLimit is the number of requests to the auth endpoint
	// (/oauth/token and /oauth/revoke together) admitted per RateWindow,
	// across all clients and methods; 0 means unlimited. The window
	// slides, as Commerce Layer describes its limits: a request is
	// admitted when fewer than RateLimit requests were admitted in the
	// RateWindow before it. Admitted requests count whatever their answer;
	// requests refused with 429 do not, so a client that waits Retry-After
	// seconds is admitted again. With a limit, every auth endpoint answer
	// carries X-Ratelimit-Limit, X-Ratelimit-Interval (seconds) and
	// X-Ratelimit-Remaining; a 429 adds Retry-After (whole seconds, rounded
	// up) and an error body with code too_many_requests.
	RateLimit int
	// RateWindow is the rate-limit window; 0 means one minute.
	RateWindow time.Duration
	// Now is the clock for created_at, iat, exp, token expiry (at
	// revocation and the resource) and rate limiting; nil means time.Now.
	// Tests pin it to check exact timestamps. It is called from concurrent
	// requests, so it must be safe for concurrent use.
	Now func() time.Time
	// Issuer is the iss claim, an absolute http(s) URL without a trailing
	// slash, under which /.well-known/jwks.json is served. "" means the
	// origin each token request was sent to (its scheme and Host), so the
	// server names itself correctly behind any name or test wrapper; Start
	// sets it to the server's URL.
	Issuer string
	// SalesChannel is the public client, which may omit its secret. Empty
	// fields take SalesChannelClientID, SalesChannelClientSecret and
	// SalesChannelLifetime.
	SalesChannel Client
	// Integration is the confidential client, which must send its secret.
	// Empty fields take IntegrationClientID, IntegrationClientSecret and
	// IntegrationLifetime. Its ID must differ from the sales channel's.
	Integration Client
	// Markets are the ids of the markets a scope may name (market:id:<id>),
	// each letters, digits, '-' and '_'. nil means MarketID and
	// OtherMarketID; an empty, non-nil list is an error.
	Markets []string
	// MarketCodes are the markets' codes (market:code:<code>), by market
	// id; Stores and StockLocations the stores and stock locations of the
	// markets a scope may name (markets.go). nil takes the defaults
	// (MarketCode, StoreID, StockLocationID, ...) when Markets is nil too,
	// and means none otherwise.
	MarketCodes    map[string]string
	Stores         []Store
	StockLocations []StockLocation
	// Customer is the customer who signs in with the sales channel (the
	// password grant). Empty fields take CustomerEmail and
	// CustomerPassword; its id is CustomerID below.
	Customer Customer
	// Webapp is the webapp, a confidential client of the authorization
	// code grant; empty fields take WebappClientID, WebappClientSecret and
	// WebappLifetime. RedirectURI is its one registered redirect URI
	// ("": WebappRedirectURI). CustomerID is the customer's id, which a
	// JWT bearer assertion may name and the password grant's tokens carry
	// ("": CustomerID). See webapp.go.
	Webapp      Client
	RedirectURI string
	CustomerID  string
}

// config is Options after defaults and validation.
type config struct {
	fault               string
	errorShape          string
	tokenType           string
	invalidClientStatus int
	extraMembers        bool
	jwksRotation        bool
	extraClaims         bool
	requireScope        bool
	expiresInCountdown  int
	rateLimit           int
	rateWindow          time.Duration
	now                 func() time.Time
	issuer              string
	// The clients and markets, read-only once New returns.
	salesChannel, integration *client
	markets                   []string        // in Options order, for Markets
	marketSet                 map[string]bool // the same, for lookups
	customer                  *customer
	resources                 scopeResources // codes, stores, stock locations
	// The grants that act for someone (webapp.go).
	grants grantsConfig
}

// config checks o and fills in its defaults.
func (o Options) config() (config, error) {
	c := config{
		fault:               o.Fault,
		errorShape:          o.ErrorShape,
		tokenType:           o.TokenType,
		invalidClientStatus: o.InvalidClientStatus,
		extraMembers:        o.ExtraMembers,
		jwksRotation:        o.JWKSRotation,
		extraClaims:         o.ExtraClaims,
		requireScope:        o.RequireScope,
		expiresInCountdown:  o.ExpiresInCountdown,
		rateLimit:           o.RateLimit,
		rateWindow:          o.RateWindow,
		now:                 o.Now,
		issuer:              o.Issuer,
	}
	if err := c.settleAnswers(); err != nil {
		return config{}, err
	}
	if err := c.settleRateLimit(); err != nil {
		return config{}, err
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.issuer != "" {
		if err := checkIssuer(c.issuer); err != nil {
			return config{}, err
		}
	}
	if err := o.addParties(&c); err != nil {
		return config{}, err
	}
	return c, nil
}

// settleAnswers checks the fault and the choices RFC 6749 leaves a server
// in its answers (error shape, token type, invalid_client's status,
// expires_in counted down), and fills in Commerce Layer's where there is
// none.
func (c *config) settleAnswers() error {
	if c.expiresInCountdown < 0 || c.expiresInCountdown > 5 {
		return fmt.Errorf("refserver: ExpiresInCountdown %d: want 0 to 5 seconds", c.expiresInCountdown)
	}
	if c.fault != "" && !knownFault(c.fault) {
		return fmt.Errorf("refserver: unknown fault %q; want one of %s", c.fault, strings.Join(faultNames(), ", "))
	}
	switch c.errorShape {
	case "":
		c.errorShape = ErrorShapeErrors
	case ErrorShapeErrors, ErrorShapeRFC6749:
	default:
		return fmt.Errorf("refserver: ErrorShape is %q; want %q or %q", c.errorShape, ErrorShapeErrors, ErrorShapeRFC6749)
	}
	switch c.tokenType {
	case "":
		c.tokenType = "bearer"
	case "bearer", "Bearer":
	default:
		return fmt.Errorf(`refserver: TokenType is %q; want "bearer" or "Bearer"`, c.tokenType)
	}
	switch c.invalidClientStatus {
	case 0:
		c.invalidClientStatus = http.StatusUnauthorized
	case http.StatusUnauthorized, http.StatusBadRequest:
	default:
		return fmt.Errorf("refserver: InvalidClientStatus is %d; want 401 or 400", c.invalidClientStatus)
	}
	return nil
}

// settleRateLimit checks the rate limit and its window, one minute unless
// set.
func (c *config) settleRateLimit() error {
	if c.rateLimit < 0 {
		return fmt.Errorf("refserver: RateLimit is %d; want 0 (unlimited) or more", c.rateLimit)
	}
	switch {
	case c.rateWindow == 0:
		c.rateWindow = time.Minute
	case c.rateWindow < 0:
		return fmt.Errorf("refserver: RateWindow is %v; want 0 (one minute) or more", c.rateWindow)
	}
	return nil
}

// addParties sets up who and what the server knows: its clients, markets
// and what a scope may name in them, the grants that act for someone, and
// the customer.
func (o Options) addParties(c *config) error {
	var err error
	if c.salesChannel, c.integration, err = newClients(o.SalesChannel, o.Integration, c.expiresInCountdown); err != nil {
		return err
	}
	if c.markets, c.marketSet, err = newMarkets(o.Markets); err != nil {
		return err
	}
	if c.resources, err = newScopeResources(o.MarketCodes, o.Stores, o.StockLocations, c.marketSet, o.Markets == nil); err != nil {
		return err
	}
	if c.grants, err = o.grants(*c); err != nil {
		return err
	}
	c.customer, err = newCustomer(o.Customer, c.grants.customerID)
	return err
}

// checkIssuer insists on the form clients rely on: they append
// "/.well-known/jwks.json" and "/oauth/revoke" to iss, and derive the Core
// API host from it. (Commerce Layer's own clients do so only for an iss
// starting with https://auth.; any other sends them to
// https://auth.commercelayer.io. The server accepts any http(s) origin,
// for clients that follow any.)
func checkIssuer(issuer string) error {
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("refserver: Issuer is %q; want an http(s) URL with a host and no path, like %q", issuer, defaultIssuer)
	}
	return nil
}
