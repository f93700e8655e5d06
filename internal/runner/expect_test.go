package runner

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/setup"
)

// expectFeature is a feature whose scenario and outline can be renamed:
// known-deviation entries by id must follow them, entries by name not.
const expectFeature = `@commercelayer
Feature: F

  @must @rfc6749-5.2 @id:cl-f-one
  Scenario: %s
    Given x

  @must @rfc6749-5.2 @id:cl-f-rows
  Scenario Outline: %s <n>
    Given x <n>

    Examples:
      | n |
      | 1 |
      | 2 |
`

func expectCases(t *testing.T, one, rows string) []catalog.Case {
	t.Helper()
	src := strings.Replace(strings.Replace(expectFeature, "%s", one, 1), "%s", rows, 1)
	cases, err := catalog.Load(fstest.MapFS{"features/f.feature": {Data: []byte(src)}}, "features")
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestExpectationsSurviveARename verifies known-deviation entries match
// their scenarios by id, an outline's row by its number, whatever the
// scenarios are called; that entries by name (files written before ids)
// still match the names; and that an entry naming nothing, or a scenario
// listed twice, is refused.
func TestExpectationsSurviveARename(t *testing.T) {
	t.Parallel()
	byID := []setup.KnownDeviation{{ID: "cl-f-one", Reason: "AUTH-1"}, {ID: "cl-f-rows#2", Reason: "AUTH-2"}}
	byName := []setup.KnownDeviation{{Feature: "features/f.feature", Scenario: "one", Reason: "AUTH-1"}, {Feature: "features/f.feature", Scenario: "row 2", Reason: "AUTH-2"}}
	tests := []struct {
		name      string
		one, rows string // the scenarios' names
		list      []setup.KnownDeviation
		want      []string // the names matched, in the list's order
		wantErr   string
	}{
		{"by id", "one", "row", byID, []string{"one", "row 2"}, ""},
		{"by id, renamed", "the first", "line", byID, []string{"the first", "line 2"}, ""},
		{"by name, as before ids", "one", "row", byName, []string{"one", "row 2"}, ""},
		{"by name, renamed", "the first", "row", byName, nil, `lists features/f.feature: "one", which is not a scenario of the suite`},
		{"unknown id", "one", "row", []setup.KnownDeviation{{ID: "cl-f-rows#3", Reason: "r"}}, nil, "lists the id cl-f-rows#3, which is not a scenario of the suite"},
		{"an outline's id, not a row's", "one", "row", []setup.KnownDeviation{{ID: "cl-f-rows", Reason: "r"}}, nil, "lists the id cl-f-rows, which is not"},
		{"by id and by name", "one", "row", []setup.KnownDeviation{byID[0], byName[0]}, nil, `lists features/f.feature: "one" twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := matchExpectations(tt.list, expectCases(t, tt.one, tt.rows))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("matchExpectations error = %v; want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i, name := range tt.want {
				if r := got[catalog.Key("features/f.feature", name)]; r != tt.list[i].Reason {
					t.Errorf("scenario %q: reason %q; want %q", name, r, tt.list[i].Reason)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("%d scenarios matched; want %d", len(got), len(tt.want))
			}
		})
	}
}
