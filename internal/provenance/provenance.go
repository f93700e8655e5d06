// Package provenance says which tool and which suite produced a report:
// the module's version, the Go and godog versions it was built with, and
// a digest of the feature files and schemas it ran. A report that carries
// it can serve as release evidence, and two reports can be told apart.
package provenance

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

// Stamp identifies a run's tool and suite.
type Stamp struct {
	Version string `json:"version"`      // the authconform module's version (see version), "(devel)" when the build recorded none
	Go      string `json:"go"`           // the Go release it was built with
	Godog   string `json:"godog"`        // the godog module's version
	Suite   string `json:"suite_digest"` // sha256 of the feature files and schemas, "sha256:…"
}

// String is the one line -version prints and every report carries.
func (s Stamp) String() string {
	return fmt.Sprintf("authconform %s (%s, godog %s, suite %s)", s.Version, s.Go, s.Godog, s.Suite)
}

// Tool reads the build's own facts; Suite is left for Of.
func Tool() Stamp {
	s := Stamp{Version: "(unknown)", Go: runtime.Version(), Godog: "(unknown)"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return s
	}
	s.Version = version(info)
	for _, d := range info.Deps {
		if d.Path == "github.com/cucumber/godog" {
			s.Godog = d.Version
			if d.Replace != nil {
				s.Godog += " => " + d.Replace.Path + " " + d.Replace.Version
			}
		}
	}
	return s
}

// version is the module's version as the build recorded it. go install
// module@v1.2.3 records the tag; go build in a clone records the tag the
// commit carries or a pseudo-version of the commit, +dirty when the tree
// had changes (Go 1.24 and later). A build that recorded only the VCS
// stamp (vcs.revision, vcs.time, vcs.modified: an older Go, or a tool
// that sets -buildvcs but not the version) gets the same pseudo-version
// form from it, so one shape names a commit whichever way it was built.
func version(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	vcs := map[string]string{}
	for _, s := range info.Settings {
		vcs[s.Key] = s.Value
	}
	rev := vcs["vcs.revision"]
	if rev == "" {
		return "(devel)"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	stamp := "00010101000000"
	if t, err := time.Parse(time.RFC3339, vcs["vcs.time"]); err == nil {
		stamp = t.UTC().Format("20060102150405")
	}
	v := "v0.0.0-" + stamp + "-" + rev
	if vcs["vcs.modified"] == "true" {
		v += "+dirty"
	}
	return v
}

// Of is the stamp of a run over the files under the given roots of each
// file system: the tool's facts and the suite's digest.
func Of(roots ...Root) (Stamp, error) {
	s := Tool()
	d, err := Digest(roots...)
	s.Suite = d
	return s, err
}

// Root is a directory of a file system whose files make up the suite.
type Root struct {
	FS   fs.FS
	Path string
}

// Digest hashes every regular file under the roots, by path and content,
// in path order: the same files give the same digest on any machine.
func Digest(roots ...Root) (string, error) {
	h := sha256.New()
	for i, r := range roots {
		var paths []string
		err := fs.WalkDir(r.FS, r.Path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		slices.Sort(paths)
		for _, p := range paths {
			if err := hashFile(h, r.FS, i, p); err != nil {
				return "", err
			}
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// hashFile adds one file, framed so that no two different suites can
// write the same bytes into the hash.
func hashFile(h io.Writer, fsys fs.FS, root int, p string) error {
	f, err := fsys.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	fmt.Fprintf(h, "%d\x00%s\x00%d\x00", root, strings.ReplaceAll(p, "\x00", ""), st.Size())
	_, err = io.Copy(h, io.LimitReader(f, st.Size()))
	return err
}
