// Package tagexpr reads godog's tag expressions, so that the runner can
// count and name the scenarios a run leaves out and can narrow a user's
// expression without changing its meaning.
//
// godog's grammar (internal/tags in godog v0.16): "," separates OR branches
// at the top level, "&&" joins terms inside a branch, "~" negates a term, and
// the "@" of a tag is optional. There are no parentheses, so "a,b&&~c" means
// "a OR (b AND NOT c)": narrowing an expression means adding the extra terms
// to every branch, not appending them once.
package tagexpr

import (
	"fmt"
	"strings"
)

// Expr is a parsed tag expression: a disjunction of conjunctions.
type Expr struct {
	branches [][]term
}

type term struct {
	tag    string // without "@"
	negate bool
}

// Parse reads expr; the empty string matches every scenario. A malformed
// expression is an error here rather than a panic inside godog.
func Parse(expr string) (Expr, error) {
	var e Expr
	if strings.TrimSpace(expr) == "" {
		return e, nil
	}
	for _, branch := range strings.Split(expr, ",") {
		var terms []term
		for _, raw := range strings.Split(branch, "&&") {
			t := strings.TrimSpace(raw)
			negate := strings.HasPrefix(t, "~")
			t = strings.TrimPrefix(t, "~")
			t = strings.TrimPrefix(strings.TrimSpace(t), "@")
			if t == "" || strings.ContainsAny(t, " \t@~") {
				return Expr{}, fmt.Errorf("tag expression %q: bad term %q; want @tag or ~@tag, joined by && (and) or , (or)", expr, strings.TrimSpace(raw))
			}
			terms = append(terms, term{tag: t, negate: negate})
		}
		e.branches = append(e.branches, terms)
	}
	return e, nil
}

// Match reports whether a scenario with these tags (with or without "@")
// is selected.
func (e Expr) Match(tags []string) bool {
	if len(e.branches) == 0 {
		return true
	}
	has := make(map[string]bool, len(tags))
	for _, t := range tags {
		has[strings.TrimPrefix(t, "@")] = true
	}
	for _, branch := range e.branches {
		ok := true
		for _, t := range branch {
			if has[t.tag] == t.negate {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// Without returns e narrowed to scenarios that carry none of tags.
func (e Expr) Without(tags ...string) Expr {
	if len(tags) == 0 {
		return e
	}
	var extra []term
	for _, t := range tags {
		extra = append(extra, term{tag: strings.TrimPrefix(t, "@"), negate: true})
	}
	branches := e.branches
	if len(branches) == 0 {
		branches = [][]term{nil}
	}
	out := Expr{}
	for _, b := range branches {
		nb := append(append([]term(nil), b...), extra...)
		out.branches = append(out.branches, nb)
	}
	return out
}

// String renders e in godog's syntax.
func (e Expr) String() string {
	var branches []string
	for _, b := range e.branches {
		var terms []string
		for _, t := range b {
			s := "@" + t.tag
			if t.negate {
				s = "~" + s
			}
			terms = append(terms, s)
		}
		branches = append(branches, strings.Join(terms, " && "))
	}
	return strings.Join(branches, ",")
}
