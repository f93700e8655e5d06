package report

import (
	"bytes"
	"html"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"

	"github.com/authconform/authconform/internal/verdict"
)

// markdownRun is a run with every kind of row the summary has.
func markdownRun(errText, name, stopped string) verdict.Run {
	return verdict.Run{
		Target: "http://127.0.0.1:8080", Profile: "commercelayer", Requests: 12, Duration: 1500 * time.Millisecond, ExitCode: 1, Stopped: stopped,
		Verdicts: []verdict.Verdict{
			{URI: "features/a.feature", Scenario: "passes", Line: 3, Status: verdict.Passed},
			{URI: "features/a.feature", Scenario: name, Line: 7, Status: verdict.Failed, Severity: verdict.Must, Rules: []string{"rfc6749-5.1"}, Error: errText},
			{URI: "features/b.feature", Scenario: "warns", Line: 12, Status: verdict.Warning, Severity: verdict.Should, Rules: []string{"rfc6749-5.1"}, Error: `Pragma = ""; want "no-cache"`},
			{URI: "features/b.feature", Scenario: "known", Line: 25, Status: verdict.ExpectedFailure, Error: "x", Expected: "AUTH-1"},
		},
		LeftOut: []verdict.LeftOut{
			{URI: "features/c.feature", Scenario: "c1", Reason: "no integration secret"},
			{URI: "features/c.feature", Scenario: "c2", Reason: "no integration secret"},
			{URI: "features/d.feature", Scenario: "d1", Reason: "RFC 6749 profile only", OtherProfile: true},
		},
	}
}

// renderGFM renders Markdown as GitHub Flavored Markdown (tables,
// autolinks, strikethrough), raw HTML passed through as it is: GitHub
// keeps some (<br>, <b>, <img>...), so any that got through must show.
func renderGFM(t *testing.T, md string) string {
	t.Helper()
	var out bytes.Buffer
	md2 := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
	if err := md2.Convert([]byte(md), &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestMarkdownSummary verifies the summary's parts: the outcome, the
// counts, a row per failure and warning with its file:line, rule and
// got/want, and the left-out scenarios counted by reason.
func TestMarkdownSummary(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, markdownRun(`token_type = "mac"; want "bearer"`, "fails", "")); err != nil {
		t.Fatal(err)
	}
	page := renderGFM(t, buf.String())
	for _, want := range []string{
		"<h2>authconform: failed</h2>",
		"<td>Passed</td>\n<td style=\"text-align:right\">1</td>", "<td>Failed</td>\n<td style=\"text-align:right\">1</td>",
		"<td>Warnings</td>\n<td style=\"text-align:right\">1</td>", "<td>Known deviations</td>\n<td style=\"text-align:right\">1</td>",
		"<td>Left out</td>\n<td style=\"text-align:right\">3</td>",
		"<td>❌ failed</td>\n<td>fails</td>\n<td><code>features/a.feature:7</code></td>\n<td>MUST rfc6749-5.1</td>\n<td><code>token_type = &quot;mac&quot;; want &quot;bearer&quot;</code></td>",
		"<td>⚠️ warning</td>\n<td>warns</td>\n<td><code>features/b.feature:12</code></td>\n<td>SHOULD rfc6749-5.1</td>",
		"<td style=\"text-align:right\">2</td>\n<td>no integration secret</td>",
		"<td style=\"text-align:right\">1</td>\n<td>other profile: RFC 6749 profile only</td>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the rendered summary lacks %q:\n%s\n--- Markdown:\n%s", want, page, buf.String())
		}
	}
	if strings.Contains(page, "known</td>") {
		t.Errorf("a known deviation is in the failures' table; want it counted only:\n%s", page)
	}
}

// TestMarkdownIsInert renders, as GitHub Flavored Markdown, a summary
// whose failure, scenario name and stop reason hold everything Markdown
// and HTML act on, and verifies none of it acts: no link, image, raw
// HTML but the summary's own <br>, emphasis or extra table cell; each failure's text is shown whole,
// as it was, inside code.
func TestMarkdownIsInert(t *testing.T) {
	for _, r := range renderers(t) {
		t.Run(r.name, func(t *testing.T) { checkInert(t, r.render) })
	}
}

