package redact

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestUnescape decodes one layer of every escape form, and nothing else.
func TestUnescape(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"percent, both cases", "%41%2f%2F", "A//"},
		{"percent, malformed", "%4 %zz %", "%4 %zz %"},
		{"plus stays", "a+b", "a+b"},
		{"html named", "&amp;&lt;&gt;&quot;&apos;&eacute;", "&<>\"'é"},
		{"html legacy, no semicolon", "&ampx &lt3", "&x <3"},
		{"html unknown name", "&nosuch; &x", "&nosuch; &x"},
		{"html decimal, hex, zeros", "&#65;&#x42;&#X0043;&#00068", "ABCD"},
		{"html C1 reference is Windows-1252", "&#128;", "€"},
		{"html zero is U+FFFD", "&#0;", "\uFFFD"},
		{"html left for the next layer", "&#7%39;", "&#79;"},
		{"html not left when the escape adds nothing", "&#79%zz", "O%zz"},
		{"json", `\"\\\/\n\t\r\b\f`, "\"\\/\n\t\r\b\f"},
		{"json \\u, both cases", `\u0041\u00E9\u00e9`, "Aéé"},
		{"json surrogate pair", `\ud83d\ude00`, "😀"},
		{"json lone surrogate", `\ud83dx`, "\uFFFDx"},
		{"go", `\x41\101\a\v\'\U0001F600`, "AA\a\v'😀"},
		{"malformed backslash", `\q \u12 \x4`, `\q \u12 \x4`},
		{"one layer only", "%2541 &amp;amp; \\\\u0041", "%41 &amp; \\u0041"},
		{"layers that do not nest, at once", `%41&#66;\u0043`, "ABC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unescapeString(tt.in); got != tt.want {
				t.Errorf("unescapeString(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestUnescapeSpans maps each decoded byte back to its escape, through two
// layers.
func TestUnescapeSpans(t *testing.T) {
	in := []byte(`x%2541&#233;y`)
	v := newView(in, nil)
	v1, _ := v.unescape(allEscapes)
	v2, _ := v1.unescape(allEscapes)
	if string(v2.text) != "xAéy" {
		t.Fatalf("two layers of %q = %q; want %q", in, v2.text, "xAéy")
	}
	tests := []struct{ from, to, wantStart, wantEnd int }{
		{0, 1, 0, 1},   // x
		{1, 2, 1, 6},   // A, from %2541
		{2, 3, 6, 12},  // the first byte of é, from &#233;
		{3, 4, 6, 12},  // its second byte
		{1, 5, 1, 13},  // A é y
		{4, 5, 12, 13}, // y
	}
	for _, tt := range tests {
		if s, e := v2.span(tt.from, tt.to); s != tt.wantStart || e != tt.wantEnd {
			t.Errorf("span(%d, %d) = %d, %d; want %d, %d", tt.from, tt.to, s, e, tt.wantStart, tt.wantEnd)
		}
	}
}

// TestPartialEscape finds where the escapes a cut shortened begin.
func TestPartialEscape(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"abc", 3},
		{"abc%", 3},
		{"abc%4", 3},
		{"abc%41", 6},
		{"abc&", 3},
		{"abc&#x4", 3},
		{"abc&am", 3},
		{"abc&amp;", 8},
		{`abc\`, 3},
		{`abc\u00`, 3},
		{`abc\u0041`, 9},
		{`abc\ud83d`, 3},
		{`abc\ud83d\ude`, 3},
		{`abc%\u003`, 3},
		{"abc%zz", 6},
	}
	for _, tt := range tests {
		if got := partialEscape([]byte(tt.in)); got != tt.want {
			t.Errorf("partialEscape(%q) = %d; want %d", tt.in, got, tt.want)
		}
	}
}

// TestBase64Cores: at each offset in a blob, the blob's encoding holds the
// core, and the core alone would decode to the value.
func TestBase64Cores(t *testing.T) {
	const v = "core-of-a-value"
	cores := base64Cores(v)
	for off := range 3 {
		blob := append(append([]byte("xyz"[:off]), v...), "!?"...)
		for i, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			core, encoded := cores[2*off+i], enc.EncodeToString(blob)
			if !strings.Contains(encoded, core) {
				t.Errorf("offset %d: encoding %q; want it to hold core %q", off, encoded, core)
			}
			if len(core) < len(v)*4/3-2 {
				t.Errorf("offset %d: core %q; want %d characters at least for %d bytes", off, core, len(v)*4/3-2, len(v))
			}
		}
	}
}
