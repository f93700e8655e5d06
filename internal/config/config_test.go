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
