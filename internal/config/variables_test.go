package config

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestVariablesListsEveryVariable: every AUTHCONFORM_* constant of the
// package is in Variables, the list -h prints and settings files accept, so
// a variable added for a new grant or scope cannot be missing from either.
func TestVariablesListsEveryVariable(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, v := range vs.Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				value, _ := strconv.Unquote(lit.Value)
				if strings.HasPrefix(value, "AUTHCONFORM_") && strings.HasPrefix(vs.Names[i].Name, "Env") && !slices.Contains(Variables, value) {
					t.Errorf("%s: %s = %q is not in Variables", fset.Position(lit.Pos()), vs.Names[i].Name, value)
				}
			}
			return true
		})
	}
}
