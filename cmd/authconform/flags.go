package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/authconform/authconform/conform"
	"github.com/authconform/authconform/conform/refserver"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/expect"
	"github.com/authconform/authconform/internal/runner"
	"github.com/authconform/authconform/internal/termcolor"
	"github.com/authconform/authconform/internal/userfile"
)

// cli is the command line, as read.
type cli struct {
	targetURL, tokenPath, tags, format, featuresDir, schemasDir string
	timeout, maxWait, clockSkew                                 time.Duration
	strict, allowHTTP, quiet                                    bool
	concurrency, scLifetime, intLifetime                        int
	rate, caFile, expectFile, updateFile, fault                 string
	updateFrom                                                  []expect.Failure // updateFile as it was before the run
	listFaults, listOnly, version                               bool
	configFile, configSection                                   string
	scID, marketID, otherMarket, intID                          string
	profile, clientID, basicClientID, scope, forbiddenScope     string
	expiresIn                                                   int
	scopes                                                      scopeFlags
	color                                                       termcolor.Mode
}

// parseFlags reads args. done means the command has already answered
// (help, or a bad flag) with code.
func parseFlags(args []string, stdout, stderr io.Writer) (c *cli, code int, done bool) {
	c = &cli{color: termcolor.Auto}
	fl := flag.NewFlagSet("authconform", flag.ContinueOnError)
	// Help asked for goes to stdout, where it can be paged; a bad flag is
	// one line on stderr.
	fl.SetOutput(io.Discard)
	fl.Usage = func() {}
	c.define(fl)
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, fl)
			return c, conform.ExitPass, true
		}
		fmt.Fprintf(stderr, "authconform: %v (authconform -h lists the flags)\n", err)
		return c, conform.ExitConfig, true
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "authconform: unexpected argument %q; all options are flags (see -h)\n", fl.Arg(0))
		return c, conform.ExitConfig, true
	}
	return c, 0, false
}

