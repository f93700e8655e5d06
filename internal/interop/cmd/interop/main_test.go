package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/interop"
	"github.com/authconform/authconform/internal/report"
)

// TestRunOutsideRepository verifies the harness refuses, in one line, to
// run where its relative paths point nowhere.
func TestRunOutsideRepository(t *testing.T) {
	t.Chdir(t.TempDir())
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), nil, &stdout, &stderr); code != exitSetup {
		t.Errorf("run = %d; want %d", code, exitSetup)
	}
	if got := stderr.String(); strings.Count(got, "\n") != 1 || !strings.Contains(got, "interop: SETUP FAILED: finding the repository: run from the authconform repository's root") {
		t.Errorf("stderr = %q; want one SETUP FAILED line", got)
	}
}

// TestRunBadArguments verifies an unknown server or a stray argument is
// refused in one line before anything runs.
func TestRunBadArguments(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-servers", "hydra,glewlwyd"}, `interop: SETUP FAILED: -servers: no server "glewlwyd"; the servers are hydra, go-oauth2, node-oauth2-server, django-oauth-toolkit`},
		{[]string{"hydra"}, `interop: unexpected argument "hydra"`},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), tt.args, &stdout, &stderr); code != exitSetup || strings.TrimSpace(stderr.String()) != tt.want {
			t.Errorf("run(%q) = %d, stderr %q; want %d, %q", tt.args, code, stderr.String(), exitSetup, tt.want)
		}
	}
}

// TestRunRewrite verifies -rewrite rewrites each server's document from
// its saved summary, keeping its hand-written notes and running nothing;
// a server not run yet is said to be so and its document left alone.
func TestRunRewrite(t *testing.T) {
	out, docs := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "go-oauth2-summary.json"), []byte(`{"stamp":"authconform test","profile":"rfc6749","exit_code":0,"counts":{"total":1,"passed":1},
		"cases":[{"feature":"features/rfc6749/token_request.feature","scenario":"Unknown parameters are ignored","severity":"MUST","rules":["rfc6749-3.2"],"status":"passed"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(docs, "go-oauth2.md")
	old := "# old\n<!-- hand-written: begin (kept when make interop rewrites this file) -->\nkeep me\n<!-- hand-written: end -->\n"
	if err := os.WriteFile(doc, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir("../../../..")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-rewrite", "-servers", "go-oauth2,hydra", "-out", out, "-docs", docs}, &stdout, &stderr); code != 0 {
		t.Fatalf("run = %d; stderr: %s", code, stderr.String())
	}
	b, _ := os.ReadFile(doc)
	for _, want := range []string{"# go-oauth2/oauth2 v4.5.4 against the rfc6749 profile", "| Unknown parameters are ignored |", "✔ passed", "\nkeep me\n", "## How go-oauth2 was run"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("document lacks %q:\n%s", want, b)
		}
	}
	if !strings.Contains(stdout.String(), "interop: hydra: no "+filepath.Join(out, "hydra-summary.json")+" (not run yet)") {
		t.Errorf("stdout = %q; want it to say hydra has not run", stdout.String())
	}
	if _, err := os.Stat(filepath.Join(docs, "hydra.md")); err == nil {
		t.Error("a document was written for a server that has not run")
	}
}

// TestExitCode verifies the worst outcome decides the exit code, and a
// skip counts only under -require-all.
func TestExitCode(t *testing.T) {
	r := func(outcomes ...string) []result {
		var out []result
		for _, o := range outcomes {
			out = append(out, result{outcome: o})
		}
		return out
	}
	tests := []struct {
		results    []result
		requireAll bool
		want       int
	}{
		{r(outcomePass, outcomePass), false, 0},
		{r(outcomePass, outcomeSkipped), false, 0},
		{r(outcomePass, outcomeSkipped), true, exitSetup},
		{r(outcomeFail, outcomePass), false, exitFailed},
		{r(outcomeStopped), false, exitFailed},
		{r(outcomeFail, outcomeSetup), false, exitSetup},
	}
	for _, tt := range tests {
		if got := exitCode(tt.results, tt.requireAll); got != tt.want {
			t.Errorf("exitCode(%v, requireAll %v) = %d; want %d", tt.results, tt.requireAll, got, tt.want)
		}
	}
}

// TestPrintResults verifies the closing table gives each server's outcome
// in one line, and under it each MUST scenario it failed with its section.
func TestPrintResults(t *testing.T) {
	results := []result{
		{about: interop.Hydra{}.About(), outcome: outcomePass, summary: report.Summary{
			Counts: map[string]int{"total": 2, report.StatusPassed: 1, report.StatusKnownDeviation: 1},
			Cases: []report.SummaryCase{
				{Scenario: "A failed HTTP Basic login gets 401", Severity: "MUST", Rules: []string{"rfc6749-5.2"}, Status: report.StatusKnownDeviation},
				{Scenario: "A repeated parameter", Severity: "SHOULD", Rules: []string{"rfc6749-3.2"}, Status: report.StatusKnownDeviation},
			}}},
		{about: interop.NodeOAuth2{}.About(), outcome: outcomeSkipped, why: "no npm on PATH"},
	}
	var b bytes.Buffer
	printResults(&b, results)
	got := b.String()
	for _, want := range []string{
		"hydra                  Ory Hydra v2.3.0                     PASS         exit 0: 2 scenarios: 1 passed, 1 known deviation\n",
		"MUST RFC 6749 §5.2: A failed HTTP Basic login gets 401\n",
		"node-oauth2-server     @node-oauth/oauth2-server 5.3.0      SKIPPED      no npm on PATH\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table:\n%s\nwant %q in it", got, want)
		}
	}
	if strings.Contains(got, "A repeated parameter") {
		t.Errorf("a SHOULD scenario is listed as a MUST failure:\n%s", got)
	}
}
