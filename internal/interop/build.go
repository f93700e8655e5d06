package interop

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// goRun runs the go command in dir, outside any workspace, with cgo on,
// in a process group that ctx's end kills. The error carries the last lines
// of its output.
func goRun(ctx context.Context, goCmd, dir string, args ...string) ([]byte, error) {
	return toolRun(ctx, dir, []string{"GOWORK=off", "CGO_ENABLED=1"}, goCmd, args...)
}

// toolRun runs a build tool (go, npm) in dir with env added, in a process
// group that ctx's end kills. The error carries the last lines of its
// output.
func toolRun(ctx context.Context, dir string, env []string, tool string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Dir = dir
	cmd.Env = append(withoutAuthconform(os.Environ()), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	inGroup(cmd, syscall.SIGKILL, 5*time.Second)
	err := cmd.Run()
	name := filepath.Base(tool) + " " + strings.Join(args[:min(2, len(args))], " ")
	if ctx.Err() != nil {
		return stdout.Bytes(), fmt.Errorf("%s: stopped (%v)", name, context.Cause(ctx))
	}
	if err != nil {
		return stdout.Bytes(), fmt.Errorf("%s: %v\n%s", name, err, tail(stderr.String(), 20))
	}
	return stdout.Bytes(), nil
}

// copyTree copies the regular files under src to dst, writable: the module
// cache's copy is read-only and go mod edit must change go.mod.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
}

// A wiring is a small program of ours that serves a library's token
// endpoint, kept in testdata and written into the cache to be built.
type wiring []wiringFile

type wiringFile struct {
	name string // its name in the build directory
	body []byte
}

// digest names the wiring's contents: the cache directory of a build
// carries it, so a changed wiring is built anew.
func (w wiring) digest() string {
	h := sha256.New()
	for _, f := range w {
		fmt.Fprintf(h, "%s\x00%d\x00", f.name, len(f.body))
		h.Write(f.body)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// write puts the wiring's files in dir.
func (w wiring) write(dir string) error {
	for _, f := range w {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.body, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// buildOnce makes dir by running build in a fresh directory beside it and
// renaming that into place, so a run stopped mid-build (or two at once)
// never leaves half a build where the next run looks. dir already there is
// left as it is: complete says whether it holds a whole build.
func buildOnce(dir string, complete func(string) bool, build func(tmp string) error) (built bool, err error) {
	if complete(dir) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return false, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(dir)+".part")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)
	if err := build(tmp); err != nil {
		return false, err
	}
	if !complete(tmp) {
		return false, fmt.Errorf("the build in %s is incomplete", tmp)
	}
	if complete(dir) { // another run finished first
		return false, nil
	}
	os.RemoveAll(dir) // an incomplete one
	if err := os.Rename(tmp, dir); err != nil && !complete(dir) {
		return false, err
	}
	return true, nil
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
