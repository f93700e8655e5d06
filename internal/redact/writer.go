package redact

import (
	"bytes"
	"io"
	"sync"
)

// Writer returns a writer that masks everything written through it before
// it reaches w. A line is the unit of masking: it holds back an incomplete
// last line, so a value split across two writes is still masked, and the
// end of a line that a value (one holding a newline) may continue on the
// next. Close flushes what is left; it does not close w.
func (r *Redactor) Writer(w io.Writer) io.WriteCloser {
	return &lineWriter{r: r, w: w}
}

// maxHeld bounds what a lineWriter holds back past a newline, so a line
// that keeps looking like the start of a value cannot make it rescan more
// and more of the same bytes.
const maxHeld = 64 << 10

type lineWriter struct {
	mu  sync.Mutex
	r   *Redactor
	w   io.Writer
	buf []byte // written, not yet masked: the current line, at least
}

func (lw *lineWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	// Only p is searched for a newline: searching the whole buffer each
	// time made a long line written in small pieces quadratic.
	i := bytes.LastIndexByte(p, '\n')
	if i < 0 {
		lw.buf = append(lw.buf, p...)
		return len(p), nil
	}
	lw.buf = append(lw.buf, p[:i+1]...)
	out, held := lw.r.maskLines(lw.buf)
	lw.buf = append(lw.buf[:copy(lw.buf, held)], p[i+1:]...)
	if _, err := lw.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// maskLines masks b, whole lines, but holds back an end that a value may
// continue; it returns the masked part and the part held back.
func (r *Redactor) maskLines(b []byte) (out, held []byte) {
	autos := r.automata(len(b))
	h := scanText(autos, b, tailHold)
	limit := min(h.tail, softBroken(b))
	if len(b)-limit > maxHeld {
		limit = len(b)
	}
	out, stop := h.mask(b, limit)
	return maskShapes(out), b[stop:]
}

// softBroken returns where the last lines of b begin that each end in a
// quoted-printable soft line break ("=" at the end): what they hold goes
// on on the next line, and is only whole, to be masked, with it.
func softBroken(b []byte) int {
	end := len(b)
	for end > 0 {
		line := bytes.TrimRight(b[:end], " \t\r\n\x00") // UTF-16 too
		if len(line) == 0 || line[len(line)-1] != '=' {
			return end
		}
		end = bytes.LastIndexByte(b[:end-1], '\n') + 1
	}
	return 0
}

// Close flushes the held-back partial line; it does not close w.
func (lw *lineWriter) Close() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if len(lw.buf) == 0 {
		return nil
	}
	_, err := lw.w.Write(lw.r.Bytes(lw.buf))
	lw.buf = lw.buf[:0]
	return err
}
