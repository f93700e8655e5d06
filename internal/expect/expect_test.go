package expect

import (
	"strings"
	"testing"
)

// TestParse verifies a file is read, and that malformed ones say why.
func TestParse(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
		want              int
	}{
		{"by id", `{"expected_failures":[{"id":"cl-f-s","reason":"ticket 1"},{"id":"cl-f-rows#2","reason":"ticket 2"}]}`, "", 2},
		{"by name, as before ids", `{"expected_failures":[{"feature":"f.feature","scenario":"S","reason":"ticket 1"}]}`, "", 1},
		{"by id and by name", `{"expected_failures":[{"id":"cl-f-s","reason":"r"},{"feature":"f.feature","scenario":"S","reason":"r"}]}`, "", 2},
		{"id and name", `{"expected_failures":[{"id":"cl-f-s","scenario":"S","reason":"r"}]}`, "give the id alone", 0},
		{"nothing named", `{"expected_failures":[{"reason":"r"}]}`, "no id", 0},
		{"id twice", `{"expected_failures":[{"id":"cl-f-s","reason":"r"},{"id":"cl-f-s","reason":"r"}]}`, `"cl-f-s" listed twice`, 0},
		{"id without reason", `{"expected_failures":[{"id":"cl-f-s"}]}`, `("cl-f-s"): no reason`, 0},
		{"empty list", `{"expected_failures":[]}`, "", 0},
		{"not json", `feature: x`, "want {", 0},
		{"unknown field", `{"expected_failures":[],"extra":1}`, "unknown field", 0},
		{"no reason", `{"expected_failures":[{"feature":"f","scenario":"S"}]}`, "no reason", 0},
		{"no scenario", `{"expected_failures":[{"feature":"f","reason":"r"}]}`, "no scenario", 0},
		{"no feature", `{"expected_failures":[{"scenario":"S","reason":"r"}]}`, "no feature", 0},
		{"twice", `{"expected_failures":[{"feature":"f","scenario":"S","reason":"r"},{"feature":"f","scenario":"S","reason":"r"}]}`, "twice", 0},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			got, err := Parse([]byte(tt.in), "x.json")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse error = %v; want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want {
				t.Errorf("got %d entries; want %d", len(got), tt.want)
			}
		})
	}
}
