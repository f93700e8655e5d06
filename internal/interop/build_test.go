package interop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCopyTree verifies the module cache's read-only copy becomes a
// writable one go mod edit can change.
func TestCopyTree(t *testing.T) {
	src := t.TempDir()
	if err := os.MkdirAll(filepath.Join(src, "cmd", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"go.mod", "cmd/x/main.go"} {
		if err := os.WriteFile(filepath.Join(src, f), []byte(f), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	dst := filepath.Join(t.TempDir(), "src")
	if err := copyTree(src, dst); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"go.mod", "cmd/x/main.go"} {
		b, err := os.ReadFile(filepath.Join(dst, f))
		if err != nil || string(b) != f {
			t.Errorf("%s = %q, %v; want %q", f, b, err, f)
		}
		if err := os.WriteFile(filepath.Join(dst, f), []byte("changed"), 0o644); err != nil {
			t.Errorf("copy of %s is not writable: %v", f, err)
		}
	}
}

// TestBuildRecipe verifies the recipe the report prints is the one the
// build runs.
func TestBuildRecipe(t *testing.T) {
	recipe := strings.Join(BuildRecipe(), "\n")
	for _, want := range []string{strings.Join(dropReplace, " "), "-mod=mod", "sqlite,sqlite_omit_load_extension", "CGO_ENABLED=1", HydraModule + "@" + HydraVersion} {
		if !strings.Contains(recipe, want) {
			t.Errorf("recipe:\n%s\nwant %q in it", recipe, want)
		}
	}
}
