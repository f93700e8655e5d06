package redact

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

// hostileBodies are texts of about size bytes built to make decoding as
// costly as it can be: encodings nested as deep as the scan goes and
// deeper, runs every alphabet reads, escapes that decode to escapes, zero
// bytes that read as UTF-16, soft line breaks everywhere.
func hostileBodies(size int) map[string][]byte {
	rng := rand.New(rand.NewPCG(7, 7))
	nested := make([]byte, size/8)
	for i := range nested {
		nested[i] = byte(rng.IntN(256))
	}
	for len(nested) < size {
		nested = []byte(base64.StdEncoding.EncodeToString(nested))
	}
	hexOfBase64 := []byte(hex.EncodeToString([]byte(base64.StdEncoding.EncodeToString(nested[:size/4]))))
	repeat := func(unit string) []byte { return []byte(strings.Repeat(unit, size/len(unit)+1)[:size]) }
	return map[string][]byte{
		"nested-base64":      nested[:size],
		"hex-of-base64":      hexOfBase64[:min(size, len(hexOfBase64))],
		"one-letter":         repeat("A"),
		"digits":             repeat("0123456789"),
		"percent-of-percent": repeat("%2525"),
		"html-of-html":       repeat("&amp;amp;#"),
		"backslashes":        repeat(`\u005c\u005c`),
		"utf16-text":         repeat("a\x00b\x00c\x00"),
		"utf16-fullwidth":    repeat("A\xffB\xff"),
		"soft-breaks":        repeat("AB=\r\nCD=3D=C3=A9"),
		"fullwidth":          repeat("ＡＢＣ１２３％２５"),
		"hex-separated":      repeat("de:ad be-ef:"),
		"mixed":              repeat("QUJD%41\\u0041&#65;=41ＡMFRGG===de:ad\x00"),
	}
}

// TestFindBoundedOnHostileBodies runs the echo check's search (Find) over
// hostile bodies of two sizes and bounds the memory it allocates: at most
// perByte bytes for each byte of the larger body, and growing no faster
// than the body (decoding keeps within its budget, see decodeBudget), so a
// body cannot make the check run out of memory. Its time is measured by
// BenchmarkFindHostile, not asserted.
//
// Not parallel: the count of allocated bytes is the whole program's.
func TestFindBoundedOnHostileBodies(t *testing.T) {
	const small, large = 16 << 10, 64 << 10
	const perByte = 600 // UTF-16 text takes the most, about 120 at 1 MiB
	r := New("integration-secret-0123456789", `Se"c\r/e+t&<x>=y %z'0123456789`, randomToken(rand.New(rand.NewPCG(1, 1)), true))
	r.Find([]byte("warm up")) // build the automata outside the measure
	allocated := func(body []byte) uint64 {
		// Two collections empty the pool of view buffers, which would
		// otherwise spare the one measured first.
		runtime.GC()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r.Find(body)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	smalls := hostileBodies(small)
	for name, body := range hostileBodies(large) {
		a, b := allocated(smalls[name]), allocated(body)
		if b > perByte*uint64(len(body)) {
			t.Errorf("Find on %d bytes of %s allocated %d bytes; want at most %d per byte of body", len(body), name, b, perByte)
		}
		// Four times the body. Linear growth gives about 4 times the
		// bytes; the deeper nesting a larger body holds, the race
		// detector's and the collector's own work move it (7x seen under
		// -race on a loaded machine), so the bound is 8 times: quadratic
		// growth (16 times) still fails.
		if b > 8*a+1<<20 {
			t.Errorf("Find on %s allocated %d bytes for %d bytes, %d for %d; want it to grow with the body, no faster", name, a, len(smalls[name]), b, len(body))
		}
	}
}

// BenchmarkFindHostile times the echo check's search over 1 MiB hostile
// bodies: compare with BenchmarkString's figures for ordinary text.
func BenchmarkFindHostile(b *testing.B) {
	r := benchRedactor()
	r.Add(`Se"c\r/e+t&<x>=y %z'0123456789`)
	for name, body := range hostileBodies(1 << 20) {
		b.Run(fmt.Sprintf("%s/1024KiB", name), func(b *testing.B) {
			r.Find(body)
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				r.Find(body)
			}
		})
	}
}
