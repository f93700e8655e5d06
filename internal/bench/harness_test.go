package bench

import (
	"context"
	"github.com/authconform/authconform/setup"
	"io"
	"io/fs"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/verdict"
)

// startReference runs the correct reference server until the test or
// benchmark ends. One server serves every iteration: starting one is not
// what is measured.
func startReference(tb testing.TB, opts refserver.Options) *refserver.Running {
	tb.Helper()
	if opts.Issuer == "" {
		opts.Issuer = embedded.Issuer // as embedded.Target expects
	}
	srv, err := refserver.Start(opts)
	if err != nil {
		tb.Fatalf("refserver.Start(%+v): %v", opts, err)
	}
	tb.Cleanup(srv.Close)
	return srv
}

// suiteRun describes one runner.Run: which features, which scenarios.
type suiteRun struct {
	features fs.FS  // nil: the built-in features
	tags     string // "" runs every scenario
}

// run runs the suite against url as the CLI does with its defaults (the
// pretty formatter, here written to io.Discard) and fails tb unless every
// scenario passed.
func (r suiteRun) run(tb testing.TB, url string) verdict.Run {
	tb.Helper()
	t, p, err := runner.SetupTarget(embedded.Target(url))
	if err != nil {
		tb.Fatal(err)
	}
	// The console format, to a console nobody reads, as the CLI's default
	// is when its output is discarded.
	o := setup.Options{
		Target: t, Profile: p,
		Tags:    r.tags,
		Timeout: 10 * time.Second,
		Formats: []setup.Format{{Name: "console"}},
		Output:  io.Discard,
	}
	if r.features != nil {
		o.Features, o.FeaturePaths = r.features, []string{"."}
	}
	res, err := runner.Run(context.Background(), o)
	if err != nil {
		tb.Fatalf("runner.Run: %v", err)
	}
	if c := res.Count(); res.ExitCode != runner.ExitPass || c.Passed != c.Scenarios {
		for _, v := range res.Verdicts {
			if v.Status != verdict.Passed {
				tb.Errorf("scenario %q: %s\n%s", v.Scenario, v.Status, v.Error)
			}
		}
		tb.Fatalf("the suite did not pass the reference server (exit code %d): a benchmark of a failing run measures the wrong thing", res.ExitCode)
	}
	return res
}

// suiteSize is how many scenarios the built-in features hold, as the
// runner's catalog reads them: tests compare with it rather than with a
// count written by hand, which every new scenario would break.
func suiteSize(tb testing.TB) int {
	tb.Helper()
	cases, err := catalog.Load(authconform.Files, "features")
	if err != nil {
		tb.Fatalf("catalog.Load(features): %v", err)
	}
	// The benchmarks run the Commerce Layer profile: the other profile's
	// scenarios are left out of the suite's runs and of the floor alike.
	n := 0
	for _, c := range cases {
		if !slices.ContainsFunc(config.CommerceLayer.LeaveOut, func(g config.Gap) bool { return slices.Contains(c.Tags, g.Tag) }) {
			n++
		}
	}
	return n
}

// median returns the middle value of xs (the mean of the two middle ones
// for an even count), or 0 for none.
func median[T ~int64](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted, by the
// nearest-rank method.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// heapPeak samples the bytes of live and not yet swept heap objects every
// few milliseconds until stopped, and keeps the highest. runtime/metrics
// reads it without stopping the world, unlike runtime.ReadMemStats.
type heapPeak struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

const heapObjects = "/memory/classes/heap/objects:bytes"

func watchHeap() *heapPeak {
	h := &heapPeak{stop: make(chan struct{})}
	sample := []metrics.Sample{{Name: heapObjects}}
	read := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			h.peak = max(h.peak, sample[0].Value.Uint64())
		}
	}
	read()
	h.done.Go(func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-h.stop:
				read()
				return
			case <-tick.C:
				read()
			}
		}
	})
	return h
}

// Stop ends the sampling and returns the peak, in bytes.
func (h *heapPeak) Stop() uint64 {
	close(h.stop)
	h.done.Wait()
	return h.peak
}
