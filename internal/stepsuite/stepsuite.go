// Package stepsuite is how a run drives the step vocabulary of package
// steps, which is public and so may export no internal type: Config is
// what every scenario of a run shares, Suite is what the run gets back,
// and New builds one.
//
// Package steps sets New and ConfiguredValues when it is initialised:
// the runner imports steps (for its patterns), so they are set before any
// run. This is the only way in: steps exports nothing that names Config.
package stepsuite

import (
	"context"
	"time"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/schema"
	"github.com/authconform/authconform/internal/verdict"
)

// Config is what every scenario of a run shares. It holds no per-scenario
// state: each scenario has its own.
type Config struct {
	Target   config.Target
	Client   *httpclient.Client
	Schemas  *schema.Registry
	Redactor *redact.Redactor
	Recorder *verdict.Recorder     // may be nil
	Now      func() time.Time      // nil: time.Now
	OnDone   func(verdict.Verdict) // may be nil; told of each verdict as it is recorded
	// KeepTranscripts records the transcript of passed scenarios too;
	// failed ones always keep theirs.
	KeepTranscripts bool
	// RunContext is the whole run's context (nil: never ends). Once it
	// ends (a signal), scenarios not yet started are not run.
	RunContext context.Context

	// Admit, when set, is asked before a scenario starts whether to run
	// it; one it refuses is reported as not run.
	Admit func(feature, scenario string) bool
}

// Suite is the vocabulary over one Config, as a run uses it.
type Suite interface {
	// InitializeScenario gives the scenario godog is about to run its own
	// state and registers the vocabulary's handlers bound to it, and the
	// hooks that start the scenario and record its verdict: a godog
	// ScenarioInitializer.
	InitializeScenario(*godog.ScenarioContext)
	// PlanSharing names, before the run, the scenario that obtains each
	// token the run shares, so which scenario sends which request is the
	// same at any concurrency.
	PlanSharing([]catalog.Case)
	// Inconclusive says why a passed verdict proves nothing, or "" when it
	// does (an error scenario whose clients got no token in the run).
	Inconclusive(verdict.Verdict) string
}

// New builds the vocabulary's suite over c. Package steps sets it.
var New func(c Config) Suite

// ConfiguredValues are the placeholders a target's configuration fills,
// by name ({{integration.client_id}} is "integration.client_id"): the
// runner checks before the run that none a scenario uses is empty.
// Package steps sets it.
var ConfiguredValues func(config.Target) map[string]string
