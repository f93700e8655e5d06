package distcheck

import (
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// goreleaser is the part of .goreleaser.yaml the action and the README
// rely on. make release-check runs goreleaser's own check on all of it.
type goreleaser struct {
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		Main   string   `yaml:"main"`
		Binary string   `yaml:"binary"`
		Env    []string `yaml:"env"`
		Goos   []string `yaml:"goos"`
		Goarch []string `yaml:"goarch"`
	} `yaml:"builds"`
	Archives []struct {
		Formats         []string `yaml:"formats"`
		NameTemplate    string   `yaml:"name_template"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
	} `yaml:"checksum"`
}

// TestReleaseArchivesMatchTheAction verifies the release archives are
// what the action's install: release downloads: one static build of the
// command for every runner it maps (Linux, macOS, Windows on X64 and
// ARM64), named authconform_VERSION_OS_ARCH, tar.gz but zip on Windows,
// beside checksums.txt.
func TestReleaseArchivesMatchTheAction(t *testing.T) {
	t.Parallel()
	var g goreleaser
	if err := yaml.Unmarshal(readTop(t, ".goreleaser.yaml"), &g); err != nil {
		t.Fatal(err)
	}
	if g.ProjectName != "authconform" || len(g.Builds) != 1 || len(g.Archives) != 1 {
		t.Fatalf("project %q, %d builds, %d archives; want authconform, 1, 1", g.ProjectName, len(g.Builds), len(g.Archives))
	}
	b, a := g.Builds[0], g.Archives[0]
	if b.Main != "./cmd/authconform" || b.Binary != "authconform" || !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build: main %q, binary %q, env %v; want ./cmd/authconform, authconform, CGO_ENABLED=0 (static)", b.Main, b.Binary, b.Env)
	}
	for _, os := range []string{"linux", "darwin", "windows"} {
		if !slices.Contains(b.Goos, os) {
			t.Errorf("no build for %s, which the action maps a runner to", os)
		}
	}
	for _, arch := range []string{"amd64", "arm64"} {
		if !slices.Contains(b.Goarch, arch) {
			t.Errorf("no build for %s, which the action maps a runner to", arch)
		}
	}
	if want := "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}"; a.NameTemplate != want {
		t.Errorf("archive name_template %q; want %q, as the action builds it", a.NameTemplate, want)
	}
	zipOnWindows := slices.ContainsFunc(a.FormatOverrides, func(o struct {
		Goos    string   `yaml:"goos"`
		Formats []string `yaml:"formats"`
	}) bool {
		return o.Goos == "windows" && slices.Equal(o.Formats, []string{"zip"})
	})
	if !slices.Equal(a.Formats, []string{"tar.gz"}) || !zipOnWindows {
		t.Errorf("archive formats %v, overrides %+v; want tar.gz, zip on windows", a.Formats, a.FormatOverrides)
	}
	if g.Checksum.NameTemplate != "checksums.txt" {
		t.Errorf("checksum file %q; want checksums.txt", g.Checksum.NameTemplate)
	}
	act := string(readTop(t, "action.yml"))
	for _, want := range []string{`archive="authconform_${version#v}_${os}_${arch}.${ext}"`, `"$url/checksums.txt"`, "ext=zip"} {
		if !strings.Contains(act, want) {
			t.Errorf("action.yml does not hold %s", want)
		}
	}
}
