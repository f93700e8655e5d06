package redact

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math/bits"
)

// looseMinLen is the length of the shortest value looked for with white
// space left out (a folded header line, hex split into bytes by spaces):
// a shorter value would turn words that happen to spell it, spaces apart,
// into masks.
const looseMinLen = 16

// A scanner looks for the automata's patterns in one text and in the views
// decoded from it, up to maxUnescape layers deep. A layer is one pass of
// escapes (every kind at once; see view.unescape) or one binary encoding of
// a run (base64, base32, hex, UTF-16; see decodeRuns), in any order: a
// value base64-encoded, then percent-encoded, then escaped by an HTML
// attribute is three layers down, and so is a value percent-encoded, then
// hex-encoded, inside a JSON string.
type scanner struct {
	autos     []*automaton
	h         *hits
	wideUTF16 bool
	plain     bool // some pattern holds no run explorable would see
	longest   int
	// budget is how many more bytes binary decoding may produce. Runs are
	// decoded at every alignment and the decodings decoded again, which a
	// hostile text could multiply; a run left undecoded for want of budget
	// is masked whole instead (and Find reports it), so the work stays
	// linear in the text and nothing goes unsearched.
	budget int
	seed   maphash.Seed
	inRun  int                      // how many binary layers the view being scanned is under
	ring   []int32                  // scanSqueezed's positions
	dec    [maxUnescape + 1]decoded // scratch per remaining depth
	lookal bool
}

// decodeBudget bounds the bytes binary decoding produces for a text of n
// bytes: ordinary texts (prose, JSON, JWTs, base64) need under 20n.
func decodeBudget(n int) int { return 48*n + 1<<20 }

// scanText looks for the automata's patterns in text and in its decoded
// views. A text cut for display may end inside escapes, nested or not, and
// which reading shows the start of a value depends on how they nest; so it
// is read three times: decoding its last escapes as they stand, leaving the
// last one undecoded, and leaving undecoded all that may be unfinished.
func scanText(autos []*automaton, text []byte, mode tailMode) *hits {
	h := &hits{n: len(text), first: len(text), tail: len(text)}
	if len(autos) == 0 {
		return h
	}
	s := &scanner{autos: autos, h: h, budget: decodeBudget(len(text)), seed: maphash.MakeSeed()}
	for _, a := range autos {
		s.wideUTF16 = s.wideUTF16 || a.wideUTF16
		s.plain = s.plain || a.plain
		s.lookal = s.lookal || a.lookalikes
		s.longest = max(s.longest, a.longest)
	}
	root := newView(text, nil)
	s.explore(&root, maxUnescape, mode)
	if unfolded, ok := unfoldedView(text, s.longest); ok {
		s.explore(&unfolded, maxUnescape, tailIgnore)
		unfolded.release()
	}
	if mode == tailCut {
		for _, partial := range []func([]byte) int{lastPartialEscape, partialEscape} {
			v := newView(text, partial)
			s.explore(&v, maxUnescape, mode)
		}
	}
	return h
}

// unfoldMax is the length of the longest text searched with blanks left
// out, escapes and runs decoded (a header value folded anywhere, even
// inside an escape, "%4" and "1" on two lines). Header values are masked
// one by one; a longer text is read without blanks only as it stands and
// in its escape views (see scanView), which finds a value folded between
// two of its characters, escaped or not.
const unfoldMax = 8 << 10

// unfoldedView is text without its blanks, when it is short enough and
// holds some, and some pattern is long enough to be looked for so.
func unfoldedView(text []byte, longest int) (view, bool) {
	if len(text) > unfoldMax || longest < looseMinLen || !bytes.ContainsAny(text, " \t") {
		return view{}, false
	}
	v := newBuffers(len(text))
	v.edits, v.loose = nil, true
	for i, c := range text {
		if !isBlank(c) {
			v.text = append(v.text, c)
			v.start = append(v.start, int32(i))
			v.end = append(v.end, int32(i+1))
		}
	}
	v.cut = len(v.text)
	return v, true
}

// explore scans v and what lies below it, depth layers deep: the binary
// runs in it, the views decoding its escapes (and the runs in each), and,
// if a value holds a byte that starts an escape, the views decoding one
// kind per layer as well (see lookalikes).
func (s *scanner) explore(v *view, depth int, mode tailMode) {
	s.scanAll(v, mode)
	if depth == 0 {
		return
	}
	s.decodeRuns(v, depth-1, mode)
	var seen *seenViews
	if s.lookal {
		seen = &seenViews{depths: map[uint64]int{}, seed: s.seed}
	}
	s.chain(v, depth, mode, allEscapes, seen)
	if seen != nil {
		s.oneKindViews(v, mode, depth, seen, oneKinds(v))
	}
}

// bareReference reports whether b holds a numeric character reference
// without its semicolon ("&#0101" then a digit decoded with it would read
// as another).
func bareReference(b []byte) bool {
	for i := bytes.IndexByte(b, '&'); i >= 0; i = nextIndex(b, i+1, '&') {
		j := i + 1
		if j < len(b) && b[j] == '#' {
			j++
			if j < len(b) && (b[j] == 'x' || b[j] == 'X') {
				j++
			}
			k := j
			for k < len(b) && isHex(b[k]) {
				k++
			}
			if k > j && (k == len(b) || b[k] != ';') {
				return true
			}
		}
	}
	return false
}

// oneKinds are the kinds of escape views decoding one kind per layer
// decode.
func oneKinds(v *view) []escapeKinds {
	kinds := []escapeKinds{percentEscapes, htmlEscapes, backslashEscapes}
	if quotedPrintable(v.text) {
		kinds = append(kinds, qpEscapes)
	}
	return kinds
}

