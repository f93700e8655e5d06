package termcolor

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// TestColorEnabled decides colour for every mode, environment and kind of
// output: a terminal (a pty) in auto mode gets colour unless NO_COLOR is
// set to anything but empty or TERM is dumb; a pipe, a file and a buffer
// never do in auto mode; always and never override all of it.
func TestColorEnabled(t *testing.T) {
	t.Parallel()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty on this system: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	outputs := map[string]io.Writer{"terminal": tty, "pipe": pw, "file": file, "buffer": &bytes.Buffer{}}
	for _, tc := range []struct {
		mode   Mode
		env    map[string]string
		output string
		want   bool
	}{
		{Auto, nil, "terminal", true},
		{Auto, map[string]string{"TERM": "xterm-256color"}, "terminal", true},
		{Auto, map[string]string{"NO_COLOR": ""}, "terminal", true}, // empty is unset, as no-color.org says
		{Auto, map[string]string{"NO_COLOR": "1"}, "terminal", false},
		{Auto, map[string]string{"NO_COLOR": "0"}, "terminal", false}, // any value
		{Auto, map[string]string{"TERM": "dumb"}, "terminal", false},
		{Auto, nil, "pipe", false},
		{Auto, nil, "file", false},
		{Auto, nil, "buffer", false},
		{Always, map[string]string{"NO_COLOR": "1", "TERM": "dumb"}, "pipe", true},
		{Never, nil, "terminal", false},
	} {
		getenv := func(k string) string { return tc.env[k] }
		if got := Enabled(tc.mode, getenv, outputs[tc.output]); got != tc.want {
			t.Errorf("-color %s, env %v, a %s: colour %v; want %v", tc.mode, tc.env, tc.output, got, tc.want)
		}
	}
}

// TestColorParseMode verifies -color's values.
func TestColorParseMode(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"auto", "always", "never"} {
		if m, err := ParseMode(s); err != nil || string(m) != s {
			t.Errorf("ParseMode(%q) = %q, %v; want it back", s, m, err)
		}
	}
	for _, s := range []string{"", "yes", "ALWAYS", "true"} {
		if _, err := ParseMode(s); err == nil || !strings.Contains(err.Error(), "auto, always or never") {
			t.Errorf("ParseMode(%q): error %v; want one naming the values", s, err)
		}
	}
}

// TestColorPaintCleansFirst verifies the painter cleans text before it
// colours it, so a target's escape sequence is shown, never acted on, with
// colour on or off.
func TestColorPaintCleansFirst(t *testing.T) {
	t.Parallel()
	hostile := "name\x1b]0;owned\x07\x1b[2J\u202e"
	on := Painter{On: true}.Paint(Red, hostile)
	if want := "\x1b[31mname\\x1b]0;owned\\x07\\x1b[2J\\u202e\x1b[0m"; on != want {
		t.Errorf("Paint on = %q; want %q", on, want)
	}
	if off := (Painter{}).Paint(Red, hostile); strings.IndexByte(off, 0x1b) >= 0 {
		t.Errorf("Paint off = %q; want no escape byte", off)
	}
	if got := (Painter{On: true}).Paint(Plain, "x"); got != "x" {
		t.Errorf("Paint(Plain) = %q; want no colour", got)
	}
}

// TestColorWriterKeepsOnlyThePalette writes text holding the palette's
// sequences and others, whole and a byte at a time: the palette's pass,
// every other control character is escaped as termsafe escapes it.
func TestColorWriterKeepsOnlyThePalette(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"palette", "\x1b[31m× failed\x1b[0m ok \x1b[2mleft\x1b[0m", "\x1b[31m× failed\x1b[0m ok \x1b[2mleft\x1b[0m"},
		{"other SGR", "\x1b[8mhidden\x1b[0m", "\\x1b[8mhidden\x1b[0m"},
		{"cursor and title", "\x1b[2J\x1b]0;t\x07", "\\x1b[2J\\x1b]0;t\\x07"},
		{"lone ESC at the end", "text\x1b", "text\\x1b"},
		{"prefix then not", "\x1b[3", "\\x1b[3"},
		{"C1 CSI", "a\u009b31mb", "a\\u009b31mb"},
		{"UTF-8 cut by a sequence", "caf\xc3\x1b[0m\xa9", "caf\\xc3\x1b[0m\\xa9"},
		{"text kept", "é ✔ 日本\n\tx", "é ✔ 日本\n\tx"},
	} {
		for _, chunk := range []int{0, 1, 2, 3} {
			var out bytes.Buffer
			w := NewWriter(&out)
			if chunk == 0 {
				w.Write([]byte(tc.in))
			} else {
				for b := []byte(tc.in); len(b) > 0; b = b[min(chunk, len(b)):] {
					w.Write(b[:min(chunk, len(b))])
				}
			}
			w.Close()
			if out.String() != tc.want {
				t.Errorf("%s, in writes of %d bytes (0: one): wrote %q; want %q", tc.name, chunk, out.String(), tc.want)
			}
		}
	}
}

// TestColorKeeps verifies the run colours only a writer that keeps the
// palette.
func TestColorKeeps(t *testing.T) {
	t.Parallel()
	if !Keeps(NewWriter(io.Discard)) || Keeps(io.Discard) || Keeps(os.Stdout) {
		t.Error("Keeps: want true for a Writer only")
	}
}
