package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/authconform/authconform/internal/termcolor"
	"github.com/authconform/authconform/internal/termsafe"
	"github.com/authconform/authconform/internal/verdict"
)

// Console is the default output, for people: one line per case as it
// finishes, under its feature file, then every case that failed the run in
// full: its rule and source line, what was expected and what came back, a
// command that sends the request again, and the exchange; then every
// inconclusive case with its reason. The strings it is given must already
// be redacted; the caller masks its writer too.
type Console struct {
	mu      sync.Mutex
	w       io.Writer
	lastURI string
	paint   termcolor.Painter
}

// NewConsole writes to w, without colour.
func NewConsole(w io.Writer) *Console { return &Console{w: w} }

// Coloured makes c paint its marks, headings and the names of the cases
// that did not pass with p: red failures, yellow warnings, green passes,
// dim what was left out. p cleans what it paints; w must keep the colour
// (termcolor.Writer) and clean the rest.
func (c *Console) Coloured(p termcolor.Painter) *Console {
	c.paint = p
	return c
}

// StatusColour is the colour of a status's mark, wherever it is shown.
func StatusColour(s verdict.Status) termcolor.Colour {
	switch s {
	case verdict.Passed:
		return termcolor.Green
	case verdict.Warning, verdict.ExpectedFailure, verdict.Interrupted, verdict.Inconclusive:
		return termcolor.Yellow
	case verdict.NotRun:
		return termcolor.Dim
	}
	return termcolor.Red // a failure, or a status this code does not know
}

// Marks, one character per outcome, so a column of them reads at a glance.
var marks = map[verdict.Status]string{
	verdict.Passed:          "✔",
	verdict.Failed:          "×",
	verdict.UnexpectedPass:  "×",
	verdict.Warning:         "!",
	verdict.ExpectedFailure: "~",
	verdict.Interrupted:     "…",
	verdict.NotRun:          "·",
	verdict.Inconclusive:    "?",
}

// inconclusiveWhy explains the list of inconclusive cases. A case is
// judged inconclusive only once the whole run is known, so its line above
// may show it as it finished, a pass: the heading says what changed.
const inconclusiveWhy = "they passed, but the target issued no token to their client in this run: a refusal proves nothing without it"

// Case prints one finished case. Its status must be final (warnings and
// known deviations already applied).
func (c *Console) Case(v verdict.Verdict) { c.CaseAt(v, 0, 0) }

// CaseAt prints one finished case, the nth of total to finish ([12/54]);
// n 0 shows no position.
func (c *Console) CaseAt(v verdict.Verdict, n, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v.URI != c.lastURI {
		fmt.Fprintf(c.w, "%s\n", v.URI)
		c.lastURI = v.URI
	}
	mark, ok := marks[v.Status]
	if !ok {
		mark = "×" // a status this code does not know is never a pass
	}
	at := ""
	if n > 0 {
		at = c.paint.Paint(termcolor.Dim, Position(n, total)) + " "
	}
	colour := StatusColour(v.Status)
	name := v.Scenario
	if colour != termcolor.Green { // a pass needs only its mark
		name = c.paint.Paint(colour, name)
	}
	fmt.Fprintf(c.w, "  %s%s %s (%s)\n", at, c.paint.Paint(colour, mark), name, v.Duration.Round(time.Millisecond))
}

// Position is a case's place among total, "[12/54]", n padded to the
// width of total so that the marks after it line up.
func Position(n, total int) string {
	return fmt.Sprintf("[%*d/%d]", len(strconv.Itoa(total)), n, total)
}

// Note prints a line about the run itself, such as a wait for the rate
// limit, so a quiet console is never mistaken for a hung one.
func (c *Console) Note(line string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.w, "  %s\n", c.paint.Paint(termcolor.Dim, "— "+line))
}

