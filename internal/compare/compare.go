// Package compare tells what changed between two runs' JSON summaries:
// staging against production, a release candidate against the last
// release. A case is matched by its stable id, so a scenario renamed
// between the runs is the same case; a case without an id in either run
// (a summary written before ids, a user's own feature) by feature file
// and scenario name.
package compare

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/authconform/authconform/internal/report"
	"github.com/authconform/authconform/internal/termsafe"
	"github.com/authconform/authconform/internal/userfile"
)

// Change is one case whose status differs between the runs.
type Change struct {
	ID                string // the case's stable id in the run it is taken from; "" without one
	Feature, Scenario string
	Severity          string
	Rules             []string
	Old, New          string // summary statuses; "" when the case is absent from that run
	// Error is the case's error in the new run, as its summary recorded
	// it (redacted): why a new failure fails.
	Error string
}

// Label names the case as every other line of the tool does.
func (c Change) Label() string {
	head := c.Severity
	if len(c.Rules) > 0 {
		head += " " + strings.Join(c.Rules, " ")
	}
	return fmt.Sprintf("[%s] %s: %s", head, c.Feature, c.Scenario)
}

// Groups sorts the changes the way a reader acts on them.
type Groups struct {
	NewFailures  []Change // now failing the run, and not before
	Fixed        []Change // failing the run before, passing now
	NewlyLeftOut []Change // run before, left out now
	// NewlyInconclusive are cases that passed or failed before and are
	// inconclusive now: the target issued no token to their client in the
	// new run. That is evidence lost, not a regression of the target, so
	// it never gates a release; a case going from inconclusive to failed
	// is a new failure like any other.
	NewlyInconclusive []Change
	Other             []Change // any other change of status, or a case in one run only
}

// failing are the statuses that fail a run.
var failing = []string{report.StatusFailed, report.StatusUnexpectedPass}

// Regressed reports whether a MUST case now fails that did not before:
// what gates a release.
func (g Groups) Regressed() bool {
	return slices.ContainsFunc(g.NewFailures, func(c Change) bool { return c.Severity == "MUST" })
}

// Runs compares two summaries.
func Runs(old, new report.Summary) Groups {
	before := indexOf(old.Cases)
	var g Groups
	matched := make([]bool, len(old.Cases))
	for _, n := range new.Cases {
		i, ok := before.find(n)
		if ok && matched[i] {
			ok = false // a second new case for one old case: count it as new
		}
		oldStatus := ""
		if ok {
			matched[i], oldStatus = true, old.Cases[i].Status
		}
		if ok && oldStatus == n.Status {
			continue
		}
		g.add(change(n, oldStatus))
	}
	for i, o := range old.Cases {
		if !matched[i] {
			c := change(o, o.Status)
			c.New, c.Error = "", ""
			g.Other = append(g.Other, c)
		}
	}
	return g
}

// index finds the case of a run that is the same as another run's.
type index struct{ byID, byName map[string]int }

func indexOf(cases []report.SummaryCase) index {
	x := index{byID: map[string]int{}, byName: map[string]int{}}
	for i, c := range cases {
		if c.ID != "" {
			x.byID[c.ID] = i
		}
		x.byName[nameKey(c)] = i
	}
	return x
}

// find is the case of the id of c, or without one in either run, of the
// name of c.
func (x index) find(c report.SummaryCase) (int, bool) {
	if i, ok := x.byID[c.ID]; ok && c.ID != "" {
		return i, true
	}
	i, ok := x.byName[nameKey(c)]
	return i, ok
}

func nameKey(c report.SummaryCase) string { return c.Feature + "\x00" + c.Scenario }

func change(c report.SummaryCase, old string) Change {
	return Change{ID: c.ID, Feature: c.Feature, Scenario: c.Scenario, Severity: c.Severity, Rules: c.Rules, Old: old, New: c.Status, Error: c.Error}
}

