package termsafe

import (
	"bytes"
	"testing"
)

// FuzzTerminalSafe holds the package to its promises for any input: what
// String and Clean give is UTF-8 with no forbidden character (but the
// line breaks and tabs Clean keeps); String reads back to the input, so
// distinct values never look alike; Clean is
// idempotent and leaves text with nothing to escape as it is; the Writer,
// fed in pieces, gives what Clean gives.
func FuzzTerminalSafe(f *testing.F) {
	for _, seed := range []string{"", "plain", hostile, `\x1b`, "\\\x1b", `\\u202e`, "\xe2\x80", "é\u2028\\"} {
		f.Add(seed, 3)
	}
	f.Fuzz(func(t *testing.T, in string, piece int) {
		shown := String(in)
		checkShown(t, "String", in, shown, "")
		if back, err := unescape(shown); err != nil || back != in {
			t.Fatalf("String(%q) = %q reads back as %q (%v)", in, shown, back, err)
		}
		clean := Clean(in)
		checkShown(t, "Clean", in, clean, "\n\t")
		if Clean(clean) != clean {
			t.Fatalf("Clean(Clean(%q)) = %q; want %q", in, Clean(clean), clean)
		}
		if plain(in, true) && clean != in {
			t.Fatalf("Clean(%q) = %q; nothing needed escaping", in, clean)
		}
		var out bytes.Buffer
		w := NewWriter(&out)
		piece = max(1, piece%17)
		for rest := []byte(in); len(rest) > 0; rest = rest[min(piece, len(rest)):] {
			w.Write(rest[:min(piece, len(rest))])
		}
		w.Close()
		if out.String() != clean {
			t.Fatalf("Writer in pieces of %d: %q; Clean: %q", piece, out.String(), clean)
		}
	})
}
