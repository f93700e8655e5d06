package httpclient

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// capHeader returns h with each value cut to maxValue bytes and the lines
// (one per value) kept only while their names and values add up to at most
// maxTotal bytes, with one human-readable note per cut. A hostile target
// can send megabytes of headers; the transcript and the reports need only
// enough to show what came back.
//
// Lines are taken in the order of their names, sorted, so that the same
// answer is cut the same way on every run (a map has no order, and the
// wire order is gone by now). Once a line does not fit, it and every line
// after it are dropped. A name longer than maxValue drops its lines. The
// cost is linear in the size of the headers: see firstFitting.
func capHeader(h http.Header, maxValue, maxTotal int) (http.Header, []string) {
	if fits(h, maxValue, maxTotal) {
		return h, nil
	}
	names := make([]nameCost, 0, len(h))
	lines, longNames := 0, 0
	for name, vs := range h {
		lines += len(vs)
		if len(name) > maxValue {
			longNames += len(vs) // a name that long is not a header worth showing
			continue
		}
		c := 0
		for _, v := range vs {
			c += len(name) + min(len(v), maxValue)
		}
		names = append(names, nameCost{name, c})
	}
	kept, misfit, found := firstFitting(names, maxTotal)
	out := make(http.Header, len(kept)+1)
	var notes []string
	used := 0
	for _, n := range kept {
		used += n.cost
		for _, v := range h[n.name] {
			out[n.name] = append(out[n.name], cutValue(n.name, v, maxValue, &notes))
		}
	}
	if found {
		// The first name that does not fit whole may still fit in part.
		for _, v := range h[misfit.name] {
			if used += len(misfit.name) + min(len(v), maxValue); used > maxTotal {
				break
			}
			out[misfit.name] = append(out[misfit.name], cutValue(misfit.name, v, maxValue, &notes))
		}
	}
	slices.Sort(notes) // kept names come in no order; the transcript should not vary
	if longNames > 0 {
		notes = append(notes, fmt.Sprintf("%s dropped: name over %s", lineCount(longNames), sizeText(maxValue)))
	}
	if dropped := lines - longNames - lineTotal(out); dropped > 0 {
		notes = append(notes, fmt.Sprintf("%s dropped past the %s total", lineCount(dropped), sizeText(maxTotal)))
	}
	return out, notes
}

// cutValue returns v cut to maxValue bytes, noting the cut.
func cutValue(name, v string, maxValue int, notes *[]string) string {
	if len(v) <= maxValue {
		return v
	}
	*notes = append(*notes, fmt.Sprintf("header %q: value cut at %d of %d bytes", name, maxValue, len(v)))
	// Cloned, so the cut value does not keep the whole one in memory.
	return strings.Clone(v[:maxValue])
}

// nameCost is a header name and the bytes its lines take once cut: the
// name and the value, per value.
type nameCost struct {
	name string
	cost int
}

// firstFitting returns the names that come first in sorted order and
// whose lines add up to at most budget (in no particular order), and the
// first name that does not fit whole, if any. It reorders names.
//
// Sorting every name would cost n log n, and a hostile target can send
// hundreds of thousands. Instead the names are grouped by their byte at
// one depth, which orders the groups; a group that fits whole is kept
// whatever its inner order, and only the group where the budget runs out
// is looked into again, one byte deeper. Each name is looked at twice per
// byte of it at most: linear in the size of the names.
func firstFitting(names []nameCost, budget int) (kept []nameCost, misfit nameCost, found bool) {
	for depth := 0; len(names) > 0; depth++ {
		if len(names) == 1 {
			if names[0].cost <= budget {
				return append(kept, names[0]), nameCost{}, false
			}
			return kept, names[0], true
		}
		var cost [257]int
		for _, n := range names {
			cost[group(n.name, depth)] += n.cost
		}
		over := len(cost) // the group where the budget runs out, if any
		for g, c := range cost {
			if c > budget {
				over = g
				break
			}
			budget -= c
		}
		rest := names[:0]
		for _, n := range names {
			switch g := group(n.name, depth); {
			case g < over:
				kept = append(kept, n)
			case g == over:
				rest = append(rest, n)
			}
		}
		names = rest
	}
	return kept, nameCost{}, false
}

// group is a name's byte at depth, plus one; 0 for a name that ends
// before it, which sorts first.
func group(name string, depth int) int {
	if depth < len(name) {
		return int(name[depth]) + 1
	}
	return 0
}

func lineTotal(h http.Header) int {
	n := 0
	for _, vs := range h {
		n += len(vs)
	}
	return n
}

// fits reports whether h needs no cut.
func fits(h http.Header, maxValue, maxTotal int) bool {
	total := 0
	for name, vs := range h {
		for _, v := range vs {
			if len(name) > maxValue || len(v) > maxValue {
				return false
			}
			total += len(name) + len(v)
		}
	}
	return total <= maxTotal
}

// sizeText renders a byte count as the options are usually given.
func sizeText(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

func lineCount(n int) string {
	if n == 1 {
		return "1 header line"
	}
	return fmt.Sprintf("%d header lines", n)
}
