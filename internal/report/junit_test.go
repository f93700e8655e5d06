package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/verdict"
)

// junitCaseRead is a <testcase> as a JUnit consumer reads it.
type junitCaseRead struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
	File      string `xml:"file,attr"`
	Line      int    `xml:"line,attr"`
	Failure   *struct {
		Message string `xml:"message,attr"`
	} `xml:"failure"`
	Skipped *struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
}

type junitRead struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Name     string          `xml:"name,attr"`
		Tests    int             `xml:"tests,attr"`
		Failures int             `xml:"failures,attr"`
		Skipped  int             `xml:"skipped,attr"`
		Cases    []junitCaseRead `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestJUnitOutcomes verifies each verdict status maps to the element a
// JUnit consumer counts the way the exit code does: only what fails the
// run is a <failure>.
func TestJUnitOutcomes(t *testing.T) {
	tests := []struct {
		status      verdict.Status
		err         string
		expected    string
		wantFailure bool
		wantSkipped string // prefix of the skipped message; "" = not skipped
	}{
		{status: verdict.Passed},
		{status: verdict.Failed, err: "status = 400; want 200\nmore", wantFailure: true},
		{status: verdict.UnexpectedPass, err: "listed but passed", wantFailure: true},
		{status: verdict.Warning, err: "Pragma missing", wantSkipped: "warning: Pragma missing"},
		{status: verdict.ExpectedFailure, err: "x", expected: "AUTH-1", wantSkipped: "known deviation: AUTH-1"},
		{status: verdict.Interrupted, err: "interrupted: the run was interrupted\ncontext canceled", wantSkipped: "interrupted: the run was interrupted"},
		{status: verdict.NotRun, err: "not run: the run was interrupted", wantSkipped: "not run: the run was interrupted"},
		{status: verdict.Inconclusive, err: inconclusiveReason + "\nmore", wantSkipped: inconclusiveReason},
		{status: verdict.Inconclusive, err: "no token for client x", wantSkipped: "inconclusive: no token for client x"},
		{status: verdict.Inconclusive, wantSkipped: "inconclusive: "},
	}
	for _, tt := range tests {
		t.Run("status="+strings.ReplaceAll(string(tt.status), " ", "-"), func(t *testing.T) {
			run := verdict.Run{Verdicts: []verdict.Verdict{{URI: "features/a.feature", Scenario: "s", Status: tt.status, Error: tt.err, Expected: tt.expected, Severity: verdict.Must}}}
			doc := writeAndRead(t, run)
			c := doc.Suites[0].Cases[0]
			if got := c.Failure != nil; got != tt.wantFailure {
				t.Errorf("<failure> present = %v; want %v", got, tt.wantFailure)
			}
			switch {
			case tt.wantSkipped == "" && c.Skipped != nil:
				t.Errorf("<skipped message=%q>; want none", c.Skipped.Message)
			case tt.wantSkipped != "" && (c.Skipped == nil || !strings.HasPrefix(c.Skipped.Message, tt.wantSkipped)):
				t.Errorf("<skipped> = %+v; want a message starting %q", c.Skipped, tt.wantSkipped)
			}
			if tt.wantFailure && doc.Failures != 1 || !tt.wantFailure && doc.Failures != 0 {
				t.Errorf("failures = %d; want %v", doc.Failures, tt.wantFailure)
			}
		})
	}
}

// TestJUnitCountsMatchTheRun verifies a suite per feature file, every
// left-out scenario (the other profile's too) as skipped with which kind
// and why, each case at its file and line, and totals that add up.
func TestJUnitCountsMatchTheRun(t *testing.T) {
	run := verdict.Run{
		Duration: 2 * time.Second,
		Verdicts: []verdict.Verdict{
			{URI: "features/a.feature", Scenario: "a1", Line: 4, Status: verdict.Passed, Duration: time.Second},
			{URI: "features/b.feature", Scenario: "b1", Line: 7, Status: verdict.Failed, Error: "bad <&> \"x\""},
			{URI: "features/a.feature", Scenario: "a2", Line: 9, Status: verdict.Warning, Error: "w"},
		},
		LeftOut: []verdict.LeftOut{
			{URI: "features/b.feature", Scenario: "b2", Line: 12, Reason: "no integration"},
			{URI: "features/c.feature", Scenario: "c1", Line: 3, Reason: "rfc6749 only", OtherProfile: true},
		},
	}
	doc := writeAndRead(t, run)
	if doc.Tests != 5 || doc.Failures != 1 || doc.Skipped != 3 || doc.Errors != 0 {
		t.Errorf("totals tests=%d failures=%d skipped=%d errors=%d; want 5 1 3 0", doc.Tests, doc.Failures, doc.Skipped, doc.Errors)
	}
	if len(doc.Suites) != 3 || doc.Suites[0].Name != "features/a.feature" || doc.Suites[1].Name != "features/b.feature" || doc.Suites[2].Name != "features/c.feature" {
		t.Fatalf("suites = %+v; want features/a.feature, b.feature, then c.feature", doc.Suites)
	}
	b := doc.Suites[1]
	if b.Tests != 2 || b.Failures != 1 || b.Skipped != 1 || b.Cases[1].Skipped == nil || b.Cases[1].Skipped.Message != "left out: no integration" {
		t.Errorf("suite b = %+v; want the failure and the left-out case", b)
	}
	if b.Cases[0].Failure.Message != `bad <&> "x"` || b.Cases[0].Classname != "features/b.feature" {
		t.Errorf("failure case = %+v; want its message whole and the feature path as classname", b.Cases[0])
	}
	if c := doc.Suites[2].Cases[0]; c.Skipped == nil || c.Skipped.Message != "left out (other profile): rfc6749 only" {
		t.Errorf("the other profile's case = %+v; want it skipped as the other profile's, with the reason", c)
	}
	want := map[string]int{"a1": 4, "b1": 7, "a2": 9, "b2": 12, "c1": 3}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.File != s.Name || c.Line != want[c.Name] {
				t.Errorf("%s at file=%q line=%d; want %s:%d", c.Name, c.File, c.Line, s.Name, want[c.Name])
			}
		}
	}
}

func writeAndRead(t *testing.T, run verdict.Run) junitRead {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, run); err != nil {
		t.Fatal(err)
	}
	var doc junitRead
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	return doc
}
