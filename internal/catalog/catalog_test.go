package catalog

import (
	"strings"
	"testing"
	"testing/fstest"
)

const outline = `@f
Feature: F
  @a
  Scenario: one
    Given x
  Scenario Outline: row <n>
    Given x
    Examples:
      | n |
      | 1 |
      | 2 |
`

// TestLoad verifies cases come in file order with feature tags inherited
// and outline rows named apart.
func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"features/b.feature":   {Data: []byte(outline)},
		"features/a/a.feature": {Data: []byte("Feature: A\n  Scenario: first\n    Given x\n")},
		"features/readme.md":   {Data: []byte("not a feature")},
	}
	cases, err := Load(fsys, "features")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cases {
		got = append(got, c.URI+":"+c.Scenario+":"+strings.Join(c.Tags, " "))
	}
	want := []string{
		"features/a/a.feature:first:",
		"features/b.feature:one:@f @a",
		"features/b.feature:row 1:@f",
		"features/b.feature:row 2:@f",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("cases:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLoadRejects verifies duplicate names, syntax errors and empty sets.
func TestLoadRejects(t *testing.T) {
	tests := map[string]string{
		"Feature: F\n  Scenario: same\n    Given x\n  Scenario: same\n    Given y\n":                                 "two scenarios named",
		"Feature: F\n  Scenario Outline: row\n    Given <n>\n    Examples:\n      | n |\n      | 1 |\n      | 2 |\n": "two scenarios named",
		"Scenario: x\n": "features/x.feature",
		"Feature: F\n":  "no scenarios found",
	}
	for content, want := range tests {
		_, err := Load(fstest.MapFS{"features/x.feature": {Data: []byte(content)}}, "features")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%q) = %v; want an error containing %q", content, err, want)
		}
	}
}
