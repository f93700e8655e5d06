package main

import (
	"strings"
	"testing"
)

// TestParse verifies results are read from plain and -json output alike,
// including a -json stream that splits a result line over several events
// (test2json does, when a benchmark logs).
func TestParse(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		wantFailed bool
	}{
		{"output=plain", "goos: linux\n" +
			"BenchmarkSuiteVsFloor-2   \t      27\t  186303001 ns/op\t         6.6 fixed-ms\t        3.65 ratio\n" +
			"PASS\n", false},
		{"output=json split", `{"Action":"output","Output":"goos: linux\n"}` + "\n" +
			`{"Action":"output","Output":"BenchmarkSuiteVsFloor-2   \t"}` + "\n" +
			`{"Action":"output","Output":"      27\t  186303001 ns/op\t         6.6 fixed-ms\t        3.65 ratio\n"}` + "\n" +
			`{"Action":"pass"}` + "\n", false},
		{"output=failed", "goos: linux\n" +
			"BenchmarkSuiteVsFloor-2   \t      27\t  186303001 ns/op\t         6.6 fixed-ms\t        3.65 ratio\n" +
			"--- FAIL: BenchmarkCLI\nFAIL\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var text strings.Builder
			if err := readOutput(strings.NewReader(tt.input), &text); err != nil {
				t.Fatal(err)
			}
			results, env, failed := parse(text.String())
			r, ok := results["BenchmarkSuiteVsFloor"]
			switch {
			case !ok:
				t.Fatalf("no BenchmarkSuiteVsFloor in %v", results)
			case r.n != 27 || r.procs != "2":
				t.Errorf("n, procs = %d, %q; want 27, \"2\"", r.n, r.procs)
			case r.metrics["ratio"] != 3.65 || r.metrics["fixed-ms"] != 6.6 || r.metrics["ns/op"] != 186303001:
				t.Errorf("metrics = %v; want ratio 3.65, fixed-ms 6.6, ns/op 186303001", r.metrics)
			}
			if env["goos"] != "linux" {
				t.Errorf("goos = %q; want linux", env["goos"])
			}
			if failed != tt.wantFailed {
				t.Errorf("failed = %v; want %v", failed, tt.wantFailed)
			}
		})
	}
}

// TestPrintTable verifies the suite section: the verdict on the target,
// and the split of the suite's time over the floor only when the run
// measured it.
func TestPrintTable(t *testing.T) {
	base := map[string]float64{"suite-ms": 38, "floor-ms": 20, "one-ms": 6.6, "fixed-ms": 5, "scenarios": 24, "requests": 25}
	with := func(extra map[string]float64) map[string]float64 {
		m := map[string]float64{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		metrics map[string]float64
		want    []string
		wantNot []string
	}{
		{"ratio=over", with(map[string]float64{"ratio": 1.65}), []string{"1.65 x target <= 1.5 x: OVER TARGET"}, []string{"godog alone"}},
		{"ratio=within", with(map[string]float64{"ratio": 1.4}), []string{"1.40 x target <= 1.5 x: within target"}, []string{"OVER TARGET"}},
		{"split", with(map[string]float64{"ratio": 1.65, "godog-ms": 9, "own-ms": 4, "ratio-without-godog": 1.2}), []string{
			"godog alone (no-op steps) 9.0 ms 0.45 x the floor",
			"authconform's own code 4.0 ms 0.20 x the floor",
			"ratio, godog's part set aside 1.20 x",
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			printTable(&out, map[string]result{"BenchmarkSuiteVsFloor": {name: "BenchmarkSuiteVsFloor", n: 30, metrics: tt.metrics}}, map[string]string{})
			// Column widths are the printer's business; words and figures are the test's.
			table := strings.Join(strings.Fields(out.String()), " ")
			for _, w := range tt.want {
				if !strings.Contains(table, w) {
					t.Errorf("table lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(table, w) {
					t.Errorf("table has %q:\n%s", w, out.String())
				}
			}
		})
	}
}
