package runner

import (
	"testing"

	"github.com/authconform/authconform/internal/config"
)

// TestSetupTargetKeepsTheBaseURL verifies a base URL read from the
// environment reaches the run's options, and comes back to the steps'
// target, as the same URL: the text it shows may be normalised (the
// scheme in lower case, a host beyond ASCII escaped), the URL may not.
func TestSetupTargetKeepsTheBaseURL(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"https://auth.example.com", "HTTP://LOCALHOST:8080/prefix/", "http://localhost.", "http://[::1]:80",
		"https://é.example/tenant", "https://auth.example.com/ü/a%2Fb",
	} {
		ct, err := config.FromEnv(func(name string) string {
			return map[string]string{config.EnvTarget: raw, config.EnvIntegrationClientID: "in"}[name]
		})
		if err != nil {
			t.Errorf("FromEnv(%s=%q) = %v; want it read", config.EnvTarget, raw, err)
			continue
		}
		st, p, err := SetupTarget(ct)
		if err != nil {
			t.Errorf("SetupTarget(%q) = %v; want the URL FromEnv read taken by the options too", raw, err)
			continue
		}
		back, err := ConfigTarget(st, p)
		switch {
		case err != nil:
			t.Errorf("ConfigTarget(SetupTarget(%q)) = %v; want no error", raw, err)
		case back.URL.String() != ct.URL.String() || back.TokenURL() != ct.TokenURL():
			t.Errorf("ConfigTarget(SetupTarget(%q)) = URL %q, token URL %q; want %q and %q, as FromEnv read it", raw, back.URL, back.TokenURL(), ct.URL, ct.TokenURL())
		case back.Integration.ID != "in" || back.Profile.Name != ct.Profile.Name:
			t.Errorf("ConfigTarget(SetupTarget(%q)) = integration %q, profile %q; want %q, %q", raw, back.Integration.ID, back.Profile.Name, "in", ct.Profile.Name)
		}
	}
}
