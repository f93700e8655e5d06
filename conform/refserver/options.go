package refserver

import (
	"crypto/tls"
	"time"

	ref "github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/setup"
)

// The clients and markets a server knows unless Options say otherwise. The
// values are fixed, so a test may use them as they are.
const (
	// SalesChannelClientID is the default sales channel, a public client:
	// it may omit its secret.
	SalesChannelClientID = "authconform-sales-channel"
	// SalesChannelClientSecret is its secret, needed only to revoke.
	SalesChannelClientSecret = "sc7Lq2XbVn9TfRk4WmZp8HjD3uYc6GsA1oEe5NtIwQy"
	// IntegrationClientID is the default integration, a confidential
	// client: it must send its secret.
	IntegrationClientID = "authconform-integration"
	// IntegrationClientSecret is its secret.
	IntegrationClientSecret = "in4Vh8KzQw2RmT6yPb9XcJ1LsNd5Fg3UaEo7WiBkYt0"
	// MarketID is a default market (the one in Commerce Layer's docs).
	MarketID = "xYZkjABcde"
	// OtherMarketID is a second default market, for two-market scopes.
	OtherMarketID = "BjxrJhymlM"
	// MarketCode and OtherMarketCode are the default markets' codes.
	MarketCode      = "europe"
	OtherMarketCode = "north_america"
	// StoreID and StoreCode are a default store of MarketID's market (the
	// docs' example), whose scope puts that market in the token.
	StoreID   = "bGvCXzYgNB"
	StoreCode = "outlet_ny"
	// StockLocationID and StockLocationCode are a default stock location
	// of MarketID's market (the docs' example), not of OtherMarketID's.
	StockLocationID   = "WLgbSXqyoZ"
	StockLocationCode = "eu_warehouse"
	// SalesChannelLifetime is a sales channel token's expires_in, seconds.
	SalesChannelLifetime = 14400
	// IntegrationLifetime is an integration token's expires_in, seconds.
	IntegrationLifetime = 7200
	// CustomerEmail is the default customer's email, who signs in with
	// the sales channel (the password grant).
	CustomerEmail = "customer@authconform.test"
	// CustomerPassword is the default customer's password.
	CustomerPassword = "cu5Tm3rPw-Hq8Lz2Vb7Nk4Rd9Xs1Fy6Jc3Tg0Ae"
)

// OrganizationSlug is the slug of the organisation every token belongs
// to (claim organization.slug). Commerce Layer's clients put the Core API
// at the issuer with "auth" replaced by it: for https://auth.example.test,
// https://authconform.example.test.
const OrganizationSlug = "authconform"

// Paths of the server's endpoints, under Server.URL.
const (
	TokenPath    = "/oauth/token"
	JWKSPath     = "/.well-known/jwks.json"
	RevokePath   = "/oauth/revoke"
	ResourcePath = "/api/ping"
	// AuthorizePath is the authorize endpoint: it approves every request
	// at once, as UserID, and redirects to the webapp's redirect URI with
	// a code (valid 10 minutes, once) and the state it was sent.
	AuthorizePath = "/oauth/authorize"
)

// The webapp, and the people tokens act for, unless Options say otherwise.
const (
	// WebappClientID is the default webapp, a confidential client of the
	// authorization code grant.
	WebappClientID = "authconform-webapp"
	// WebappClientSecret is its secret.
	WebappClientSecret = "wa8Nc3RtKy6PqZ1LmV5XbH9DsJ2FgW7oUe4AiTnQz0k"
	// WebappLifetime is a webapp token's expires_in, seconds.
	WebappLifetime = 7200
	// WebappRedirectURI is its registered redirect URI; nothing is ever
	// requested there.
	WebappRedirectURI = "https://app.authconform.test/oauth/callback"
	// CustomerID is the customer's id: owner_id in the answers, owner.id
	// in the tokens of the customer who signs in (the password grant), and
	// the customer a JWT bearer assertion may name as owner.
	CustomerID = "ZvNkqBxLpm"
	// UserID is the user who approves authorize requests, the owner of
	// webapp tokens; an assertion may name it as a User.
	UserID = "WyXrLmQkPo"
)

// Error body shapes for Options.ErrorShape.
const (
	// ErrorShapeErrors is Commerce Layer's body, {"errors":[{...}]}.
	ErrorShapeErrors = "errors"
	// ErrorShapeRFC6749 is RFC 6749 §5.2's {"error","error_description"}.
	ErrorShapeRFC6749 = "rfc6749"
)

// DefaultAddr is where a server listens unless Options.Addr says otherwise:
// loopback, on a port the system chooses.
const DefaultAddr = "127.0.0.1:0"

