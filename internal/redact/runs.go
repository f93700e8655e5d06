package redact

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// Binary encodings are decoded run by run: a value base64-, base32- or
// hex-encoded is encoded whole, so the run of the encoding's characters
// that holds it decodes to bytes holding it, whatever comes before or
// after. Each run is decoded at every alignment (a run may begin with
// characters that belong to something else: "xQUJD…"), the decodings are
// searched, and those that hold escapes or runs of their own are explored
// further, as views of the text: every decoded byte knows the characters it
// came from, so a match masks them. UTF-16 is found by its zero bytes.

// A runKind is an alphabet whose runs decode to bytes.
type runKind struct {
	value  *[256]int8 // each character's value, -1 outside the alphabet
	width  int        // bits per character
	minRun int        // characters needed for MinLen bytes
	// oneCase: a run is in one case (digits aside), as base32 encoders
	// write it. Base64 is in both, and splitting it where the case changes
	// spares decoding it as base32 a second time, many times over.
	oneCase bool
	aligns  int // characters per whole number of bytes: the alignments a run has
}

var (
	base64Values    = alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", "-_", false)
	base32Values    = alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "", true)
	base32HexValues = alphabet("0123456789ABCDEFGHIJKLMNOPQRSTUV", "", true)
	hexValues       = alphabet("0123456789ABCDEF", "", true)
)

// runKinds are the binary encodings decoded: base64 in either alphabet (a
// run may mix them), base32 and base32hex in either case, padded or not,
// and hex in either case; hex with separators between the bytes has a
// decoder of its own (see separatedHex).
var runKinds = []runKind{
	{&base64Values, 6, (8*MinLen + 5) / 6, false, 4},
	{&base32Values, 5, (8*MinLen + 4) / 5, true, 8},
	{&base32HexValues, 5, (8*MinLen + 4) / 5, true, 8},
	{&hexValues, 4, 2 * MinLen, false, 2},
}

// alphabet maps each character of chars to its index; the characters of
// url stand for the last ones (base64url); caseless accepts lower case.
func alphabet(chars, url string, caseless bool) (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := range len(chars) {
		t[chars[i]] = int8(i)
		if caseless && 'A' <= chars[i] && chars[i] <= 'Z' {
			t[chars[i]-'A'+'a'] = int8(i)
		}
	}
	for i := range len(url) {
		t[url[i]] = int8(len(chars) - len(url) + i)
	}
	return t
}

// hexSeparators may stand between two hex digits ("de:ad", "de ad",
// "de-ad", and "de+ad", a space form-encoded), one at a time.
var hexSeparators = [256]bool{':': true, ' ': true, '-': true, '+': true}

// decoded is the decoding of a run, and where each byte came from in the
// view: for a run of one alphabet (width > 0), byte n came from the
// characters [base + 8n/width, base + (8n+7)/width + 1); else from
// [from[n], to[n]).
type decoded struct {
	text        []byte
	base, width int
	from, to    []int32
}

func (d *decoded) reset() {
	d.text, d.from, d.to, d.width = d.text[:0], d.from[:0], d.to[:0], 0
}

func (d *decoded) push(b byte, from, to int) {
	d.text = append(d.text, b)
	d.from = append(d.from, int32(from))
	d.to = append(d.to, int32(to))
}

// source is where byte n came from, in view positions.
func (d *decoded) source(n int) (int, int) {
	if d.width > 0 {
		return d.base + 8*n/d.width, d.base + (8*n+7)/d.width + 1
	}
	return int(d.from[n]), int(d.to[n])
}

// decodeRuns decodes every binary run of v and scans the decodings,
// exploring them depth layers further. In a view decoded from another, only
// the runs that its escapes made or changed are new: the rest were decoded
// in the view it came from, a layer less deep.
func (s *scanner) decodeRuns(v *view, depth int, mode tailMode) {
	if v.edits == nil {
		s.decodeRunsIn(v, 0, len(v.text), depth, mode)
		s.decodeUTF16(v, depth, mode)
		return
	}
	lo, hi := 0, 0 // the window of runs touching the edits so far
	for k := 0; k < len(v.edits); k += 2 {
		a, b := int(v.edits[k]), int(v.edits[k+1])
		if b <= hi {
			continue // inside the window: widening it again would be quadratic
		}
		if a < hi {
			a = hi
		}
		a, b = runBounds(v.text, a, b)
		if a > hi {
			s.decodeRunsIn(v, lo, hi, depth, mode)
			lo = a
		}
		hi = max(hi, b)
	}
	s.decodeRunsIn(v, lo, hi, depth, mode)
	s.decodeUTF16(v, depth, mode)
}

