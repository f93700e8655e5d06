package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	junit "github.com/joshdk/go-junit"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/golden"
	"github.com/authconform/authconform/internal/refserver"
)

// The faults the JUnit check runs the embedded server with: one whose
// @must failures a known-deviation file lists (it warns too), and one
// whose failures the run reports. The self-test's proof that a case
// written in Gherkin alone needs no Go runs these two (gherkinOnlyRuns).
const (
	knownFault   = "unknown-client-accepted"
	failingFault = "token-type-mac"
)

// TestJUnitAgreesWithTheVerdict reads the JUnit file back with an
// independent parser: a run with @should warnings, known deviations and
// left-out scenarios exits 0 with no failure or error in JUnit, the three
// kinds as skipped cases with their reasons; a run with @must failures has
// exactly those failures in JUnit, in the summary and in the exit code.
// Which scenarios each fault fails or warns, the golden file says.
func TestJUnitAgreesWithTheVerdict(t *testing.T) {
	t.Parallel()
	checkJUnitAgreesWithTheVerdict(t, nil, loadGolden(t), builtInCases(t))
}

// TestAGherkinOnlyCaseKeepsJUnitAgreeing runs the same check over a copy
// of the features with golden.GherkinOnlyCase added, judged by the golden
// file `make golden` would write from the copy: the case needs no Go here
// either (internal/selftest's TestAGherkinOnlyCaseNeedsNoGo proves that
// golden file is the one `make golden` writes).
func TestAGherkinOnlyCaseKeepsJUnitAgreeing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	g, err := golden.WithGherkinOnlyCase(dir)
	if err != nil {
		t.Fatalf("copying the features with the case: %v", err)
	}
	cases, err := catalog.Load(os.DirFS(dir), "features")
	if err != nil {
		t.Fatalf("catalog.Load(the copy): %v", err)
	}
	checkJUnitAgreesWithTheVerdict(t, []string{"-features", dir}, g, cases)
}

// checkJUnitAgreesWithTheVerdict runs the CLI, with args first, over
// cases, of which g says what each fault fails and warns: a green run,
// then a red one.
func checkJUnitAgreesWithTheVerdict(t *testing.T, args []string, g golden.File, cases []catalog.Case) {
	t.Helper()
	checkGreenJUnit(t, args, g, cases)
	checkRedJUnit(t, args, g, cases)
}

// checkGreenJUnit runs the CLI against knownFault without the
// integration's secret, the fault's failures listed as known deviations:
// exit 0, nothing failed in JUnit, and every warning, known deviation and
// left-out case skipped with its reason.
func checkGreenJUnit(t *testing.T, args []string, g golden.File, cases []catalog.Case) {
	t.Helper()
	// Tokens name an issuer Commerce Layer's clients follow, so that the
	// warnings are the golden file's.
	srv, err := refserver.Start(refserver.Options{Fault: knownFault, Issuer: embedded.Issuer})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	env := envFor(srv.URL)
	env["AUTHCONFORM_ISSUER"], env["AUTHCONFORM_JWKS_URL"] = embedded.Issuer, srv.URL+"/.well-known/jwks.json"
	delete(env, "AUTHCONFORM_INTEGRATION_CLIENT_SECRET") // the @integration cases are left out too
	green := runSet(cases, gapTags(t, env)...)
	known, warned := inRun(g.Faults[knownFault].Fail, green), inRun(g.Faults[knownFault].Warn, green)
	if len(known) == 0 || len(warned) == 0 {
		t.Fatalf("the golden file says fault %s fails %d and warns %d scenarios of a run without the integration's secret; want some of each, or this test proves nothing: pick another knownFault", knownFault, len(known), len(warned))
	}
	xml := filepath.Join(t.TempDir(), "green.xml")
	r := runCLI(t, env, append(slices.Clone(args), "-quiet", "-format", "progress,junit:"+xml, "-expect-failures", writeKnown(t, known, "AUTH-7"))...)
	if r.code != 0 {
		t.Fatalf("exit %d; want 0 (warnings, known deviations, left out)\n%s", r.code, r.stdout)
	}
	skipped := map[string]string{}
	for _, tc := range ingest(t, xml) {
		switch tc.Status {
		case junit.StatusFailed, junit.StatusError:
			t.Errorf("%q is %s in JUnit on a green run: %s", tc.Name, tc.Status, tc.Message)
		case junit.StatusSkipped:
			skipped[golden.Key(tc.Classname, tc.Name)] = tc.Message
		}
	}
	for prefix, cs := range map[string][]catalog.Case{"known deviation: AUTH-7": known, "warning: ": warned} {
		for _, c := range cs {
			if m := skipped[golden.Key(c.URI, c.Scenario)]; !strings.HasPrefix(m, prefix) {
				t.Errorf("%s: skipped message %q; want one starting %q", golden.Key(c.URI, c.Scenario), m, prefix)
			}
		}
	}
	leftOut := 0
	for _, m := range skipped {
		if strings.HasPrefix(m, "left out: ") {
			leftOut++
		}
	}
	// JUnit lists the profile's cases: the other profile's are no gap.
	if want := len(runSet(cases)) - len(green); leftOut != want || len(skipped) != leftOut+len(known)+len(warned) {
		t.Errorf("%d skipped, %d of them left out; want the %d warnings, the %d known deviations and each of the %d scenarios needing a credential the run lacks left out", len(skipped), leftOut, len(warned), len(known), want)
	}
}

// checkRedJUnit runs the CLI against failingFault: exit 1, and the same
// failures, in the same order, in JUnit and in the summary, which are the
// golden file's for the fault.
func checkRedJUnit(t *testing.T, args []string, g golden.File, cases []catalog.Case) {
	t.Helper()
	dir := t.TempDir()
	xml, summary := filepath.Join(dir, "red.xml"), filepath.Join(dir, "red.json")
	r := runCLI(t, nil, append(slices.Clone(args), "-quiet", "-embedded-fault", failingFault, "-format", "progress,junit:"+xml+",json:"+summary)...)
	if r.code != 1 {
		t.Fatalf("exit %d; want 1", r.code)
	}
	var failedJUnit []string
	for _, tc := range ingest(t, xml) {
		if tc.Status == junit.StatusFailed || tc.Status == junit.StatusError {
			failedJUnit = append(failedJUnit, golden.Key(tc.Classname, tc.Name))
		}
	}
	var s struct {
		Counts map[string]int
		Cases  []struct{ Feature, Scenario, Status string }
	}
	b, _ := os.ReadFile(summary)
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("reading the summary: %v", err)
	}
	var failedSummary []string
	for _, c := range s.Cases {
		if c.Status == "failed" {
			failedSummary = append(failedSummary, golden.Key(c.Feature, c.Scenario))
		}
	}
	var want []string
	for _, c := range inRun(g.Faults[failingFault].Fail, runSet(cases)) {
		want = append(want, golden.Key(c.URI, c.Scenario))
	}
	slices.Sort(want)
	if !slices.Equal(failedJUnit, failedSummary) || !slices.Equal(slices.Sorted(slices.Values(failedJUnit)), want) || s.Counts["failed"] != len(want) {
		t.Errorf("JUnit failures %q, summary failures %q (count %d); want the same, the golden file's for fault %s: %q", failedJUnit, failedSummary, s.Counts["failed"], failingFault, want)
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
