package interop

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// @node-oauth/oauth2-server, a Node.js library, through a wiring of ours,
// installed from npm at the versions of a committed package-lock.json.
const (
	NodeOAuth2Package = "@node-oauth/oauth2-server"
	NodeOAuth2Version = "5.3.0"
)

var (
	//go:embed testdata/node-oauth2-server/server.mjs
	nodeOAuth2Main []byte
	//go:embed testdata/node-oauth2-server/package.json
	nodeOAuth2Package []byte
	//go:embed testdata/node-oauth2-server/package-lock.json
	nodeOAuth2Lock []byte
)

var nodeOAuth2Wiring = wiring{{"server.mjs", nodeOAuth2Main}, {"package.json", nodeOAuth2Package}, {"package-lock.json", nodeOAuth2Lock}}

// NodeOAuth2 is @node-oauth/oauth2-server's token handler on Node's http
// server, wired by internal/interop/testdata/node-oauth2-server.
type NodeOAuth2 struct{}

// About describes node-oauth2-server.
func (NodeOAuth2) About() About {
	return About{
		Name: "node-oauth2-server", Title: NodeOAuth2Package + " " + NodeOAuth2Version, Short: "node-oauth2-server", Version: NodeOAuth2Version,
		TokenPath: "/oauth/token", Ports: 1, Lifetime: tokenLifetime,
		PlainCredentials: "node-oauth2-server reads HTTP Basic with the `basic-auth` package (lib/handlers/token-handler.js:175, `auth(request)`), which splits the decoded pair at its first `:` and undoes no form-encoding: an id or secret holding `+`, `:` or `%` never matches and gets 401 invalid_client. A deviation from RFC 6749 §2.3.1 the profile has no scenario for; observed by hand.",
		Origin:           fmt.Sprintf("%s %s (npm), a library: its `OAuth2Server#token` on Node's own `http` server, through a wiring of ours, `internal/interop/testdata/node-oauth2-server/server.mjs` (its comment says what it chooses). The harness writes the wiring with its `package.json` and `package-lock.json` (which pin every package and its integrity hash) into the cache and installs there; the installed library's `package.json` is checked to say %s:", NodeOAuth2Package, NodeOAuth2Version, NodeOAuth2Version),
		Recipe: []string{
			"cp internal/interop/testdata/node-oauth2-server/{server.mjs,package.json,package-lock.json} <cache>/node-oauth2-server-" + NodeOAuth2Version + "-<digest>/",
			"cd <that directory> && npm ci --ignore-scripts --no-audit --no-fund",
		},
		Started: fmt.Sprintf("as `node server.mjs 127.0.0.1:<port>` (a free loopback port, chosen at each run), clients, scopes (`INTEROP_SCOPES=%s`) and lifetime (`accessTokenLifetime`, `INTEROP_TOKEN_LIFETIME=%d`) in its environment; ready when `GET /oauth/token` got any HTTP answer.", ClientScopes, tokenLifetime),
		Clients: fmt.Sprintf("held by the wiring's model (`getClient` checks id and secret), each allowed `client_credentials` and `%s`; `validateScope` grants a requested scope only when it is all the client's and, to a request without scope, the client's scopes. The library has no per-client authentication method: it reads HTTP Basic when there is an Authorization header, else the body, so either client may use either.", ClientScopes),
	}
}

// Prepare installs the locked packages into the cache, once per wiring
// digest; without node and npm it skips.
func (NodeOAuth2) Prepare(ctx context.Context, t Tools, log io.Writer) (string, error) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", &SkipError{Why: fmt.Sprintf("no %s on PATH (install Node.js 18 or later with npm to run it)", tool)}
		}
	}
	dir, err := filepath.Abs(filepath.Join(t.CacheDir, "node-oauth2-server-"+NodeOAuth2Version+"-"+nodeOAuth2Wiring.digest()))
	if err != nil {
		return "", err
	}
	complete := func(d string) bool { return installedVersion(d, NodeOAuth2Package) == NodeOAuth2Version }
	if complete(dir) {
		return dir, nil
	}
	fmt.Fprintf(log, "interop: installing %s %s and its wiring into %s\n", NodeOAuth2Package, NodeOAuth2Version, dir)
	_, err = buildOnce(dir, complete, func(tmp string) error {
		if err := nodeOAuth2Wiring.write(tmp); err != nil {
			return err
		}
		_, err := toolRun(ctx, tmp, nil, "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error")
		return err
	})
	if err != nil {
		return "", registryError("the npm registry", fmt.Errorf("installing %s %s: %w", NodeOAuth2Package, NodeOAuth2Version, err))
	}
	return dir, nil
}

// installedVersion is the version of package pkg installed under dir, or
// "" when there is none.
func installedVersion(dir, pkg string) string {
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", filepath.FromSlash(pkg), "package.json"))
	if err != nil {
		return ""
	}
	var p struct{ Version string }
	if json.Unmarshal(b, &p) != nil {
		return ""
	}
	return p.Version
}

// Launch starts the wiring with node on one port; the clients go in its
// environment.
func (NodeOAuth2) Launch(dir string, ports []int, _ string, post, basic Client) Launch {
	return Launch{
		Command: []string{"node", filepath.Join(dir, "server.mjs"), "127.0.0.1:" + strconv.Itoa(ports[0])},
		Env:     wiringEnv(post, basic),
		Dir:     dir,
		BaseURL: loopback(ports[0]),
		Ready:   loopback(ports[0]) + "/oauth/token",
	}
}