// runBounds widens [a, b) to the runs of any alphabet it touches.
func runBounds(text []byte, a, b int) (int, int) {
	for a > 0 && probe[text[a-1]]&(probeRun|probeSeparator) != 0 {
		a--
	}
	for b < len(text) && probe[text[b]]&(probeRun|probeSeparator) != 0 {
		b++
	}
	return a, b
}

// decodeRunsIn decodes the runs of v[lo:hi], which no run crosses. A run of
// any alphabet lies within a stretch of bytes that belong to some alphabet;
// most stretches (words) are too short to look into.
func (s *scanner) decodeRunsIn(v *view, lo, hi, depth int, mode tailMode) {
	text := v.text[:hi]
	for i := lo; i < hi; {
		if probe[text[i]]&probeRun == 0 {
			i++
			continue
		}
		j := i + 1
		for j < hi && probe[text[j]]&probeRun != 0 {
			j++
		}
		if j-i >= minRunAny {
			for k := range runKinds {
				s.decodeRunsOf(v, &runKinds[k], i, j, depth, mode)
			}
		}
		i = j
	}
	s.separatedHex(v, lo, hi, depth, mode)
}

// decodeRunsOf decodes the runs of kind in v[lo:hi].
func (s *scanner) decodeRunsOf(v *view, kind *runKind, lo, hi, depth int, mode tailMode) {
	text := v.text[:hi]
	for i := lo; i < hi; {
		if kind.value[text[i]] < 0 {
			i++
			continue
		}
		j, next := kindRunEnd(text, i, kind)
		if j-i >= kind.minRun {
			s.decodeRun(v, kind, i, j, depth, mode, caseSplit(text, i, kind))
		}
		i = next
	}
}

