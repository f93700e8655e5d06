// Command benchtable prints the results of internal/bench's benchmarks as
// one table. It reads `go test -bench` output, plain or -json, from the
// files named as arguments or from standard input:
//
//	go test -run '^$' -bench . -benchtime 3s -json ./internal/bench/ > bench.json
//	go run ./internal/bench/cmd/benchtable bench.json
//
// It only reports: it exits 1 when there is nothing to report (no results,
// or a failed benchmark run), never because a figure missed its target,
// since one busy moment on a shared machine would then fail the build.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// result is one benchmark's line: its name without the -GOMAXPROCS
// suffix, its iterations and its metrics by unit.
type result struct {
	name    string
	procs   string
	n       int
	metrics map[string]float64
}

// targetRatio is the bound: suite ≤ 1.5 × floor + fixed cost.
const targetRatio = 1.5

// targetRateRatio is the bound on a rate-limited run: at most
// 1.05 × the least time its requests allow.
const targetRateRatio = 1.05

func main() {
	var inputs []io.Reader
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchtable: %v\n", err)
			os.Exit(2)
		}
		defer f.Close()
		inputs = append(inputs, f)
	}
	if len(inputs) == 0 {
		inputs = append(inputs, os.Stdin)
	}
	var text strings.Builder
	for _, in := range inputs {
		if err := readOutput(in, &text); err != nil {
			fmt.Fprintf(os.Stderr, "benchtable: %v\n", err)
			os.Exit(2)
		}
	}
	results, env, failed := parse(text.String())
	if len(results) == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no benchmark results in the input")
		os.Exit(1)
	}
	printTable(os.Stdout, results, env)
	if failed {
		fmt.Fprintln(os.Stderr, "benchtable: the benchmark run reported a failure (FAIL in its output); figures above may be missing")
		os.Exit(1)
	}
}

