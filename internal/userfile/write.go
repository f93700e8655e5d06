package userfile

import (
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CreateTemp creates a new file in dir for writing, named after pattern
// with its last "*" replaced by a random string (appended if there is
// none), as os.CreateTemp does: created exclusively, so that an existing
// file or a planted symbolic link of that name is never opened, under a
// name no one can guess.
//
// Unlike os.CreateTemp, whose files are 0600 whatever the umask, the file
// is created 0666 less the umask, as a shell's redirection would create
// the report: the only way to honour the umask after os.CreateTemp would
// be to read it, and a Go program can read it only by changing it, for
// every goroutine at once.
func CreateTemp(dir, pattern string) (*os.File, error) {
	prefix, suffix := pattern, ""
	if i := strings.LastIndex(pattern, "*"); i >= 0 {
		prefix, suffix = pattern[:i], pattern[i+1:]
	}
	if strings.ContainsRune(prefix+suffix, os.PathSeparator) {
		return nil, &fs.PathError{Op: "createtemp", Path: pattern, Err: errors.New("pattern contains a path separator")}
	}
	for range 100 {
		name := filepath.Join(dir, prefix+rand.Text()+suffix)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue // 130 random bits: only someone planting names hits this
		}
		return f, err
	}
	return nil, &fs.PathError{Op: "createtemp", Path: filepath.Join(dir, pattern), Err: fs.ErrExist}
}

// WriteFile replaces name with data in one step: a reader sees the old
// file or the new one, never half of it, and a symbolic link planted at a
// temporary name is never written through. name itself, if it is a
// symbolic link, is replaced, not followed.
func WriteFile(name string, data []byte) error {
	f, err := CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	return Commit(f, name)
}

// Commit closes f, a file from CreateTemp, and renames it over name; on
// failure it removes f.
func Commit(f *os.File, name string) error {
	err := f.Close()
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
