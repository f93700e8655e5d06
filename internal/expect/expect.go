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

// Failure is one known deviation. It names its scenario by id, which
// survives a renamed scenario ("cl-cc-sales-channel-market", and for an
// outline's row "cl-err-grant-type#2"); files written before ids name it
// by feature file and scenario name, still read, and rewritten with ids
// by -update-expect-failures.
type Failure struct {
	ID       string `json:"id,omitempty"`       // the scenario's stable id
	Feature  string `json:"feature,omitempty"`  // without an id: the feature file as reported, e.g. features/errors/invalid_client.feature
	Scenario string `json:"scenario,omitempty"` // without an id: the scenario's name
	Reason   string `json:"reason"`             // why it fails, and where that is tracked
}

// Key is what the entry is matched by: its id, or without one its
// feature file and scenario name.
func (f Failure) Key() string {
	if f.ID != "" {
		return f.ID
	}
	return catalog.Key(f.Feature, f.Scenario)
}

// what names the entry in messages.
func (f Failure) what() string {
	if f.ID != "" {
		return f.ID
	}
	return f.Scenario
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
		return nil, fmt.Errorf("%s: %v; want {\"expected_failures\": [{\"id\": ..., \"reason\": ...}]}", name, err)
	}
	seen := map[string]bool{}
	for i, x := range f.ExpectedFailures {
		where := fmt.Sprintf("%s: expected_failures[%d]", name, i)
		if err := check(x); err != nil {
			return nil, fmt.Errorf("%s: %v", where, err)
		}
		if seen[x.Key()] {
			return nil, fmt.Errorf("%s: %q listed twice", where, x.what())
		}
		seen[x.Key()] = true
	}
	return f.ExpectedFailures, nil
}

// check says what an entry lacks: an id, or else a feature file and a
// scenario name; and a reason.
func check(x Failure) error {
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	switch {
	case x.ID != "" && (x.Feature != "" || x.Scenario != ""):
		return fmt.Errorf("%q has an id and a feature or scenario; give the id alone", x.ID)
	case blank(x.ID) && blank(x.Feature) && blank(x.Scenario):
		return fmt.Errorf("no id; want the scenario's id (its @id: tag, \"#\" and the row's number for an outline's row)")
	case x.ID == "" && blank(x.Feature):
		return fmt.Errorf("no feature; give the scenario's id, or its feature file and name")
	case x.ID == "" && blank(x.Scenario):
		return fmt.Errorf("no scenario; give the scenario's id, or its feature file and name")
	case blank(x.Reason):
		return fmt.Errorf("(%q): no reason; say why it fails and where that is tracked", x.what())
	}
	return nil
}

// Update returns the known-deviation list a run implies, from the list
// used for it (old, maybe empty) and the run's outcomes: an entry whose
// scenario still fails keeps its reason; one whose scenario now passes is
// dropped (the gap closed); a scenario that failed and was not listed is
// added, with a reason that says it was recorded, when, and from which
// error, for a person to replace with the real one. Scenarios that did not
// run (left out, interrupted, not run) keep their entries as they were.
//
// Entries are written with the scenario's id where it has one: an entry
// read by feature and name comes back by id.
func Update(old []Failure, outcomes []Outcome, recorded string) []Failure {
	byKey := map[string]Outcome{}
	for _, o := range outcomes {
		byKey[catalog.Key(o.Feature, o.Scenario)] = o
		if o.ID != "" {
			byKey[o.ID] = o
		}
	}
	var out []Failure
	listed := map[string]bool{} // the name keys of the scenarios listed
	for _, f := range old {
		o, ran := byKey[f.Key()]
		switch {
		case !ran:
			out = append(out, f)
		case o.Failed:
			listed[catalog.Key(o.Feature, o.Scenario)] = true
			out = append(out, o.entry(f.Reason))
		default:
			listed[catalog.Key(o.Feature, o.Scenario)] = true
		}
	}
	for _, o := range outcomes {
		if o.Failed && !listed[catalog.Key(o.Feature, o.Scenario)] {
			out = append(out, o.entry(fmt.Sprintf("recorded by -update-expect-failures on %s from: %s", recorded, o.Error)))
		}
	}
	return out
}

// Outcome is what a run said of one scenario it ran to its end.
type Outcome struct {
	ID                string // "" for a scenario without an id tag
	Feature, Scenario string
	Failed            bool
	Error             string // the first line of the failure, redacted
}

// entry is the known-deviation entry of o's scenario: by id where it
// has one.
func (o Outcome) entry(reason string) Failure {
	if o.ID != "" {
		return Failure{ID: o.ID, Reason: reason}
	}
	return Failure{Feature: o.Feature, Scenario: o.Scenario, Reason: reason}
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
