// Package schema compiles the suite's JSON Schemas (draft-07, one file per
// response kind) once and validates response bodies against them.
//
// It wraps github.com/xeipuuv/gojsonschema v1.2.0 and holds it to what a
// tool run in CI must do (style.md §2): nothing a schema says reaches the
// network. gojsonschema resolves every reference ($ref, and $ref against
// an $id, wherever either sits) by asking the loader factory of the root
// schema it compiles for the document; its own loaders http.Get any
// reference that is not a file. Here every root is compiled through this
// package's loader (loader.go), whose factory reads only files of the
// schema directory, through a bounded read, and has no network path at
// all: a reference to anything else is refused at load time. Compiling
// happens only in Load, because compiling is not thread-safe, while
// Validate on compiled schemas is.
package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/xeipuuv/gojsonschema"

	"github.com/authconform/authconform/internal/userfile"
)

// draft07 is the only "$schema" value accepted (with or without the empty
// fragment): without it gojsonschema silently uses a hybrid of all drafts.
const draft07 = "http://json-schema.org/draft-07/schema"

// safeName limits directory and file names to characters that read the
// same in a file:// URL as in the file system ("%" or "+" would not).
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
// in "$schema"; it is meta-validated against draft-07 and compiled from
// the reference "file:///<dir>/<name>.json" through this package's loader,
// so relative references resolve to files of dir and to nothing else.
// Every file read is a regular file of at most 1 MiB, 16 MiB in all.
// Errors name the offending file and the cause, in one line.
func Load(fsys fs.FS, dir string) (*Registry, error) {
	if !fs.ValidPath(dir) || !safePath(dir) {
		return nil, fmt.Errorf("schema: invalid directory %q: want a slash-separated path of [A-Za-z0-9_.-] elements", dir)
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("schema: reading directory %q: %w", dir, err)
	}
	docs := newDocuments(fsys, dir)
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
		// The roots are read here, each once; a reference to one finds
		// it in docs.
		src, err := userfile.ReadFS(fsys, file, maxFile)
		if err != nil {
			return nil, fmt.Errorf("schema: %s: %w", file, err)
		}
		docs.files[file] = src
		s, err := compile(docs, file, src, meta)
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

// compile checks one schema file's source, src, meta-validates it and
// compiles it.
//
// Meta-validation is done here with the separately compiled draft-07
// meta-schema instead of SchemaLoader.Validate = true, because in
// gojsonschema v1.2.0 that flag compiles the meta-schema on the same
// schema pool with a loader of its own, and Compile then gives the pool
// that loader's factory, which reads the OS file system and the network:
// the root's references would be resolved through it.
func compile(docs *documents, file string, src []byte, meta *gojsonschema.Schema) (*gojsonschema.Schema, error) {
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
	s, err := sl.Compile(docs.New(fileURL(file)))
	if err != nil {
		return nil, fmt.Errorf("compiling: %w", err)
	}
	return s, nil
}

// draft07MetaSchema is the draft-07 meta-schema, compiled once, from
// memory, through the same loader (with no files to read). Validating
// with a compiled schema is safe for concurrent use.
var draft07MetaSchema = sync.OnceValues(func() (*gojsonschema.Schema, error) {
	sl := gojsonschema.NewSchemaLoader()
	sl.Draft = gojsonschema.Draft7
	sl.AutoDetect = false
	return sl.Compile(newDocuments(nil, "").New(draft07 + "#"))
})

// checkSource rejects what gojsonschema would accept silently: trailing
// data after the JSON value (its decoder stops after the first value),
// and a missing or non-draft-07 "$schema". References are the loader's
// to judge, where gojsonschema resolves them.
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
		return fmt.Errorf(`"$schema" is %q; want %q (only draft-07 is supported here)`, fmt.Sprint(s), draft07+"#")
	}
	return nil
}

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
