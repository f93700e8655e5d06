package selftest

import (
	"testing"
	"time"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/race"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/verdict"
	"github.com/authconform/authconform/setup"
)

// flakeRuns is how many times TestNoFlakes runs the whole suite. A
// scenario that depends on timing, ordering or randomness (the IDs and
// secrets generated per scenario) fails now and then; 200 runs make a
// 1-in-100 flake all but certain to show.
const flakeRuns = 200

// TestNoFlakes runs the whole suite flakeRuns times in one process, against
// a correct server and, interleaved, against faulty ones, and requires every
// run against the same server to give every scenario the same status as
// the first run did. One server per variant serves all its runs, as a
// long-lived target would, except where the fault itself ages. The runs are
// sequential, so the race detector has nothing to find here that
// TestConcurrencyKeepsVerdicts does not, and it made this test cost a
// minute of CPU: `make test` runs it without -race, after the -race run
// that skips it.
func TestNoFlakes(t *testing.T) {
	if testing.Short() {
		t.Skipf("-short: skipping %d runs of the suite", flakeRuns)
	}
	if race.Enabled {
		t.Skip("run without -race: `make test` runs it in its plain go test")
	}
	// Its runs are sequential, one core's work: other tests use the other.
	t.Parallel()
	variants := []struct {
		name string
		opts refserver.Options
		// every is how often the variant runs: every n-th run. The correct
		// server takes the runs no fault claims.
		every int
		// fresh starts a server for each run: the fault's state ages, so
		// a long-lived server would serve something else a minute later.
		fresh bool
	}{
		{"server=correct", refserver.Options{}, 1, false},
		// A fault whose scenarios fail on the generated values (the wrong
		// secret is echoed back), and one on state kept across requests.
		{"fault=secret-echoed-in-error", refserver.Options{Fault: "secret-echoed-in-error"}, 5, false},
		// Its one token is minted on the server's first request: a minute
		// later its iat is no longer within the clock skew of created_at,
		// which the JWT scenarios rightly catch, so each run gets a new
		// server and the runs compare the fault, not its age.
		{"fault=same-token-for-all", refserver.Options{Fault: "same-token-for-all"}, 7, true},
		// Close to the clock: created_at a day old must fail every time,
		// never pass on a lucky second.
		{"fault=created-at-stale", refserver.Options{Fault: "created-at-stale"}, 11, false},
	}
	type state struct {
		url   string
		first map[string]verdict.Status
		exit  int
		runs  int
	}
	states := make([]*state, len(variants))
	for i, v := range variants {
		states[i] = &state{url: startServer(t, v.opts).URL}
	}

	wantRun := profileSize(t, config.CommerceLayer)
	started := time.Now()
	for run := range flakeRuns {
		// The last variant whose turn it is wins, so faults are spread
		// through the runs rather than bunched at the start.
		vi := 0
		for i, v := range variants {
			if run%v.every == v.every-1 {
				vi = i
			}
		}
		v, st := variants[vi], states[vi]
		if v.fresh {
			st.url = startServer(t, v.opts).URL
		}
		// The progress formatter: verdicts come from the recorder, not the
		// console, and pretty output (formatted, redacted, discarded)
		// costs about a sixth of a run under -race.
		res := runSuiteAt(t, st.url, 1, setup.Format{Name: "progress"})
		got := outcomes(res)
		st.runs++
		if st.first == nil {
			if len(got) != wantRun {
				t.Fatalf("run %d (%s): %d verdicts; want the whole suite, %d as the catalog reads the features", run+1, v.name, len(got), wantRun)
			}
			st.first, st.exit = got, res.ExitCode
			continue
		}
		if d := diffOutcomes(st.first, got); d != "" {
			t.Fatalf("run %d (%s, run %d against it) differs from its first run (first, then this run):\n%s\nthis run's failures:\n%s",
				run+1, v.name, st.runs, d, failuresOf(res))
		}
		if res.ExitCode != st.exit {
			t.Fatalf("run %d (%s): exit code %d; the first run against it exited %d", run+1, v.name, res.ExitCode, st.exit)
		}
	}
	for i, v := range variants {
		if states[i].runs < 2 {
			t.Errorf("%s ran %d times; want at least 2 to compare", v.name, states[i].runs)
		}
	}
	t.Logf("%d runs in %s", flakeRuns, time.Since(started).Round(time.Millisecond))
}
