package refserver_test

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/refserver"
)

// A server's own clients and markets, none of them the defaults.
const (
	customSCID     = "dev-sales-channel"
	customSCSecret = "devScSecretDevScSecretDevScSecretDevScSecr"
	customInID     = "dev-integration"
	customInSecret = "devInSecretDevInSecretDevInSecretDevInSecr"
	customMarket   = "dEvMarKet01"
	customMarket2  = "dEvMarKet02"
)

// customOptions configures every client field and the markets.
func customOptions() refserver.Options {
	return refserver.Options{
		Now:          clockAt(fixedNow),
		SalesChannel: refserver.Client{ID: customSCID, Secret: customSCSecret, Lifetime: 600},
		Integration:  refserver.Client{ID: customInID, Secret: customInSecret, Lifetime: 300},
		Markets:      []string{customMarket, customMarket2},
	}
}

// secrets are every secret an options error must not print.
var secrets = []string{customSCSecret, customInSecret, refserver.SalesChannelClientSecret, refserver.IntegrationClientSecret}

// TestNewRejectsBadClientsAndMarkets verifies one clear error per bad
// client or market field, naming the field and never printing a secret.
func TestNewRejectsBadClientsAndMarkets(t *testing.T) {
	t.Parallel()
	sc := func(c refserver.Client) func(*refserver.Options) {
		return func(o *refserver.Options) { o.SalesChannel = c }
	}
	in := func(c refserver.Client) func(*refserver.Options) {
		return func(o *refserver.Options) { o.Integration = c }
	}
	markets := func(ids ...string) func(*refserver.Options) {
		return func(o *refserver.Options) { o.Markets = append([]string{}, ids...) } // never nil
	}
	tests := []struct {
		name    string
		change  func(*refserver.Options)
		wantErr []string // parts of the error message
	}{
		{"field=SalesChannel.Lifetime value=negative", sc(refserver.Client{ID: customSCID, Secret: customSCSecret, Lifetime: -1}),
			[]string{"SalesChannel.Lifetime", "-1"}},
		{"field=Integration.Lifetime value=negative", in(refserver.Client{ID: customInID, Secret: customInSecret, Lifetime: -7200}),
			[]string{"Integration.Lifetime", "-7200"}},
		{"field=Integration.Lifetime value=too_large", in(refserver.Client{Secret: customInSecret, Lifetime: math.MaxInt32 + 1}),
			[]string{"Integration.Lifetime", fmt.Sprint(math.MaxInt32 + 1)}},
		{"field=SalesChannel.Lifetime value=within_countdown", func(o *refserver.Options) {
			o.SalesChannel = refserver.Client{Secret: customSCSecret, Lifetime: 5}
			o.ExpiresInCountdown = 5
		}, []string{"SalesChannel.Lifetime", "ExpiresInCountdown"}},
		{"field=ID value=same_custom", func(o *refserver.Options) {
			o.SalesChannel = refserver.Client{ID: "same-client", Secret: customSCSecret}
			o.Integration = refserver.Client{ID: "same-client", Secret: customInSecret}
		}, []string{"SalesChannel.ID", "Integration.ID", `"same-client"`}},
		{"field=SalesChannel.ID value=default_integration_id", func(o *refserver.Options) {
			o.SalesChannel = refserver.Client{ID: refserver.IntegrationClientID, Secret: customSCSecret}
			o.Integration = refserver.Client{Secret: customInSecret}
		}, []string{"SalesChannel.ID", "Integration.ID", quoted(refserver.IntegrationClientID)}},
		{"field=Markets value=empty", markets(), []string{"Markets", "at least one"}},
		{"field=Markets value=empty_id", markets(customMarket, ""), []string{"Markets[1]", `""`}},
		{"field=Markets value=space", markets("dEv MarKet"), []string{"Markets[0]", `"dEv MarKet"`}},
		{"field=Markets value=scope_token", markets("market:id:" + customMarket), []string{"Markets[0]", quoted("market:id:" + customMarket)}},
		{"field=Markets value=repeated", markets(customMarket, customMarket2, customMarket), []string{"Markets[2]", quoted(customMarket), "twice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := customOptions()
			tt.change(&opts)
			_, err := refserver.New(opts)
			if err == nil {
				t.Fatalf("New(%+v) succeeded; want an error", opts)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("New error = %q; want it to mention %s", err, want)
				}
			}
			for _, secret := range secrets {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("New error = %q; want no client secret in it", err)
				}
			}
			if _, err := refserver.Start(opts); err == nil {
				t.Errorf("Start(%+v) succeeded; want the same error as New", opts)
			}
		})
	}
}

