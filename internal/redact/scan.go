package redact

import (
	"encoding/binary"
	"hash/maphash"
	"slices"
	"sync"
	"unicode/utf8"
)

// maxUnescape is how many layers of escapes a text is decoded through: a
// value encoded twice over (say percent-encoded, then JSON-escaped), then
// escaped once more by the output format around it (an HTML attribute).
// Layers that do not nest (JSON around percent-encoding that holds no
// backslash) come off in the same pass.
const maxUnescape = 3

// tailMode says what a scan makes of a text that ends partway into a value.
type tailMode int

const (
	tailIgnore tailMode = iota
	// tailCut: the text was cut for display; an end that is the start of a
	// value, minCutTail bytes or more, is masked.
	tailCut
	// tailHold: more text follows; an end that a value could continue is
	// held back until it does.
	tailHold
)

// minCutTail is the shortest start of a value that StringCut masks: fewer
// bytes would mask ordinary words that happen to begin a value.
const minCutTail = 3

// hits is what a scan found in a text of n bytes.
type hits struct {
	n        int
	cover    []int32 // cover[i] > i: bytes [i, cover[i]) hold a value; nil until one does
	first    int     // start of the leftmost match, n when none
	firstEnd int
	tail     int // start of the end tailMode looks for, n when none
}

func (h *hits) add(s, e int) {
	h.cover1(s, e)
	if s < h.first || s == h.first && e > h.firstEnd {
		h.first, h.firstEnd = s, e
	}
}

func (h *hits) cover1(s, e int) {
	if h.cover == nil {
		h.cover = make([]int32, h.n)
	}
	if int32(e) > h.cover[s] {
		h.cover[s] = int32(e)
	}
}

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
	scanViews(autos, newView(text, nil), h, mode)
	if mode == tailCut {
		scanViews(autos, newView(text, lastPartialEscape), h, mode)
		scanViews(autos, newView(text, partialEscape), h, mode)
	}
	return h
}

// scanViews scans root and its views up to maxUnescape layers deep: the
// views that decode every kind of escape in each layer and, if a value
// holds a byte that starts an escape, the views that decode one kind per
// layer as well (see lookalikes).
func scanViews(autos []*automaton, root view, h *hits, mode tailMode) {
	var seen *seenViews
	for _, a := range autos {
		if a.lookalikes {
			seen = &seenViews{depths: map[uint64]int{}, seed: maphash.MakeSeed()}
			break
		}
	}
	scanAll(autos, &root, h, mode)
	v := root
	for range maxUnescape {
		next, changed := v.unescape(allEscapes)
		if !changed {
			break
		}
		scanAll(autos, &next, h, mode)
		seen.visit(&next, -1)
		v.release()
		v = next
	}
	v.release()
	if seen != nil {
		scanOneKindViews(autos, &root, h, mode, maxUnescape, seen)
	}
}

// scanOneKindViews scans the views that decode one kind of escape per layer,
// in every order, depth layers deep; but a view reached before is not
// scanned again, nor its views if they were: kinds that do not nest come
// out the same in either order.
func scanOneKindViews(autos []*automaton, v *view, h *hits, mode tailMode, depth int, seen *seenViews) {
	for _, kind := range []escapeKinds{percentEscapes, htmlEscapes, backslashEscapes} {
		next, changed := v.unescape(kind)
		if !changed {
			continue
		}
		if scan, explore := seen.visit(&next, depth-1); scan || explore {
			if scan {
				scanAll(autos, &next, h, mode)
			}
			if explore {
				scanOneKindViews(autos, &next, h, mode, depth-1, seen)
			}
		}
		next.release()
	}
}

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

func scanAll(autos []*automaton, v *view, h *hits, mode tailMode) {
	var marks []int
	if mode == tailCut {
		marks = cutMarks(v.text)
	}
	for _, a := range autos {
		a.scanView(v, h, mode, marks)
	}
}

// scanView runs the automaton over one view, recording each match as the
// span of the original text it was decoded from, and the end of the view
// that mode looks for: for a cut text, at the end or at one of marks.
func (a *automaton) scanView(v *view, h *hits, mode tailMode, marks []int) {
	var state int32
	atMarks := make([]int32, len(marks))
	k := 0
	for i, b := range v.text {
		if k < len(marks) && i == marks[k] {
			atMarks[k] = state
			k++
		}
		c := fold[b]
		if state == 0 {
			state = a.near[0][c]
		} else {
			state = a.step(state, c)
		}
		if o := a.out[state]; o != 0 {
			h.add(v.span(i+1-int(o), i+1))
		}
	}
	// The state at a point is the longest stretch before it that begins a
	// pattern.
	d := int(a.depth[state])
	switch {
	case mode == tailHold && d > 0 && a.extensible(state):
		h.tail = min(h.tail, v.startOf(len(v.text)-d))
	case mode == tailCut:
		h.cutAt(v, len(v.text), int(a.depth[state]))
		for k, pos := range marks {
			h.cutAt(v, pos, int(a.depth[atMarks[k]]))
		}
	}
}

// cutAt notes that the d bytes before pos in v begin a value, if they are
// enough to tell.
func (h *hits) cutAt(v *view, pos, d int) {
	if d >= minCutTail {
		h.tail = min(h.tail, v.startOf(pos-d))
	}
}

