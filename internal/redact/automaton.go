package redact

import (
	"slices"
	"sort"
	"unicode/utf8"
)

// fold maps bytes a text may show in place of one another to one symbol,
// both in patterns and in the text searched: form encoding writes a space as
// '+', and form-decoding base64 turns its '+' into a space; and an ASCII
// letter in either case is one symbol, so a value echoed upper-cased,
// lower-cased or with its case swapped is found, and so are hex digits,
// percent-escapes and base64 whatever their case. (Case-folded base64 still
// identifies a value: 21 characters of 36 symbols each are over 100 bits.)
var fold = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
	}
	t[' '] = '+'
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = byte(c - 'A' + 'a')
	}
	return t
}()

func foldString(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = fold[c]
	}
	return string(b)
}

// An automaton finds every pattern in a text in one left-to-right pass
// (Aho-Corasick): each byte moves it along a trie of the patterns, falling
// back to the longest suffix of what it has read that is still a prefix of
// some pattern, so the time is linear in the text whatever the patterns.
//
// Nodes are numbered breadth first, so the children of a node are
// consecutive, sorted by label, and the children of node v run from
// first[v] to first[v+1]. Node 0 is the root.
type automaton struct {
	label      []byte  // label[v]: the byte on the edge into v
	first      []int32 // see above; len(first) is the node count + 1
	fail       []int32 // fail[v]: the longest proper suffix of v that is a node
	out        []int32 // out[v]: length of the longest pattern ending at v, 0 if none
	depth      []int32
	near       [][256]int32 // near[v]: the children by label of the root and its children, 0 where none
	patterns   []string     // folded, sorted, distinct: kept to merge automata
	lookalikes bool         // some value holds something that reads as an escape
	wideUTF16  bool         // some value's UTF-16 form has long stretches without a zero byte
	plain      bool         // some pattern holds no run of a binary alphabet (see plainPattern)
	size       int          // total length of the patterns
	longest    int          // length of the longest pattern
}

func newAutomaton(patterns []string) *automaton {
	ps := make([]string, 0, len(patterns))
	for _, p := range patterns {
		if p != "" {
			ps = append(ps, foldString(p))
		}
	}
	sort.Strings(ps)
	ps = slices.Compact(ps)
	a := &automaton{patterns: ps}
	for _, p := range ps {
		a.size += len(p)
		a.longest = max(a.longest, len(p))
		a.plain = a.plain || plainPattern(p)
	}
	a.buildTrie()
	a.buildLinks()
	return a
}

// buildTrie lays the trie out breadth first. Each node stands for the run
// of sorted patterns that share its prefix; its children split that run by
// the next byte, so building costs the total length of the patterns.
func (a *automaton) buildTrie() {
	type run struct{ lo, hi int32 }
	ps := a.patterns
	// There are at most as many nodes as pattern bytes, plus the root:
	// allocating that much at once spares copying as the trie grows.
	capacity := a.size + 1
	queue := append(make([]run, 0, capacity), run{0, int32(len(ps))})
	a.label = append(make([]byte, 0, capacity), 0)
	a.depth = append(make([]int32, 0, capacity), 0)
	a.out = append(make([]int32, 0, capacity), 0)
	a.first = make([]int32, 0, capacity+1)
	for v := 0; v < len(queue); v++ {
		a.first = append(a.first, int32(len(queue)))
		d := int(a.depth[v])
		lo, hi := int(queue[v].lo), int(queue[v].hi)
		for lo < hi && len(ps[lo]) == d {
			lo++ // the pattern ending at v sorts first
		}
		for lo < hi {
			c, j := ps[lo][d], lo+1
			for j < hi && ps[j][d] == c {
				j++
			}
			queue = append(queue, run{int32(lo), int32(j)})
			a.label = append(a.label, c)
			a.depth = append(a.depth, int32(d+1))
			end := int32(0)
			if len(ps[lo]) == d+1 {
				end = int32(d + 1)
			}
			a.out = append(a.out, end)
			lo = j
		}
	}
	a.first = append(a.first, int32(len(queue)))
	// Most of a text keeps the automaton near the root; looking children
	// up there in a table rather than by search is most of its speed.
	a.near = make([][256]int32, a.first[1])
	for u := range a.near {
		for v := a.first[u]; v < a.first[u+1]; v++ {
			a.near[u][a.label[v]] = v
		}
	}
}

// buildLinks sets the fall-back links, parents before children, and lets
// each node report the longest pattern that ends where it does.
func (a *automaton) buildLinks() {
	a.fail = make([]int32, len(a.label))
	for u := int32(0); int(u) < len(a.label); u++ {
		for v := a.first[u]; v < a.first[u+1]; v++ {
			if u != 0 {
				a.fail[v] = a.step(a.fail[u], a.label[v])
			}
			if a.out[v] == 0 {
				a.out[v] = a.out[a.fail[v]]
			}
		}
	}
}

// child is v's child along c, 0 if there is none.
func (a *automaton) child(v int32, c byte) int32 {
	if int(v) < len(a.near) {
		return a.near[v][c]
	}
	lo, hi := a.first[v], a.first[v+1]
	for hi-lo > 8 {
		mid := int32(uint32(lo+hi) >> 1)
		if a.label[mid] < c {
			lo = mid + 1
		} else {
			hi = mid + 1
		}
	}
	for ; lo < hi; lo++ {
		if a.label[lo] == c {
			return lo
		}
	}
	return 0
}

// step reads the (folded) byte c in state v.
func (a *automaton) step(v int32, c byte) int32 {
	for {
		if next := a.child(v, c); next != 0 {
			return next
		}
		if v == 0 {
			return 0
		}
		v = a.fail[v]
	}
}

// extensible reports whether some pattern continues past state v.
func (a *automaton) extensible(v int32) bool { return a.first[v+1] > a.first[v] }

// merge builds one automaton for the patterns of several.
func merge(as []*automaton) *automaton {
	var ps []string
	lookalikes, wide := false, false
	for _, a := range as {
		ps = append(ps, a.patterns...)
		lookalikes = lookalikes || a.lookalikes
		wide = wide || a.wideUTF16
	}
	m := newAutomaton(ps)
	m.lookalikes, m.wideUTF16 = lookalikes, wide
	return m
}

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
