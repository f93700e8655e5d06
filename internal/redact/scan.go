package redact

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

func (h *hits) coverAt(i int) int {
	if h.cover == nil {
		return 0
	}
	return int(h.cover[i])
}

// scanText looks for the automata's patterns in text and in each decoded
// view of it, up to maxUnescape layers deep.
func scanText(autos []*automaton, text []byte, mode tailMode) *hits {
	h := &hits{n: len(text), first: len(text), tail: len(text)}
	if len(autos) == 0 {
		return h
	}
	v := view{text: text}
	for layer := 0; ; layer++ {
		for _, a := range autos {
			a.scanView(&v, h, mode)
		}
		if layer == maxUnescape {
			break
		}
		next, changed := v.unescape(mode == tailCut)
		if !changed {
			break
		}
		v = next
	}
	return h
}

// scanView runs the automaton over one view, recording each match as the
// span of the original text it was decoded from.
func (a *automaton) scanView(v *view, h *hits, mode tailMode) {
	// A cut may split an escape, which this view then shows undecoded: the
	// start of a value may end just before it.
	partial := -1
	if mode == tailCut {
		partial = partialEscape(v.text)
	}
	var state, atPartial int32
	for i, b := range v.text {
		if i == partial {
			atPartial = state
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
	// The final state is the longest end of the view that begins a pattern.
	d := int(a.depth[state])
	switch {
	case mode == tailHold && d > 0 && a.extensible(state):
		h.tail = min(h.tail, v.startOf(len(v.text)-d))
	case mode == tailCut && d >= minCutTail:
		h.tail = min(h.tail, v.startOf(len(v.text)-d))
	}
	if d := int(a.depth[atPartial]); partial >= 0 && partial < len(v.text) && d >= minCutTail {
		h.tail = min(h.tail, v.startOf(partial-d))
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
