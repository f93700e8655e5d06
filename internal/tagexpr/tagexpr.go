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
	"unicode"
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
// expression is an error here rather than a panic or a silent mis-reading
// inside godog: everything Parse accepts, godog reads with the same meaning
// (each term trimmed, a leading "~" negating, the "@" dropped).
func Parse(expr string) (Expr, error) {
	var e Expr
	if strings.TrimSpace(expr) == "" {
		return e, nil
	}
	if err := foreignSyntax(expr); err != nil {
		return Expr{}, err
	}
	for _, branch := range strings.Split(expr, ",") {
		var terms []term
		for _, raw := range strings.Split(branch, "&&") {
			t, err := parseTerm(expr, raw)
			if err != nil {
				return Expr{}, err
			}
			terms = append(terms, t)
		}
		e.branches = append(e.branches, terms)
	}
	return e, nil
}

// foreignSyntax refuses the syntax of Cucumber's tag expressions, which
// godog does not read: it would take "@a or @b" as one tag named "a or b"
// and match nothing, silently.
func foreignSyntax(expr string) error {
	if strings.ContainsAny(expr, "()") {
		return fmt.Errorf("tag expression %q has parentheses: godog's tag expressions have none; want OR branches separated by , of terms joined by && (@a && @b,@c)", expr)
	}
	for _, w := range strings.Fields(expr) {
		switch strings.ToLower(w) {
		case "and", "or", "not":
			return fmt.Errorf("tag expression %q uses %q as in Cucumber: godog writes && for AND, , for OR and ~ for NOT (@a && ~@b,@c)", expr, w)
		}
	}
	return nil
}

// parseTerm reads one term, "@tag", "tag", "~@tag" or "~tag", of expr.
func parseTerm(expr, raw string) (term, error) {
	t := strings.TrimSpace(raw)
	if t == "" {
		return term{}, fmt.Errorf("tag expression %q has an empty term (a stray , or &&?); want @tag or ~@tag, joined by && (and) or , (or)", expr)
	}
	negate := strings.HasPrefix(t, "~")
	name := strings.TrimPrefix(strings.TrimPrefix(t, "~"), "@")
	if name == "" {
		return term{}, fmt.Errorf("tag expression %q: term %q names no tag; want @tag or ~@tag", expr, t)
	}
	if hint := badName(name); hint != "" {
		return term{}, fmt.Errorf("tag expression %q: bad term %q: %s", expr, t, hint)
	}
	return term{tag: name, negate: negate}, nil
}

// badName says what is wrong with a tag name, or "" when nothing is. The
// refused characters are those godog reads differently from how they look:
// it drops every "@", negates on a "~" wherever the "@"s were, and takes
// spaces and a single "&", "|" or "!" as part of a tag name. Operators of
// other syntaxes are named first, as they are the likelier mistake.
func badName(name string) string {
	if i := strings.IndexAny(name, "!|&@~"); i >= 0 {
		switch name[i] {
		case '!':
			return "godog writes ~ for NOT (~@a)"
		case '|':
			return "godog writes , for OR (@a,@b)"
		case '&':
			return "godog writes && for AND (@a && @b)"
		}
		return "want @tag or ~@tag, with \"@\" and \"~\" only in front"
	}
	for _, r := range name {
		switch {
		case unicode.IsSpace(r):
			return "a tag has no spaces; want terms joined by && (and) or , (or)"
		case !unicode.IsPrint(r):
			return fmt.Sprintf("a tag has no control or invisible characters (%U)", r)
		}
	}
	return ""
}

// Match reports whether a scenario with these tags (with or without "@")
// is selected.
func (e Expr) Match(tags []string) bool {
	if len(e.branches) == 0 {
		return true
	}
	has := make(map[string]bool, len(tags))
	for _, t := range tags {
		// Every "@", as godog compares tags.
		has[strings.ReplaceAll(t, "@", "")] = true
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
