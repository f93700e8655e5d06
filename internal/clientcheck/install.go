// Package clientcheck runs Commerce Layer's own clients from npm
// (@commercelayer/js-auth, @commercelayer/sdk, @commercelayer/cli with
// @commercelayer/cli-plugin-token, at the versions node/package-lock.json
// pins) against `authconform serve`, as a storefront developer would, and
// reports each call. It installs the packages once into a cache outside
// the repository, keyed by the lockfile, and runs node/check.mjs with
// node/loopback.cjs preloaded, which keeps every connection on loopback.
// `make interop-clients` runs it through cmd/clientcheck; `make test` runs
// it only when the cache is already installed.
package clientcheck

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// nodeFiles are the check's Node side: the pinned packages and the two
// scripts. They are written into the cache directory, where Node resolves
// the scripts' imports from its node_modules.
//
//go:embed node/package.json node/package-lock.json node/check.mjs node/loopback.cjs
var nodeFiles embed.FS

// installedStamp marks a directory whose npm ci completed.
const installedStamp = ".installed"

// InstallTimeout bounds npm ci: about 20 s on a warm npm cache here.
const InstallTimeout = 5 * time.Minute

// CacheDir is where the packages are installed: under the user's cache
// directory, one directory per lockfile, so that a changed lockfile gets a
// fresh install and an old one is never reused for it.
func CacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("clientcheck: no cache directory: %v", err)
	}
	lock, err := nodeFiles.ReadFile("node/package-lock.json")
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(lock)
	return filepath.Join(base, "authconform-clients", hex.EncodeToString(sum[:8])), nil
}

// Installed reports whether dir holds a completed install.
func Installed(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, installedStamp))
	return err == nil
}

// Install runs npm ci in dir from the embedded package.json and lockfile,
// with no install scripts, unless dir already holds a completed install.
// npm's output goes to log.
func Install(ctx context.Context, dir, npm string, log io.Writer) error {
	if Installed(dir) {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("clientcheck: %v", err)
	}
	if err := writeNodeFiles(dir); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, InstallTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund")
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, log, log
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("clientcheck: npm ci in %s: stopped after %s", dir, InstallTimeout)
		}
		return fmt.Errorf("clientcheck: npm ci in %s: %v", dir, err)
	}
	return os.WriteFile(filepath.Join(dir, installedStamp), []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644)
}

// writeNodeFiles writes the embedded files into dir, so that the scripts
// run are this build's. A file already as embedded is left alone, and a
// changed one replaced by a rename, so that a check starting at the same
// moment never reads half a script.
func writeNodeFiles(dir string) error {
	return fs.WalkDir(nodeFiles, "node", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := nodeFiles.ReadFile(path)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.Base(path))
		if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, b) {
			return nil
		}
		if err := replaceFile(dst, b); err != nil {
			return fmt.Errorf("clientcheck: %v", err)
		}
		return nil
	})
}

// replaceFile writes b to a new file beside dst and renames it over dst.
func replaceFile(dst string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(dst), ".tmp-"+filepath.Base(dst)+"-")
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr, os.Chmod(f.Name(), 0o644)); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), dst); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// ErrNoNode is returned when node or npm is not on PATH.
var ErrNoNode = errors.New("node and npm are needed (Node.js 20 or later)")

// Tools finds node and npm on PATH.
func Tools() (node, npm string, err error) {
	if node, err = exec.LookPath("node"); err != nil {
		return "", "", ErrNoNode
	}
	if npm, err = exec.LookPath("npm"); err != nil {
		return "", "", ErrNoNode
	}
	return node, npm, nil
}
