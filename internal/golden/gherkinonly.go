package golden

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/authconform/authconform"
)

// GherkinOnlyCase is, from the module's root, the proof that a case
// written in Gherkin alone needs its feature file and `make golden`, and
// no Go. Its features/ holds a negative error scenario made of existing
// steps, which the built-in features lack; its faults.golden holds the
// lines `make golden` adds for it, for the faults the proof runs.
const GherkinOnlyCase = "internal/selftest/testdata/gherkin-only-case"

// WithGherkinOnlyCase copies the built-in features into dir/features, lays
// the case's features over them, and returns the golden file `make
// golden` would write from the copy (for the faults the proof runs): the
// module's, plus the case's lines. The copy's scenarios are named as the
// built-in ones are, "features/...", when read from dir.
func WithGherkinOnlyCase(dir string) (File, error) {
	root, err := ModuleRoot()
	if err != nil {
		return File{}, err
	}
	builtIn, err := fs.Sub(authconform.Files, "features")
	if err != nil {
		return File{}, err
	}
	features := filepath.Join(dir, "features")
	if err := os.CopyFS(features, builtIn); err != nil {
		return File{}, err
	}
	// The case's files are new: CopyFS refuses to overwrite a file, so
	// the case can only add to the features, never change one.
	if err := os.CopyFS(features, os.DirFS(filepath.Join(root, GherkinOnlyCase, "features"))); err != nil {
		return File{}, fmt.Errorf("adding the case of %s to the built-in features: %v (the case must be a file they do not have)", GherkinOnlyCase, err)
	}
	g, err := Read(filepath.Join(root, Path))
	if err != nil {
		return File{}, err
	}
	added, err := Read(filepath.Join(root, GherkinOnlyCase, "faults.golden"))
	if err != nil {
		return File{}, err
	}
	return g.Plus(added), nil
}

// Plus is g with h's lines added.
func (g File) Plus(h File) File {
	out := Empty()
	for _, part := range []File{g, h} {
		for name, r := range part.Faults {
			out.Faults[name] = out.Faults[name].plus(r)
		}
		for name, r := range part.Variants {
			out.Variants[name] = out.Variants[name].plus(r)
		}
	}
	return out
}

func (r Run) plus(s Run) Run {
	return Run{Fail: append(append([]string(nil), r.Fail...), s.Fail...), Warn: append(append([]string(nil), r.Warn...), s.Warn...)}
}
