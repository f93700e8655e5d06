// Package userfile reads and writes the files a user names: the
// configuration the tool reads (CA bundles, known-deviation files, run
// summaries, secret files, feature and schema directories) and the
// reports it writes.
//
// A name on a command line may be anything: a device (/dev/zero never
// ends), a named pipe (opening one blocks until someone writes), a
// directory, a sparse file of a gibibyte, a symbolic link to any of them.
// Every read here therefore stats first and refuses what is not a regular
// file or is larger than the caller's bound, opens without blocking,
// checks again what it opened (the name may have been swapped in
// between), and reads through a limit (the file may have grown). Every
// write goes to a new file of an unpredictable name beside the target,
// created exclusively (a planted symbolic link is never followed), then
// renamed over it.
package userfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"syscall"
)

// openFlags open for reading without blocking on a named pipe (refused
// once open) and without making a terminal the controlling one.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY

// Read returns the content of name, a regular file of at most max bytes
// (a symbolic link is judged by what it points to). Errors name the file
// and say what is wrong in one line: "/dev/zero is a device; want a
// regular file".
func Read(name string, max int64) ([]byte, error) {
	before, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if err := check(name, before, max); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(name, openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	after, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := check(name, after, max); err != nil {
		return nil, err
	}
	if !os.SameFile(before, after) {
		return nil, fmt.Errorf("%s was replaced while it was being opened; try again", name)
	}
	return readAll(name, f, max)
}

// Check tells whether Read would accept name, without opening it: for a
// file that another library reads (crypto/x509 reads SSL_CERT_FILE whole,
// and would block on a named pipe).
func Check(name string, max int64) error {
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	return check(name, fi, max)
}

// ReadFS is Read for a file of fsys. Its Open may block on a named pipe
// that appeared after the check; Dir's does not.
func ReadFS(fsys fs.FS, name string, max int64) ([]byte, error) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if err := check(name, fi, max); err != nil {
		return nil, err
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := check(name, fi, max); err != nil {
		return nil, err
	}
	return readAll(name, f, max)
}

// readAll reads at most max bytes, and fails if there are more: the file
// grew since it was checked, or it is one whose size says nothing (a file
// of /proc).
func readAll(name string, r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, tooLarge(name, max)
	}
	return b, nil
}

// check refuses what is not a regular file of at most max bytes.
func check(name string, fi fs.FileInfo, max int64) error {
	if err := regular(name, fi); err != nil {
		return err
	}
	if fi.Size() > max {
		return tooLarge(name, max)
	}
	return nil
}

// regular refuses what is not a regular file, saying what it is.
func regular(name string, fi fs.FileInfo) error {
	if fi.Mode().IsRegular() {
		return nil
	}
	return fmt.Errorf("%s is %s; want a regular file", name, kind(fi.Mode()))
}

// kind names a file type for a person.
func kind(m fs.FileMode) string {
	switch t := m.Type(); {
	case m.IsRegular():
		return "a regular file"
	case t&fs.ModeDir != 0:
		return "a directory"
	case t&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case t&fs.ModeDevice != 0:
		return "a device"
	case t&fs.ModeSocket != 0:
		return "a socket"
	case t&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

func tooLarge(name string, max int64) error {
	return fmt.Errorf("%s is larger than %s; want a file of a reasonable size", name, Size(max))
}

// Size renders a bound for a person: "64 KiB", "4 MiB", "100 bytes".
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Dir is the directory dir as an fs.FS that holds to the same rules as
// Read: it opens nothing outside dir (not through "..", nor an absolute
// path, nor a symbolic link leading out: os.Root resolves every name);
// it opens only directories and regular files of at most maxFile bytes,
// without blocking; and a file opened from it stops reading with an
// error after maxFile bytes.
func Dir(dir string, maxFile int64) (fs.FS, error) {
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
	return &dirFS{root: root, dir: dir, max: maxFile}, nil
}

type dirFS struct {
	root *os.Root
	dir  string // as the user gave it, for messages
	max  int64
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
		return f, nil // *os.File reads directories (fs.ReadDirFile)
	}
	return &boundedFile{f: f, name: d.show(name), max: d.max, left: d.max}, nil
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

// boundedFile is a regular file of a Dir that reads at most its bound:
// a file that grew past it after the check fails instead of filling the
// memory of whoever reads it whole. It has only fs.File's methods: an
// *os.File's WriteTo or ReadAt would read past the bound.
type boundedFile struct {
	f    *os.File
	name string
	max  int64
	left int64 // bytes that may still be read before the bound is hit
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
		return 0, fmt.Errorf("%s grew past %s while it was read", b.name, Size(b.max))
	}
	return n, err
}
