package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// The OCI image layout and image specification's names (image-spec
// v1.1: image-layout.md, manifest.md, config.md, layer.md).
const (
	mediaManifest = "application/vnd.oci.image.manifest.v1+json"
	mediaConfig   = "application/vnd.oci.image.config.v1+json"
	mediaLayerGz  = "application/vnd.oci.image.layer.v1.tar+gzip"
	refAnnotation = "org.opencontainers.image.ref.name"
)

// Image is an image read back from an OCI image layout tarball.
type Image struct {
	Ref        string // the index's ref.name annotation
	OS, Arch   string
	Entrypoint []string
	User       string
	Env        []string
	Labels     map[string]string
	Files      map[string]File // by absolute path: "/usr/local/bin/authconform"
}

// File is a file or directory of the image's layers.
type File struct {
	Mode     fs.FileMode
	Dir      bool
	Uid, Gid int
	Data     []byte
}

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations"`
}

// Read reads an OCI image layout tarball of one image, checking every
// blob against its digest and size and every layer against the config's
// diff_ids. max bounds what it holds in memory, the layers unpacked
// included.
func Read(r io.Reader, max int64) (*Image, error) {
	b := &budget{left: max}
	blobs, err := untar(r, b)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(string(blobs["oci-layout"].Data), `"imageLayoutVersion"`) {
		return nil, errors.New("no oci-layout file: not an OCI image layout")
	}
	var index struct {
		Manifests []descriptor `json:"manifests"`
	}
	if err := json.Unmarshal(blobs["index.json"].Data, &index); err != nil || len(index.Manifests) != 1 {
		return nil, fmt.Errorf("index.json: %v; want one manifest, got %d", err, len(index.Manifests))
	}
	var manifest struct {
		Config descriptor   `json:"config"`
		Layers []descriptor `json:"layers"`
	}
	if err := blobJSON(blobs, index.Manifests[0], mediaManifest, &manifest); err != nil {
		return nil, err
	}
	var config struct {
		OS     string `json:"os"`
		Arch   string `json:"architecture"`
		Config struct {
			Entrypoint []string          `json:"Entrypoint"`
			User       string            `json:"User"`
			Env        []string          `json:"Env"`
			Labels     map[string]string `json:"Labels"`
		} `json:"config"`
		RootFS struct {
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
	}
	if err := blobJSON(blobs, manifest.Config, mediaConfig, &config); err != nil {
		return nil, err
	}
	if len(config.RootFS.DiffIDs) != len(manifest.Layers) {
		return nil, fmt.Errorf("config lists %d diff_ids for %d layers", len(config.RootFS.DiffIDs), len(manifest.Layers))
	}
	img := &Image{
		Ref: index.Manifests[0].Annotations[refAnnotation], OS: config.OS, Arch: config.Arch,
		Entrypoint: config.Config.Entrypoint, User: config.Config.User, Env: config.Config.Env, Labels: config.Config.Labels,
		Files: map[string]File{},
	}
	for i, l := range manifest.Layers {
		if err := img.addLayer(blobs, l, config.RootFS.DiffIDs[i], b); err != nil {
			return nil, fmt.Errorf("layer %d: %v", i+1, err)
		}
	}
	return img, nil
}

// budget is what is left of Read's memory bound.
type budget struct{ left int64 }

func (b *budget) take(n int64) error {
	if b.left -= n; b.left < 0 {
		return errors.New("the image is larger than the bound it is read within")
	}
	return nil
}

// untar reads a tar stream's files and directories by their clean path.
func untar(r io.Reader, b *budget) (map[string]File, error) {
	files := map[string]File{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		f := File{Mode: h.FileInfo().Mode() &^ fs.ModeDir, Uid: h.Uid, Gid: h.Gid}
		switch h.Typeflag {
		case tar.TypeDir:
			f.Dir = true
		case tar.TypeReg:
			if err := b.take(h.Size); err != nil {
				return nil, err
			}
			if f.Data, err = io.ReadAll(io.LimitReader(tr, h.Size)); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%s: entry of type %q; want files and directories", h.Name, h.Typeflag)
		}
		files[path.Clean("/" + h.Name)[1:]] = f
	}
}

// blob is the content a descriptor names, checked against its digest
// and size.
func blob(blobs map[string]File, d descriptor) ([]byte, error) {
	hexDigest, ok := strings.CutPrefix(d.Digest, "sha256:")
	if !ok {
		return nil, fmt.Errorf("digest %q: want a sha256 digest", d.Digest)
	}
	f, ok := blobs["blobs/sha256/"+hexDigest]
	if !ok {
		return nil, fmt.Errorf("blob %s is missing", d.Digest)
	}
	if got := sha256.Sum256(f.Data); hex.EncodeToString(got[:]) != hexDigest || int64(len(f.Data)) != d.Size {
		return nil, fmt.Errorf("blob %s: content has digest sha256:%x and size %d; want size %d", d.Digest, got, len(f.Data), d.Size)
	}
	return f.Data, nil
}

func blobJSON(blobs map[string]File, d descriptor, mediaType string, v any) error {
	if d.MediaType != mediaType {
		return fmt.Errorf("%s: media type %q; want %q", d.Digest, d.MediaType, mediaType)
	}
	b, err := blob(blobs, d)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// addLayer unpacks a gzip layer over the image's files, checking the
// unpacked tar against its diff_id.
func (img *Image) addLayer(blobs map[string]File, d descriptor, diffID string, b *budget) error {
	if d.MediaType != mediaLayerGz {
		return fmt.Errorf("media type %q; want %q", d.MediaType, mediaLayerGz)
	}
	gz, err := blob(blobs, d)
	if err != nil {
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return err
	}
	h := sha256.New()
	files, err := untar(io.TeeReader(zr, h), b)
	if err != nil {
		return err
	}
	if _, err := io.Copy(h, zr); err != nil { // the tar's end blocks
		return err
	}
	if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != diffID {
		return fmt.Errorf("unpacked digest %s; the config's diff_id is %s", got, diffID)
	}
	for name, f := range files {
		img.Files["/"+name] = f
	}
	return nil
}