// kindRunEnd returns the end of the run of kind that starts at i, and where
// the next may start: for a kind in one case, a run ends where the case
// changes, and the next begins with the digits before.
func kindRunEnd(text []byte, i int, kind *runKind) (end, next int) {
	j := i
	if !kind.oneCase {
		for j < len(text) && kind.value[text[j]] >= 0 {
			j++
		}
		return j, j
	}
	var cases, digitsFrom = byte(0), -1
	for ; j < len(text) && kind.value[text[j]] >= 0; j++ {
		c := text[j]
		if !isAlpha(c) {
			if digitsFrom < 0 {
				digitsFrom = j
			}
			continue
		}
		if cases |= 1 << (c >> 5 & 1); cases == 3 {
			if digitsFrom < 0 {
				return j, j
			}
			return j, digitsFrom
		}
		digitsFrom = -1
	}
	return j, j
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// afford reports whether there is budget left to decode the run [i, j) of
// v into size bytes at most; without, the run is masked.
func (s *scanner) afford(v *view, i, j, size int) bool {
	if s.budget < size {
		s.h.add(v.span(i, j))
		return false
	}
	s.budget -= size
	return true
}

// caseSplit returns, for a run of a kind in one case that starts at i
// right after a letter of the other case, where its first letter is: the
// encoded text begins there or at the digits before, as no encoder of the
// kind writes letters of both cases. It returns -1 for any other run.
func caseSplit(text []byte, i int, kind *runKind) int {
	if !kind.oneCase || i == 0 || !isAlpha(text[i-1]) || kind.value[text[i-1]] < 0 {
		return -1
	}
	k := i
	for k < len(text) && !isAlpha(text[k]) {
		k++
	}
	return k - i
}

// decodeRun decodes a run of one alphabet at each alignment; a run split
// where the case changed (split >= 0, see caseSplit) only from its start
// and from its first letter.
func (s *scanner) decodeRun(v *view, kind *runKind, i, j, depth int, mode tailMode, split int) {
	aligns := kind.aligns
	if !s.afford(v, i, j, (j-i)*kind.width*aligns/8) {
		return
	}
	d := &s.dec[depth]
	for align := range min(aligns, j-i-kind.minRun+1) {
		if split >= 0 && align != 0 && align != split%aligns {
			continue
		}
		d.reset()
		d.text = decodeBits(v.text[i+align:j], kind, d.text)
		d.base, d.width = i+align, kind.width
		s.visitDecoded(v, d, depth, mode, j == len(v.text))
	}
}

// decodeBits appends the decoding of run, in kind's alphabet, to dst,
// leaving out the bits of a last partial byte.
func decodeBits(run []byte, kind *runKind, dst []byte) []byte {
	value := kind.value
	switch kind.width {
	case 6:
		for ; len(run) >= 4; run = run[4:] {
			x := uint32(value[run[0]])<<18 | uint32(value[run[1]])<<12 | uint32(value[run[2]])<<6 | uint32(value[run[3]])
			dst = append(dst, byte(x>>16), byte(x>>8), byte(x))
		}
	case 5:
		for ; len(run) >= 8; run = run[8:] {
			x := uint64(value[run[0]])<<35 | uint64(value[run[1]])<<30 | uint64(value[run[2]])<<25 | uint64(value[run[3]])<<20 |
				uint64(value[run[4]])<<15 | uint64(value[run[5]])<<10 | uint64(value[run[6]])<<5 | uint64(value[run[7]])
			dst = append(dst, byte(x>>32), byte(x>>24), byte(x>>16), byte(x>>8), byte(x))
		}
	case 4:
		for ; len(run) >= 2; run = run[2:] {
			dst = append(dst, byte(value[run[0]])<<4|byte(value[run[1]]))
		}
	}
	var acc, bits uint
	for _, c := range run {
		acc = acc<<kind.width | uint(value[c])
		if bits += uint(kind.width); bits >= 8 {
			bits -= 8
			dst = append(dst, byte(acc>>bits))
		}
	}
	return dst
}

// separatedHex decodes each run of hex digits in v[lo:hi] that has
// separators between the bytes, at both alignments.
func (s *scanner) separatedHex(v *view, lo, hi, depth int, mode tailMode) {
	text := v.text[:hi]
	d := &s.dec[depth]
	for i := lo; i < hi; i++ {
		if hexValues[text[i]] < 0 || i > lo && hexValues[text[i-1]] >= 0 {
			continue
		}
		j, digits := hexRunEnd(text, i)
		if digits < 2*MinLen || j-i == digits || !s.afford(v, i, j, digits) {
			i = j
			continue
		}
		for align := range 2 {
			d.reset()
			first := -1
			for k := i; k < j; k++ {
				if hexValues[text[k]] < 0 {
					continue
				}
				if align > 0 {
					align-- // skip a digit: the other alignment
					continue
				}
				if first < 0 {
					first = k
					continue
				}
				d.push(byte(hexValues[text[first]])<<4|byte(hexValues[text[k]]), first, k+1)
				first = -1
			}
			s.visitDecoded(v, d, depth, mode, j == len(v.text))
		}
		i = j
	}
}

// hexRunEnd returns the end of the run of hex digits that starts at i, each
// two perhaps split by one separator, and how many digits it holds.
func hexRunEnd(text []byte, i int) (end, digits int) {
	j := i
	for {
		digits++
		j++
		if j < len(text) && hexValues[text[j]] >= 0 {
			continue
		}
		if j+1 < len(text) && hexSeparators[text[j]] && hexValues[text[j+1]] >= 0 {
			j++
			continue
		}
		return j, digits
	}
}

// decodeUTF16 decodes the stretches of v that may be UTF-16; in a view
// decoded from another, those its escapes changed.
func (s *scanner) decodeUTF16(v *view, depth int, mode tailMode) {
	if !s.wideUTF16 && bytes.IndexByte(v.text, 0) < 0 && bytes.IndexByte(v.text, 0xFF) < 0 {
		return
	}
	k := 0 // the first edit not before the region
	for _, r := range utf16Regions(v.text, s.wideUTF16, mode != tailIgnore) {
		for k < len(v.edits) && int(v.edits[k+1]) < r[0] {
			k += 2
		}
		if v.edits == nil || k < len(v.edits) && int(v.edits[k]) <= r[1] {
			s.utf16Region(v, r[0], r[1], depth, mode)
		}
	}
}

// utf16Gap is how far apart the zero bytes of a UTF-16 text may be, and
// how far past the first and the last a region reaches.
const utf16Gap = 32

// utf16Regions returns the stretches of b that may be UTF-16 holding a
// value: around clusters of four or more zero bytes (or 0xFF), each within
// utf16Gap of the next (text mostly in Latin script has one every two
// bytes), or all of b when a registered value's UTF-16 form may lack them.
// When b may go on (open: a line writer holds back the end a value may
// continue), a cluster at its end counts however few bytes it has.
func utf16Regions(b []byte, wide, open bool) [][2]int {
	if len(b) < 2*MinLen && !open {
		return nil
	}
	if wide {
		return [][2]int{{0, len(b)}}
	}
	var regions [][2]int
	first, last, count := -1, -1, 0
	flush := func() {
		if count >= 4 || open && count > 0 && last+utf16Gap >= len(b) {
			lo, hi := max(first-utf16Gap, 0), min(last+1+utf16Gap, len(b))
			if n := len(regions); n > 0 && regions[n-1][1] >= lo {
				regions[n-1][1] = hi
			} else {
				regions = append(regions, [2]int{lo, hi})
			}
		}
	}
	for i := 0; i < len(b); i++ {
		// A zero byte counts when the next byte is not and the one after
		// is (the high half of a character in Latin script, then the low
		// half of one): runs of zeros are not text. So does 0xFF, the high
		// half of a fullwidth form.
		c := b[i]
		if c != 0 && c != 0xFF || i+1 < len(b) && b[i+1] == c ||
			(i+2 >= len(b) || b[i+2] != c) && !(open && i+2 >= len(b)) {
			continue
		}
		if last >= 0 && i-last > utf16Gap {
			flush()
			count = 0
		}
		if count == 0 {
			first = i
		}
		last = i
		count++
	}
	flush()
	return regions
}

// utf16Region decodes b[lo:hi] of v as UTF-16, little- and big-endian, at
// both alignments; a byte-order mark decodes as U+FEFF, an unpaired
// surrogate as U+FFFD.
func (s *scanner) utf16Region(v *view, lo, hi, depth int, mode tailMode) {
	if !s.afford(v, lo, hi, 6*(hi-lo)) {
		return
	}
	d := &s.dec[depth]
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for align := range 2 {
			d.reset()
			var buf [utf8.UTFMax]byte
			for p := lo + align; p+1 < hi; {
				r, size := unit(v.text[p:], order), 2
				switch {
				case 0xD800 <= r && r < 0xDC00 && p+3 < hi:
					if r2 := unit(v.text[p+2:], order); 0xDC00 <= r2 && r2 < 0xE000 {
						r, size = 0x10000+(r-0xD800)<<10+(r2-0xDC00), 4
					} else {
						r = utf8.RuneError
					}
				case 0xD800 <= r && r < 0xE000:
					r = utf8.RuneError
				}
				for _, c := range utf8.AppendRune(buf[:0], r) {
					d.push(c, p, p+size)
				}
				p += size
			}
			s.visitDecoded(v, d, depth, mode, hi == len(v.text))
		}
	}
}

