package redact

import (
	"slices"
	"sort"
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
