package report

import (
	"io"
	"strconv"
	"strings"

	"github.com/authconform/authconform/internal/termsafe"
	"github.com/authconform/authconform/internal/verdict"
)

// GitHub Actions reads workflow commands from a step's output, one a line:
// "::error file=F,line=N,title=T::message" puts an annotation on line N of
// file F (in the job's summary, and on the pull request's diff when F is
// in it). -format github writes one for each scenario that fails the run
// (::error) and for each warning (::warning), and nothing else a runner
// would act on: every value is escaped as the runner unescapes it, so no
// text from a target can end a command or start another.

// WriteGitHub writes run as GitHub Actions workflow commands: an error
// annotation per scenario that fails the run, a warning annotation per
// warning, each at the scenario's feature file and line, titled with its
// name, its message the rule it checks and the failure as it reads
// ("got …; want …"); and, when the run stopped early, an error saying why.
// As with WriteHTML, the strings in run must already be redacted.
func WriteGitHub(w io.Writer, run verdict.Run) error {
	var b strings.Builder
	for _, v := range run.Verdicts {
		level := annotationLevel(v.Status)
		if level == "" {
			continue
		}
		props := []githubProperty{{"file", v.URI}}
		if v.Line > 0 {
			props = append(props, githubProperty{"line", strconv.Itoa(v.Line)})
		}
		props = append(props, githubProperty{"title", v.Scenario})
		b.WriteString(githubCommand(level, props, annotationMessage(v)))
	}
	if run.Stopped != "" {
		b.WriteString(githubCommand("error", []githubProperty{{"title", "authconform stopped before the end of the run"}}, run.Stopped))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// annotationLevel is the workflow command for a verdict of this status:
// "error" for what fails the run, "warning" for a warning, "" for the
// rest (a pass, a known deviation, a scenario that did not finish, an
// inconclusive one: the other reports show those).
func annotationLevel(s verdict.Status) string {
	switch {
	case s.FailsRun():
		return "error"
	case s == verdict.Warning:
		return "warning"
	}
	return ""
}

// annotationMessage is what an annotation says: the rule, then the
// failure whole, its first line the "got …; want …" of the failed check.
func annotationMessage(v verdict.Verdict) string {
	return "rule: " + ruleOf(v) + "\n" + v.Error
}

// ruleOf is the rule a failure or warning breaks, as the CI outputs (the
// GitHub annotations, the Markdown summary) name it: its severity and the
// scenario's citations, "MUST rfc6749-5.1 docs-client-credentials", after
// the requirement sentence the feature states when it states one. It is
// the one place they take the rule from.
func ruleOf(v verdict.Verdict) string {
	cited := strings.Join(append([]string{v.Severity}, v.Rules...), " ")
	if v.Requirement == "" {
		return cited
	}
	return v.Requirement + " (" + cited + ")"
}

type githubProperty struct{ name, value string }

// githubCommand is one workflow command line. Values are first made safe
// for a terminal (the runner's log is one), then escaped as the runner
// reads them: % and line breaks everywhere, and in a property also the :
// and , that would end it.
func githubCommand(command string, props []githubProperty, message string) string {
	var b strings.Builder
	b.WriteString("::" + command)
	for i, p := range props {
		sep := ","
		if i == 0 {
			sep = " "
		}
		b.WriteString(sep + p.name + "=" + githubProperties.Replace(termsafe.Clean(p.value)))
	}
	b.WriteString("::" + githubData.Replace(termsafe.Clean(message)) + "\n")
	return b.String()
}

// The runner's escapes: data (the message) and properties.
var (
	githubData       = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	githubProperties = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)
