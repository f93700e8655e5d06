// Package conform runs authconform's conformance suite from Go: against
// an OAuth2 token endpoint that follows Commerce Layer's documented
// client_credentials flow, its webapps' authorization code grant and its
// JWT bearer grant, or plain RFC 6749 §4.4 (Profile RFC6749).
//
// Run judges a target and returns the verdicts, the exit code and the
// reports the authconform command gives for the same options (the command
// is a thin layer over this package); List says what Run would run and
// leave out, sending nothing. Steps registers the suite's step
// vocabulary in another godog suite. Package conformtest runs the suite
// inside go test, a subtest per scenario; package refserver starts the
// reference server, a local Commerce Layer–compatible auth server.
//
// Options are typed values, not the command's flag syntax: the target's
// URL is parsed once (ParseURL), reports are a list of Format, the rate a
// Rate; ParseFormats and ParseRate read -format and -rate as the command
// does. Options, Profile, KnownDeviation, Target, Client, URL, Rate and
// Format are package setup's types: the reference server shares them
// without importing this package, and the runner takes the Options the
// command fills as they are.
//
// Redaction, the rate limit and timeouts are on by default here as in the
// command: a caller being a test makes nothing weaker. Client secrets and
// issued tokens never appear in a Result, a report or an error.
package conform
