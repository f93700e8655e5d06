package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
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
			{"from-a-file", EnvIntegrationSecretFile, true},
			{"sales-channel", EnvSalesChannelClientSecret, false},
			{"client", EnvClientSecret, false},
		}},
		{"rfc6749, the profile's clients first", map[string]string{
			EnvProfile:                 "rfc6749",
			EnvIntegrationClientSecret: "integration",
			EnvClientSecretFile:        file,
			EnvBasicClientSecret:       "basic",
		}, []SecretSource{
			{"from-a-file", EnvClientSecretFile, true},
			{"basic", EnvBasicClientSecret, false},
			{"integration", EnvIntegrationClientSecret, false},
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
