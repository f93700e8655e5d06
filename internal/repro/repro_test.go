package repro

import (
	"bytes"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/repro/pastetest"
)

// TestQuote verifies each literal is written as the library quotes it,
// a bare word only when it is letters and digits, and a '!' never bare or
// inside double quotes.
func TestQuote(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"POST", "POST"},
		{"", "''"},
		{"http://h:1/p?a=b&c", `'http://h:1/p?a=b&c'`},
		{"/oauth/token", `'/oauth/token'`},
		{"it's", `"it's"`},
		{`a"$b` + "`c`", `'a"$b` + "`c`'"},
		{"line\nbreak", `$'line\nbreak'`},
		{"bang!", `'bang!'`},
		{"it's a !bang", `it\''s a !bang'`},
		{"\u2028 and \u202e", `$'\xe2'$'\x80'$'\xa8'' and '$'\xe2'$'\x80'$'\xae'`},
		{"'!'", `\''!'\'`},
		{"tab\t!'", `$'tab\t!'\'`},
		{"é", "'é'"},
	}
	for _, tt := range tests {
		got, err := quote(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("quote(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

// TestCommandString verifies the shape of a line: the required variables'
// guard, then curl with one argument per line, variables as their own
// double-quoted segments.
func TestCommandString(t *testing.T) {
	t.Parallel()
	c := Command{
		Method: "POST",
		URL:    Lit("http://127.0.0.1:8080/oauth/revoke"),
		Header: []Header{{Name: "Accept", Value: Lit("application/json")}, {Name: "X-Empty", Value: Arg{}}},
		User:   Arg{{Text: "my-id:"}, {Var: &Var{Name: "SECRET_FILE", File: true}}},
		Body: Arg{{Text: `{"token":"`}, {Var: &Var{Name: "AUTHCONFORM_ACCESS_TOKEN"}},
			{Text: `","client_secret":"`}, {Var: &Var{Name: "SECRET", Escape: JSON}}, {Text: `"}`}},
		Required: []Required{{Name: "AUTHCONFORM_ACCESS_TOKEN", Hint: "set it to a token"}},
	}
	got, err := c.String()
	if err != nil {
		t.Fatal(err)
	}
	prog, _ := quoteWord(jsonProgram)
	want := `: "${AUTHCONFORM_ACCESS_TOKEN:?set it to a token}" && \
curl -sS -i -g -X POST --url 'http://127.0.0.1:8080/oauth/revoke' \
  -H 'Accept: application/json' \
  -H 'X-Empty;' \
  -u 'my-id:'"$(cat -- "$SECRET_FILE")" \
  --data-raw '{"token":"'"$AUTHCONFORM_ACCESS_TOKEN"'","client_secret":"'"$(printf '%s.' "$SECRET" | LC_ALL=C awk ` + prog + `)"'"}'`
	if got != want {
		t.Errorf("line:\n%s\nwant:\n%s", got, want)
	}
}

// TestRefusesWhatNoLineCanSay verifies a command that cannot be written is
// an error, never a line: a NUL byte, a header name that is not a token
// (curl reads "@file" as a file of headers), a variable name or a hint
// that would be shell text.
func TestRefusesWhatNoLineCanSay(t *testing.T) {
	t.Parallel()
	ok := Command{Method: "GET", URL: Lit("http://h/")}
	tests := []struct {
		name string
		edit func(*Command)
	}{
		{"NUL in the body", func(c *Command) { c.Body = Lit("a\x00b") }},
		{"header name @file", func(c *Command) { c.Header = []Header{{Name: "@/etc/passwd", Value: Lit("x")}} }},
		{"header name with a colon", func(c *Command) { c.Header = []Header{{Name: "X:Y", Value: Lit("x")}} }},
		{"variable name with $(...)", func(c *Command) { c.URL = Arg{{Var: &Var{Name: "X$(id)"}}} }},
		{"hint with a quote", func(c *Command) { c.Required = []Required{{Name: "T", Hint: `a"b`}} }},
		{"hint with $", func(c *Command) { c.Required = []Required{{Name: "T", Hint: "a $b"}} }},
		{"unknown escape", func(c *Command) { c.Body = Arg{{Var: &Var{Name: "S", Escape: 9}}} }},
	}
	if _, err := ok.String(); err != nil {
		t.Fatalf("the plain command: %v", err)
	}
	for _, tt := range tests {
		c := ok
		tt.edit(&c)
		if line, err := c.String(); err == nil {
			t.Errorf("%s: got a line, want an error:\n%s", tt.name, line)
		}
	}
}

// hostilePieces are what random literals and values are made of: shell
// quotes and escapes, command substitutions and separators that would
// leave a file in the working directory if anything ran them, history
// expansions, globs, braces, curl's own @file and option syntax, control
// characters, invalid UTF-8 and bidi controls.
var hostilePieces = []string{
	`'`, `"`, `\`, `\'`, `'\''`, `$`, "`", `$(echo x >> pwned)`, "`echo x >> pwned`",
	`'$(echo x >> pwned)'`, `"$(echo x >> pwned)"`, `; echo x >> pwned;`, `&& echo x >> pwned`,
	`| tee pwned`, `> pwned`, `&`, "\n", "\r\n", `!`, `!!`, `!-1`, `!e`, `^a^b`, `*`, `?`, `[a]`,
	`{a,b}`, `~`, `#`, `$HOME`, `${PATH}`, `$'\x41'`, " ", "\t", `%`, `%41`, `+`, `=`, `:`, `<`, `>`,
	`--`, `-X`, `@/etc/passwd`, `é`, "\u202e", "\u2028", "\x01", "\x1b[2J", "\x7f", "\xff", "\xc3",
	"token", "secret", "abc123",
}

func hostileText(rng *rand.Rand, pieces int) string {
	var b strings.Builder
	for range pieces {
		b.WriteString(hostilePieces[rng.IntN(len(hostilePieces))])
	}
	return b.String()
}

// randomCase is a command with hostile literals everywhere and hostile
// values behind every kind of variable.
type randomCase struct {
	cmd Command
	env map[string]string
}

func newRandomCase(t *testing.T, rng *rand.Rand, dir string, i int) randomCase {
	t.Helper()
	lit := func() string { return hostileText(rng, 1+rng.IntN(4)) }
	// Each case has its own variables, so that one shell runs them all.
	n := func(name string) string { return name + "_" + strconv.Itoa(i) }
	env := map[string]string{n("S1"): hostileText(rng, 1+rng.IntN(5)), n("S2"): hostileText(rng, 1+rng.IntN(5)), n("TOK"): hostileText(rng, 1+rng.IntN(5))}
	// A file variable whose path, too, is hostile text.
	path := filepath.Join(dir, strings.NewReplacer("/", "_", "\x00", "").Replace(hostileText(rng, 2))+string(rune('a'+i%26)))
	if err := os.WriteFile(path, []byte(hostileText(rng, 1+rng.IntN(5))+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env[n("S3_FILE")] = path
	// A file the line names by its path (a settings file wrote it): the
	// path is hostile text too, written in the line as a literal.
	written := filepath.Join(dir, "w"+strings.NewReplacer("/", "_", "\x00", "").Replace(hostileText(rng, 2))+string(rune('a'+i%26)))
	if err := os.WriteFile(written, []byte(hostileText(rng, 1+rng.IntN(5))), 0o600); err != nil {
		t.Fatal(err)
	}
	// A variable of the case, its escape drawn at random.
	v := func(name string) Part {
		return Part{Var: &Var{Name: n(name), File: name == "S3_FILE", Escape: Escape(rng.IntN(3))}}
	}
	c := Command{
		Method: []string{"POST", "GET", lit()}[rng.IntN(3)],
		URL:    Arg{{Text: "http://127.0.0.1:9/" + lit()}, v("S1")},
		Header: []Header{
			{Name: "X-Literal", Value: Lit(lit())},
			{Name: "Authorization", Value: Arg{{Text: "Bearer "}, {Var: &Var{Name: n("TOK")}}}},
			{Name: "X-Empty", Value: Arg{}},
		},
		User: Arg{{Text: lit() + ":"}, v("S2"), {Text: lit()}},
		Body: Arg{{Text: lit()}, v("S1"), {Text: lit()}, v("S3_FILE"), v("S2"), {Text: lit()},
			{Var: &Var{Path: written, Escape: Escape(rng.IntN(3))}}},
	}
	if rng.IntN(2) == 0 {
		c.Required = []Required{{Name: n("TOK"), Hint: "set it to a token the target issued"}}
		if rng.IntN(3) == 0 {
			delete(env, n("TOK")) // the line must stop, saying so
		}
	}
	return randomCase{cmd: c, env: env}
}

// TestLinesRunAsWritten is the property: random commands, hostile text in
// every literal and every variable's value, pasted into an interactive
// bash and zsh (history expansion on), give curl exactly the arguments
// Argv says, or do not run curl when a required variable is unset, and
// leave nothing behind: no command but curl ran.
func TestLinesRunAsWritten(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(0x5eed_2026, 19))
	dir := t.TempDir()
	var cases []randomCase
	for i := range 8 {
		cases = append(cases, newRandomCase(t, rng, dir, i))
	}
	for shell := range pastetest.Shells {
		t.Run("shell="+shell, func(t *testing.T) {
			t.Parallel()
			checkPasted(t, shell, cases)
		})
	}
}

// checkPasted runs every case's line in one shell and compares what curl
// received with what Argv says.
func checkPasted(t *testing.T, shell string, cases []randomCase) {
	t.Helper()
	env := map[string]string{}
	var lines []string
	var cmds []randomCase
	for _, c := range cases {
		line, err := c.cmd.String()
		if err != nil {
			continue // a NUL byte cannot reach a command: no line
		}
		// A console indents each line of a command: a raw line break
		// inside a quoted argument would put the indentation in it.
		for _, l := range strings.Split(line, "\n")[1:] {
			if !strings.HasPrefix(l, "curl ") && !strings.HasPrefix(l, "  -") {
				t.Fatalf("a line of the command is not an option on its own line: %q\n%s", l, line)
			}
		}
		maps.Copy(env, c.env)
		lines, cmds = append(lines, line), append(cmds, c)
	}
	r := pastetest.Run(t, shell, lines, env)
	if len(r.SideEffects) > 0 {
		t.Fatalf("a line ran something besides curl, leaving %q:\n%s", r.SideEffects, r.Output)
	}
	for i, c := range cmds {
		want, argvErr := c.cmd.Argv(func(k string) string { return env[k] })
		switch got := r.Argv[i]; {
		case argvErr != nil && got != nil:
			t.Errorf("line %d: curl ran although %v:\n%s", i, argvErr, lines[i])
		case argvErr == nil && !slices.Equal(got, want):
			t.Errorf("line %d: curl received\n%q\nwant\n%q\nline:\n%s", i, got, want, lines[i])
		}
	}
	if t.Failed() {
		t.Logf("%s said:\n%s", shell, r.Output)
	}
}

// TestEscapesAgreeWithAwk verifies the line's escape programs give what
// Escape.Apply says, in every awk installed (the line names only "awk",
// which may be any of them), for values holding every byte.
func TestEscapesAgreeWithAwk(t *testing.T) {
	t.Parallel()
	var all []byte
	for b := 1; b < 256; b++ {
		all = append(all, byte(b))
	}
	values := []string{"", "é€😀\n\n", string(all)}
	// "awk" is one of these, or another this test cannot name.
	awks := [][]string{{"awk"}, {"mawk"}, {"gawk"}, {"original-awk"}, {"busybox", "awk"}}
	ran := 0
	for _, a := range awks {
		if _, err := exec.LookPath(a[0]); err != nil {
			continue
		}
		ran++
		for _, v := range values {
			for _, e := range []struct {
				escape Escape
				stdin  string
				prog   string
				od     bool
			}{{JSON, v + ".", jsonProgram, false}, {Form, v, formProgram, true}} {
				in := []byte(e.stdin)
				if e.od {
					out, err := pipe(exec.Command("od", "-An", "-v", "-tx1"), in)
					if err != nil {
						t.Fatal(err)
					}
					in = out
				}
				cmd := exec.Command(a[0], append(a[1:], e.prog)...)
				cmd.Env = []string{"LC_ALL=C"}
				got, err := pipe(cmd, in)
				if want := e.escape.Apply(v); err != nil || string(got) != want {
					t.Errorf("%s, escape %d of %q: %q, %v; want %q", strings.Join(a, " "), e.escape, v, got, err, want)
				}
			}
		}
	}
	if ran == 0 {
		t.Skip("no awk installed")
	}
}

func pipe(cmd *exec.Cmd, in []byte) ([]byte, error) {
	cmd.Stdin = bytes.NewReader(in)
	return cmd.Output()
}

// TestPathVariable verifies a file named by its path is read by that
// path, quoted as every literal is.
func TestPathVariable(t *testing.T) {
	t.Parallel()
	c := Command{Method: "POST", URL: Lit("http://h/"), Body: Arg{{Var: &Var{Path: "/run/secrets/it's"}}}}
	got, err := c.String()
	if err != nil {
		t.Fatal(err)
	}
	if want := `--data-raw "$(cat -- "/run/secrets/it's")"`; !strings.Contains(got, want) {
		t.Errorf("line:\n%s\nwant it to hold %s", got, want)
	}
}
