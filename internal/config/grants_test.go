package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/authconform/authconform/setup"
)

// TestGrantsFromEnv verifies the webapp, the code or authorize endpoint
// and the customer are read from their variables, the webapp's secret
// from a file too, and refused when malformed.
func TestGrantsFromEnv(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "webapp-secret")
	if err := os.WriteFile(file, []byte("webapp-secret-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := map[string]string{
		EnvWebappClientID:    " wa-id ",
		EnvWebappRedirectURI: "https://app.example.com/callback",
		EnvAuthorizeURL:      "https://auth.example.com/oauth/authorize",
		EnvCustomerID:        "cust42",
		EnvAuthorizationCode: " code-xyz-123\n",
	}
	tests := []struct {
		name       string
		vars       map[string]string
		wantSecret string
		wantLife   int
		wantErr    string
	}{
		{name: "inline secret", vars: map[string]string{EnvWebappClientSecret: "s3cret-inline"}, wantSecret: "s3cret-inline"},
		{name: "secret file", vars: map[string]string{EnvWebappSecretFile: file}, wantSecret: "webapp-secret-from-file"},
		{name: "both", vars: map[string]string{EnvWebappClientSecret: "x", EnvWebappSecretFile: file}, wantErr: "both " + EnvWebappClientSecret},
		{name: "lifetime", vars: map[string]string{EnvWebappExpiresIn: "3600"}, wantLife: 3600},
		{name: "bad lifetime", vars: map[string]string{EnvWebappExpiresIn: "2h"}, wantErr: EnvWebappExpiresIn},
		{name: "blank code", vars: map[string]string{EnvAuthorizationCode: "  "}, wantErr: EnvAuthorizationCode + " is only white space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{}
			for k, v := range base {
				vars[k] = v
			}
			for k, v := range tt.vars {
				vars[k] = v
			}
			got, err := FromEnv(env(vars))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("FromEnv: err = %v; want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := Client{ID: "wa-id", Secret: tt.wantSecret, Lifetime: tt.wantLife, SecretFromFile: tt.vars[EnvWebappSecretFile] != ""}
			if got.Webapp != want {
				t.Errorf("Webapp = %+v; want %+v", got.Webapp, want)
			}
			if got.AuthorizationCode != "code-xyz-123" || got.CustomerID != "cust42" || got.RedirectURI != base[EnvWebappRedirectURI] || got.AuthorizeURL != base[EnvAuthorizeURL] {
				t.Errorf("grants = code %q, customer %q, redirect %q, authorize %q", got.AuthorizationCode, got.CustomerID, got.RedirectURI, got.AuthorizeURL)
			}
			if !slices.Contains(got.Secrets(), "code-xyz-123") || (tt.wantSecret != "" && !slices.Contains(got.Secrets(), tt.wantSecret)) {
				t.Errorf("Secrets() lacks the code or the webapp's secret")
			}
		})
	}
}

// TestGrantSecretSources verifies a reproduce line reads the webapp's
// secret and the configured code from the variables they came from.
func TestGrantSecretSources(t *testing.T) {
	t.Parallel()
	tg := Target{Target: setup.Target{Webapp: Client{ID: "w", Secret: "webapp-secret", SecretFromFile: true}, AuthorizationCode: "the-code-123"}}
	got := tg.SecretSources()
	want := []SecretSource{{Secret: "webapp-secret", Var: EnvWebappSecretFile, File: true}, {Secret: "the-code-123", Var: EnvAuthorizationCode}}
	if !slices.Equal(got, want) {
		t.Errorf("SecretSources() = %+v; want %+v", got, want)
	}
}

