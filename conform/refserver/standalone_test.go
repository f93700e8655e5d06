package refserver_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/authconform/authconform/"

// standalone are the only packages of the module this one may reach: the
// types it shares with the suite (setup), and the server itself. The
// reference server shares no code with the suite, so a client developer
// who imports it gets no godog, gherkin or JSON Schema validator, and no
// suite package.
var standalone = []string{"conform/refserver", "setup", "internal/urlcheck", "internal/refserver"}

// TestImportsNothingOfTheSuite verifies every package this one reaches,
// directly or not, is in standalone or the standard library, reading the
// imports of the module's packages from their source (no go list needed).
func TestImportsNothingOfTheSuite(t *testing.T) {
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(here), "..", "..")
	seen := map[string]bool{}
	queue := []string{"conform/refserver"}
	for len(queue) > 0 {
		pkg := queue[0]
		queue = queue[1:]
		if seen[pkg] {
			continue
		}
		seen[pkg] = true
		if !slices.Contains(standalone, pkg) {
			t.Errorf("conform/refserver reaches %s, a package of the suite; want only %v and the standard library", pkg, standalone)
			continue
		}
		for _, imp := range imports(t, filepath.Join(root, pkg)) {
			switch {
			case strings.HasPrefix(imp, module):
				queue = append(queue, strings.TrimPrefix(imp, module))
			case strings.Contains(strings.Split(imp, "/")[0], "."):
				t.Errorf("%s imports %s; want conform/refserver to need nothing beyond the standard library", pkg, imp)
			}
		}
	}
}

// imports are the packages the non-test files in dir import.
func imports(t *testing.T, dir string) []string {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	var out []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			out = append(out, path)
		}
	}
	return out
}
