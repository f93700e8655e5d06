package verdict

import "testing"

// TestCountInconclusive verifies an inconclusive case is counted on its
// own, never as passed, and does not by itself fail the run.
func TestCountInconclusive(t *testing.T) {
	run := Run{Verdicts: []Verdict{{Status: Passed}, {Status: Inconclusive}, {Status: Inconclusive}, {Status: Failed}}}
	c := run.Count()
	if c.Scenarios != 4 || c.Passed != 1 || c.Inconclusive != 2 || c.Failed != 1 {
		t.Errorf("Count() = %+v; want 4 scenarios: 1 passed, 2 inconclusive, 1 failed", c)
	}
	if Inconclusive.FailsRun() {
		t.Errorf("Inconclusive.FailsRun() = true; want false: it is loss of evidence, not a fault")
	}
}
