package redact

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

// TestString verifies each form a secret takes on the wire is masked.
func TestString(t *testing.T) {
	const secret = "s3cr3t/with+special&chars"
	r := New(secret, "tiny")
	tests := []struct {
		name, in string
	}{
		{"raw", `client_secret was ` + secret},
		{"url-encoded", `client_secret=s3cr3t%2Fwith%2Bspecial%26chars`},
		{"json-escaped", `{"client_secret":"s3cr3t/with+special\u0026chars"}`},
		{"basic", `Authorization: Basic ` + base64.StdEncoding.EncodeToString([]byte("id:"+secret))},
		{"jwt", `{"access_token":"eyJhbGciOiJSUzUxMiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"}`},
	}
	for _, tt := range tests {
		t.Run("form="+tt.name, func(t *testing.T) {
			got := r.String(tt.in)
			if !strings.Contains(got, Mask) {
				t.Errorf("String(%q) = %q; want it to contain %s", tt.in, got, Mask)
			}
			if strings.Contains(got, "s3cr3t") || strings.Contains(got, "c2lnbmF0dXJl") {
				t.Errorf("String(%q) = %q; still holds the secret", tt.in, got)
			}
		})
	}
	if got := r.String("a tiny word"); got != "a tiny word" {
		t.Errorf("short values must not be masked: got %q", got)
	}
}

// TestAddLater verifies tokens registered mid-run are masked from then on.
func TestAddLater(t *testing.T) {
	r := New()
	const token = "opaque-token-1234567890"
	if got := r.String(token); got != token {
		t.Fatalf("unregistered value masked: %q", got)
	}
	r.Add(token)
	if got := r.String("token " + token); got != "token "+Mask {
		t.Errorf("got %q; want %q", got, "token "+Mask)
	}
}

// TestWriterSplitWrites verifies a secret split across writes is masked.
func TestWriterSplitWrites(t *testing.T) {
	const secret = "abcdefghijklmnop"
	r := New(secret)
	var out bytes.Buffer
	w := r.Writer(&out)
	for _, part := range []string{"line one abcdefgh", "ijklmnop end\nsecond ", "abcdefghijklmnop"} {
		if _, err := w.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), secret) {
		t.Errorf("output holds the secret: %q", out.String())
	}
	if want := "line one " + Mask + " end\nsecond " + Mask; out.String() != want {
		t.Errorf("output = %q; want %q", out.String(), want)
	}
}