// TestAssertionClient verifies which client sends the JWT bearer
// assertions: the sales channel with its secret, else the integration.
func TestAssertionClient(t *testing.T) {
	t.Parallel()
	sc := Client{ID: "sc", Secret: "sc-secret"}
	in := Client{ID: "in", Secret: "in-secret"}
	tests := []struct {
		name string
		t    Target
		want string
	}{
		{"both", Target{Target: setup.Target{SalesChannel: sc, Integration: in}}, "sc"},
		{"sales channel without secret", Target{Target: setup.Target{SalesChannel: Client{ID: "sc"}, Integration: in}}, "in"},
		{"integration without secret", Target{Target: setup.Target{SalesChannel: Client{ID: "sc"}, Integration: Client{ID: "in"}}}, ""},
	}
	for _, tt := range tests {
		if got := tt.t.AssertionClient().ID; got != tt.want {
			t.Errorf("%s: AssertionClient().ID = %q; want %q", tt.name, got, tt.want)
		}
	}
}

// TestGrantGaps verifies each part of the grants' configuration leaves
// out its own scenarios, and a configured code alone leaves out those
// that need fresh codes.
func TestGrantGaps(t *testing.T) {
	t.Parallel()
	tags := func(tg Target) []string {
		var out []string
		for _, g := range tg.grantGaps() {
			out = append(out, g.Tag)
		}
		return out
	}
	full := Target{Target: setup.Target{Webapp: Client{ID: "w", Secret: "s"}, RedirectURI: "https://a/cb", AuthorizeURL: "https://a/authorize", CustomerID: "c", SalesChannel: Client{ID: "sc", Secret: "x"}}}
	if got := tags(full); len(got) != 0 {
		t.Errorf("full configuration: gaps %v", got)
	}
	codeOnly := full
	codeOnly.AuthorizeURL, codeOnly.AuthorizationCode = "", "code"
	if got := tags(codeOnly); !slices.Equal(got, []string{"@authorize_url"}) {
		t.Errorf("a code, no authorize endpoint: gaps %v; want [@authorize_url]", got)
	}
	noRedirect := full
	noRedirect.RedirectURI = ""
	if got := tags(noRedirect); !slices.Equal(got, []string{"@webapp"}) {
		t.Errorf("no redirect URI: gaps %v; want [@webapp]", got)
	}
}

// TestRedirectURI verifies the redirect URI is held to RFC 6749 §3.1.2 and
// that the wrong one the suite sends differs from it.
func TestRedirectURI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		uri, wantErr, other string
	}{
		{"https://app.example.com/callback", "", "https://app.example.com/callback/authconform-elsewhere"},
		{"https://app.example.com/cb/?x=1", "", "https://app.example.com/cb/authconform-elsewhere?x=1"},
		{"myapp:callback", "", "myapp:callback/authconform-elsewhere"},
		{"http://127.0.0.1:9/", "", "http://127.0.0.1:9/authconform-elsewhere"},
		{"https://app.example.com/cb#frag", "has a fragment", ""},
		{"/callback", "not an absolute URI", ""},
		{"https://app.example.com/c b", "a space", ""},
	}
	for _, tt := range tests {
		tg := Target{URL: mustBase(t, "https://auth.example.com"), Target: setup.Target{RedirectURI: tt.uri}}
		err := tg.CheckURL()
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: CheckURL() = %v; want an error containing %q", tt.uri, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: CheckURL() = %v", tt.uri, err)
		}
		if got := tg.OtherRedirectURI(); got != tt.other {
			t.Errorf("%q: OtherRedirectURI() = %q; want %q", tt.uri, got, tt.other)
		}
	}
}

// TestAuthorizeURLRules verifies the authorize endpoint is held to the
// target's rules, and that the run sends requests to it.
func TestAuthorizeURLRules(t *testing.T) {
	t.Parallel()
	tg := Target{URL: mustBase(t, "https://auth.example.com"), Target: setup.Target{AuthorizeURL: "https://u:p@auth.example.com/oauth/authorize"}}
	if err := tg.CheckURL(); err == nil || !strings.Contains(err.Error(), EnvAuthorizeURL) {
		t.Errorf("CheckURL() = %v; want the authorize URL's user info refused, naming %s", err, EnvAuthorizeURL)
	}
	tg.AuthorizeURL = "https://auth.example.com/oauth/authorize"
	if !slices.Contains(tg.OtherURLs(), tg.AuthorizeURL) {
		t.Errorf("OtherURLs() = %v; want the authorize endpoint among them", tg.OtherURLs())
	}
}
