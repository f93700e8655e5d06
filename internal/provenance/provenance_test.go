package provenance

import (
	"runtime/debug"
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

// TestVersion verifies the version read from each kind of build: a
// module version wins, a VCS stamp alone gives a pseudo-version of its
// commit, and nothing gives (devel).
func TestVersion(t *testing.T) {
	t.Parallel()
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name     string
		main     string
		settings []debug.BuildSetting
		want     string
	}{
		{"go install @tag", "v1.2.3", nil, "v1.2.3"},
		{"go build in a clone (Go 1.24+)", "v1.2.4-0.20261207130800-0123456789ab+dirty", vcs("vcs.revision", rev), "v1.2.4-0.20261207130800-0123456789ab+dirty"},
		{"VCS stamp only", "(devel)", vcs("vcs", "git", "vcs.revision", rev, "vcs.time", "2026-12-07T13:08:00Z", "vcs.modified", "false"), "v0.0.0-20261207130800-0123456789ab"},
		{"VCS stamp, changed tree", "", vcs("vcs.revision", rev, "vcs.time", "2026-12-07T14:08:00+01:00", "vcs.modified", "true"), "v0.0.0-20261207130800-0123456789ab+dirty"},
		{"VCS stamp without time", "(devel)", vcs("vcs.revision", "abc123"), "v0.0.0-00010101000000-abc123"},
		{"no stamp (-buildvcs=false, a worktree)", "(devel)", nil, "(devel)"},
		{"nothing", "", nil, "(devel)"},
	}
	for _, tt := range tests {
		info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/authconform/authconform", Version: tt.main}, Settings: tt.settings}
		if got := version(info); got != tt.want {
			t.Errorf("%s: version = %q; want %q", tt.name, got, tt.want)
		}
	}
}
