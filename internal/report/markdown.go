package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/authconform/authconform/internal/termsafe"
	"github.com/authconform/authconform/internal/verdict"
)

// The Markdown summary (-format markdown:FILE) is written for a CI job's
// page, GitHub's $GITHUB_STEP_SUMMARY above all: the counts, a table of
// what failed or warned, and what the run left out. GitHub renders it as
// GitHub Flavored Markdown, so every text is escaped for it: anything
// from a target (a failure's got/want, why the run stopped) only inside
// code spans, where nothing is markup, no link or mention is made and no
// HTML is read; the feature files' and the tool's own words with every
// ASCII punctuation mark escaped.

// maxCellLines and maxCellBytes bound what a table cell shows of a
// failure: its first lines, which say what came back and what was wanted.
// The whole failure is in the other reports.
const (
	maxCellLines = 6
	maxCellBytes = 600
)

// WriteMarkdown writes run's Markdown summary. As with WriteHTML, the
// strings in run must already be redacted.
func WriteMarkdown(w io.Writer, run verdict.Run) error {
	var b strings.Builder
	markdownHeading(&b, run)
	markdownCounts(&b, run.Count())
	markdownProblems(&b, run.Verdicts)
	markdownLeftOut(&b, run.LeftOut)
	_, err := io.WriteString(w, b.String())
	return err
}

// markdownHeading is the summary's title and what was run against what.
func markdownHeading(b *strings.Builder, run verdict.Run) {
	outcome := "passed"
	switch {
	case run.Stopped != "":
		outcome = "stopped before the end"
	case run.ExitCode != 0:
		outcome = "failed"
	}
	fmt.Fprintf(b, "## authconform: %s\n\n", outcome)
	fmt.Fprintf(b, "Target %s, profile %s, %d requests in %.1f s", mdCode(run.Target), mdText(run.Profile), run.Requests, run.Duration.Seconds())
	if run.Tool.Version != "" {
		fmt.Fprintf(b, " (%s)", mdText(run.Tool.String()))
	}
	b.WriteString(".\n\n")
	if run.Stopped != "" {
		fmt.Fprintf(b, "The run stopped: %s\n\n", mdCode(run.Stopped))
	}
}

// markdownCounts is a table of the verdicts' counts: always the passes,
// failures and warnings, and every other outcome the run had.
func markdownCounts(b *strings.Builder, c verdict.Counts) {
	rows := []struct {
		label  string
		n      int
		always bool
	}{
		{"Passed", c.Passed, true}, {"Failed", c.Failed, true}, {"Warnings", c.Warnings, true},
		{"Unexpected passes", c.UnexpectedPasses, false}, {"Known deviations", c.ExpectedFailures, false},
		{"Inconclusive", c.Inconclusive, false}, {"Interrupted", c.Interrupted, false}, {"Not run", c.NotRun, false},
		{"Left out", c.LeftOut, true},
	}
	b.WriteString("| Outcome | Scenarios |\n|---|---:|\n")
	for _, r := range rows {
		if r.always || r.n > 0 {
			fmt.Fprintf(b, "| %s | %d |\n", r.label, r.n)
		}
	}
	b.WriteString("\n")
}

// problemLabels name, in the table, the outcomes it lists.
var problemLabels = map[verdict.Status]string{
	verdict.Failed:         "❌ failed",
	verdict.UnexpectedPass: "❌ unexpected pass",
	verdict.Warning:        "⚠️ warning",
}

// markdownProblems is a table of the scenarios that failed the run or
// warned: where, which rule, and the failure as it reads.
func markdownProblems(b *strings.Builder, verdicts []verdict.Verdict) {
	var rows []string
	for _, v := range verdicts {
		label, ok := problemLabels[v.Status]
		if !ok {
			continue
		}
		where := v.URI
		if v.Line > 0 {
			where = fmt.Sprintf("%s:%d", v.URI, v.Line)
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s |\n", label, mdText(v.Scenario), mdCode(where), mdText(ruleOf(v)), mdCode(cellText(v.Error))))
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "### Failures and warnings (%d)\n\n", len(rows))
	b.WriteString("| Outcome | Scenario | Where | Rule | Got / want |\n|---|---|---|---|---|\n")
	b.WriteString(strings.Join(rows, ""))
	b.WriteString("\n")
}

// markdownLeftOut counts the scenarios left out, by reason: each gap in
// the configuration, and the other profiles'.
func markdownLeftOut(b *strings.Builder, left []verdict.LeftOut) {
	if len(left) == 0 {
		return
	}
	var reasons []string
	count := map[string]int{}
	for _, l := range left {
		why := l.Reason
		if l.OtherProfile {
			why = "other profile: " + why
		}
		if count[why] == 0 {
			reasons = append(reasons, why)
		}
		count[why]++
	}
	fmt.Fprintf(b, "### Left out (%d)\n\n| Scenarios | Why |\n|---:|---|\n", len(left))
	for _, why := range reasons {
		fmt.Fprintf(b, "| %d | %s |\n", count[why], mdText(why))
	}
	b.WriteString("\n")
}

// cellText is the start of a failure that a table cell shows: at most
// maxCellLines lines and maxCellBytes bytes, cut at a character, with "…"
// where it was cut.
func cellText(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	cut := len(lines) > maxCellLines
	if cut {
		lines = lines[:maxCellLines]
	}
	s = strings.Join(lines, "\n")
	if len(s) > maxCellBytes {
		s, cut = s[:maxCellBytes], true
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	if cut {
		s += " …"
	}
	return s
}

// markdownActive are the characters mdText escapes: every ASCII
// punctuation mark, as each may start markup somewhere (emphasis, links,
// images, code spans, cell ends, strikethrough, math, references), and
// escaping : . / and @ keeps a URL or an address from becoming a link.
const markdownActive = "!\"#$%'()*+,-./:;=?@[\\]^_`{|}~"

// mdText is text of the tool or the feature files for a table cell or a
// line: on one line, terminal-safe, every ASCII punctuation mark escaped
// (so nothing is emphasis, a link, a code span or a cell's end), and &, <
// and > as character references, so no HTML is read.
func mdText(s string) string {
	s = strings.Join(strings.Fields(termsafe.Clean(s)), " ")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case strings.ContainsRune(markdownActive, r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode shows s, which may come from a target, as code: each line a code
// span (inside one, nothing is markup, a link, a mention or HTML), lines
// joined by <br>. A span's fence is one backtick longer than the longest
// run of backticks in its line, padded with a space each side (which
// Markdown takes off again); a | is escaped, as GitHub's tables split
// cells at | before reading code spans. "" for a blank s.
func mdCode(s string) string {
	var spans []string
	for _, line := range strings.Split(termsafe.Clean(s), "\n") {
		line = strings.ReplaceAll(line, "\t", " ")
		if strings.TrimSpace(line) == "" {
			continue
		}
		fence := strings.Repeat("`", longestRun(line, '`')+1)
		spans = append(spans, fence+" "+strings.ReplaceAll(line, "|", `\|`)+" "+fence)
	}
	return strings.Join(spans, "<br>")
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] != c {
			n = 0
			continue
		}
		n++
		longest = max(longest, n)
	}
	return longest
}
