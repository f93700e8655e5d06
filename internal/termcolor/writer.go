package termcolor

import (
	"bytes"
	"io"
	"strings"
	"sync"

	"github.com/authconform/authconform/internal/termsafe"
)

// Writer is termsafe.Writer that lets the palette's colour sequences
// through: every other control character that reaches it is escaped, so
// what a target sent can at most look like one of our colours if someone
// forgot to clean it, never move the cursor or retitle the terminal. A
// sequence split across writes is held back until it is whole. It is safe
// for concurrent use.
type Writer struct {
	mu   sync.Mutex
	w    io.Writer
	text *termsafe.Writer // the text between sequences
	held []byte           // the start of a sequence a later write may complete
}

// NewWriter returns a Writer that writes to w. Close does not close w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w, text: termsafe.NewWriter(w)} }

// Keeps reports whether w lets the palette's sequences through: the run
// colours what it writes to w only then. A wrapper that writes to such a
// writer says so by a KeepsColour method.
func Keeps(w io.Writer) bool {
	k, ok := w.(interface{ KeepsColour() bool })
	return ok && k.KeepsColour()
}

// KeepsColour says a Writer keeps the palette's sequences.
func (cw *Writer) KeepsColour() bool { return true }

// Write writes p: its colour sequences as they are, the rest cleaned.
func (cw *Writer) Write(p []byte) (int, error) {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	b := p
	if len(cw.held) > 0 {
		b = append(cw.held, p...)
		cw.held = nil
	}
	for len(b) > 0 {
		i := bytes.IndexByte(b, 0x1b)
		if i < 0 {
			break
		}
		if _, err := cw.text.Write(b[:i]); err != nil {
			return 0, err
		}
		seq, whole := sequenceAt(b[i:])
		switch {
		case seq > 0:
			// The text before it is over: a character it cut is escaped.
			if err := cw.text.Close(); err != nil {
				return 0, err
			}
			if _, err := cw.w.Write(b[i : i+seq]); err != nil {
				return 0, err
			}
			b = b[i+seq:]
		case !whole:
			cw.held = append([]byte(nil), b[i:]...)
			return len(p), nil
		default:
			// Not ours: the ESC is escaped with the text after it.
			if _, err := cw.text.Write(b[i : i+1]); err != nil {
				return 0, err
			}
			b = b[i+1:]
		}
	}
	if _, err := cw.text.Write(b); err != nil {
		return 0, err
	}
	return len(p), nil
}

// sequenceAt reads b, which starts with ESC: the length of the palette's
// sequence it starts with, or 0; whole is false when b is shorter than a
// sequence it may yet become.
func sequenceAt(b []byte) (n int, whole bool) {
	s := string(b[:min(len(b), 8)])
	for _, seq := range allSequences {
		if strings.HasPrefix(s, seq) {
			return len(seq), true
		}
	}
	for _, seq := range allSequences {
		if len(s) < len(seq) && strings.HasPrefix(seq, s) {
			return 0, false
		}
	}
	return 0, true
}

// allSequences are the sequences Writer lets through.
var allSequences = func() []string {
	out := []string{reset}
	for _, s := range sequences {
		out = append(out, s)
	}
	return out
}()

// Close writes out what is held back, escaped: nothing can complete it.
// It does not close the underlying writer.
func (cw *Writer) Close() error {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	if len(cw.held) > 0 {
		if _, err := cw.text.Write(cw.held); err != nil {
			return err
		}
		cw.held = nil
	}
	return cw.text.Close()
}
