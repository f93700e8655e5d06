package interop

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// TestServersDescribed verifies each server says all the document and the
// harness need: a unique name, its version in its title, a token path, a
// lifetime, how it was built, started and given its clients.
func TestServersDescribed(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Servers() {
		a := s.About()
		if a.Name == "" || seen[a.Name] || strings.ContainsAny(a.Name, "/ ") {
			t.Errorf("server name %q: want a unique file-name word", a.Name)
		}
		seen[a.Name] = true
		switch {
		case a.Version == "" || !strings.Contains(a.Title, a.Version):
			t.Errorf("%s: title %q does not name version %q", a.Name, a.Title, a.Version)
		case !strings.HasPrefix(a.TokenPath, "/"), a.Ports < 1, a.Lifetime <= 0, a.Short == "":
			t.Errorf("%s: token path %q, %d ports, lifetime %d, short name %q", a.Name, a.TokenPath, a.Ports, a.Lifetime, a.Short)
		case a.Origin == "" || len(a.Recipe) == 0 || a.Started == "" || a.Clients == "":
			t.Errorf("%s: the document's setup is incomplete: %+v", a.Name, a)
		case a.PlainCredentials != "" && !strings.Contains(a.PlainCredentials, "§2.3.1"):
			t.Errorf("%s: plain credentials without the rule they work around: %q", a.Name, a.PlainCredentials)
		}
	}
}

// TestLaunch verifies every server is started on loopback, on the ports it
// was given, with the run's clients in its environment and no secret on
// its command line.
func TestLaunch(t *testing.T) {
	post, basic := NewClients(true)
	for _, s := range Servers() {
		a := s.About()
		ports := []int{40001, 40002}[:a.Ports]
		l := s.Launch("/cache/"+a.Name, ports, "/run", post, basic)
		cmd, env := strings.Join(l.Command, " "), strings.Join(l.Env, "\n")
		switch {
		case l.BaseURL != "http://127.0.0.1:40001":
			t.Errorf("%s: BaseURL = %q; want the first port on loopback", a.Name, l.BaseURL)
		case !strings.HasPrefix(l.Ready, "http://127.0.0.1:"):
			t.Errorf("%s: Ready = %q; want loopback", a.Name, l.Ready)
		case strings.Contains(cmd, post.Secret) || strings.Contains(cmd, basic.Secret):
			t.Errorf("%s: a secret is on the command line: %s", a.Name, cmd)
		case !strings.Contains(cmd, "127.0.0.1") && !strings.Contains(env, "127.0.0.1"):
			t.Errorf("%s: not bound to loopback: %s / %s", a.Name, cmd, env)
		}
		if _, ok := s.(registrar); ok {
			continue // its clients arrive over its admin API
		}
		for _, want := range []string{"INTEROP_POST_CLIENT_ID=" + post.ID, "INTEROP_POST_CLIENT_SECRET=" + post.Secret,
			"INTEROP_BASIC_CLIENT_ID=" + basic.ID, "INTEROP_BASIC_CLIENT_SECRET=" + basic.Secret,
			"INTEROP_SCOPES=" + ClientScopes, "INTEROP_TOKEN_LIFETIME=" + strconv.Itoa(a.Lifetime)} {
			if !strings.Contains(env, want+"\n") && !strings.HasSuffix(env, want) {
				t.Errorf("%s: environment lacks %s", a.Name, want)
			}
		}
	}
}

// TestSelect verifies -servers picks servers by name, in run order, and
// names the servers there are when one is unknown.
func TestSelect(t *testing.T) {
	tests := []struct{ list, want, wantErr string }{
		{"", "hydra,go-oauth2,node-oauth2-server,django-oauth-toolkit", ""},
		{"all", "hydra,go-oauth2,node-oauth2-server,django-oauth-toolkit", ""},
		{"django-oauth-toolkit, hydra", "hydra,django-oauth-toolkit", ""},
		{"glewlwyd", "", `no server "glewlwyd"; the servers are hydra, go-oauth2`},
	}
	for _, tt := range tests {
		got, err := Select(tt.list)
		var names []string
		for _, s := range got {
			names = append(names, s.About().Name)
		}
		if strings.Join(names, ",") != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Select(%q) = %v, %v; want %s, %q", tt.list, names, err, tt.want, tt.wantErr)
		}
	}
}