func (c *cli) define(fl *flag.FlagSet) {
	fl.StringVar(&c.configFile, "config", "", "settings file: AUTHCONFORM_* variables as KEY=VALUE lines, in [sections] (staging, rc, production...), secrets only as ${VARIABLE} or *_FILE=PATH; the environment and the flags override it")
	fl.StringVar(&c.configSection, "config-section", "", "the section of the -config file to use (required when the file has sections)")
	fl.StringVar(&c.targetURL, "target", "", "base URL of the auth server (default $AUTHCONFORM_TARGET, else the embedded reference server)")
	fl.StringVar(&c.tokenPath, "token-path", "", "path of the token endpoint (default $AUTHCONFORM_TOKEN_PATH or /oauth/token)")
	fl.StringVar(&c.tags, "tags", "", "godog tag expression selecting scenarios, e.g. '@must && ~@integration'")
	fl.StringVar(&c.format, "format", "console", runner.FormatUsage)
	fl.StringVar(&c.featuresDir, "features", "", "directory of .feature files (default: the ones built into the binary)")
	fl.StringVar(&c.schemasDir, "schemas", "", "directory of JSON Schemas (default: the ones built into the binary)")
	fl.DurationVar(&c.timeout, "timeout", 10*time.Second, "timeout of each request")
	fl.DurationVar(&c.maxWait, "max-wait", time.Minute, "longest Retry-After of a 429 waited out; a longer one ends the run (exit 2)")
	fl.BoolVar(&c.strict, "strict", false, "a failed @should scenario fails the run")
	fl.IntVar(&c.concurrency, "concurrency", 1, "scenarios run at once")
	fl.StringVar(&c.rate, "rate", "", "limit N/DURATION or none of the requests to the auth server, every request to the token endpoint's origin (default 30/1m for targets not on loopback, none on loopback)")
	fl.BoolVar(&c.allowHTTP, "allow-http", false, "allow a plain http:// target that is not on loopback")
	fl.StringVar(&c.caFile, "ca-file", "", "PEM file of extra CA certificates to trust")
	fl.BoolVar(&c.quiet, "quiet", false, "no progress lines on stderr")
	fl.Func("color", "colour the console format, the progress lines and the summary: auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always (for a CI log that shows colour), never (default auto)", func(s string) (err error) {
		c.color, err = termcolor.ParseMode(s)
		return err
	})
	fl.StringVar(&c.expectFile, "expect-failures", "", "JSON file of scenarios the target is known to fail, each with a reason")
	fl.StringVar(&c.updateFile, "update-expect-failures", "", "after the run, write the known-deviation file FILE from it (a person reviews it; never unattended in CI)")
	fl.StringVar(&c.fault, "embedded-fault", "", "run the embedded reference server with this fault (see -list-faults)")
	fl.BoolVar(&c.listFaults, "list-faults", false, "list the embedded server's faults and exit")
	fl.BoolVar(&c.listOnly, "list", false, "list the scenarios a run would run and leave out, and the requests it would send; send nothing")
	fl.BoolVar(&c.version, "version", false, "print the tool's version, its Go and godog versions and the digest of the built-in features and schemas, and exit")
	fl.StringVar(&c.profile, "profile", "", "the family of servers judged: commercelayer (Commerce Layer's documented flow) or rfc6749 (plain RFC 6749 §4.4: form bodies, client_secret_post and client_secret_basic) (default $AUTHCONFORM_PROFILE or commercelayer)")
	fl.StringVar(&c.clientID, "client-id", "", "rfc6749 profile: a client_id that authenticates in the body, client_secret_post (default $AUTHCONFORM_CLIENT_ID); its secret only from the environment")
	fl.StringVar(&c.basicClientID, "basic-client-id", "", "rfc6749 profile: a client_id that authenticates with HTTP Basic, client_secret_basic (default $AUTHCONFORM_BASIC_CLIENT_ID); its secret only from the environment")
	fl.StringVar(&c.scope, "scope", "", "rfc6749 profile: a scope the client may have, asked for by every request not about scope (default $AUTHCONFORM_SCOPE)")
	fl.StringVar(&c.forbiddenScope, "forbidden-scope", "", "rfc6749 profile: a scope the client may not have (default $AUTHCONFORM_FORBIDDEN_SCOPE)")
	fl.IntVar(&c.expiresIn, "expires-in", 0, "rfc6749 profile: the lifetime of the clients' tokens, seconds, which expires_in must give as well as agree with a JWT's exp − iat (default $AUTHCONFORM_EXPIRES_IN)")
	fl.StringVar(&c.scID, "sales-channel-client-id", "", "sales channel client_id (default $AUTHCONFORM_SALES_CHANNEL_CLIENT_ID)")
	fl.StringVar(&c.marketID, "market-id", "", "id of a market of the target (default $AUTHCONFORM_MARKET_ID)")
	fl.StringVar(&c.otherMarket, "other-market-id", "", "id of a second market of the target, for two-market scopes (default $AUTHCONFORM_OTHER_MARKET_ID)")
	fl.StringVar(&c.intID, "integration-client-id", "", "integration client_id (default $AUTHCONFORM_INTEGRATION_CLIENT_ID); its secret only from the environment")
	fl.IntVar(&c.scLifetime, "sales-channel-expires-in", 0, "the lifetime of the sales channel's tokens, seconds, which expires_in must give as well as agree with the token's exp − iat (default $AUTHCONFORM_SALES_CHANNEL_EXPIRES_IN; unset: a lifetime other than the documented 14400 is a warning)")
	fl.IntVar(&c.intLifetime, "integration-expires-in", 0, "the lifetime of the integration's tokens, seconds, which expires_in must give as well as agree with the token's exp − iat (default $AUTHCONFORM_INTEGRATION_EXPIRES_IN; unset: a lifetime other than the documented 7200 is a warning)")
	fl.DurationVar(&c.clockSkew, "clock-skew", 0, "allowed distance of created_at from now (default $AUTHCONFORM_CLOCK_SKEW or 60s)")
	c.scopes.define(fl)
}

// info answers -version and -list-faults.
func (c *cli) info(stdout, stderr io.Writer) int {
	if c.version {
		stamp, err := runner.BuiltInStamp()
		if err != nil {
			fmt.Fprintf(stderr, "authconform: %v\n", err)
			return conform.ExitConfig
		}
		fmt.Fprintln(stdout, stamp)
		return conform.ExitPass
	}
	for _, f := range refserver.Faults() {
		fmt.Fprintf(stdout, "%-36s %s\n", f.Name, f.Breaks)
	}
	return conform.ExitPass
}

