package tagexpr

import (
	"strings"
	"testing"
)

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

// TestParseRejects verifies that expressions godog would panic on, or
// would read differently from how they look, are errors that say why.
func TestParseRejects(t *testing.T) {
	tests := []struct {
		expr    string
		wantErr string
	}{
		{"@a &&", "empty term"},
		{",@a", "empty term"},
		{",", "empty term"},
		{"@a,,@b", "empty term"},
		{"@a,", "empty term"},
		{"@a && && @b", "empty term"},
		{"@a &&&& @b", "empty term"},
		{"@a && ~", "names no tag"},
		{"~", "names no tag"},
		{"@", "names no tag"},
		{"~@", "names no tag"},
		{"@a b", "no spaces"},
		{"~ @a", "only in front"},
		{"@a\tb", "no spaces"},
		{"@a\u00a0b", "no spaces"},
		{"((", "parentheses"},
		{"(@a)", "parentheses"},
		{"@a && (@b,@c)", "parentheses"},
		{"!@a", "~ for NOT"},
		{"@a || @b", ", for OR"},
		{"@a|@b", ", for OR"},
		{"@a & @b", "&& for AND"},
		{"@a &&& @b", "&& for AND"},
		{"@a or @b", "godog writes && for AND, , for OR and ~ for NOT"},
		{"@a AND @b", "godog writes && for AND"},
		{"not @a", "~ for NOT"},
		{"@@a", "only in front"},
		{"@a@b", "only in front"},
		{"@~a", "only in front"},
		{"~~@a", "only in front"},
		{"@a\x00", "control or invisible"},
		{"@a\u200b", "control or invisible"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.expr)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Parse(%q) = %v; want an error containing %q", tt.expr, err, tt.wantErr)
			continue
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q): error %q is more than one line", tt.expr, err)
		}
	}
}

// TestParseAccepts verifies the spellings godog reads, in canonical form.
func TestParseAccepts(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"", ""},
		{"   ", ""},
		{"a", "@a"},
		{" @a ", "@a"},
		{"~a", "~@a"},
		{"~@a&&@b", "~@a && @b"},
		{"@a , @b&&~c", "@a,@b && ~@c"},
		{"@rfc6749-3.2.1", "@rfc6749-3.2.1"},
		{"@docs:should", "@docs:should"},
		{"@café", "@café"},
	}
	for _, tt := range tests {
		e, err := Parse(tt.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.expr, err)
			continue
		}
		if got := e.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q; want %q", tt.expr, got, tt.want)
		}
	}
}
