package catalog

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

const withIDs = `@commercelayer
Feature: F

  @must @id:cl-f-one
  Scenario: one
    A server MUST answer
    on one line.

    Why, which is not the requirement.

    Given x

  @must @id:cl-f-rows
  Scenario Outline: row <n>
    Given x <n>

    Examples:
      | n |
      | 1 |

    Examples: more
      | n |
      | 2 |
      | 3 |
`

// TestIDs verifies a case's id is its scenario's tag, an outline's rows
// are told apart by their place among its rows, and the requirement is
// the description's first paragraph on one line.
func TestIDs(t *testing.T) {
	t.Parallel()
	cases, err := Load(fstest.MapFS{"f.feature": {Data: []byte(withIDs)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ id, outline, requirement string }{
		{"cl-f-one", "cl-f-one", "A server MUST answer on one line."},
		{"cl-f-rows#1", "cl-f-rows", ""},
		{"cl-f-rows#2", "cl-f-rows", ""},
		{"cl-f-rows#3", "cl-f-rows", ""},
	}
	if len(cases) != len(want) {
		t.Fatalf("%d cases, want %d", len(cases), len(want))
	}
	for i, w := range want {
		c := cases[i]
		if c.ID != w.id || OutlineID(c.ID) != w.outline || c.Requirement != w.requirement {
			t.Errorf("case %d (%s): ID %q, outline %q, requirement %q; want %q, %q, %q", i, c.Scenario, c.ID, OutlineID(c.ID), c.Requirement, w.id, w.outline, w.requirement)
		}
	}
	if err := LintIDs(cases); err != nil {
		t.Errorf("LintIDs: %v", err)
	}
}

// TestLintIDs verifies an id is required, one per scenario, well formed,
// starting with its profile's short name and unique across files.
func TestLintIDs(t *testing.T) {
	t.Parallel()
	scenario := func(tags, name string) string {
		return "\n  @must @rfc6749-5.2 " + tags + "\n  Scenario: " + name + "\n    Given x\n"
	}
	tests := []struct {
		name, a, b string // the scenarios of two files
		want       string // "" for none; else in LintIDs's error
		inLintTags bool   // LintTags, which allows no id, reports it too
	}{
		{"complete", scenario("@id:cl-a-one", "one"), scenario("@id:cl-b-two", "two"), "", false},
		{"missing", scenario("", "one"), scenario("@id:cl-b-two", "two"), `a.feature:5: scenario "one" has no @id:<profile>-<area>-<slug> tag`, false},
		{"two", scenario("@id:cl-a-one @id:cl-a-uno", "one"), "", "has 2 id tags (cl-a-one, cl-a-uno)", true},
		{"upper case", scenario("@id:cl-a-One", "one"), "", `has the id "cl-a-One"; want <profile>-<area>-<slug>`, true},
		{"underscore", scenario("@id:cl-a-one_two", "one"), "", `has the id "cl-a-one_two"`, true},
		{"two parts", scenario("@id:cl-one", "one"), "", `has the id "cl-one"`, true},
		{"double hyphen", scenario("@id:cl-a--one", "one"), "", `has the id "cl-a--one"`, true},
		{"other profile's prefix", scenario("@id:rfc-a-one", "one"), "", `want it to start with "cl-", the short name of its profile @commercelayer`, true},
		{"same id, two files", scenario("@id:cl-a-one", "one"), scenario("@id:cl-a-one", "two"), `b.feature:5: scenario "two" has the id cl-a-one of the scenario at a.feature:5`, true},
		{"same id, one file", scenario("@id:cl-a-one", "one") + scenario("@id:cl-a-one", "two"), "", `a.feature:9: scenario "two" has the id cl-a-one of the scenario at a.feature:5`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{"a.feature": {Data: []byte("@commercelayer\nFeature: A\n" + tt.a)}}
			if tt.b != "" {
				fsys["b.feature"] = &fstest.MapFile{Data: []byte("@commercelayer\nFeature: B\n" + tt.b)}
			}
			cases, err := Load(fsys, ".")
			if err != nil {
				t.Fatal(err)
			}
			check := func(fn string, err error, want string) {
				switch {
				case want == "" && err != nil:
					t.Errorf("%s: %v; want no error", fn, err)
				case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
					t.Errorf("%s: %v; want an error containing %q", fn, err, want)
				}
			}
			check("LintIDs", LintIDs(cases), tt.want)
			if tt.inLintTags {
				check("LintTags", LintTags(cases), tt.want)
			} else {
				check("LintTags", LintTags(cases), "")
			}
		})
	}
}

// TestIDOfAnExamplesBlock verifies an id tag on an Examples block is a
// second id of the outline, refused: an outline has one id.
func TestIDOfAnExamplesBlock(t *testing.T) {
	t.Parallel()
	src := "@commercelayer\nFeature: F\n\n  @must @rfc6749-5.2 @id:cl-f-rows\n  Scenario Outline: row <n>\n    Given x <n>\n\n    @id:cl-f-row\n    Examples:\n      | n |\n      | 1 |\n"
	cases, err := Load(fstest.MapFS{"f.feature": {Data: []byte(src)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	if err := LintIDs(cases); err == nil || !strings.Contains(err.Error(), "has 2 id tags") {
		t.Errorf("LintIDs = %v; want an error about 2 id tags", err)
	}
}

// TestShippedScenariosHaveIDsAndRequirements verifies every scenario of
// the suite has a stable id and states the requirement it checks.
func TestShippedScenariosHaveIDsAndRequirements(t *testing.T) {
	t.Parallel()
	cases, err := Load(os.DirFS("../.."), "features")
	if err != nil {
		t.Fatal(err)
	}
	if err := LintIDs(cases); err != nil {
		t.Error(err)
	}
	for _, c := range cases {
		if c.Requirement == "" {
			t.Errorf("%s:%d: scenario %q states no requirement: give it a description whose first paragraph is the sentence of the source it checks", c.URI, c.ScenarioLine, c.Scenario)
		}
	}
}
