// Package bench measures the suite: how much slower it is than the least a
// client must do to send the same requests, how fast the CLI starts, how
// run time and memory grow with the number of scenarios, and how the
// reference server holds up under load. Everything is in its benchmarks;
// `make bench` runs them and cmd/benchtable prints the table:
//
//	go test -run '^$' -bench . -benchtime 3s -json ./internal/bench/ > bench.json
//	go run ./internal/bench/cmd/benchtable bench.json
//
// The benchmarks report their figures with b.ReportMetric, each a median
// over the iterations of one run, because the machine running them may be
// busy with other work: a median ignores the iterations a neighbour slowed.
//
// # Suite against the floor (BenchmarkSuiteVsFloor)
//
// The floor is the same HTTP requests as the whole suite, with the same
// bodies, sent by a plain Go loop with its checks written out in Go (status,
// content type, Cache-Control, JSON decoding, the members the scenarios
// check, the access token's RS512 signature with crypto/rsa and its claims):
// what any client of the endpoints must spend, with no Gherkin, no step
// matching, no JSON Schema, no redaction, no reports. It is read from the
// feature files before anything is timed: each scenario's request steps
// give its requests, its Then steps give Go checks, so a new scenario needs
// no edit to the floor. What the suite obtains once per run the floor
// obtains once too: a token answer judged by later scenarios with the same
// parameters, the target's key set, and each request of scenarios whose
// request chains are the same (the lines of package sharing's plan). A step or placeholder the floor does
// not know makes the floor's tests skip and `make bench` fail, naming it.
// Three tests keep it honest: TestFloor, which it passes against the
// reference server and fails against faults; TestFloorSendsTheSuitesRequests,
// which logs what the server receives from each and requires the same
// requests in the same order (method, URL, content type, Authorization,
// body; generated values and issued tokens aside); and
// TestFloorSharesWhatTheSuiteShares, the same for a feature made to share.
//
// Each iteration runs, against one reference server, the whole suite
// (T_all, N scenarios), the suite narrowed by a tag to one scenario (T_one),
// and the floor (T_floor). runner.Run does per-run work whatever it runs
// (parsing every feature file, compiling the schemas, godog's set-up,
// connecting), so a run costs T(k) = F + k·s for k scenarios. Two runs give
// both terms: s = (T_all − T_one) / (N − 1) and F = T_one − s. The figures
// reported are the medians of T_all, T_floor and F, and
//
//	ratio = (T_all − F) / T_floor
//
// which the target, suite ≤ 1.5 × floor + a fixed start-up cost,
// bounds by 1.5. A second floor, the "checked floor", also validates the
// token and error bodies against the suite's JSON Schemas (compiled once,
// outside the timing), so the table shows how much of the gap is schema
// validation (little: about a millisecond a run) and how much is godog's
// per-step machinery. The scenario picked for T_one is an ordinary one (one token
// request, five checks); if it costs more or less than the average scenario,
// F absorbs the difference, which is why BenchmarkScaling reports time per
// scenario too.
//
// Each iteration also runs the same feature files through godog alone:
// every step of the vocabulary replaced by a handler of the same
// signature that returns at once (godogOnly). That run costs what godog
// spends whatever the steps do: matching each step against the
// vocabulary, calling it by reflection, and the records its go-memdb
// storage keeps for the formatters after every step. Its per-scenario
// part, G = (G_all − G_one) / (N − 1) · N, splits the suite's time over
// the floor in two: G is godog's, and
//
//	own = T_all − F − G − T_floor
//
// is authconform's (hooks, transcripts, redaction, schema validation, the
// rate-limited client). The table shows both as multiples of the floor,
// and (T_all − F − G) / T_floor, the ratio godog's part set aside. The
// split says where a speed-up can come from: G is not ours to cut.
//
// # Start-up and peak memory of the CLI (BenchmarkCLI)
//
// The CLI is built once with go build, then run against a loopback server
// (the reference server behind a handler that notes when the first HTTP
// request arrives; the CLI's reachability check only opens a TCP
// connection). Start-up is the time from starting the process to that
// first request; the whole run and the process's peak resident set size
// (getrusage's ru_maxrss for the child) are reported too. The same figures
// come for the CLI with no target, which starts the embedded reference
// server in its own process; there no probe sees the first request, so a
// run of one scenario stands in for start-up, from above.
//
// # Scaling (BenchmarkScaling)
//
// A feature file with one Scenario Outline of 10, 100 and 1000 rows (each
// row a token request with four checks) is written to a temporary directory
// and run with runner.Run. Time per scenario should stay flat as the count
// grows; the peak live heap, sampled during the run with runtime/metrics,
// shows what each scenario's verdict and transcript cost in memory.
//
// # Reference server under load (BenchmarkRefserverLoad)
//
// 10 000 requests, 50 at a time, against refserver.Start, cycling through
// the floor's requests that stand alone (so token issues, with their RS512
// signatures, and errors in about the suite's proportions; not a
// revocation or resource request carrying a token its scenario was issued
// before). Every answer must pass the floor's checks that need only that
// answer (not those comparing a scenario's tokens or reading the run's key
// set); p50 and p99 latency and throughput are reported.
//
// # A rate-limited run (BenchmarkRateLimited)
//
// The full Commerce Layer profile, every variable set (the embedded
// server's configuration), runs with -rate N/W against the reference
// server behind a loopback server written in the benchmark (limitedServer),
// which shares nothing with the suite's limiter: it counts every request
// it serves as it arrives (the stricter reading of a limit: the auth
// endpoints' and the resource's, key set's and authorize endpoint's that
// the embedded server answers on the same origin), refused ones too, and
// answers 429 with Retry-After to any past N in the last W. N/W is Commerce Layer's 30 a minute
// scaled down to 30 per 2 s, or AUTHCONFORM_BENCH_RATE (30/1m for the real
// window). It reports the requests (all, and those the limit counts), the
// 429s (target: none), the wall time, the least time the auth requests
// allow, (ceil(auth/N) − 1)·W, and their ratio (target: at most 1.05), with
// the time before the first request and after the last auth request. The
// limiter adds a fiftieth of the window to each (for a server counting in
// whole seconds), so the ratio cannot go below about 1.02.
package bench