// TestNewAcceptsClientsAndMarkets verifies the edges of valid client and
// market options, and that empty fields take the defaults.
func TestNewAcceptsClientsAndMarkets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		opts        refserver.Options
		wantClients []refserver.ClientInfo
		wantMarkets []string
	}{
		{"options=zero", refserver.Options{},
			[]refserver.ClientInfo{
				{Kind: "sales_channel", ID: refserver.SalesChannelClientID, Lifetime: refserver.SalesChannelLifetime},
				{Kind: "integration", ID: refserver.IntegrationClientID, Lifetime: refserver.IntegrationLifetime},
			},
			[]string{refserver.MarketID, refserver.OtherMarketID}},
		{"options=custom", customOptions(),
			[]refserver.ClientInfo{
				{Kind: "sales_channel", ID: customSCID, Lifetime: 600},
				{Kind: "integration", ID: customInID, Lifetime: 300},
			},
			[]string{customMarket, customMarket2}},
		{"options=some_fields lifetime=1 markets=one", refserver.Options{
			SalesChannel: refserver.Client{Lifetime: 1},
			Integration:  refserver.Client{ID: customInID, Lifetime: math.MaxInt32},
			Markets:      []string{"a"},
		},
			[]refserver.ClientInfo{
				{Kind: "sales_channel", ID: refserver.SalesChannelClientID, Lifetime: 1},
				{Kind: "integration", ID: customInID, Lifetime: math.MaxInt32},
			},
			[]string{"a"}},
		{"options=lifetime_above_countdown", refserver.Options{ExpiresInCountdown: 5, Integration: refserver.Client{Lifetime: 6}},
			[]refserver.ClientInfo{
				{Kind: "sales_channel", ID: refserver.SalesChannelClientID, Lifetime: refserver.SalesChannelLifetime},
				{Kind: "integration", ID: refserver.IntegrationClientID, Lifetime: 6},
			},
			[]string{refserver.MarketID, refserver.OtherMarketID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := refserver.New(tt.opts)
			if err != nil {
				t.Fatalf("New(%+v): %v; want no error", tt.opts, err)
			}
			if got := s.Clients(); !slices.Equal(got, tt.wantClients) {
				t.Errorf("Clients() = %+v; want %+v", got, tt.wantClients)
			}
			if got := s.Markets(); !slices.Equal(got, tt.wantMarkets) {
				t.Errorf("Markets() = %q; want %q", got, tt.wantMarkets)
			}
		})
	}
}

// TestConfigCopied verifies that the server keeps its own copy of the
// markets, and that Markets and Clients hand out copies.
func TestConfigCopied(t *testing.T) {
	t.Parallel()
	opts := customOptions()
	s, err := refserver.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Markets[0] = "changed"
	s.Markets()[1] = "changed"
	s.Clients()[0].ID = "changed"
	if got, want := s.Markets(), []string{customMarket, customMarket2}; !slices.Equal(got, want) {
		t.Errorf("Markets() after callers changed theirs = %q; want %q", got, want)
	}
	if got := s.Clients()[0].ID; got != customSCID {
		t.Errorf("Clients()[0].ID after a caller changed its copy = %q; want %q", got, customSCID)
	}
}

// TestClientSecretsNotPrinted verifies that printing Options or the
// server's client list, in any of fmt's struct forms, shows no secret.
func TestClientSecretsNotPrinted(t *testing.T) {
	t.Parallel()
	opts := customOptions()
	s, err := refserver.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		for name, v := range map[string]any{"Options": opts, "Options.Integration": opts.Integration, "Clients()": s.Clients()} {
			out := fmt.Sprintf(format, v)
			for _, secret := range secrets {
				if strings.Contains(out, secret) {
					t.Errorf("Sprintf(%q, %s) = %s; want no client secret", format, name, out)
				}
			}
		}
	}
	if out := fmt.Sprintf("%+v", opts.Integration); !strings.Contains(out, customInID) || !strings.Contains(out, "300") {
		t.Errorf("Sprintf(%%+v, Options.Integration) = %s; want its ID and Lifetime", out)
	}
}

