package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Ory Hydra, OpenID Certified, built from the Go module proxy.
const (
	HydraModule  = "github.com/ory/hydra/v2"
	HydraVersion = "v2.3.0"
)

// The access-token lifespan Hydra is started with (TTL_ACCESS_TOKEN; 1h is
// also its default), and so the expires_in the suite expects, in seconds.
const (
	hydraTTL      = "1h"
	tokenLifetime = 3600 // every server's: AUTHCONFORM_EXPIRES_IN
)

// Hydra is Ory Hydra: `hydra serve all --dev` on two loopback ports, an
// in-memory database, clients registered through its admin API.
type Hydra struct{}

// The build recipe, worked out on Go 1.26.8. `go install
// github.com/ory/hydra/v2@v2.3.0` fails: Hydra's go.mod replaces
// github.com/ory/hydra-client-go/v2 with ./internal/httpclient, a nested
// module the module zip leaves out. So: download the module, copy it
// somewhere writable, drop that replace (the published hydra-client-go
// v2.2.1 the go.mod requires serves), and build with -mod=mod, because the
// go.sum has no entry for the published client (-mod=mod adds the two
// go.sum lines from the proxy). The tags are the ones Hydra's own
// Dockerfile builds with (SQLite, which DSN=memory uses, needs cgo); -X
// stamps the version `hydra version` prints (else "master").
var (
	dropReplace = []string{"mod", "edit", "-dropreplace", "github.com/ory/hydra-client-go/v2"}
	buildArgs   = []string{"build", "-mod=mod", "-tags", "sqlite,sqlite_omit_load_extension",
		"-ldflags", "-X " + HydraModule + "/driver/config.Version=" + HydraVersion}
)

// hydraArgs are the command-line arguments Hydra is started with: --dev
// allows the plain-http loopback issuer, --sqa-opt-out stops its telemetry
// (which would try the network).
var hydraArgs = []string{"serve", "all", "--dev", "--sqa-opt-out"}

// About describes Hydra.
func (Hydra) About() About {
	env := hydraEnv("<public port>", "<admin port>", "<64 random hex digits, new each run>")
	return About{
		Name: "hydra", Title: "Ory Hydra " + HydraVersion, Short: "Hydra", Version: HydraVersion,
		TokenPath: "/oauth2/token", Ports: 2, Lifetime: tokenLifetime,
		Origin: fmt.Sprintf("Ory Hydra %s (`hydra version`), built from `%s@%s` off the Go module proxy and cached outside the repository:", HydraVersion, HydraModule, HydraVersion),
		Recipe: []string{
			"go mod download -json " + HydraModule + "@" + HydraVersion + "   # its Dir is read-only",
			"cp -r <Dir> <tmp>/src && chmod -R u+w <tmp>/src && cd <tmp>/src",
			"go " + strings.Join(dropReplace, " "),
			"CGO_ENABLED=1 GOWORK=off go build -mod=mod -tags sqlite,sqlite_omit_load_extension -ldflags '-X " +
				HydraModule + "/driver/config.Version=" + HydraVersion + "' -o <cache>/hydra-" + HydraVersion + " .",
		},
		Started: fmt.Sprintf("as `hydra %s` with `%s` (two free loopback ports, chosen at each run); ready when the admin port's `GET /health/ready` answered 200.",
			strings.Join(hydraArgs, " "), strings.Join(env, " ")),
		Clients: fmt.Sprintf("registered with `POST /admin/clients`, both `grant_types: [\"client_credentials\"]` and `scope: %q`, each with its `token_endpoint_auth_method`; Hydra kept both as sent.", ClientScopes),
	}
}

// hydraEnv is Hydra's configuration for a run, as environment variables:
// an in-memory database, a random system secret, loopback only.
func hydraEnv(publicPort, adminPort, secret string) []string {
	return []string{
		"DSN=memory",
		"SECRETS_SYSTEM=" + secret,
		"URLS_SELF_ISSUER=http://127.0.0.1:" + publicPort + "/",
		"SERVE_PUBLIC_HOST=127.0.0.1",
		"SERVE_PUBLIC_PORT=" + publicPort,
		"SERVE_ADMIN_HOST=127.0.0.1",
		"SERVE_ADMIN_PORT=" + adminPort,
		"TTL_ACCESS_TOKEN=" + hydraTTL,
	}
}

// Launch starts the Hydra binary on a public and an admin port.
func (Hydra) Launch(bin string, ports []int, _ string, _, _ Client) Launch {
	public, admin := strconv.Itoa(ports[0]), strconv.Itoa(ports[1])
	return Launch{
		Command: append([]string{bin}, hydraArgs...),
		Env:     hydraEnv(public, admin, randomHex(32)),
		BaseURL: loopback(ports[0]), AdminURL: loopback(ports[1]),
		Ready: loopback(ports[1]) + "/health/ready", ReadyStatus: http.StatusOK,
	}
}

