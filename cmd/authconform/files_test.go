package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authconform/authconform"
)

// badFiles are what a configuration flag may name instead of the file it
// wants, each with what the one line must say of it.
var badFiles = []struct{ name, says string }{
	{"/dev/zero", "is a device; want a regular file"},
	{"{dir}/zero-link", "is a device; want a regular file"},
	{"{dir}/fifo", "is a named pipe (FIFO); want a regular file"},
	{"{dir}/fifo-link", "is a named pipe (FIFO); want a regular file"},
	{"{dir}/sparse", "is larger than"},
	{"{dir}/adir", "is a directory; want a regular file"},
}

// fileFlags are the ways the command is told to read a file: "{file}" is
// where the bad file goes, "{good}" a valid run summary.
var fileFlags = []struct {
	name   string
	args   []string
	env    string // a variable naming the file, instead of args
	prefix string // how the line names the flag
}{
	{name: "-ca-file", args: []string{"-ca-file", "{file}"}, prefix: "-ca-file: "},
	{name: "-expect-failures", args: []string{"-expect-failures", "{file}"}, prefix: "-expect-failures: "},
	{name: "-update-expect-failures", args: []string{"-update-expect-failures", "{file}"}, prefix: "-update-expect-failures: "},
	{name: "diff, old", args: []string{"diff", "{file}", "{good}"}, prefix: "authconform: "},
	{name: "diff, new", args: []string{"diff", "{good}", "{file}"}, prefix: "authconform: "},
	{name: "secret file", env: "AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE", prefix: "AUTHCONFORM_INTEGRATION_CLIENT_SECRET_FILE: "},
}

// pathCases are -features and -schemas directories holding, or being,
// something other than what they should, and report paths naming what a
// report must never replace.
var pathCases = []struct {
	name string
	args []string
	says string
}{
	{"-schemas is /dev/zero", []string{"-schemas", "/dev/zero"}, "-schemas: /dev/zero is a device; want a directory"},
	{"-schemas is a FIFO", []string{"-schemas", "{dir}/fifo"}, "-schemas: " + "{dir}/fifo is a named pipe (FIFO); want a directory"},
	{"-schemas is a file", []string{"-schemas", "{dir}/sparse"}, "sparse is a regular file; want a directory"},
	{"schema file a link to /dev/zero", []string{"-schemas", "{dir}/schemas-zero"}, "token_response.json leads out of its directory"},
	{"schema file a FIFO", []string{"-schemas", "{dir}/schemas-fifo"}, "token_response.json is a named pipe (FIFO)"},
	{"schema file of 1 GiB", []string{"-schemas", "{dir}/schemas-sparse"}, "token_response.json is larger than 1 MiB"},
	{"-features is /dev/zero", []string{"-features", "/dev/zero"}, "-features: /dev/zero is a device; want a directory"},
	{"feature file a link to /dev/zero", []string{"-features", "{dir}/features-zero"}, "x.feature leads out of its directory"},
	{"feature file of 1 GiB", []string{"-features", "{dir}/features-sparse"}, "x.feature is larger than"},
	{"report path a FIFO", []string{"-format", "progress,junit:{dir}/fifo"}, "-format junit:{dir}/fifo: {dir}/fifo is a named pipe (FIFO); want a regular file"},
	{"report path a link to /dev/null", []string{"-format", "progress,junit:{dir}/null-link"}, "-format junit:{dir}/null-link: {dir}/null-link is a device"},
	{"report path a directory", []string{"-format", "progress,html:{dir}/adir"}, "-format html:{dir}/adir: {dir}/adir is a directory"},
}

// TestBadConfigurationFiles runs the command with every bad file in every
// place it reads one: each run ends with exit 2 and one line naming the
// file and what it is, before any request, without blocking, and without
// reading it whole.
func TestBadConfigurationFiles(t *testing.T) {
	dir := badFileDir(t)
	srv, requests := hostileServer(t, "counting")
	for _, flag := range fileFlags {
		for _, bad := range badFiles {
			t.Run(flag.name+"="+bad.name, func(t *testing.T) {
				file := strings.ReplaceAll(bad.name, "{dir}", dir)
				env := envFor(srv.url)
				var args []string
				for _, a := range flag.args {
					args = append(args, strings.NewReplacer("{file}", file, "{good}", filepath.Join(dir, "good.json")).Replace(a))
				}
				if flag.env != "" {
					delete(env, "AUTHCONFORM_INTEGRATION_CLIENT_SECRET")
					env[flag.env] = file
				}
				want := flag.prefix + file + " " + bad.says
				checkRefused(t, env, args, want)
			})
		}
	}
	for _, tc := range pathCases {
		t.Run(tc.name, func(t *testing.T) {
			var args []string
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "{dir}", dir))
			}
			checkRefused(t, envFor(srv.url), args, strings.ReplaceAll(tc.says, "{dir}", dir))
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("the target saw %d requests; want none", n)
	}
}

