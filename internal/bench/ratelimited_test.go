package bench

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/ratelimit"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/setup"
)

// benchRateVar sets the limit BenchmarkRateLimited's server enforces, as
// -rate takes it; the default is Commerce Layer's 30 a minute scaled down
// to 30 in 2 s, so the benchmark takes seconds. `AUTHCONFORM_BENCH_RATE=30/1m`
// runs it against the real window (minutes).
const benchRateVar = "AUTHCONFORM_BENCH_RATE"

// limitedServer stands in front of a target and enforces a rate limit of
// its own, written here and sharing nothing with the suite's limiter: at
// most n requests to the paths it limits (every path when given none) in
// any window of length per, counted when they arrive, refused ones too (as
// Commerce Layer's "the count ... is never reset"); a request past that is
// answered 429 with Retry-After, and not passed on. Other requests pass
// unlimited.
type limitedServer struct {
	*httptest.Server
	n        int
	per      time.Duration
	limited  map[string]bool // the paths it limits; nil: every request
	mu       sync.Mutex
	arrivals []time.Time // of auth requests within the last window
	counts   struct{ auth, other, refused int }
	// first and lastAuth are when the run's first request, and its last
	// auth request, arrived.
	first, lastAuth time.Time
}

func startLimited(tb testing.TB, upstream string, n int, per time.Duration, limitedPaths ...string) *limitedServer {
	tb.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		tb.Fatal(err)
	}
	ls := &limitedServer{n: n, per: per}
	for _, p := range limitedPaths {
		if ls.limited == nil {
			ls.limited = map[string]bool{}
		}
		ls.limited[p] = true
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	ls.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if wait, ok := ls.admit(r.URL.Path, time.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"errors":[{"title":"Too many requests","status":429}]}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	tb.Cleanup(ls.Close)
	return ls
}

// admit counts a request to path arriving at now, and says whether it
// may pass; when not, how long until the window has room.
func (ls *limitedServer) admit(path string, now time.Time) (time.Duration, bool) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.first.IsZero() {
		ls.first = now
	}
	if ls.limited != nil && !ls.limited[path] {
		ls.counts.other++
		return 0, true
	}
	ls.counts.auth++
	ls.lastAuth = now
	kept := ls.arrivals[:0]
	for _, t := range ls.arrivals {
		if now.Sub(t) < ls.per {
			kept = append(kept, t)
		}
	}
	ls.arrivals = append(kept, now)
	if len(ls.arrivals) > ls.n {
		ls.counts.refused++
		return ls.per - now.Sub(ls.arrivals[len(ls.arrivals)-1-ls.n]), false
	}
	return 0, true
}

// served is what the server saw of a run.
type served struct {
	auth, other, refused int
	first, lastAuth      time.Time
}

// reset returns what the server saw and forgets it: the next run starts
// with an empty window.
func (ls *limitedServer) reset() served {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	s := served{ls.counts.auth, ls.counts.other, ls.counts.refused, ls.first, ls.lastAuth}
	ls.arrivals, ls.counts, ls.first, ls.lastAuth = nil, struct{ auth, other, refused int }{}, time.Time{}, time.Time{}
	return s
}

// TestLimitedServer verifies the benchmark's server refuses the auth
// request past n in a window with 429, passes it on once the window has
// room, and never limits the other endpoints; with no paths given it
// limits every request.
func TestLimitedServer(t *testing.T) {
	t.Parallel()
	ls := &limitedServer{n: 2, per: time.Minute, limited: map[string]bool{"/oauth/token": true, "/oauth/revoke": true}}
	t0 := time.Unix(1000, 0)
	for _, tt := range []struct {
		path string
		at   time.Duration
		ok   bool
	}{
		{"/oauth/token", 0, true},
		{"/api/ping", 0, true},
		{"/oauth/revoke", time.Second, true},
		{"/oauth/token", 2 * time.Second, false},
		{"/.well-known/jwks.json", 2 * time.Second, true},
		{"/oauth/token", 60500 * time.Millisecond, false}, // the refused one still counts
		{"/oauth/token", 63 * time.Second, true},
	} {
		if _, ok := ls.admit(tt.path, t0.Add(tt.at)); ok != tt.ok {
			t.Errorf("%s at %v: admitted %v; want %v", tt.path, tt.at, ok, tt.ok)
		}
	}
	every := &limitedServer{n: 1, per: time.Minute}
	if _, ok := every.admit("/api/ping", t0); !ok {
		t.Errorf("every request limited: the first refused")
	}
	if _, ok := every.admit("/.well-known/jwks.json", t0.Add(time.Second)); ok {
		t.Errorf("every request limited: a second in the window admitted")
	}
}