// target is the environment's target and profile with the flags laid
// over them: the one place where the two meet. A variable a flag replaces
// is not read, so a bad one is no error.
func (c *cli) target(getenv func(string) string) (conform.Target, conform.Profile, error) {
	env := getenv
	if c.targetURL != "" {
		env = unset(getenv, config.EnvTarget)
	}
	t, p, err := conform.TargetFromEnv(env)
	if err != nil {
		return t, p, err
	}
	for _, o := range []struct {
		flag string
		dst  *string
	}{{c.tokenPath, &t.TokenPath}, {c.scID, &t.SalesChannel.ID}, {c.marketID, &t.MarketID}, {c.otherMarket, &t.OtherMarketID}, {c.intID, &t.Integration.ID},
		{c.clientID, &t.Client.ID}, {c.basicClientID, &t.BasicClient.ID}, {c.scope, &t.Scope}, {c.forbiddenScope, &t.ForbiddenScope}} {
		if o.flag != "" {
			*o.dst = o.flag
		}
	}
	if err := c.scopes.apply(&t); err != nil {
		return t, p, err
	}
	for _, o := range []struct {
		name string
		flag int
		dst  *int
	}{{"-sales-channel-expires-in", c.scLifetime, &t.SalesChannel.Lifetime}, {"-integration-expires-in", c.intLifetime, &t.Integration.Lifetime},
		{"-expires-in", c.expiresIn, &t.Client.Lifetime}, {"-expires-in", c.expiresIn, &t.BasicClient.Lifetime}} {
		switch {
		case o.flag < 0:
			return t, p, fmt.Errorf("%s=%d: want a whole number of seconds, at least 1", o.name, o.flag)
		case o.flag > 0:
			*o.dst = o.flag
		}
	}
	if c.profile != "" {
		if p, err = conform.ParseProfile(c.profile); err != nil {
			return t, p, fmt.Errorf("-profile: %v", err)
		}
	}
	if c.clockSkew < 0 {
		return t, p, fmt.Errorf("-clock-skew=%s: want a positive duration", c.clockSkew)
	}
	if c.clockSkew > 0 {
		t.ClockSkew = c.clockSkew
	}
	if c.fault != "" && (c.targetURL != "" || !t.URL.IsZero()) {
		return t, p, fmt.Errorf("-embedded-fault applies to the embedded server only; drop -target / %s", config.EnvTarget)
	}
	if c.targetURL != "" {
		if t.URL, err = conform.ParseURL(c.targetURL); err != nil {
			return t, p, err
		}
	}
	return t, p, nil
}

// unset is getenv without the variable name.
func unset(getenv func(string) string, name string) func(string) string {
	return func(n string) string {
		if n == name {
			return ""
		}
		return getenv(n)
	}
}

// embedded starts the reference server, in the error shape of profile p,
// and returns it as the target, with the expectations the user may have
// set (lifetimes, skew), so a mismatch can be demonstrated too. A lifetime
// not set stays unset, as for any target: judged against the tokens.
func (c *cli) embedded(t conform.Target, p conform.Profile, held *heldLines) (*refserver.Server, conform.Target, error) {
	// Tokens name an https://auth. issuer, which Commerce Layer's clients
	// follow; Target reads the keys from the server itself.
	opts := refserver.Options{Fault: c.fault, Issuer: embedded.Issuer}
	if p == conform.RFC6749 {
		opts.ErrorShape = refserver.ErrorShapeRFC6749
	}
	srv, err := refserver.Start(opts)
	if err != nil {
		return nil, t, err
	}
	e := srv.Target()
	e.SalesChannel.Lifetime, e.Integration.Lifetime, e.ClockSkew = t.SalesChannel.Lifetime, t.Integration.Lifetime, t.ClockSkew
	e.Client.Lifetime, e.BasicClient.Lifetime = t.Client.Lifetime, t.BasicClient.Lifetime
	name := "the embedded reference server"
	if c.fault != "" {
		name += " with fault " + strconv.Quote(c.fault)
	}
	held.add("authconform: no target given; running against %s at %s", name, srv.URL)
	return srv, e, nil
}