// checkRefused runs the command and checks it ended with exit 2 and the
// line, within a hang guard, allocating far less than the files hold.
func checkRefused(t *testing.T, env map[string]string, args []string, want string) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if len(args) == 0 || args[0] != "diff" {
		args = append([]string{"-format", "progress", "-quiet"}, args...)
	}
	done := make(chan result, 1)
	go func() { done <- runCLIContext(context.Background(), env, args...) }()
	var r result
	select {
	case r = <-done:
	case <-time.After(20 * time.Second): // a hang guard, not a timing check
		t.Fatalf("still running after 20 s: it blocked")
	}
	runtime.ReadMemStats(&after)
	if r.code != 2 {
		t.Fatalf("exit code = %d; want 2\nstderr:\n%s", r.code, r.stderr)
	}
	if last := lastLine(r.stderr); !strings.Contains(last, want) {
		t.Errorf("last line = %q; want it to say %q", last, want)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 256<<20 {
		t.Errorf("allocated %d MiB; a refused file must not be read", got>>20)
	}
}

// badFileDir lays out the bad files and the directories holding them.
func badFileDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sparse := func(p string) {
		must(os.WriteFile(p, nil, 0o644))
		must(os.Truncate(p, 1<<30)) // 1 GiB that costs no disk
	}
	must(syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600))
	must(os.Symlink("/dev/zero", filepath.Join(dir, "zero-link")))
	must(os.Symlink("fifo", filepath.Join(dir, "fifo-link")))
	must(os.Symlink("/dev/null", filepath.Join(dir, "null-link")))
	must(os.Mkdir(filepath.Join(dir, "adir"), 0o755))
	sparse(filepath.Join(dir, "sparse"))
	must(os.WriteFile(filepath.Join(dir, "good.json"), []byte(`{"tool": {"suite_digest": "sha256:0"}, "cases": []}`), 0o644))

	for _, kind := range []string{"zero", "fifo", "sparse"} {
		schemas := filepath.Join(dir, "schemas-"+kind)
		builtIn, err := fs.Sub(authconform.Files, "schemas")
		must(err)
		must(os.CopyFS(schemas, builtIn))
		bad := filepath.Join(schemas, "token_response.json")
		must(os.Remove(bad))
		switch kind {
		case "zero":
			must(os.Symlink("/dev/zero", bad))
		case "fifo":
			must(syscall.Mkfifo(bad, 0o600))
		case "sparse":
			sparse(bad)
		}
	}
	for _, kind := range []string{"zero", "sparse"} {
		features := filepath.Join(dir, "features-"+kind)
		must(os.Mkdir(features, 0o755))
		if kind == "zero" {
			must(os.Symlink("/dev/zero", filepath.Join(features, "x.feature")))
		} else {
			sparse(filepath.Join(features, "x.feature"))
		}
	}
	return dir
}

// TestReportsHonourTheUmask verifies that every report file is created
// 0666 less the umask, as a shell's redirection creates one, whatever its
// format. It sets the process's umask, so it does not run in parallel.
func TestReportsHonourTheUmask(t *testing.T) {
	for _, umask := range []int{0o077, 0o022, 0o002} {
		dir := t.TempDir()
		old := syscall.Umask(umask)
		r := runCLI(t, nil, "-quiet", "-tags", "@rfc6749-4.4",
			"-format", "progress,junit:"+dir+"/r.xml,json:"+dir+"/s.json,html:"+dir+"/r.html,cucumber:"+dir+"/c.json")
		syscall.Umask(old)
		if r.code != 0 {
			t.Fatalf("exit code = %d; want 0\n%s", r.code, r.stderr)
		}
		want := fs.FileMode(0o666 &^ umask)
		for _, name := range []string{"r.xml", "s.json", "r.html", "c.json"} {
			st, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != want {
				t.Errorf("umask %03o: %s is %v; want %v", umask, name, st.Mode().Perm(), want)
			}
		}
	}
}

// TestWritesNeverFollowPlantedLinks plants symbolic links where the
// command writes, to a file it must not touch: at the report's path, at
// the known-deviation file's path, and at the name the known-deviation
// file's temporary copy once had. Each link is replaced or left alone,
// never written through, and no temporary file is left behind.
func TestWritesNeverFollowPlantedLinks(t *testing.T) {
	const victimText = `{"expected_failures": []}`
	for _, tc := range []struct {
		name, planted string
		replaced      bool // the link is at the path written, and is replaced by the file
		args          []string
	}{
		{"report path", "r.xml", true, []string{"-format", "progress,junit:{dir}/r.xml"}},
		{"known-deviation file", "known.json", true, []string{"-format", "progress", "-update-expect-failures", "{dir}/known.json"}},
		{"old temporary name", "known.json.tmp", false, []string{"-format", "progress", "-update-expect-failures", "{dir}/known.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			victim := filepath.Join(t.TempDir(), "victim")
			if err := os.WriteFile(victim, []byte(victimText), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(victim, filepath.Join(dir, tc.planted)); err != nil {
				t.Fatal(err)
			}
			args := []string{"-quiet", "-tags", "@rfc6749-4.4"}
			for _, a := range tc.args {
				args = append(args, strings.ReplaceAll(a, "{dir}", dir))
			}
			if r := runCLI(t, nil, args...); r.code != 0 {
				t.Fatalf("exit code = %d; want 0\n%s", r.code, r.stderr)
			}
			if b, _ := os.ReadFile(victim); string(b) != victimText {
				t.Errorf("the link's target was written: %q", b)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".") {
					t.Errorf("temporary file left: %s", e.Name())
				}
				if (e.Name() != tc.planted || tc.replaced) && !e.Type().IsRegular() {
					t.Errorf("%s is %v; want a regular file", e.Name(), e.Type())
				}
			}
		})
	}
}
