package schema_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authconform/authconform/internal/schema"
)

const draft07Header = `"$schema": "http://json-schema.org/draft-07/schema#"`

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

// TestLoadBrokenSchema verifies that Load fails on a broken schema file
// with an error naming the file and the cause.
func TestLoadBrokenSchema(t *testing.T) {
	good := file(`{` + draft07Header + `, "type": "object"}`)
	for _, tc := range []struct {
		name string
		data string
		want []string
	}{
		{"not JSON", `{"type": "object",}`, []string{"schemas/broken.json", "not valid JSON", "invalid character '}'"}},
		{"trailing data", `{` + draft07Header + `} {}`, []string{"schemas/broken.json", "not valid JSON", "after top-level value"}},
		{"not an object", `[]`, []string{"schemas/broken.json", "not a JSON object"}},
		{"missing $schema", `{"type": "object"}`, []string{"schemas/broken.json", `missing "$schema"`}},
		{"draft-04 $schema", `{"$schema": "http://json-schema.org/draft-04/schema#", "type": "object"}`, []string{"schemas/broken.json", "only draft-07"}},
		{"misspelt type", `{` + draft07Header + `, "type": "strnig"}`, []string{"schemas/broken.json", "not a valid draft-07 schema", "type: type must be one of the following"}},
		{"bad pattern", `{` + draft07Header + `, "type": "string", "pattern": "^[a-"}`, []string{"schemas/broken.json", "not a valid draft-07 schema", "pattern: Does not match format 'regex'"}},
		{"minimum not a number", `{` + draft07Header + `, "minimum": "1"}`, []string{"schemas/broken.json", "not a valid draft-07 schema", "minimum: Invalid type. Expected: number, given: string"}},
		{"missing $ref target file", `{` + draft07Header + `, "$ref": "nope.json#/definitions/x"}`, []string{"schemas/broken.json", "compiling", "schemas/nope.json", "not exist"}},
		{"missing $ref target definition", `{` + draft07Header + `, "$ref": "#/definitions/nope"}`, []string{"schemas/broken.json", "compiling", "has no key 'definitions'"}},
		// Caught only by meta-validation, not by gojsonschema's compiler.
		{"title not a string", `{` + draft07Header + `, "title": 5}`, []string{"schemas/broken.json", "not a valid draft-07 schema", "title: Invalid type. Expected: string, given: integer"}},
		{"examples not an array", `{` + draft07Header + `, "examples": "x"}`, []string{"schemas/broken.json", "not a valid draft-07 schema", "examples: Invalid type"}},
		{"network $ref", `{` + draft07Header + `, "properties": {"a": {"$ref": "https://example.com/s.json"}}}`, []string{"schemas/broken.json", `reference "https://example.com/s.json" is not a file;`, "nothing is fetched over the network"}},
		{"network $id, relative $ref", `{` + draft07Header + `, "$id": "http://example.com/s.json", "$ref": "t.json"}`, []string{"schemas/broken.json", `reference "http://example.com/t.json" is not a file`}},
		{"schema file is a FIFO", "", []string{"schemas/broken.json is a named pipe (FIFO)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			broken := file(tc.data)
			if tc.data == "" {
				broken.Mode = fs.ModeNamedPipe
			}
			fsys := fstest.MapFS{
				"schemas/a_good.json": good,
				"schemas/broken.json": broken,
			}
			r, err := schema.Load(fsys, "schemas")
			require.Error(t, err)
			assert.Nil(t, r)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// TestLoadDirectory verifies Load's directory handling: missing or empty
// directories and unsafe names are errors; non-JSON files and
// subdirectories are ignored.
func TestLoadDirectory(t *testing.T) {
	good := file(`{` + draft07Header + `, "type": "object"}`)

	_, err := schema.Load(fstest.MapFS{}, "schemas")
	assert.ErrorContains(t, err, `reading directory "schemas"`)

	_, err = schema.Load(fstest.MapFS{"schemas/README.md": file("x")}, "schemas")
	assert.ErrorContains(t, err, `no *.json files in directory "schemas"`)

	_, err = schema.Load(fstest.MapFS{"../x.json": good}, "..")
	assert.ErrorContains(t, err, `invalid directory ".."`)

	_, err = schema.Load(fstest.MapFS{"my schemas/x.json": good}, "my schemas")
	assert.ErrorContains(t, err, `invalid directory "my schemas"`)

	_, err = schema.Load(fstest.MapFS{"schemas/a+b.json": good}, "schemas")
	assert.ErrorContains(t, err, "schemas/a+b.json: file name must match")

	// A file no schema references is never read: its references cannot
	// be followed, so they are not judged.
	_, err = schema.Load(fstest.MapFS{
		"schemas/x.json":        good,
		"schemas/sub/part.json": file(`{"$ref": "http://example.com/part.json"}`),
		"schemas/sub/notes.txt": file("x"),
	}, "schemas")
	assert.NoError(t, err)

	r, err := schema.Load(fstest.MapFS{
		"schemas/x.json":          good,
		"schemas/README.md":       file("not a schema"),
		"schemas/sub/y.json":      good,
		"schemas/nested.json/z":   file("x"),
		"other/ignored.json":      file("not even JSON"),
		"schemas/w.json.orig.txt": file("x"),
	}, "schemas")
	require.NoError(t, err)
	assert.Equal(t, []string{"x"}, r.Names())

	r, err = schema.Load(fstest.MapFS{"x.json": good}, ".")
	require.NoError(t, err)
	assert.Equal(t, []string{"x"}, r.Names())
}

// TestLoadRelativeRef verifies that a relative $ref to another file of the
// directory resolves inside the given fs.FS (style.md §2.3: this needs the
// file:/// reference loader; a bytes loader fails with "must be canonical").
func TestLoadRelativeRef(t *testing.T) {
	fsys := fstest.MapFS{
		"api/v1/schemas/definitions.json": file(`{` + draft07Header + `,
			"definitions": {"nonEmpty": {"type": "string", "minLength": 1}}}`),
		"api/v1/schemas/thing.json": file(`{` + draft07Header + `,
			"type": "object", "required": ["name"],
			"properties": {"name": {"$ref": "definitions.json#/definitions/nonEmpty"}}}`),
		"api/v1/schemas/sub/part.json": file(`{"type": "integer"}`),
		"api/v1/schemas/uses_sub.json": file(`{` + draft07Header + `, "$ref": "sub/part.json"}`),
	}
	r, err := schema.Load(fsys, "api/v1/schemas")
	require.NoError(t, err)
	assert.Equal(t, []string{"definitions", "thing", "uses_sub"}, r.Names())

	assert.NoError(t, r.Validate("thing", []byte(`{"name": "x"}`)))
	assert.EqualError(t, r.Validate("thing", []byte(`{"name": ""}`)),
		"body does not match schema \"thing\":\n  - name: String length must be greater than or equal to 1")
	assert.NoError(t, r.Validate("uses_sub", []byte(`7`)))
	assert.ErrorContains(t, r.Validate("uses_sub", []byte(`"7"`)), "Expected: integer, given: string")
}

// TestSchemaFiles verifies the house rules for the repository's schema
// files: draft-07 declared, a title and a description citing sources, and
// never "additionalProperties": false (RFC 6749 §5.1: clients MUST ignore
// unrecognized members).
func TestSchemaFiles(t *testing.T) {
	entries, err := os.ReadDir("../../schemas")
	require.NoError(t, err)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			raw, err := os.ReadFile(path.Join("../../schemas", e.Name()))
			require.NoError(t, err)
			var doc map[string]any
			require.NoError(t, json.Unmarshal(raw, &doc))
			assert.Equal(t, "http://json-schema.org/draft-07/schema#", doc["$schema"])
			assert.NotEmpty(t, doc["title"])
			desc, _ := doc["description"].(string)
			assert.Regexp(t, `RFC (6749|7519)`, desc, "description cites the RFC")
			assert.Contains(t, desc, "[CL-", "description cites Commerce Layer evidence")
			walk(doc, "#", func(ptr string, m map[string]any) {
				if v, ok := m["additionalProperties"]; ok && v == false {
					t.Errorf("%s: additionalProperties is false; unrecognized members must be allowed (RFC 6749 §5.1)", ptr)
				}
			})
		})
	}
}

// walk calls fn for every object in v, with its JSON pointer.
func walk(v any, ptr string, fn func(ptr string, m map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		fn(ptr, v)
		for k, c := range v {
			walk(c, ptr+"/"+k, fn)
		}
	case []any:
		for i, c := range v {
			walk(c, ptr+"/"+strconv.Itoa(i), fn)
		}
	}
}
