package redact

import (
	"encoding/binary"
	"hash/maphash"
)

// maxUnescape is how many layers of encoding a text is decoded through: a
// value encoded twice over (say percent-encoded, then base64-encoded), then
// escaped once more by the output format around it (an HTML attribute).
// Escapes that do not nest (JSON around percent-encoding that holds no
// backslash) come off in the same layer.
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

// scanView runs the automaton over one view, recording each match as the
// span of the original text it was decoded from, and the end of the view
// that mode looks for: for a cut text, at the end or at one of marks.
//
// With a ring (a power of two in length, longer than every pattern), it
// also reads the view with spaces and tabs
// left out, and records the matches of looseMinLen bytes or more that only
// that reading shows: a value as a folded header line shows it (Go joins
// the lines with a space), or its hex form with spaces between the bytes.
// That reading differs from the plain one only from a blank that interrupts
// a partial match until the two agree again, so it is run only there.
func (a *automaton) scanView(v *view, h *hits, mode tailMode, marks []int, ring []int32) {
	var state int32
	atMarks := make([]int32, len(marks))
	k := 0
	squeezed := int32(-1) // the state of the reading without blanks, -1 while it is state
	read := 0             // non-blank bytes, whose positions ring keeps
	for i, b := range v.text {
		if k < len(marks) && i == marks[k] {
			atMarks[k] = state
			k++
		}
		before := state
		c := fold[b]
		if state == 0 {
			state = a.near[0][c]
		} else {
			state = a.step(state, c)
		}
		if o := a.out[state]; o != 0 && (!v.loose || o >= looseMinLen) {
			h.add(v.span(i+1-int(o), i+1))
		}
		if ring == nil {
			continue
		}
		if isBlank(b) {
			if squeezed < 0 && before != 0 {
				squeezed = before
			}
			continue
		}
		ring[read&(len(ring)-1)] = int32(i)
		read++
		if squeezed >= 0 {
			squeezed = a.step(squeezed, c)
			if o := int(a.out[squeezed]); o >= looseMinLen {
				h.add(v.span(int(ring[(read-o)&(len(ring)-1)]), i+1))
			}
			if squeezed == state {
				squeezed = -1
			}
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
