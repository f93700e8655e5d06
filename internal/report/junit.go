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
// deviation, an inconclusive case, a scenario left out, interrupted or not
// run is <skipped> with a message that says which and why; a pass is a
// bare <testcase>. An inconclusive case is <skipped>, so CI shows it
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

type junitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
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
// file in feature-file order, a <testcase> per scenario. As with
// WriteHTML, the strings in run must already be redacted.
func WriteJUnit(w io.Writer, run verdict.Run) error {
	doc := junitSuites{Name: "authconform", Time: seconds(run.Duration.Seconds())}
	index := map[string]int{}
	var spent []float64 // seconds per suite
	suiteOf := func(uri string) *junitSuite {
		i, ok := index[uri]
		if !ok {
			i = len(doc.Suites)
			index[uri] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: uri, Properties: runProperties(run)})
			spent = append(spent, 0)
		}
		return &doc.Suites[i]
	}
	for _, v := range run.Verdicts {
		s := suiteOf(v.URI)
		c := junitCase{
			Name:       v.Scenario,
			Classname:  v.URI,
			Time:       seconds(v.Duration.Seconds()),
			Properties: caseProperties(v.Severity, v.Tags, v.Rules),
			SystemOut:  v.Transcript,
		}
		switch {
		case v.Status.FailsRun():
			c.Failure = &junitMessage{Message: firstLine(v.Error), Type: string(v.Status), Body: v.Error + "\n\n" + v.Transcript}
			s.Failures++
		case v.Status != verdict.Passed:
			c.Skipped = &junitMessage{Message: skipMessage(v)}
			s.Skipped++
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
		spent[index[v.URI]] += v.Duration.Seconds()
	}
	for _, l := range run.LeftOut {
		if l.OtherProfile {
			// Not this run's suite: another family of servers' rules.
			continue
		}
		s := suiteOf(l.URI)
		s.Cases = append(s.Cases, junitCase{
			Name: l.Scenario, Classname: l.URI, Time: "0", Properties: caseProperties(l.Severity, l.Tags, l.Rules),
			Skipped: &junitMessage{Message: "left out: " + l.Reason},
		})
		s.Tests++
		s.Skipped++
	}
	for i := range doc.Suites {
		s := &doc.Suites[i]
		doc.Tests, doc.Failures, doc.Skipped = doc.Tests+s.Tests, doc.Failures+s.Failures, doc.Skipped+s.Skipped
		s.Time = seconds(spent[i])
	}
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
