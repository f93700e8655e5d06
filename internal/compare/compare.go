// Package compare tells what changed between two runs' JSON summaries:
// staging against production, a release candidate against the last
// release. A case is matched by feature file and scenario name.
package compare

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/authconform/authconform/internal/report"
	"github.com/authconform/authconform/internal/userfile"
)

// Change is one case whose status differs between the runs.
type Change struct {
	Feature, Scenario string
	Severity          string
	Rules             []string
	Old, New          string // summary statuses; "" when the case is absent from that run
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
	before := map[string]report.SummaryCase{}
	for _, c := range old.Cases {
		before[key(c)] = c
	}
	var g Groups
	seen := map[string]bool{}
	for _, n := range new.Cases {
		seen[key(n)] = true
		o, ok := before[key(n)]
		if ok && o.Status == n.Status {
			continue
		}
		g.add(change(n, o.Status))
	}
	for _, o := range old.Cases {
		if !seen[key(o)] {
			c := change(o, o.Status)
			c.New = ""
			g.Other = append(g.Other, c)
		}
	}
	return g
}

func key(c report.SummaryCase) string { return c.Feature + "\x00" + c.Scenario }

func change(c report.SummaryCase, old string) Change {
	return Change{Feature: c.Feature, Scenario: c.Scenario, Severity: c.Severity, Rules: c.Rules, Old: old, New: c.Status}
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
	fmt.Fprintf(w, "old: %s, %s, exit %d\nnew: %s, %s, exit %d\n", old.Target, old.Stamp, old.ExitCode, new.Target, new.Stamp, new.ExitCode)
	if old.Tool.Suite != new.Tool.Suite {
		fmt.Fprintln(w, "note: the two runs used different suites (digests differ): cases may have been added, renamed or changed")
	}
	section := func(title string, cs []Change) {
		if len(cs) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s (%d):\n", title, len(cs))
		for _, c := range cs {
			fmt.Fprintf(w, "  %s: %s → %s\n", c.Label(), orAbsent(c.Old), orAbsent(c.New))
		}
	}
	section("New failures", g.NewFailures)
	section("Fixed", g.Fixed)
	section("Newly left out", g.NewlyLeftOut)
	section("Newly inconclusive (the target issued no token to the client in the new run: its refusal is no evidence there)", g.NewlyInconclusive)
	section("Other changes", g.Other)
	verdict := "no MUST regression"
	if g.Regressed() {
		verdict = "a MUST case regressed"
	}
	fmt.Fprintf(w, "\nauthconform diff: %s: %d new failures, %d fixed, %d newly left out, %d newly inconclusive, %d other changes\n",
		verdict, len(g.NewFailures), len(g.Fixed), len(g.NewlyLeftOut), len(g.NewlyInconclusive), len(g.Other))
}

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
}
