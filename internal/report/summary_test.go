package report

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/provenance"
	"github.com/authconform/authconform/internal/schema"
	"github.com/authconform/authconform/internal/verdict"
)

// ValidateSummary checks a summary against schemas/report/run_summary.json.
func validateSummary(t *testing.T, b []byte) {
	t.Helper()
	reg, err := schema.Load(authconform.Files, "schemas/report")
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Validate("run_summary", b); err != nil {
		t.Errorf("summary does not match its schema: %v\n%s", err, b)
	}
}

// TestSummaryStatuses verifies every verdict status gets its summary
// status, left-out scenarios are listed with their reason, counts add up,
// and the whole validates against the schema.
func TestSummaryStatuses(t *testing.T) {
	stamp := provenance.Stamp{Version: "(devel)", Go: "go1.26.8", Godog: "v0.16.0", Suite: "sha256:" + string(bytes.Repeat([]byte("a"), 64))}
	run := verdict.Run{Tool: stamp, Target: "https://auth.example", Profile: "commercelayer", Started: time.Unix(1_700_000_000, 0), ExitCode: 1, Stopped: "the run was interrupted"}
	want := map[verdict.Status]string{}
	for st, s := range summaryStatus {
		run.Verdicts = append(run.Verdicts, verdict.Verdict{URI: "f.feature", Scenario: string(st), Status: st, Severity: verdict.Must, Tags: []string{"@must"}, Expected: "AUTH-1"})
		want[st] = s
	}
	run.LeftOut = []verdict.LeftOut{{URI: "f.feature", Scenario: "l", Reason: "no integration", Severity: verdict.Should, Tags: []string{"@should"}}}
	var buf bytes.Buffer
	if err := WriteSummary(&buf, run); err != nil {
		t.Fatal(err)
	}
	validateSummary(t, buf.Bytes())
	var got Summary
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, c := range got.Cases {
		if c.Scenario == "l" {
			if c.Status != StatusLeftOut || c.Reason != "no integration" {
				t.Errorf("left-out case = %+v; want left_out with its reason", c)
			}
			continue
		}
		if w := want[verdict.Status(c.Scenario)]; c.Status != w {
			t.Errorf("status %q became %q; want %q", c.Scenario, c.Status, w)
		}
	}
	if got.Counts["total"] != len(summaryStatus)+1 || got.Counts[StatusLeftOut] != 1 || got.Counts[StatusKnownDeviation] != 1 || got.Counts[StatusInconclusive] != 1 {
		t.Errorf("counts = %v; want a total of %d, 1 left out, 1 known deviation, 1 inconclusive", got.Counts, len(summaryStatus)+1)
	}
}

// TestSummaryInconclusive verifies an inconclusive case keeps its reason,
// in error as the runner wrote it and in reason without the prefix, and
// that the schema knows the status.
func TestSummaryInconclusive(t *testing.T) {
	stamp := provenance.Stamp{Version: "(devel)", Go: "go1.26.8", Godog: "v0.16.0", Suite: "sha256:" + string(bytes.Repeat([]byte("a"), 64))}
	run := verdict.Run{Tool: stamp, Profile: "commercelayer", Started: started, Verdicts: []verdict.Verdict{
		{URI: "f.feature", Scenario: "s", Status: verdict.Inconclusive, Severity: verdict.Must, Error: inconclusiveReason},
	}}
	var buf bytes.Buffer
	if err := WriteSummary(&buf, run); err != nil {
		t.Fatal(err)
	}
	validateSummary(t, buf.Bytes())
	c := NewSummary(run).Cases[0]
	wantReason := `the target issued no token to client "sales-channel" in this run, so this refusal is no evidence`
	if c.Status != StatusInconclusive || c.Error != inconclusiveReason || c.Reason != wantReason {
		t.Errorf("case = %+v; want status %q, error %q, reason %q", c, StatusInconclusive, inconclusiveReason, wantReason)
	}
}

// TestSummarySchemaCanFail verifies the schema rejects what it must: an
// unknown status, a missing tool stamp.
func TestSummarySchemaCanFail(t *testing.T) {
	reg, err := schema.Load(authconform.Files, "schemas/report")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		`{"stamp":"authconform x","tool":{"version":"x","go":"go1","godog":"v","suite_digest":"sha256:00"},"target":"","profile":"p","started":"2026-01-01T00:00:00Z","duration_ms":0,"exit_code":0,"requests":0,"counts":{"total":0},"cases":[]}`,
		`{"stamp":"authconform x","target":"","profile":"p","started":"2026-01-01T00:00:00Z","duration_ms":0,"exit_code":0,"requests":0,"counts":{"total":1},"cases":[]}`,
		`{"stamp":"authconform x","tool":{"version":"x","go":"go1","godog":"v","suite_digest":"sha256:` + string(bytes.Repeat([]byte("0"), 64)) + `"},"target":"","profile":"p","started":"2026-01-01T00:00:00Z","duration_ms":0,"exit_code":0,"requests":0,"counts":{"total":1},"cases":[{"feature":"f","scenario":"s","severity":"MUST","tags":[],"rules":[],"status":"green","requests":0,"duration_ms":0}]}`,
	} {
		if reg.Validate("run_summary", []byte(bad)) == nil {
			t.Errorf("the schema accepts %s", bad)
		}
	}
}

// TestSummaryCarriesIDs verifies each case carries its stable id, a row's
// with its number, and a failure's requirement; a case without an id
// (a user's own feature) has none; and the schema refuses a malformed id.
func TestSummaryCarriesIDs(t *testing.T) {
	stamp := provenance.Stamp{Version: "(devel)", Go: "go1.26.8", Godog: "v0.16.0", Suite: "sha256:" + string(bytes.Repeat([]byte("a"), 64))}
	run := verdict.Run{Tool: stamp, Profile: "commercelayer", Started: started, Verdicts: []verdict.Verdict{
		{URI: "f.feature", Scenario: "s", ID: "cl-f-s", Requirement: "The server MUST answer.", Status: verdict.Failed, Severity: verdict.Must, Error: "status = 500"},
		{URI: "f.feature", Scenario: "row 2", ID: "cl-f-rows#2", Status: verdict.Passed, Severity: verdict.Must},
		{URI: "mine.feature", Scenario: "mine", Status: verdict.Passed, Severity: verdict.Must},
	}, LeftOut: []verdict.LeftOut{{URI: "f.feature", Scenario: "l", ID: "cl-f-l", Reason: "no integration", Severity: verdict.Must}}}
	var buf bytes.Buffer
	if err := WriteSummary(&buf, run); err != nil {
		t.Fatal(err)
	}
	validateSummary(t, buf.Bytes())
	want := []struct{ id, requirement string }{{"cl-f-s", "The server MUST answer."}, {"cl-f-rows#2", ""}, {"", ""}, {"cl-f-l", ""}}
	for i, c := range NewSummary(run).Cases {
		if c.ID != want[i].id || c.Requirement != want[i].requirement {
			t.Errorf("case %q: id %q, requirement %q; want %q, %q", c.Scenario, c.ID, c.Requirement, want[i].id, want[i].requirement)
		}
	}
	reg, err := schema.Load(authconform.Files, "schemas/report")
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(buf.Bytes(), []byte(`"cl-f-rows#2"`), []byte(`"cl_f_rows#2"`), 1)
	if reg.Validate("run_summary", bad) == nil {
		t.Errorf("the schema accepts the id cl_f_rows#2")
	}
}