// TestRegistryError verifies a build that failed because a registry could
// not be reached is a skip quoting the line that says so, and any other
// failure stays a failure.
func TestRegistryError(t *testing.T) {
	tests := []struct {
		out      string
		wantSkip string
	}{
		{"go build: exit status 1\ngo: github.com/go-oauth2/oauth2/v4@v4.5.4: Get \"https://proxy.golang.org/...\": dial tcp: lookup proxy.golang.org: no such host",
			"the registry unreachable: go: github.com/go-oauth2/oauth2/v4@v4.5.4: Get \"https://proxy.golang.org/...\": dial tcp"},
		{"npm ci: exit status 1\nnpm error code ENOTFOUND\nnpm error request to https://registry.npmjs.org/basic-auth failed", "the registry unreachable: npm error code ENOTFOUND"},
		{"npm ci: exit status 1\nnpm error code EAI_AGAIN", "EAI_AGAIN"},
		{"go: module lookup disabled by GOPROXY=off", "GOPROXY=off"},
		{"go build: exit status 1\n./main.go:3:2: undefined: x", ""},
		{"npm ci: exit status 1\nnpm error `npm ci` can only install packages when your package.json and package-lock.json are in sync", ""},
	}
	for _, tt := range tests {
		err := registryError("the registry", errors.New(tt.out))
		why, skipped := Skipped(err)
		if skipped != (tt.wantSkip != "") || !strings.Contains(why, tt.wantSkip) {
			t.Errorf("registryError(%q) = %v (skip %v); want skip %q", tt.out, err, skipped, tt.wantSkip)
		}
		if !skipped && err.Error() != tt.out {
			t.Errorf("registryError changed a failure: %v", err)
		}
	}
	if registryError("x", nil) != nil {
		t.Error("registryError(nil) is not nil")
	}
}

// TestWiringsPinned verifies the committed wirings pin the versions the
// documents name: go.mod requires go-oauth2 v4.5.4 with its go.sum line,
// the lock installs @node-oauth/oauth2-server 5.3.0 with an integrity
// hash, and no wiring reads anything from outside the harness.
func TestWiringsPinned(t *testing.T) {
	if !strings.Contains(string(goOAuth2Mod), "require "+GoOAuth2Module+" "+GoOAuth2Version+"\n") {
		t.Errorf("go.mod.txt does not require %s %s:\n%s", GoOAuth2Module, GoOAuth2Version, goOAuth2Mod)
	}
	if !strings.Contains(string(goOAuth2Sum), GoOAuth2Module+" "+GoOAuth2Version+" h1:") {
		t.Errorf("go.sum.txt has no hash of %s %s", GoOAuth2Module, GoOAuth2Version)
	}
	var lock struct {
		Packages map[string]struct{ Version, Integrity string } `json:"packages"`
	}
	if err := json.Unmarshal(nodeOAuth2Lock, &lock); err != nil {
		t.Fatal(err)
	}
	for path, p := range lock.Packages {
		if path != "" && (p.Version == "" || !strings.HasPrefix(p.Integrity, "sha512-")) {
			t.Errorf("package-lock.json: %s has version %q, integrity %q; want both", path, p.Version, p.Integrity)
		}
	}
	if got := lock.Packages["node_modules/"+NodeOAuth2Package].Version; got != NodeOAuth2Version {
		t.Errorf("package-lock.json installs %s %q; want %s", NodeOAuth2Package, got, NodeOAuth2Version)
	}
	for _, w := range []wiring{goOAuth2Wiring, nodeOAuth2Wiring, djangoWiring} {
		for _, f := range w {
			if strings.Contains(string(f.body), "/work/") || strings.Contains(string(f.body), "127.0.0.1:0") {
				t.Errorf("%s reads a path outside the harness or binds a random port", f.name)
			}
		}
	}
}

// TestPrepareSkips verifies a server whose tool is missing is skipped with
// a reason, before anything is built.
func TestPrepareSkips(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	cache := t.TempDir()
	tests := []struct {
		s       Server
		wantWhy string
	}{
		{NodeOAuth2{}, "no node on PATH"},
		{GoOAuth2{}, "no go command"},
		{Hydra{}, "no go command"},
	}
	for _, tt := range tests {
		_, err := tt.s.Prepare(context.Background(), Tools{Go: "go", CacheDir: cache}, nil)
		if why, ok := Skipped(err); !ok || !strings.Contains(why, tt.wantWhy) {
			t.Errorf("%s: Prepare = %v; want a skip saying %q", tt.s.About().Name, err, tt.wantWhy)
		}
	}
	if left, _ := os.ReadDir(cache); len(left) > 0 {
		t.Errorf("a skipped server left %v in the cache", left)
	}
}

// TestRequires verifies a cached go-oauth2 build is checked by the module
// versions its binary records: the version, and not replaced.
func TestRequires(t *testing.T) {
	dep := func(version string, replaced bool) *debug.BuildInfo {
		m := &debug.Module{Path: GoOAuth2Module, Version: version}
		if replaced {
			m.Replace = &debug.Module{Path: "../fork"}
		}
		return &debug.BuildInfo{Deps: []*debug.Module{{Path: "github.com/google/uuid", Version: "v1.1.1"}, m}}
	}
	tests := []struct {
		name    string
		info    *debug.BuildInfo
		wantErr string
	}{
		{"pinned", dep(GoOAuth2Version, false), ""},
		{"other version", dep("v4.5.3", false), "built with " + GoOAuth2Module + " v4.5.3"},
		{"replaced", dep(GoOAuth2Version, true), "replaced: true"},
		{"absent", &debug.BuildInfo{}, "not built with " + GoOAuth2Module},
	}
	for _, tt := range tests {
		err := requires(tt.info, GoOAuth2Module, GoOAuth2Version)
		if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: requires = %v; want %q", tt.name, err, tt.wantErr)
		}
	}
	if err := goBinaryRequires(filepath.Join(t.TempDir(), "none"), GoOAuth2Module, GoOAuth2Version); err == nil {
		t.Error("goBinaryRequires accepted a missing binary")
	}
}
