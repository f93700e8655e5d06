package expect

import (
	"path/filepath"
	"reflect"
	"testing"
)

// TestUpdate verifies a baseline update keeps the reasons of entries that
// still fail, drops those that pass, adds new failures with a recorded
// reason, leaves entries of scenarios that did not run alone, and writes
// by id every entry whose scenario has one, an entry read by name too.
func TestUpdate(t *testing.T) {
	old := []Failure{
		{ID: "cl-f-still-fails", Reason: "AUTH-1"},
		{ID: "cl-f-now-passes", Reason: "AUTH-2"},
		{ID: "cl-f-left-out", Reason: "AUTH-3"},
		{Feature: "f", Scenario: "named before ids", Reason: "AUTH-4"},
		{Feature: "f", Scenario: "named, now passes", Reason: "AUTH-5"},
		{Feature: "f", Scenario: "named, left out", Reason: "AUTH-6"},
		{Feature: "f", Scenario: "no id", Reason: "AUTH-7"},
	}
	outcomes := []Outcome{
		{"cl-f-still-fails", "f", "still fails, renamed", true, "status = 400; want 200"},
		{"cl-f-now-passes", "f", "now passes", false, ""},
		{"cl-f-newly-failing", "f", "newly failing", true, "token_type = \"mac\"; want \"bearer\""},
		{"cl-f-passing", "f", "passing", false, ""},
		{"cl-f-named", "f", "named before ids", true, "status = 500"},
		{"cl-f-named-passes", "f", "named, now passes", false, ""},
		{"", "f", "no id", true, "status = 500"},
		{"", "f", "no id, new", true, "status = 502"},
	}
	got := Update(old, outcomes, "2026-12-02")
	want := []Failure{
		{ID: "cl-f-still-fails", Reason: "AUTH-1"},
		{ID: "cl-f-left-out", Reason: "AUTH-3"},
		{ID: "cl-f-named", Reason: "AUTH-4"},
		{Feature: "f", Scenario: "named, left out", Reason: "AUTH-6"},
		{Feature: "f", Scenario: "no id", Reason: "AUTH-7"},
		{ID: "cl-f-newly-failing", Reason: `recorded by -update-expect-failures on 2026-12-02 from: token_type = "mac"; want "bearer"`},
		{Feature: "f", Scenario: "no id, new", Reason: "recorded by -update-expect-failures on 2026-12-02 from: status = 502"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Update =\n%+v\nwant\n%+v", got, want)
	}
	path := filepath.Join(t.TempDir(), "known.json")
	if err := Write(path, got); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil || !reflect.DeepEqual(back, got) {
		t.Errorf("Load(Write(x)) = %+v, %v; want x back", back, err)
	}
	if err := Write(path, nil); err != nil {
		t.Fatal(err)
	}
	if back, err := Load(path); err != nil || len(back) != 0 {
		t.Errorf("an empty list: %+v, %v", back, err)
	}
}
