package schema_test

import (
	"bufio"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xeipuuv/gojsonschema"

	"github.com/authconform/authconform/internal/schema"
	"github.com/authconform/authconform/internal/userfile"
)

// offLoopback counts the requests anything in this test binary tried to
// send beyond loopback (json-schema.org for the meta-schema, say): the
// default transport refuses them, and TestMain fails the run on any.
var offLoopback atomic.Int64

type loopbackOnly struct{ http.RoundTripper }

func (t loopbackOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if ip := net.ParseIP(r.URL.Hostname()); ip == nil || !ip.IsLoopback() {
		offLoopback.Add(1)
		return nil, fmt.Errorf("test: request to %s refused: tests talk to loopback only", r.URL.Host)
	}
	return t.RoundTripper.RoundTrip(r)
}

func TestMain(m *testing.M) {
	http.DefaultTransport = loopbackOnly{http.DefaultTransport}
	code := m.Run()
	if n := offLoopback.Load(); n > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d requests beyond loopback\n", n)
		code = 1
	}
	os.Exit(code)
}

// schemaHost is a loopback server that counts every connection made to
// it, HTTP or TLS, and answers any HTTP request with a valid schema, so
// that a loader which fetched from it would succeed.
type schemaHost struct {
	addr  string
	conns atomic.Int64
}

func newSchemaHost(t *testing.T) *schemaHost {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	h := &schemaHost{addr: l.Addr().String()}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			h.conns.Add(1)
			go func() {
				defer c.Close()
				if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
					const body = `{"type": "object"}`
					c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 18\r\nConnection: close\r\n\r\n" + body))
				}
			}()
		}
	}()
	return h
}

// TestSchemaHostCanTell proves the battery below able to fail: with
// gojsonschema's own loader, a schema naming the host makes a request.
func TestSchemaHostCanTell(t *testing.T) {
	h := newSchemaHost(t)
	sl := gojsonschema.NewSchemaLoader()
	_, err := sl.Compile(gojsonschema.NewStringLoader(`{"$ref": "http://` + h.addr + `/s.json"}`))
	require.NoError(t, err)
	assert.Equal(t, int64(1), h.conns.Load(), "gojsonschema's own loader fetched the reference")
}

