package compare

import (
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/report"
)

// TestRuns verifies each kind of change lands in its group, and that only
// a MUST case newly failing counts as a regression.
func TestRuns(t *testing.T) {
	tests := []struct {
		name      string
		severity  string
		old, new  string // "" = absent from that run
		wantGroup string
		regressed bool
	}{
		{"must newly failing", "MUST", report.StatusPassed, report.StatusFailed, "new", true},
		{"should newly failing (strict)", "SHOULD", report.StatusWarning, report.StatusFailed, "new", false},
		{"known deviation now passing", "MUST", report.StatusKnownDeviation, report.StatusUnexpectedPass, "new", true},
		{"fixed", "MUST", report.StatusFailed, report.StatusPassed, "fixed", false},
		{"newly left out", "MUST", report.StatusPassed, report.StatusLeftOut, "left out", false},
		{"warning gone", "SHOULD", report.StatusWarning, report.StatusPassed, "other", false},
		{"new case failing", "MUST", "", report.StatusFailed, "new", true},
		{"case removed", "MUST", report.StatusPassed, "", "other", false},
		{"unchanged", "MUST", report.StatusFailed, report.StatusFailed, "", false},
		{"must passed now inconclusive", "MUST", report.StatusPassed, report.StatusInconclusive, "inconclusive", false},
		{"must failed now inconclusive", "MUST", report.StatusFailed, report.StatusInconclusive, "inconclusive", false},
		{"must inconclusive now failing", "MUST", report.StatusInconclusive, report.StatusFailed, "new", true},
		{"should inconclusive now failing (strict)", "SHOULD", report.StatusInconclusive, report.StatusFailed, "new", false},
		{"inconclusive now passing", "MUST", report.StatusInconclusive, report.StatusPassed, "other", false},
		{"new case inconclusive", "MUST", "", report.StatusInconclusive, "other", false},
		{"still inconclusive", "MUST", report.StatusInconclusive, report.StatusInconclusive, "", false},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			old, new := summary(tt.severity, tt.old), summary(tt.severity, tt.new)
			g := Runs(old, new)
			got := map[string]int{"new": len(g.NewFailures), "fixed": len(g.Fixed), "left out": len(g.NewlyLeftOut), "inconclusive": len(g.NewlyInconclusive), "other": len(g.Other)}
			for group, n := range got {
				want := 0
				if group == tt.wantGroup {
					want = 1
				}
				if n != want {
					t.Errorf("group %q holds %d changes; want %d (groups %+v)", group, n, want, g)
				}
			}
			if g.Regressed() != tt.regressed {
				t.Errorf("Regressed() = %v; want %v", g.Regressed(), tt.regressed)
			}
		})
	}
}

func summary(severity, status string) report.Summary {
	s := report.Summary{Cases: []report.SummaryCase{}}
	if status != "" {
		s.Cases = append(s.Cases, report.SummaryCase{Feature: "f.feature", Scenario: "s", Severity: severity, Status: status})
	}
	return s
}

// TestPrintNewlyInconclusive verifies a MUST case that became inconclusive
// is listed as such, and the diff does not call it a regression.
func TestPrintNewlyInconclusive(t *testing.T) {
	old, new := summary("MUST", report.StatusPassed), summary("MUST", report.StatusInconclusive)
	var b strings.Builder
	Print(&b, old, new, Runs(old, new))
	for _, want := range []string{
		"\nNewly inconclusive (the target issued no token to the client in the new run: its refusal is no evidence there) (1):\n  [MUST] f.feature: s: passed → inconclusive\n",
		"authconform diff: no MUST regression: 0 new failures, 0 fixed, 0 newly left out, 1 newly inconclusive, 0 other changes\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("diff does not show %q:\n%s", want, b.String())
		}
	}
}