// TestCustomClientsAndMarkets verifies that a server configured with its
// own clients and markets issues tokens to them, with their lifetimes and
// markets in the claims, and refuses the defaults it no longer knows.
func TestCustomClientsAndMarkets(t *testing.T) {
	t.Parallel()
	srv := start(t, customOptions())
	sc := tokenWant{lifetime: 600, scope: "market:all", createdAt: fixedNow.Unix(), kind: "sales_channel", clientID: customSCID}
	in := tokenWant{lifetime: 300, scope: "market:all", createdAt: fixedNow.Unix(), kind: "integration", clientID: customInID, confidential: true}
	oneMarket := "market:id:" + customMarket
	twoMarkets := oneMarket + " market:id:" + customMarket2
	scWith := func(pairs ...string) request {
		return request{body: jsonBody(append([]string{"grant_type", "client_credentials", "client_id", customSCID}, pairs...)...)}
	}
	inWith := func(pairs ...string) request {
		return request{body: jsonBody(append([]string{"grant_type", "client_credentials", "client_id", customInID, "client_secret", customInSecret}, pairs...)...)}
	}

	issued := []struct {
		name string
		req  request
		want tokenWant
	}{
		{"client=sales_channel", scWith(), sc},
		{"client=sales_channel secret=own", scWith("client_secret", customSCSecret), with(sc, func(w *tokenWant) { w.confidential = true })},
		{"client=sales_channel scope=market", scWith("scope", oneMarket),
			with(sc, func(w *tokenWant) { w.scope = oneMarket; w.markets = []string{customMarket} })},
		{"client=integration", inWith(), in},
		{"client=integration auth=basic", request{contentType: "application/x-www-form-urlencoded", body: "grant_type=client_credentials",
			basic: []string{customInID, customInSecret}}, in},
		{"client=integration scope=two_markets", inWith("scope", twoMarkets),
			with(in, func(w *tokenWant) { w.scope = twoMarkets; w.markets = []string{customMarket, customMarket2} })},
	}
	for _, tt := range issued {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := expectTokenAnswer(srv.URL, send(t, srv.URL, tt.req), tt.want); err != nil {
				t.Error(err)
			}
		})
	}

	refused := []struct {
		name       string
		req        request
		wantStatus int
		wantCode   string
	}{
		{"client=default_sales_channel", salesChannelToken(""), 401, "invalid_client"},
		{"client=default_integration", integrationToken(), 401, "invalid_client"},
		{"client=integration secret=default", request{body: jsonBody("grant_type", "client_credentials", "client_id", customInID,
			"client_secret", refserver.IntegrationClientSecret)}, 401, "invalid_client"},
		{"client=integration secret=sales_channels", request{body: jsonBody("grant_type", "client_credentials", "client_id", customInID,
			"client_secret", customSCSecret)}, 401, "invalid_client"},
		{"client=integration secret=missing", request{body: jsonBody("grant_type", "client_credentials", "client_id", customInID)}, 401, "invalid_client"},
		{"client=sales_channel secret=default", scWith("client_secret", refserver.SalesChannelClientSecret), 401, "invalid_client"},
		{"scope=default_market", scWith("scope", "market:id:"+refserver.MarketID), 400, "invalid_scope"},
		{"scope=custom_and_default_market", scWith("scope", oneMarket+" market:id:"+refserver.OtherMarketID), 400, "invalid_scope"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := send(t, srv.URL, tt.req)
			if err := expectErrorAnswer(r, tt.wantStatus, tt.wantCode); err != nil {
				t.Error(err)
			}
			for _, secret := range secrets {
				if strings.Contains(string(r.body), secret) {
					t.Errorf("body = %s; want no client secret", r.body)
				}
			}
		})
	}
}

