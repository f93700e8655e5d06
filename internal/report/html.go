// Package report writes the run's own reports (godog writes the rest).
package report

import (
	"bytes"
	_ "embed"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/authconform/authconform/internal/termsafe"
	"github.com/authconform/authconform/internal/verdict"
)

// reportSource is the page template. It holds its CSS inline and loads
// nothing: the report must open from a CI artifact, offline, as one file.
//
//go:embed report.html.tmpl
var reportSource string

// reportTemplate is parsed once; a broken template is a build defect, so it
// panics at init rather than at the end of a long run.
var reportTemplate = template.Must(template.New("report").Parse(reportSource))

// WriteHTML writes a self-contained HTML report of run to w: a summary, one
// row per scenario (failures first) with its error and transcript folded
// under it, and the scenarios that were left out.
//
// Every string from run is escaped by html/template. That escaping rewrites
// + & ' " < > (as &#43; &amp; ...), so a masking writer downstream of w
// no longer recognises a secret that holds one of them: the strings in run
// must already be redacted. html/template leaves control characters and
// bytes that are not UTF-8 as they are: the page is cleaned of them
// (termsafe.Clean), so what a target sent shows as escapes. The page is
// rendered in full before anything is written, so a template error leaves
// w empty rather than holding half a page.
func WriteHTML(w io.Writer, run verdict.Run) error {
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, newPage(run)); err != nil {
		return err
	}
	_, err := w.Write(termsafe.CleanBytes(buf.Bytes()))
	return err
}

// page is what the template renders: run's data, sorted and formatted, so
// that the template holds no logic beyond loops and conditions.
type page struct {
	Tool     string // the provenance stamp, as -version prints it
	Stopped  string // why the run ended early; "" when it went to its end
	Pass     bool
	ExitCode int
	Target   string
	Profile  string
	Started  string // "" when unknown
	StartISO string
	Duration string
	Strict   bool
	Requests int64
	Waited   string
	Counts   verdict.Counts
	Cases    []caseRow
	LeftOut  []verdict.LeftOut
}

// caseRow is one scenario's row and its folded details.
type caseRow struct {
	Feature    string
	URI        string
	Scenario   string
	Tags       []string
	Severity   string
	Class      string // CSS class for the verdict; one of a fixed set, never data
	Label      string // the verdict as text, so it reads without colour
	Duration   string
	Summary    string // what unfolding the details shows
	ErrorTitle string // the heading over Error: "Error", or why a case is inconclusive
	Error      string
	Expected   string // the known-deviation reason, if the scenario is listed
	Transcript string
	Open       bool // what failed the run starts unfolded: it is what the reader came for
}

func newPage(run verdict.Run) page {
	p := page{
		// The exit code, not the counts, is the run's verdict: a scenario
		// that ended without a verdict fails the run too.
		Pass:     run.ExitCode == 0,
		Tool:     run.Tool.String(),
		Stopped:  run.Stopped,
		ExitCode: run.ExitCode,
		Target:   run.Target,
		Profile:  run.Profile,
		Duration: formatDuration(run.Duration),
		Strict:   run.Strict,
		Requests: run.Requests,
		Waited:   formatDuration(run.Waited),
		Counts:   run.Count(),
		LeftOut:  run.LeftOut,
	}
	if !run.Started.IsZero() {
		p.Started = run.Started.Format("2006-01-02 15:04:05 MST")
		p.StartISO = run.Started.Format(time.RFC3339)
	}
	for _, v := range sortedForReading(run.Verdicts) {
		class, label := statusClass(v.Status)
		p.Cases = append(p.Cases, caseRow{
			Feature:    v.Feature,
			URI:        v.URI,
			Scenario:   v.Scenario,
			Tags:       v.Tags,
			Severity:   v.Severity,
			Class:      class,
			Label:      label,
			Duration:   formatDuration(v.Duration),
			Summary:    detailsSummary(v),
			ErrorTitle: errorTitle(v.Status),
			Error:      v.Error,
			Expected:   v.Expected,
			Transcript: v.Transcript,
			Open:       v.Status.FailsRun(),
		})
	}
	return p
}

// readingRank orders verdicts by what needs attention, as the console
// summary does: failures, known deviations that now pass (both fail the
// run), warnings, inconclusive cases (passes with no evidence behind
// them), known deviations that still fail, any status this code does not
// know, and passes last.
func readingRank(s verdict.Status) int {
	switch s {
	case verdict.Failed:
		return 0
	case verdict.UnexpectedPass:
		return 1
	case verdict.Warning:
		return 2
	case verdict.Inconclusive:
		return 3
	case verdict.ExpectedFailure:
		return 4
	case verdict.Passed:
		return 6
	}
	return 5
}

// sortedForReading returns a copy of vs, failures first and, within each
// group, in feature-file order.
func sortedForReading(vs []verdict.Verdict) []verdict.Verdict {
	out := append([]verdict.Verdict(nil), vs...)
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := readingRank(out[i].Status), readingRank(out[j].Status)
		if ri != rj {
			return ri < rj
		}
		return out[i].Order < out[j].Order
	})
	return out
}

// statusClass maps a status to its CSS class and its label. An unknown
// status keeps its own text as the label but gets a neutral class, so no
// data ever reaches a class attribute.
func statusClass(s verdict.Status) (class, label string) {
	switch s {
	case verdict.Passed, verdict.Failed, verdict.Warning:
		return string(s), string(s)
	case verdict.UnexpectedPass:
		return "unexpected-pass", string(s)
	case verdict.ExpectedFailure:
		return "expected-failure", string(s)
	case verdict.Inconclusive:
		return "inconclusive", string(s)
	case "":
		return "unknown", "no verdict"
	}
	return "unknown", string(s)
}

// errorTitle heads a case's error: an inconclusive case's is its reason.
func errorTitle(s verdict.Status) string {
	if s == verdict.Inconclusive {
		return "Why inconclusive"
	}
	return "Error"
}

// detailsSummary names what a row's folded details hold, e.g. "Error and
// transcript (2 requests)".
func detailsSummary(v verdict.Verdict) string {
	var parts []string
	if v.Expected != "" {
		parts = append(parts, "known deviation")
	}
	switch {
	case v.Error != "" && v.Status == verdict.Inconclusive:
		parts = append(parts, "why inconclusive")
	case v.Error != "":
		parts = append(parts, "error")
	}
	parts = append(parts, "transcript")
	s := parts[0]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			s += " and " + p
		} else {
			s += ", " + p
		}
	}
	plural := "s"
	if v.Requests == 1 {
		plural = ""
	}
	return strings.ToUpper(s[:1]) + s[1:] + " (" + strconv.Itoa(v.Requests) + " request" + plural + ")"
}

// formatDuration rounds d for people: milliseconds below a minute, seconds
// above.
func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Minute:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
