package interop

import (
	"context"
	"debug/buildinfo"
	_ "embed"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
)

// go-oauth2/oauth2, a Go library, through a wiring of ours built against it
// from the Go module proxy.
const (
	GoOAuth2Module  = "github.com/go-oauth2/oauth2/v4"
	GoOAuth2Version = "v4.5.4"
)

// The wiring: its go.mod requires GoOAuth2Version, and its go.sum pins
// every module of the build, which is checked against them.
var (
	//go:embed testdata/go-oauth2/main.go
	goOAuth2Main []byte
	//go:embed testdata/go-oauth2/go.mod.txt
	goOAuth2Mod []byte
	//go:embed testdata/go-oauth2/go.sum.txt
	goOAuth2Sum []byte
)

var goOAuth2Wiring = wiring{{"main.go", goOAuth2Main}, {"go.mod", goOAuth2Mod}, {"go.sum", goOAuth2Sum}}

// GoOAuth2 is go-oauth2/oauth2's token endpoint: its own server, manager
// and in-memory stores, wired by internal/interop/testdata/go-oauth2.
type GoOAuth2 struct{}

// About describes go-oauth2.
func (GoOAuth2) About() About {
	return About{
		Name: "go-oauth2", Title: "go-oauth2/oauth2 " + GoOAuth2Version, Short: "go-oauth2", Version: GoOAuth2Version,
		TokenPath: "/oauth/token", Ports: 1, Lifetime: tokenLifetime,
		PlainCredentials: "go-oauth2's `server.ClientBasicHandler` (server/handler.go:74-75, v4.5.4) returns `r.BasicAuth()`'s user and password as they are, without undoing RFC 6749 §2.3.1's form-encoding: an id or secret holding `+`, `:` or `%` never matches (an id that is not found gets 500, see the unknown-client note). A deviation from §2.3.1 the profile has no scenario for; observed by hand.",
		Origin:           fmt.Sprintf("go-oauth2/oauth2 %s (`%s`), a library: its `server.Server`, `manage.Manager` and in-memory client and token stores, served by a wiring of ours, `internal/interop/testdata/go-oauth2/main.go` (its comment says what it chooses). The harness writes the wiring with its `go.mod` and `go.sum` (which pin every module) into the cache and builds it there; the binary's build information is checked to name %s:", GoOAuth2Version, GoOAuth2Module, GoOAuth2Version),
		Recipe: []string{
			"cp internal/interop/testdata/go-oauth2/main.go <cache>/go-oauth2-" + GoOAuth2Version + "-<digest>/",
			"cp internal/interop/testdata/go-oauth2/go.mod.txt <that directory>/go.mod   # and go.sum.txt as go.sum",
			"cd <that directory> && GOWORK=off GOFLAGS=-mod=readonly go build -trimpath -o go-oauth2-server .",
		},
		Started: fmt.Sprintf("as `go-oauth2-server 127.0.0.1:<port>` (a free loopback port, chosen at each run), clients, scopes (`INTEROP_SCOPES=%s`) and lifetime (`INTEROP_TOKEN_LIFETIME=%d`) in its environment; ready when `GET %s` got any HTTP answer.", ClientScopes, tokenLifetime, "/oauth/token"),
		Clients: fmt.Sprintf("two entries of the library's `store.ClientStore`; the library has no per-client authentication method, so the wiring reads HTTP Basic (`server.ClientBasicHandler`) when a request has an Authorization header and the body (`server.ClientFormHandler`) otherwise, and either client may use either. Its `ClientScopeHandler` allows `%s`.", ClientScopes),
	}
}

// Prepare builds the wiring into the cache, once per wiring digest.
func (GoOAuth2) Prepare(ctx context.Context, t Tools, log io.Writer) (string, error) {
	dir, err := filepath.Abs(filepath.Join(t.CacheDir, "go-oauth2-"+GoOAuth2Version+"-"+goOAuth2Wiring.digest()))
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "go-oauth2-server")
	complete := func(d string) bool {
		return goBinaryRequires(filepath.Join(d, "go-oauth2-server"), GoOAuth2Module, GoOAuth2Version) == nil
	}
	if complete(dir) {
		return bin, nil
	}
	if _, err := exec.LookPath(t.Go); err != nil {
		return "", &SkipError{Why: fmt.Sprintf("no go command (%v)", err)}
	}
	fmt.Fprintf(log, "interop: building go-oauth2/oauth2 %s's wiring into %s\n", GoOAuth2Version, dir)
	_, err = buildOnce(dir, complete, func(tmp string) error {
		if err := goOAuth2Wiring.write(tmp); err != nil {
			return err
		}
		_, err := toolRun(ctx, tmp, []string{"GOWORK=off", "GOFLAGS=-mod=readonly", "GOTOOLCHAIN=local"}, t.Go, "build", "-trimpath", "-o", "go-oauth2-server", ".")
		return err
	})
	if err != nil {
		return "", registryError("the Go module proxy", fmt.Errorf("building go-oauth2/oauth2 %s: %w", GoOAuth2Version, err))
	}
	return bin, goBinaryRequires(bin, GoOAuth2Module, GoOAuth2Version)
}

// goBinaryRequires checks from a Go binary's build information that it
// was built with module at version.
func goBinaryRequires(bin, module, version string) error {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return err
	}
	if err := requires(info, module, version); err != nil {
		return fmt.Errorf("%s: %v", bin, err)
	}
	return nil
}

// requires checks a build used module at version, not replaced.
func requires(info *debug.BuildInfo, module, version string) error {
	for _, d := range info.Deps {
		if d.Path == module {
			if d.Replace != nil || d.Version != version {
				return fmt.Errorf("built with %s %s (replaced: %v); want %s", module, d.Version, d.Replace != nil, version)
			}
			return nil
		}
	}
	return fmt.Errorf("not built with %s", module)
}

// Launch starts the wiring on one port; the clients go in its environment.
func (GoOAuth2) Launch(bin string, ports []int, _ string, post, basic Client) Launch {
	return Launch{
		Command: []string{bin, "127.0.0.1:" + strconv.Itoa(ports[0])},
		Env:     wiringEnv(post, basic),
		BaseURL: loopback(ports[0]),
		Ready:   loopback(ports[0]) + "/oauth/token",
	}
}

// wiringEnv is how each wiring of ours gets the clients, their scopes and
// the token lifetime: in its environment, never on its command line.
func wiringEnv(post, basic Client) []string {
	return []string{
		"INTEROP_POST_CLIENT_ID=" + post.ID, "INTEROP_POST_CLIENT_SECRET=" + post.Secret,
		"INTEROP_BASIC_CLIENT_ID=" + basic.ID, "INTEROP_BASIC_CLIENT_SECRET=" + basic.Secret,
		"INTEROP_SCOPES=" + ClientScopes, "INTEROP_TOKEN_LIFETIME=" + strconv.Itoa(tokenLifetime),
	}
}
