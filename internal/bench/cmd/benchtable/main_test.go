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
