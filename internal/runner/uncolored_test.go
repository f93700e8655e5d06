package runner

import (
	"bytes"
	"testing"

	"github.com/cucumber/godog/colors"
)

// TestUncoloredAsGodog verifies the runner drops godog's colour sequences
// exactly as godog's own writer does (the oracle), whole and written a
// byte at a time.
func TestUncoloredAsGodog(t *testing.T) {
	t.Parallel()
	texts := []string{
		"plain text\n",
		"\x1b[31mfailed\x1b[0m step\n",
		"\x1b[1;32mok\x1b[0m ✔ é 日本\n",
		"a\x1b[38;5;208mcolour\x1b[m b",
		"an escape then no bracket: \x1bXrest",
		"an escape at the end\x1b",
		"a sequence cut short: \x1b[31",
		"@ ends one: \x1b[12@after",
		colors.Red("red") + colors.Bold(colors.Green)("bold green") + colors.Cyan("cyan"),
	}
	for _, text := range texts {
		var want bytes.Buffer
		if _, err := colors.Uncolored(&want).Write([]byte(text)); err != nil {
			t.Fatal(err)
		}
		if got := stripColors([]byte(text)); string(got) != want.String() {
			t.Errorf("stripColors(%q) = %q; godog's writer gives %q", text, got, want.String())
		}
		var got bytes.Buffer
		w := &uncolored{w: &got}
		for i := range len(text) {
			if n, err := w.Write([]byte{text[i]}); n != 1 || err != nil {
				t.Fatalf("Write = %d, %v; want 1, nil", n, err)
			}
		}
		if got.String() != want.String() {
			t.Errorf("uncolored, a byte a write, of %q = %q; godog's writer gives %q", text, got.String(), want.String())
		}
	}
}
