package refserver_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// module is this repository's module path: what the server must not import.
const module = "github.com/authconform/authconform"

// TestSharesNoCodeWithTheSuite verifies the server's own files import
// nothing of this module: not the steps, not their helpers (the OAuth
// error codes of internal/oautherr included), not the configuration. A
// rule both sides took from one shared line would be a mistake neither
// could catch in the other.
func TestSharesNoCodeWithTheSuite(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				t.Fatal(err)
			}
			if path == module || strings.HasPrefix(path, module+"/") {
				t.Errorf("%s imports %s; want the reference server to import nothing of this module, so it shares no code with the steps", fset.Position(imp.Pos()), path)
			}
		}
	}
}
