package race_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/golden"
)

// TestMakeRunsWhatRaceSkips verifies every test that skips itself under
// -race (it reads race.Enabled) is run by `make test`'s plain go test: the
// Makefile's PLAIN_TESTS names it, and that go test lists its package. A
// test skipped under -race and missing there would run nowhere.
func TestMakeRunsWhatRaceSkips(t *testing.T) {
	t.Parallel()
	root, err := golden.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^PLAIN_TESTS\s*:=\s*(\S+)$`).FindSubmatch(makefile)
	if m == nil {
		t.Fatal("the Makefile sets no PLAIN_TESTS")
	}
	plain := regexp.MustCompile(strings.ReplaceAll(string(m[1]), "$$", "$"))
	plainRun := regexp.MustCompile(`(?m)^\t\$\(GO\) test .*-run '\$\(PLAIN_TESTS\)'(.*)$`).FindSubmatch(makefile)
	if plainRun == nil {
		t.Fatal("the Makefile's test target has no plain go test of $(PLAIN_TESTS)")
	}
	found := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && strings.HasPrefix(d.Name(), "."):
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, "_test.go"):
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil || !bytes.Contains(src, []byte("race.Enabled")) {
			return err // parse only the files that read it: parsing every test file costs seconds under -race
		}
		for _, name := range skipsUnderRace(t, path, src) {
			found++
			pkg := "./" + filepath.ToSlash(must(filepath.Rel(root, filepath.Dir(path))))
			if !plain.MatchString(name) {
				t.Errorf("%s skips under -race, and the Makefile's PLAIN_TESTS (%s) does not name it: it runs nowhere", name, m[1])
			}
			if !strings.Contains(string(plainRun[1])+" ", " "+pkg+" ") {
				t.Errorf("%s (%s) skips under -race, and the Makefile's plain go test does not list %s", name, path, pkg)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found == 0 {
		t.Error("no test reads race.Enabled; want the batteries the Makefile runs without -race")
	}
}

// skipsUnderRace names the Test functions of a file that read
// race.Enabled.
func skipsUnderRace(t *testing.T, path string, src []byte) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil || !strings.HasPrefix(fn.Name.Name, "Test") {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "Enabled" {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "race" {
					names = append(names, fn.Name.Name)
					return false
				}
			}
			return true
		})
	}
	return names
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}
