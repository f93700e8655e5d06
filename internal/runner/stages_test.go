package runner

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/termcolor"
	"github.com/authconform/authconform/internal/verdict"
	"github.com/authconform/authconform/setup"
)

// TestClassify verifies the one place a status is decided: severity,
// strictness and the known-deviation list, in every combination that
// matters, and that interrupted and not-run cases are never reclassified.
func TestClassify(t *testing.T) {
	tests := []struct {
		name       string
		status     verdict.Status
		severity   string
		strict     bool
		listed     bool
		want       verdict.Status
		wantReason bool
	}{
		{"must pass", verdict.Passed, verdict.Must, false, false, verdict.Passed, false},
		{"must fail", verdict.Failed, verdict.Must, false, false, verdict.Failed, false},
		{"should fail is a warning", verdict.Failed, verdict.Should, false, false, verdict.Warning, false},
		{"should fail, strict", verdict.Failed, verdict.Should, true, false, verdict.Failed, false},
		{"listed fail", verdict.Failed, verdict.Must, false, true, verdict.ExpectedFailure, true},
		{"listed should fail", verdict.Failed, verdict.Should, false, true, verdict.ExpectedFailure, true},
		{"listed pass", verdict.Passed, verdict.Must, false, true, verdict.UnexpectedPass, true},
		{"listed interrupted", verdict.Interrupted, verdict.Must, false, true, verdict.Interrupted, false},
		{"listed not run", verdict.NotRun, verdict.Must, false, true, verdict.NotRun, false},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			expected := map[string]string{}
			if tt.listed {
				expected[catalog.Key("f.feature", "s")] = "AUTH-1"
			}
			v := classify(tt.strict, expected, nil, verdict.Verdict{URI: "f.feature", Scenario: "s", Status: tt.status, Severity: tt.severity, Tags: []string{"@rfc6749-5.2"}})
			if v.Status != tt.want || (v.Expected == "AUTH-1") != tt.wantReason {
				t.Errorf("classify = %s (reason %q); want %s (reason: %v)", v.Status, v.Expected, tt.want, tt.wantReason)
			}
			if len(v.Rules) != 1 || v.Rules[0] != "rfc6749-5.2" {
				t.Errorf("rules = %v; want [rfc6749-5.2]", v.Rules)
			}
			if line := progressLine(v, 3, 12, termcolor.Painter{}); !strings.HasPrefix(line, "[ 3/12] ") || !strings.Contains(line, "rfc6749-5.2] f.feature: s") {
				t.Errorf("progress line %q does not name the rule and the case", line)
			}
		})
	}
}

// TestListSendsNothing verifies -list's planning: the cases to run, the
// ones left out, and the requests counted from the sending steps, for a
// target nothing listens on.
func TestListSendsNothing(t *testing.T) {
	feature := "@commercelayer\nFeature: f\n\n" +
		"  @must @rfc6749-5.2 @sales_channel\n  Scenario: one request\n    Given a token request with the parameters:\n      | client_id | {{sales_channel.client_id}} |\n    When the token request is sent\n    Then the response status should be 200\n\n" +
		"  @must @rfc6749-5.2 @integration\n  Scenario: needs the integration\n    Given a token request with the parameters:\n      | client_id | {{integration.client_id}} |\n    When the token request is sent\n    Then the response status should be 200\n"
	fsys := fstest.MapFS{"x.feature": {Data: []byte(feature)}, "s/token_response.json": {Data: []byte(`{"$schema": "http://json-schema.org/draft-07/schema#"}`)}}
	schemas, err := fs.Sub(fsys, "s")
	if err != nil {
		t.Fatal(err)
	}
	o := optionsFor(config.Target{URL: setup.MustParseURL("https://auth.example.invalid").Parsed(), Profile: config.CommerceLayer, Target: setup.Target{TokenPath: "/oauth/token", SalesChannel: config.Client{ID: "sc"}}})
	o.Features, o.FeaturePaths, o.Schemas = fsys, []string{"."}, schemas
	o.Rate = &setup.Rate{N: 1, Per: time.Minute}
	l, err := List(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Cases) != 1 || len(l.LeftOut) != 1 || l.Requests != 1 || l.Rate.String() != "1/1m0s" {
		t.Errorf("List = %d cases, %d left out, %d requests, rate %s; want 1, 1, 1, 1/1m0s", len(l.Cases), len(l.LeftOut), l.Requests, l.Rate)
	}
}
