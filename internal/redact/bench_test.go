package redact

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// benchRedactor registers 100 values, as a long run does: 50 secrets of 40
// characters and 50 JWTs of about 800.
func benchRedactor() *Redactor {
	rng := rand.New(rand.NewPCG(1, 2))
	r := New()
	for range 50 {
		r.Add(randomAlnum(rng, 40))
		r.Add(jwtOfLength(rng, 800))
	}
	return r
}

func randomAlnum(rng *rand.Rand, n int) string {
	const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alnum[rng.IntN(len(alnum))]
	}
	return string(b)
}

func jwtOfLength(rng *rand.Rand, n int) string {
	const header = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."
	body := randomAlnum(rng, n-len(header)-1)
	return header + body[:len(body)/3] + "." + body[len(body)/3:]
}

// transcriptText is size bytes of exchanges as the transcripts show them:
// JSON and form bodies with escapes, none holding a registered value.
func transcriptText(size int) string {
	rng := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	for b.Len() < size {
		fmt.Fprintf(&b, "--- request ---\nPOST https://auth.example.com/oauth/token\nContent-Type: application/x-www-form-urlencoded\n\n"+
			"grant_type=client_credentials&client_id=%s&scope=read%%20write\n"+
			"--- response: 400 Bad Request (12ms) ---\n"+
			`{"error":"invalid_client","error_description":"client \u0027%s\u0027 unknown \/ see https:\/\/example.com\/docs?a=1&amp;b=2","state":"%s"}`+"\n",
			randomAlnum(rng, 12), randomAlnum(rng, 20), randomAlnum(rng, 32))
	}
	return b.String()[:size]
}

// benchInputs are 1 MiB texts: ordinary transcripts, and lines built to
// make a careless scanner quadratic.
func benchInputs() map[string]string {
	const size = 1 << 20
	repeat := func(unit string) string { return strings.Repeat(unit, size/len(unit)+1)[:size] }
	return map[string]string{
		"transcript":   transcriptText(size),
		"one-char":     repeat("a"),
		"percents":     repeat("%"),
		"html-refs":    repeat("&#"),
		"json-escapes": repeat(`\u`),
		"base64":       repeat("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
		"jwt-headers":  repeat("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."),
		"nested":       repeat("%2525%26amp%3B%5Cu0041"),
	}
}

// BenchmarkString shows the time is linear in the input: compare the 256
// KiB and 1 MiB figures (ns/op grows 4 times, MB/s stays).
func BenchmarkString(b *testing.B) {
	r := benchRedactor()
	for name, in := range benchInputs() {
		for _, size := range []int{256 << 10, 1 << 20} {
			in := in[:size]
			b.Run(fmt.Sprintf("%s/%dKiB", name, size>>10), func(b *testing.B) {
				r.String(in) // build the automata outside the timing
				b.SetBytes(int64(len(in)))
				for b.Loop() {
					r.String(in)
				}
			})
		}
	}
}

// BenchmarkStringLookalikes is BenchmarkString with a value registered that
// reads as escapes, which adds the views decoding one kind per layer.
func BenchmarkStringLookalikes(b *testing.B) {
	r := benchRedactor()
	r.Add(`pa%73s&amp;w\u006frd`)
	inputs := benchInputs()
	for _, name := range []string{"transcript", "nested"} {
		in := inputs[name]
		b.Run(name+"/1024KiB", func(b *testing.B) {
			r.String(in)
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				r.String(in)
			}
		})
	}
}

// BenchmarkWriterLongLine writes one 1 MiB line in 64-byte pieces, which
// used to rescan the held-back line on every write.
func BenchmarkWriterLongLine(b *testing.B) {
	r := benchRedactor()
	line := []byte(strings.Repeat("x", 1<<20))
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		w := r.Writer(io.Discard)
		for p := line; len(p) > 0; p = p[min(64, len(p)):] {
			w.Write(p[:min(64, len(p))])
		}
		w.Close()
	}
}

// BenchmarkAdd registers 300 JWTs one at a time, redacting after each, as a
// run that issues one token per scenario does.
func BenchmarkAdd(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	tokens := make([]string, 300)
	for i := range tokens {
		tokens[i] = jwtOfLength(rng, 800)
	}
	text := transcriptText(4 << 10)
	for b.Loop() {
		r := New()
		for _, tok := range tokens {
			r.Add(tok)
			r.String(text)
		}
	}
}
