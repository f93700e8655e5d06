package tagexpr

import "testing"

// TestMatch verifies godog's precedence: "," binds looser than "&&".
func TestMatch(t *testing.T) {
	tests := []struct {
		expr string
		tags []string
		want bool
	}{
		{"", []string{"@a"}, true},
		{"@a", []string{"@a"}, true},
		{"a", []string{"@a"}, true},
		{"@a", []string{"@b"}, false},
		{"~@a", []string{"@b"}, true},
		{"~@a", []string{"@a"}, false},
		{"@a && @b", []string{"@a"}, false},
		{"@a && @b", []string{"@a", "@b"}, true},
		{"@a,@b", []string{"@b"}, true},
		{"@a,@b && ~@c", []string{"@a", "@c"}, true},
		{"@a,@b && ~@c", []string{"@b", "@c"}, false},
	}
	for _, tt := range tests {
		e, err := Parse(tt.expr)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.expr, err)
		}
		if got := e.Match(tt.tags); got != tt.want {
			t.Errorf("Parse(%q).Match(%v) = %v; want %v", tt.expr, tt.tags, got, tt.want)
		}
	}
}

// TestWithout verifies that narrowing applies to every OR branch.
func TestWithout(t *testing.T) {
	tests := []struct {
		expr, want string
	}{
		{"", "~@x"},
		{"@a", "@a && ~@x"},
		{"@a,@b", "@a && ~@x,@b && ~@x"},
	}
	for _, tt := range tests {
		e, err := Parse(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Without("@x").String(); got != tt.want {
			t.Errorf("Parse(%q).Without(@x) = %q; want %q", tt.expr, got, tt.want)
		}
		if e.Without("@x").Match([]string{"@a", "@b", "@x"}) {
			t.Errorf("Parse(%q).Without(@x) matched a scenario tagged @x", tt.expr)
		}
	}
}

// TestParseRejects verifies that expressions godog would panic on are errors.
func TestParseRejects(t *testing.T) {
	for _, expr := range []string{"@a &&", ",@a", "@a && ~", "@a b"} {
		if _, err := Parse(expr); err == nil {
			t.Errorf("Parse(%q) = nil error; want an error", expr)
		}
	}
}
