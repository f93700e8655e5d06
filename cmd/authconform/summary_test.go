package main

import (
	"strings"
	"testing"

	"github.com/authconform/authconform/conform"
	"github.com/authconform/authconform/internal/termcolor"
)

// TestSummaryCountsInconclusive verifies the run's last lines count an
// inconclusive case apart from the passes, and explain it with its reason
// unless the console format has listed it already.
func TestSummaryCountsInconclusive(t *testing.T) {
	const reason = `inconclusive: the target issued no token to client "sales-channel" in this run, so this refusal is no evidence`
	run := conform.Result{Verdicts: []conform.Verdict{
		{Feature: "features/a.feature", Scenario: "issues a token", Severity: "MUST", Status: conform.Passed},
		{Feature: "features/errors/b.feature", Scenario: "refuses a wrong scope", Severity: "MUST", Rules: []string{"rfc6749-5.2"}, Status: conform.Inconclusive, Error: reason},
	}}
	const last = "authconform: PASS: 2 scenarios run: 1 passed, 0 failed, 0 warnings, 1 inconclusive; 0 left out;"
	const explained = "\nInconclusive (passed, but the target issued no token to the client in this run: a refusal proves nothing without it):\n" +
		"  [MUST rfc6749-5.2] features/errors/b.feature: refuses a wrong scope\n      " + reason + "\n"
	for _, consoleListed := range []bool{false, true} {
		var b strings.Builder
		printSummary(&b, run, consoleListed, termcolor.Painter{})
		out := b.String()
		if !strings.Contains(out, last) {
			t.Errorf("consoleListed=%v: last line is not %q:\n%s", consoleListed, last, out)
		}
		if got := strings.Contains(out, explained); got == consoleListed {
			t.Errorf("consoleListed=%v: explains the inconclusive case: %v; want %v:\n%s", consoleListed, got, !consoleListed, out)
		}
	}
}