// BenchmarkRateLimited runs the full Commerce Layer profile, every
// variable set (the embedded server's configuration), against the
// reference server behind limitedServer, with -rate set to its limit, and
// reports the requests (all, and those the limit counts: here every one),
// the 429s (target: none), the wall time and its ratio to the least time
// the limited requests allow, (ceil(limited/n) − 1) windows (target: at
// most 1.05).
func BenchmarkRateLimited(b *testing.B) {
	rate := setup.Rate{N: 30, Per: 2 * time.Second}
	if v := os.Getenv(benchRateVar); v != "" {
		r, err := setup.ParseRate(v)
		if err != nil || r.IsNone() {
			b.Fatalf("%s=%q: want N/DURATION (%v)", benchRateVar, v, err)
		}
		rate = *r
	}
	srv := startReference(b, refserver.Options{})
	// The stricter of the servers the docs allow: it counts every request
	// it serves against the limit, not only the auth endpoints'.
	ls := startLimited(b, srv.URL, rate.N, rate.Per)
	o := rateLimitedOptions(ls.URL, rate)
	listing, err := runner.List(o)
	if err != nil {
		b.Fatal(err)
	}
	// A first run, unlimited and straight to the reference server, outside
	// the measurement: it warms what the first run of a process finds cold
	// (the binary's pages, the server's parsed key), as the other
	// benchmarks do, so one iteration measures what a second would.
	warm := rateLimitedOptions(srv.URL, setup.Rate{})
	if res, err := runner.Run(context.Background(), warm); err != nil || res.ExitCode != runner.ExitPass {
		b.Fatalf("the unlimited run did not pass (exit %d, %v)", res.ExitCode, err)
	}
	var walls, before, after []time.Duration
	var seen served
	for b.Loop() {
		if len(walls) > 0 {
			time.Sleep(rate.Per) // each run starts with an empty window
		}
		start := time.Now()
		res, err := runner.Run(context.Background(), o)
		end := time.Now()
		if err != nil || res.ExitCode != runner.ExitPass {
			b.Fatalf("the run did not pass (exit %d, %v)", res.ExitCode, err)
		}
		seen = ls.reset()
		walls = append(walls, end.Sub(start))
		before, after = append(before, seen.first.Sub(start)), append(after, end.Sub(seen.lastAuth))
		if seen.refused > 0 {
			b.Errorf("the server refused %d requests with 429; want none", seen.refused)
		}
		if seen.auth+seen.other != int(res.Requests) || seen.auth != listing.Limited {
			b.Errorf("the server got %d auth and %d other requests; the run counted %d, -list %d auth of %d", seen.auth, seen.other, res.Requests, listing.Limited, listing.Requests)
		}
	}
	least := ratelimit.Rate(rate).LeastWait(seen.auth)
	wall := median(walls)
	b.ReportMetric(float64(seen.auth+seen.other), "requests")
	b.ReportMetric(float64(seen.auth), "auth-requests")
	b.ReportMetric(float64(seen.refused), "429s")
	// Where the time over the least goes: before the first request
	// (reading the features, compiling the schemas), and after the last
	// auth request (the scenarios after it, the reports).
	b.ReportMetric(ms(median(before)), "before-first-ms")
	b.ReportMetric(ms(median(after)), "after-last-auth-ms")
	b.ReportMetric(float64(rate.N), "limit-n")
	b.ReportMetric(rate.Per.Seconds(), "limit-window-s")
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(least.Seconds(), "least-s")
	if least > 0 {
		b.ReportMetric(float64(wall)/float64(least), "ratio")
	}
}

// rateLimitedOptions is a run of the full Commerce Layer profile against
// url, every variable set, at rate.
func rateLimitedOptions(url string, rate setup.Rate) setup.Options {
	t, p, err := runner.SetupTarget(embedded.Target(url))
	if err != nil {
		panic(err) // the embedded server's own target always converts
	}
	return setup.Options{
		Target: t, Profile: p, Rate: &rate,
		Timeout: 10 * time.Second,
		Formats: []setup.Format{{Name: "console"}},
		Output:  io.Discard,
	}
}
