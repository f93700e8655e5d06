package image

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// tinySpec is an image of a stand-in binary: a script that answers
// -version as authconform does, so the test needs no build.
func tinySpec() Spec {
	return Spec{
		Binary:  []byte("#!/bin/sh\necho \"authconform v9.8.7 (stand-in) $1\"\n"),
		CACerts: []byte("-----BEGIN CERTIFICATE-----\nstand-in\n-----END CERTIFICATE-----\n"),
		OS:      "linux", Arch: "amd64", Version: "v9.8.7",
		Created: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
	}
}

// TestWriteReadBack verifies the tarball read back, by a reader that
// checks every digest without the builder's library: the binary where the
// entrypoint says, as given and executable, the CA bundle, the non-root
// user in the config and in /etc/passwd, a sticky /tmp; and that the
// binary extracted from it runs -version.
func TestWriteReadBack(t *testing.T) {
	t.Parallel()
	s := tinySpec()
	var tarball bytes.Buffer
	if err := Write(&tarball, s); err != nil {
		t.Fatal(err)
	}
	img, err := Read(bytes.NewReader(tarball.Bytes()), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	if img.Ref != "authconform:v9.8.7" || img.OS != "linux" || img.Arch != "amd64" || img.Labels["org.opencontainers.image.version"] != "v9.8.7" {
		t.Errorf("ref %q, platform %s/%s, labels %v; want authconform:v9.8.7, linux/amd64, version v9.8.7", img.Ref, img.OS, img.Arch, img.Labels)
	}
	if !slices.Equal(img.Entrypoint, []string{BinaryPath}) || img.User != User {
		t.Errorf("entrypoint %v, user %q; want [%s], %s", img.Entrypoint, img.User, BinaryPath, User)
	}
	bin := img.Files[BinaryPath]
	if !bytes.Equal(bin.Data, s.Binary) || bin.Mode != 0o755 || bin.Uid != 0 {
		t.Errorf("%s: mode %v, uid %d, %d bytes; want the binary, 0755, owned by root", BinaryPath, bin.Mode, bin.Uid, len(bin.Data))
	}
	if ca := img.Files[CAPath]; !bytes.Equal(ca.Data, s.CACerts) {
		t.Errorf("%s does not hold the CA bundle", CAPath)
	}
	if !strings.Contains(string(img.Files["/etc/passwd"].Data), "nonroot:x:65532:65532:") {
		t.Errorf("/etc/passwd has no nonroot user 65532:\n%s", img.Files["/etc/passwd"].Data)
	}
	if tmp := img.Files["/tmp"]; !tmp.Dir || tmp.Mode != fs.ModeSticky|0o777 {
		t.Errorf("/tmp: dir %v, mode %v; want a directory, sticky 0777", tmp.Dir, tmp.Mode)
	}
	extracted := filepath.Join(t.TempDir(), "authconform")
	if err := os.WriteFile(extracted, bin.Data, bin.Mode.Perm()); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(extracted, "-version").Output()
	if err != nil || !strings.HasPrefix(string(out), "authconform v9.8.7") {
		t.Errorf("the extracted binary's -version: %q, %v", out, err)
	}
}

// TestWriteIsReproducible verifies the same inputs give the same bytes.
func TestWriteIsReproducible(t *testing.T) {
	t.Parallel()
	var a, b bytes.Buffer
	if err := Write(&a, tinySpec()); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, tinySpec()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two builds of one spec differ")
	}
}

// TestReadRefusesTampering verifies a changed blob, a layer out of its
// bound and a stream that is no layout are each an error.
func TestReadRefusesTampering(t *testing.T) {
	t.Parallel()
	var good bytes.Buffer
	if err := Write(&good, tinySpec()); err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Replace(good.Bytes(), []byte(`"Entrypoint"`), []byte(`"Entrypoinx"`), 1)
	tests := []struct {
		name string
		data []byte
		max  int64
		want string
	}{
		{"config changed", tampered, 64 << 20, "content has digest"},
		{"bound too small", good.Bytes(), 1 << 10, "larger than the bound"},
		{"not a tar", []byte("hello"), 64 << 20, "EOF"},
	}
	for _, tt := range tests {
		if _, err := Read(bytes.NewReader(tt.data), tt.max); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v; want one saying %q", tt.name, err, tt.want)
		}
	}
}

// TestTag verifies versions become valid tags.
func TestTag(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"v1.2.3": "v1.2.3", "(devel)": "devel", "v0.0.0-20261207130800-0123456789ab+dirty": "v0.0.0-20261207130800-0123456789ab-dirty", "": "latest"} {
		if got := tag(in); got != want {
			t.Errorf("tag(%q) = %q; want %q", in, got, want)
		}
	}
}
