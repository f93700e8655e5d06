package userfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sync/atomic"
	"syscall"
)

// maxEntries bounds the names a Dir lists, in all: a directory of a
// million files would otherwise cost its listing in memory.
const maxEntries = 100_000

// Dir is the directory dir as an fs.FS that holds to the same rules as
// Read: it opens nothing outside dir (not through "..", nor an absolute
// path, nor a symbolic link leading out: os.Root resolves every name);
// it opens only directories and regular files of at most maxFile bytes,
// without blocking; a file opened from it stops reading with an error
// after maxFile bytes. In all, reads from it stop with an error after
// maxTotal bytes (each open counts anew) and 100,000 names listed: the
// whole directory is read in bounded time and memory, however many
// files it holds.
func Dir(dir string, maxFile, maxTotal int64) (fs.FS, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is %s; want a directory", dir, kind(st.Mode()))
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	// The root stays open for the process's life, as os.DirFS's would:
	// a run reads its directories until its reports are written.
	d := &dirFS{root: root, dir: dir, max: maxFile, maxTotal: maxTotal}
	d.bytesLeft.Store(maxTotal)
	d.entriesLeft.Store(maxEntries)
	return d, nil
}

type dirFS struct {
	root     *os.Root
	dir      string // as the user gave it, for messages
	max      int64
	maxTotal int64
	// What may still be read, shared by every file opened.
	bytesLeft, entriesLeft atomic.Int64
}

// Open opens a directory, or a regular file of at most d.max bytes.
func (d *dirFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	before, err := d.Stat(name)
	if err != nil {
		return nil, err
	}
	if err := d.check(name, before); err != nil {
		return nil, err
	}
	f, err := d.root.OpenFile(name, openFlags, 0)
	if err != nil {
		return nil, d.pathError(name, err)
	}
	after, err := f.Stat()
	if err == nil {
		err = d.check(name, after)
	}
	if err == nil && !os.SameFile(before, after) {
		err = fmt.Errorf("%s was replaced while it was being opened; try again", d.show(name))
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	if after.IsDir() {
		return &boundedDir{f: f, d: d}, nil
	}
	return &boundedFile{f: f, d: d, name: d.show(name), left: d.max}, nil
}

// Stat follows symbolic links inside the directory, as Open does.
func (d *dirFS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	fi, err := d.root.Stat(name)
	if err != nil {
		return nil, d.pathError(name, err)
	}
	return fi, nil
}

func (d *dirFS) check(name string, fi fs.FileInfo) error {
	if fi.IsDir() {
		return nil
	}
	return check(d.show(name), fi, d.max)
}

// show is a name as the user would write it: inside the directory given.
func (d *dirFS) show(name string) string { return path.Join(d.dir, name) }

// pathError says in words what os.Root refuses: its "path escapes from
// parent" is the one error that is no system error.
func (d *dirFS) pathError(name string, err error) error {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return fmt.Errorf("%s leads out of its directory (through a symbolic link); want files inside it", d.show(name))
	}
	return &fs.PathError{Op: "open", Path: d.show(name), Err: errno}
}

func (d *dirFS) tooMuch() error {
	return fmt.Errorf("more than %s read from %s in all; want a directory holding the suite's files only", Size(d.maxTotal), d.dir)
}

// boundedFile is a regular file of a Dir that reads at most its bound:
// a file that grew past it after the check fails instead of filling the
// memory of whoever reads it whole. It has only fs.File's methods: an
// *os.File's WriteTo or ReadAt would read past the bound.
type boundedFile struct {
	f    *os.File
	d    *dirFS
	name string
	left int64 // bytes of this file that may still be read
}

func (b *boundedFile) Stat() (fs.FileInfo, error) { return b.f.Stat() }
func (b *boundedFile) Close() error               { return b.f.Close() }

func (b *boundedFile) Read(p []byte) (int, error) {
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1] // one byte more than allowed shows the file grew
	}
	n, err := b.f.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return 0, fmt.Errorf("%s grew past %s while it was read", b.name, Size(b.d.max))
	}
	if b.d.bytesLeft.Add(-int64(n)) < 0 {
		return 0, b.d.tooMuch()
	}
	return n, err
}

// boundedDir is a directory of a Dir whose listings count against its
// bound on names.
type boundedDir struct {
	f *os.File
	d *dirFS
}

func (b *boundedDir) Stat() (fs.FileInfo, error) { return b.f.Stat() }
func (b *boundedDir) Close() error               { return b.f.Close() }
func (b *boundedDir) Read(p []byte) (int, error) { return b.f.Read(p) }

// ReadDir lists as fs.ReadDirFile does; a listing of all (n <= 0) is
// read in steps, so that the bound stops it early.
func (b *boundedDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if n > 0 {
		list, err := b.f.ReadDir(n)
		if b.d.entriesLeft.Add(-int64(len(list))) < 0 {
			return nil, b.tooMany()
		}
		return list, err
	}
	var all []fs.DirEntry
	for {
		list, err := b.f.ReadDir(1024)
		all = append(all, list...)
		if b.d.entriesLeft.Add(-int64(len(list))) < 0 {
			return nil, b.tooMany()
		}
		if errors.Is(err, io.EOF) {
			return all, nil
		}
		if err != nil {
			return all, err
		}
	}
}

func (b *boundedDir) tooMany() error {
	return fmt.Errorf("more than %d names listed in %s in all; want a directory holding the suite's files only", maxEntries, b.d.dir)
}
