package report

import (
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/verdict"
)

// TestConsoleShowsTheRequirement verifies a failure's block says, under
// its label, the requirement its scenario checks, on one line that a
// terminal cannot act on; a scenario stating none shows no such line.
func TestConsoleShowsTheRequirement(t *testing.T) {
	run := verdict.Run{Verdicts: []verdict.Verdict{
		{URI: "f.feature", Line: 3, Scenario: "s", Severity: verdict.Must, Status: verdict.Failed, Error: "status = 500; want 400",
			Requirement: "The server MUST answer 400 \x1b[2Jinvalid_request."},
		{URI: "f.feature", Line: 9, Scenario: "t", Severity: verdict.Must, Status: verdict.Failed, Error: "status = 500; want 200"},
	}}
	var b strings.Builder
	NewConsole(&b).Finish(run)
	want := "\n× [MUST] f.feature:3: s\n    -> The server MUST answer 400 \\x1b[2Jinvalid_request.\n    status = 500; want 400\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("console =\n%s\nwant it to contain\n%s", b.String(), want)
	}
	if !strings.Contains(b.String(), "\n× [MUST] f.feature:9: t\n    status = 500; want 200\n") {
		t.Errorf("a failure without a requirement is not shown as before:\n%s", b.String())
	}
}
