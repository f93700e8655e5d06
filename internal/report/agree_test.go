package report

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/provenance"
	"github.com/authconform/authconform/internal/verdict"
)

// inconclusiveScenario is the one inconclusive case of inconclusiveRun.
const inconclusiveScenario = "Rejects a sales channel outside its market"

// inconclusiveRun is passedRun's three passes and one inconclusive case.
func inconclusiveRun() verdict.Run {
	run := passedRun()
	run.Tool = provenance.Stamp{Version: "(devel)", Go: "go1.26.8", Godog: "v0.16.0", Suite: "sha256:" + strings.Repeat("a", 64)}
	run.Verdicts = append(run.Verdicts, inconclusive(verdict.Verdict{
		URI: "features/errors/invalid_scope.feature", Order: 4, Line: 12, Feature: "Invalid scope", Scenario: inconclusiveScenario,
		Tags: []string{"@must", "@rfc6749-5.2"}, Rules: []string{"rfc6749-5.2"}, Severity: verdict.Must,
		Transcript: exchange(400, `{"error":"invalid_scope"}`), Requests: 1,
	}))
	return run
}

// shown is how one output presents inconclusiveRun.
type shown struct {
	status       string // the inconclusive case's outcome, in the output's words
	reason       string // the reason it gives for it
	inconclusive int    // cases it counts as inconclusive
	passed       int    // cases it counts or marks as passed
}

// TestInconclusiveInEveryOutput verifies one run with one inconclusive
// case shows it as inconclusive, with its reason, in every output, each
// read back the way its reader reads it, and never as passed.
func TestInconclusiveInEveryOutput(t *testing.T) {
	tests := []struct {
		output string
		read   func(*testing.T, verdict.Run) shown
	}{
		{"console", consoleShows},
		{"junit", junitShows},
		{"json", summaryShows},
		{"html", htmlShows},
	}
	run := inconclusiveRun()
	for _, tt := range tests {
		t.Run("output="+tt.output, func(t *testing.T) {
			got := tt.read(t, run)
			want := shown{status: "inconclusive", reason: inconclusiveReason, inconclusive: 1, passed: 3}
			if got.status != want.status || got.inconclusive != want.inconclusive || got.passed != want.passed {
				t.Errorf("shows the case as %q, %d inconclusive, %d passed; want %q, %d, %d (passedRun's three, not the inconclusive one)",
					got.status, got.inconclusive, got.passed, want.status, want.inconclusive, want.passed)
			}
			if !strings.Contains(got.reason, "the target issued no token to client") {
				t.Errorf("reason shown = %q; want the runner's, %q", got.reason, want.reason)
			}
		})
	}
}

// consoleShows reads the console: the case's mark, the section that lists
// inconclusive cases, and the passes' marks.
func consoleShows(t *testing.T, run verdict.Run) shown {
	t.Helper()
	var buf bytes.Buffer
	c := NewConsole(&buf)
	for _, v := range run.Verdicts {
		c.Case(v)
	}
	c.Finish(run)
	out := buf.String()
	var s shown
	byMark := map[string]string{"✔": "passed", "?": "inconclusive"}
	for _, line := range strings.Split(out, "\n") {
		mark, rest, _ := strings.Cut(strings.TrimPrefix(line, "  "), " ")
		if strings.HasPrefix(line, "  ✔ ") {
			s.passed++
		}
		if strings.HasPrefix(rest, inconclusiveScenario+" (") {
			s.status = byMark[mark]
			if s.status == "" {
				s.status = "mark " + mark
			}
		}
	}
	m := regexp.MustCompile(`\nInconclusive, no positive control \((\d+)\): [^\n]+\n  \? INCONCLUSIVE \[MUST rfc6749-5\.2\] features/errors/invalid_scope\.feature:12: ` + inconclusiveScenario + `\n      ([^\n]+)\n`).FindStringSubmatch(out)
	if m == nil {
		t.Errorf("the console does not list the case under inconclusive, with its rule, file:line and reason:\n%s", out)
		return s
	}
	s.inconclusive, _ = strconv.Atoi(m[1])
	s.reason = m[2]
	return s
}

// junitShows reads the JUnit file: <skipped> with an "inconclusive:"
// message, never a bare (passed) <testcase> or a <failure>.
func junitShows(t *testing.T, run verdict.Run) shown {
	t.Helper()
	doc := writeAndRead(t, run)
	var s shown
	for _, suite := range doc.Suites {
		for _, c := range suite.Cases {
			var status string
			switch {
			case c.Failure != nil:
				status = "failed"
			case c.Skipped == nil:
				status = "passed"
				s.passed++
			case strings.HasPrefix(c.Skipped.Message, "inconclusive: "):
				status = "inconclusive"
				s.inconclusive++
			default:
				status = "skipped"
			}
			if c.Name == inconclusiveScenario {
				s.status = status
				if c.Skipped != nil {
					s.reason = c.Skipped.Message
				}
			}
		}
	}
	if doc.Failures != 0 || doc.Skipped != 1 {
		t.Errorf("JUnit totals: %d failures, %d skipped; want 0 and 1", doc.Failures, doc.Skipped)
	}
	return s
}

// summaryShows reads the JSON summary, after validating it.
func summaryShows(t *testing.T, run verdict.Run) shown {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSummary(&buf, run); err != nil {
		t.Fatal(err)
	}
	validateSummary(t, buf.Bytes())
	var sum Summary
	if err := json.Unmarshal(buf.Bytes(), &sum); err != nil {
		t.Fatal(err)
	}
	s := shown{inconclusive: sum.Counts["inconclusive"], passed: sum.Counts["passed"]}
	for _, c := range sum.Cases {
		if c.Scenario == inconclusiveScenario {
			s.status, s.reason = c.Status, c.Error
		}
	}
	return s
}

// htmlShows reads the HTML page: the case's badge, its error block and the
// counts in the header.
func htmlShows(t *testing.T, run verdict.Run) shown {
	t.Helper()
	toks := tokenize(render(t, run))
	var s shown
	scenarios, badges := textsAfter(toks, `<td class="scenario">`), textsAfter(toks, `<span class="badge">`)
	if len(scenarios) != len(badges) {
		t.Fatalf("%d scenarios, %d badges; want one badge per row", len(scenarios), len(badges))
	}
	for i, name := range scenarios {
		if name == inconclusiveScenario {
			s.status = badges[i]
		}
	}
	if errs := textsAfter(toks, `<pre class="error">`); len(errs) == 1 {
		s.reason = errs[0]
	}
	for id, n := range map[string]*int{"count-inconclusive": &s.inconclusive, "count-passed": &s.passed} {
		if got := textsAfter(toks, `<span class="n" id="`+id+`">`); len(got) == 1 {
			*n, _ = strconv.Atoi(got[0])
		}
	}
	return s
}
