package userfile_test

import (
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authconform/authconform/internal/userfile"
)

// hostileDir lays out one of each kind of file a user could name by
// mistake or on purpose, in dir/in, with dir/outside.txt next to it.
func hostileDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	must := func(err error) {
		t.Helper()
		require.NoError(t, err)
	}
	must(os.MkdirAll(filepath.Join(in, "sub"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "outside.txt"), []byte("outside"), 0o644))
	must(os.WriteFile(filepath.Join(in, "small.txt"), []byte("hello"), 0o644))
	must(os.WriteFile(filepath.Join(in, "sub", "nested.txt"), []byte("nested"), 0o644))
	must(os.WriteFile(filepath.Join(in, "big.txt"), nil, 0o644))
	must(os.Truncate(filepath.Join(in, "big.txt"), 1<<30)) // sparse: costs no disk
	must(syscall.Mkfifo(filepath.Join(in, "fifo"), 0o600))
	must(os.Symlink("/dev/zero", filepath.Join(in, "zero-link")))
	must(os.Symlink("fifo", filepath.Join(in, "fifo-link")))
	must(os.Symlink("small.txt", filepath.Join(in, "small-link")))
	must(os.Symlink("../outside.txt", filepath.Join(in, "out-link")))
	must(os.Symlink(filepath.Join(dir, "outside.txt"), filepath.Join(in, "abs-link")))
	must(os.Symlink("nowhere", filepath.Join(in, "dangling")))
	l, err := net.Listen("unix", filepath.Join(in, "socket"))
	must(err)
	t.Cleanup(func() { l.Close() })
	return dir
}

// within fails the test if f takes longer than a few seconds: a read that
// blocks on a named pipe would otherwise hang the test binary.
func within[T any](t *testing.T, f func() (T, error)) (T, error) {
	t.Helper()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-time.After(5 * time.Second):
		t.Fatal("still reading after 5 s: it blocked")
		panic("unreachable")
	}
}

// TestRead verifies that Read returns regular files within their bound
// and refuses everything else, at once, in one line naming the file.
func TestRead(t *testing.T) {
	dir := hostileDir(t)
	in := filepath.Join(dir, "in")
	for _, tc := range []struct {
		name    string
		file    string
		max     int64
		want    string // the content, when it may be read
		wantErr string
	}{
		{name: "regular file", file: "small.txt", max: 5, want: "hello"},
		{name: "symbolic link to a regular file", file: "small-link", max: 64, want: "hello"},
		{name: "link out of the directory (Read allows it: the user named it)", file: "out-link", max: 64, want: "outside"},
		{name: "one byte over the bound", file: "small.txt", max: 4, wantErr: "small.txt is larger than 4 bytes"},
		{name: "sparse file of 1 GiB", file: "big.txt", max: 4 << 20, wantErr: "big.txt is larger than 4 MiB"},
		{name: "/dev/zero", file: "/dev/zero", max: 64, wantErr: "/dev/zero is a device; want a regular file"},
		{name: "symbolic link to /dev/zero", file: "zero-link", max: 64, wantErr: "zero-link is a device; want a regular file"},
		{name: "named pipe", file: "fifo", max: 64, wantErr: "fifo is a named pipe (FIFO); want a regular file"},
		{name: "symbolic link to a named pipe", file: "fifo-link", max: 64, wantErr: "fifo-link is a named pipe (FIFO)"},
		{name: "directory", file: "sub", max: 64, wantErr: "sub is a directory; want a regular file"},
		{name: "socket", file: "socket", max: 64, wantErr: "socket is a socket; want a regular file"},
		{name: "missing", file: "nope", max: 64, wantErr: "no such file or directory"},
		{name: "dangling link", file: "dangling", max: 64, wantErr: "no such file or directory"},
		{name: "a file of /proc whose size says 0", file: "/proc/self/status", max: 16, wantErr: "/proc/self/status is larger than 16 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.file
			if !filepath.IsAbs(name) {
				name = filepath.Join(in, name)
			}
			b, err := within(t, func() ([]byte, error) { return userfile.Read(name, tc.max) })
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				assert.NotContains(t, err.Error(), "\n", "one line")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(b))
		})
	}
}