// unit reads the UTF-16 code unit at b, with a '+' in its high byte read
// as the space form encoding writes so: U+20xx is common punctuation (the
// euro sign, quotation marks, dashes), U+2Bxx seldom seen. (A '+' in the
// low byte stays: U+002B read as a space still matches, see fold, and
// U+FF2B is a fullwidth letter.)
func unit(b []byte, order binary.ByteOrder) rune {
	u := [2]byte{b[0], b[1]}
	high := 1
	if order == binary.BigEndian {
		high = 0
	}
	if u[high] == '+' {
		u[high] = ' '
	}
	return rune(order.Uint16(u[:]))
}

// visitDecoded scans a decoding of part of v. Most decodings are noise (a
// word read as base64), so it is searched as it stands first; only one that
// holds a match, or escapes or runs to explore, or that ends where v ends
// when the end matters (mode), becomes a view.
func (s *scanner) visitDecoded(v *view, d *decoded, depth int, mode tailMode, atEnd bool) {
	if len(d.text) < MinLen {
		return
	}
	if !atEnd {
		mode = tailIgnore
	}
	if mode == tailIgnore && !explorable(d.text, s.wideUTF16) && !(s.plain && s.occursIn(d.text)) {
		return
	}
	child := newBuffers(len(d.text))
	child.edits, child.loose = nil, v.loose // searched whole
	child.text = append(child.text, d.text...)
	for k := range d.text {
		start, end := v.span(d.source(k))
		child.start = append(child.start, int32(start))
		child.end = append(child.end, int32(end))
	}
	child.cut = len(child.text)
	s.inRun++
	s.explore(&child, depth, mode)
	s.inRun--
	child.release()
}

