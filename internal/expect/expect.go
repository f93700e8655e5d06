// Package expect reads known-deviation files: the scenarios a target is
// known to fail, each with a reason, so that a team can gate releases on a
// server with known gaps and still see when a gap closes.
//
// A listed scenario that fails is an expected failure and does not fail the
// run; a listed scenario that passes fails the run, so the file is kept
// honest (the OpenID Foundation suite's expected-failures lists work the
// same way: "expected failures that did not happen" fail CI).
package expect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/userfile"
)

// Failure is one known deviation.
type Failure struct {
	Feature  string `json:"feature"`  // feature file as reported, e.g. features/errors/invalid_client.feature
	Scenario string `json:"scenario"` // scenario name
	Reason   string `json:"reason"`   // why it fails, and where that is tracked
}

// File is the JSON document of a known-deviation file.
type File struct {
	ExpectedFailures []Failure `json:"expected_failures"`
}

// maxFile bounds a known-deviation file: a few hundred entries of a few
// hundred bytes each is already a large one.
const maxFile = 4 << 20

// Load reads and checks a known-deviation file, a regular file of at
// most 4 MiB. Errors name the file; the caller names the flag.
func Load(path string) ([]Failure, error) {
	b, err := userfile.Read(path, maxFile)
	if err != nil {
		return nil, err
	}
	return Parse(b, path)
}

// Parse reads a known-deviation file's content; name is used in errors.
func Parse(b []byte, name string) ([]Failure, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %v; want {\"expected_failures\": [{\"feature\": ..., \"scenario\": ..., \"reason\": ...}]}", name, err)
	}
	seen := map[string]bool{}
	for i, x := range f.ExpectedFailures {
		where := fmt.Sprintf("%s: expected_failures[%d]", name, i)
		switch {
		case strings.TrimSpace(x.Feature) == "":
			return nil, fmt.Errorf("%s: no feature", where)
		case strings.TrimSpace(x.Scenario) == "":
			return nil, fmt.Errorf("%s: no scenario", where)
		case strings.TrimSpace(x.Reason) == "":
			return nil, fmt.Errorf("%s (%q): no reason; say why it fails and where that is tracked", where, x.Scenario)
		}
		k := catalog.Key(x.Feature, x.Scenario)
		if seen[k] {
			return nil, fmt.Errorf("%s: %q listed twice", where, x.Scenario)
		}
		seen[k] = true
	}
	return f.ExpectedFailures, nil
}

// Update returns the known-deviation list a run implies, from the list
// used for it (old, maybe empty) and the run's outcomes: an entry whose
// scenario still fails keeps its reason; one whose scenario now passes is
// dropped (the gap closed); a scenario that failed and was not listed is
// added, with a reason that says it was recorded, when, and from which
// error, for a person to replace with the real one. Scenarios that did not
// run (left out, interrupted, not run) keep their entries as they were.
func Update(old []Failure, outcomes []Outcome, recorded string) []Failure {
	byKey := map[string]Outcome{}
	for _, o := range outcomes {
		byKey[catalog.Key(o.Feature, o.Scenario)] = o
	}
	var out []Failure
	listed := map[string]bool{}
	for _, f := range old {
		k := catalog.Key(f.Feature, f.Scenario)
		listed[k] = true
		if o, ok := byKey[k]; ok && !o.Failed {
			continue
		}
		out = append(out, f)
	}
	for _, o := range outcomes {
		if o.Failed && !listed[catalog.Key(o.Feature, o.Scenario)] {
			out = append(out, Failure{Feature: o.Feature, Scenario: o.Scenario,
				Reason: fmt.Sprintf("recorded by -update-expect-failures on %s from: %s", recorded, o.Error)})
		}
	}
	return out
}

// Outcome is what a run said of one scenario it ran to its end.
type Outcome struct {
	Feature, Scenario string
	Failed            bool
	Error             string // the first line of the failure, redacted
}

// Write stores a list as a known-deviation file, indented for review:
// through a new temporary file beside it, renamed over it.
func Write(path string, list []Failure) error {
	if list == nil {
		list = []Failure{}
	}
	b, err := json.MarshalIndent(File{ExpectedFailures: list}, "", "  ")
	if err != nil {
		return err
	}
	return userfile.WriteFile(path, append(b, '\n'))
}