// offlineCases are schema directories built to make a schema loader reach
// the network or read outside its directory: a reference under every key
// where gojsonschema resolves one, and where it does not (data), by every
// spelling. "@H" is the loopback host, "@S" the "$schema" member. A
// refused case names the reference in one line; an accepted one is
// data, which gojsonschema never resolves.
var offlineCases = []struct {
	name    string
	files   map[string]string // under the schema directory; "->target" makes a symbolic link
	wantErr string            // "" = loads
}{
	{"$ref http", map[string]string{"evil.json": `{@S, "$ref": "http://@H/a.json"}`}, `reference "http://@H/a.json" is not a file`},
	{"$ref https", map[string]string{"evil.json": `{@S, "$ref": "https://@H/a.json"}`}, `reference "https://@H/a.json" is not a file`},
	{"$ref HTTP upper case", map[string]string{"evil.json": `{@S, "$ref": "HTTP://@H/a.json"}`}, `is not a file`},
	{"$ref ftp", map[string]string{"evil.json": `{@S, "$ref": "ftp://@H/a.json"}`}, `is not a file`},
	{"$ref scheme-relative //host", map[string]string{"evil.json": `{@S, "$ref": "//@H/a.json"}`}, `"file://@H/a.json" names a host`},
	{"$ref file://host", map[string]string{"evil.json": `{@S, "$ref": "file://@H/a.json"}`}, `names a host`},
	{"$ref file:///etc/passwd", map[string]string{"evil.json": `{@S, "$ref": "file:///etc/passwd"}`}, `etc/passwd: no such file`},
	{"$ref absolute path", map[string]string{"evil.json": `{@S, "$ref": "/etc/passwd"}`}, `etc/passwd: no such file`},
	{"$ref ../ out of the directory", map[string]string{"evil.json": `{@S, "$ref": "../outside.json"}`}, `outside.json: no such file`},
	{"$ref %2e%2e out of the directory", map[string]string{"evil.json": `{@S, "$ref": "%2e%2e/outside.json"}`}, `outside.json`},
	{"$ref with a query", map[string]string{"evil.json": `{@S, "$ref": "evil.json?x=1"}`}, `has a query`},
	{"$ref under properties", map[string]string{"evil.json": `{@S, "properties": {"a": {"$ref": "http://@H/a.json"}}}`}, `is not a file`},
	{"property named enum", map[string]string{"evil.json": `{@S, "properties": {"enum": {"$ref": "http://@H/a.json"}}}`}, `is not a file`},
	{"property named const", map[string]string{"evil.json": `{@S, "properties": {"const": {"$ref": "http://@H/a.json"}}}`}, `is not a file`},
	{"property named default", map[string]string{"evil.json": `{@S, "properties": {"default": {"$ref": "http://@H/a.json"}}}`}, `is not a file`},
	{"property named examples", map[string]string{"evil.json": `{@S, "properties": {"examples": {"$ref": "http://@H/a.json"}}}`}, `is not a file`},
	{"property named $ref", map[string]string{"evil.json": `{@S, "properties": {"$ref": {"$ref": "http://@H/a.json"}}}`}, `is not a file`},
	{"property named $id", map[string]string{"evil.json": `{@S, "properties": {"$id": {"$ref": "http://@H/a.json"}}}`}, `is not a file`},
	{"patternProperties key enum", map[string]string{"evil.json": `{@S, "patternProperties": {"enum": {"$ref": "http://@H/a.json"}}}`}, `is not a file`},
	{"definitions named enum, used", map[string]string{"evil.json": `{@S, "definitions": {"enum": {"$ref": "http://@H/a.json"}}, "$ref": "#/definitions/enum"}`}, `is not a file`},
	{"definitions named default, unused", map[string]string{"evil.json": `{@S, "definitions": {"default": {"$ref": "http://@H/a.json"}}}`}, `is not a file`},
	{"dependencies", map[string]string{"evil.json": `{@S, "dependencies": {"a": {"$ref": "http://@H/a.json"}}}`}, `is not a file`},
	{"if", map[string]string{"evil.json": `{@S, "if": {"$ref": "http://@H/a.json"}}`}, `is not a file`},
	{"then/else", map[string]string{"evil.json": `{@S, "if": {}, "then": {}, "else": {"$ref": "http://@H/a.json"}}`}, `is not a file`},
	{"allOf/not/items", map[string]string{"evil.json": `{@S, "allOf": [{"not": {"items": {"$ref": "http://@H/a.json"}}}]}`}, `is not a file`},
	{"anyOf, oneOf", map[string]string{"evil.json": `{@S, "anyOf": [{}], "oneOf": [{"$ref": "http://@H/a.json"}]}`}, `is not a file`},
	{"items array, additionalItems", map[string]string{"evil.json": `{@S, "items": [{}], "additionalItems": {"$ref": "http://@H/a.json"}}`}, `is not a file`},
	{"contains", map[string]string{"evil.json": `{@S, "contains": {"$ref": "http://@H/a.json"}}`}, `is not a file`},
	{"propertyNames", map[string]string{"evil.json": `{@S, "propertyNames": {"$ref": "http://@H/a.json"}}`}, `is not a file`},
	{"additionalProperties", map[string]string{"evil.json": `{@S, "additionalProperties": {"$ref": "http://@H/a.json"}}`}, `is not a file`},
	{"$id http, relative $ref", map[string]string{"evil.json": `{@S, "$id": "http://@H/base/", "$ref": "a.json"}`}, `reference "http://@H/base/a.json" is not a file`},
	{"nested $id http, relative $ref", map[string]string{"evil.json": `{@S, "properties": {"a": {"$id": "http://@H/sub/", "properties": {"b": {"$ref": "a.json"}}}}}`}, `"http://@H/sub/a.json" is not a file`},
	{"$id file:///etc/, relative $ref", map[string]string{"evil.json": `{@S, "$id": "file:///etc/", "$ref": "passwd"}`}, `etc/passwd: no such file`},
	{"$ref to a non-.json file holding an http $ref", map[string]string{"evil.json": `{@S, "$ref": "part.txt"}`, "part.txt": `{"$ref": "http://@H/a.json"}`}, `is not a file`},
	{"$ref to a subdirectory's file holding an http $ref", map[string]string{"evil.json": `{@S, "$ref": "sub/x.json"}`, "sub/x.json": `{"$ref": "http://@H/a.json"}`}, `is not a file`},
	{"$ref chain of files ending in http", map[string]string{"evil.json": `{@S, "$ref": "b.txt"}`, "b.txt": `{"$ref": "c.txt#/definitions/x"}`, "c.txt": `{"definitions": {"x": {"$ref": "http://@H/a.json"}}}`}, `is not a file`},
	{"$ref to a symbolic link out of the directory", map[string]string{"evil.json": `{@S, "$ref": "out.txt"}`, "out.txt": "->../outside.json"}, `out.txt leads out of its directory`},
	{"root file a symbolic link out of the directory", map[string]string{"evil.json": "->../outside.json"}, `evil.json leads out of its directory`},
	{"root file a symbolic link to /dev/zero", map[string]string{"evil.json": "->/dev/zero"}, `evil.json leads out of its directory`},
	{"$ref to a FIFO", map[string]string{"evil.json": `{@S, "$ref": "pipe.part"}`, "pipe.part": "|fifo"}, `pipe.part is a named pipe (FIFO)`},
	{"$ref to a sparse file of 1 GiB", map[string]string{"evil.json": `{@S, "$ref": "big.part"}`, "big.part": "|sparse"}, `big.part is larger than 1 MiB`},

	// Data: gojsonschema never resolves these, so they load, and nothing
	// is fetched. A string under "enum" is a value to compare, not a ref.
	{"data: enum", map[string]string{"evil.json": `{@S, "enum": [{"$ref": "http://@H/a.json"}, "http://@H/b.json"]}`}, ""},
	{"data: const", map[string]string{"evil.json": `{@S, "const": {"$ref": "http://@H/a.json"}}`}, ""},
	{"data: default", map[string]string{"evil.json": `{@S, "default": {"$ref": "http://@H/a.json", "$id": "http://@H/"}}`}, ""},
	{"data: examples", map[string]string{"evil.json": `{@S, "examples": [{"$ref": "http://@H/a.json"}]}`}, ""},
	{"data: unknown keyword", map[string]string{"evil.json": `{@S, "x-extra": {"$ref": "http://@H/a.json"}}`}, ""},
	{"identifier: $id http without a relative $ref", map[string]string{"evil.json": `{@S, "$id": "http://@H/s.json", "definitions": {"a": {}}, "$ref": "#/definitions/a"}`}, ""},
	{"built in: the draft-07 meta-schema", map[string]string{"evil.json": `{@S, "$ref": "http://json-schema.org/draft-07/schema#"}`}, ""},
	{"inside: a relative $ref through a symbolic link inside", map[string]string{"evil.json": `{@S, "$ref": "in.part"}`, "in.part": "->sub/y.json", "sub/y.json": `{"type": "object"}`}, ""},
}

