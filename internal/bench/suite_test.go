package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/schema"
	"github.com/authconform/authconform/steps"
)

// oneScenarioTag selects a single ordinary scenario of the suite: one
// token request and five checks.
const oneScenarioTag = "@cl-test-default-scope"

// BenchmarkSuiteVsFloor compares the whole suite with the floor, the same
// requests and checks in a plain Go loop, and estimates the suite's fixed
// cost per run from a run of one scenario (see the package doc). Each
// iteration runs all three; ns/op is their sum, the reported metrics are
// medians over the iterations.
func BenchmarkSuiteVsFloor(b *testing.B) {
	plan := theFloor(b)
	srv := startReference(b, refserver.Options{})
	all, one := suiteRun{}, suiteRun{tags: oneScenarioTag}
	// A first run of each outside the measurement: it fills caches (the
	// binary's pages, the server's parsed signing key) that later runs
	// find warm.
	first := all.run(b, srv.URL)
	n := len(first.Verdicts)
	client := newFloorClient()
	sent, err := floorRun(context.Background(), client, srv.URL, plan, nil)
	client.CloseIdleConnections()
	if err != nil {
		b.Fatalf("floor: %v", err)
	}
	if first.Requests != int64(sent) {
		b.Fatalf("the suite sent %d requests, the floor derived from its features %d: their times do not compare", first.Requests, sent)
	}
	if got := len(one.run(b, srv.URL).Verdicts); got != 1 {
		b.Fatalf("tag %s selects %d scenarios; want 1", oneScenarioTag, got)
	}
	if n < 2 {
		b.Fatalf("the suite has %d scenarios; want at least 2 to tell fixed from per-scenario cost", n)
	}
	schemas, err := schema.Load(authconform.Files, "schemas")
	if err != nil {
		b.Fatal(err)
	}
	gAll, gOne := newGodogOnly(""), newGodogOnly(oneScenarioTag)
	if got := gAll.run(b); got != n {
		b.Fatalf("godog alone ran %d scenarios, the suite %d: their times do not compare", got, n)
	}
	var tAll, tOne, tFloor, tChecked, tFixed, tGodog []time.Duration
	for b.Loop() {
		start := time.Now()
		all.run(b, srv.URL)
		a := time.Since(start)

		start = time.Now()
		one.run(b, srv.URL)
		o := time.Since(start)

		start = time.Now()
		client := newFloorClient()
		if _, err := floorRun(context.Background(), client, srv.URL, plan, nil); err != nil {
			b.Fatalf("floor: %v", err)
		}
		client.CloseIdleConnections()
		f := time.Since(start)

		start = time.Now()
		client = newFloorClient()
		if _, err := floorRun(context.Background(), client, srv.URL, plan, schemas); err != nil {
			b.Fatalf("checked floor: %v", err)
		}
		client.CloseIdleConnections()
		tChecked = append(tChecked, time.Since(start))

		start = time.Now()
		gAll.run(b)
		ga := time.Since(start)
		start = time.Now()
		gOne.run(b)
		gOneScenario := time.Since(start)

		perScenario := (a - o) / time.Duration(n-1)
		tAll, tOne, tFloor, tFixed = append(tAll, a), append(tOne, o), append(tFloor, f), append(tFixed, o-perScenario)
		// godog's own per-scenario cost over all n scenarios, its fixed
		// cost set aside as the suite's is.
		tGodog = append(tGodog, (ga-gOneScenario)/time.Duration(n-1)*time.Duration(n))
	}
	suite, floor, fixed := median(tAll), median(tFloor), median(tFixed)
	b.ReportMetric(ms(suite), "suite-ms")
	b.ReportMetric(ms(floor), "floor-ms")
	b.ReportMetric(ms(median(tOne)), "one-ms")
	b.ReportMetric(ms(fixed), "fixed-ms")
	b.ReportMetric(float64(suite-fixed)/float64(floor), "ratio")
	checked := median(tChecked)
	b.ReportMetric(ms(checked), "checked-floor-ms")
	b.ReportMetric(float64(suite-fixed)/float64(checked), "ratio-checked")
	godogShare := median(tGodog)
	b.ReportMetric(ms(godogShare), "godog-ms")
	b.ReportMetric(ms(suite-fixed-godogShare-floor), "own-ms")
	b.ReportMetric(float64(suite-fixed-godogShare)/float64(floor), "ratio-without-godog")
	b.ReportMetric(float64(n), "scenarios")
	b.ReportMetric(float64(sent), "requests")
}

