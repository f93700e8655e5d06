package redact

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/leakforms"
	"github.com/authconform/authconform/internal/race"
)

// propertySeed makes every run draw the same cases; a failure names the
// seed and the case so it replays.
const propertySeed = 0x5eed_2026

// cutProbe is how much of a value's start must not survive a display cut.
const cutProbe = 4

// TestNoSurvivorProperty redacts random secrets and tokens, written back in
// every form the README lists (leakforms.Singles) inside every output
// framing, and in pairsPerRound random pairs of them in random framings,
// then decodes each output every way the oracle knows (oracle_test.go) and
// greps the decodings for the value. Before redaction the oracle must see
// the value, or the case would prove nothing; after it, it must not. For a
// display cut, the oracle must not see the first cutProbe bytes.
// TestEveryPairMasked takes every pair; FuzzRedact explores further.
// Like TestEveryPairMasked, it runs one goroutine's redactions, which the
// race detector has nothing to watch in and makes ten times slower: `make
// test` runs both without -race.
func TestNoSurvivorProperty(t *testing.T) {
	if race.Enabled {
		t.Skip("run without -race: `make test` runs it in its plain go test")
	}
	t.Parallel()
	rounds := 2
	if testing.Short() {
		rounds = 1
	}
	rng := rand.New(rand.NewPCG(propertySeed, 0))
	var tally propertyTally
	pairs, plain := leakforms.Pairs(), plainFramings()
	for round := range rounds {
		secret, token := randomSecret(rng), randomToken(rng, round%2 == 1)
		// A second secret registered alongside, so its patterns mix in.
		r := New(secret, token, randomSecret(rng))
		for _, v := range []string{secret, token} {
			for _, f := range leakforms.Singles {
				enc := f.Encode(v, rng)
				for _, fr := range framings {
					if fr.fold && len(v) < looseMinLen || fr.cut && !patternForms[f.Name] || fr.carries != nil && !fr.carries(enc) {
						continue
					}
					in, out := fr.frame(r, enc, rng)
					c := propertyCase{round: round, value: v, encoding: f.Name, framing: fr.name, in: in, out: out, full: "body: " + enc}
					tally.add(c.check(t, fr.cut))
				}
			}
			for range pairsPerRound {
				p, fr := pairs[rng.IntN(len(pairs))], plain[rng.IntN(len(plain))]
				enc, ok := leakforms.Pair(p[0], p[1], v, rng)
				if !ok || fr.carries != nil && !fr.carries(enc) || fr.fold && len(v) < looseMinLen {
					continue
				}
				in, out := fr.frame(r, enc, rng)
				c := propertyCase{round: round, value: v, encoding: p[0].Name + "(" + p[1].Name + ")", framing: fr.name, in: in, out: out}
				tally.add(c.check(t, false))
			}
		}
	}
	t.Logf("%d cases checked; %d left out: the oracle could not see the value before redaction, or a cut left too little of it", tally.checked, tally.unseen)
	// Only cuts that leave too little of the value, and encodings and
	// framings that lose some of it, may go unseen.
	if tally.unseen*20 > tally.checked+tally.unseen {
		t.Errorf("the oracle saw the value in only %d of %d cases; want 19 in 20 at least", tally.checked, tally.checked+tally.unseen)
	}
}

// pairsPerRound is how many random pairs of forms each round of
// TestNoSurvivorProperty writes each value in.
const pairsPerRound = 150

// TestEveryPairMasked writes a hostile secret and a token in every form
// and every ordered pair of forms the README lists, echoed in a header
// line: Contains must find each (it is what the echo check asks), and no
// decoding of String's output may show the value. The oracle is not asked
// whether it sees the value before redaction, which would take long for
// so many cases: the forms come from standard encoders, and
// TestNoSurvivorProperty asks it of random ones.
func TestEveryPairMasked(t *testing.T) {
	if race.Enabled {
		t.Skip("run without -race: `make test` runs it in its plain go test")
	}
	t.Parallel()
	const secret = `Se"c\r/e+t&<x>=y %z'Ünï-日本-😀42`
	token := randomToken(rand.New(rand.NewPCG(propertySeed, 2)), true)
	r := New(secret, token)
	rng := rand.New(rand.NewPCG(propertySeed, 3))
	check := func(name string, v, enc string) {
		text := "X-Echo: " + enc + "\n"
		if !r.Contains([]byte(text)) {
			t.Errorf("%s of %.20q…: Contains(%q) = false; want the value found", name, v, shorten(text))
		}
		if out := r.String(text); survivor(out, v) != "" {
			t.Errorf("%s of %.20q…: String(%q) = %q; want no decoding to show the value", name, v, shorten(text), shorten(out))
		}
	}
	for _, v := range []string{secret, token} {
		for _, f := range leakforms.Singles {
			check(f.Name, v, f.Encode(v, rng))
		}
		for _, p := range leakforms.Pairs() {
			if enc, ok := leakforms.Pair(p[0], p[1], v, rng); ok {
				check(p[0].Name+"("+p[1].Name+")", v, enc)
			}
		}
	}
}

// plainFramings are the framings that do not cut the value.
func plainFramings() []framing {
	var fs []framing
	for _, f := range framings {
		if !f.cut {
			fs = append(fs, f)
		}
	}
	return fs
}

type propertyTally struct{ checked, unseen int }

func (p *propertyTally) add(ok, seen bool) {
	switch {
	case !seen:
		p.unseen++
	case ok:
		p.checked++
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
	decodings(text, func(s, _ string) bool {
		for n := len(value); n > best; n-- {
			if strings.Contains(s, value[:n]) {
				best = n
				break
			}
		}
		return best < len(value)
	})
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
			for _, f := range leakforms.Singles {
				text := "echo: " + f.Encode(v, rng) + "\n"
				if got, want := r.String(text), maskShapesString(text); got != want {
					t.Errorf("seed %#x round %d, encoding %s: String(%q) = %q; want %q", propertySeed, round, f.Name, text, got, want)
				}
			}
		}
	}
}

func maskShapesString(s string) string { return string(maskShapes([]byte(s))) }
