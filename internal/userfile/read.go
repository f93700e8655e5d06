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
	"fmt"
	"io"
	"io/fs"
	"os"
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
