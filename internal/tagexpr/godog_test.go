package tagexpr

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/cucumber/godog"
)

// tagSets are the scenarios of the feature godog filters: one per set of
// tags, named after its tags.
var tagSets = [][]string{
	{}, {"@a"}, {"@b"}, {"@c"}, {"@a", "@b"}, {"@a", "@c"}, {"@b", "@c"}, {"@a", "@b", "@c"},
	{"@rfc6749-3.2.1"}, {"@café", "@a"},
	// Stable ids: a tag with a ":", chosen by its whole name only.
	{"@id:cl-a-one"}, {"@id:cl-a-one-two", "@a"},
}

func tagFeature() []byte {
	var b strings.Builder
	b.WriteString("Feature: tags\n")
	for _, tags := range tagSets {
		b.WriteString("  " + strings.Join(tags, " ") + "\n")
		b.WriteString("  Scenario: s" + strings.Join(tags, "") + "\n    Given x\n")
	}
	return []byte(b.String())
}

// godogSelects returns the names of the scenarios godog runs for expr.
func godogSelects(t *testing.T, expr string) []string {
	t.Helper()
	var names []string
	status := godog.TestSuite{
		Name: "tagexpr",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			sc.Step(`^x$`, func() {})
			sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
				names = append(names, s.Name)
				return ctx, nil
			})
		},
		Options: &godog.Options{
			Format:          "progress",
			Output:          io.Discard,
			FeatureContents: []godog.Feature{{Name: "tags.feature", Contents: tagFeature()}},
			Tags:            expr,
			Strict:          true,
			NoColors:        true,
			Concurrency:     1,
		},
	}.Run()
	if status != 0 {
		t.Fatalf("godog with tags %q: status %d; want 0", expr, status)
	}
	return names
}

// TestSameAsGodog verifies that godog's own filter selects the scenarios
// Match selects, both for the expression as written and as String renders
// it (the form the runner hands godog). An all-space expression is given
// to godog only rendered: godog panics on it as written.
func TestSameAsGodog(t *testing.T) {
	exprs := []string{
		"", "   ", "a", "@a", " @a ", "~a", "~@a", "@a&&@b", "@a && ~@b", "~@a && ~@b",
		"@a,@b", "@a , @b&&~c", "@a,@b && ~@c", "~@c,@a && @b", "@rfc6749-3.2.1", "@café",
		"@id:cl-a-one", "id:cl-a-one-two", "~@id:cl-a-one && ~@a", "@id:cl-a-one,@c", "@id", "@id:cl-a",
	}
	for _, expr := range exprs {
		e, err := Parse(expr)
		if err != nil {
			t.Fatalf("Parse(%q): %v", expr, err)
		}
		var want []string
		for _, tags := range tagSets {
			if e.Match(tags) {
				want = append(want, "s"+strings.Join(tags, ""))
			}
		}
		forms := []string{e.String()}
		if strings.TrimSpace(expr) != "" {
			forms = append(forms, expr)
		}
		for _, form := range forms {
			if got := godogSelects(t, form); !slices.Equal(got, want) {
				t.Errorf("godog with tags %q (from %q) ran %q; Match selects %q", form, expr, got, want)
			}
		}
	}
}

// TestIDTagsMatchWhole verifies an id tag is selected by its whole name:
// neither "@id" nor an id that another one starts with picks it.
func TestIDTagsMatchWhole(t *testing.T) {
	tests := []struct {
		expr string
		tags []string
		want bool
	}{
		{"@id:cl-a-one", []string{"@must", "@id:cl-a-one"}, true},
		{"@id:cl-a-one", []string{"@id:cl-a-one-two"}, false},
		{"@id", []string{"@id:cl-a-one"}, false},
		{"~@id:cl-a-one", []string{"@id:cl-a-one-two"}, true},
	}
	for _, tt := range tests {
		e, err := Parse(tt.expr)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.expr, err)
		}
		if got := e.Match(tt.tags); got != tt.want {
			t.Errorf("%q matches %q: %v; want %v", tt.expr, tt.tags, got, tt.want)
		}
	}
}
