package catalog

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Lint reports, before any request, every step of cases that no pattern
// of the vocabulary matches (godog would call it undefined) or that more
// than one matches (ambiguous: which one runs would depend on the order
// of registration). Steps are matched by text, as godog matches them. The
// error is a count, then one "file:line: ..." line per step, sorted; nil
// when every step matches exactly one pattern.
func Lint(cases []Case, patterns []*regexp.Regexp) error {
	type problem struct {
		uri  string
		line int
		msg  string
	}
	var problems []problem
	seen := map[problem]bool{} // a background step recurs in every case
	for _, c := range cases {
		for _, s := range c.Steps {
			msg := stepProblem(s.Text, patterns)
			p := problem{c.URI, s.Line, msg}
			if msg != "" && !seen[p] {
				seen[p] = true
				problems = append(problems, p)
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	slices.SortFunc(problems, func(a, b problem) int {
		return cmp.Or(cmp.Compare(a.uri, b.uri), cmp.Compare(a.line, b.line), cmp.Compare(a.msg, b.msg))
	})
	out := make([]string, len(problems))
	for i, p := range problems {
		out[i] = fmt.Sprintf("%s:%d: %s", p.uri, p.line, p.msg)
	}
	if len(out) == 1 {
		return fmt.Errorf("%s", out[0])
	}
	return fmt.Errorf("%d steps match no step of the vocabulary, or more than one:\n%s", len(out), strings.Join(out, "\n"))
}

// stepProblem says what is wrong with a step's text, or "".
func stepProblem(text string, patterns []*regexp.Regexp) string {
	var matched []string
	for _, p := range patterns {
		if p.MatchString(text) {
			matched = append(matched, p.String())
		}
	}
	switch len(matched) {
	case 0:
		return fmt.Sprintf("no step of the vocabulary matches %q", shorten(text))
	case 1:
		return ""
	}
	return fmt.Sprintf("%d steps of the vocabulary match %q: %s", len(matched), shorten(text), strings.Join(matched, " | "))
}
