package runner

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCheckCertEnv verifies that SSL_CERT_FILE and SSL_CERT_DIR naming
// what crypto/x509 would block on or read without end are refused in one
// line, and that what it skips harmlessly is let through.
func TestCheckCertEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mk := func(name string, make func(p string) error) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := make(p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pem := func(p string) error { return os.WriteFile(p, []byte("-----BEGIN CERTIFICATE-----\n"), 0o644) }
	fifo := func(p string) error { return syscall.Mkfifo(p, 0o600) }
	zero := func(p string) error { return os.Symlink("/dev/zero", p) }
	sparse := func(p string) error {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			return err
		}
		return os.Truncate(p, 1<<30)
	}
	mk("good/a.pem", pem)
	mk("good/sub/b.pem", pem) // x509 reads no subdirectory
	mk("withfifo/a.pem", fifo)
	mk("withzero/a.pem", zero)
	mk("withsparse/a.pem", sparse)
	for _, tc := range []struct {
		name      string
		file, dir string
		wantErr   string
	}{
		{name: "unset"},
		{name: "a PEM file", file: mk("ca.pem", pem)},
		{name: "a missing file (x509 skips it)", file: filepath.Join(dir, "nope.pem")},
		{name: "file a FIFO", file: mk("fifo", fifo), wantErr: "SSL_CERT_FILE: " + dir + "/fifo is a named pipe (FIFO); want a regular file"},
		{name: "file /dev/zero", file: "/dev/zero", wantErr: "SSL_CERT_FILE: /dev/zero is a device"},
		{name: "file a link to /dev/zero", file: mk("zero", zero), wantErr: "zero is a device"},
		{name: "file of 1 GiB", file: mk("big.pem", sparse), wantErr: "big.pem is larger than 4 MiB"},
		{name: "directories, good and missing", dir: dir + "/good:" + dir + "/missing"},
		{name: "directory holding a FIFO", dir: dir + "/good:" + dir + "/withfifo", wantErr: "SSL_CERT_DIR: " + dir + "/withfifo/a.pem is a named pipe (FIFO)"},
		{name: "directory holding a link to /dev/zero", dir: dir + "/withzero", wantErr: "withzero/a.pem is a device"},
		{name: "directory holding 1 GiB", dir: dir + "/withsparse", wantErr: "withsparse/a.pem is larger than 4 MiB"},
		{name: "directory that is a FIFO", dir: dir + "/fifo", wantErr: "SSL_CERT_DIR: " + dir + "/fifo is not a directory"},
	} {
		env := map[string]string{"SSL_CERT_FILE": tc.file, "SSL_CERT_DIR": tc.dir}
		err := checkCertEnv(func(k string) string { return env[k] })
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v; want no error", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: %v; want an error saying %q", tc.name, err, tc.wantErr)
		}
	}
}
