package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// The server the profile is proved on.
const (
	HydraModule  = "github.com/ory/hydra/v2"
	HydraVersion = "v2.3.0"
)

// The build recipe, worked out on Go 1.26.8 (docs/interop/hydra.md repeats
// it). `go install github.com/ory/hydra/v2@v2.3.0` fails: Hydra's go.mod
// replaces github.com/ory/hydra-client-go/v2 with ./internal/httpclient, a
// nested module the module zip leaves out. So: download the module, copy it
// somewhere writable, drop that replace (the published hydra-client-go
// v2.2.1 the go.mod requires serves), and build with -mod=mod, because the
// go.sum has no entry for the published client (`go mod tidy` is not
// needed: -mod=mod adds the two go.sum lines from the proxy). The tags are
// the ones Hydra's own Dockerfile builds with (SQLite, which DSN=memory
// uses, needs cgo); -X stamps the version `hydra version` prints (else
// "master").
var (
	dropReplace = []string{"mod", "edit", "-dropreplace", "github.com/ory/hydra-client-go/v2"}
	buildArgs   = []string{"build", "-mod=mod", "-tags", "sqlite,sqlite_omit_load_extension",
		"-ldflags", "-X " + HydraModule + "/driver/config.Version=" + HydraVersion}
)

// BuildRecipe is the recipe as shell commands, for the report.
func BuildRecipe() []string {
	return []string{
		"go mod download -json " + HydraModule + "@" + HydraVersion + "   # its Dir is read-only",
		"cp -r <Dir> <tmp>/src && chmod -R u+w <tmp>/src && cd <tmp>/src",
		"go " + strings.Join(dropReplace, " "),
		"CGO_ENABLED=1 GOWORK=off go build -mod=mod -tags sqlite,sqlite_omit_load_extension -ldflags '-X " +
			HydraModule + "/driver/config.Version=" + HydraVersion + "' -o <cache>/hydra-" + HydraVersion + " .",
	}
}

// EnsureHydra makes sure the Hydra binary at bin is HydraVersion, building
// it when it is missing (or is not that version), and reports whether it
// built. goCmd is the go command; progress lines go to log. ctx bounds the
// build.
func EnsureHydra(ctx context.Context, goCmd, bin string, log io.Writer) (built bool, err error) {
	if v, err := HydraBinaryVersion(ctx, bin); err == nil && v == HydraVersion {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return false, fmt.Errorf("building Hydra: %v", err)
	}
	tmp, err := os.MkdirTemp("", "authconform-hydra-build-")
	if err != nil {
		return false, fmt.Errorf("building Hydra: %v", err)
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(log, "interop: building Hydra %s into %s (once: about 3.5 min with an empty Go build cache on 2 cores)\n", HydraVersion, bin)
	modDir, err := downloadModule(ctx, goCmd, tmp)
	if err != nil {
		return false, err
	}
	src := filepath.Join(tmp, "src")
	if err := copyTree(modDir, src); err != nil {
		return false, fmt.Errorf("building Hydra: copying %s: %v", modDir, err)
	}
	if _, err := goRun(ctx, goCmd, src, dropReplace...); err != nil {
		return false, fmt.Errorf("building Hydra: %v", err)
	}
	// Built beside bin and renamed, so a run stopped mid-build (or two at
	// once) never leaves half a binary where the next run looks.
	part := fmt.Sprintf("%s.part%d", bin, os.Getpid())
	defer os.Remove(part)
	if _, err := goRun(ctx, goCmd, src, append(append([]string{}, buildArgs...), "-o", part, ".")...); err != nil {
		return false, fmt.Errorf("building Hydra: %v", err)
	}
	if err := os.Rename(part, bin); err != nil {
		return false, fmt.Errorf("building Hydra: %v", err)
	}
	if v, err := HydraBinaryVersion(ctx, bin); err != nil || v != HydraVersion {
		return true, fmt.Errorf("building Hydra: the binary built says version %q (%v); want %s", v, err, HydraVersion)
	}
	return true, nil
}

// downloadModule fetches Hydra's module through the module proxy and
// returns its directory in the module cache.
func downloadModule(ctx context.Context, goCmd, dir string) (string, error) {
	out, err := goRun(ctx, goCmd, dir, "mod", "download", "-json", HydraModule+"@"+HydraVersion)
	var m struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &m); jerr == nil && m.Error != "" {
		return "", fmt.Errorf("downloading %s@%s: %s", HydraModule, HydraVersion, m.Error)
	}
	if err != nil {
		return "", fmt.Errorf("downloading %s@%s: %v", HydraModule, HydraVersion, err)
	}
	if m.Dir == "" {
		return "", fmt.Errorf("downloading %s@%s: go mod download named no directory", HydraModule, HydraVersion)
	}
	return m.Dir, nil
}

// goRun runs the go command in dir, outside any workspace, with cgo on,
// in a process group that ctx's end kills. The error carries the last lines
// of its output.
func goRun(ctx context.Context, goCmd, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "CGO_ENABLED=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	inGroup(cmd, syscall.SIGKILL, 5*time.Second)
	err := cmd.Run()
	if ctx.Err() != nil {
		return stdout.Bytes(), fmt.Errorf("go %s: stopped (%v)", args[0], context.Cause(ctx))
	}
	if err != nil {
		return stdout.Bytes(), fmt.Errorf("go %s: %v\n%s", strings.Join(args[:min(2, len(args))], " "), err, tail(stderr.String(), 20))
	}
	return stdout.Bytes(), nil
}

// HydraBinaryVersion is what `hydra version` says its version is.
func HydraBinaryVersion(ctx context.Context, bin string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "version")
	inGroup(cmd, syscall.SIGKILL, time.Second)
	out, err := cmd.Output()
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Version:"); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", fmt.Errorf("%s version printed no Version line", bin)
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

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
