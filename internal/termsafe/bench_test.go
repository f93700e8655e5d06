package termsafe

import (
	"strings"
	"testing"
)

// BenchmarkClean measures the output guard on a page of text people read:
// plain (the common case, returned as it is) and hostile.
func BenchmarkClean(b *testing.B) {
	for _, in := range []struct{ name, text string }{
		{"plain", strings.Repeat("--- response: 401 Unauthorized (3ms) ---\nContent-Type: application/json ✔\n", 64)},
		{"hostile", strings.Repeat(hostile, 64)},
	} {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.text)))
			for b.Loop() {
				Clean(in.text)
			}
		})
	}
}

// BenchmarkString measures showing one value, as a transcript does for
// each header and body.
func BenchmarkString(b *testing.B) {
	for _, in := range []struct{ name, text string }{
		{"plain", `{"access_token":"[REDACTED]","token_type":"bearer","expires_in":7200}`},
		{"hostile", hostile},
	} {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.text)))
			for b.Loop() {
				String(in.text)
			}
		})
	}
}