// Prepare makes sure the Hydra binary in the cache is HydraVersion,
// building it when it is missing (or is not that version).
func (Hydra) Prepare(ctx context.Context, t Tools, log io.Writer) (string, error) {
	bin, err := filepath.Abs(filepath.Join(t.CacheDir, "hydra-"+HydraVersion))
	if err != nil {
		return "", err
	}
	if v, err := hydraBinaryVersion(ctx, bin); err == nil && v == HydraVersion {
		return bin, nil
	}
	if _, err := exec.LookPath(t.Go); err != nil {
		return "", &SkipError{Why: fmt.Sprintf("no go command (%v)", err)}
	}
	fmt.Fprintf(log, "interop: building Hydra %s into %s (once: about 3.5 min with an empty Go build cache on 2 cores)\n", HydraVersion, bin)
	if err := buildHydra(ctx, t.Go, bin); err != nil {
		return "", registryError("the Go module proxy", fmt.Errorf("building Hydra: %w", err))
	}
	if v, err := hydraBinaryVersion(ctx, bin); err != nil || v != HydraVersion {
		return "", fmt.Errorf("building Hydra: the binary built says version %q (%v); want %s", v, err, HydraVersion)
	}
	return bin, nil
}

// buildHydra builds Hydra to bin by the recipe above.
func buildHydra(ctx context.Context, goCmd, bin string) error {
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "authconform-hydra-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	modDir, err := downloadModule(ctx, goCmd, tmp, HydraModule, HydraVersion)
	if err != nil {
		return err
	}
	src := filepath.Join(tmp, "src")
	if err := copyTree(modDir, src); err != nil {
		return fmt.Errorf("copying %s: %v", modDir, err)
	}
	if _, err := goRun(ctx, goCmd, src, dropReplace...); err != nil {
		return err
	}
	// Built beside bin and renamed, so a run stopped mid-build (or two at
	// once) never leaves half a binary where the next run looks.
	part := fmt.Sprintf("%s.part%d", bin, os.Getpid())
	defer os.Remove(part)
	if _, err := goRun(ctx, goCmd, src, append(append([]string{}, buildArgs...), "-o", part, ".")...); err != nil {
		return err
	}
	return os.Rename(part, bin)
}

// downloadModule fetches a module through the module proxy and returns its
// directory in the module cache.
func downloadModule(ctx context.Context, goCmd, dir, module, version string) (string, error) {
	out, err := goRun(ctx, goCmd, dir, "mod", "download", "-json", module+"@"+version)
	var m struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &m); jerr == nil && m.Error != "" {
		return "", fmt.Errorf("downloading %s@%s: %s", module, version, m.Error)
	}
	if err != nil {
		return "", fmt.Errorf("downloading %s@%s: %v", module, version, err)
	}
	if m.Dir == "" {
		return "", fmt.Errorf("downloading %s@%s: go mod download named no directory", module, version)
	}
	return m.Dir, nil
}

// hydraBinaryVersion is what `hydra version` says its version is.
func hydraBinaryVersion(ctx context.Context, bin string) (string, error) {
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

// Register creates c with Hydra's admin API (POST /admin/clients), allowed
// the client_credentials grant and ClientScopes, and checks Hydra kept its
// id, secret and authentication method as sent.
func (Hydra) Register(ctx context.Context, l Launch, c Client) error {
	body, err := json.Marshal(map[string]any{
		"client_id":                  c.ID,
		"client_secret":              c.Secret,
		"token_endpoint_auth_method": c.AuthMethod,
		"grant_types":                []string{"client_credentials"},
		"scope":                      ClientScopes,
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.AdminURL+"/admin/clients", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("registering the %s client: %v", c.AuthMethod, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	hide := func(s string) string { return strings.ReplaceAll(s, c.Secret, "[REDACTED]") }
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("registering the %s client: Hydra answered %s; want 201 Created (body: %.300q)", c.AuthMethod, resp.Status, hide(string(b)))
	}
	var got struct {
		ID         string `json:"client_id"`
		Secret     string `json:"client_secret"`
		AuthMethod string `json:"token_endpoint_auth_method"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		return fmt.Errorf("registering the %s client: Hydra's answer is not a client: %v", c.AuthMethod, err)
	}
	switch {
	case got.ID != c.ID:
		return fmt.Errorf("registering the %s client: client_id = %q; want %q", c.AuthMethod, got.ID, c.ID)
	case got.Secret != c.Secret:
		return fmt.Errorf("registering the %s client: Hydra changed the secret (%d characters; sent %d)", c.AuthMethod, len(got.Secret), len(c.Secret))
	case got.AuthMethod != c.AuthMethod:
		return fmt.Errorf("registering the %s client: token_endpoint_auth_method = %q; want %q", c.AuthMethod, got.AuthMethod, c.AuthMethod)
	}
	return nil
}
