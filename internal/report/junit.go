package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/authconform/authconform/internal/verdict"
)

// JUnit is written from the verdicts, not by godog's formatter, so that the
// file says what the exit code says. godog's own file marks a @should
// warning or a known deviation as a <failure> in a run that exits 0 (CI
// widgets then show red on a green run), and it knows nothing of
// scenarios left out, interrupted or never run.
//
// The mapping: a failure of the run is a <failure>; a warning, a known
// deviation, an inconclusive case, a scenario left out (for a credential
// the run lacks, or as another profile's), interrupted or not run is
// <skipped> with a message that says which and why; a pass is a bare
// <testcase>. An inconclusive case is <skipped>, so CI shows it
// neither as a green pass nor as a red failure.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// junitCase is a <testcase>. File and Line are where the scenario is
// written (for an outline row, its Examples row): GitLab links a case to
// its file by the file attribute, and GitHub's JUnit reporters (such as
// action-junit-report) place their annotations by file and line.
type junitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	File       string          `xml:"file,attr,omitempty"`
	Line       int             `xml:"line,attr,omitempty"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Failure    *junitMessage   `xml:"failure,omitempty"`
	Skipped    *junitMessage   `xml:"skipped,omitempty"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

// WriteJUnit writes run as a JUnit XML report: a <testsuite> per feature
// file in feature-file order, a <testcase> per scenario of the run's
// catalog, the other profile's included. As with WriteHTML, the strings in
// run must already be redacted.
func WriteJUnit(w io.Writer, run verdict.Run) error {
	b := junitBuilder{doc: junitSuites{Name: "authconform", Time: seconds(run.Duration.Seconds())}, index: map[string]int{}, props: runProperties(run)}
	for _, v := range run.Verdicts {
		b.addVerdict(v)
	}
	for _, l := range run.LeftOut {
		b.addLeftOut(l)
	}
	doc := b.total()
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitBuilder gathers a report's cases into a suite per feature file, in
// the order the files first appear.
type junitBuilder struct {
	doc   junitSuites
	index map[string]int // feature file → its suite in doc.Suites
	spent []float64      // seconds per suite
	props []junitProperty
}

// suite is the suite of the feature file uri, added if it is new.
func (b *junitBuilder) suite(uri string) *junitSuite {
	i, ok := b.index[uri]
	if !ok {
		i = len(b.doc.Suites)
		b.index[uri] = i
		b.doc.Suites = append(b.doc.Suites, junitSuite{Name: uri, Properties: b.props})
		b.spent = append(b.spent, 0)
	}
	return &b.doc.Suites[i]
}

// addVerdict adds a scenario that ran: a failure of the run is a
// <failure>, any other outcome but a pass is <skipped> with its reason.
func (b *junitBuilder) addVerdict(v verdict.Verdict) {
	s := b.suite(v.URI)
	c := junitCase{
		Name:       v.Scenario,
		Classname:  v.URI,
		File:       v.URI,
		Line:       v.Line,
		Time:       seconds(v.Duration.Seconds()),
		Properties: caseProperties(v.Severity, v.Tags, v.Rules),
		SystemOut:  v.Transcript,
	}
	switch {
	case v.Status.FailsRun():
		c.Failure = &junitMessage{Message: firstLine(v.Error), Type: string(v.Status), Body: requirementLine(v) + v.Error + "\n\n" + v.Transcript}
		s.Failures++
	case v.Status != verdict.Passed:
		c.Skipped = &junitMessage{Message: skipMessage(v)}
		s.Skipped++
	}
	s.Tests++
	s.Cases = append(s.Cases, c)
	b.spent[b.index[v.URI]] += v.Duration.Seconds()
}

// addLeftOut adds a scenario the run left out as <skipped>, saying why: a
// credential the configuration lacks, or another profile's rule. CI shows
// the whole catalog, so what was not checked is never silently absent.
func (b *junitBuilder) addLeftOut(l verdict.LeftOut) {
	s := b.suite(l.URI)
	s.Cases = append(s.Cases, junitCase{
		Name: l.Scenario, Classname: l.URI, File: l.URI, Line: l.Line, Time: "0",
		Properties: caseProperties(l.Severity, l.Tags, l.Rules),
		Skipped:    &junitMessage{Message: leftOutMessage(l)},
	})
	s.Tests++
	s.Skipped++
}

// total sets each suite's time and the document's totals.
func (b *junitBuilder) total() junitSuites {
	doc := b.doc
	for i := range doc.Suites {
		s := &doc.Suites[i]
		doc.Tests, doc.Failures, doc.Skipped = doc.Tests+s.Tests, doc.Failures+s.Failures, doc.Skipped+s.Skipped
		s.Time = seconds(b.spent[i])
	}
	return doc
}

// leftOutMessage says which kind of left-out scenario l is, and why.
func leftOutMessage(l verdict.LeftOut) string {
	if l.OtherProfile {
		return "left out (other profile): " + l.Reason
	}
	return "left out: " + l.Reason
}

// runProperties stamp each suite with what produced it, so the file can
// serve as release evidence on its own.
func runProperties(run verdict.Run) []junitProperty {
	return []junitProperty{
		{"tool", run.Tool.String()},
		{"version", run.Tool.Version},
		{"suite_digest", run.Tool.Suite},
		{"profile", run.Profile},
		{"target", run.Target},
	}
}

func caseProperties(severity string, tags, rules []string) []junitProperty {
	return []junitProperty{{"severity", severity}, {"rules", strings.Join(rules, " ")}, {"tags", strings.Join(tags, " ")}}
}

// skipMessage says why a case that neither passed nor failed the run is
// reported as skipped.
func skipMessage(v verdict.Verdict) string {
	switch v.Status {
	case verdict.Warning:
		return "warning: " + firstLine(v.Error)
	case verdict.ExpectedFailure:
		return "known deviation: " + v.Expected
	case verdict.Inconclusive:
		return inconclusiveMessage(v)
	}
	// Interrupted and not-run verdicts' errors start with their status.
	return firstLine(v.Error)
}

// inconclusiveMessage is the first line of an inconclusive verdict's
// reason, which starts "inconclusive: " whatever the runner wrote.
func inconclusiveMessage(v verdict.Verdict) string {
	line := firstLine(v.Error)
	if line == "" {
		return "inconclusive: no positive control in this run"
	}
	if !strings.HasPrefix(line, "inconclusive:") {
		line = "inconclusive: " + line
	}
	return line
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func seconds(s float64) string { return fmt.Sprintf("%.3f", s) }

// requirementLine is the sentence the failed check stands for, as the
// feature states it, ahead of the failure in a JUnit body ("" when the
// feature states none).
func requirementLine(v verdict.Verdict) string {
	if v.Requirement == "" {
		return ""
	}
	return "requirement: " + v.Requirement + "\n"
}
