package interop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/expect"
)

// TestShippedDeviationsNameScenarios verifies every entry of the
// known-deviation files kept for the real servers names a scenario of the
// suite by its id, so renaming a scenario cannot break them.
func TestShippedDeviationsNameScenarios(t *testing.T) {
	t.Parallel()
	cases, err := catalog.Load(os.DirFS("../.."), "features")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range cases {
		ids[c.ID] = true
	}
	files, err := filepath.Glob("../../docs/interop/*-known-deviations.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no known-deviation files under docs/interop (%v)", err)
	}
	for _, f := range files {
		list, err := expect.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range list {
			if d.ID == "" || !ids[d.ID] {
				t.Errorf("%s: entry %q names no scenario by id; want the id of a scenario of the suite", f, d.Key())
			}
		}
	}
}

// TestRenderMatchesDeviationsByID verifies a deviation listed by id gets
// its reason whatever the scenario is called now, one listed by name (a
// file written before ids) still does, and an unlisted case is asked for
// an entry by id, or by name when it has none.
func TestRenderMatchesDeviationsByID(t *testing.T) {
	s := fixtureSummary()
	s.Cases[1].ID, s.Cases[1].Scenario = "rfc-f-basic", "A renamed Basic scenario"
	s.Cases[2].ID = "rfc-f-grant-type#2"
	s.Cases[4].ID = "rfc-f-now-passes"
	e := Evidence{
		About:   Hydra{}.About(),
		Summary: s,
		Deviations: []expect.Failure{
			{ID: "rfc-f-basic", Reason: "listed by id"},
			{Feature: "features/rfc6749/errors.feature", Scenario: "A listed scenario that now passes", Reason: "listed by name"},
		},
		DeviationsPath: "docs/interop/hydra-known-deviations.json", SummaryPath: "out/interop/hydra-summary.json",
	}
	doc := string(e.Render())
	for _, want := range []string{
		"### A renamed Basic scenario\n", "> listed by id",
		"drop its entry from `docs/interop/hydra-known-deviations.json` (it said: listed by name)",
		"`{\"id\": \"rfc-f-grant-type#2\", \"reason\": ",
		"`{\"feature\": \"features/rfc6749/errors.feature\", \"scenario\": \"Pragma | no-cache\", \"reason\": ",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document lacks %q; it is:\n%s", want, doc)
		}
	}
	if n := strings.Count(doc, "TO BE WRITTEN"); n != 2 {
		t.Errorf("%d reasons to be written; want 2 (the unlisted failure and warning):\n%s", n, doc)
	}
}
