package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	junit "github.com/joshdk/go-junit"

	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/refserver"
)

// TestJUnitAgreesWithTheVerdict reads the JUnit file back with an
// independent parser: a run with a @should warning, a known deviation and
// left-out scenarios exits 0 with no failure or error in JUnit, the three
// kinds as skipped cases with their reasons; a run with @must failures has
// exactly those failures in JUnit, in the summary and in the exit code.
func TestJUnitAgreesWithTheVerdict(t *testing.T) {
	const known = "An unknown client_id gets invalid_client and no token"
	const warned = "An unknown client_id is answered 401, as Commerce Layer does"
	dir := t.TempDir()
	list := filepath.Join(dir, "known.json")
	os.WriteFile(list, []byte(`{"expected_failures":[{"feature":"features/errors/invalid_client.feature","scenario":"`+known+`","reason":"AUTH-7"}]}`), 0o600)
	// Tokens name an issuer Commerce Layer's clients follow, so that the
	// warning is the one below.
	srv, err := refserver.Start(refserver.Options{Fault: "unknown-client-accepted", Issuer: embedded.Issuer})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	env := envFor(srv.URL)
	env["AUTHCONFORM_ISSUER"], env["AUTHCONFORM_JWKS_URL"] = embedded.Issuer, srv.URL+"/.well-known/jwks.json"
	delete(env, "AUTHCONFORM_INTEGRATION_CLIENT_SECRET")

	green := filepath.Join(dir, "green.xml")
	r := runCLI(t, env, "-quiet", "-format", "progress,junit:"+green, "-expect-failures", list)
	if r.code != 0 {
		t.Fatalf("exit %d; want 0 (warning, known deviation, left out)\n%s", r.code, r.stdout)
	}
	tests := ingest(t, green)
	skipped := map[string]string{}
	for _, tc := range tests {
		switch tc.Status {
		case junit.StatusFailed, junit.StatusError:
			t.Errorf("%q is %s in JUnit on a green run: %s", tc.Name, tc.Status, tc.Message)
		case junit.StatusSkipped:
			skipped[tc.Name] = tc.Message
		}
	}
	if !strings.HasPrefix(skipped[known], "known deviation: AUTH-7") || !strings.HasPrefix(skipped[warned], "warning: ") {
		t.Errorf("skipped messages: known deviation %q, warning %q", skipped[known], skipped[warned])
	}
	leftOut := 0
	for _, m := range skipped {
		if strings.HasPrefix(m, "left out: ") {
			leftOut++
		}
	}
	if leftOut == 0 || len(skipped) != leftOut+2 {
		t.Errorf("skipped = %v; want the warning, the known deviation and each left-out scenario", skipped)
	}

	red, summary := filepath.Join(dir, "red.xml"), filepath.Join(dir, "red.json")
	r = runCLI(t, nil, "-quiet", "-embedded-fault", "token-type-mac", "-format", "progress,junit:"+red+",json:"+summary)
	if r.code != 1 {
		t.Fatalf("exit %d; want 1", r.code)
	}
	var failedJUnit []string
	for _, tc := range ingest(t, red) {
		if tc.Status == junit.StatusFailed || tc.Status == junit.StatusError {
			failedJUnit = append(failedJUnit, tc.Name)
		}
	}
	var s struct {
		Counts map[string]int
		Cases  []struct{ Scenario, Status string }
	}
	b, _ := os.ReadFile(summary)
	json.Unmarshal(b, &s)
	var failedSummary []string
	for _, c := range s.Cases {
		if c.Status == "failed" {
			failedSummary = append(failedSummary, c.Scenario)
		}
	}
	if len(failedJUnit) < 2 || strings.Join(failedJUnit, "|") != strings.Join(failedSummary, "|") || s.Counts["failed"] != len(failedJUnit) {
		t.Errorf("JUnit failures %q, summary failures %q (count %d); want the same ones, the token answers token-type-mac breaks", failedJUnit, failedSummary, s.Counts["failed"])
	}
}

func ingest(t *testing.T, path string) []junit.Test {
	t.Helper()
	suites, err := junit.IngestFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []junit.Test
	for _, s := range suites {
		if s.Totals.Failed+s.Totals.Error > 0 && s.Totals.Tests == 0 {
			t.Errorf("suite %s counts failures without tests", s.Name)
		}
		out = append(out, s.Tests...)
	}
	return out
}
