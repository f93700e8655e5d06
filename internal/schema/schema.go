// Package schema compiles the suite's JSON Schemas (draft-07, one file per
// response kind) once and validates response bodies against them.
//
// It wraps github.com/xeipuuv/gojsonschema v1.2.0 and guards against that
// library's traps (style.md §2): every root schema is loaded through a
// file:/// reference loader over the given fs.FS, so relative $refs such as
// "definitions.json#/definitions/x" have a canonical base and resolve inside
// that FS; $refs that would make gojsonschema call http.Get are refused at
// load time; compiling happens only in Load, because compiling is not
// thread-safe, while Validate on compiled schemas is.
package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/xeipuuv/gojsonschema"
)

// draft07 is the only "$schema" value accepted (with or without the empty
// fragment): without it gojsonschema silently uses a hybrid of all drafts.
const draft07 = "http://json-schema.org/draft-07/schema"

// safeName limits directory and file names to characters that survive
// gojsonschema's file:// URL round trip (it query-unescapes the path, so
// "%" and "+" would be mangled).
var safeName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// Registry holds every schema of a directory, each compiled once.
// It is read-only after Load, so Validate is safe for concurrent use.
type Registry struct {
	schemas map[string]*gojsonschema.Schema
	names   []string
}

// ValidationError is returned by Validate when a well-formed JSON body
// violates a schema. Its message has one line per violation.
type ValidationError struct {
	// Schema is the schema name, e.g. "token_response".
	Schema string
	// Violations holds gojsonschema's ResultError.String() values, sorted
	// and without duplicates, e.g.
	// "expires_in: Invalid type. Expected: integer, given: string".
	Violations []string
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "body does not match schema %q:", e.Schema)
	for _, v := range e.Violations {
		b.WriteString("\n  - ")
		b.WriteString(v)
	}
	return b.String()
}

// Load compiles every dir/*.json of fsys into a Registry, named after the
// file without ".json". Each file must be a JSON object declaring draft-07
// in "$schema"; it is meta-validated against draft-07 and compiled through
// gojsonschema.NewReferenceLoaderFileSystem("file:///<dir>/<name>.json",
// http.FS(fsys)), so relative $refs resolve inside fsys. A $ref or $id with
// a scheme other than file is refused, so nothing is fetched from the
// network. Errors name the offending file and the cause.
func Load(fsys fs.FS, dir string) (*Registry, error) {
	if !fs.ValidPath(dir) || !safePath(dir) {
		return nil, fmt.Errorf("schema: invalid directory %q: want a slash-separated path of [A-Za-z0-9_.-] elements", dir)
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("schema: reading directory %q: %w", dir, err)
	}
	if err := checkSubdirRefs(fsys, dir); err != nil {
		return nil, err
	}
	meta, err := draft07MetaSchema()
	if err != nil {
		return nil, fmt.Errorf("schema: compiling the draft-07 meta-schema: %w", err)
	}
	r := &Registry{schemas: make(map[string]*gojsonschema.Schema)}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		file := path.Join(dir, e.Name())
		name := strings.TrimSuffix(e.Name(), ".json")
		if name == "" || !safeName.MatchString(e.Name()) {
			return nil, fmt.Errorf("schema: %s: file name must match %s", file, safeName)
		}
		s, err := compile(fsys, file, meta)
		if err != nil {
			return nil, fmt.Errorf("schema: %s: %w", file, err)
		}
		r.schemas[name] = s
		r.names = append(r.names, name)
	}
	if len(r.names) == 0 {
		return nil, fmt.Errorf("schema: no *.json files in directory %q", dir)
	}
	sort.Strings(r.names)
	return r, nil
}

// compile checks one schema file's source, meta-validates it and compiles
// it.
//
// Meta-validation is done here with the separately compiled draft-07
// meta-schema instead of SchemaLoader.Validate = true, because in
// gojsonschema v1.2.0 that flag breaks relative $refs: Compile loads the
// root through our file system, then validateMetaschema compiles the
// meta-schema on the same schema pool, and Compile sets the pool's loader
// factory to the meta-schema loader's, which reads the OS file system; the
// root's $refs are resolved afterwards, so "definitions.json" would be
// opened as /<dir>/definitions.json on the real disk (TestLoadRelativeRef).
func compile(fsys fs.FS, file string, meta *gojsonschema.Schema) (*gojsonschema.Schema, error) {
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, err
	}
	if err := checkSource(src); err != nil {
		return nil, err
	}
	res, err := meta.Validate(gojsonschema.NewBytesLoader(src))
	if err != nil {
		return nil, fmt.Errorf("meta-validating: %w", err)
	}
	if !res.Valid() {
		lines := make([]string, 0, len(res.Errors()))
		for _, e := range res.Errors() {
			lines = append(lines, e.String())
		}
		sort.Strings(lines)
		return nil, fmt.Errorf("not a valid draft-07 schema:\n  - %s", strings.Join(slices.Compact(lines), "\n  - "))
	}
	sl := gojsonschema.NewSchemaLoader()
	sl.Draft = gojsonschema.Draft7
	sl.AutoDetect = false // "$schema" is checked to be draft-07 above
	sl.Validate = false   // done above; see the function comment
	s, err := sl.Compile(gojsonschema.NewReferenceLoaderFileSystem("file:///"+file, http.FS(fsys)))
	if err != nil {
		return nil, fmt.Errorf("compiling: %w", err)
	}
	return s, nil
}

