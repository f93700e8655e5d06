package redact

import (
	"math/rand/v2"
	"testing"
)

// FuzzRedact registers a fuzzed secret, writes it back in the encoding and
// the output framing the fuzzed bytes choose, with randomness from the
// fuzzed seed, redacts, and checks as TestNoSurvivorProperty does: no
// decoding of the output shows the secret, and nothing panics. Seeds are in
// testdata/fuzz/FuzzRedact.
func FuzzRedact(f *testing.F) {
	f.Fuzz(func(t *testing.T, secret string, enc, frame uint8, seed uint64) {
		if len(secret) < MinLen || len(secret) > 128 {
			return
		}
		rng := rand.New(rand.NewPCG(seed, 0))
		e := encodings[int(enc)%len(encodings)]
		fr := framings[int(frame)%len(framings)]
		// A secret the output shows even when perfectly masked (part of
		// the framing or of Mask itself) proves nothing.
		if _, masked := fr.frame(New(), Mask, rand.New(rand.NewPCG(seed, 1))); survivor(masked, secret) != "" {
			return
		}
		encoded := e.encode(secret, rng)
		if encoded == "" {
			return
		}
		in, out := fr.frame(New(secret), encoded, rng)
		c := propertyCase{value: secret, encoding: e.name, framing: fr.name, in: in, out: out, full: "body: " + encoded}
		c.check(t, fr.cut)
	})
}
