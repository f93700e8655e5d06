package provenance

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestDigest verifies the digest changes with any file's name or content,
// and not with anything else.
func TestDigest(t *testing.T) {
	base := fstest.MapFS{"features/a.feature": {Data: []byte("Feature: a")}, "schemas/s.json": {Data: []byte("{}")}}
	digest := func(fsys fstest.MapFS) string {
		t.Helper()
		d, err := Digest(Root{fsys, "features"}, Root{fsys, "schemas"})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	want := digest(base)
	if !strings.HasPrefix(want, "sha256:") || len(want) != len("sha256:")+64 {
		t.Fatalf("digest = %q; want sha256: and 64 hex digits", want)
	}
	if again := digest(base); again != want {
		t.Errorf("digest changed between two reads: %s, %s", want, again)
	}
	variants := map[string]fstest.MapFS{
		"content":  {"features/a.feature": {Data: []byte("Feature: b")}, "schemas/s.json": {Data: []byte("{}")}},
		"name":     {"features/b.feature": {Data: []byte("Feature: a")}, "schemas/s.json": {Data: []byte("{}")}},
		"added":    {"features/a.feature": {Data: []byte("Feature: a")}, "features/c.feature": {}, "schemas/s.json": {Data: []byte("{}")}},
		"moved":    {"features/a.feature": {Data: []byte("Feature: a{}")}, "schemas/s.json": {Data: []byte("")}},
		"to other": {"schemas/a.feature": {Data: []byte("Feature: a")}, "features/s.json": {Data: []byte("{}")}},
	}
	for name, fsys := range variants {
		if got := digest(fsys); got == want {
			t.Errorf("change of %s: digest unchanged", name)
		}
	}
}

// TestStampLine verifies the one-line form names each part.
func TestStampLine(t *testing.T) {
	s := Stamp{Version: "v1.2.3", Go: "go1.26.8", Godog: "v0.16.0", Suite: "sha256:ab"}
	if got, want := s.String(), "authconform v1.2.3 (go1.26.8, godog v0.16.0, suite sha256:ab)"; got != want {
		t.Errorf("String() = %q; want %q", got, want)
	}
	if tool := Tool(); tool.Go == "" || tool.Version == "" {
		t.Errorf("Tool() = %+v; want the Go release and a version", tool)
	}
}