// draft07MetaSchema compiles the draft-07 meta-schema, which gojsonschema
// serves from memory (no network).
func draft07MetaSchema() (*gojsonschema.Schema, error) {
	sl := gojsonschema.NewSchemaLoader()
	sl.Draft = gojsonschema.Draft7
	return sl.Compile(gojsonschema.NewReferenceLoader(draft07 + "#"))
}

// checkSource rejects what gojsonschema would accept silently or act on
// dangerously: trailing data after the JSON value (its decoder stops after
// the first value), a missing or non-draft-07 "$schema", and $ref/$id
// values with a non-file scheme (gojsonschema would http.Get them).
func checkSource(src []byte) error {
	var doc any
	if err := json.Unmarshal(src, &doc); err != nil {
		return fmt.Errorf("not valid JSON: %w", err)
	}
	obj, ok := doc.(map[string]any)
	if !ok {
		return fmt.Errorf("not a JSON object")
	}
	switch s := obj["$schema"]; s {
	case draft07, draft07 + "#":
	case nil:
		return fmt.Errorf(`missing "$schema": declare %q`, draft07+"#")
	default:
		return fmt.Errorf(`"$schema" is %v; want %q (only draft-07 is supported here)`, s, draft07+"#")
	}
	return checkRefs(doc, "")
}

// checkRefs walks a schema document and refuses $ref and $id values that
// would resolve outside the loader's file system. Keywords whose values are
// instance data, not subschemas, are skipped.
func checkRefs(v any, ptr string) error {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			at := ptr + "/" + k
			switch k {
			case "enum", "const", "default", "examples":
				continue
			case "$ref", "$id":
				s, ok := v[k].(string)
				if !ok {
					continue // not a keyword here, or meta-validation reports it
				}
				u, err := url.Parse(s)
				if err != nil {
					return fmt.Errorf("%s %q at %s: %w", k, s, ptr0(ptr), err)
				}
				if u.Scheme != "" && u.Scheme != "file" {
					return fmt.Errorf("%s %q at %s would be fetched over the network; use a relative reference to a file in the schema directory", k, s, ptr0(ptr))
				}
				continue
			}
			if err := checkRefs(v[k], at); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range v {
			if err := checkRefs(e, fmt.Sprintf("%s/%d", ptr, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkSubdirRefs runs checkRefs over the *.json files in dir's
// subdirectories, which a root schema may $ref but Load does not compile as
// roots itself. Files outside dir are not checked.
func checkSubdirRefs(fsys fs.FS, dir string) error {
	return fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("schema: %s: %w", p, err)
		}
		if d.IsDir() || path.Dir(p) == path.Clean(dir) || !strings.HasSuffix(p, ".json") {
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("schema: %s: %w", p, err)
		}
		var doc any
		if err := json.Unmarshal(src, &doc); err != nil {
			return fmt.Errorf("schema: %s: not valid JSON: %w", p, err)
		}
		if err := checkRefs(doc, ""); err != nil {
			return fmt.Errorf("schema: %s: %w", p, err)
		}
		return nil
	})
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ptr0 renders a JSON pointer, "#" for the root.
func ptr0(ptr string) string { return "#" + ptr }

func safePath(dir string) bool {
	if dir == "." {
		return true
	}
	for _, elem := range strings.Split(dir, "/") {
		if !safeName.MatchString(elem) {
			return false
		}
	}
	return true
}

// Names returns the schema names, sorted, without ".json",
// e.g. ["error_response", "token_response"].
func (r *Registry) Names() []string {
	return slices.Clone(r.names)
}

// Validate checks doc against the named schema. It returns nil if doc is
// valid; an error listing the known names if name is unknown; an error if
// doc is not a single well-formed UTF-8 JSON value; and a *ValidationError
// with one line per violation otherwise. It is safe for concurrent use.
func (r *Registry) Validate(name string, doc []byte) error {
	s, ok := r.schemas[name]
	if !ok {
		return fmt.Errorf("unknown schema %q; known schemas: %s", name, strings.Join(r.names, ", "))
	}
	// gojsonschema's own decoder ignores data after the first value and
	// does not check the encoding, so check both first (RFC 8259 §2, §8.1).
	if !utf8.Valid(doc) {
		return errors.New("body is not valid JSON: not UTF-8 (RFC 8259 section 8.1)")
	}
	if !json.Valid(doc) {
		// Valid is the cheap scan; Unmarshal is only for the reason why.
		err := json.Unmarshal(doc, new(json.RawMessage))
		return fmt.Errorf("body is not valid JSON: %w", err)
	}
	res, err := s.Validate(gojsonschema.NewBytesLoader(doc))
	if err != nil {
		return fmt.Errorf("validating against schema %q: %w", name, err)
	}
	if res.Valid() {
		return nil
	}
	violations := make([]string, 0, len(res.Errors()))
	for _, e := range res.Errors() {
		violations = append(violations, e.String())
	}
	sort.Strings(violations)
	return &ValidationError{Schema: name, Violations: slices.Compact(violations)}
}
