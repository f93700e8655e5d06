package config

import (
	"slices"
	"testing"
)

// TestVariablesAreRead verifies Variables lists exactly the variables
// FromEnv reads: a settings file may set each of them, and no other.
func TestVariablesAreRead(t *testing.T) {
	t.Parallel()
	var read []string
	_, _ = FromEnv(func(name string) string {
		if !slices.Contains(read, name) {
			read = append(read, name)
		}
		return ""
	})
	slices.Sort(read)
	listed := slices.Sorted(slices.Values(Variables))
	if !slices.Equal(read, listed) {
		t.Errorf("FromEnv reads %v;\nVariables lists %v", read, listed)
	}
	for _, p := range SecretVariables() {
		if !slices.Contains(Variables, p[0]) || !slices.Contains(Variables, p[1]) {
			t.Errorf("secret pair %v: not both in Variables", p)
		}
	}
}
