package expect

import (
	"path/filepath"
	"reflect"
	"testing"
)

// TestUpdate verifies a baseline update keeps the reasons of entries that
// still fail, drops those that pass, adds new failures with a recorded
// reason, and leaves entries of scenarios that did not run alone.
func TestUpdate(t *testing.T) {
	old := []Failure{
		{"f", "still fails", "AUTH-1"},
		{"f", "now passes", "AUTH-2"},
		{"f", "left out this time", "AUTH-3"},
	}
	outcomes := []Outcome{
		{"f", "still fails", true, "status = 400; want 200"},
		{"f", "now passes", false, ""},
		{"f", "newly failing", true, "token_type = \"mac\"; want \"bearer\""},
		{"f", "passing", false, ""},
	}
	got := Update(old, outcomes, "2026-12-02")
	want := []Failure{
		{"f", "still fails", "AUTH-1"},
		{"f", "left out this time", "AUTH-3"},
		{"f", "newly failing", `recorded by -update-expect-failures on 2026-12-02 from: token_type = "mac"; want "bearer"`},
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