// TestDir verifies that a Dir opens directories and bounded regular files
// inside it and refuses, without blocking, everything Read refuses and
// every way out of the directory.
func TestDir(t *testing.T) {
	dir := hostileDir(t)
	fsys, err := userfile.Dir(filepath.Join(dir, "in"), 1<<20, 1<<30)
	require.NoError(t, err)
	shown := filepath.Join(dir, "in")
	for _, tc := range []struct {
		name, file string
		want       string
		wantErr    string
	}{
		{name: "regular file", file: "small.txt", want: "hello"},
		{name: "nested file", file: "sub/nested.txt", want: "nested"},
		{name: "symbolic link inside", file: "small-link", want: "hello"},
		{name: "sparse file of 1 GiB", file: "big.txt", wantErr: shown + "/big.txt is larger than 1 MiB"},
		{name: "named pipe", file: "fifo", wantErr: shown + "/fifo is a named pipe (FIFO)"},
		{name: "link to a named pipe", file: "fifo-link", wantErr: shown + "/fifo-link is a named pipe (FIFO)"},
		{name: "socket", file: "socket", wantErr: "is a socket"},
		{name: "link to /dev/zero, out of the directory", file: "zero-link", wantErr: shown + "/zero-link leads out of its directory"},
		{name: "relative link out", file: "out-link", wantErr: "out-link leads out of its directory"},
		{name: "absolute link out", file: "abs-link", wantErr: "abs-link leads out of its directory"},
		{name: "dotdot", file: "../outside.txt", wantErr: "invalid argument"},
		{name: "absolute name", file: "/etc/passwd", wantErr: "invalid argument"},
		{name: "dangling link", file: "dangling", wantErr: "no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := within(t, func() ([]byte, error) { return fs.ReadFile(fsys, tc.file) })
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(b))
		})
	}

	// Walking lists the directory as it is; only opening refuses.
	var walked []string
	require.NoError(t, fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		walked = append(walked, p)
		return err
	}))
	assert.Contains(t, walked, "sub/nested.txt")
}

// TestDirNotADirectory verifies that Dir refuses a file, a device or a
// missing name.
func TestDirNotADirectory(t *testing.T) {
	dir := hostileDir(t)
	for name, want := range map[string]string{
		"/dev/zero":                           "/dev/zero is a device; want a directory",
		filepath.Join(dir, "outside.txt"):     "outside.txt is a regular file; want a directory",
		filepath.Join(dir, "in", "fifo"):      "fifo is a named pipe (FIFO); want a directory",
		filepath.Join(dir, "in", "nope"):      "no such file or directory",
		filepath.Join(dir, "in", "zero-link"): "zero-link is a device; want a directory",
	} {
		_, err := userfile.Dir(name, 1<<20, 1<<30)
		if assert.Error(t, err, name) {
			assert.Contains(t, err.Error(), want)
		}
	}
}

// TestDirFileGrows verifies that a file which grows past the bound after
// it was opened fails the read instead of being read whole, whichever way
// it is read.
func TestDirFileGrows(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "f")
	require.NoError(t, os.WriteFile(name, []byte("0123456789"), 0o644))
	fsys, err := userfile.Dir(dir, 10, 1<<30)
	require.NoError(t, err)
	for _, read := range []string{"ReadAll", "Copy"} {
		f, err := fsys.Open("f")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(name, []byte(strings.Repeat("x", 100)), 0o644))
		switch read {
		case "ReadAll":
			_, err = io.ReadAll(f)
		case "Copy":
			_, err = io.Copy(io.Discard, f)
		}
		assert.ErrorContains(t, err, "grew past 10 bytes", read)
		f.Close()
		require.NoError(t, os.WriteFile(name, []byte("0123456789"), 0o644))
	}
}

// TestSize verifies how bounds are shown.
func TestSize(t *testing.T) {
	for n, want := range map[int64]string{100: "100 bytes", 64 << 10: "64 KiB", 4 << 20: "4 MiB", 1<<20 + 1: "1048577 bytes"} {
		assert.Equal(t, want, userfile.Size(n))
	}
}
