package conform

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/runner"
)

// TestListAgreesWithTheRunner verifies List gives, case by case, what the
// command's runner lists for the same target, in both profiles.
func TestListAgreesWithTheRunner(t *testing.T) {
	for _, p := range []Profile{CommerceLayer, RFC6749} {
		t.Run("profile="+string(p), func(t *testing.T) {
			prof, err := config.ProfileNamed(string(p))
			if err != nil {
				t.Fatal(err)
			}
			ct := embedded.Target("http://127.0.0.1:1")
			ct.Profile = prof
			want, err := runner.List(Options{Target: publicTarget(t, ct), Profile: p})
			if err != nil {
				t.Fatal(err)
			}
			got, err := List(Options{Target: publicTarget(t, ct), Profile: p})
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if len(got.Cases) != len(want.Cases) || len(got.LeftOut) != len(want.LeftOut) || got.Requests != want.Requests || got.Rate != want.Rate || got.Waiting != want.Waiting {
				t.Fatalf("List: %d cases, %d left out, %d requests at %s; the runner: %d, %d, %d at %s",
					len(got.Cases), len(got.LeftOut), got.Requests, got.Rate, len(want.Cases), len(want.LeftOut), want.Requests, want.Rate)
			}
			for i, c := range got.Cases {
				w := want.Cases[i]
				if c.Feature != w.URI || c.Line != w.Line || c.Scenario != w.Scenario || c.Severity == "" || len(c.Rules) == 0 {
					t.Errorf("case %d: %s:%d %q [%s %v]; the runner: %s:%d %q", i, c.Feature, c.Line, c.Scenario, c.Severity, c.Rules, w.URI, w.Line, w.Scenario)
				}
			}
			for i, l := range got.LeftOut {
				if w := want.LeftOut[i]; l.Feature != w.URI || l.Scenario != w.Scenario || l.OtherProfile != w.OtherProfile {
					t.Errorf("left out %d: %s %q other profile %v; the runner: %s %q %v", i, l.Feature, l.Scenario, l.OtherProfile, w.URI, w.Scenario, w.OtherProfile)
				}
			}
		})
	}
}

// TestSchemasReplaceTheBuiltIn verifies Options.Schemas is where the run
// reads its schemas: a directory without any cannot start a run.
func TestSchemasReplaceTheBuiltIn(t *testing.T) {
	res, err := Run(context.Background(), Options{Target: publicTarget(t, embedded.Target("http://127.0.0.1:1")), Schemas: fstest.MapFS{}})
	var ce *ConfigError
	if !asConfigError(err, &ce) || res.ExitCode != ExitConfig || !strings.Contains(err.Error(), "schemas") {
		t.Errorf("Run with no schemas = exit %d, %v; want exit 2 and a *ConfigError about the schemas", res.ExitCode, err)
	}
}

// TestParseProfile verifies ParseProfile knows the profiles and refuses
// another name as the configuration does.
func TestParseProfile(t *testing.T) {
	for _, p := range []Profile{CommerceLayer, RFC6749} {
		if got, err := ParseProfile(string(p)); got != p || err != nil {
			t.Errorf("ParseProfile(%q) = %q, %v; want %q", p, got, err, p)
		}
	}
	_, want := config.ProfileNamed("oidc")
	if _, err := ParseProfile("oidc"); fmt.Sprint(err) != fmt.Sprint(want) {
		t.Errorf("ParseProfile(oidc) error = %v; want %v", err, want)
	}
}
