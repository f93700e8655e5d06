package interop

import (
	"errors"
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

// TestHydraRecipe verifies the recipe the document prints is the one the
// build runs.
func TestHydraRecipe(t *testing.T) {
	recipe := strings.Join(Hydra{}.About().Recipe, "\n")
	for _, want := range []string{strings.Join(dropReplace, " "), "-mod=mod", "sqlite,sqlite_omit_load_extension", "CGO_ENABLED=1", HydraModule + "@" + HydraVersion} {
		if !strings.Contains(recipe, want) {
			t.Errorf("recipe:\n%s\nwant %q in it", recipe, want)
		}
	}
}

// TestBuildOnce verifies a build lands whole or not at all: a failed or
// incomplete build leaves nothing where the next run looks, a complete
// one is not built again.
func TestBuildOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache", "server-v1-abc")
	complete := func(d string) bool { _, err := os.Stat(filepath.Join(d, "done")); return err == nil }
	tests := []struct {
		name      string
		build     func(string) error
		wantBuilt bool
		wantErr   string
	}{
		{"failed", func(string) error { return errors.New("npm ci: exit status 1") }, false, "npm ci"},
		{"incomplete", func(tmp string) error { return os.WriteFile(filepath.Join(tmp, "half"), nil, 0o644) }, false, "incomplete"},
		{"built", func(tmp string) error { return os.WriteFile(filepath.Join(tmp, "done"), nil, 0o644) }, true, ""},
		{"cached", func(string) error { return errors.New("built again") }, false, ""},
	}
	for _, tt := range tests {
		built, err := buildOnce(dir, complete, tt.build)
		if built != tt.wantBuilt || (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: buildOnce = %v, %v; want %v, an error containing %q", tt.name, built, err, tt.wantBuilt, tt.wantErr)
		}
		if tt.name != "built" && tt.name != "cached" && complete(dir) {
			t.Errorf("%s: a complete build is in place", tt.name)
		}
		left, _ := filepath.Glob(dir + ".part*")
		if len(left) > 0 {
			t.Errorf("%s: left %v behind", tt.name, left)
		}
	}
}

// TestWiringDigest verifies a changed wiring gets a new cache directory.
func TestWiringDigest(t *testing.T) {
	a := wiring{{"main.go", []byte("package main")}}
	b := wiring{{"main.go", []byte("package main\n")}}
	c := wiring{{"main.go", []byte("package main")}, {"go.mod", nil}}
	if a.digest() == b.digest() || a.digest() == c.digest() || a.digest() != (wiring{{"main.go", []byte("package main")}}).digest() {
		t.Errorf("digests %s %s %s: want each wiring its own, and the same wiring the same", a.digest(), b.digest(), c.digest())
	}
}
