package steps

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestVocabularyIsDocumented verifies every step has an example that it
// matches, that no other step matches, and that the README's table of
// steps shows it: the README is how a QA engineer learns the vocabulary.
func TestVocabularyIsDocumented(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	vocab := Vocabulary()
	keyword := regexp.MustCompile(`^(Given|When|Then|And|But) `)
	for _, st := range vocab {
		first, _, _ := strings.Cut(st.Example, "\n")
		text := keyword.ReplaceAllString(first, "")
		var matches []string
		for _, other := range vocab {
			if compiledPatterns[other.Pattern].MatchString(text) {
				matches = append(matches, other.Pattern)
			}
		}
		if len(matches) != 1 || matches[0] != st.Pattern {
			t.Errorf("example %q matches %q; want exactly its own pattern %q", text, matches, st.Pattern)
		}
		if !strings.Contains(string(readme), "`"+first+"`") {
			t.Errorf("README's table of steps does not show %q", first)
		}
	}
	// And the other way: a row for a step the vocabulary no longer has
	// would teach a sentence every run refuses.
	examples := map[string]bool{}
	for _, st := range vocab {
		first, _, _ := strings.Cut(st.Example, "\n")
		examples[first] = true
	}
	for _, m := range readmeStepRow.FindAllStringSubmatch(string(readme), -1) {
		if !examples[m[1]] {
			t.Errorf("README's table of steps shows %q, which is no step's example; remove the row, or correct it to the step's Example", m[1])
		}
	}
}

// readmeStepRow is a row of the README's tables of steps: its first cell
// a line as a feature writes it, keyword first.
var readmeStepRow = regexp.MustCompile("(?m)^\\| `((?:Given|When|Then|And|But) [^`]*)` \\|")