// readOutput appends go test's output to text: the Output fields of a
// -json stream (test2json splits a benchmark's line over several events,
// so they are joined before parsing), or plain lines as they are.
func readOutput(r io.Reader, text *strings.Builder) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var ev struct {
			Action string
			Output string
		}
		if len(line) > 0 && line[0] == '{' && json.Unmarshal(line, &ev) == nil {
			if ev.Action == "output" {
				text.WriteString(ev.Output)
			}
			continue
		}
		text.Write(line)
		text.WriteByte('\n')
	}
	return sc.Err()
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-(\d+))?\s+(\d+)\s+(.+)$`)

// parse finds the benchmark result lines and the goos/goarch/cpu header.
func parse(text string) (map[string]result, map[string]string, bool) {
	results := map[string]result{}
	env := map[string]string{}
	failed := false
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "FAIL" || strings.HasPrefix(line, "FAIL\t") || strings.HasPrefix(line, "--- FAIL") {
			failed = true
		}
		for _, k := range []string{"goos", "goarch", "cpu"} {
			if v, ok := strings.CutPrefix(line, k+": "); ok {
				env[k] = v
			}
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[3])
		r := result{name: m[1], procs: m[2], n: n, metrics: map[string]float64{}}
		fields := strings.Fields(m[4])
		for i := 0; i+1 < len(fields); i += 2 {
			if v, err := strconv.ParseFloat(fields[i], 64); err == nil {
				r.metrics[fields[i+1]] = v
			}
		}
		results[r.name] = r // a later run of the same benchmark wins
	}
	return results, env, failed
}

// printTable prints every section the results have, then the benchmarks
// no section knows.
func printTable(w io.Writer, results map[string]result, env map[string]string) {
	t := &table{out: w, results: results, shown: map[string]bool{}}
	t.header(env)
	t.suiteVsFloor()
	t.cli()
	t.scaling()
	t.refserverLoad()
	t.rateLimited()
	t.others()
}

// table prints the results, remembering which ones a section showed so
// that the others are listed at the end and none is dropped silently.
type table struct {
	out     io.Writer
	results map[string]result
	shown   map[string]bool
}

// get is the result of the benchmark name, marked shown when there is one.
func (t *table) get(name string) (result, bool) {
	r, ok := t.results[name]
	t.shown[name] = t.shown[name] || ok
	return r, ok
}

// row prints a label and a figure in fixed columns, so that every section
// lines up with the others.
func (t *table) row(label string, format string, args ...any) {
	fmt.Fprintf(t.out, "  %-34s %s\n", label, fmt.Sprintf(format, args...))
}

// header names the machine the benchmarks ran on.
func (t *table) header(env map[string]string) {
	fmt.Fprintf(t.out, "authconform benchmarks: %s/%s, %s", env["goos"], env["goarch"], env["cpu"])
	for _, r := range t.results {
		if r.procs != "" {
			fmt.Fprintf(t.out, ", GOMAXPROCS %s", r.procs)
			break
		}
	}
	fmt.Fprintln(t.out)
}

// suiteVsFloor is the suite against the floor, with the verdict on the
// target ratio, and where the time over the floor goes when the run
// measured it.
func (t *table) suiteVsFloor() {
	r, ok := t.get("BenchmarkSuiteVsFloor")
	if !ok {
		return
	}
	m := r.metrics
	fmt.Fprintf(t.out, "\nSuite against the floor: %.0f scenarios, %.0f requests; medians of %d runs\n", m["scenarios"], m["requests"], r.n)
	t.row("whole suite (runner.Run)", "%8.1f ms", m["suite-ms"])
	t.row("floor (same requests, plain Go)", "%8.1f ms", m["floor-ms"])
	t.row("one-scenario run", "%8.1f ms", m["one-ms"])
	t.row("fixed cost per run", "%8.1f ms", m["fixed-ms"])
	verdict := "within target"
	if m["ratio"] > targetRatio {
		verdict = "OVER TARGET"
	}
	t.row("(suite - fixed) / floor", "%8.2f x    target <= %.1f x: %s", m["ratio"], targetRatio, verdict)
	if c, ok := m["checked-floor-ms"]; ok {
		t.row("floor + the same JSON Schema checks", "%8.1f ms", c)
		t.row("(suite - fixed) / that floor", "%8.2f x", m["ratio-checked"])
	}
	if g, ok := m["godog-ms"]; ok {
		fmt.Fprintf(t.out, "  where the suite's time over the floor goes:\n")
		t.row("  godog alone (no-op steps)", "%8.1f ms    %.2f x the floor", g, g/m["floor-ms"])
		t.row("  authconform's own code", "%8.1f ms    %.2f x the floor", m["own-ms"], m["own-ms"]/m["floor-ms"])
		t.row("  ratio, godog's part set aside", "%8.2f x", m["ratio-without-godog"])
	}
}

// cli is the CLI binary's start-up, run time and memory, against a
// loopback target and with the embedded reference server.
func (t *table) cli() {
	if lo, ok := t.get("BenchmarkCLI/target=loopback"); ok {
		fmt.Fprintf(t.out, "\nCLI binary against a loopback target; medians of %d runs\n", lo.n)
		t.row("start-up (exec to first request)", "%8.1f ms", lo.metrics["startup-ms"])
		t.row("whole run", "%8.1f ms", lo.metrics["run-ms"])
		t.row("peak RSS", "%8.1f MB", lo.metrics["maxrss-MB"])
	}
	if em, ok := t.get("BenchmarkCLI/target=embedded"); ok {
		fmt.Fprintf(t.out, "\nCLI binary with the embedded reference server; medians of %d runs\n", em.n)
		t.row("whole run", "%8.1f ms", em.metrics["run-ms"])
		if one, ok := t.get("BenchmarkCLI/target=embedded/scenarios=1"); ok {
			t.row("one-scenario run (bounds start-up)", "%8.1f ms", one.metrics["run-ms"])
		}
		t.row("peak RSS", "%8.1f MB", em.metrics["maxrss-MB"])
	}
}

// scaling is one line per generated-scenario benchmark, by shape, then by
// number of scenarios.
func (t *table) scaling() {
	var scaling []result
	for name := range t.results {
		if strings.HasPrefix(name, "BenchmarkScaling/") {
			r, _ := t.get(name)
			scaling = append(scaling, r)
		}
	}
	if len(scaling) == 0 {
		return
	}
	sort.Slice(scaling, func(i, j int) bool {
		si, ni := scalingCase(scaling[i])
		sj, nj := scalingCase(scaling[j])
		if si != sj {
			return si < sj
		}
		return ni < nj
	})
	fmt.Fprintf(t.out, "\nScaling: generated scenarios in one run\n")
	fmt.Fprintf(t.out, "  %-10s %9s %10s %12s %13s %5s\n", "shape", "scenarios", "run ms", "ms/scenario", "peak heap MB", "runs")
	for _, r := range scaling {
		shape, n := scalingCase(r)
		fmt.Fprintf(t.out, "  %-10s %9d %10.1f %12.2f %13.1f %5d\n", shape, n, r.metrics["run-ms"], r.metrics["ms/scenario"], r.metrics["peak-heap-MB"], r.n)
	}
}

// scalingCase reads the shape and the number of scenarios from a scaling
// benchmark's name: BenchmarkScaling/shape=outline/scenarios=100.
func scalingCase(r result) (shape string, n int) {
	rest := strings.TrimPrefix(r.name, "BenchmarkScaling/")
	if s, c, ok := strings.Cut(rest, "/"); ok {
		shape, rest = strings.TrimPrefix(s, "shape="), c
	}
	n, _ = strconv.Atoi(strings.TrimPrefix(rest, "scenarios="))
	return shape, n
}

// refserverLoad is the reference server's latency and throughput under
// load.
func (t *table) refserverLoad() {
	r, ok := t.get("BenchmarkRefserverLoad")
	if !ok {
		return
	}
	m := r.metrics
	fmt.Fprintf(t.out, "\nReference server under load: %.0f requests, 50 at a time\n", m["requests"])
	t.row("errors", "%8.0f", m["errors"])
	t.row("p50 latency", "%8.1f ms", m["p50-ms"])
	t.row("p99 latency", "%8.1f ms", m["p99-ms"])
	t.row("max latency", "%8.1f ms", m["max-ms"])
	t.row("throughput", "%8.0f req/s", m["req/s"])
}

// rateLimited is a full run against a server limiting the auth
// endpoints: its 429s and its wall time against the least its requests
// allow, with the verdict on the target.
func (t *table) rateLimited() {
	r, ok := t.get("BenchmarkRateLimited")
	if !ok {
		return
	}
	m := r.metrics
	fmt.Fprintf(t.out, "\nFull run against a server limiting the auth endpoints to %.0f per %.0f s; medians of %d runs\n", m["limit-n"], m["limit-window-s"], r.n)
	t.row("requests (to the auth endpoints)", "%8.0f    (%.0f)", m["requests"], m["auth-requests"])
	t.row("429s", "%8.0f    target 0", m["429s"])
	t.row("wall time", "%8.2f s", m["wall-s"])
	t.row("least time the requests allow", "%8.2f s", m["least-s"])
	verdict := "within target"
	if m["ratio"] > targetRateRatio || m["429s"] > 0 {
		verdict = "OVER TARGET"
	}
	t.row("wall / least", "%8.3f x   target <= %.2f x: %s", m["ratio"], targetRateRatio, verdict)
	t.row("before the first request", "%8.1f ms", m["before-first-ms"])
	t.row("after the last auth request", "%8.1f ms", m["after-last-auth-ms"])
}

// others lists the benchmarks no section showed, each with its metrics by
// unit, so that a benchmark this table does not know yet is not dropped.
func (t *table) others() {
	var other []string
	for name := range t.results {
		if !t.shown[name] {
			other = append(other, name)
		}
	}
	if len(other) == 0 {
		return
	}
	sort.Strings(other)
	fmt.Fprintf(t.out, "\nOther benchmarks\n")
	for _, name := range other {
		r := t.results[name]
		units := make([]string, 0, len(r.metrics))
		for u := range r.metrics {
			units = append(units, u)
		}
		sort.Strings(units)
		var parts []string
		for _, u := range units {
			parts = append(parts, fmt.Sprintf("%g %s", r.metrics[u], u))
		}
		t.row(name, "%s", strings.Join(parts, ", "))
	}
}
