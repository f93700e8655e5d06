package bench

import (
	"context"
	"io"
	"reflect"
	"regexp"
	"testing"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/steps"
)

// godogOnly runs the suite's feature files through godog with every step
// of the vocabulary replaced by a handler of the same signature that does
// nothing: no request, no check, no hooks, no redaction. What such a run
// costs is godog's own: parsing, matching each step against the
// vocabulary, calling the handler by reflection, and the bookkeeping it
// stores for its formatters after every step. Set against the suite's
// run it splits the suite's cost over the floor into godog's part and
// authconform's part.
type godogOnly struct {
	tags  string // "" runs every scenario
	steps []godogStep
}

type godogStep struct {
	expr    *regexp.Regexp
	handler any
}

// newGodogOnly builds the no-op vocabulary once, compiling each pattern
// as the steps package does (once, not per scenario).
func newGodogOnly(tags string) godogOnly {
	g := godogOnly{tags: tags}
	for _, st := range steps.Vocabulary() {
		g.steps = append(g.steps, godogStep{regexp.MustCompile(st.Pattern), noOp(st.Handler)})
	}
	return g
}

var contextType = reflect.TypeFor[context.Context]()

// noOp returns a function of handler's type that returns at once: the
// context it was given (or a background one) where its type returns a
// context, nil errors. godog checks a handler's arguments against the
// step's text, so the no-op must take exactly what the real one takes.
func noOp(handler any) any {
	t := reflect.TypeOf(handler)
	return reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
		out := make([]reflect.Value, t.NumOut())
		for i := range out {
			switch t.Out(i) {
			case contextType:
				ctx := reflect.ValueOf(context.Background())
				if len(args) > 0 && args[0].Type() == contextType {
					ctx = args[0]
				}
				out[i] = ctx
			default:
				out[i] = reflect.Zero(t.Out(i))
			}
		}
		return out
	}).Interface()
}

// run runs the no-op suite as runner.Run runs godog when nothing reads
// the console (the progress formatter, to io.Discard; strict), fails tb
// unless godog reports success, and returns how many scenarios ran, so a
// caller can check it ran the same scenarios as the suite.
func (g godogOnly) run(tb testing.TB) int {
	tb.Helper()
	scenarios := 0
	tags := g.tags
	if tags == "" {
		// The Commerce Layer profile's run: the suite leaves the other
		// profile's scenarios out before godog starts.
		tags = "~@plain_oauth2"
	}
	status := godog.TestSuite{
		Name: "authconform-godog-only",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			scenarios++ // godog initialises each scenario once, on one goroutine at Concurrency 1
			for _, st := range g.steps {
				sc.Step(st.expr, st.handler)
			}
		},
		Options: &godog.Options{
			Format:      "progress",
			Output:      io.Discard,
			Paths:       []string{"features"},
			FS:          authconform.Files,
			Tags:        tags,
			Strict:      true,
			NoColors:    true,
			Concurrency: 1,
		},
	}.Run()
	if status != 0 {
		tb.Fatalf("godog ran the no-op vocabulary with status %d; want 0 (an undefined or failing step?)", status)
	}
	return scenarios
}

// TestGodogOnly verifies the no-op vocabulary covers every step of the
// features, so the godog-only run measures every step the suite runs.
func TestGodogOnly(t *testing.T) {
	if n, want := newGodogOnly("").run(t), suiteSize(t); n != want {
		t.Errorf("the no-op run ran %d scenarios; want the whole suite, %d as the catalog reads the features", n, want)
	}
	if n := newGodogOnly(oneScenarioTag).run(t); n != 1 {
		t.Errorf("the no-op run with %s ran %d scenarios; want 1", oneScenarioTag, n)
	}
}

// TestNoOpKeepsSignature verifies a no-op handler has its original's type
// and hands back the context it was given: godog runs the next step with
// the context a step returns.
func TestNoOpKeepsSignature(t *testing.T) {
	type key struct{}
	ctx := context.WithValue(context.Background(), key{}, "kept")
	for _, h := range []any{
		func(ctx context.Context, s string) (context.Context, error) { return ctx, nil },
		func(s string) error { return nil },
		func(ctx context.Context) error { return nil },
	} {
		n := noOp(h)
		if got, want := reflect.TypeOf(n), reflect.TypeOf(h); got != want {
			t.Errorf("noOp type = %v; want %v", got, want)
		}
	}
	f := noOp(func(ctx context.Context, s string) (context.Context, error) { return nil, nil }).(func(context.Context, string) (context.Context, error))
	got, err := f(ctx, "x")
	if err != nil || got.Value(key{}) != "kept" {
		t.Errorf("noOp returned (%v, %v); want the context it was given and no error", got, err)
	}
}
