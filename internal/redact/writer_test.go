package redact

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
)

// writeAll writes the parts through a Writer of r and returns the output.
func writeAll(t *testing.T, r *Redactor, parts ...string) string {
	t.Helper()
	var out bytes.Buffer
	w := r.Writer(&out)
	for _, p := range parts {
		if n, err := w.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("Write(%q) = %d, %v; want %d, nil", p, n, err, len(p))
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close() = %v; want nil", err)
	}
	return out.String()
}

// TestWriterSplitWrites verifies a secret split across writes is masked.
func TestWriterSplitWrites(t *testing.T) {
	const secret = "abcdefghijklmnop"
	got := writeAll(t, New(secret), "line one abcdefgh", "ijklmnop end\nsecond ", "abcdefghijklmnop")
	if want := "line one " + Mask + " end\nsecond " + Mask; got != want {
		t.Errorf("output = %q; want %q", got, want)
	}
}

// TestWriterValueAcrossLines: a value holding a newline is masked though
// each line is masked on its own: the end of a line that a value may go on
// from is held back.
func TestWriterValueAcrossLines(t *testing.T) {
	got := writeAll(t, New(newlineValue), "got first\n", "second back\n")
	if want := "got " + Mask + " back\n"; got != want {
		t.Errorf("output = %q; want %q", got, want)
	}
}

// TestWriterFlushesLines: a complete line is written at once, except for
// an end that may be the start of a value.
func TestWriterFlushesLines(t *testing.T) {
	var out bytes.Buffer
	w := New(plainValue, newlineValue).Writer(&out)
	w.Write([]byte("one\ntwo"))
	if got := out.String(); got != "one\n" {
		t.Errorf("after one line: output %q; want %q", got, "one\n")
	}
	w.Write([]byte("\nthe first\n"))
	if got := out.String(); got != "one\ntwo\nthe " {
		t.Errorf("after a line ending in a value's start: output %q; want %q", got, "one\ntwo\nthe ")
	}
	w.Close()
	if got, want := out.String(), "one\ntwo\nthe first\n"; got != want {
		t.Errorf("after Close: output %q; want %q", got, want)
	}
}

// TestWriterLongLineSmallWrites writes a long line byte by byte: the output
// is what String makes of the whole line.
func TestWriterLongLineSmallWrites(t *testing.T) {
	r := New(plainValue, specialValue)
	line := strings.Repeat("filler ", 20000) + "%73" + plainValue[1:] + strings.Repeat(" filler", 20000) + "\n"
	parts := make([]string, len(line))
	for i := range line {
		parts[i] = line[i : i+1]
	}
	if got, want := writeAll(t, r, parts...), r.String(line); got != want {
		t.Errorf("written byte by byte, the line came out different from String's (%d bytes; want %d)", len(got), len(want))
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestWriterReportsErrors passes on the underlying writer's error.
func TestWriterReportsErrors(t *testing.T) {
	w := New(plainValue).Writer(failingWriter{})
	if _, err := w.Write([]byte("a line\n")); err == nil {
		t.Errorf("Write to a failing writer: got no error; want one")
	}
	w.Write([]byte("partial"))
	if err := w.Close(); err == nil {
		t.Errorf("Close onto a failing writer: got no error; want one")
	}
}

// TestConcurrentAddAndString runs scenarios at once, each registering its
// token and redacting with it; run under -race.
func TestConcurrentAddAndString(t *testing.T) {
	r := New(plainValue)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			token := "token-of-scenario-" + strings.Repeat("x", i) + "-end"
			var out bytes.Buffer
			w := r.Writer(&out)
			for range 20 {
				r.Add(token)
				text := "issued " + token + " for " + plainValue + "\n"
				if got := r.String(text); strings.Contains(got, token) || strings.Contains(got, plainValue) {
					t.Errorf("String(%q) = %q; want both values masked", text, got)
				}
				w.Write([]byte(text))
			}
			w.Close()
			if strings.Contains(out.String(), token) {
				t.Errorf("Writer output %q; want no %q in it", out.String(), token)
			}
		}()
	}
	wg.Wait()
}