type renderer struct {
	name   string
	render func(*testing.T, string) string
}

// renderers are the GitHub Flavored Markdown renderers the summary is
// checked with: goldmark always, and cmark-gfm (GitHub's own renderer's
// code; apt-get install cmark-gfm) when installed.
func renderers(t *testing.T) []renderer {
	list := []renderer{{"goldmark", renderGFM}}
	if path, err := exec.LookPath("cmark-gfm"); err == nil {
		list = append(list, renderer{"cmark-gfm", func(t *testing.T, md string) string {
			t.Helper()
			cmd := exec.Command(path, "--unsafe", "-e", "table", "-e", "autolink", "-e", "strikethrough")
			cmd.Stdin = strings.NewReader(md)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("cmark-gfm: %v", err)
			}
			return string(out)
		}})
	} else {
		t.Logf("no cmark-gfm: the summary is rendered with goldmark only (apt-get install cmark-gfm)")
	}
	return list
}

func checkInert(t *testing.T, render func(*testing.T, string) string) {
	hostile := "a | b `` c ``` <script>alert(1)</script> <img src=x onerror=alert(1)> [link](https://evil.example) " +
		"![img](https://evil.example/i.png) https://evil.example www.evil.example @someone **bold** _em_ ~~gone~~ \\| &lt; #1"
	second := "second line\twith a tab | and <b>html</b>\x1b[31m"
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, markdownRun(hostile+"\n"+second, hostile, hostile)); err != nil {
		t.Fatal(err)
	}
	page := render(t, buf.String())
	for _, bad := range []string{"<a ", "<img", "<script", "<strong", "<em", "<del", "<b>", "\x1b"} {
		if strings.Contains(page, bad) {
			t.Errorf("the rendered summary holds %q:\n%s\n--- Markdown:\n%s", bad, page, buf.String())
		}
	}
	rows := regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(page, -1)
	if len(rows) != 12 {
		t.Errorf("the rendered summary has %d table rows; want 12 (6 counts, 3 failures and warnings, 3 left out, headers included):\n%s", len(rows), page)
	}
	for _, row := range rows {
		if n := strings.Count(row, "<td") + strings.Count(row, "<th"); n != 2 && n != 5 {
			t.Errorf("a table row has %d cells; want 2 or 5:\n%s", n, row)
		}
	}
	var codes []string
	for _, m := range regexp.MustCompile(`(?s)<code>(.*?)</code>`).FindAllStringSubmatch(page, -1) {
		codes = append(codes, html.UnescapeString(m[1]))
	}
	shown := strings.Join(codes, "\n")
	for _, want := range []string{hostile, `second line with a tab | and <b>html</b>\x1b[31m`} {
		if !strings.Contains(shown, want) {
			t.Errorf("the code spans show\n%s\nwant among them\n%s", shown, want)
		}
	}
}

// TestMarkdownCellIsBounded verifies a long failure is cut in its table
// cell, at a character, and says so.
func TestMarkdownCellIsBounded(t *testing.T) {
	long := strings.Repeat("é", 2*maxCellBytes)
	if got := cellText(long); len(got) > maxCellBytes+len(" …") || !strings.HasSuffix(got, " …") || !strings.HasPrefix(long, strings.TrimSuffix(got, " …")) {
		t.Errorf("cellText(%d bytes) = %d bytes %q…; want at most %d and a mark", len(long), len(got), got[:20], maxCellBytes)
	}
	lines := strings.Repeat("line\n", maxCellLines+3)
	if got := cellText(lines); strings.Count(got, "\n") != maxCellLines-1 || !strings.HasSuffix(got, " …") {
		t.Errorf("cellText(%d lines) = %q; want %d lines and a mark", maxCellLines+3, got, maxCellLines)
	}
}
