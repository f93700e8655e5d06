package termsafe

import (
	"io"
	"sync"
	"unicode/utf8"
)

// Writer is Clean for a stream: what is written through it reaches the
// underlying writer cleaned. A character split across two writes is held
// back until it is whole, so it is not mistaken for bytes that are not
// UTF-8; Close writes out what is held (as escapes: nothing can complete
// it). It is safe for concurrent use.
type Writer struct {
	mu   sync.Mutex
	w    io.Writer
	held []byte // the start of a character a later write may complete
}

// NewWriter returns a Writer that writes to w. Close does not close w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write cleans p and writes it out, except the start of a character at
// its end.
func (cw *Writer) Write(p []byte) (int, error) {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	b := p
	if len(cw.held) > 0 {
		b = append(cw.held, p...)
		cw.held = nil
	}
	whole := len(b) - incompleteTail(b)
	if whole < len(b) {
		cw.held = append([]byte(nil), b[whole:]...)
	}
	if whole == 0 {
		return len(p), nil
	}
	if _, err := cw.w.Write(CleanBytes(b[:whole])); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close writes out what is held back. It does not close the underlying
// writer.
func (cw *Writer) Close() error {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	if len(cw.held) == 0 {
		return nil
	}
	_, err := cw.w.Write(CleanBytes(cw.held))
	cw.held = nil
	return err
}

// incompleteTail is the length of b's end that starts a multi-byte
// character without finishing it: 0 to 3 bytes.
func incompleteTail(b []byte) int {
	for n := 1; n <= utf8.UTFMax-1 && n <= len(b); n++ {
		c := b[len(b)-n]
		if utf8.RuneStart(c) {
			if c >= utf8.RuneSelf && !utf8.FullRune(b[len(b)-n:]) {
				return n
			}
			return 0
		}
	}
	return 0
}
