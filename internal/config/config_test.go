package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestFromEnv verifies defaults, overrides, the secret file, and that
// malformed values are errors naming the variable.
func TestFromEnv(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte("from-file-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		check   func(Target) string // "" when right
		wantErr string
	}{
		{"defaults", map[string]string{}, func(tg Target) string {
			if tg.TokenPath != "/oauth/token" || tg.SalesChannel.Lifetime != 14400 || tg.Integration.Lifetime != 7200 || tg.ClockSkew != time.Minute {
				return "documented defaults not applied"
			}
			return ""
		}, ""},
		{"overrides", map[string]string{EnvSalesChannelExpiresIn: "3600", EnvClockSkew: "5s", EnvTokenPath: "/token"}, func(tg Target) string {
			if tg.SalesChannel.Lifetime != 3600 || tg.ClockSkew != 5*time.Second || tg.TokenPath != "/token" {
				return "overrides not applied"
			}
			return ""
		}, ""},
		{"secret file", map[string]string{EnvIntegrationSecretFile: secretFile}, func(tg Target) string {
			if tg.Integration.Secret != "from-file-secret" {
				return "secret not read from the file, trimmed"
			}
			return ""
		}, ""},
		{"both secrets", map[string]string{EnvIntegrationSecretFile: secretFile, EnvIntegrationClientSecret: "x"}, nil, "set one"},
		{"missing secret file", map[string]string{EnvIntegrationSecretFile: "/nonexistent"}, nil, EnvIntegrationSecretFile},
		{"bad lifetime", map[string]string{EnvIntegrationExpiresIn: "2h"}, nil, EnvIntegrationExpiresIn},
		{"zero lifetime", map[string]string{EnvIntegrationExpiresIn: "0"}, nil, EnvIntegrationExpiresIn},
		{"bad skew", map[string]string{EnvClockSkew: "soon"}, nil, EnvClockSkew},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			tg, err := FromEnv(env(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v; want one naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if msg := tt.check(tg); msg != "" {
				t.Errorf("%s: %+v", msg, tg)
			}
		})
	}
}

// TestCheckURL verifies which base URLs are accepted.
func TestCheckURL(t *testing.T) {
	for url, ok := range map[string]bool{
		"https://auth.commercelayer.io":      true,
		"http://127.0.0.1:8080":              true,
		"https://auth.example.com/prefix":    true,
		"":                                   false,
		"auth.commercelayer.io":              false,
		"ftp://auth.example.com":             false,
		"https://":                           false,
		"https://auth.example.com/?x=1":      false,
		"https://auth.example.com/#fragment": false,
		"http://exa mple.com":                false,
	} {
		err := Target{BaseURL: url}.CheckURL()
		if (err == nil) != ok {
			t.Errorf("CheckURL(%q) = %v; want ok=%v", url, err, ok)
		}
	}
}

// TestTokenURL verifies slashes are joined once.
func TestTokenURL(t *testing.T) {
	for _, tt := range []struct{ base, path, want string }{
		{"https://a.io", "/oauth/token", "https://a.io/oauth/token"},
		{"https://a.io/", "oauth/token", "https://a.io/oauth/token"},
		{"https://a.io/x/", "/oauth/token", "https://a.io/x/oauth/token"},
	} {
		if got := (Target{BaseURL: tt.base, TokenPath: tt.path}).TokenURL(); got != tt.want {
			t.Errorf("TokenURL(%q, %q) = %q; want %q", tt.base, tt.path, got, tt.want)
		}
	}
}

// TestIsLoopback verifies which targets count as this machine.
func TestIsLoopback(t *testing.T) {
	for url, want := range map[string]bool{
		"http://127.0.0.1:1":        true,
		"http://localhost:8080":     true,
		"http://[::1]:80":           true,
		"https://auth.example.com":  false,
		"http://10.0.0.1":           false,
		"http://127.0.0.1.nip.io:1": false,
	} {
		if got := (Target{BaseURL: url}).IsLoopback(); got != want {
			t.Errorf("IsLoopback(%q) = %v; want %v", url, got, want)
		}
	}
}

// TestGaps verifies each missing credential leaves out its tag.
func TestGaps(t *testing.T) {
	full := Target{SalesChannel: Client{ID: "s"}, MarketID: "m", Integration: Client{ID: "i", Secret: "x"}}
	if g := full.Gaps(); len(g) != 0 {
		t.Errorf("full configuration has gaps %v", g)
	}
	noSecret := full
	noSecret.Integration.Secret = ""
	if g := noSecret.Gaps(); len(g) != 1 || g[0].Tag != "@integration" {
		t.Errorf("missing secret: gaps %v; want only @integration", g)
	}
	if g := (Target{}).Gaps(); len(g) != 3 {
		t.Errorf("empty configuration: %d gaps; want 3", len(g))
	}
}
