package userfile_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authconform/authconform/internal/userfile"
)

// TestCreateTempHonoursUmask verifies that a new file's mode is 0666 less
// the umask, as a shell creates a redirected report, not a fixed mode.
// It changes the process's umask, so it does not run in parallel.
func TestCreateTempHonoursUmask(t *testing.T) {
	for _, tc := range []struct {
		umask int
		want  fs.FileMode
	}{{0o022, 0o644}, {0o077, 0o600}, {0o002, 0o664}, {0o000, 0o666}} {
		old := syscall.Umask(tc.umask)
		dir := t.TempDir()
		f, err := userfile.CreateTemp(dir, ".r.xml.*.tmp")
		syscall.Umask(old)
		require.NoError(t, err)
		require.NoError(t, userfile.Commit(f, filepath.Join(dir, "r.xml")))
		st, err := os.Stat(filepath.Join(dir, "r.xml"))
		require.NoError(t, err)
		assert.Equal(t, tc.want, st.Mode().Perm(), "umask %03o", tc.umask)
	}
}

// TestCreateTempNames verifies the names: the pattern's "*" replaced by
// a random part, a new name each time, beside nothing else.
func TestCreateTempNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	seen := map[string]bool{}
	for range 20 {
		f, err := userfile.CreateTemp(dir, ".known.json.*.tmp")
		require.NoError(t, err)
		f.Close()
		base := filepath.Base(f.Name())
		assert.True(t, strings.HasPrefix(base, ".known.json.") && strings.HasSuffix(base, ".tmp"), base)
		assert.GreaterOrEqual(t, len(base), len(".known.json..tmp")+20, "random part of at least 20 characters: %s", base)
		assert.False(t, seen[base], "name repeated: %s", base)
		seen[base] = true
	}
	_, err := userfile.CreateTemp(dir, "a/*")
	assert.ErrorContains(t, err, "path separator")
}

// TestWriteFileNeverFollowsLinks verifies that a symbolic link planted at
// the destination, or at the name the old code used for its temporary
// file, is replaced or left alone, and its target never written.
func TestWriteFileNeverFollowsLinks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		planted string
		entries int // victim and known.json, and the planted link if it stays
	}{{"known.json", 2}, {"known.json.tmp", 3}} {
		planted := tc.planted
		t.Run(planted, func(t *testing.T) {
			dir := t.TempDir()
			victim := filepath.Join(dir, "victim")
			require.NoError(t, os.WriteFile(victim, []byte("untouched"), 0o644))
			require.NoError(t, os.Symlink(victim, filepath.Join(dir, planted)))
			require.NoError(t, userfile.WriteFile(filepath.Join(dir, "known.json"), []byte("new")))

			b, err := os.ReadFile(victim)
			require.NoError(t, err)
			assert.Equal(t, "untouched", string(b))
			st, err := os.Lstat(filepath.Join(dir, "known.json"))
			require.NoError(t, err)
			assert.True(t, st.Mode().IsRegular(), "known.json is a regular file now, not the link")
			b, err = os.ReadFile(filepath.Join(dir, "known.json"))
			require.NoError(t, err)
			assert.Equal(t, "new", string(b))
			entries, _ := os.ReadDir(dir)
			assert.Len(t, entries, tc.entries, "no temporary file left")
		})
	}
}

// TestWriteFileFailureLeavesNothing verifies that a write that cannot be
// renamed into place (the destination is a directory) leaves neither the
// destination changed nor a temporary file.
func TestWriteFileFailureLeavesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "known.json"), 0o755))
	assert.Error(t, userfile.WriteFile(filepath.Join(dir, "known.json"), []byte("x")))
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1)
}
