// Command image builds authconform's container image without a daemon
// (make image): an OCI image layout tarball of a static linux binary, or,
// with -check, reads one back, extracts the binary and runs it with
// -version.
package main

import (
	"bytes"
	"debug/buildinfo"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/authconform/authconform/internal/image"
	"github.com/authconform/authconform/internal/userfile"
)

// Bounds of what is read: a binary, a CA bundle, an image.
const (
	maxBinary = 256 << 20
	maxCA     = 4 << 20
	maxImage  = 512 << 20
)

func main() {
	binary := flag.String("binary", "", "the static authconform binary (GOOS=linux, CGO_ENABLED=0)")
	caFile := flag.String("ca-file", "/etc/ssl/certs/ca-certificates.crt", "PEM bundle of the CA certificates the image trusts")
	out := flag.String("o", "out/image.tar", "the image tarball to write")
	check := flag.String("check", "", "read this image tarball back and run its binary with -version, instead of building")
	flag.Parse()
	var err error
	if *check != "" {
		err = checkImage(*check)
	} else {
		err = build(*binary, *caFile, *out)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "image: %v\n", err)
		os.Exit(1)
	}
}

// build writes the image of binary, its version, platform and static
// linking read from the binary's own build information.
func build(binary, caFile, out string) error {
	if binary == "" {
		return errors.New("-binary is required")
	}
	info, err := buildinfo.ReadFile(binary)
	if err != nil {
		return fmt.Errorf("%s: %v", binary, err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if settings["GOOS"] != "linux" || settings["CGO_ENABLED"] != "0" {
		return fmt.Errorf("%s: GOOS=%s CGO_ENABLED=%s; want a static linux binary (GOOS=linux CGO_ENABLED=0)", binary, settings["GOOS"], settings["CGO_ENABLED"])
	}
	s := image.Spec{OS: "linux", Arch: settings["GOARCH"], Version: info.Main.Version, Created: created()}
	if s.Binary, err = userfile.Read(binary, maxBinary); err != nil {
		return err
	}
	if s.CACerts, err = userfile.Read(caFile, maxCA); err != nil {
		return fmt.Errorf("-ca-file: %v", err)
	}
	var b bytes.Buffer
	if err := image.Write(&b, s); err != nil {
		return err
	}
	if err := userfile.WriteFile(out, b.Bytes()); err != nil {
		return err
	}
	fmt.Printf("image: wrote %s (authconform %s, linux/%s, %s)\n", out, s.Version, s.Arch, userfile.Size(int64(b.Len())))
	return nil
}

// created is SOURCE_DATE_EPOCH when set, else the Unix epoch: the image
// is the same for the same binary, whenever it is built.
func created() time.Time {
	if sec, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		return time.Unix(sec, 0).UTC()
	}
	return time.Unix(0, 0).UTC()
}

// checkImage reads the tarball back, extracts the entrypoint's binary and
// runs it with -version.
func checkImage(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := image.Read(f, maxImage)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if len(img.Entrypoint) != 1 || img.User != image.User {
		return fmt.Errorf("%s: entrypoint %v, user %q; want one binary, run as %s", path, img.Entrypoint, img.User, image.User)
	}
	bin, ok := img.Files[img.Entrypoint[0]]
	if !ok || bin.Mode&0o111 == 0 {
		return fmt.Errorf("%s: no executable %s", path, img.Entrypoint[0])
	}
	dir, err := os.MkdirTemp("", "authconform-image-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	extracted := filepath.Join(dir, "authconform")
	if err := os.WriteFile(extracted, bin.Data, 0o755); err != nil {
		return err
	}
	version, err := exec.Command(extracted, "-version").Output()
	if err != nil {
		return fmt.Errorf("%s: its binary's -version: %v", path, err)
	}
	fmt.Printf("image: %s holds %s (%s, user %s); its -version: %s", path, img.Entrypoint[0], img.Ref, img.User, version)
	return nil
}
