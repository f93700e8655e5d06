package userfile

import (
	"fmt"
	"io/fs"
)

// What a file is, and whether it may be read: the one check every read of
// this package makes, of a file or of a file in a directory.

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
