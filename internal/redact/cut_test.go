package redact

import (
	"encoding/base64"
	"net/url"
	"testing"
)

// TestStringCut masks the start of a value left at the end of a text cut
// for display, in the forms String finds, and nothing else.
func TestStringCut(t *testing.T) {
	const prefix = "body: "
	half := plainValue[:len(plainValue)/2]
	b64 := base64.StdEncoding.EncodeToString([]byte(plainValue))
	tests := []struct{ name, text, want string }{
		{"raw half", prefix + half, prefix + Mask},
		{"raw, three bytes", prefix + plainValue[:3], prefix + Mask},
		{"raw, two bytes are too few", prefix + plainValue[:2], prefix + plainValue[:2]},
		{"percent-encoded half", prefix + url.PathEscape(specialValue)[:12], prefix + Mask},
		{"cut inside an escape", prefix + "s3cr3t%2", prefix + Mask},
		{"cut inside nested escapes", prefix + `s3cr3t%\u003`, prefix + Mask},
		{"cut inside a surrogate pair", prefix + `p\u00e4ssw\u00f6rd-\u65e5\u672c-\ud83d\ude`, prefix + Mask},
		{"html half", prefix + "&#115;3cr", prefix + Mask},
		{"base64 half", prefix + b64[:10], prefix + Mask},
		{"whole value, then a cut one", plainValue + " and " + half, Mask + " and " + Mask},
		{"no value at the end", prefix + half + " and more", prefix + half + " and more"},
	}
	r := New(plainValue, specialValue, unicodeValue)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.StringCut(tt.text); got != tt.want {
				t.Errorf("StringCut(%q) = %q; want %q", tt.text, got, tt.want)
			}
		})
	}
	if got := r.String(prefix + half); got != prefix+half {
		t.Errorf("String(%q) = %q; want it unchanged: only StringCut masks the start of a value", prefix+half, got)
	}
}
