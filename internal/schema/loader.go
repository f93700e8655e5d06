package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/xeipuuv/gojsonreference"
	"github.com/xeipuuv/gojsonschema"

	"github.com/authconform/authconform/internal/userfile"
)

// Bounds of one Load: a schema file of the suite is a few KiB. The total
// counts every document gojsonschema asks for, each time it asks (each
// root compiles on a pool of its own), so that a directory of files that
// all reference each other cannot cost more.
const (
	maxFile   = 1 << 20
	maxLoaded = 16 << 20
)

// documents reads the schema documents of one Load for gojsonschema. It
// is the gojsonschema.JSONLoaderFactory of every root Load compiles, and
// so the only way gojsonschema can get a document: it can read a file of
// the directory, and the draft-07 meta-schema from memory. It has no
// other source, and no network path.
type documents struct {
	fsys   fs.FS
	dir    string            // as given to Load: "." or "api/schemas"
	files  map[string][]byte // read once each, by path in fsys
	loaded int64             // bytes handed to gojsonschema so far
}

func newDocuments(fsys fs.FS, dir string) *documents {
	return &documents{fsys: fsys, dir: path.Clean(dir), files: map[string][]byte{}}
}

// New is the loader of one reference, as gojsonschema resolved it
// (absolute, against the root's file URL or an $id).
func (d *documents) New(source string) gojsonschema.JSONLoader {
	return &loader{docs: d, ref: source}
}

// read returns a file of fsys, bounded, read once.
func (d *documents) read(file string) ([]byte, error) {
	if b, ok := d.files[file]; ok {
		return b, nil
	}
	b, err := userfile.ReadFS(d.fsys, file, maxFile)
	if err != nil {
		return nil, err
	}
	d.files[file] = b
	return b, nil
}

// load returns the document a reference names, decoded as gojsonschema
// decodes it (numbers kept exact).
func (d *documents) load(ref string) (any, error) {
	var src []byte
	if base, _, _ := strings.Cut(ref, "#"); base == draft07 {
		meta, err := draft07Source()
		if err != nil {
			return nil, err
		}
		src = meta
	} else {
		file, err := d.file(ref)
		if err != nil {
			return nil, err
		}
		if src, err = d.read(file); err != nil {
			return nil, err
		}
	}
	if d.loaded += int64(len(src)); d.loaded > maxLoaded {
		return nil, fmt.Errorf("the schemas and the references between them add up to more than %s; want a smaller set", userfile.Size(maxLoaded))
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: not valid JSON: %w", ref, err)
	}
	return doc, nil
}

// file is the path in fsys of a reference to a file of the directory.
// Anything else is refused: another scheme (http, https, ...), a host, a
// query (two spellings of one file would load it twice), a path out of
// the directory. Only one spelling of each file is accepted, so that
// gojsonschema's pool, keyed by reference, loads each file once.
func (d *documents) file(ref string) (string, error) {
	refused := func(why string) error {
		return fmt.Errorf("reference %q %s; only files of the schema directory are read, nothing is fetched over the network", ref, why)
	}
	if d.fsys == nil {
		return "", refused("is not the draft-07 meta-schema")
	}
	u, err := url.Parse(ref)
	switch {
	case err != nil:
		return "", refused("is not a URI reference")
	case u.Scheme != "file":
		// Also a relative $ref under an $id of another scheme: it
		// resolves against that $id.
		return "", refused("is not a file")
	case u.Host != "" || u.User != nil || u.Opaque != "":
		return "", refused("names a host")
	case u.RawQuery != "" || u.ForceQuery:
		return "", refused("has a query")
	}
	p := strings.TrimPrefix(u.Path, "/")
	if !fs.ValidPath(p) || p == "." {
		return "", refused("is not a clean path")
	}
	if d.dir != "." && !strings.HasPrefix(p, d.dir+"/") {
		return "", refused("is outside the schema directory " + d.dir)
	}
	return p, nil
}

// fileURL is the reference of a file of the directory: gojsonschema needs
// an absolute ("canonical") one to resolve relative references against.
func fileURL(file string) string { return "file:///" + file }

// draft07Source is the draft-07 meta-schema, from gojsonschema's copy in
// memory: its loader answers this one address without a request (a test
// holds it to that). Only this constant address is ever given to
// gojsonschema's own loader.
var draft07Source = sync.OnceValues(func() ([]byte, error) {
	doc, err := gojsonschema.NewReferenceLoader(draft07).LoadJSON()
	if err != nil {
		return nil, fmt.Errorf("the draft-07 meta-schema: %w", err)
	}
	return json.Marshal(doc)
})

// loader is gojsonschema's view of one reference.
type loader struct {
	docs *documents
	ref  string
}

func (l *loader) JsonSource() any { return l.ref }

func (l *loader) JsonReference() (gojsonreference.JsonReference, error) {
	return gojsonreference.NewJsonReference(l.ref)
}

// LoaderFactory is how gojsonschema resolves every reference of the
// document: through the same documents, never its own loaders.
func (l *loader) LoaderFactory() gojsonschema.JSONLoaderFactory { return l.docs }

func (l *loader) LoadJSON() (any, error) { return l.docs.load(l.ref) }
