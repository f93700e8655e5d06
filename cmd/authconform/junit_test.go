package main

import (
	"encoding/json"
	"encoding/xml"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	junit "github.com/joshdk/go-junit"

	"github.com/authconform/authconform"
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
	checkJUnitAgreesWithTheVerdict(t, nil, authconform.Files, loadGolden(t), builtInCases(t))
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
	checkJUnitAgreesWithTheVerdict(t, []string{"-features", dir}, os.DirFS(dir), g, cases)
}

// checkJUnitAgreesWithTheVerdict runs the CLI, with args first, over
// cases, read from features, of which g says what each fault fails and
// warns: a green run, then a red one.
func checkJUnitAgreesWithTheVerdict(t *testing.T, args []string, features fs.FS, g golden.File, cases []catalog.Case) {
	t.Helper()
	checkJUnitCatalog(t, checkGreenJUnit(t, args, g, cases), features, cases)
	checkJUnitCatalog(t, checkRedJUnit(t, args, g, cases), features, cases)
}

// checkGreenJUnit runs the CLI against knownFault without the
// integration's secret, the fault's failures listed as known deviations:
// exit 0, nothing failed in JUnit, and every warning, known deviation and
// left-out case skipped with its reason. It returns the JUnit file.
func checkGreenJUnit(t *testing.T, args []string, g golden.File, cases []catalog.Case) string {
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
	dir := t.TempDir()
	xml, summary, annotations := filepath.Join(dir, "green.xml"), filepath.Join(dir, "green.json"), filepath.Join(dir, "green.txt")
	formats := "progress,junit:" + xml + ",json:" + summary + ",github:" + annotations
	r := runCLI(t, env, append(slices.Clone(args), "-quiet", "-format", formats, "-expect-failures", writeKnown(t, known, "AUTH-7"))...)
	if r.code != 0 {
		t.Fatalf("exit %d; want 0 (warnings, known deviations, left out)\n%s", r.code, r.stdout)
	}
	checkAnnotations(t, annotations, summary, cases)
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
	leftOut, otherProfile := 0, 0
	for _, m := range skipped {
		switch {
		case strings.HasPrefix(m, "left out: "):
			leftOut++
		case strings.HasPrefix(m, "left out (other profile): ") && strings.Contains(m, "-profile rfc6749"):
			otherProfile++
		}
	}
	// JUnit lists the whole catalog: the other profile's cases are
	// skipped as such, apart from the gaps in the configuration.
	want, wantOther := len(runSet(cases))-len(green), len(cases)-len(runSet(cases))
	if leftOut != want || otherProfile != wantOther || len(skipped) != leftOut+otherProfile+len(known)+len(warned) {
		t.Errorf("%d skipped, %d of them left out, %d as the other profile's; want the %d warnings, the %d known deviations, each of the %d scenarios needing a credential the run lacks left out and the %d of the other profile", len(skipped), leftOut, otherProfile, len(warned), len(known), want, wantOther)
	}
	return xml
}

// checkRedJUnit runs the CLI against failingFault: exit 1, and the same
// failures, in the same order, in JUnit and in the summary, which are the
// golden file's for the fault. It returns the JUnit file.
func checkRedJUnit(t *testing.T, args []string, g golden.File, cases []catalog.Case) string {
	t.Helper()
	dir := t.TempDir()
	xml, summary, annotations := filepath.Join(dir, "red.xml"), filepath.Join(dir, "red.json"), filepath.Join(dir, "red.txt")
	r := runCLI(t, nil, append(slices.Clone(args), "-quiet", "-embedded-fault", failingFault, "-format", "progress,junit:"+xml+",json:"+summary+",github:"+annotations)...)
	if r.code != 1 {
		t.Fatalf("exit %d; want 1", r.code)
	}
	checkAnnotations(t, annotations, summary, cases)
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
	return xml
}

// junitFile is a JUnit file as a consumer that links cases to their
// source reads it: every <testcase> with its file and line.
type junitFile struct {
	Suites []struct {
		Cases []struct {
			Name string `xml:"name,attr"`
			File string `xml:"file,attr"`
			Line int    `xml:"line,attr"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// checkJUnitCatalog reads the JUnit file at path with encoding/xml and
// finds every scenario of the catalog in it once, at its feature file (as
// features names it) and at a line of that file that reads as the
// scenario: its Scenario line, or the Examples row an outline's scenario
// is named from.
func checkJUnitCatalog(t *testing.T, path string, features fs.FS, cases []catalog.Case) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc junitFile
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	seen := map[string]int{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			seen[golden.Key(c.File, c.Name)]++
			src, err := fs.ReadFile(features, c.File)
			if err != nil {
				t.Errorf("%q: file=%q: %v", c.Name, c.File, err)
				continue
			}
			if got := scenarioAt(strings.Split(string(src), "\n"), c.Line); got != c.Name {
				t.Errorf("%s:%d reads as scenario %q; want %q", c.File, c.Line, got, c.Name)
			}
		}
	}
	for _, c := range cases {
		if k := golden.Key(c.URI, c.Scenario); seen[k] != 1 {
			t.Errorf("%s is in the JUnit file %d times; want once", k, seen[k])
		}
	}
	if total := len(slices.Collect(maps.Keys(seen))); total != len(cases) {
		t.Errorf("the JUnit file has %d distinct cases; want the catalog's %d", total, len(cases))
	}
}

// scenarioAt is the name of the scenario written at line n (from 1) of a
// feature file, read as a person would: a Scenario line's name, or for an
// Examples row its outline's name with each <column> replaced by the
// row's cell. "" when the line is neither.
func scenarioAt(lines []string, n int) string {
	if n < 1 || n > len(lines) {
		return ""
	}
	text := strings.TrimSpace(lines[n-1])
	if name, ok := strings.CutPrefix(text, "Scenario:"); ok {
		return strings.TrimSpace(name)
	}
	if !strings.HasPrefix(text, "|") {
		return ""
	}
	var header []string
	inExamples := true // until the Examples line: its header is the topmost row
	for i := n - 2; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(l, "|") && inExamples:
			header = cells(l)
		case strings.HasPrefix(l, "Scenario Outline:"):
			name := strings.TrimSpace(strings.TrimPrefix(l, "Scenario Outline:"))
			row := cells(text)
			for j := 0; j < len(header) && j < len(row); j++ {
				name = strings.ReplaceAll(name, "<"+header[j]+">", row[j])
			}
			return name
		case strings.HasPrefix(l, "Examples:") && inExamples:
			if header == nil {
				return ""
			}
			inExamples = false
		}
	}
	return ""
}

// cells are the trimmed cells of a table row, "| a | b |".
func cells(row string) []string {
	parts := strings.Split(strings.Trim(strings.TrimSpace(row), "|"), "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
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
