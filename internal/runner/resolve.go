package runner

import (
	"cmp"
	"crypto/tls"
	"io/fs"
	"time"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/provenance"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/schema"
	"github.com/authconform/authconform/internal/stepsuite"
	"github.com/authconform/authconform/setup"
)

// resolved is a run's options as planning settles them, once: the options
// as given with every default applied, the target as the steps use it,
// whether it is on loopback, and where the suite's files are. Each stage
// below planning takes from it only what it needs.
type resolved struct {
	setup.Options
	target   config.Target
	loopback bool // decided once: a name's answer may change later
	suite    suiteFiles
}

// suiteFiles are the feature files and JSON Schemas a run reads, and the
// roots of its provenance stamp.
type suiteFiles struct {
	features     fs.FS
	featurePaths []string
	schemas      fs.FS
	schemaDir    string
	stampRoots   []provenance.Root
}

// builtInSuite is the features and schemas built into the binary: the one
// place that says where they are.
func builtInSuite() suiteFiles {
	return suiteFiles{features: authconform.Files, featurePaths: []string{"features"}, schemas: authconform.Files, schemaDir: "schemas"}.withRoots()
}

// suiteOf is the suite o names: its own features or schemas, else the
// built-in ones.
func suiteOf(o setup.Options) suiteFiles {
	s := builtInSuite()
	if o.Features != nil {
		s.features, s.featurePaths = o.Features, o.FeaturePaths
		if len(o.FeaturePaths) == 0 {
			s.featurePaths = []string{"."}
		}
	}
	if o.Schemas != nil {
		s.schemas, s.schemaDir = o.Schemas, "."
	}
	return s.withRoots()
}

// withRoots sets the files that make up the suite, for the run's
// provenance stamp.
func (s suiteFiles) withRoots() suiteFiles {
	s.stampRoots = nil
	for _, p := range s.featurePaths {
		s.stampRoots = append(s.stampRoots, provenance.Root{FS: s.features, Path: p})
	}
	s.stampRoots = append(s.stampRoots, provenance.Root{FS: s.schemas, Path: s.schemaDir})
	return s
}

// resolve applies o's defaults, builds the target the steps use and checks
// its URLs, and decides whether it is on loopback: the one place a run's
// options are read whole.
func resolve(o setup.Options) (resolved, error) {
	r := resolved{Options: o, suite: suiteOf(o)}
	if r.Timeout == 0 {
		r.Timeout = httpclient.DefaultTimeout
	}
	if r.TLSConfig == nil {
		r.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if len(r.Formats) == 0 {
		// No report asked for: godog's progress, to a writer nobody reads.
		r.Formats, r.Output = []setup.Format{{Name: "progress"}}, nil
	}
	var err error
	if r.target, err = ConfigTarget(o.Target, o.Profile); err != nil {
		return resolved{}, &ConfigError{err}
	}
	if err := r.target.CheckURL(); err != nil {
		return resolved{}, &ConfigError{err}
	}
	r.loopback = r.target.IsLoopback()
	return r, nil
}

// NewSuite builds the step vocabulary's shared state for o's target, for
// another godog suite to register (conform.Steps): the same transport
// rules, rate limit, timeouts, schemas and redaction as a run. close
// releases its connections.
func NewSuite(o setup.Options) (s stepsuite.Suite, close func(), err error) {
	r, err := resolve(o)
	if err != nil {
		return nil, nil, err
	}
	if err := checkTransport(r); err != nil {
		return nil, nil, err
	}
	if r.Timeout < 0 || r.Timeout > 10*time.Minute {
		return nil, nil, configErr("timeout %s: want a duration above 0 and at most 10m", r.Timeout)
	}
	schemas, err := schema.Load(r.suite.schemas, r.suite.schemaDir)
	if err != nil {
		return nil, nil, configErr("schemas: %v", err)
	}
	limiter, err := authLimit(r)
	if err != nil {
		return nil, nil, err
	}
	transport := r.transport()
	transport.Limits = authLimits(limiter, r.target)
	client := httpclient.New(transport)
	return stepsuite.New(stepsuite.Config{
		Target:   r.target,
		Client:   client,
		Schemas:  schemas,
		Redactor: redact.New(r.target.Secrets()...),
	}), client.Close, nil
}

// transport is how the one client every request of a run, or of a suite
// built by NewSuite, goes through reaches the target; the caller adds the
// rate limit and who hears of each wait.
func (r resolved) transport() httpclient.Options {
	return httpclient.Options{
		Timeout:   r.Timeout,
		TLSConfig: r.TLSConfig,
		MaxWait:   r.MaxWait,
		// Plain http is allowed only to loopback (or when the user said
		// so): the dialer holds to it, whatever a name resolves to later.
		LoopbackOnly: r.target.IsPlainHTTP() && !r.AllowHTTP,
	}
}

// ConfigTarget is the target a run's options describe, as the steps use
// it: the options' own value, each default applied, with profile p ("" is
// Commerce Layer's) and the base URL as it was parsed. A run builds it
// once, when it plans.
func ConfigTarget(t setup.Target, p setup.Profile) (config.Target, error) {
	prof, err := config.ProfileNamed(string(cmp.Or(p, setup.CommerceLayer)))
	if err != nil {
		return config.Target{}, err
	}
	for _, v := range []struct{ name, value string }{
		{"Target.MarketCode", t.MarketCode}, {"Target.StoreID", t.StoreID}, {"Target.StoreCode", t.StoreCode},
		{"Target.StockLocationID", t.StockLocationID}, {"Target.StockLocationCode", t.StockLocationCode},
	} {
		if err := config.CheckScopeValue(v.name, v.value); err != nil {
			return config.Target{}, err
		}
	}
	t.TokenPath = cmp.Or(t.TokenPath, config.DefaultTokenPath)
	t.RevokePath = cmp.Or(t.RevokePath, config.DefaultRevokePath)
	t.ClockSkew = cmp.Or(t.ClockSkew, config.DefaultClockSkew)
	ct := config.Target{Target: t, Profile: prof}
	if !t.URL.IsZero() {
		ct.URL = t.URL.Parsed() // a copy of its own
	}
	return ct, nil
}

// SetupTarget is t as a run's options give it, and its profile: what
// ConfigTarget reads back to t. The parsed base URL is the one that
// counts (a test may have set it alone): the options' text form is
// written from it by the options' rules, and the error is for a URL set
// by hand that they refuse.
func SetupTarget(t config.Target) (setup.Target, setup.Profile, error) {
	st := t.Target
	if t.URL != nil {
		var err error
		if st.URL, err = setup.ParseURL(t.URL.String()); err != nil {
			return setup.Target{}, "", err
		}
	}
	return st, setup.Profile(t.Profile.Name), nil
}
