package interop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// A Server is one real server the profile is proved on, described by what
// differs from one to the next: how it is built or found, how it is
// started, and how it gets the run's two clients. Everything else (ports,
// readiness, the suite, the document, stopping) is the harness's, shared.
type Server interface {
	About() About
	// Prepare builds or installs the server into its directory under
	// t.CacheDir when it is not there yet (once; later runs check it), and
	// returns what Launch starts from: a binary or a directory. A
	// *SkipError says a tool or registry it needs is missing.
	Prepare(ctx context.Context, t Tools, log io.Writer) (prepared string, err error)
	// Launch is how to start the prepared server on the given free
	// loopback ports, About().Ports of them; runDir is an empty directory
	// of this run's, removed after it.
	Launch(prepared string, ports []int, runDir string, post, basic Client) Launch
}

// A registrar is a server that takes its clients over HTTP once started
// (Hydra's admin API), rather than in its Launch.
type registrar interface {
	Register(ctx context.Context, l Launch, c Client) error
}

// Tools are what Prepare may use.
type Tools struct {
	Go       string // the go command
	CacheDir string // the harness's cache, outside the repository
}

// About is what the harness and the document say about a server.
type About struct {
	Name      string // in file names and -servers: docs/interop/<Name>.md
	Title     string // the server and its version, as a heading names it
	Short     string // the server in a sentence: "Hydra"
	Version   string
	TokenPath string
	Ports     int // loopback ports it listens on
	Lifetime  int // seconds its access tokens live: AUTHCONFORM_EXPIRES_IN
	// PlainCredentials, when set, says why the clients' ids and secrets
	// hold only letters and digits: the server does not undo RFC 6749
	// §2.3.1's form-encoding inside HTTP Basic (a deviation, with its
	// source line), so form-sensitive ones would fail every Basic scenario
	// for that one reason.
	PlainCredentials string
	// The document's "How <Short> was run": where it comes from and how it
	// is built (a sentence and shell lines), how it is started, how its
	// clients are set up. Markdown.
	Origin  string
	Recipe  []string
	Started string
	Clients string
}

// Launch is how to start a prepared server, and where it answers.
type Launch struct {
	Command []string // the program and its arguments: no secret here
	Env     []string // added to the harness's environment (clients' secrets among them)
	Dir     string
	BaseURL string // the token endpoint's origin: AUTHCONFORM_TARGET
	// Ready is polled until it answers ReadyStatus, or, when ReadyStatus
	// is 0, any HTTP answer at all.
	Ready       string
	ReadyStatus int
	AdminURL    string // where a registrar registers clients
}

// SkipError says why a server was not run: a tool or registry it needs is
// missing on this machine. It is not a failure of the server or the suite.
type SkipError struct{ Why string }

func (e *SkipError) Error() string { return e.Why }

// Skipped reports whether err says a server cannot be run here, and why.
func Skipped(err error) (why string, ok bool) {
	var s *SkipError
	if errors.As(err, &s) {
		return s.Why, true
	}
	return "", false
}

// unreachable are what the go command, npm and apt print when a registry
// cannot be reached: a build that fails so is skipped, not failed.
var unreachable = []string{
	"dial tcp", "no such host", "i/o timeout", "network is unreachable", "TLS handshake timeout",
	"connection reset by peer", "GOPROXY=off", "GOFLAGS=-mod=vendor",
	"ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENETUNREACH",
	"Temporary failure resolving", "Could not resolve",
}

// registryError is err as a *SkipError naming registry when its text says
// the registry could not be reached (quoting the line that says so), else
// err.
func registryError(registry string, err error) error {
	if err == nil {
		return nil
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		for _, m := range unreachable {
			if strings.Contains(line, m) {
				line = strings.TrimSpace(line)
				if len(line) > 200 {
					line = line[:200] + "…"
				}
				return &SkipError{Why: fmt.Sprintf("%s unreachable: %s", registry, line)}
			}
		}
	}
	return err
}

// Servers are every server `make interop` runs, in run order.
func Servers() []Server {
	return []Server{Hydra{}, GoOAuth2{}, NodeOAuth2{}, DjangoOAuthToolkit{}}
}

// Select returns the servers named in list (comma-separated; "all" or
// empty: every one), in run order.
func Select(list string) ([]Server, error) {
	all := Servers()
	if list == "" || list == "all" {
		return all, nil
	}
	var names []string
	byName := map[string]Server{}
	for _, s := range all {
		names = append(names, s.About().Name)
		byName[s.About().Name] = s
	}
	want := map[string]bool{}
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		if byName[n] == nil {
			return nil, fmt.Errorf("no server %q; the servers are %s", n, strings.Join(names, ", "))
		}
		want[n] = true
	}
	var out []Server
	for _, s := range all {
		if want[s.About().Name] {
			out = append(out, s)
		}
	}
	return out, nil
}
