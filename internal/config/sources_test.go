package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/authconform/authconform/setup"
)

// TestSecretSources verifies each secret is named by the variable it was
// read from (the _FILE variable when read from a file), the profile's own
// clients first.
func TestSecretSources(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(file, []byte("from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		vars map[string]string
		want []SecretSource
	}{
		{"commercelayer", map[string]string{
			EnvIntegrationSecretFile:    file,
			EnvSalesChannelClientSecret: "sales-channel",
			EnvClientSecret:             "client",
		}, []SecretSource{
			{Secret: "from-a-file", Var: EnvIntegrationSecretFile, File: true},
			{Secret: "sales-channel", Var: EnvSalesChannelClientSecret, File: false},
			{Secret: "client", Var: EnvClientSecret, File: false},
		}},
		{"rfc6749, the profile's clients first", map[string]string{
			EnvProfile:                 "rfc6749",
			EnvIntegrationClientSecret: "integration",
			EnvClientSecretFile:        file,
			EnvBasicClientSecret:       "basic",
		}, []SecretSource{
			{Secret: "from-a-file", Var: EnvClientSecretFile, File: true},
			{Secret: "basic", Var: EnvBasicClientSecret, File: false},
			{Secret: "integration", Var: EnvIntegrationClientSecret, File: false},
		}},
	}
	for _, tt := range tests {
		tg, err := FromEnv(env(tt.vars))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := tg.SecretSources(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: SecretSources() = %+v; want %+v", tt.name, got, tt.want)
		}
	}
}

// TestSecretSourcesFromSettings verifies a secret a settings file
// referred to is named by the variable the file names, and one read from
// a path the file wrote by that path.
func TestSecretSourcesFromSettings(t *testing.T) {
	t.Parallel()
	tg := Target{Target: setup.Target{Integration: Client{ID: "i", Secret: "integration", SecretVar: "STAGING_INTEGRATION_SECRET"}, SalesChannel: Client{ID: "s", Secret: "sales-channel", SecretFromFile: true, SecretVar: "STAGING_SECRET_FILE"}, Client: Client{ID: "c", Secret: "client", SecretFromFile: true, SecretPath: "/run/secrets/client"}}}
	want := []SecretSource{
		{Secret: "integration", Var: "STAGING_INTEGRATION_SECRET"},
		{Secret: "sales-channel", Var: "STAGING_SECRET_FILE", File: true},
		{Secret: "client", Path: "/run/secrets/client"},
	}
	if got := tg.SecretSources(); !reflect.DeepEqual(got, want) {
		t.Errorf("SecretSources() = %+v; want %+v", got, want)
	}
}
