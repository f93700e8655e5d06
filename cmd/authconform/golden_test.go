package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/golden"
)

// Tests here name no scenario by hand: which scenarios a fault of the
// embedded server fails or warns is the self-test's golden file's to say
// (internal/golden), and what a run runs, the catalog's. A case written in
// Gherkin alone, after `make golden`, then changes what they expect
// without a line of Go.

// loadGolden reads the module's golden file.
func loadGolden(t *testing.T) golden.File {
	t.Helper()
	g, err := golden.Load()
	if err != nil {
		t.Fatalf("reading the golden file: %v", err)
	}
	return g
}

// builtInCases are the built-in features' scenarios, as the runner reads
// them.
func builtInCases(t *testing.T) []catalog.Case {
	t.Helper()
	cases, err := catalog.Load(authconform.Files, "features")
	if err != nil {
		t.Fatalf("catalog.Load(features): %v", err)
	}
	return cases
}

// runSet lists, by golden.Key, the cases a Commerce Layer profile run
// runs when the credentials whose tags gaps names are not configured
// (gapTags): it leaves out the other profile's cases and those needing a
// missing credential.
func runSet(cases []catalog.Case, gaps ...string) map[string]catalog.Case {
	for _, g := range config.CommerceLayer.LeaveOut {
		gaps = append(gaps, g.Tag)
	}
	out := map[string]catalog.Case{}
	for _, c := range cases {
		if !slices.ContainsFunc(c.Tags, func(tag string) bool { return slices.Contains(gaps, tag) }) {
			out[golden.Key(c.URI, c.Scenario)] = c
		}
	}
	return out
}

// gapTags are the tags of the cases a run configured by env leaves out
// for want of a credential, as the runner finds them (config.Target.Gaps).
func gapTags(t *testing.T, env map[string]string) []string {
	t.Helper()
	target, err := config.FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config.FromEnv: %v", err)
	}
	var tags []string
	for _, g := range target.Gaps() {
		tags = append(tags, g.Tag)
	}
	return tags
}

// inRun keeps, of the golden file's scenarios, those the run runs, in the
// order given.
func inRun(scenarios []string, run map[string]catalog.Case) []catalog.Case {
	var out []catalog.Case
	for _, s := range scenarios {
		if c, ok := run[s]; ok {
			out = append(out, c)
		}
	}
	return out
}

// failureHeading is the line the console and the summary head a failed
// @must case with: its severity and rules, file:line and name.
func failureHeading(c catalog.Case) string {
	return "× [" + strings.Join(append([]string{"MUST"}, catalog.Rules(c.Tags)...), " ") + "] " + c.URI + ":" + strconv.Itoa(c.Line) + ": " + c.Scenario
}

// writeKnown writes a known-deviation file (-expect-failures) listing
// cases, each with reason, and returns its path.
func writeKnown(t *testing.T, cases []catalog.Case, reason string) string {
	t.Helper()
	type entry struct {
		Feature  string `json:"feature"`
		Scenario string `json:"scenario"`
		Reason   string `json:"reason"`
	}
	var list struct {
		Entries []entry `json:"expected_failures"`
	}
	for _, c := range cases {
		list.Entries = append(list.Entries, entry{c.URI, c.Scenario, reason})
	}
	b, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "known.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
