package setup

import (
	"crypto/tls"
	"io"
	"io/fs"
	"time"
)

// Profile names the family of servers judged.
type Profile string

// The profiles there are.
const (
	// CommerceLayer is Commerce Layer's documented flow: JSON bodies, a
	// sales channel and an integration, RS512 JWT access tokens,
	// revocation. The default.
	CommerceLayer Profile = "commercelayer"
	// RFC6749 is plain RFC 6749 §4.4: form bodies, client_secret_post and
	// client_secret_basic, RFC 6749's own answers.
	RFC6749 Profile = "rfc6749"
)

// KnownDeviation is a scenario the target is known to fail, and why: it
// does not fail the run while it fails, and fails the run once it passes.
// It names the scenario by ID, or (as files written before ids do) by
// Feature and Scenario.
type KnownDeviation struct {
	ID       string // the scenario's stable id, its @id: tag ("#" and the row's number for an outline's row)
	Feature  string // without an ID: the feature file as reported, e.g. features/errors/invalid_client.feature
	Scenario string // without an ID: the scenario's name
	Reason   string
}

// Options configure a run: the command fills them from its flags, and the
// runner takes them as they are, applying the defaults below once, when
// it plans. The zero value, with a Target, runs the Commerce Layer
// profile's built-in suite with the command's defaults.
type Options struct {
	Target  Target
	Profile Profile // "" = CommerceLayer
	// Tags is a godog tag expression selecting scenarios ("@must &&
	// ~@integration"); "" runs all.
	Tags string
	// Strict fails the run on a failed @should scenario.
	Strict          bool
	KnownDeviations []KnownDeviation
	// Formats are the reports: {Name: "junit", Path: "out/junit.xml"},
	// {Name: "console"} (to Output)... The command's -format reads into
	// them. None writes no report: the result holds every verdict.
	Formats []Format
	// Output receives the format written to the console; nil discards
	// it. Progress, if set, gets a line per finished case.
	Output, Progress io.Writer
	// Rate limits the requests to the auth server (the token endpoint's
	// origin), whose endpoint Commerce Layer documents a limit for; nil is
	// the command's default (30 a minute, none on loopback), &Rate{} no
	// limit.
	Rate *Rate
	// Timeout bounds each request (0: 10 s); MaxWait the longest
	// Retry-After waited out (0: 60 s).
	Timeout, MaxWait time.Duration
	// Concurrency runs that many scenarios at once (0: 1). Verdicts and
	// reports are those of a sequential run.
	Concurrency int
	// AllowHTTP allows a plain http:// target that is not on loopback.
	AllowHTTP bool
	// TLSConfig for https targets (nil: the system's roots, TLS 1.2+).
	TLSConfig *tls.Config
	// Features, when set, holds the feature files (under FeaturePaths,
	// default "."); the suite's schemas stay the built-in ones unless
	// Schemas is set.
	Features     fs.FS
	FeaturePaths []string
	// Schemas, when set, holds the JSON Schemas the steps validate
	// against, at its root (token_response.json, ...). Their references
	// resolve only to files of Schemas: nothing is fetched. The command
	// gives a directory opened so that no symbolic link leads out of it
	// and no read blocks or runs unbounded; an os.DirFS does neither.
	Schemas fs.FS
	// Admit, when set, is asked before each scenario starts whether to run
	// it (conformtest uses it for go test -run); a scenario it refuses is
	// reported as not run.
	Admit func(feature, scenario string) bool
}
