package refserver_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/authconform/authconform/conform/refserver"
	ref "github.com/authconform/authconform/internal/refserver"
)

// start starts a server for one test.
func start(t *testing.T, opts refserver.Options) *refserver.Server {
	t.Helper()
	srv, err := refserver.Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// post sends a JSON token request and returns the status and body.
func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func tokenRequest(id, secret, scope string) string {
	m := map[string]string{"grant_type": "client_credentials", "client_id": id}
	if secret != "" {
		m["client_secret"] = secret
	}
	if scope != "" {
		m["scope"] = scope
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// TestDefaults verifies the documented defaults are the server's own, so
// a test written with them gets tokens.
func TestDefaults(t *testing.T) {
	for _, c := range []struct{ name, got, want string }{
		{"SalesChannelClientID", refserver.SalesChannelClientID, ref.SalesChannelClientID},
		{"SalesChannelClientSecret", refserver.SalesChannelClientSecret, ref.SalesChannelClientSecret},
		{"IntegrationClientID", refserver.IntegrationClientID, ref.IntegrationClientID},
		{"IntegrationClientSecret", refserver.IntegrationClientSecret, ref.IntegrationClientSecret},
		{"MarketID", refserver.MarketID, ref.MarketID},
		{"OtherMarketID", refserver.OtherMarketID, ref.OtherMarketID},
		{"SalesChannelLifetime", fmt.Sprint(refserver.SalesChannelLifetime), fmt.Sprint(ref.SalesChannelLifetime)},
		{"IntegrationLifetime", fmt.Sprint(refserver.IntegrationLifetime), fmt.Sprint(ref.IntegrationLifetime)},
		{"ErrorShapeErrors", refserver.ErrorShapeErrors, ref.ErrorShapeErrors},
		{"ErrorShapeRFC6749", refserver.ErrorShapeRFC6749, ref.ErrorShapeRFC6749},
		{"RevokePath", refserver.RevokePath, ref.RevokePath},
		{"ResourcePath", refserver.ResourcePath, ref.ResourcePath},
		{"OrganizationSlug", refserver.OrganizationSlug, ref.OrganizationSlug},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q; want the server's %q", c.name, c.got, c.want)
		}
	}

	srv := start(t, refserver.Options{})
	want := []refserver.ClientInfo{
		{Kind: "sales_channel", ID: refserver.SalesChannelClientID, Lifetime: refserver.SalesChannelLifetime},
		{Kind: "integration", ID: refserver.IntegrationClientID, Lifetime: refserver.IntegrationLifetime},
	}
	if got := srv.Clients(); !slices.Equal(got, want) {
		t.Errorf("Clients() = %+v; want %+v", got, want)
	}
	if got, want := srv.Markets(), []string{refserver.MarketID, refserver.OtherMarketID}; !slices.Equal(got, want) {
		t.Errorf("Markets() = %q; want %q", got, want)
	}
	for _, c := range []struct{ name, body string }{
		{"client=sales_channel", tokenRequest(refserver.SalesChannelClientID, "", "market:id:"+refserver.OtherMarketID)},
		{"client=integration", tokenRequest(refserver.IntegrationClientID, refserver.IntegrationClientSecret, "")},
	} {
		if code, body := post(t, srv.URL+refserver.TokenPath, c.body); code != http.StatusOK {
			t.Errorf("%s: status = %d; want 200 (body: %s)", c.name, code, body)
		}
	}
}

// TestEndpoints verifies every endpoint the package documents is served
// under URL, and counted.
func TestEndpoints(t *testing.T) {
	srv := start(t, refserver.Options{})
	_, body := post(t, srv.URL+refserver.TokenPath, tokenRequest(refserver.IntegrationClientID, refserver.IntegrationClientSecret, ""))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(body), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("no access token in %s (%v)", body, err)
	}

	resp, err := http.Get(srv.URL + refserver.JWKSPath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: status = %d; want 200", refserver.JWKSPath, resp.StatusCode)
	}

	ping := func() int {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+refserver.ResourcePath, nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := ping(); code != http.StatusOK {
		t.Errorf("GET %s with the token: status = %d; want 200", refserver.ResourcePath, code)
	}
	revoke := fmt.Sprintf(`{"client_id":%q,"client_secret":%q,"token":%q}`, refserver.IntegrationClientID, refserver.IntegrationClientSecret, tok.AccessToken)
	if code, body := post(t, srv.URL+refserver.RevokePath, revoke); code != http.StatusOK {
		t.Errorf("POST %s: status = %d; want 200 (body: %s)", refserver.RevokePath, code, body)
	}
	if code := ping(); code != http.StatusUnauthorized {
		t.Errorf("GET %s with the revoked token: status = %d; want 401", refserver.ResourcePath, code)
	}
	if got, want := srv.Requests(), (refserver.Requests{Token: 1, Revoke: 1, Resource: 2}); got != want {
		t.Errorf("Requests() = %+v; want %+v", got, want)
	}
}

// TestOptions verifies each option reaches the server.
func TestOptions(t *testing.T) {
	sc := refserver.Client{ID: "my-sales-channel", Secret: "my-sc-secret-0123", Lifetime: 600}
	in := refserver.Client{ID: "my-integration", Secret: "my-int-secret-0123", Lifetime: 300}
	srv := start(t, refserver.Options{SalesChannel: sc, Integration: in, Markets: []string{"myMarket01"}, TokenType: "Bearer", ErrorShape: refserver.ErrorShapeRFC6749})

	wantClients := []refserver.ClientInfo{{Kind: "sales_channel", ID: sc.ID, Lifetime: 600}, {Kind: "integration", ID: in.ID, Lifetime: 300}}
	if got := srv.Clients(); !slices.Equal(got, wantClients) {
		t.Errorf("Clients() = %+v; want %+v", got, wantClients)
	}
	url := srv.URL + refserver.TokenPath
	tests := []struct {
		name, body string
		code       int
		contains   string
	}{
		{"case=own sales channel and market", tokenRequest(sc.ID, "", "market:id:myMarket01"), 200, `"expires_in":600`},
		{"case=own integration", tokenRequest(in.ID, in.Secret, ""), 200, `"token_type":"Bearer"`},
		{"case=default market unknown", tokenRequest(sc.ID, "", "market:id:"+refserver.MarketID), 400, `"error":"invalid_scope"`},
		{"case=default integration unknown", tokenRequest(refserver.IntegrationClientID, refserver.IntegrationClientSecret, ""), 401, `"error":"invalid_client"`},
		{"case=default secret refused", tokenRequest(in.ID, refserver.IntegrationClientSecret, ""), 401, `"error":"invalid_client"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := post(t, url, tt.body)
			if code != tt.code || !strings.Contains(body, tt.contains) {
				t.Errorf("status = %d, body %s; want %d with %s", code, body, tt.code, tt.contains)
			}
		})
	}
}

// TestRateLimit verifies RateLimit refuses what is over the limit.
func TestRateLimit(t *testing.T) {
	srv := start(t, refserver.Options{RateLimit: 1})
	body := tokenRequest(refserver.SalesChannelClientID, "", "")
	if code, _ := post(t, srv.URL+refserver.TokenPath, body); code != http.StatusOK {
		t.Fatalf("first request: status = %d; want 200", code)
	}
	if code, _ := post(t, srv.URL+refserver.TokenPath, body); code != http.StatusTooManyRequests {
		t.Errorf("second request in the window: status = %d; want 429", code)
	}
}

// TestFaults verifies Faults lists the server's faults, each one
// accepted by Start and breaking something.
func TestFaults(t *testing.T) {
	faults := refserver.Faults()
	internal := ref.Faults()
	if len(faults) != len(internal) || len(faults) == 0 {
		t.Fatalf("Faults() has %d faults; want the server's %d", len(faults), len(internal))
	}
	for i, f := range faults {
		if f.Name != internal[i].Name || f.Breaks != internal[i].Breaks || f.Breaks == "" {
			t.Errorf("Faults()[%d] = %+v; want %+v with a rule", i, f, internal[i])
		}
	}
	srv := start(t, refserver.Options{Fault: faults[0].Name})
	if srv.URL == "" {
		t.Errorf("a server with fault %q has no URL", faults[0].Name)
	}
}

// TestStartRefuses verifies a wrong option is an error naming it, and
// that a remote address needs AllowRemote.
func TestStartRefuses(t *testing.T) {
	tests := []struct {
		name string
		opts refserver.Options
		want string
	}{
		{"addr=every interface", refserver.Options{Addr: ":0"}, "not a loopback address"},
		{"addr=0.0.0.0", refserver.Options{Addr: "0.0.0.0:0"}, "needs AllowRemote"},
		{"addr=[::]", refserver.Options{Addr: "[::]:0"}, "needs AllowRemote"},
		{"addr=documentation address", refserver.Options{Addr: "192.0.2.1:0"}, "needs AllowRemote"},
		{"addr=host name", refserver.Options{Addr: "example.com:0"}, "needs AllowRemote"},
		{"addr=no port", refserver.Options{Addr: "127.0.0.1"}, "want host:port"},
		{"fault=unknown", refserver.Options{Fault: "no-such-fault"}, `unknown fault "no-such-fault"`},
		{"error shape=unknown", refserver.Options{ErrorShape: "html"}, "ErrorShape"},
		{"clients=one id", refserver.Options{SalesChannel: refserver.Client{ID: "x"}, Integration: refserver.Client{ID: "x"}}, "two different client ids"},
		{"markets=empty", refserver.Options{Markets: []string{}}, "Markets is empty"},
		{"markets=bad id", refserver.Options{Markets: []string{"a b"}}, "Markets[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := refserver.Start(tt.opts)
			if err == nil {
				srv.Close()
				t.Fatalf("Start(%+v) succeeded; want an error with %q", tt.opts, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Start: %v; want one line with %q", err, tt.want)
			}
			if remote := strings.HasPrefix(tt.name, "addr=") && tt.want != "want host:port"; errors.Is(err, refserver.ErrNotLoopback) != remote {
				t.Errorf("errors.Is(%v, ErrNotLoopback) = %t; want %t", err, !remote, remote)
			}
		})
	}
}

// TestStartAddr verifies where a server listens and the URL it reports.
func TestStartAddr(t *testing.T) {
	t.Run("addr=localhost", func(t *testing.T) {
		srv := start(t, refserver.Options{Addr: "localhost:0"})
		if host, _, _ := net.SplitHostPort(srv.Addr); !net.ParseIP(host).IsLoopback() {
			t.Errorf("Addr = %s; want a loopback address", srv.Addr)
		}
	})
	t.Run("addr=every interface, allowed", func(t *testing.T) {
		srv := start(t, refserver.Options{Addr: ":0", AllowRemote: true})
		_, port, _ := net.SplitHostPort(srv.Addr)
		if want := "http://127.0.0.1:" + port; srv.URL != want {
			t.Errorf("URL = %s; want %s (Addr %s)", srv.URL, want, srv.Addr)
		}
		code, body := post(t, srv.URL+refserver.TokenPath, tokenRequest(refserver.SalesChannelClientID, "", ""))
		if code != http.StatusOK {
			t.Errorf("status = %d; want 200 (body: %s)", code, body)
		}
	})
}

// TestCloseTwice verifies Close and Shutdown may both be called, in any
// order, and that the server then refuses connections.
func TestCloseTwice(t *testing.T) {
	srv, err := refserver.Start(refserver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Shutdown(t.Context()); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	srv.Close()
	if _, err := http.Get(srv.URL + refserver.JWKSPath); err == nil {
		t.Errorf("GET after Close succeeded; want a refused connection")
	}
}

// TestClientHidesSecret verifies printing Options shows no secret.
func TestClientHidesSecret(t *testing.T) {
	secret := "do-not-print-me-0123"
	opts := refserver.Options{Integration: refserver.Client{ID: "i", Secret: secret}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, opts); strings.Contains(s, secret) {
			t.Errorf("Sprintf(%q, opts) = %s; shows the secret", verb, s)
		}
	}
}
