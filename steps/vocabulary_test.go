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
}