// Options configures a server. The zero value is a correct server with the
// default clients and markets, on DefaultAddr.
type Options struct {
	// Addr is the listen address, host:port; "" means DefaultAddr. A host
	// that is not loopback needs AllowRemote.
	Addr string
	// AllowRemote permits an Addr other machines can reach (":8080",
	// "0.0.0.0:8080"), e.g. a phone testing an app. Never the default:
	// the server signs tokens with a published key and, with some faults,
	// hands them to anyone.
	AllowRemote bool
	// Hostname is the DNS name the server's URL (and so its tokens' iss)
	// uses instead of the address it listens on, such as
	// "auth.example.test": the name its clients reach it by, which must
	// resolve to Addr (a hosts entry, a DNS override). "" names the
	// address.
	Hostname string
	// TLSConfig makes the server speak HTTPS with it (its Certificates or
	// GetCertificate give the server's certificate); nil is plain HTTP.
	TLSConfig *tls.Config
	// Issuer is the iss of its tokens, an http(s) URL with a host and no
	// path, for a server behind a proxy that clients reach under another
	// name; "" is the server's URL. Commerce Layer's clients follow iss to
	// the keys (/.well-known/jwks.json) and the revocation endpoint only
	// when it starts with https://auth., and go to
	// https://auth.commercelayer.io otherwise.
	Issuer string
	// Fault is "" for a correct server, else one name from Faults().
	Fault string
	// ErrorShape is ErrorShapeErrors (the default) or ErrorShapeRFC6749.
	ErrorShape string
	// TokenType is "bearer" (the default, as Commerce Layer writes it) or
	// "Bearer".
	TokenType string
	// SalesChannel is the public client; empty fields take the
	// SalesChannel* defaults.
	SalesChannel Client
	// Integration is the confidential client; empty fields take the
	// Integration* defaults. Its ID must differ from the sales channel's.
	Integration Client
	// Markets are the ids a scope may name (market:id:<id>), letters,
	// digits, '-' and '_'. nil means MarketID and OtherMarketID.
	Markets []string
	// Customer signs in with the sales channel (the password grant);
	// empty fields take CustomerEmail and CustomerPassword.
	Customer Customer
	// MarketCodes are the markets' codes (market:code:<code>), by market
	// id: letters, digits, '-' and '_', at most 25. Stores are stores of
	// the markets (store:id:<id>, store:code:<code>), whose scope puts
	// their market in the token; StockLocations stock locations of the
	// markets (stock_location:id:<id>, stock_location:code:<code>), which a
	// scope names with their market. nil takes the defaults (MarketCode
	// and OtherMarketCode, StoreID, StockLocationID) when Markets is nil
	// too, and means none otherwise.
	MarketCodes    map[string]string
	Stores         []Store
	StockLocations []StockLocation
	// RateLimit is the number of requests to /oauth/token and
	// /oauth/revoke together admitted per RateWindow (a sliding window);
	// 0 means unlimited. Beyond it the answer is 429 with Retry-After.
	RateLimit int
	// RateWindow is the rate-limit window; 0 means one minute.
	RateWindow time.Duration
	// Webapp is the webapp, the confidential client of the authorization
	// code grant; empty fields take the Webapp* defaults. RedirectURI is
	// its registered redirect URI ("": WebappRedirectURI), where
	// AuthorizePath sends the user back with a code. CustomerID is the
	// customer a JWT bearer assertion may name ("": CustomerID).
	Webapp      Client
	RedirectURI string
	CustomerID  string
}

// Client configures one of the server's two clients: the same type as the
// suite's (conform.Client is setup.Client too), so a test hands the server
// and conform.Run one value. An empty field takes the default. It prints
// without its secret.
type Client = setup.Client

// Store is a store of one of the server's markets. Code may be "".
type Store struct{ ID, Code, MarketID string }

// StockLocation is a stock location of one of the server's markets. Code
// may be "".
type StockLocation struct{ ID, Code, MarketID string }

// Customer configures the server's customer: the same type as the
// suite's (conform.Customer is setup.Customer too). It prints without its
// password.
type Customer = setup.Customer

// ClientInfo is one of a running server's clients, without its secret.
type ClientInfo struct {
	// Kind is "sales_channel" or "integration", as its tokens'
	// application.kind says.
	Kind string
	ID   string
	// Lifetime is its tokens' expires_in, in seconds.
	Lifetime int
}

// Fault is one deliberate defect a server can be started with.
type Fault struct {
	// Name is the value for Options.Fault.
	Name string
	// Breaks is the rule the fault breaks and where it comes from.
	Breaks string
}

// Faults lists every fault, in a stable order.
func Faults() []Fault {
	internal := ref.Faults()
	faults := make([]Fault, len(internal))
	for i, f := range internal {
		faults[i] = Fault{Name: f.Name, Breaks: f.Breaks}
	}
	return faults
}

// internal is o as the reference server's options, for a server at issuer
// ("" means the origin each request was sent to).
func (o Options) internal(issuer string) ref.Options {
	if o.Issuer != "" {
		issuer = o.Issuer
	}
	return ref.Options{
		Fault:          o.Fault,
		ErrorShape:     o.ErrorShape,
		TokenType:      o.TokenType,
		RateLimit:      o.RateLimit,
		RateWindow:     o.RateWindow,
		Issuer:         issuer,
		SalesChannel:   refClient(o.SalesChannel),
		Integration:    refClient(o.Integration),
		Markets:        o.Markets,
		MarketCodes:    o.MarketCodes,
		Stores:         convertList[ref.Store](o.Stores),
		StockLocations: convertList[ref.StockLocation](o.StockLocations),
		Webapp:         refClient(o.Webapp),
		RedirectURI:    o.RedirectURI,
		CustomerID:     o.CustomerID,
		Customer:       ref.Customer{Email: o.Customer.Email, Password: o.Customer.Password},
	}
}

// convertList converts a list of one struct type to another of the same
// fields, keeping nil nil (nil means the defaults).
func convertList[T, F ~struct{ ID, Code, MarketID string }](list []F) []T {
	if list == nil {
		return nil
	}
	out := make([]T, len(list))
	for i, x := range list {
		out[i] = T(x)
	}
	return out
}

// refClient is c as the server knows a client: where a secret came from
// is the suite's business, not the server's.
func refClient(c Client) ref.Client {
	return ref.Client{ID: c.ID, Secret: c.Secret, Lifetime: c.Lifetime}
}
