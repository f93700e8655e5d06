package termsafe

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile holds one of every forbidden kind, as a target would send it.
const hostile = "a\x1b]52;c;cHduZWQ=\x07b\x9bc\u0085d\x7fe\u202ef\u2028g\u2029h\u200e\u061c\u2066\xffi\xe2\x80j\r\n\tk"

func TestString(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, in, want string }{
		{"plain text unchanged", `error: want "Bearer"`, `error: want "Bearer"`},
		{"letters beyond ASCII unchanged", "café ünïcode ✔ 日本 \ufffd", "café ünïcode ✔ 日本 \ufffd"},
		{"ESC and BEL", "\x1b[2J\x07", `\x1b[2J\x07`},
		{"line break, return, tab", "a\r\n\tb", `a\r\n\tb`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"C1 as UTF-8", "a\u0085b\u009bc", `a\u0085b\u009bc`},
		{"bidi overrides and isolates", "\u202ex\u202c\u2066\u2069\u200f\u061c", `\u202ex\u202c\u2066\u2069\u200f\u061c`},
		{"line and paragraph separators", "a\u2028b\u2029", `a\u2028b\u2029`},
		{"bytes that are not UTF-8", "a\xffb\xe2\x80", `a\xffb\xe2\x80`},
		{"a lone backslash stays", `C:\Program Files\`, `C:\Program Files\`},
		{"a backslash before an escape letter doubles", `\x1b \u202e \n`, `\\x1b \\u202e \\n`},
		{"a backslash before a backslash doubles", `a\\b`, `a\\\b`},
		{"a backslash before an escaped byte doubles", "\\\x1b", `\\\x1b`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := String(tt.in); got != tt.want {
				t.Errorf("String(%q) = %q; want %q", tt.in, got, tt.want)
			}
			if back, err := unescape(String(tt.in)); err != nil || back != tt.in {
				t.Errorf("unescape(String(%q)) = %q, %v; want the value back", tt.in, back, err)
			}
		})
	}
}

func TestCleanLeavesBackslashesAndIsIdempotent(t *testing.T) {
	t.Parallel()
	in := "x509: certificate is valid for \x1b]0;pwned\x07, not \\x1b\n\tnext \xff"
	want := "x509: certificate is valid for \\x1b]0;pwned\\x07, not \\x1b\n\tnext \\xff"
	if got := Clean(in); got != want {
		t.Errorf("Clean(%q) = %q; want %q", in, got, want)
	}
	if got := Clean(Clean(in)); got != want {
		t.Errorf("Clean(Clean(%q)) = %q; want %q", in, got, want)
	}
	if shown := String(hostile); Clean(shown) != shown {
		t.Errorf("Clean changed String's output %q", shown)
	}
}

// TestWriterHoldsSplitCharacters writes text one byte at a time: a
// character split across writes comes out whole, not as escapes.
func TestWriterHoldsSplitCharacters(t *testing.T) {
	t.Parallel()
	in := "café ✔ \u202e\xff end \xe2\x9c"
	var out bytes.Buffer
	w := NewWriter(&out)
	for i := range len(in) {
		if _, err := w.Write([]byte{in[i]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if want := Clean(in); out.String() != want {
		t.Errorf("written byte by byte: %q; want %q", out.String(), want)
	}
}

// unescape reads back what String shows: the proof that no two values are
// shown alike.
func unescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch c := s[i+1]; c {
		case '\\':
			b.WriteByte('\\')
		case 'n', 'r', 't':
			b.WriteByte(map[byte]byte{'n': '\n', 'r': '\r', 't': '\t'}[c])
		case 'x', 'u':
			n := map[byte]int{'x': 2, 'u': 4}[c]
			if i+2+n > len(s) {
				return "", fmt.Errorf("escape cut short at %d", i)
			}
			v, err := strconv.ParseUint(s[i+2:i+2+n], 16, 32)
			if err != nil {
				return "", fmt.Errorf("escape at %d: %v", i, err)
			}
			if c == 'x' {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
			i += n
		default:
			b.WriteByte('\\') // a backslash that starts no escape
			continue
		}
		i++
	}
	return b.String(), nil
}

// checkShown fails unless out is UTF-8 with no forbidden character but
// those allowed.
func checkShown(t *testing.T, how, in, out string, allowed string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s(%q) = %q: not UTF-8", how, in, out)
	}
	for _, r := range out {
		if Forbidden(r) && !strings.ContainsRune(allowed, r) {
			t.Fatalf("%s(%q) = %q holds %U", how, in, out, r)
		}
	}
}
