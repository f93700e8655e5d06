package interop

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/expect"
	"github.com/authconform/authconform/internal/report"
)

func fixtureSummary() report.Summary {
	c := func(scenario, status, errText string, rules ...string) report.SummaryCase {
		return report.SummaryCase{Feature: "features/rfc6749/errors.feature", Scenario: scenario, Severity: "MUST", Rules: rules, Status: status, Error: errText}
	}
	cases := []report.SummaryCase{
		c("A token for the post client", report.StatusPassed, "", "rfc6749-4.4.2"),
		c("A failed Basic authentication says WWW-Authenticate", report.StatusKnownDeviation, "WWW-Authenticate = \"\"; want \"Basic …\"", "rfc6749-5.2"),
		c("An unknown grant type is unsupported_grant_type", report.StatusFailed, "error = \"invalid_request\"; want \"unsupported_grant_type\"\nline two", "rfc6749-5.2"),
		c("Pragma | no-cache", report.StatusWarning, "no Pragma", "rfc6749-5.1", "docs-x"),
		c("A listed scenario that now passes", report.StatusUnexpectedPass, "", "rfc6749-3.2"),
		{Feature: "features/cl.feature", Scenario: "A sales channel token", Severity: "MUST", Status: report.StatusLeftOut, Reason: "Commerce Layer only"},
	}
	counts := map[string]int{"total": len(cases)}
	for _, x := range cases {
		counts[x.Status]++
	}
	return report.Summary{Stamp: "authconform (devel) (go1.26.8)", Profile: Profile, Started: time.Date(2026, 12, 2, 10, 30, 0, 0, time.UTC),
		DurationMS: 1200, ExitCode: 1, Requests: 9, Counts: counts, Cases: cases}
}

// TestRender verifies the document names every scenario with Hydra's
// verdict, links each rule to its RFC section, gives each deviation its
// hand-written reason (or says one is to be written), and keeps the notes.
func TestRender(t *testing.T) {
	e := Evidence{
		About:   Hydra{}.About(),
		Summary: fixtureSummary(),
		Deviations: []expect.Failure{
			{Feature: "features/rfc6749/errors.feature", Scenario: "A failed Basic authentication says WWW-Authenticate", Reason: "RFC 6749 §5.2: MUST include WWW-Authenticate; Hydra sends none"},
			{Feature: "features/rfc6749/errors.feature", Scenario: "A listed scenario that now passes", Reason: "was: Hydra accepted it"},
		},
		Notes:          "Observed with curl: 405 for GET.",
		DeviationsPath: "docs/interop/hydra-known-deviations.json", SummaryPath: "out/interop/hydra-summary.json",
	}
	doc := string(e.Render())
	for _, want := range []string{
		"# Ory Hydra v2.3.0 against the rfc6749 profile",
		"Run on 2026-12-02",
		"**Exit code 1**: 6 scenarios: 1 passed, 1 failed, 1 warning, 1 known deviation, 1 unexpected pass, 1 left out.",
		"| A token for the post client | `features/rfc6749/errors.feature` | MUST | [RFC 6749 §4.4.2](https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2) | ✔ passed |",
		"| [A failed Basic authentication says WWW-Authenticate](#a-failed-basic-authentication-says-www-authenticate) |",
		`Pragma \| no-cache`, "`docs-x`",
		"> RFC 6749 §5.2: MUST include WWW-Authenticate; Hydra sends none",
		"### An unknown grant type is unsupported_grant_type",
		"  error = \"invalid_request\"; want \"unsupported_grant_type\"\n  line two\n",
		"TO BE WRITTEN",
		`"scenario": "An unknown grant type is unsupported_grant_type"`,
		"drop its entry from `docs/interop/hydra-known-deviations.json`",
		"Commerce Layer only:\n\n- A sales channel token (`features/cl.feature`)",
		"AUTHCONFORM_EXPIRES_IN=3600", "AUTHCONFORM_TOKEN_PATH=/oauth2/token", "DSN=memory", "TTL_ACCESS_TOKEN=1h", "go mod edit -dropreplace github.com/ory/hydra-client-go/v2",
		"| Scenario | Feature | Severity | Rules | Hydra |", "## How Hydra was run", "whose id is `authconform+basic:<random>`",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document lacks %q; it is:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "| A sales channel token |") {
		t.Error("a left-out scenario is in the verdict table")
	}
	if got := KeptNotes([]byte(doc)); got != e.Notes {
		t.Errorf("KeptNotes(rendered) = %q; want %q", got, e.Notes)
	}
}

// TestKeptNotes verifies a first document starts with placeholder notes,
// and a document whose markers were damaged is not half-read.
func TestKeptNotes(t *testing.T) {
	for _, doc := range []string{"", "# old\n", notesBegin + "\nno end marker"} {
		if got := KeptNotes([]byte(doc)); got != defaultNotes {
			t.Errorf("KeptNotes(%q) = %q; want the default", doc, got)
		}
	}
}

// TestReadSummary verifies a summary the CLI wrote is read back, and other
// JSON is refused.
func TestReadSummary(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "s.json"), filepath.Join(dir, "x.json")
	f, err := os.Create(good)
	if err != nil {
		t.Fatal(err)
	}
	want := fixtureSummary()
	if err := jsonEncode(f, want); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile(bad, []byte(`{"expected_failures":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSummary(good)
	if err != nil || len(got.Cases) != len(want.Cases) || got.ExitCode != want.ExitCode {
		t.Errorf("ReadSummary = %d cases, exit %d, %v; want %d cases, exit %d", len(got.Cases), got.ExitCode, err, len(want.Cases), want.ExitCode)
	}
	if _, err := ReadSummary(bad); err == nil || !strings.Contains(err.Error(), "not an authconform run summary") {
		t.Errorf("ReadSummary(other JSON) error = %v; want not an authconform run summary", err)
	}
}

// TestRenderSetup verifies each server's document says how that server
// was built, started and given its clients, and why its credentials are
// plain when they are.
func TestRenderSetup(t *testing.T) {
	tests := []struct {
		about Server
		want  []string
	}{
		{GoOAuth2{}, []string{"# go-oauth2/oauth2 v4.5.4 against", "## How go-oauth2 was run", "GOFLAGS=-mod=readonly go build",
			"ids and secrets of letters, digits and `-` only, because go-oauth2's `server.ClientBasicHandler`", "AUTHCONFORM_TOKEN_PATH=/oauth/token", "| Rules | go-oauth2 |"}},
		{NodeOAuth2{}, []string{"# @node-oauth/oauth2-server 5.3.0 against", "npm ci --ignore-scripts", "`basic-auth` package"}},
		{DjangoOAuthToolkit{}, []string{"# django-oauth-toolkit 1.7.0 against", "apt-get install --no-install-recommends python3-django-oauth-toolkit",
			"whose id is `authconform+basic:<random>`", "AUTHCONFORM_TOKEN_PATH=/o/token/"}},
	}
	for _, tt := range tests {
		doc := string(Evidence{About: tt.about.About(), Summary: fixtureSummary()}.Render())
		for _, want := range tt.want {
			if !strings.Contains(doc, want) {
				t.Errorf("%s: document lacks %q", tt.about.About().Name, want)
			}
		}
	}
}
