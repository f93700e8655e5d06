package runner

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/authconform/authconform/internal/userfile"
)

// checkCertEnv holds SSL_CERT_FILE and SSL_CERT_DIR to the rules of every
// other file the tool reads. crypto/x509 reads them when it first needs
// the system's roots (the first TLS handshake, or -ca-file), each file
// whole and with a blocking open: a named pipe there would hang the run,
// a link to /dev/zero exhaust its memory. Only what x509 would read is
// judged: a missing file or directory, or a subdirectory, it skips.
func checkCertEnv(getenv func(string) string) error {
	if f := getenv("SSL_CERT_FILE"); f != "" {
		if err := userfile.Check(f, maxCAFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return configErr("SSL_CERT_FILE: %v", err)
		}
	}
	d := getenv("SSL_CERT_DIR")
	if d == "" {
		return nil
	}
	for _, dir := range strings.Split(d, ":") {
		st, err := os.Stat(dir)
		if err != nil {
			continue
		}
		if !st.IsDir() {
			return configErr("SSL_CERT_DIR: %s is not a directory", dir)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			if st, err := os.Stat(p); err != nil || st.IsDir() {
				continue
			}
			if err := userfile.Check(p, maxCAFile); err != nil {
				return configErr("SSL_CERT_DIR: %v", err)
			}
		}
	}
	return nil
}
