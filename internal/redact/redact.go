// Package redact keeps client secrets and issued tokens out of every output.
//
// The suite registers with a Redactor every configured secret, every secret
// a scenario sends and every token the target issues; every writer, every
// transcript and every report passes through it.
//
// The target may be hostile and echo a value back in any disguise, so a
// Redactor looks for each value not only as written but also in views of
// the text, each a layer of encoding decoded, up to three layers deep (two
// encodings, inside an output format's own escaping): escapes (percent,
// HTML and XML references, JSON and Go backslash escapes, fullwidth forms,
// and quoted-printable where a text reads as such) come off a layer at a
// time, every kind at once (see view.unescape); binary encodings (base64,
// base32, hex with or without separators, UTF-16) are decoded run by run,
// at every alignment (see decodeRuns). Each view is searched in one pass,
// with an Aho-Corasick automaton folding ASCII case, for the value, for
// what a view makes of it, and for its base64 and hex forms (see
// patternsFor); a value of 16 bytes or more is also looked for with blanks
// left out, as a folded header line shows it. Every byte of a view knows
// which bytes of the text it was decoded from, and a match masks those.
// The work is linear in the size of the text, whatever it holds: decoding
// has a budget, and what it cannot afford is masked.
//
// Anything shaped like a JWT and any HTTP Basic credential is masked as
// well, so a token the suite never saw is hidden too.
package redact

import (
	"sync"
	"sync/atomic"
)

// Mask replaces a registered secret or token.
const Mask = "[REDACTED]"

// MinLen is the length of the shortest value a Redactor registers. Shorter
// values would turn ordinary words into masks; callers warn about them
// instead, as a configuration that cannot be kept out of the outputs.
const MinLen = 6

// Redactor masks registered values. The zero value is not usable; use New.
// It is safe for concurrent use, Add included.
type Redactor struct {
	mu      sync.Mutex
	values  map[string]bool
	pending []string     // added since the automata were last built
	autos   []*automaton // oldest first; see settle
	current atomic.Pointer[[]*automaton]
}

// New returns a Redactor that masks the given values.
func New(values ...string) *Redactor {
	r := &Redactor{values: map[string]bool{}}
	r.Add(values...)
	return r
}

// Add registers values to mask in every form described in the package
// comment. Empty values and values shorter than MinLen are skipped.
func (r *Redactor) Add(values ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range values {
		if len(v) < MinLen || r.values[v] {
			continue
		}
		r.values[v] = true
		r.pending = append(r.pending, v)
		r.current.Store(nil)
	}
}

// automata returns the automata to scan a text of n bytes with, building
// them for values added since the last call.
func (r *Redactor) automata(n int) []*automaton {
	if p := r.current.Load(); p != nil && !worthCompacting(*p, n) {
		return *p
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if p := r.current.Load(); p != nil && !worthCompacting(*p, n) {
		return *p
	}
	if len(r.pending) > 0 {
		r.autos = settle(append(r.autos, automatonFor(r.pending)))
		r.pending = nil
	}
	if worthCompacting(r.autos, n) {
		r.autos = []*automaton{merge(r.autos)}
	}
	autos := append([]*automaton(nil), r.autos...)
	r.current.Store(&autos)
	return autos
}

func automatonFor(values []string) *automaton {
	var ps []string
	lookalike, wide := false, false
	for _, v := range values {
		ps = append(ps, patternsFor(v)...)
		lookalike = lookalike || lookalikes(v)
		wide = wide || wideUTF16(v)
	}
	a := newAutomaton(ps)
	a.lookalikes, a.wideUTF16 = lookalike, wide
	return a
}

// settle merges the newest automata while the newest is at least half the
// size of the one before it. Sizes then at least double from newest to
// oldest, so there are few automata to run, and each pattern is rebuilt a
// logarithmic number of times however many tokens a run registers one by
// one: rebuilding one automaton for all values after each would be
// quadratic over a long run.
func settle(autos []*automaton) []*automaton {
	for n := len(autos); n >= 2 && 2*autos[n-1].size >= autos[n-2].size; n = len(autos) {
		autos = append(autos[:n-2], merge(autos[n-2:]))
	}
	return autos
}

// worthCompacting reports whether a text of n bytes is large enough to pay
// for merging the automata into one, which is then run once per view
// instead of once per automaton.
func worthCompacting(autos []*automaton, n int) bool {
	if len(autos) < 2 {
		return false
	}
	size := 0
	for _, a := range autos {
		size += a.size
	}
	return n >= size
}

// String returns s with every registered value, every JWT-shaped string and
// every HTTP Basic credential masked.
func (r *Redactor) String(s string) string {
	return string(r.Bytes([]byte(s)))
}

// Bytes is String for byte slices. The result never aliases b.
func (r *Redactor) Bytes(b []byte) []byte {
	autos := r.automata(len(b))
	h := scanText(autos, b, tailIgnore)
	out, _ := h.mask(b, len(b))
	return maskShapes(out)
}

// StringCut is String for text that was cut for display: if s ends with the
// start of a registered value (three bytes or more, in any of the forms
// String finds, even through an escape the cut split), that end is masked
// too, so a value straddling the cut does not leave its first half visible.
func (r *Redactor) StringCut(s string) string {
	b := []byte(s)
	autos := r.automata(len(b))
	h := scanText(autos, b, tailCut)
	if h.tail < len(b) {
		h.cover1(h.tail, len(b))
	}
	out, _ := h.mask(b, len(b))
	return string(maskShapes(out))
}

// Find returns the span of b holding the leftmost registered value, in any
// of the forms String masks. Unlike String it ignores JWT and Basic shapes:
// it answers whether b echoes a value the Redactor knows.
func (r *Redactor) Find(b []byte) (start, end int, ok bool) {
	autos := r.automata(len(b))
	h := scanText(autos, b, tailIgnore)
	if h.first == len(b) {
		return 0, 0, false
	}
	return h.first, h.firstEnd, true
}

// Contains reports whether b holds a registered value in any form Find
// finds.
func (r *Redactor) Contains(b []byte) bool {
	_, _, ok := r.Find(b)
	return ok
}
