package selftest

import (
	"context"
	"github.com/authconform/authconform/setup"
	"io"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/golden"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/verdict"
)

// runAgainst starts the reference server with opts and runs the whole
// suite against it, as the CLI does, once per profile (each run leaves
// the other profile's scenarios out), and returns the two runs as one:
// every scenario's verdict, and the worse exit code.
func runAgainst(t *testing.T, opts refserver.Options, strict bool) verdict.Run {
	t.Helper()
	return runEveryProfile(t, opts, func(o *setup.Options) { o.Strict = strict })
}

// runEveryProfile is runAgainst with the runner's options adjusted by
// tune.
func runEveryProfile(t *testing.T, opts refserver.Options, tune func(*setup.Options)) verdict.Run {
	t.Helper()
	var all verdict.Run
	for _, p := range config.Profiles {
		res := runProfile(t, opts, p, tune)
		all.Verdicts = append(all.Verdicts, res.Verdicts...)
		all.ExitCode = max(all.ExitCode, res.ExitCode)
	}
	return all
}

// runWith runs the Commerce Layer profile, with the runner's options
// adjusted by tune.
func runWith(t *testing.T, opts refserver.Options, tune func(*setup.Options)) verdict.Run {
	t.Helper()
	return runProfile(t, opts, config.CommerceLayer, tune)
}

// runProfile runs profile p against the reference server started with
// opts, in the error shape the profile judges (embedded.ServerOptions).
func runProfile(t *testing.T, opts refserver.Options, p config.Profile, tune func(*setup.Options)) verdict.Run {
	t.Helper()
	if p.Name == config.RFC6749.Name {
		opts.ErrorShape = embedded.ServerOptions(p, "").ErrorShape
	}
	if opts.Issuer == "" {
		opts.Issuer = embedded.Issuer
	}
	srv, err := refserver.Start(opts)
	if err != nil {
		t.Fatalf("refserver.Start(%+v): %v", opts, err)
	}
	defer srv.Close()
	o := optionsFor(profileTarget(srv.URL, p))
	o.Timeout, o.Output = 5*time.Second, io.Discard
	if tune != nil {
		tune(&o)
	}
	res, err := runner.Run(context.Background(), o)
	if err != nil {
		t.Fatalf("runner.Run: %v", err)
	}
	return res
}

func profileTarget(url string, p config.Profile) config.Target {
	t := embedded.Target(url)
	t.Profile = p
	return t
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
func caseName(v verdict.Verdict) string { return golden.Key(v.URI, v.Scenario) }

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

// profileSize is suiteSize for one profile's run: the scenarios the
// profile does not leave out.
func profileSize(t testing.TB, p config.Profile) int {
	t.Helper()
	cases, err := catalog.Load(authconform.Files, "features")
	if err != nil {
		t.Fatalf("catalog.Load(features): %v", err)
	}
	n := 0
	for _, c := range cases {
		if !slices.ContainsFunc(p.LeaveOut, func(g config.Gap) bool { return slices.Contains(c.Tags, g.Tag) }) {
			n++
		}
	}
	return n
}

// optionsFor is a run's options for the configured target ct and its
// profile.
func optionsFor(ct config.Target) setup.Options {
	t, p, err := runner.SetupTarget(ct)
	if err != nil {
		panic(err) // a configured target's URL follows the options' rules
	}
	return setup.Options{Target: t, Profile: p}
}