// TestRunsMatchesByID verifies a case is matched by its id whatever its
// name, and by name where either run has no id (a summary written before
// ids): a renamed scenario is no change, and a vanished id is.
func TestRunsMatchesByID(t *testing.T) {
	c := func(id, name, status string) report.SummaryCase {
		return report.SummaryCase{ID: id, Feature: "f.feature", Scenario: name, Severity: "MUST", Status: status}
	}
	tests := []struct {
		name       string
		old, new   report.SummaryCase
		wantNew    int // new failures
		wantOthers int
	}{
		{"renamed, same status", c("cl-f-s", "old name", "passed"), c("cl-f-s", "new name", "passed"), 0, 0},
		{"renamed, now failing", c("cl-f-s", "old name", "passed"), c("cl-f-s", "new name", "failed"), 1, 0},
		{"old summary without ids", c("", "s", "passed"), c("cl-f-s", "s", "passed"), 0, 0},
		{"new summary without ids", c("cl-f-s", "s", "failed"), c("", "s", "failed"), 0, 0},
		{"renamed, old summary without ids", c("", "old name", "passed"), c("cl-f-s", "new name", "passed"), 0, 2},
		{"a row of an outline", c("cl-f-rows#2", "row 2", "passed"), c("cl-f-rows#2", "line 2", "failed"), 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := Runs(report.Summary{Cases: []report.SummaryCase{tt.old}}, report.Summary{Cases: []report.SummaryCase{tt.new}})
			if len(g.NewFailures) != tt.wantNew || len(g.Other) != tt.wantOthers {
				t.Errorf("%d new failures, %d other changes; want %d, %d (%+v)", len(g.NewFailures), len(g.Other), tt.wantNew, tt.wantOthers, g)
			}
		})
	}
}

// TestPrintShowsTheError verifies each new failure is followed by one
// indented line of its error, the first line only, cut when long, with
// nothing a terminal would act on; other groups show no error.
func TestPrintShowsTheError(t *testing.T) {
	old := report.Summary{Target: "https://x\x1b[2J", Cases: []report.SummaryCase{
		{ID: "cl-f-a", Feature: "f.feature", Scenario: "a", Severity: "MUST", Status: report.StatusPassed},
		{ID: "cl-f-b", Feature: "f.feature", Scenario: "b", Severity: "MUST", Status: report.StatusPassed},
		{ID: "cl-f-c", Feature: "f.feature", Scenario: "c", Severity: "MUST", Status: report.StatusFailed, Error: "was failing"},
		{ID: "cl-f-d", Feature: "f.feature", Scenario: "d\x1b]0;title\x07", Severity: "MUST", Status: report.StatusPassed},
	}}
	new := report.Summary{Cases: []report.SummaryCase{
		{ID: "cl-f-a", Feature: "f.feature", Scenario: "a", Severity: "MUST", Status: report.StatusFailed, Error: "token_type = \"mac\"; want \"bearer\" (RFC 6749 §5.1)\n  exchange:\n  POST /oauth/token"},
		{ID: "cl-f-b", Feature: "f.feature", Scenario: "b", Severity: "MUST", Status: report.StatusFailed, Error: "body \x1b[2J\x1b]8;;http://x\x07" + strings.Repeat("é", 300)},
		{ID: "cl-f-c", Feature: "f.feature", Scenario: "c", Severity: "MUST", Status: report.StatusPassed},
		{ID: "cl-f-d", Feature: "f.feature", Scenario: "d\x1b]0;title\x07", Severity: "MUST", Status: report.StatusFailed},
	}}
	var b strings.Builder
	Print(&b, old, new, Runs(old, new))
	out := b.String()
	want := "\nNew failures (3):\n" +
		"  [MUST] f.feature: a: passed → failed\n" +
		"      token_type = \"mac\"; want \"bearer\" (RFC 6749 §5.1) …\n" +
		"  [MUST] f.feature: b: passed → failed\n" +
		"      body \\x1b[2J\\x1b]8;;http://x\\x07" + strings.Repeat("é", 240-len("body \x1b[2J\x1b]8;;http://x\x07")) + " …\n" +
		"  [MUST] f.feature: d\\x1b]0;title\\x07: passed → failed\n" +
		"\nFixed (1):\n  [MUST] f.feature: c: failed → passed\n"
	if !strings.Contains(out, want) {
		t.Errorf("diff =\n%s\nwant it to contain\n%s", out, want)
	}
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("diff holds a raw control character:\n%q", out)
	}
}
