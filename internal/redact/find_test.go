package redact

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"testing"
)

// TestFind reports the span of the text a value was written in, whatever
// the form; base64 spans are the characters the value alone determines.
func TestFind(t *testing.T) {
	const prefix, suffix = "echo: ", " (end)"
	b64 := base64.StdEncoding.EncodeToString([]byte(plainValue))
	tests := []struct {
		form, value, enc string
		// want is the span of enc Find must report, enc whole by default.
		wantFrom, wantTo int
	}{
		{"raw", plainValue, plainValue, 0, -1},
		{"percent", specialValue, url.QueryEscape(specialValue), 0, -1},
		{"percent, subset", plainValue, "s3%63r3t%2dValue_42", 0, -1},
		{"html", plainValue, "&#115;3cr3t-Value_4&#x32;", 0, -1},
		{"json", unicodeValue, `p\u00e4ssw\u00f6rd-\u65e5\u672c-\ud83d\ude00`, 0, -1},
		{"go", plainValue, `\x733cr3t-Value_42`, 0, -1},
		{"json of percent", plainValue, `s3\u002563r3t-Value_42`, 0, -1},
		// 15 bytes fill 20 characters exactly.
		{"base64", plainValue, b64, 0, 20},
		{"hex", plainValue, hex.EncodeToString([]byte(plainValue)), 0, -1},
	}
	for _, tt := range tests {
		t.Run(tt.form, func(t *testing.T) {
			text := []byte(prefix + tt.enc + suffix)
			to := tt.wantTo
			if to < 0 {
				to = len(tt.enc)
			}
			start, end, ok := New(tt.value).Find(text)
			if !ok || start != len(prefix)+tt.wantFrom || end != len(prefix)+to {
				t.Errorf("Find(%q) = %d, %d, %v; want %d, %d, true", text, start, end, ok, len(prefix)+tt.wantFrom, len(prefix)+to)
			}
		})
	}
}

// TestFindLeftmost reports the first of two occurrences, and nothing in
// text without a value, JWT shapes included.
func TestFindLeftmost(t *testing.T) {
	r := New(plainValue, specialValue)
	text := []byte("a " + url.QueryEscape(specialValue) + " b " + plainValue)
	if start, end, ok := r.Find(text); !ok || start != 2 || end != 2+len(url.QueryEscape(specialValue)) {
		t.Errorf("Find(%q) = %d, %d, %v; want 2, %d, true", text, start, end, ok, 2+len(url.QueryEscape(specialValue)))
	}
	clean := []byte("eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIxIn0.c2ln and Basic aWQ6c2VjcmV0")
	if start, end, ok := r.Find(clean); ok {
		t.Errorf("Find(%q) = %d, %d, true; want nothing found", clean, start, end)
	}
	if !r.Contains(text) || r.Contains(clean) {
		t.Errorf("Contains = %v, %v; want true, false", r.Contains(text), r.Contains(clean))
	}
}