// occursIn reports whether some pattern occurs in b. A pattern holding a
// run that explorable sees is found in the view it leads to; only values
// without one (see plainPattern) need this pass.
func (s *scanner) occursIn(b []byte) bool {
	for _, a := range s.autos {
		var state int32
		for _, c := range b {
			if state == 0 {
				state = a.near[0][fold[c]]
			} else {
				state = a.step(state, fold[c])
			}
			if a.out[state] != 0 {
				return true
			}
		}
	}
	return false
}

// explorable reports whether b may hold an escape or a binary run:
// something a further layer would decode. It is asked of every decoding of
// every run, most of them noise, so it looks at every fourth byte for a
// run (one long enough holds two such bytes) and lets IndexByte find the
// bytes escapes start with; a false yes costs only a closer look.
func explorable(b []byte, wide bool) bool {
	const runish = probeRun | probeSeparator
	escapes, zeros := false, wide
	if len(b) < 256 {
		// Short decodings, the most common, are cheaper to read through
		// once than to search.
		var seen uint8
		run := 0
		for _, c := range b {
			p := probe[c]
			seen |= p
			if p&runish == 0 {
				run = 0
			} else if run++; run >= minRunAny {
				return true
			}
		}
		escapes, zeros = seen&probeEscape != 0, zeros || seen&probeZero != 0
	} else {
		done := 0 // b[:done] holds no run long enough
		for i := minRunAny/2 - 1; i < len(b); i += minRunAny / 2 {
			if i < done || probe[b[i]]&runish == 0 {
				continue
			}
			start, end := i, i+1
			for start > done && probe[b[start-1]]&runish != 0 {
				start--
			}
			for end < len(b) && probe[b[end]]&runish != 0 {
				end++
			}
			if end-start >= minRunAny {
				return true
			}
			done = end
		}
		for _, c := range escapeStarts {
			escapes = escapes || bytes.IndexByte(b, c) >= 0
		}
		zeros = zeros || bytes.IndexByte(b, 0) >= 0 || bytes.IndexByte(b, 0xFF) >= 0
	}
	if escapes {
		var scratch [8]byte
		if _, _, n := nextEscape(b, 0, allEscapes|qpEscapes, scratch[:0], nil); n > 0 {
			return true
		}
	}
	return zeros && len(utf16Regions(b, wide, false)) > 0
}

// escapeStarts are the bytes an escape may start with.
var escapeStarts = func() (cs []byte) {
	for c := range 256 {
		if kindOf[c] != 0 {
			cs = append(cs, byte(c))
		}
	}
	return cs
}()

// minRunAny is the shortest run of any binary encoding that holds MinLen
// bytes.
var minRunAny = func() int {
	n := 2 * MinLen
	for _, k := range runKinds {
		n = min(n, k.minRun)
	}
	return n
}()

// probe sorts bytes for explorable and runBounds: whether each belongs to
// some binary alphabet or separates hex digits.
var probe = func() (t [256]uint8) {
	for c := range t {
		for _, k := range runKinds {
			if k.value[c] >= 0 {
				t[c] |= probeRun
			}
		}
		if hexSeparators[c] {
			t[c] |= probeSeparator
		}
		if kindOf[c] != 0 {
			t[c] |= probeEscape
		}
	}
	t[0] |= probeZero
	t[0xFF] |= probeZero
	return t
}()

const (
	probeRun = 1 << iota
	probeSeparator
	probeEscape
	probeZero
)

// plainPattern reports whether p holds no run that explorable would see,
// so that a decoding holding p must be searched for it directly.
func plainPattern(p string) bool {
	run := 0
	for i := range len(p) {
		if probe[p[i]]&probeRun == 0 {
			run = 0
		} else if run++; run >= minRunAny {
			return false
		}
	}
	return true
}