// otherProfiles sums up, a line per reason, the scenarios left out for
// belonging to another profile: listing each would bury the run's own
// gaps under a family of rules that does not apply.
func otherProfiles(left []verdict.LeftOut) []string {
	var reasons []string
	count := map[string]int{}
	for _, l := range left {
		if !l.OtherProfile {
			continue
		}
		if count[l.Reason] == 0 {
			reasons = append(reasons, l.Reason)
		}
		count[l.Reason]++
	}
	out := make([]string, len(reasons))
	for i, r := range reasons {
		out[i] = fmt.Sprintf("%d scenarios of another profile left out: %s", count[r], r)
	}
	return out
}

// OtherProfiles is otherProfiles for the command's summary.
func OtherProfiles(left []verdict.LeftOut) []string { return otherProfiles(left) }

// Finish prints what the run left out, every case that failed it, and
// every inconclusive case with its reason.
func (c *Console) Finish(run verdict.Run) {
	c.mu.Lock()
	defer c.mu.Unlock()
	uri := ""
	for _, l := range otherProfiles(run.LeftOut) {
		fmt.Fprintf(c.w, "%s\n", c.paint.Paint(termcolor.Dim, "("+l+")"))
	}
	for _, l := range run.LeftOut {
		if l.OtherProfile {
			continue
		}
		if l.URI != uri {
			fmt.Fprintf(c.w, "%s\n", l.URI)
			uri = l.URI
		}
		fmt.Fprintf(c.w, "  %s\n", c.paint.Paint(termcolor.Dim, "- "+l.Scenario+" (left out: "+l.Reason+")"))
	}
	var failed, inconclusive []verdict.Verdict
	for _, v := range run.Verdicts {
		switch {
		case v.Status.FailsRun():
			failed = append(failed, v)
		case v.Status == verdict.Inconclusive:
			inconclusive = append(inconclusive, v)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(c.w, "\n%s\n", c.paint.Paint(termcolor.Red, fmt.Sprintf("Failures (%d):", len(failed))))
		for _, v := range failed {
			c.failure(v)
		}
	}
	if len(inconclusive) > 0 {
		fmt.Fprintf(c.w, "\n%s %s\n", c.paint.Paint(termcolor.Yellow, fmt.Sprintf("Inconclusive, no positive control (%d):", len(inconclusive))), inconclusiveWhy)
		for _, v := range inconclusive {
			fmt.Fprintf(c.w, "  %s %s\n", c.paint.Paint(termcolor.Yellow, marks[verdict.Inconclusive]+" INCONCLUSIVE"), located(v).Label())
			if v.Error != "" {
				fmt.Fprintf(c.w, "%s\n", indent(v.Error, "      "))
			}
		}
	}
}

// located is v with its source line added to its URI, for labels a reader
// can jump to: "features/x.feature:12".
func located(v verdict.Verdict) verdict.Verdict {
	if v.Line > 0 {
		v.URI = fmt.Sprintf("%s:%d", v.URI, v.Line)
	}
	return v
}

func (c *Console) failure(v verdict.Verdict) {
	fmt.Fprintf(c.w, "\n%s\n", c.paint.Paint(termcolor.Red, "× "+located(v).Label()))
	if v.Requirement != "" {
		// The sentence the failed check stands for, as the feature states
		// it: features may come from anywhere, so shown on one safe line.
		fmt.Fprintf(c.w, "    -> %s\n", termsafe.String(v.Requirement))
	}
	fmt.Fprintf(c.w, "%s\n", indent(v.Error, "    "))
	if v.Expected != "" && v.Status == verdict.UnexpectedPass {
		fmt.Fprintf(c.w, "    known-deviation reason: %s\n", v.Expected)
	}
	if v.Repro != "" {
		fmt.Fprintf(c.w, "  reproduce:\n%s\n", indent(v.Repro, "    "))
	}
	if v.Transcript != "" {
		fmt.Fprintf(c.w, "  exchange:\n%s\n", indent(strings.TrimRight(v.Transcript, "\n"), "    "))
	}
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
