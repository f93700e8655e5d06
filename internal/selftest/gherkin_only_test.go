package selftest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/golden"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/verdict"
	"github.com/authconform/authconform/setup"
	"github.com/authconform/authconform/steps"
)

// gherkinOnlyRuns are the servers the proof runs the copy of the features
// against: the correct one (the variant default), a fault that catches the
// added case, and one that does not. cmd/authconform's
// TestJUnitAgreesWithTheVerdict runs the same two faults over the copy.
var gherkinOnlyRuns = []string{"default", "unknown-client-accepted", "token-type-mac"}

// TestAGherkinOnlyCaseNeedsNoGo proves a case written in Gherkin alone
// needs its feature file and `make golden`, and no Go. It copies the
// built-in features, adds the case of golden.GherkinOnlyCase (a negative
// error scenario made of existing steps), and runs over the copy what the
// self-test checks: the catalog's lint; the correct server passes, warning
// what the golden file says; each fault's run fails and warns exactly what
// the golden file `make golden` would write from the copy says (the
// module's plus the case's lines), every failure for its fault's reason.
func TestAGherkinOnlyCaseNeedsNoGo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	want, err := golden.WithGherkinOnlyCase(dir)
	if err != nil {
		t.Fatalf("copying the features with the case: %v", err)
	}
	features := os.DirFS(dir)
	cases, err := catalog.Load(features, "features")
	if err != nil {
		t.Fatalf("catalog.Load(the copy): %v", err)
	}
	if err := catalog.Lint(cases, steps.Patterns()); err != nil {
		t.Errorf("the copy's steps: %v", err)
	}
	if err := catalog.LintTags(cases); err != nil {
		t.Errorf("the copy's tags: %v", err)
	}
	if n := len(cases) - suiteSize(t); n < 1 {
		t.Fatalf("the copy holds %d scenarios more than the built-in features; want the case's", n)
	}
	copyOfTheFeatures := func(o *setup.Options) { o.Features, o.FeaturePaths = features, []string{"features"} }
	for _, name := range gherkinOnlyRuns {
		t.Run("server="+name, func(t *testing.T) {
			t.Parallel() // each run has a server of its own
			if name == "default" {
				res := runEveryProfile(t, cleanVariants[name], copyOfTheFeatures)
				for _, v := range res.Verdicts {
					if v.Status != verdict.Passed && v.Status != verdict.Warning {
						t.Errorf("scenario %q: %s against a conforming server; want passed (or a warning, for a @should):\n%s", caseName(v), v.Status, v.Error)
					}
				}
				assertSet(t, "warnings", byStatus(res, verdict.Warning), want.Variants[name].Warn)
				return
			}
			res := runEveryProfile(t, refserver.Options{Fault: name}, copyOfTheFeatures)
			got := faultRun{Fail: byStatus(res, verdict.Failed), Warn: byStatus(res, verdict.Warning)}
			checkFaultRun(t, name, faultReasons[name], res, got)
			assertSet(t, "failed scenarios", got.Fail, want.Faults[name].Fail)
			assertSet(t, "warnings", got.Warn, want.Faults[name].Warn)
		})
	}
}

// TestGoldenPathIsTheModulesOne verifies the self-test writes the golden
// file the other packages' tests read (golden.Path), and that the proof
// names servers the self-test has.
func TestGoldenPathIsTheModulesOne(t *testing.T) {
	t.Parallel()
	if got := filepath.ToSlash(filepath.Join("internal/selftest", goldenPath)); got != golden.Path {
		t.Errorf("the self-test writes %s; golden.Path, which other tests read, is %s", got, golden.Path)
	}
	for _, name := range gherkinOnlyRuns {
		if _, variant := cleanVariants[name]; !variant && !slices.Contains(faultNames(), name) {
			t.Errorf("gherkinOnlyRuns names %q, which is no fault of the reference server and no clean variant", name)
		}
	}
}
