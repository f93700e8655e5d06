package interop

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// django-oauth-toolkit, a Django app, from Debian's packages, through a
// wiring of ours.
const (
	DjangoOAuthToolkitPackage = "python3-django-oauth-toolkit"
	DjangoOAuthToolkitVersion = "1.7.0"
)

// debianPython is the interpreter whose path holds Debian's Python
// packages (another python3 first on PATH, a pyenv one, has not).
const debianPython = "/usr/bin/python3"

//go:embed testdata/django-oauth-toolkit/server.py
var djangoMain []byte

var djangoWiring = wiring{{"server.py", djangoMain}}

// DjangoOAuthToolkit is django-oauth-toolkit's TokenView on Django's
// development server, wired by internal/interop/testdata/django-oauth-toolkit.
type DjangoOAuthToolkit struct{}

// About describes django-oauth-toolkit.
func (DjangoOAuthToolkit) About() About {
	return About{
		Name: "django-oauth-toolkit", Title: "django-oauth-toolkit " + DjangoOAuthToolkitVersion, Short: "django-oauth-toolkit", Version: DjangoOAuthToolkitVersion,
		TokenPath: "/o/token/", Ports: 1, Lifetime: tokenLifetime,
		Origin: fmt.Sprintf("django-oauth-toolkit %s, Debian's `%s` (on `python3-oauthlib` and `python3-django`), a Django app: its `oauth2_provider.urls` (`TokenView` over oauthlib) under `/o/` on Django's development server, through a wiring of ours, `internal/interop/testdata/django-oauth-toolkit/server.py` (its comment says what it chooses), which the harness writes into the cache. `make interop` installs the package when `%s` cannot import it, and the harness checks `oauth2_provider.__version__` says %s:", DjangoOAuthToolkitVersion, DjangoOAuthToolkitPackage, debianPython, DjangoOAuthToolkitVersion),
		Recipe: []string{
			"apt-get install --no-install-recommends " + DjangoOAuthToolkitPackage,
			"cp internal/interop/testdata/django-oauth-toolkit/server.py <cache>/django-oauth-toolkit-" + DjangoOAuthToolkitVersion + "-<digest>/",
		},
		Started: fmt.Sprintf("as `%s server.py 127.0.0.1:<port> <a new SQLite file>` (a free loopback port, chosen at each run), clients, scopes (`SCOPES` from `INTEROP_SCOPES=%s`) and lifetime (`ACCESS_TOKEN_EXPIRE_SECONDS` from `INTEROP_TOKEN_LIFETIME=%d`) in its environment, `DEFAULT_SCOPES` left at the toolkit's default (all scopes); ready when `GET /o/token/` got any HTTP answer.", debianPython, ClientScopes, tokenLifetime),
		Clients: "two confidential `client_credentials` Applications, created in the migrated database before the server starts. The toolkit has no per-client authentication method: either client may use HTTP Basic or the body.",
	}
}

// Prepare checks Debian's django-oauth-toolkit is installed at its version
// and writes the wiring into the cache; it skips when it is not.
func (DjangoOAuthToolkit) Prepare(ctx context.Context, t Tools, _ io.Writer) (string, error) {
	v, err := pythonModuleVersion(ctx, debianPython, "oauth2_provider")
	switch {
	case err != nil:
		return "", &SkipError{Why: fmt.Sprintf("%s cannot import django-oauth-toolkit (%v): install Debian's %s (make interop does, with apt-get)", debianPython, err, DjangoOAuthToolkitPackage)}
	case v != DjangoOAuthToolkitVersion:
		return "", &SkipError{Why: fmt.Sprintf("%s has django-oauth-toolkit %s; this harness is written for %s (Debian 12's %s)", debianPython, v, DjangoOAuthToolkitVersion, DjangoOAuthToolkitPackage)}
	}
	dir, err := filepath.Abs(filepath.Join(t.CacheDir, "django-oauth-toolkit-"+DjangoOAuthToolkitVersion+"-"+djangoWiring.digest()))
	if err != nil {
		return "", err
	}
	complete := func(d string) bool { _, err := os.Stat(filepath.Join(d, "server.py")); return err == nil }
	if _, err := buildOnce(dir, complete, djangoWiring.write); err != nil {
		return "", fmt.Errorf("writing django-oauth-toolkit's wiring: %v", err)
	}
	return dir, nil
}

// pythonModuleVersion is module.__version__ as python prints it.
func pythonModuleVersion(ctx context.Context, python, module string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-c", "import "+module+"; print("+module+".__version__)")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	inGroup(cmd, syscall.SIGKILL, time.Second)
	out, err := cmd.Output()
	if err != nil {
		if last := strings.TrimSpace(tail(stderr.String(), 1)); last != "" {
			return "", fmt.Errorf("%s", last)
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// Launch starts the wiring with Debian's python on one port and a new
// database in runDir; the clients go in its environment.
func (DjangoOAuthToolkit) Launch(dir string, ports []int, runDir string, post, basic Client) Launch {
	return Launch{
		Command: []string{debianPython, filepath.Join(dir, "server.py"), "127.0.0.1:" + strconv.Itoa(ports[0]), filepath.Join(runDir, "db.sqlite3")},
		Env:     append(wiringEnv(post, basic), "PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1"),
		Dir:     runDir,
		BaseURL: loopback(ports[0]),
		Ready:   loopback(ports[0]) + "/o/token/",
	}
}
