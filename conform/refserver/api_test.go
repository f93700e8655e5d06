package refserver_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestAPIExposesNoInternalType verifies what `go doc` shows of the package
// (its exported declarations, their signatures, exported fields and
// constant values) names no type or value of an internal package, which a
// caller outside this module could not use.
func TestAPIExposesNoInternalType(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		internal := internalImports(t, f)
		for _, n := range exportedParts(f) {
			ast.Inspect(n, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.StructType:
					for _, field := range x.Fields.List {
						if len(field.Names) == 0 || field.Names[0].IsExported() {
							ast.Inspect(field.Type, func(n ast.Node) bool { return noInternal(t, fset, internal, n) })
						}
					}
					return false
				}
				return noInternal(t, fset, internal, n)
			})
		}
	}
}

// internalImports are the names f gives the internal packages it imports.
func internalImports(t *testing.T, f *ast.File) map[string]bool {
	names := map[string]bool{}
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(path, "/internal/") {
			continue
		}
		name := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		names[name] = true
	}
	return names
}

// exportedParts are the parts of f's declarations that go doc shows: the
// signatures of exported functions and of exported types' methods, and
// exported types, constants and variables. Function bodies are left out.
func exportedParts(f *ast.File) []ast.Node {
	var parts []ast.Node
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.IsExported() && (d.Recv == nil || receiverExported(d.Recv)) {
				parts = append(parts, d.Type)
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if s.Name.IsExported() {
						parts = append(parts, s.Type)
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() {
							parts = append(parts, s)
							break
						}
					}
				}
			}
		}
	}
	return parts
}

func receiverExported(recv *ast.FieldList) bool {
	typ := recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}

func noInternal(t *testing.T, fset *token.FileSet, internal map[string]bool, n ast.Node) bool {
	if sel, ok := n.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); ok && internal[id.Name] {
			t.Errorf("%s: the public API names %s.%s, of an internal package", fset.Position(sel.Pos()), id.Name, sel.Sel.Name)
		}
	}
	return true
}
