package report

import (
	"bytes"
	"errors"
	"html"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/authconform/authconform/internal/termsafe"
	"github.com/authconform/authconform/internal/verdict"
)

// TestWriteHTML verifies the report of each kind of run is well formed,
// self-contained, in reading order, escaped, and counts right.
func TestWriteHTML(t *testing.T) {
	tests := []struct {
		name       string
		run        verdict.Run
		wantExit   string
		wantCounts map[string]int
		wantOrder  []string // scenario names, top to bottom
	}{
		{
			name:       "run=all-passed",
			run:        passedRun(),
			wantExit:   "PASS",
			wantCounts: map[string]int{"scenarios": 3, "passed": 3, "failed": 0, "warnings": 0, "left-out": 0},
			wantOrder:  []string{"Issues a token to a sales channel", "Issues a token to an integration", "Forbids caching the token"},
		},
		{
			name:       "run=mixed",
			run:        mixedRun(),
			wantExit:   "FAIL",
			wantCounts: map[string]int{"scenarios": 10, "passed": 2, "failed": 2, "warnings": 2, "left-out": 1, "unexpected-passes": 1, "known-deviations": 1, "inconclusive": 1},
			wantOrder:  mixedOrder,
		},
		{
			name:       "run=empty",
			run:        verdict.Run{Target: "https://auth.example.test"},
			wantExit:   "PASS",
			wantCounts: map[string]int{"scenarios": 0, "passed": 0, "failed": 0, "warnings": 0, "left-out": 0},
		},
		{
			name:       "run=hostile",
			run:        hostileRun(),
			wantExit:   "FAIL",
			wantCounts: map[string]int{"scenarios": 2, "passed": 1, "failed": 1, "warnings": 0, "left-out": 1},
			wantOrder:  []string{hostileScenario, hostileQuotes},
		},
		{
			name:       "run=1MiB-body",
			run:        bigRun(),
			wantExit:   "FAIL",
			wantCounts: map[string]int{"scenarios": 10, "passed": 2, "failed": 2, "warnings": 2, "left-out": 1, "unexpected-passes": 1, "known-deviations": 1, "inconclusive": 1},
			wantOrder:  mixedOrder,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := render(t, tt.run)
			toks := tokenize(doc)
			checkWellFormed(t, doc, toks)
			checkSelfContained(t, toks)

			if got := textsAfter(toks, `<td class="scenario">`); !slices.Equal(got, tt.wantOrder) {
				t.Errorf("scenario column, top to bottom:\n got %q\nwant %q", got, tt.wantOrder)
			}
			texts := tableTexts(toks)
			for _, v := range tt.run.Verdicts {
				if n := count(texts, v.Scenario); n != 1 {
					t.Errorf("scenario %q is in the table %d times; want 1", v.Scenario, n)
				}
			}
			checkReadingOrder(t, textsAfter(toks, `<span class="badge">`))

			if got := textsAfter(toks, `<span id="exit" `); len(got) != 1 || got[0] != tt.wantExit {
				t.Errorf("exit verdict = %q; want [%s]", got, tt.wantExit)
			}
			gotCounts := map[string]int{}
			for i, tok := range toks {
				if name, ok := strings.CutPrefix(tok.markup, `<span class="n" id="count-`); ok && i+1 < len(toks) {
					n, err := strconv.Atoi(toks[i+1].text)
					if err != nil {
						t.Errorf("count %s: %v", name, err)
					}
					gotCounts[strings.TrimSuffix(name, `">`)] = n
				}
			}
			if len(gotCounts) != len(tt.wantCounts) {
				t.Errorf("counts = %v; want %v", gotCounts, tt.wantCounts)
			}
			for k, want := range tt.wantCounts {
				if got, ok := gotCounts[k]; !ok || got != want {
					t.Errorf("count %q = %d (shown: %t); want %d", k, got, ok, want)
				}
			}

			wantDetails, wantOpen := len(tt.run.Verdicts), 0
			for _, v := range tt.run.Verdicts {
				if v.Status.FailsRun() {
					wantOpen++
				}
			}
			if got := strings.Count(doc, "<details"); got != wantDetails {
				t.Errorf("%d <details> elements; want one per scenario, %d", got, wantDetails)
			}
			if got := strings.Count(doc, "<details open>"); got != wantOpen {
				t.Errorf("%d <details> open; want one per verdict that fails the run, %d", got, wantOpen)
			}

			// Each error, transcript and reason comes back intact once
			// unescaped: escaping hid nothing and cut nothing.
			errs, transcripts := textsAfter(toks, `<pre class="error">`), textsAfter(toks, `<pre class="transcript">`)
			var wantErrs, wantTranscripts, wantExpected []string
			for _, v := range tt.run.Verdicts {
				if v.Expected != "" {
					wantExpected = append(wantExpected, v.Expected)
				}
				if v.Error != "" {
					wantErrs = append(wantErrs, v.Error)
				}
				if v.Transcript != "" {
					wantTranscripts = append(wantTranscripts, v.Transcript)
				}
			}
			if !sameElements(errs, wantErrs) {
				t.Errorf("errors shown:\n got %.200q\nwant %.200q", errs, wantErrs)
			}
			if !sameElements(transcripts, wantTranscripts) {
				t.Errorf("transcripts shown:\n got %.200q\nwant %.200q", transcripts, wantTranscripts)
			}
			if got := textsAfter(toks, `<p class="expected">`); !sameElements(got, wantExpected) {
				t.Errorf("known-deviation reasons shown: got %q; want %q", got, wantExpected)
			}
			if len(tt.run.Verdicts) == 0 && !strings.Contains(doc, "No scenario ran.") {
				t.Errorf("a run with no verdicts does not say so")
			}
			reasons := textsAfter(toks, `<td class="reason">`)
			for _, l := range tt.run.LeftOut {
				if count(reasons, l.Reason) != 1 {
					t.Errorf("left-out reason %q is not shown exactly once; got %q", l.Reason, reasons)
				}
			}
			if target := textsAfter(toks, `<dd id="target">`); len(target) != 1 || target[0] != tt.run.Target {
				t.Errorf("target = %q; want [%q]", target, tt.run.Target)
			}
		})
	}
}

