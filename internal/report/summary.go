package report

import (
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/authconform/authconform/internal/provenance"
	"github.com/authconform/authconform/internal/verdict"
)

// Summary is the machine-readable verdict of a run (-format json): what CI
// gates on and what `authconform diff` compares. Its JSON Schema is
// schemas/run_summary.json; tests validate every summary they write.
type Summary struct {
	Stamp      string           `json:"stamp"` // the line -version prints
	Tool       provenance.Stamp `json:"tool"`
	Target     string           `json:"target"`
	Profile    string           `json:"profile"`
	Started    time.Time        `json:"started"`
	DurationMS int64            `json:"duration_ms"`
	ExitCode   int              `json:"exit_code"`
	Stopped    string           `json:"stopped,omitempty"`
	Requests   int64            `json:"requests"`
	Counts     map[string]int   `json:"counts"`
	Cases      []SummaryCase    `json:"cases"`
}

// SummaryCase is one scenario's verdict.
type SummaryCase struct {
	Feature  string `json:"feature"` // the feature file
	Scenario string `json:"scenario"`
	// ID is the case's stable id (with "#" and the row's number for an
	// outline's row): what diff and known-deviation files match it by.
	ID          string   `json:"id,omitempty"`
	Requirement string   `json:"requirement,omitempty"`
	Severity    string   `json:"severity"`
	Tags        []string `json:"tags"`
	Rules       []string `json:"rules"`
	Status      string   `json:"status"`
	Reason      string   `json:"reason,omitempty"` // known deviation, left out, stopped, inconclusive
	Error       string   `json:"error,omitempty"`
	Requests    int      `json:"requests"`
	DurationMS  int64    `json:"duration_ms"`
}

// Summary statuses: a closed set, in the schema.
const (
	StatusPassed         = "passed"
	StatusFailed         = "failed"
	StatusWarning        = "warning"
	StatusKnownDeviation = "known_deviation"
	StatusUnexpectedPass = "unexpected_pass"
	StatusLeftOut        = "left_out"
	StatusInterrupted    = "interrupted"
	StatusNotRun         = "not_run"
	// StatusInconclusive is an error scenario that passed with no token
	// issued to its client in the run: not a failure, never a pass.
	StatusInconclusive = "inconclusive"
)

var summaryStatus = map[verdict.Status]string{
	verdict.Passed:          StatusPassed,
	verdict.Failed:          StatusFailed,
	verdict.Warning:         StatusWarning,
	verdict.ExpectedFailure: StatusKnownDeviation,
	verdict.UnexpectedPass:  StatusUnexpectedPass,
	verdict.Interrupted:     StatusInterrupted,
	verdict.NotRun:          StatusNotRun,
	verdict.Inconclusive:    StatusInconclusive,
}

// NewSummary builds the summary of run. As with WriteHTML, the strings in
// run must already be redacted.
func NewSummary(run verdict.Run) Summary {
	s := Summary{
		Stamp: run.Tool.String(), Tool: run.Tool, Target: run.Target, Profile: run.Profile, Started: run.Started.UTC(),
		DurationMS: run.Duration.Milliseconds(), ExitCode: run.ExitCode, Stopped: run.Stopped,
		Requests: run.Requests, Counts: map[string]int{}, Cases: []SummaryCase{},
	}
	for _, v := range run.Verdicts {
		c := SummaryCase{
			Feature: v.URI, Scenario: v.Scenario, ID: v.ID, Requirement: v.Requirement, Severity: v.Severity, Tags: nonNil(v.Tags), Rules: nonNil(v.Rules),
			Status: summaryStatus[v.Status], Error: v.Error, Requests: v.Requests, DurationMS: v.Duration.Milliseconds(),
		}
		if c.Status == "" {
			c.Status = StatusFailed // a status this code does not know is never a pass
		}
		switch v.Status {
		case verdict.ExpectedFailure:
			c.Reason = v.Expected
		case verdict.Interrupted, verdict.NotRun:
			c.Reason = run.Stopped
		case verdict.Inconclusive:
			c.Reason = strings.TrimPrefix(inconclusiveMessage(v), "inconclusive: ")
		}
		s.Cases = append(s.Cases, c)
	}
	for _, l := range run.LeftOut {
		s.Cases = append(s.Cases, SummaryCase{Feature: l.URI, Scenario: l.Scenario, ID: l.ID, Severity: l.Severity, Tags: nonNil(l.Tags), Rules: nonNil(l.Rules), Status: StatusLeftOut, Reason: l.Reason})
	}
	for _, c := range s.Cases {
		s.Counts[c.Status]++
	}
	s.Counts["total"] = len(s.Cases)
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// WriteSummary writes run's summary as indented JSON.
func WriteSummary(w io.Writer, run verdict.Run) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(NewSummary(run))
}