// generatedHeader and generatedSteps make the generated features: a sales
// channel token request and four checks, schema included, per scenario.
const (
	generatedHeader = "@commercelayer @generated @sales_channel @rfc6749-4.4\nFeature: Generated scenarios, for measuring how the suite scales\n"
	generatedSteps  = `    Given a token request with the JSON body:
      """json
      {
        "grant_type": "client_credentials",
        "client_id": "{{sales_channel.client_id}}"
      }
      """
    When the token request is sent
    Then the response status should be 200
    And the response body should match the token response schema
    And the JSON member "scope" should equal "market:all"
    And the JSON member "expires_in" should be the integer "14400"
`
)

// generatedFeature is a feature of n scenarios, one Scenario Outline row each.
func generatedFeature(n int) string {
	var b strings.Builder
	b.WriteString(generatedHeader + "\n  @must\n  Scenario Outline: Generated sales channel token request <n>\n" + generatedSteps + "\n    Examples:\n      | n |\n")
	for i := range n {
		fmt.Fprintf(&b, "      | %d |\n", i+1)
	}
	return b.String()
}

// generatedScenarios is generatedFeature written as n separate scenarios
// instead of outline rows: the same steps, each scenario its own AST.
func generatedScenarios(n int) string {
	var b strings.Builder
	b.WriteString(generatedHeader)
	for i := range n {
		fmt.Fprintf(&b, "\n  @must\n  Scenario: Generated sales channel token request %d\n%s", i+1, generatedSteps)
	}
	return b.String()
}

// BenchmarkScaling runs 10, 100 and 1000 generated scenarios, as rows of
// one Scenario Outline and as separate scenarios (godog stores outline rows
// under the AST ids they share, separate scenarios under their own, so the
// two shapes could scale differently). Time per scenario should not grow
// with their number; peak heap will, as every verdict keeps its transcript.
func BenchmarkScaling(b *testing.B) {
	srv := startReference(b, refserver.Options{})
	for _, shape := range []struct {
		name  string
		write func(int) string
	}{{"outline", generatedFeature}, {"scenarios", generatedScenarios}} {
		for _, n := range []int{10, 100, 1000} {
			b.Run(fmt.Sprintf("shape=%s/scenarios=%d", shape.name, n), func(b *testing.B) {
				benchScaling(b, srv.URL, n, shape.write(n))
			})
		}
	}
}

func benchScaling(b *testing.B, url string, n int, feature string) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "generated.feature"), []byte(feature), 0o644); err != nil {
		b.Fatal(err)
	}
	run := suiteRun{features: os.DirFS(dir)}
	var times []time.Duration
	var peak uint64
	for b.Loop() {
		heap := watchHeap()
		start := time.Now()
		res := run.run(b, url)
		times = append(times, time.Since(start))
		peak = max(peak, heap.Stop())
		if len(res.Verdicts) != n {
			b.Fatalf("%d verdicts; want %d", len(res.Verdicts), n)
		}
	}
	t := median(times)
	b.ReportMetric(ms(t), "run-ms")
	b.ReportMetric(ms(t)/float64(n), "ms/scenario")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// TestGeneratedFeaturesPassTheLint verifies the scaling benchmark's
// generated features are ones the runner accepts: the benchmark does not
// run under make test, so this is where a new lint rule meets them.
func TestGeneratedFeaturesPassTheLint(t *testing.T) {
	for name, src := range map[string]string{"outline": generatedFeature(3), "scenarios": generatedScenarios(3)} {
		cases, err := catalog.Load(fstest.MapFS{"g.feature": {Data: []byte(src)}}, ".")
		if err == nil {
			err = catalog.LintTags(cases)
		}
		if err == nil {
			err = catalog.Lint(cases, steps.Patterns())
		}
		if err != nil {
			t.Errorf("generated %s: %v", name, err)
		}
	}
}