// mask returns text[:limit] with each run of covered bytes, touching runs
// included, replaced by one Mask. It stops early rather than split a run
// that crosses limit, and returns where it stopped.
func (h *hits) mask(text []byte, limit int) ([]byte, int) {
	if h.cover == nil {
		return append([]byte(nil), text[:limit]...), limit
	}
	out := make([]byte, 0, len(text))
	i := 0
	for i < limit {
		j := i
		for j < limit && h.cover[j] == 0 {
			j++
		}
		out = append(out, text[i:j]...)
		if j == limit {
			break
		}
		end := j
		for k := j; k < h.n && k <= end; k++ {
			end = max(end, int(h.cover[k]))
		}
		if end > limit {
			return out, j
		}
		out = append(out, Mask...)
		i = end
	}
	return out, limit
}

// A view is a text with one or more layers of escapes decoded. Byte i of the
// view was decoded from bytes [start[i], end[i]) of the original text, so a
// value found in the view is masked where it really sits, escapes and all.
// The original text is its own view; its maps are nil.
//
// For a text cut for display, a view may leave undecoded the escapes at its
// end that the cut may have shortened, from cut on, as found by partial
// (partialEscape or lastPartialEscape); so do the views decoded from it.
// Otherwise partial is nil and cut is len(text).
type view struct {
	text       []byte
	start, end []int32
	cut        int
	partial    func([]byte) int
}

// newView is the view of the original text.
func newView(text []byte, partial func([]byte) int) view {
	v := view{text: text, cut: len(text), partial: partial}
	if partial != nil {
		v.cut = partial(text)
	}
	return v
}

// span maps the view's bytes [i, j), i < j, to the original text.
func (v *view) span(i, j int) (int, int) {
	if v.start == nil {
		return i, j
	}
	return int(v.start[i]), int(v.end[j-1])
}

// startOf maps view byte i to where it starts in the original text.
func (v *view) startOf(i int) int {
	s, _ := v.span(i, i+1)
	return s
}

// unescape decodes one layer of the given kinds of escape, all at once,
// left to right as each decoder would: an escape's output is not decoded
// again in the same pass. It reports false, having allocated nothing, when
// there is nothing to decode.
func (v *view) unescape(kinds escapeKinds) (view, bool) {
	src := v.text[:v.cut]
	var scratch [8]byte
	i, dec, n := nextEscape(src, 0, kinds, scratch[:0])
	if n == 0 {
		return view{}, false
	}
	out := newBuffers(len(v.text))
	out.partial = v.partial
	done := 0 // src[:done] is in out
	for n > 0 {
		out.copyFrom(v, done, i)
		s, e := v.span(i, i+n)
		for _, b := range dec {
			out.text = append(out.text, b)
			out.start = append(out.start, int32(s))
			out.end = append(out.end, int32(e))
		}
		done = i + n
		i, dec, n = nextEscape(src, done, kinds, scratch[:0])
	}
	out.copyFrom(v, done, len(src))
	out.cut = len(out.text)
	if v.partial != nil {
		// The bytes left undecoded may have finished an escape this layer
		// holds: as far as this view can tell, the cut falls before it.
		out.cut = v.partial(out.text)
	}
	out.copyFrom(v, len(src), len(v.text))
	return out, true
}

// spare holds the buffers of views no longer needed, for the next ones: a
// scan may decode a dozen views of a large text, and reports are redacted
// one after another.
var spare sync.Pool

// newBuffers returns an empty view with room for n bytes.
func newBuffers(n int) view {
	if p, ok := spare.Get().(*view); ok && cap(p.text) >= n {
		return view{text: p.text[:0], start: p.start[:0], end: p.end[:0]}
	}
	return view{text: make([]byte, 0, n), start: make([]int32, 0, n), end: make([]int32, 0, n)}
}

// release hands a decoded view's buffers back for reuse; v must not be used
// after.
func (v *view) release() {
	if v.start != nil {
		spare.Put(&view{text: v.text, start: v.start, end: v.end})
	}
}

// copyFrom appends the bytes [i, j) of from to v, as they are.
func (v *view) copyFrom(from *view, i, j int) {
	v.text = append(v.text, from.text[i:j]...)
	if from.start != nil {
		v.start = append(v.start, from.start[i:j]...)
		v.end = append(v.end, from.end[i:j]...)
		return
	}
	for k := i; k < j; k++ {
		v.start = append(v.start, int32(k))
		v.end = append(v.end, int32(k+1))
	}
}

// cutWindow is how far from the end of a cut text cutMarks looks.
const cutWindow = 64

// cutMarks lists, in order, where in the last cutWindow bytes of a view of
// a cut text the escapes may begin that the cut shortened: each byte that
// starts an escape and is followed only by bytes escapes are made of
// (including those a shortened escape may have been mis-decoded to).
func cutMarks(b []byte) []int {
	var marks []int
	for i := len(b) - 1; i >= 0 && i >= len(b)-cutWindow; i-- {
		c := b[i]
		if !isAlnum(c) && kindOf[c] == 0 && c != '#' && c != ';' && c < utf8.RuneSelf {
			break
		}
		if kindOf[c] != 0 {
			marks = append(marks, i)
		}
	}
	slices.Reverse(marks)
	return marks
}