// TestRevokeCustomClients verifies revocation with a server's own
// clients: each revokes its own token with its own secret, not the other's
// token, and the default credentials authenticate nothing.
func TestRevokeCustomClients(t *testing.T) {
	t.Parallel()
	srv := start(t, customOptions())
	scToken := func() string {
		return accessToken(send(t, srv.URL, request{body: jsonBody("grant_type", "client_credentials", "client_id", customSCID)}))
	}
	inToken := func() string {
		return accessToken(send(t, srv.URL, request{body: jsonBody("grant_type", "client_credentials", "client_id", customInID, "client_secret", customInSecret)}))
	}
	tests := []struct {
		name       string
		token      func() string
		revoker    []string // client_id, client_secret
		wantStatus int
		wantCode   string // "" for a successful revocation
	}{
		{"token=own by=integration", inToken, []string{customInID, customInSecret}, 200, ""},
		{"token=own by=sales_channel", scToken, []string{customSCID, customSCSecret}, 200, ""},
		{"token=other_clients by=integration", scToken, []string{customInID, customInSecret}, 403, "unauthorized_client"},
		{"token=other_clients by=sales_channel", inToken, []string{customSCID, customSCSecret}, 403, "unauthorized_client"},
		{"token=own by=sales_channel secret=missing", scToken, []string{customSCID, ""}, 403, "unauthorized_client"},
		{"token=own by=integration secret=default", inToken, []string{customInID, refserver.IntegrationClientSecret}, 401, "invalid_client"},
		{"by=default_integration", inToken, []string{refserver.IntegrationClientID, refserver.IntegrationClientSecret}, 401, "invalid_client"},
		{"by=default_sales_channel", scToken, []string{refserver.SalesChannelClientID, refserver.SalesChannelClientSecret}, 401, "invalid_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			token := tt.token()
			r := send(t, srv.URL, revoke("client_id", tt.revoker[0], "client_secret", tt.revoker[1], "token", token))
			revoked := tt.wantCode == ""
			if revoked {
				if err := expectRevokeSuccess(r); err != nil {
					t.Error(err)
				}
			} else if err := expectErrorAnswer(r, tt.wantStatus, tt.wantCode); err != nil {
				t.Error(err)
			}
			if err := expectTokenWorks(t, srv.URL, token, !revoked); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestFaultsWithCustomClients verifies the faults that name "the sales
// channel", "the integration" or "every market" act on the server's own.
func TestFaultsWithCustomClients(t *testing.T) {
	t.Parallel()
	scToken := request{body: jsonBody("grant_type", "client_credentials", "client_id", customSCID)}
	inToken := request{body: jsonBody("grant_type", "client_credentials", "client_id", customInID, "client_secret", customInSecret)}
	sameLifetimes := func(o *refserver.Options) { o.SalesChannel.Lifetime, o.Integration.Lifetime = 900, 900 }
	tests := []struct {
		name   string
		fault  string
		change func(*refserver.Options) // nil: customOptions as they are
		req    request
		check  func(t *testing.T, baseURL string, r *response) error
	}{
		{"lifetimes=different", "sales-channel-lifetime", nil, scToken, memberIs("expires_in", "300")},
		{"lifetimes=different", "integration-lifetime", nil, inToken, memberIs("expires_in", "600")},
		{"lifetimes=same", "sales-channel-lifetime", sameLifetimes, scToken, memberIs("expires_in", "1800")},
		{"lifetimes=same", "integration-lifetime", sameLifetimes, inToken, memberIs("expires_in", "1800")},
		{"lifetimes=different unaffected=integration", "sales-channel-lifetime", nil, inToken, memberIs("expires_in", "300")},
		{"client=unknown", "unknown-client-accepted", nil, unknownClient(), claimIs("application", "client_id", quoted(customSCID))},
		{"client=integration", "secret-echoed-in-token", nil, inToken, memberIs("client_secret", quoted(customInSecret))},
		{"client=sales_channel", "jwt-application-kind-wrong", nil, scToken, claimIs("application", "kind", `"integration"`)},
		{"scope=market:all", "jwt-market-claim-for-all-markets", nil, inToken, func(t *testing.T, baseURL string, r *response) error {
			claims, err := verifyToken(baseURL, accessToken(r))
			if err != nil {
				return err
			}
			return expectMarketClaim(claims, []string{customMarket, customMarket2})
		}},
	}
	for _, tt := range tests {
		t.Run("fault="+tt.fault+" "+tt.name, func(t *testing.T) {
			t.Parallel()
			opts := customOptions()
			opts.Fault = tt.fault
			if tt.change != nil {
				tt.change(&opts)
			}
			srv := start(t, opts)
			if err := tt.check(t, srv.URL, send(t, srv.URL, tt.req)); err != nil {
				t.Error(err)
			}
		})
	}
}

// memberIs checks one member of a token answer.
func memberIs(name, want string) func(*testing.T, string, *response) error {
	return func(_ *testing.T, _ string, r *response) error { return expectMember(r, name, want) }
}

// claimIs checks one member of an object claim of the answer's token.
func claimIs(claim, member, want string) func(*testing.T, string, *response) error {
	return func(_ *testing.T, baseURL string, r *response) error {
		claims, err := verifyToken(baseURL, accessToken(r))
		if err != nil {
			return err
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(claims[claim], &obj); err != nil {
			return fmt.Errorf("%s claim = %s; want an object", claim, claims[claim])
		}
		if got := string(obj[member]); got != want {
			return fmt.Errorf("%s.%s claim = %s; want %s", claim, member, got, want)
		}
		return nil
	}
}
