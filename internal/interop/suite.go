package interop

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Profile is the profile the interop run proves.
const Profile = "rfc6749"

// Suite is one run of the authconform CLI against a server.
type Suite struct {
	Bin         string // the authconform binary
	Dir         string // the repository: relative paths are from here
	SummaryPath string // -format json:
	JUnitPath   string // -format junit:
	Deviations  string // -expect-failures
	Grace       time.Duration
}

// SuiteEnv is the configuration of the run, all through the environment:
// secrets never go on a command line. AUTHCONFORM_SCOPE is a scope every
// server gives the clients, so scenarios that need a token can ask for it.
func SuiteEnv(a About, baseURL string, post, basic Client) []string {
	return []string{
		"AUTHCONFORM_TARGET=" + baseURL,
		"AUTHCONFORM_TOKEN_PATH=" + a.TokenPath,
		"AUTHCONFORM_CLIENT_ID=" + post.ID,
		"AUTHCONFORM_CLIENT_SECRET=" + post.Secret,
		"AUTHCONFORM_BASIC_CLIENT_ID=" + basic.ID,
		"AUTHCONFORM_BASIC_CLIENT_SECRET=" + basic.Secret,
		"AUTHCONFORM_SCOPE=" + ClientScope,
		"AUTHCONFORM_FORBIDDEN_SCOPE=" + ForbiddenScope,
		"AUTHCONFORM_EXPIRES_IN=" + strconv.Itoa(a.Lifetime),
	}
}

// Args are the suite's flags.
func (s Suite) Args() []string {
	return []string{"-profile", Profile,
		"-format", "console,json:" + s.SummaryPath + ",junit:" + s.JUnitPath,
		"-expect-failures", s.Deviations}
}

// NoProfileError says the authconform being run has no rfc6749 profile.
type NoProfileError struct{ Said string }

func (e *NoProfileError) Error() string {
	return fmt.Sprintf("this authconform has no -profile %s (it said %q): the rfc6749 profile has not landed on this branch yet, so nothing was judged", Profile, e.Said)
}

// Run runs the suite with env (any AUTHCONFORM_* of the harness's own
// environment is dropped, so only this configuration counts), its output
// on stdout and stderr. It returns the suite's exit code. When ctx ends
// the suite gets SIGINT, so it writes its reports with what ran, and is
// killed after Grace.
func (s Suite) Run(ctx context.Context, env []string, stdout, stderr io.Writer) (int, error) {
	cmd := exec.CommandContext(ctx, s.Bin, s.Args()...)
	cmd.Dir = s.Dir
	cmd.Env = append(withoutAuthconform(os.Environ()), env...)
	var said lastLines
	cmd.Stdout = stdout
	cmd.Stderr = io.MultiWriter(stderr, &said)
	inGroup(cmd, syscall.SIGINT, s.Grace)
	err := cmd.Run()
	code := cmd.ProcessState.ExitCode()
	if line := said.find("flag provided but not defined: -profile", `profile "`+Profile+`"`); line != "" {
		return code, &NoProfileError{Said: line}
	}
	if code < 0 {
		return code, fmt.Errorf("running authconform: %v", err)
	}
	return code, nil
}

func withoutAuthconform(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "AUTHCONFORM_") {
			out = append(out, kv)
		}
	}
	return out
}

// lastLines keeps the last 64 KiB written to it.
type lastLines struct{ b []byte }

func (l *lastLines) Write(p []byte) (int, error) {
	l.b = append(l.b, p...)
	if over := len(l.b) - 64<<10; over > 0 {
		l.b = l.b[over:]
	}
	return len(p), nil
}

// find returns the first line holding one of subs.
func (l *lastLines) find(subs ...string) string {
	for _, line := range strings.Split(string(l.b), "\n") {
		for _, s := range subs {
			if strings.Contains(line, s) {
				return strings.TrimSpace(line)
			}
		}
	}
	return ""
}

// BuildAuthconform builds the repository's CLI to bin. The harness runs the
// binary rather than `go run ./cmd/authconform`, which would turn every
// exit code but 0 into 1 and stand between the suite and a signal.
func BuildAuthconform(ctx context.Context, goCmd, repoDir, bin string) error {
	if _, err := toolRun(ctx, repoDir, []string{"GOWORK=off"}, goCmd, "build", "-o", bin, "./cmd/authconform"); err != nil {
		return fmt.Errorf("building authconform: %v", err)
	}
	return nil
}
