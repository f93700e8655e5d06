package repro

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/repro/pastetest"
)

// FuzzReproduceLine builds a command with the fuzzed literal in every
// literal place (method, URL, header value, user, body) and the fuzzed
// value behind a variable in every place, written with the fuzzed escape,
// from the environment or from a file; pastes its line into an interactive
// bash (zsh on odd escapes); and checks what TestLinesRunAsWritten does:
// curl receives exactly Argv, or does not run when a required variable is
// unset, and nothing else runs. Seeds are in testdata/fuzz/FuzzReproduceLine.
func FuzzReproduceLine(f *testing.F) {
	f.Fuzz(func(t *testing.T, lit, value string, escape uint8, file, required bool) {
		if len(lit)+len(value) > 512 || strings.ContainsRune(value, 0) {
			return // a variable cannot hold a NUL byte
		}
		dir := t.TempDir()
		env := map[string]string{"V": value, "TOK": value}
		name := "V"
		if file {
			path := filepath.Join(dir, "v "+strings.NewReplacer("/", "_", "\x00", "_").Replace(lit))
			if len(filepath.Base(path)) > 200 || os.WriteFile(path, []byte(value), 0o600) != nil {
				return
			}
			env["V_FILE"], name = path, "V_FILE"
		}
		v := Part{Var: &Var{Name: name, File: file, Escape: Escape(escape % 3)}}
		c := Command{
			Method: lit,
			URL:    Arg{{Text: "http://127.0.0.1:9/" + lit}, v},
			Header: []Header{{Name: "X-Fuzz", Value: Arg{{Text: lit}, v, {Text: lit}}}},
			User:   Arg{{Text: lit + ":"}, v},
			Body:   Arg{{Text: lit}, v, {Text: lit}, v},
		}
		if required {
			c.Required = []Required{{Name: "TOK", Hint: "set it to a token the target issued"}}
		}
		line, err := c.String()
		if err != nil {
			if !strings.ContainsRune(lit, 0) {
				t.Fatalf("no line for %q: %v", lit, err)
			}
			return
		}
		want, argvErr := c.Argv(func(k string) string { return env[k] })
		shell := []string{"bash", "zsh"}[escape%2]
		r := pastetest.Run(t, shell, []string{line}, env)
		if len(r.SideEffects) > 0 {
			t.Fatalf("the line ran something besides curl, leaving %q:\n%s\n%s", r.SideEffects, line, r.Output)
		}
		got := r.Argv[0]
		if argvErr != nil {
			if got != nil {
				t.Fatalf("curl ran although %v:\n%s", argvErr, line)
			}
			return
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s: curl received\n%q\nwant\n%q\nline:\n%s\n%s", shell, got, want, line, r.Output)
		}
	})
}
