package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

// TestRunFromSummary verifies -from-summary rewrites the document from a
// saved summary, keeping its hand-written notes and running nothing.
func TestRunFromSummary(t *testing.T) {
	dir := t.TempDir()
	summary := filepath.Join(dir, "summary.json")
	doc := filepath.Join(dir, "hydra.md")
	if err := os.WriteFile(summary, []byte(`{"stamp":"authconform test","profile":"rfc6749","exit_code":0,"counts":{"total":1,"passed":1},
		"cases":[{"feature":"features/rfc6749/token_request.feature","scenario":"Unknown parameters are ignored","severity":"MUST","rules":["rfc6749-3.2"],"status":"passed"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	old := "# old\n<!-- hand-written: begin (kept when make interop rewrites this file) -->\nkeep me\n<!-- hand-written: end -->\n"
	if err := os.WriteFile(doc, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir("../../../..")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-from-summary", summary, "-doc", doc}, &stdout, &stderr); code != 0 {
		t.Fatalf("run = %d; stderr: %s", code, stderr.String())
	}
	b, _ := os.ReadFile(doc)
	for _, want := range []string{"| Unknown parameters are ignored |", "✔ passed", "\nkeep me\n"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("document lacks %q:\n%s", want, b)
		}
	}
}
