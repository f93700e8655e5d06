package distcheck

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// standInCurl serves "$url/NAME" from $RELEASE_DIR/NAME: curl -fsSL
// --retry 3 -o FILE URL, as the install step calls it.
const standInCurl = `#!/bin/sh
while [ $# -gt 2 ]; do
  case "$1" in -o) out="$2"; shift 2 ;; *) shift ;; esac
done
url="$1"
cp "$RELEASE_DIR/${url##*/}" "$out"
`

// releaseArchive is a tar.gz holding a stand-in authconform, as
// goreleaser archives the binary, and its checksums.txt line.
func releaseArchive(t *testing.T, name string) (archive []byte, sumLine string) {
	t.Helper()
	bin := []byte("#!/bin/sh\necho 'authconform v1.2.3 (stand-in)'\n")
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for _, f := range []struct {
		name string
		mode int64
		data []byte
	}{{"README.md", 0o644, []byte("# authconform\n")}, {"authconform", 0o755, bin}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), fmt.Sprintf("%x  %s\n", sha256.Sum256(b.Bytes()), name)
}

// TestActionInstallRelease runs the install step's release branch with a
// stand-in curl serving a release like goreleaser's, as data: the runner,
// the version, whether the archive was tampered with, and what must
// come of it.
func TestActionInstallRelease(t *testing.T) {
	t.Parallel()
	a, steps := loadAction(t)
	i := slices.IndexFunc(steps, func(s step) bool { return s.ID == "install" })
	if i < 0 {
		t.Fatal("action.yml has no step with id install")
	}
	tests := []struct {
		name, os, arch, version string
		tamper                  bool
		wantErr                 string // "" : installed, and -version ran
	}{
		{name: "linux amd64", os: "Linux", arch: "X64", version: "v1.2.3"},
		{name: "tampered archive", os: "Linux", arch: "X64", version: "v1.2.3", tamper: true, wantErr: "FAILED"},
		{name: "no version", os: "Linux", arch: "X64", wantErr: "::error::install: release needs a version"},
		{name: "unknown runner", os: "Plan9", arch: "X64", version: "v1.2.3", wantErr: "::error::no authconform release for runner OS Plan9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			release, bin, tmp := filepath.Join(dir, "release"), filepath.Join(dir, "bin"), filepath.Join(dir, "runner-temp")
			for _, d := range []string{release, bin, tmp} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			name := "authconform_1.2.3_linux_amd64.tar.gz"
			archive, sum := releaseArchive(t, name)
			if tt.tamper {
				archive = append(archive, 0)
			}
			writeFile(t, filepath.Join(release, name), archive, 0o644)
			writeFile(t, filepath.Join(release, "checksums.txt"), []byte(sum), 0o644)
			writeFile(t, filepath.Join(bin, "curl"), []byte(standInCurl), 0o755)
			env := map[string]string{}
			for k, v := range steps[i].Env {
				env[k] = ""
				if m := inputRef.FindStringSubmatch(v); m != nil {
					env[k] = *a.Inputs[m[1]].Default
				}
			}
			maps.Copy(env, map[string]string{
				"INSTALL": "release", "VERSION": tt.version, "ACTION_REPOSITORY": "authconform/authconform",
				"PATH": bin + ":/usr/bin:/bin", "RELEASE_DIR": release, "RUNNER_TEMP": tmp, "RUNNER_OS": tt.os, "RUNNER_ARCH": tt.arch,
				"GITHUB_SERVER_URL": "https://github.invalid", "GITHUB_PATH": filepath.Join(dir, "github-path"),
			})
			cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", steps[i].Run)
			cmd.Dir = dir
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			out, err := cmd.CombinedOutput()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(string(out), tt.wantErr) {
					t.Errorf("the step: %v\n%s\nwant a failure saying %q", err, out, tt.wantErr)
				}
				return
			}
			path, _ := os.ReadFile(env["GITHUB_PATH"])
			if err != nil || !strings.Contains(string(out), "authconform v1.2.3 (stand-in)") || strings.TrimSpace(string(path)) != filepath.Join(tmp, "authconform-bin") {
				t.Errorf("the step: %v\n%s\nGITHUB_PATH: %q; want the binary installed, on the path, and its -version run", err, out, path)
			}
		})
	}
}

func writeFile(t *testing.T, name string, data []byte, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(name, data, mode); err != nil {
		t.Fatal(err)
	}
}
