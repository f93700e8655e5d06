package distcheck

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/image"
)

// TestDockerfile verifies the Dockerfile builds what make image builds,
// as its instructions say: a static binary (CGO_ENABLED=0) from go.mod's
// Go release, on distroless static or scratch, at the image builder's
// path, run as its non-root user.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	_, goVersion := module(t)
	var from, runs, copies []string
	var user, entrypoint string
	for _, line := range strings.Split(string(readTop(t, "Dockerfile")), "\n") {
		word, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch word {
		case "FROM":
			from = append(from, rest)
		case "RUN":
			runs = append(runs, rest)
		case "COPY":
			copies = append(copies, rest)
		case "USER":
			user = rest
		case "ENTRYPOINT":
			entrypoint = rest
		}
	}
	if len(from) < 2 || !strings.HasPrefix(from[0], "golang:"+goVersion+" ") {
		t.Fatalf("FROM %v; want a golang:%s build stage, then the image's base", from, goVersion)
	}
	base := from[len(from)-1]
	if base != "scratch" && !regexp.MustCompile(`^gcr\.io/distroless/static(-debian\d+)?(:nonroot)?$`).MatchString(base) {
		t.Errorf("the image is based on %q; want distroless static or scratch", base)
	}
	if !slices.ContainsFunc(runs, func(r string) bool {
		return strings.Contains(r, "CGO_ENABLED=0 go build") && strings.Contains(r, "./cmd/authconform")
	}) {
		t.Errorf("no RUN builds ./cmd/authconform with CGO_ENABLED=0: %v", runs)
	}
	if !slices.ContainsFunc(copies, func(c string) bool { return strings.HasSuffix(c, " "+image.BinaryPath) }) {
		t.Errorf("no COPY puts the binary at %s: %v", image.BinaryPath, copies)
	}
	if user != image.User {
		t.Errorf("USER %q; want %s, the non-root user make image runs as", user, image.User)
	}
	if want := `["` + image.BinaryPath + `"]`; entrypoint != want {
		t.Errorf("ENTRYPOINT %s; want %s", entrypoint, want)
	}
}
