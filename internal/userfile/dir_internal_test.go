package userfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDirBounds verifies that a Dir stops with an error once its bounds
// on bytes read and names listed, in all, are passed: reading every file
// of a directory takes bounded time and memory whatever it holds.
func TestDirBounds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for i := range 10 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d", i)), []byte("0123456789"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name            string
		maxTotal, names int64
		wantErr         string
	}{
		{"within both", 100, 11, ""},
		{"bytes, in all", 95, 100, "more than 95 bytes read from " + dir + " in all"},
		{"names, in all", 1000, 5, "names listed in " + dir + " in all"},
	} {
		fsys, err := Dir(dir, 10, tc.maxTotal)
		if err != nil {
			t.Fatal(err)
		}
		fsys.(*dirFS).entriesLeft.Store(tc.names)
		err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			_, err = fs.ReadFile(fsys, p)
			return err
		})
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v; want none", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: %v; want an error saying %q", tc.name, err, tc.wantErr)
		}
	}
}
