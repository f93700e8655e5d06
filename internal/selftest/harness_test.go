package selftest

import (
	"context"
	"io"
	"sort"
	"testing"
	"time"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/verdict"
)

// runAgainst starts the reference server with opts and runs the whole
// suite against it, as the CLI does.
func runAgainst(t *testing.T, opts refserver.Options, strict bool) verdict.Run {
	t.Helper()
	return runWith(t, opts, func(o *runner.Options) { o.Strict = strict })
}

// runWith is runAgainst with the runner's options adjusted by tune.
func runWith(t *testing.T, opts refserver.Options, tune func(*runner.Options)) verdict.Run {
	t.Helper()
	srv, err := refserver.Start(opts)
	if err != nil {
		t.Fatalf("refserver.Start(%+v): %v", opts, err)
	}
	defer srv.Close()
	o := runner.Options{
		Target:  embedded.Target(srv.URL),
		Timeout: 5 * time.Second,
		Console: io.Discard,
	}.WithBuiltInSuite()
	if tune != nil {
		tune(&o)
	}
	res, err := runner.Run(context.Background(), o)
	if err != nil {
		t.Fatalf("runner.Run: %v", err)
	}
	return res
}

// byStatus lists the scenarios with the given status, by caseName, sorted.
func byStatus(res verdict.Run, st verdict.Status) []string {
	var out []string
	for _, v := range res.Verdicts {
		if v.Status == st {
			out = append(out, caseName(v))
		}
	}
	sort.Strings(out)
	return out
}

// caseName names a scenario as the golden file does, "feature-path:
// scenario name": names are unique only within a feature file.
func caseName(v verdict.Verdict) string { return v.URI + ": " + v.Scenario }

// suiteSize is how many scenarios the built-in features hold, as the
// runner's catalog reads them: against the reference server, which has
// every credential, a run runs them all. Tests compare with it rather
// than with a count written by hand, which every new scenario would break.
func suiteSize(t testing.TB) int {
	t.Helper()
	cases, err := catalog.Load(authconform.Files, "features")
	if err != nil {
		t.Fatalf("catalog.Load(features): %v", err)
	}
	return len(cases)
}
