package steps

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// errNoStep is a line no step of the vocabulary matches: godog reports it
// as an undefined step, which fails a strict run.
var errNoStep = errors.New("no step of the vocabulary matches this line")

var stepKeyword = regexp.MustCompile(`^(Given|When|Then|And|But) `)

// parsedLine is a feature line matched to its step: which step of the
// vocabulary (its index) and the text its pattern captured.
type parsedLine struct {
	line   string
	step   int
	groups []string
}

// parseLine matches a line, written as a feature writes it (keyword
// first), against the vocabulary's compiled patterns, the ones godog is
// given. A line that matches no step is errNoStep; one that matches more
// than one is a mistake in the vocabulary, which godog would call
// ambiguous, and fails tb.
func parseLine(tb testing.TB, line string) (parsedLine, error) {
	tb.Helper()
	if !stepKeyword.MatchString(line) {
		tb.Fatalf("line %q: want a keyword first (Given, When, Then, And, But), as a feature writes it", line)
	}
	text := stepKeyword.ReplaceAllString(line, "")
	p := parsedLine{line: line, step: -1}
	for i, step := range Vocabulary() {
		m := compiledPatterns[step.Pattern].FindStringSubmatch(text)
		if m == nil {
			continue
		}
		if p.step >= 0 {
			tb.Fatalf("line %q matches two steps, %d and %d; want one (godog: ambiguous)", line, p.step, i)
		}
		p.step, p.groups = i, m[1:]
	}
	if p.step < 0 {
		return p, fmt.Errorf("%w: %q", errNoStep, text)
	}
	return p, nil
}

// runLine runs a line on st as godog runs it: matched to its step, whose
// handler, bound to st, gets the captured text as its parameters; arg (a
// doc string or a table, or nil) comes last.
func runLine(tb testing.TB, st *scenario, line string, arg any) error {
	tb.Helper()
	p, err := parseLine(tb, line)
	if err != nil {
		return err
	}
	return p.call(tb, st.vocabulary(), arg)
}

var contextType = reflect.TypeFor[context.Context]()

// call calls the line's handler in vocab (a vocabulary bound to one
// scenario) and returns its error. Captured text becomes a string or an
// int, as godog converts it; a parameter of any other kind fails tb, so
// that a new kind of step is taught here rather than skipped.
func (p parsedLine) call(tb testing.TB, vocab []Step, arg any) error {
	tb.Helper()
	fn := reflect.ValueOf(vocab[p.step].Handler)
	ft := fn.Type()
	groups := p.groups
	var in []reflect.Value
	for i := range ft.NumIn() {
		pt := ft.In(i)
		switch {
		case i == 0 && pt == contextType:
			in = append(in, reflect.ValueOf(context.Background()))
		case len(groups) > 0 && pt.Kind() == reflect.String:
			in, groups = append(in, reflect.ValueOf(groups[0])), groups[1:]
		case len(groups) > 0 && pt.Kind() == reflect.Int:
			n, err := strconv.Atoi(groups[0])
			if err != nil {
				tb.Fatalf("line %q: %q is not an int: %v", p.line, groups[0], err)
			}
			in, groups = append(in, reflect.ValueOf(n)), groups[1:]
		case len(groups) == 0 && arg != nil && reflect.TypeOf(arg) == pt:
			in, arg = append(in, reflect.ValueOf(arg)), nil
		default:
			tb.Fatalf("line %q: handler %s takes a %s here; teach call to build one", p.line, ft, pt)
		}
	}
	if len(groups) > 0 || arg != nil {
		tb.Fatalf("line %q: handler %s takes fewer arguments than the line gives (%q, %v)", p.line, ft, groups, arg)
	}
	out := fn.Call(in)
	if len(out) == 0 {
		return nil
	}
	err, _ := out[len(out)-1].Interface().(error)
	return err
}

// judgesAnswer says whether a step judges an answer (a Then step): those
// say what the answer "should" be, and no other step does.
func judgesAnswer(step Step) bool {
	return strings.Contains(step.Pattern, " should ")
}
