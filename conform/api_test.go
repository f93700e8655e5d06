package conform_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestPublicAPINamesNoInternalType verifies that what go doc shows of each
// public package of the module (every package outside internal/, cmd/ and
// examples/, found by walking the tree, so a new one is held to it too)
// names no type or value of an internal package: the signatures of
// exported functions and of exported types' methods, exported types
// (aliases, embedded fields and exported fields included), and exported
// constants and variables. A caller outside this module could not use
// such an API. A variable's type inferred from a call of a local function
// is not seen; every other way an internal type reaches the API is.
func TestPublicAPINamesNoInternalType(t *testing.T) {
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(here))
	pkgs := publicPackages(t, root)
	for _, want := range []string{".", "conform", "conform/conformtest", "conform/refserver", "setup", "steps"} {
		if !slices.Contains(pkgs, want) {
			t.Errorf("public packages found: %v; want %s among them", pkgs, want)
		}
	}
	fset := token.NewFileSet()
	for _, dir := range pkgs {
		files, err := filepath.Glob(filepath.Join(root, dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, leak := range internalNames(t, f) {
				t.Errorf("%s: the public API names %s, of an internal package", fset.Position(leak.Pos()), leak.X.(*ast.Ident).Name+"."+leak.Sel.Name)
			}
		}
	}
}

// publicPackages are the directories, relative to root, of the module's
// importable non-main packages outside internal/, cmd/, examples/ and
// testdata.
func publicPackages(t *testing.T, root string) []string {
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch d.Name() {
			case "internal", "cmd", "examples", "testdata", "node_modules", "out":
				return filepath.SkipDir
			}
			if strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly)
		if err != nil {
			return err
		}
		if dir := filepath.Dir(rel); f.Name.Name != "main" && !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

// internalImports are the names f gives the internal packages it imports.
func internalImports(t *testing.T, f *ast.File) map[string]bool {
	names := map[string]bool{}
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(path+"/", "/internal/") {
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
// signatures of exported functions and of exported types' methods,
// exported types (unexported fields left out), and exported constants and
// variables. Function bodies are left out.
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
						parts = append(parts, exportedType(s.Type)...)
					}
				case *ast.ValueSpec:
					if slices.ContainsFunc(s.Names, (*ast.Ident).IsExported) {
						parts = append(parts, s)
					}
				}
			}
		}
	}
	return parts
}

// exportedType is what go doc shows of a type: a struct's exported and
// embedded fields, or the whole of any other type.
func exportedType(typ ast.Expr) []ast.Node {
	st, ok := typ.(*ast.StructType)
	if !ok {
		return []ast.Node{typ}
	}
	var parts []ast.Node
	for _, field := range st.Fields.List {
		if len(field.Names) == 0 || slices.ContainsFunc(field.Names, (*ast.Ident).IsExported) {
			parts = append(parts, exportedType(field.Type)...)
		}
	}
	return parts
}

func receiverExported(recv *ast.FieldList) bool {
	typ := recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if idx, ok := typ.(*ast.IndexExpr); ok { // a generic type's method
		typ = idx.X
	}
	id, ok := typ.(*ast.Ident)
	return ok && id.IsExported()
}

// internalNames are the names of internal packages' identifiers in the
// parts of f that go doc shows.
func internalNames(t *testing.T, f *ast.File) []*ast.SelectorExpr {
	internal := internalImports(t, f)
	var found []*ast.SelectorExpr
	for _, part := range exportedParts(f) {
		ast.Inspect(part, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && internal[id.Name] {
					found = append(found, sel)
				}
			}
			return true
		})
	}
	return found
}

// TestPublicAPICheckCatchesALeak verifies the check above fails on each
// way an internal type can reach an API: a parameter, a result, an
// exported field, an embedded field, an alias, a variable and a method of
// an exported type; and passes what go doc does not show.
func TestPublicAPICheckCatchesALeak(t *testing.T) {
	const src = `package p

import (
	"example.com/m/internal/config"
	cfg "example.com/m/internal/config"
	"example.com/m/public"
)

func Param(config.Target)            {}
func Result() *cfg.Target            { return nil }
type Field struct{ T config.Target }
type Embedded struct{ config.Target }
type Alias = config.Target
var Var config.Target
type T struct{}
func (T) Method() config.Target      { return config.Target{} }

func unexported(config.Target)       {}
type hidden struct{ T config.Target }
type Fine struct{ t config.Target; P public.Thing }
func (T) body() { _ = config.Target{} }
func Body() { _ = config.Target{} }
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, leak := range internalNames(t, f) {
		lines = append(lines, fset.Position(leak.Pos()).Line)
	}
	if want := []int{9, 10, 11, 12, 13, 14, 16}; !slices.Equal(lines, want) {
		t.Errorf("internal names found on lines %v; want %v", lines, want)
	}
}