// options are the run's options for target t under profile p.
// Its warnings are held until the run's first output.
func (c *cli) options(t conform.Target, p conform.Profile, stdout, stderr io.Writer, held *heldLines) (conform.Options, error) {
	switch {
	case c.concurrency < 1:
		return conform.Options{}, fmt.Errorf("-concurrency %d: want at least 1", c.concurrency)
	case c.timeout <= 0:
		return conform.Options{}, fmt.Errorf("-timeout %s: want a duration above 0, e.g. 10s", c.timeout)
	case c.maxWait <= 0 || c.maxWait > time.Hour:
		return conform.Options{}, fmt.Errorf("-max-wait %s: want a duration above 0 and at most 1h", c.maxWait)
	}
	o := conform.Options{
		Target: t, Profile: p, Tags: c.tags, Strict: c.strict, Concurrency: c.concurrency,
		Timeout: c.timeout, MaxWait: c.maxWait, AllowHTTP: c.allowHTTP, Output: stdout,
	}
	var err error
	if o.Formats, err = conform.ParseFormats(c.format); err != nil {
		return o, err
	}
	if o.Rate, err = conform.ParseRate(c.rate); err != nil {
		return o, err
	}
	if !c.quiet && !usesConsole(o.Formats) {
		// The console format shows each case itself; progress lines on
		// stderr would repeat them.
		o.Progress = stderr
	}
	if c.featuresDir != "" {
		if o.Features, err = userfile.Dir(c.featuresDir, maxSuiteFile, maxSuiteTotal); err != nil {
			return o, fmt.Errorf("-features: %v", err)
		}
	}
	if c.schemasDir != "" {
		if o.Schemas, err = userfile.Dir(c.schemasDir, maxSuiteFile, maxSuiteTotal); err != nil {
			return o, fmt.Errorf("-schemas: %v", err)
		}
	}
	if c.expectFile != "" {
		if o.KnownDeviations, err = knownDeviations(c.expectFile); err != nil {
			return o, fmt.Errorf("-expect-failures: %v", err)
		}
	}
	if c.updateFile != "" {
		// Read now, not after a run that may be long: a file that cannot
		// be read or replaced is a configuration error before any request.
		if c.updateFrom, err = existingDeviations(c.updateFile); err != nil {
			return o, fmt.Errorf("-update-expect-failures: %v", err)
		}
	}
	if c.caFile != "" {
		if o.TLSConfig, err = runner.LoadCA(c.caFile); err != nil {
			return o, err
		}
	}
	// Whether a name is on loopback takes a look-up, as the run's own
	// planning does; conform.URL.IsLoopback reads the text only.
	if c.concurrency > 1 && !(config.Target{URL: t.URL.Parsed()}).IsLoopback() {
		held.add("authconform: -concurrency > 1 on a remote target: the rate limit still spaces every request")
	}
	return o, nil
}

// maxSuiteFile and maxSuiteTotal bound each file of a -features or
// -schemas directory as it is opened, and all it reads (the suite's files
// are hashed into the reports' stamp, whatever they are): a directory is
// read in well under a second, whatever it holds. Feature and schema
// files have tighter bounds of their own.
const (
	maxSuiteFile  = 16 << 20
	maxSuiteTotal = 64 << 20
)

// existingDeviations is the known-deviation file -update-expect-failures
// will replace, nil if there is none yet; its directory must exist.
func existingDeviations(path string) ([]expect.Failure, error) {
	if st, err := os.Stat(filepath.Dir(path)); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", filepath.Dir(path))
	}
	list, err := expect.Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return list, err
}

// knownDeviations reads a known-deviation file.
func knownDeviations(path string) ([]conform.KnownDeviation, error) {
	list, err := expect.Load(path)
	if err != nil {
		return nil, err
	}
	out := make([]conform.KnownDeviation, len(list))
	for i, f := range list {
		out[i] = conform.KnownDeviation{ID: f.ID, Feature: f.Feature, Scenario: f.Scenario, Reason: f.Reason}
	}
	return out, nil
}