// chain scans the views of v decoding the given kinds of escape, one layer
// on another, and the binary runs in each. Where a view holds what reads as
// quoted-printable, a second chain forks off that decodes it too.
func (s *scanner) chain(v *view, depth int, mode tailMode, kinds escapeKinds, seen *seenViews) {
	cur, owned := *v, false
	forked := kinds&qpEscapes != 0
	for layer := 1; layer <= depth; layer++ {
		if !forked && quotedPrintable(cur.text) {
			s.chain(&cur, depth-layer+1, mode, kinds|qpEscapes, seen)
			forked = true
		}
		next, changed := cur.unescape(kinds)
		if !changed {
			break
		}
		if seen == nil && (next.deferred || bareReference(next.text)) {
			// A reference without its semicolon reads differently as the
			// escapes around it come off one layer at a time or several at
			// once; the one-kind views settle which reading was meant.
			one := &seenViews{depths: map[uint64]int{}, seed: s.seed}
			s.oneKindViews(&cur, mode, depth-layer+1, one, oneKinds(&cur))
		}
		s.scanAll(&next, mode)
		seen.visit(&next, -1)
		if layer < depth {
			s.decodeRuns(&next, depth-layer-1, mode)
		}
		if owned {
			cur.release()
		}
		cur, owned = next, true
	}
	if owned {
		cur.release()
	}
}

// oneKindViews scans the views that decode one kind of escape per layer,
// in every order, depth layers deep; but a view reached before is not
// scanned again, nor its views if they were: kinds that do not nest come
// out the same in either order.
func (s *scanner) oneKindViews(v *view, mode tailMode, depth int, seen *seenViews, kinds []escapeKinds) {
	for _, kind := range kinds {
		next, changed := v.unescape(kind)
		if !changed {
			continue
		}
		if scan, explore := seen.visit(&next, depth-1); scan || explore {
			if scan {
				s.scanAll(&next, mode)
			}
			if explore {
				s.oneKindViews(&next, mode, depth-1, seen, kinds)
			}
		}
		next.release()
	}
}

// quotedPrintable reports whether b holds what a quoted-printable encoder
// writes and a form body seldom does: a soft line break, an escaped "=",
// or two escapes close together (a character past ASCII, UTF-16). "=0A"
// alone is everywhere in form bodies ("client_id=0Abc"); a value
// quoted-printable escapes once so is registered in that form instead (see
// quotedPrintableForms).
func quotedPrintable(b []byte) bool {
	last := -qpWindow
	for i := bytes.IndexByte(b, '='); i >= 0; i = nextIndex(b, i+1, '=') {
		_, n := quotedPrintableAt(b[i:], nil)
		switch {
		case n == 0:
			continue
		case !isHex(b[i+1]) || !isHex(b[i+2]): // a soft line break
			return true
		case unhex(b[i+1])<<4|unhex(b[i+2]) == '=':
			return true
		case i-last < qpWindow:
			return true
		}
		last = i
	}
	return false
}

// qpWindow is how close two quoted-printable escapes are in a text that
// reads as quoted-printable.
const qpWindow = 16

// nextIndex is the index of c in b from i on, -1 if none.
func nextIndex(b []byte, i int, c byte) int {
	if k := bytes.IndexByte(b[i:], c); k >= 0 {
		return i + k
	}
	return -1
}

// scanAll runs every automaton over v; outside binary runs, also with
// blanks left out (see scanView).
func (s *scanner) scanAll(v *view, mode tailMode) {
	var marks []int
	if mode == tailCut {
		marks = cutMarks(v.text)
	}
	blanks := s.inRun == 0 && bytes.ContainsAny(v.text, " \t")
	for _, a := range s.autos {
		var ring []int32
		if blanks && a.longest >= looseMinLen {
			ring = s.squeezeRing(a.longest)
		}
		a.scanView(v, s.h, mode, marks, ring)
	}
}

// squeezeRing returns room for the positions of the last n non-blank bytes
// or more, a power of two of them.
func (s *scanner) squeezeRing(n int) []int32 {
	size := 1 << bits.Len(uint(n))
	if cap(s.ring) < size {
		s.ring = make([]int32, size)
	}
	return s.ring[:size]
}

// maxUnescape is how many layers of encoding a text is decoded through: a
// value encoded twice over (say percent-encoded, then base64-encoded), then
// escaped once more by the output format around it (an HTML attribute).
// Escapes that do not nest (JSON around percent-encoding that holds no
// backslash) come off in the same layer.
const maxUnescape = 3

// seenViews records the views scanned, by a digest of their text and of
// where each byte came from, with how many layers below each were explored
// (-1 for none).
type seenViews struct {
	depths map[uint64]int
	seed   maphash.Seed
}

// visit records v, to be explored depth layers further, and reports
// whether it needs scanning and exploring still. A nil *seenViews records
// nothing.
func (s *seenViews) visit(v *view, depth int) (scan, explore bool) {
	if s == nil {
		return true, depth > 0
	}
	d := s.digest(v)
	explored, ok := s.depths[d]
	if !ok || depth > explored {
		s.depths[d] = depth
	}
	return !ok, depth > 0 && (!ok || depth > explored)
}

func (s *seenViews) digest(v *view) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.Write(v.text)
	buf := make([]byte, 0, 4096)
	for i := range v.start {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(v.start[i]))
		buf = binary.LittleEndian.AppendUint32(buf, uint32(v.end[i]))
		if len(buf) > cap(buf)-8 {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	h.Write(buf)
	return h.Sum64()
}

// newView is the view of the original text.
func newView(text []byte, partial func([]byte) int) view {
	v := view{text: text, cut: len(text), partial: partial}
	if partial != nil {
		v.cut = partial(text)
	}
	return v
}
