package conform

import (
	"context"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/runner"
)

// TestRunAgreesWithTheRunner verifies Run gives, scenario by scenario,
// the verdicts the command's runner gives for the same target and
// options, in both profiles, against a correct and a faulty server.
func TestRunAgreesWithTheRunner(t *testing.T) {
	for _, tt := range []struct {
		profile Profile
		fault   string
	}{
		{CommerceLayer, ""},
		{CommerceLayer, "token-type-mac"},
		{RFC6749, ""},
		{RFC6749, "basic-challenge-missing"},
	} {
		t.Run(string(tt.profile)+"/"+tt.fault, func(t *testing.T) {
			prof, err := config.ProfileNamed(string(tt.profile))
			if err != nil {
				t.Fatal(err)
			}
			srv, err := refserver.Start(embedded.ServerOptions(prof, tt.fault))
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			ct := embedded.Target(srv.URL)
			ct.Profile = prof

			want, _ := runner.Run(context.Background(), runner.Options{Target: ct, Timeout: 5 * time.Second, Console: io.Discard}.WithBuiltInSuite())
			got, err := Run(context.Background(), Options{Target: fromConfig(ct), Profile: tt.profile, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got.ExitCode != want.ExitCode || len(got.Verdicts) != len(want.Verdicts) || len(got.LeftOut) != len(want.LeftOut) {
				t.Fatalf("Run: exit %d, %d verdicts, %d left out; the runner: exit %d, %d, %d", got.ExitCode, len(got.Verdicts), len(got.LeftOut), want.ExitCode, len(want.Verdicts), len(want.LeftOut))
			}
			for i, v := range got.Verdicts {
				w := want.Verdicts[i]
				if v.Feature != w.URI || v.Scenario != w.Scenario || v.Status != statuses[w.Status] || v.Severity != w.Severity {
					t.Errorf("verdict %d: %s %q %s %s; the runner: %s %q %s %s", i, v.Feature, v.Scenario, v.Status, v.Severity, w.URI, w.Scenario, w.Status, w.Severity)
				}
			}
			for _, l := range got.LeftOut {
				if !l.OtherProfile {
					t.Errorf("%s left out (%s); want only the other profile's scenarios left out against the reference server", l.Scenario, l.Reason)
				}
			}
		})
	}
}

// TestExitCodes verifies the public exit codes are the runner's.
func TestExitCodes(t *testing.T) {
	if ExitPass != runner.ExitPass || ExitFail != runner.ExitFail || ExitConfig != runner.ExitConfig {
		t.Errorf("exit codes %d %d %d; the runner's are %d %d %d", ExitPass, ExitFail, ExitConfig, runner.ExitPass, runner.ExitFail, runner.ExitConfig)
	}
}

// TestRunRefusesABadTarget verifies a configuration problem is a
// *ConfigError and exit code 2, before any request.
func TestRunRefusesABadTarget(t *testing.T) {
	for _, target := range []Target{{}, {URL: "http://198.51.100.7"}, {URL: "https://user:pw@auth.example.com"}} {
		res, err := Run(context.Background(), Options{Target: target})
		var ce *ConfigError
		if !asConfigError(err, &ce) || res.ExitCode != ExitConfig {
			t.Errorf("Run(%q) = exit %d, %v; want exit 2 and a *ConfigError", target.URL, res.ExitCode, err)
		}
		if err != nil && strings.Contains(err.Error(), "pw@") {
			t.Errorf("Run(%q): the error shows the URL's password: %v", target.URL, err)
		}
	}
}

// internalName matches a use of an internal package's identifier, or its
// import path, in go doc's text.
var internalName = regexp.MustCompile(`internal/|\b(runner|config|verdict|steps|expect|httpclient|refserver|embedded)\.[A-Z]`)

func asConfigError(err error, target **ConfigError) bool {
	ce, ok := err.(*ConfigError)
	*target = ce
	return ok
}

// TestNoInternalTypeInTheAPI verifies go doc of the public packages names
// no internal package: an outside module could not use such an API.
func TestNoInternalTypeInTheAPI(t *testing.T) {
	for _, pkg := range []string{".", "./conformtest"} {
		out, err := exec.Command("go", "doc", "-all", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go doc -all %s: %v\n%s", pkg, err, out)
		}
		if m := internalName.FindString(string(out)); m != "" {
			t.Errorf("go doc -all %s mentions %q; the public API must use public types only:\n%s", pkg, m, out)
		}
	}
}
