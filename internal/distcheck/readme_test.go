package distcheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"mvdan.cc/sh/v3/syntax"
)

// readmeRecipes are the README's code blocks in language lang, in order.
func readmeRecipes(t *testing.T, lang string) []string {
	t.Helper()
	blocks := regexp.MustCompile("(?ms)^```"+regexp.QuoteMeta(lang)+"\n(.*?)^```").FindAllStringSubmatch(string(readTop(t, "README.md")), -1)
	var out []string
	for _, b := range blocks {
		out = append(out, b[1])
	}
	return out
}

// module is go.mod's module path and Go version (major.minor).
func module(t *testing.T) (path, goVersion string) {
	t.Helper()
	mod := string(readTop(t, "go.mod"))
	path = regexp.MustCompile(`(?m)^module (\S+)`).FindStringSubmatch(mod)[1]
	goVersion = regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(mod)[1]
	return path, goVersion
}

// installLine is a go install of the command, at a version or from a clone.
var installLine = regexp.MustCompile(`go install "?(\S+?/cmd/authconform|\./cmd/authconform)(@[^"\s]+)?"?`)

// TestGitLabRecipe verifies the README's GitLab job: YAML GitLab can read,
// a Go image of go.mod's release, shell lines that parse, and a go install
// of this module's command at a pinned version, so that it works from
// the server's repository, not only from a clone of this one.
func TestGitLabRecipe(t *testing.T) {
	t.Parallel()
	mod, goVersion := module(t)
	found := false
	for _, r := range readmeRecipes(t, "yaml") {
		if strings.Contains(r, "runs-on:") {
			continue
		}
		var jobs map[string]struct {
			Image  string   `yaml:"image"`
			Script []string `yaml:"script"`
		}
		if err := yaml.Unmarshal([]byte(r), &jobs); err != nil {
			t.Fatalf("GitLab recipe: %v\n%s", err, r)
		}
		for name, job := range jobs {
			found = true
			if want := "golang:" + goVersion; job.Image != want {
				t.Errorf("job %s: image %q; want %q, go.mod's release", name, job.Image, want)
			}
			installs := 0
			for _, line := range job.Script {
				if _, err := syntax.NewParser().Parse(strings.NewReader(line), ""); err != nil {
					t.Errorf("job %s: script line %q does not parse: %v", name, line, err)
				}
				m := installLine.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				installs++
				if m[1] != mod+"/cmd/authconform" || m[2] == "" {
					t.Errorf("job %s installs %s%s; want %s/cmd/authconform@VERSION, which works outside this repository", name, m[1], m[2], mod)
				}
			}
			if installs != 1 {
				t.Errorf("job %s: %d go install lines; want 1", name, installs)
			}
		}
	}
	if !found {
		t.Fatal("the README has no GitLab recipe (a ```yaml block without runs-on:)")
	}
}

// TestInstallLines verifies every go install the README shows names this
// module's command (or ./cmd/authconform, from a clone), that one of them
// installs from a clone, and that the command is where they say.
func TestInstallLines(t *testing.T) {
	t.Parallel()
	mod, _ := module(t)
	fromClone := false
	for _, m := range installLine.FindAllStringSubmatch(string(readTop(t, "README.md")), -1) {
		switch m[1] {
		case "./cmd/authconform":
			fromClone = true
		case mod + "/cmd/authconform":
		default:
			t.Errorf("README installs %s; want %s/cmd/authconform or ./cmd/authconform", m[1], mod)
		}
	}
	if !fromClone {
		t.Error("the README shows no install from a clone (go install ./cmd/authconform)")
	}
	if _, err := os.Stat(filepath.Join(top, "cmd", "authconform", "main.go")); err != nil {
		t.Errorf("the command is not at cmd/authconform: %v", err)
	}
}