func (g *Groups) add(c Change) {
	wasFailing, isFailing := slices.Contains(failing, c.Old), slices.Contains(failing, c.New)
	switch {
	case isFailing && !wasFailing:
		g.NewFailures = append(g.NewFailures, c)
	case wasFailing && c.New == report.StatusPassed:
		g.Fixed = append(g.Fixed, c)
	case c.New == report.StatusLeftOut && c.Old != "":
		g.NewlyLeftOut = append(g.NewlyLeftOut, c)
	case c.New == report.StatusInconclusive && c.Old != "":
		g.NewlyInconclusive = append(g.NewlyInconclusive, c)
	default:
		g.Other = append(g.Other, c)
	}
}

// maxSummary bounds a run summary read: a summary of the built-in suite
// is tens of KiB; one with every transcript at its cut is a few MiB.
const maxSummary = 64 << 20

// Load reads a summary written by -format json, a regular file of at most
// 64 MiB.
func Load(path string) (report.Summary, error) {
	var s report.Summary
	b, err := userfile.Read(path, maxSummary)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("%s: not a run summary (-format json:FILE): %v", path, err)
	}
	if s.Cases == nil || s.Tool.Suite == "" {
		return s, fmt.Errorf("%s: not a run summary (-format json:FILE): no cases or no tool stamp", path)
	}
	return s, nil
}

// Print writes the groups, then one line of counts.
func Print(w io.Writer, old, new report.Summary, g Groups) {
	// Both summaries are files from anywhere: their strings are shown
	// through termsafe, as the cases' below.
	fmt.Fprintf(w, "old: %s, %s, exit %d\nnew: %s, %s, exit %d\n", termsafe.String(old.Target), termsafe.String(old.Stamp), old.ExitCode, termsafe.String(new.Target), termsafe.String(new.Stamp), new.ExitCode)
	if old.Tool.Suite != new.Tool.Suite {
		fmt.Fprintln(w, "note: the two runs used different suites (digests differ): cases may have been added, renamed or changed")
	}
	section := func(title string, cs []Change, withError bool) {
		if len(cs) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s (%d):\n", title, len(cs))
		for _, c := range cs {
			fmt.Fprintf(w, "  %s\n", termsafe.String(fmt.Sprintf("%s: %s → %s", c.Label(), orAbsent(c.Old), orAbsent(c.New))))
			if withError && c.Error != "" {
				fmt.Fprintf(w, "      %s\n", errorLine(c.Error))
			}
		}
	}
	section("New failures", g.NewFailures, true)
	section("Fixed", g.Fixed, false)
	section("Newly left out", g.NewlyLeftOut, false)
	section("Newly inconclusive (the target issued no token to the client in the new run: its refusal is no evidence there)", g.NewlyInconclusive, false)
	section("Other changes", g.Other, false)
	verdict := "no MUST regression"
	if g.Regressed() {
		verdict = "a MUST case regressed"
	}
	fmt.Fprintf(w, "\nauthconform diff: %s: %d new failures, %d fixed, %d newly left out, %d newly inconclusive, %d other changes\n",
		verdict, len(g.NewFailures), len(g.Fixed), len(g.NewlyLeftOut), len(g.NewlyInconclusive), len(g.Other))
}

// maxErrorLine bounds the error shown under a new failure, in runes: its
// first line says what was expected and what came back; the rest (and the
// transcript) is in the run's own reports.
const maxErrorLine = 240

// errorLine is the first line of a summary's error, cut to maxErrorLine
// and made safe for a terminal: the summary is a file from anywhere, and
// its strings, redacted by the run that wrote it, may quote a target.
func errorLine(err string) string {
	first, _, more := strings.Cut(strings.TrimSpace(err), "\n")
	if r := []rune(first); len(r) > maxErrorLine {
		first, more = string(r[:maxErrorLine]), true
	}
	if more {
		first += " …"
	}
	return termsafe.String(first)
}

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
}
