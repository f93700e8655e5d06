package redact

import (
	"math/rand/v2"
	"testing"

	"github.com/authconform/authconform/internal/leakforms"
)

// FuzzRedact registers a fuzzed secret, writes it back in the pair of forms
// (leakforms.Singles, raw included, so one form alone too) and the output
// framing the fuzzed bytes choose, with randomness from the fuzzed seed,
// redacts, and checks as TestNoSurvivorProperty does: no decoding of the
// output shows the secret, and nothing panics. Seeds are in
// testdata/fuzz/FuzzRedact.
func FuzzRedact(f *testing.F) {
	f.Fuzz(func(t *testing.T, secret string, outer, inner, frame uint8, seed uint64) {
		if len(secret) < MinLen || len(secret) > 128 {
			return
		}
		rng := rand.New(rand.NewPCG(seed, 0))
		out, in := leakforms.Singles[int(outer)%len(leakforms.Singles)], leakforms.Singles[int(inner)%len(leakforms.Singles)]
		fr := framings[int(frame)%len(framings)]
		twoLayers := out.Name != "raw" && in.Name != "raw"
		switch {
		case fr.fold && len(secret) < looseMinLen,
			fr.cut && (!patternForms[out.Name] || !patternForms[in.Name] || twoLayers && !(escapeForms[out.Name] && escapeForms[in.Name])):
			return // see looseMinLen, patternForms
		}
		// A secret the output shows even when perfectly masked (part of
		// the framing or of Mask itself) proves nothing.
		if _, masked := fr.frame(New(), Mask, rand.New(rand.NewPCG(seed, 1))); survivor(masked, secret) != "" {
			return
		}
		encoded, ok := leakforms.Pair(out, in, secret, rng)
		if !ok || encoded == "" || fr.carries != nil && !fr.carries(encoded) {
			return
		}
		input, output := fr.frame(New(secret), encoded, rng)
		c := propertyCase{value: secret, encoding: out.Name + "(" + in.Name + ")", framing: fr.name, in: input, out: output, full: "body: " + encoded}
		c.check(t, fr.cut)
	})
}