// TestWriteHTMLEscapesHostileText verifies markup in the data stays text:
// it neither adds elements nor closes the page's own.
func TestWriteHTMLEscapesHostileText(t *testing.T) {
	doc := render(t, hostileRun())
	lower := strings.ToLower(doc)
	for _, tag := range []string{"<script", "<img", "<link", "<a ", "<b>", "<i>", "<x>", "<!--"} {
		if strings.Contains(lower, tag) {
			t.Errorf("report holds %s from the data; want it escaped", tag)
		}
	}
	for _, escaped := range []string{"&lt;script&gt;", "&lt;/details&gt;", "&lt;/pre&gt;", "&lt;img src=", "&#34;", "&#39;", "&amp;"} {
		if !strings.Contains(doc, escaped) {
			t.Errorf("report lacks %s; want the hostile text shown, escaped", escaped)
		}
	}
	if n := strings.Count(doc, "<style>"); n != 1 {
		t.Errorf("%d <style> elements; want only the report's own", n)
	}
	if n := strings.Count(doc, "</title>"); n != 1 {
		t.Errorf("%d </title>; want 1", n)
	}
}

// TestWriteHTMLShowsControlsAsEscapes verifies a page holds no control,
// bidi or separator character and no byte that is not UTF-8 from the
// data: each is shown as an escape.
func TestWriteHTMLShowsControlsAsEscapes(t *testing.T) {
	run := hostileRun()
	run.Verdicts[0].Error = "json: duplicate key '\x1b]52;c;cHduZWQ=\x07' \u202e\u2028\u0085\x7f\xff"
	doc := render(t, run)
	if !utf8.ValidString(doc) {
		t.Fatalf("the page is not UTF-8")
	}
	for _, r := range doc {
		if r != '\n' && r != '\t' && termsafe.Forbidden(r) {
			t.Fatalf("the page holds %U as it is", r)
		}
	}
	if want := `duplicate key &#39;\x1b]52;c;cHduZWQ=\x07&#39; \u202e\u2028\u0085\x7f\xff`; !strings.Contains(doc, want) {
		t.Errorf("the page lacks %s; want the error shown, escaped", want)
	}
}

// TestWriteHTMLLargeTranscript verifies a 1 MiB body is shown whole, in a
// box that scrolls rather than stretching the page.
func TestWriteHTMLLargeTranscript(t *testing.T) {
	doc := render(t, bigRun())
	if !strings.Contains(html.UnescapeString(doc), bigBody) {
		t.Errorf("report does not hold the whole 1 MiB body")
	}
	css := textsAfter(tokenize(doc), "<style>")
	if len(css) != 1 || !regexp.MustCompile(`\bpre \{[^}]*max-height:[^}]*overflow: auto`).MatchString(css[0]) {
		t.Errorf("<pre> is not a bounded scrolling box; a 1 MiB body would stretch the page")
	}
}

