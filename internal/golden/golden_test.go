package golden

import (
	"slices"
	"strings"
	"testing"
)

// TestFormat verifies the golden file's text reads back as written,
// whatever order its findings come in, and that a line of another shape
// is refused, saying which.
func TestFormat(t *testing.T) {
	t.Parallel()
	g := File{
		Faults: map[string]Run{
			"b-fault": {Fail: []string{"features/b.feature: Two words", "features/a.feature: One: with a colon"}, Warn: []string{"features/c.feature: Should"}},
			"a-fault": {Warn: []string{"features/c.feature: Should"}},
		},
		Variants: map[string]Run{"strict-choice": {Warn: []string{"features/c.feature: Should"}}},
	}
	text := g.Format()
	back, err := Parse(text)
	if err != nil {
		t.Fatalf("Parse(g.Format()): %v\n%s", err, text)
	}
	if again := back.Format(); again != text {
		t.Errorf("written, read and written again differs:\n%s\nwant:\n%s", again, text)
	}
	want := slices.Sorted(slices.Values(g.Faults["b-fault"].Fail))
	if got := back.Faults["b-fault"].Fail; !slices.Equal(got, want) {
		t.Errorf("b-fault fails %q; want %q", got, want)
	}
	bad := []struct{ line, want string }{
		{"fault x fails features/a.feature", "want KIND NAME VERB FEATURE-PATH: SCENARIO"},
		{"variant x fails features/a.feature: S", `want "fault NAME fails|warns ..." or "variant NAME warns ..."`},
		{"fault x breaks features/a.feature: S", `want "fault NAME fails|warns ..."`},
		{"fault  fails features/a.feature: S", "want KIND NAME VERB"},
	}
	for _, b := range bad {
		if _, err := Parse(header + b.line + "\n"); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("Parse(%q) error = %v; want one saying %q", b.line, err, b.want)
		}
	}
}

// TestLoadFindsTheModulesFile verifies a test of any package reads the
// module's golden file: this package's directory is two below the root.
func TestLoadFindsTheModulesFile(t *testing.T) {
	t.Parallel()
	g, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(g.Faults) == 0 {
		t.Errorf("Load read no fault from %s; want the self-test's golden file", Path)
	}
}
