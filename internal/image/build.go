// Package image builds authconform's container image without a daemon,
// and reads one back. The image is what the Dockerfile builds: the static
// binary on a base that holds only what it needs (CA certificates for
// https targets, a passwd entry for the non-root user, /tmp), run as
// that user. It is written as an OCI image layout in one tar file, which
// podman (oci-archive:), skopeo, crane and docker load read.
//
// go-containerregistry assembles the layer, the config, the manifest and
// the layout, with their digests and media types; Read checks a tarball
// with the standard library alone, so that the check does not share the
// builder's code.
package image

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Where things are in the image, and who runs it: distroless's nonroot
// user, so that the Dockerfile's image and this one run alike.
const (
	BinaryPath = "/usr/local/bin/authconform"
	CAPath     = "/etc/ssl/certs/ca-certificates.crt"
	User       = "65532:65532"
)

// Spec is what goes into the image.
type Spec struct {
	Binary  []byte // the static authconform binary
	CACerts []byte // a PEM bundle of CA certificates
	OS      string // "linux"
	Arch    string // e.g. "amd64"
	Version string // the binary's version, for the image's labels and name
	// Created is the image's creation time and every file's: the same
	// inputs give the same bytes.
	Created time.Time
}

// Write writes the image to w as an OCI image layout in one tar file.
func Write(w io.Writer, s Spec) error {
	img, err := s.image()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "authconform-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	ref := map[string]string{"org.opencontainers.image.ref.name": "authconform:" + tag(s.Version)}
	if err := p.AppendImage(img, layout.WithAnnotations(ref)); err != nil {
		return err
	}
	return tarDir(w, dir, s.Created)
}

// tag is version as an image tag (letters, digits, '_', '.', '-', at most
// 128): "(devel)" is "devel", "v1.2.3+dirty" is "v1.2.3-dirty".
func tag(version string) string {
	t := strings.Trim(strings.Map(func(r rune) rune {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '-') {
			return r
		}
		return '-'
	}, version), "-.")
	if t == "" {
		return "latest"
	}
	return t[:min(len(t), 128)]
}

// image is the one-layer image of s.
func (s Spec) image() (v1.Image, error) {
	files, err := s.layerTar()
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(files)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	if img, err = mutate.AppendLayers(img, layer); err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = s.OS, s.Arch
	cf.Created = v1.Time{Time: s.Created.UTC()}
	cf.Config.Entrypoint = []string{BinaryPath}
	cf.Config.User = User
	cf.Config.WorkingDir = "/tmp"
	cf.Config.Env = []string{"PATH=/usr/local/bin", "SSL_CERT_FILE=" + CAPath}
	cf.Config.Labels = map[string]string{
		"org.opencontainers.image.title":   "authconform",
		"org.opencontainers.image.version": s.Version,
		"org.opencontainers.image.source":  "https://github.com/authconform/authconform",
	}
	return mutate.ConfigFile(img, cf)
}

// entry is one file or directory of the layer.
type entry struct {
	name string
	mode int64
	data []byte // nil: a directory
}

// layerTar is the layer's files as a tar stream, directories first.
func (s Spec) layerTar() ([]byte, error) {
	entries := []entry{
		{"etc/", 0o755, nil},
		{"etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")},
		{"etc/group", 0o644, []byte("root:x:0:\nnonroot:x:65532:\n")},
		{"etc/ssl/", 0o755, nil},
		{"etc/ssl/certs/", 0o755, nil},
		{CAPath[1:], 0o644, s.CACerts},
		{"home/", 0o755, nil},
		{"home/nonroot/", 0o700, nil},
		{"tmp/", 0o1777, nil},
		{"usr/", 0o755, nil},
		{"usr/local/", 0o755, nil},
		{"usr/local/bin/", 0o755, nil},
		{BinaryPath[1:], 0o755, s.Binary},
	}
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, ModTime: s.Created, Typeflag: tar.TypeReg, Size: int64(len(e.data)), Format: tar.FormatPAX}
		if e.data == nil {
			h.Typeflag = tar.TypeDir
		}
		if e.name == "home/nonroot/" {
			h.Uid, h.Gid = 65532, 65532
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// tarDir writes the files under dir to w as a tar stream, in name order,
// with the given time on every entry.
func tarDir(w io.Writer, dir string, mtime time.Time) error {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if d.IsDir() {
			rel += "/"
		}
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		return err
	}
	slices.Sort(names)
	tw := tar.NewWriter(w)
	for _, name := range names {
		if err := addFile(tw, dir, name, mtime); err != nil {
			return err
		}
	}
	return tw.Close()
}

func addFile(tw *tar.Writer, dir, name string, mtime time.Time) error {
	h := &tar.Header{Name: name, Mode: 0o644, ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if name[len(name)-1] == '/' {
		h.Mode, h.Typeflag = 0o755, tar.TypeDir
		return tw.WriteHeader(h)
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	h.Size = int64(len(b))
	if err := tw.WriteHeader(h); err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	_, err = tw.Write(b)
	return err
}
