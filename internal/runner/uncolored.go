package runner

import "io"

// godog's formatters write ANSI colour sequences, and its own way to drop
// them (Options.NoColors) writes what is left one character per Write: a
// system call per byte of every report godog writes to a file, which made
// writing a cucumber report cost more than the run it reports. The runner
// runs godog with colours on and drops them itself, the same way, a whole
// Write (or a whole scratch file) at once.

// colorState is where a text stands in godog's colour sequences.
type colorState int

const (
	plainText   colorState = iota
	afterEscape            // an ESC was read
	inSequence             // ESC [ was read: the sequence runs to a letter or '@'
)

// uncolored is an io.Writer that drops the colour sequences from what is
// written to it, as godog's colors.Uncolored does: ESC [ ... up to and
// including a letter or '@', and an ESC followed by anything else together
// with that byte. A sequence may be split across writes.
type uncolored struct {
	w     io.Writer
	state colorState
	buf   []byte
}

func (u *uncolored) Write(p []byte) (int, error) {
	u.buf, u.state = appendUncolored(u.buf[:0], p, u.state)
	if _, err := u.w.Write(u.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// stripColors is text without its colour sequences.
func stripColors(text []byte) []byte {
	out, _ := appendUncolored(make([]byte, 0, len(text)), text, plainText)
	return out
}

// appendUncolored appends p to out without its colour sequences, starting
// in state st, and returns the state p ends in.
func appendUncolored(out, p []byte, st colorState) ([]byte, colorState) {
	for _, c := range p {
		switch st {
		case plainText:
			if c == 0x1b {
				st = afterEscape
				continue
			}
			out = append(out, c)
		case afterEscape:
			st = plainText
			if c == '[' {
				st = inSequence
			}
		case inSequence:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '@' {
				st = plainText
			}
		}
	}
	return out, st
}
