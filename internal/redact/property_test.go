package redact

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// propertySeed makes every run draw the same cases; a failure names the
// seed and the case so it replays.
const propertySeed = 0x5eed_2026

// cutProbe is how much of a value's start must not survive a display cut.
const cutProbe = 4

// TestNoSurvivorProperty redacts random secrets and tokens, written back in
// every encoding and composition, inside every output framing, then
// decodes each output every way the oracle knows (oracle_test.go) and greps
// the decodings for the value. Before redaction the oracle must see the
// value, or the case would prove nothing; after it, it must not. For a
// display cut, the oracle must not see the first cutProbe bytes.
func TestNoSurvivorProperty(t *testing.T) {
	rounds := 8
	if testing.Short() {
		rounds = 2
	}
	rng := rand.New(rand.NewPCG(propertySeed, 0))
	checked, unseen := 0, 0
	for round := range rounds {
		secret, token := randomSecret(rng), randomToken(rng, round%2 == 1)
		// A second secret registered alongside, so its patterns mix in.
		r := New(secret, token, randomSecret(rng))
		for _, v := range []string{secret, token} {
			for _, e := range encodings {
				enc := e.encode(v, rng)
				for _, f := range framings {
					in, out := f.frame(r, enc, rng)
					c := propertyCase{round: round, value: v, encoding: e.name, framing: f.name, in: in, out: out, full: "body: " + enc}
					switch ok, seen := c.check(t, f.cut); {
					case !seen:
						unseen++
					case ok:
						checked++
					}
				}
			}
		}
	}
	t.Logf("%d cases checked; %d left out: the oracle could not see the value before redaction, or a cut left too little of it", checked, unseen)
	// Only cuts that leave too little of the value, and encodings and
	// framings that lose some of it, may go unseen.
	if unseen*20 > checked+unseen {
		t.Errorf("the oracle saw the value in only %d of %d cases; want 19 in 20 at least", checked, checked+unseen)
	}
}

type propertyCase struct {
	round                    int
	value, encoding, framing string
	in, out                  string
	full                     string // for a cut, the text before the cut
}

// check reports whether the case passed and whether the oracle saw the
// value before redaction.
func (c propertyCase) check(t *testing.T, cut bool) (ok, seen bool) {
	t.Helper()
	probe := c.value
	if cut {
		// The value must survive its encoding and framing whole, and the
		// cut must leave enough of it. A start holding '%', '&' or '\' may
		// be spelled by the escapes around it ("\u00" starts "\u0026"),
		// and only the end of a cut text is masked for starting a value.
		if strings.ContainsAny(c.value[:cutProbe], `%&\`) ||
			survivor(c.full, c.value) == "" || visiblePrefix(c.in, c.value) < cutProbe {
			return false, false
		}
		probe = c.value[:cutProbe]
	} else if survivor(c.in, c.value) == "" {
		return false, false
	}
	if how := survivor(c.out, probe); how != "" {
		t.Errorf("seed %#x round %d, value %q, encoding %s, framing %s:\ninput  %q\noutput %q\ngot %q visible after decoding %s; want no survivor",
			propertySeed, c.round, c.value, c.encoding, c.framing, shorten(c.in), shorten(c.out), probe, how)
		return false, true
	}
	return true, true
}

// visiblePrefix is the length of the longest start of value that some
// decoding of text shows.
func visiblePrefix(text, value string) int {
	best := 0
	for s := range decodings(text) {
		for n := len(value); n > best; n-- {
			if strings.Contains(s, value[:n]) {
				best = n
				break
			}
		}
	}
	return best
}

// shorten keeps failure messages readable when the output is a long line.
func shorten(s string) string {
	if len(s) <= 600 {
		return s
	}
	return s[:300] + " … " + s[len(s)-300:]
}

// TestNoFalseMaskingProperty writes values that are not registered, in
// every encoding, past a Redactor holding others: the text must come back
// as it was, but for JWT and Basic shapes, which are masked on sight.
func TestNoFalseMaskingProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(propertySeed, 1))
	r := New(randomSecret(rng), randomSecret(rng), randomToken(rng, false), randomToken(rng, true))
	for round := range 4 {
		for _, v := range []string{randomSecret(rng), randomToken(rng, false)} {
			for _, e := range encodings {
				text := "echo: " + e.encode(v, rng) + "\n"
				if got, want := r.String(text), maskShapesString(text); got != want {
					t.Errorf("seed %#x round %d, encoding %s: String(%q) = %q; want %q", propertySeed, round, e.name, text, got, want)
				}
			}
		}
	}
}

func maskShapesString(s string) string { return string(maskShapes([]byte(s))) }
