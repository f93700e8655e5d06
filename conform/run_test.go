package conform

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/report"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/verdict"
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

			want, _ := runner.Run(context.Background(), Options{Target: publicTarget(t, ct), Profile: tt.profile, Timeout: 5 * time.Second, Output: io.Discard})
			got, err := Run(context.Background(), Options{Target: publicTarget(t, ct), Profile: tt.profile, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got.ExitCode != want.ExitCode || len(got.Verdicts) != len(want.Verdicts) || len(got.LeftOut) != len(want.LeftOut) {
				t.Fatalf("Run: exit %d, %d verdicts, %d left out; the runner: exit %d, %d, %d", got.ExitCode, len(got.Verdicts), len(got.LeftOut), want.ExitCode, len(want.Verdicts), len(want.LeftOut))
			}
			for i, v := range got.Verdicts {
				w := want.Verdicts[i]
				if v.Feature != w.URI || v.Scenario != w.Scenario || v.Status != statuses[w.Status] || string(v.Severity) != w.Severity {
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
// *ConfigError and exit code 2, before any request, and that a URL with
// user info is refused when it is parsed, without showing the password.
func TestRunRefusesABadTarget(t *testing.T) {
	for _, target := range []Target{{}, {URL: MustParseURL("http://198.51.100.7")}} {
		res, err := Run(context.Background(), Options{Target: target})
		var ce *ConfigError
		if !asConfigError(err, &ce) || res.ExitCode != ExitConfig {
			t.Errorf("Run(%q) = exit %d, %v; want exit 2 and a *ConfigError", target.URL, res.ExitCode, err)
		}
	}
	if u, err := ParseURL("https://user:pw@auth.example.com"); err == nil || strings.Contains(err.Error(), "pw@") {
		t.Errorf("ParseURL(a URL with user info) = %q, %v; want an error that does not show the password", u, err)
	}
}

// publicTarget is a configured target in its public form.
func publicTarget(t *testing.T, ct config.Target) Target {
	t.Helper()
	pt, _, err := runner.SetupTarget(ct)
	if err != nil {
		t.Fatal(err)
	}
	return pt
}

func asConfigError(err error, target **ConfigError) bool {
	ce, ok := err.(*ConfigError)
	*target = ce
	return ok
}

// TestStatusesAreSpelledAsTheSummary verifies each status a Result gives
// is the JSON summary's word for it, so a program reading both compares
// them as they are; and the severities are the reports'.
func TestStatusesAreSpelledAsTheSummary(t *testing.T) {
	run := verdict.Run{LeftOut: []verdict.LeftOut{{URI: "left out", Scenario: "left out"}}}
	for s := range statuses {
		run.Verdicts = append(run.Verdicts, verdict.Verdict{URI: string(s), Scenario: string(s), Status: s})
	}
	for _, c := range report.NewSummary(run).Cases {
		want := LeftOut
		if c.Feature != "left out" {
			want = statuses[verdict.Status(c.Feature)]
		}
		if Status(c.Status) != want {
			t.Errorf("%s: the summary says %q, a Result %q", c.Feature, c.Status, want)
		}
	}
	if Must != verdict.Must || Should != verdict.Should {
		t.Errorf("severities %q, %q; the reports' are %q, %q", Must, Should, verdict.Must, verdict.Should)
	}
}
