package httpclient

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestCapHeader verifies the cuts on small limits, where every byte can
// be counted: values cut to maxValue, lines kept in name order while names
// and values add up to at most maxTotal, and a note for each cut.
func TestCapHeader(t *testing.T) {
	tests := []struct {
		name      string
		in        http.Header
		maxValue  int
		maxTotal  int
		want      http.Header
		wantNotes []string
	}{
		{"nothing to cut", http.Header{"A": {"12345"}}, 5, 6, http.Header{"A": {"12345"}}, nil},
		{"value cut", http.Header{"A": {"12345"}, "B": {"1"}}, 3, 100,
			http.Header{"A": {"123"}, "B": {"1"}}, []string{`header "A": value cut at 3 of 5 bytes`}},
		{"past the total", http.Header{"C": {"zz"}, "A": {"xx"}, "B": {"yy"}}, 10, 6,
			http.Header{"A": {"xx"}, "B": {"yy"}}, []string{"1 header line dropped past the 6 bytes total"}},
		{"all after the first misfit dropped", http.Header{"A": {"xxxxx"}, "B": {"y"}}, 10, 4,
			http.Header{}, []string{"2 header lines dropped past the 4 bytes total"}},
		{"values of one name are lines", http.Header{"Set-Cookie": {"a", "b", "c"}}, 10, 22,
			http.Header{"Set-Cookie": {"a", "b"}}, []string{"1 header line dropped past the 22 bytes total"}},
		{"cut value counted as cut", http.Header{"A": {"123456"}, "B": {"1"}}, 4, 5,
			http.Header{"A": {"1234"}}, []string{`header "A": value cut at 4 of 6 bytes`, "1 header line dropped past the 5 bytes total"}},
		{"name too long", http.Header{"Abcdef": {"1"}, "B": {"1"}}, 4, 100,
			http.Header{"B": {"1"}}, []string{"1 header line dropped: name over 4 bytes"}},
		{"misfit kept in part, notes sorted", http.Header{"B": {"12345", "67890", "x"}, "A": {"abcdef"}}, 4, 12,
			http.Header{"A": {"abcd"}, "B": {"1234"}}, []string{`header "A": value cut at 4 of 6 bytes`, `header "B": value cut at 4 of 5 bytes`, "2 header lines dropped past the 12 bytes total"}},
		{"KiB in notes", http.Header{"A": {strings.Repeat("x", 2048)}}, 1024, 1 << 20,
			http.Header{"A": {strings.Repeat("x", 1024)}}, []string{`header "A": value cut at 1024 of 2048 bytes`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, notes := capHeader(tt.in, tt.maxValue, tt.maxTotal)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("header = %v; want %v", got, tt.want)
			}
			if !reflect.DeepEqual(notes, tt.wantNotes) {
				t.Errorf("notes = %q; want %q", notes, tt.wantNotes)
			}
		})
	}
}

// TestFirstFitting verifies the bucketed selection keeps exactly what
// taking the names in sorted order until the budget runs out keeps: names
// that are prefixes of others, shared prefixes, a misfit in the middle.
func TestFirstFitting(t *testing.T) {
	tests := []struct {
		names  []string // each costs its length plus one
		budget int
	}{
		{[]string{"B", "A", "C"}, 4},
		{[]string{"AB", "A", "ABC", "B"}, 7},
		{[]string{"AB", "A", "ABC", "B"}, 100},
		{[]string{"AB", "A", "ABC", "B"}, 0},
		{[]string{"X-0003", "X-0001", "X-0002", "X-0010", "X-01", "Y"}, 21},
		{[]string{"X-0003", "X-0001", "X-0002", "X-0010", "X-01", "Y"}, 20},
		{[]string{"Zz", "Z", "Zzz", "Content-Type", "Cache-Control", "Pragma"}, 30},
		{[]string{"only"}, 4},
		{[]string{"only"}, 5},
	}
	for _, tt := range tests {
		var in []nameCost
		for _, n := range tt.names {
			in = append(in, nameCost{n, len(n) + 1})
		}
		kept, misfit, found := firstFitting(in, tt.budget)
		var got []string
		for _, n := range kept {
			got = append(got, n.name)
		}
		slices.Sort(got)
		want, wantMisfit := sortedPrefix(tt.names, tt.budget)
		if !slices.Equal(got, want) || found != (wantMisfit != "") || misfit.name != wantMisfit {
			t.Errorf("firstFitting(%q, %d) = %q, misfit %q; want %q, misfit %q (names in sorted order while they fit)",
				tt.names, tt.budget, got, misfit.name, want, wantMisfit)
		}
	}
}

// sortedPrefix is the definition firstFitting must meet, the plain way.
func sortedPrefix(names []string, budget int) (kept []string, misfit string) {
	sorted := slices.Sorted(slices.Values(names))
	for _, n := range sorted {
		if budget -= len(n) + 1; budget < 0 {
			return kept, n
		}
		kept = append(kept, n)
	}
	return kept, ""
}

// TestHostileHeaders verifies headers far past the caps are read, cut and
// noted, end to end, within the guard's bound: a 1 MiB value, and many
// lines past the total.
func TestHostileHeaders(t *testing.T) {
	tests := []struct {
		name     string
		lines    int // header lines X-Pad-NNNN sent
		size     int // bytes of each value
		wantNote string
	}{
		{"1 MiB value", 1, 1 << 20, `header "X-Pad-0000": value cut at 8192 of 1048576 bytes`},
		{"100 lines of 1000 bytes", 100, 1000, "header lines dropped past the 64 KiB total"},
		{"30000 lines of 100 bytes", 30000, 100, "header lines dropped past the 64 KiB total"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			value := strings.Repeat("v", tt.size)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for i := range tt.lines {
					w.Header().Set(fmt.Sprintf("X-Pad-%04d", i), value)
				}
			}))
			defer srv.Close()
			c := New(Options{})
			ex, err := c.Do(guard(t), Request{Method: "POST", URL: srv.URL})
			if err != nil {
				t.Fatalf("err = %v; want the answer, its headers cut", err)
			}
			if !hasNote(ex.HeaderCuts, tt.wantNote) {
				t.Errorf("HeaderCuts = %q; want a note containing %q", ex.HeaderCuts, tt.wantNote)
			}
			total := 0
			for name, vs := range ex.Header {
				for _, v := range vs {
					total += len(name) + len(v)
					if len(v) > DefaultMaxHeaderValue {
						t.Errorf("header %s kept %d bytes; want at most %d", name, len(v), DefaultMaxHeaderValue)
					}
				}
			}
			if total > DefaultMaxHeaderTotal {
				t.Errorf("headers kept %d bytes; want at most %d", total, DefaultMaxHeaderTotal)
			}
		})
	}
}

func hasNote(notes []string, want string) bool {
	for _, n := range notes {
		if strings.Contains(n, want) {
			return true
		}
	}
	return false
}

// TestHeadersOverReadLimit verifies headers past MaxHeaderRead are a
// transport failure that says so, not an unbounded read.
func TestHeadersOverReadLimit(t *testing.T) {
	value := strings.Repeat("v", MaxHeaderRead+1<<10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Huge", value)
	}))
	defer srv.Close()
	c := New(Options{})
	_, err := c.Do(guard(t), Request{Method: "POST", URL: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "response headers over 4 MiB") {
		t.Fatalf("err = %v; want %q", err, "response headers over 4 MiB")
	}
	var gaveUp *GaveUpError
	if !errors.As(c.Stopped(), &gaveUp) {
		t.Errorf("Stopped() = %v; want a GaveUpError (a transport failure before any answer)", c.Stopped())
	}
}