// TestWriteHTMLWriteError verifies a failing writer's error is returned.
func TestWriteHTMLWriteError(t *testing.T) {
	want := errors.New("disk full")
	if err := WriteHTML(failingWriter{want}, mixedRun()); !errors.Is(err, want) {
		t.Errorf("WriteHTML to a failing writer = %v; want %v", err, want)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// TestWriteHTMLStrictMode verifies the header says whether a failed SHOULD
// fails the run.
func TestWriteHTMLStrictMode(t *testing.T) {
	for _, strict := range []bool{false, true} {
		t.Run("strict="+strconv.FormatBool(strict), func(t *testing.T) {
			run := mixedRun()
			run.Strict = strict
			got := textsAfter(tokenize(render(t, run)), `<dd id="mode">`)
			want := "not strict"
			if strict {
				want = "strict:"
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], want) {
				t.Errorf("mode = %q; want it to start %q", got, want)
			}
		})
	}
}

// TestWriteHTMLStoppedRun verifies an interrupted run's page says why it
// ended and counts the interrupted and not-run cases.
func TestWriteHTMLStoppedRun(t *testing.T) {
	run := mixedRun()
	run.Stopped = "the run was interrupted"
	run.Verdicts = append(run.Verdicts,
		verdict.Verdict{URI: "f.feature", Scenario: "cut short", Status: verdict.Interrupted, Error: "interrupted: the run was interrupted"},
		verdict.Verdict{URI: "f.feature", Scenario: "never started", Status: verdict.NotRun, Error: "not run: the run was interrupted"})
	toks := tokenize(render(t, run))
	for id, want := range map[string]string{`<p id="stopped">`: "The run ended early: the run was interrupted", `<span class="n" id="count-interrupted">`: "1", `<span class="n" id="count-not-run">`: "1"} {
		if got := textsAfter(toks, id); len(got) == 0 || got[0] != want {
			t.Errorf("after %s: %q; want %q", id, got, want)
		}
	}
}

// TestDetailsSummary verifies the folded details say what they hold.
func TestDetailsSummary(t *testing.T) {
	tests := []struct {
		name string
		v    verdict.Verdict
		want string
	}{
		{"passed", verdict.Verdict{Requests: 1}, "Transcript (1 request)"},
		{"no-request", verdict.Verdict{}, "Transcript (0 requests)"},
		{"failed", verdict.Verdict{Error: "x", Requests: 2}, "Error and transcript (2 requests)"},
		{"known-deviation", verdict.Verdict{Error: "x", Expected: "y", Requests: 3}, "Known deviation, error and transcript (3 requests)"},
		{"inconclusive", verdict.Verdict{Status: verdict.Inconclusive, Error: "x", Requests: 1}, "Why inconclusive and transcript (1 request)"},
	}
	for _, tt := range tests {
		t.Run("case="+tt.name, func(t *testing.T) {
			if got := detailsSummary(tt.v); got != tt.want {
				t.Errorf("detailsSummary = %q; want %q", got, tt.want)
			}
		})
	}
}

// TestFormatDuration verifies durations read at a sensible precision.
func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{-time.Second, "0s"},
		{300 * time.Microsecond, "<1ms"},
		{12345678 * time.Nanosecond, "12ms"},
		{61500 * time.Millisecond, "1m2s"},
		{2*time.Second + 499*time.Millisecond, "2.499s"},
	}
	for _, tt := range tests {
		if got := formatDuration(tt.in); got != tt.want {
			t.Errorf("formatDuration(%v) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func render(t *testing.T, run verdict.Run) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHTML(&b, run); err != nil {
		t.Fatalf("WriteHTML: %v", err)
	}
	return b.String()
}

// token is a piece of the report: one tag (or declaration), or the text
// between two tags, unescaped. Tokenizing on "<" and ">" alone is sound for
// the report because of what the tests check: every "<" and ">" from the
// data is escaped, so a literal "<" always starts the report's own markup.
// One linear pass keeps the 1 MiB case fast under -race, where regular
// expressions over the whole page took seconds.
type token struct {
	markup string // "<td class=\"scenario\">"; "" for text
	text   string
}

func tokenize(doc string) []token {
	var out []token
	for doc != "" {
		i := strings.IndexByte(doc, '<')
		if i < 0 {
			i = len(doc)
		}
		if i > 0 {
			out = append(out, token{text: html.UnescapeString(doc[:i])})
			doc = doc[i:]
			continue
		}
		j := strings.IndexByte(doc, '>')
		if j < 0 {
			out = append(out, token{markup: doc}) // checkWellFormed reports it
			break
		}
		out = append(out, token{markup: doc[:j+1]})
		doc = doc[j+1:]
	}
	return out
}

// textsAfter returns, for each tag that starts with prefix, the text up to
// the next tag ("" when there is none).
func textsAfter(toks []token, prefix string) []string {
	var out []string
	for i, tok := range toks {
		if tok.markup == "" || !strings.HasPrefix(tok.markup, prefix) {
			continue
		}
		text := ""
		if i+1 < len(toks) {
			text = toks[i+1].text
		}
		out = append(out, text)
	}
	return out
}

// tableTexts returns the non-blank texts of the scenario table, outside its
// error and transcript blocks (which may well quote a scenario).
func tableTexts(toks []token) []string {
	var out []string
	inTable, inPre := false, false
	for _, tok := range toks {
		switch {
		case tok.markup == `<table class="cases">`:
			inTable = true
		case inTable && tok.markup == "</table>":
			inTable = false
		case strings.HasPrefix(tok.markup, "<pre"):
			inPre = true
		case tok.markup == "</pre>":
			inPre = false
		case inTable && !inPre && tok.markup == "" && strings.TrimSpace(tok.text) != "":
			out = append(out, tok.text)
		}
	}
	return out
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// sameElements reports whether a and b hold the same strings, in any order.
func sameElements(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// voidElements have no end tag.
var voidElements = map[string]bool{"meta": true, "col": true, "br": true, "hr": true, "img": true, "input": true, "link": true, "wbr": true}

// reportElements are the elements the report is made of; anything else
// came from the data.
var reportElements = map[string]bool{
	"html": true, "head": true, "meta": true, "title": true, "style": true, "body": true,
	"header": true, "main": true, "section": true, "footer": true, "h1": true, "h2": true, "h3": true,
	"span": true, "dl": true, "dt": true, "dd": true, "time": true, "ul": true, "li": true, "p": true,
	"table": true, "colgroup": true, "col": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
	"details": true, "summary": true, "pre": true,
}

var tagName = regexp.MustCompile(`^<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[ \t\n]|/?>)`)

// checkWellFormed checks doc is one HTML document whose elements are all
// the report's own, each closed explicitly and properly nested.
func checkWellFormed(t *testing.T, doc string, toks []token) {
	t.Helper()
	if !strings.HasPrefix(doc, "<!DOCTYPE html>\n") {
		t.Errorf("report starts %.40q; want <!DOCTYPE html>", doc)
	}
	if !strings.HasSuffix(doc, "</html>\n") {
		t.Errorf("report ends %q; want </html>", doc[max(0, len(doc)-40):])
	}
	var open []string
	for i, tok := range toks {
		if tok.markup == "" {
			continue
		}
		if strings.HasPrefix(tok.markup, "<!") {
			if i != 0 {
				t.Errorf("markup declaration or comment %.40q after the doctype", tok.markup)
			}
			continue
		}
		m := tagName.FindStringSubmatch(tok.markup)
		if m == nil || !strings.HasSuffix(tok.markup, ">") {
			t.Errorf("malformed tag %.80q", tok.markup)
			continue
		}
		closing, name := m[1] == "/", strings.ToLower(m[2])
		if !reportElements[name] {
			t.Errorf("element <%s> is not one the report uses", name)
		}
		switch {
		case voidElements[name]:
			if closing {
				t.Errorf("end tag </%s> for a void element", name)
			}
		case !closing:
			open = append(open, name)
		case len(open) == 0 || open[len(open)-1] != name:
			t.Fatalf("</%s> closes nothing open; open: %v", name, open)
		default:
			open = open[:len(open)-1]
		}
	}
	if len(open) != 0 {
		t.Errorf("elements left open: %v", open)
	}
}

// checkSelfContained checks nothing in the report loads from elsewhere: no
// tag has a URL attribute and the CSS imports nothing.
func checkSelfContained(t *testing.T, toks []token) {
	t.Helper()
	for _, tok := range toks {
		l := strings.ToLower(tok.markup)
		for _, bad := range []string{"src=", "href=", "srcset=", "http:", "https:", "//"} {
			if strings.Contains(l, bad) {
				t.Errorf("tag %s holds %q; the report must load nothing", tok.markup, bad)
			}
		}
	}
	styles := textsAfter(toks, "<style>")
	if len(styles) != 1 {
		t.Fatalf("%d <style> elements; want 1", len(styles))
	}
	css := strings.ToLower(styles[0])
	for _, bad := range []string{"@import", "url(", "http:", "https:", "@font-face"} {
		if strings.Contains(css, bad) {
			t.Errorf("inline CSS holds %q; the report must load nothing", bad)
		}
	}
}

// checkReadingOrder checks the verdict column runs failed, warning, other,
// passed.
func checkReadingOrder(t *testing.T, labels []string) {
	t.Helper()
	rank := func(label string) int { return readingRank(verdict.Status(label)) }
	for i := 1; i < len(labels); i++ {
		if rank(labels[i]) < rank(labels[i-1]) {
			t.Errorf("verdict %q comes after %q; want failures, then warnings, then passes: %q", labels[i], labels[i-1], labels)
		}
	}
}
