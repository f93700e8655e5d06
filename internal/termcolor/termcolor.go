// Package termcolor colours the text people read on a terminal: red for
// failures, yellow for warnings, green for passes, dim for what was left
// out or not run. Colour is on only when asked for (-color always) or when
// the output is a terminal that wants it: not with NO_COLOR set to
// anything but empty (no-color.org), not with TERM=dumb, never into a pipe
// or a file.
//
// Colour never wraps text as it came: Paint cleans it with termsafe first,
// and the stream guard (NewWriter) lets through only this package's own
// colour sequences, escaping every other control character as
// termsafe.Writer does.
package termcolor

import (
	"fmt"
	"io"
	"os"

	"github.com/authconform/authconform/internal/termsafe"
)

// Mode is the -color flag: auto (a terminal that wants it), always, never.
type Mode string

// The modes there are.
const (
	Auto   Mode = "auto"
	Always Mode = "always"
	Never  Mode = "never"
)

// ParseMode reads -color.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Auto, Always, Never:
		return m, nil
	}
	return "", fmt.Errorf("-color %q: want auto, always or never", s)
}

// Enabled decides whether output to w is coloured under mode m. Always
// overrides NO_COLOR, as no-color.org asks of a per-run option; auto
// colours only a terminal (a character device, as os.File's mode says),
// and not with NO_COLOR set to anything but empty or with TERM=dumb.
func Enabled(m Mode, getenv func(string) string, w io.Writer) bool {
	switch {
	case m == Always:
		return true
	case m == Never:
		return false
	case getenv("NO_COLOR") != "", getenv("TERM") == "dumb":
		return false
	}
	return isTerminal(w)
}

// isTerminal reports whether w is a file that is a terminal. A wrapper
// (termsafe's, redaction's) is not: the caller decides on the file itself.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Colour is one of the palette's colours.
type Colour int

// The palette: one colour per kind of outcome.
const (
	Plain  Colour = iota // no colour
	Red                  // a failure
	Yellow               // a warning
	Green                // a pass
	Dim                  // left out, not run, a note about the run
)

// sequences are the SGR sequences of the palette, and reset, the only
// control sequences NewWriter lets through.
var sequences = map[Colour]string{
	Red:    "\x1b[31m",
	Yellow: "\x1b[33m",
	Green:  "\x1b[32m",
	Dim:    "\x1b[2m",
}

const reset = "\x1b[0m"

// Painter paints text, or, when off, only cleans it. The zero Painter is
// off.
type Painter struct{ On bool }

// Paint is s cleaned by termsafe, in colour c when the painter is on.
func (p Painter) Paint(c Colour, s string) string {
	s = termsafe.Clean(s)
	seq, ok := sequences[c]
	if !p.On || !ok || s == "" {
		return s
	}
	return seq + s + reset
}
