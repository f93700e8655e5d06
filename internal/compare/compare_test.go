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