// TestLoadNeverReachesTheNetwork runs every case against a loopback host:
// no connection may arrive, and what is refused is refused in one line
// naming the file.
func TestLoadNeverReachesTheNetwork(t *testing.T) {
	h := newSchemaHost(t)
	for _, tc := range offlineCases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := offlineDir(t, h.addr, tc.files)
			before := h.conns.Load()
			r, err := schema.Load(fsys, ".")
			assert.Equal(t, before, h.conns.Load(), "connections to the host a schema named")
			if tc.wantErr == "" {
				require.NoError(t, err)
				assert.Contains(t, r.Names(), "evil")
				return
			}
			require.Error(t, err)
			t.Log(err)
			assert.Contains(t, err.Error(), "schema: evil.json: ")
			assert.Contains(t, err.Error(), strings.ReplaceAll(tc.wantErr, "@H", h.addr))
			assert.NotContains(t, err.Error(), "\n", "one line")
		})
	}
}

// offlineDir writes files into a new directory's "schemas" and returns it
// as the command reads -schemas: a userfile.Dir. Beside "schemas" lies
// outside.json, a valid schema naming the host.
func offlineDir(t *testing.T, host string, files map[string]string) fs.FS {
	t.Helper()
	top := t.TempDir()
	dir := filepath.Join(top, "schemas")
	expand := func(s string) string {
		s = strings.ReplaceAll(s, "@S", draft07Header)
		return strings.ReplaceAll(s, "@H", host)
	}
	require.NoError(t, os.WriteFile(filepath.Join(top, "outside.json"), []byte(expand(`{@S, "$ref": "http://@H/outside.json"}`)), 0o644))
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		switch {
		case strings.HasPrefix(content, "->"):
			require.NoError(t, os.Symlink(content[2:], p))
		case content == "|fifo":
			require.NoError(t, syscall.Mkfifo(p, 0o600))
		case content == "|sparse":
			require.NoError(t, os.WriteFile(p, nil, 0o644))
			require.NoError(t, os.Truncate(p, 1<<30))
		default:
			require.NoError(t, os.WriteFile(p, []byte(expand(content)), 0o644))
		}
	}
	fsys, err := userfile.Dir(dir, 1<<30, 1<<30)
	require.NoError(t, err)
	return fsys
}
