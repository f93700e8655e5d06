package report

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/verdict"
)

// annotation is a workflow command as GitHub's runner reads it back.
type annotation struct {
	command string
	props   map[string]string
	message string
}

// parseGitHub reads workflow commands as the Actions runner does: a line
// "::command k=v,k=v::message", properties split at "," and "=", values
// and message percent-unescaped (every escape the runner knows is a
// percent escape, so url.PathUnescape undoes them). Any other line is an
// error: -format github writes nothing else.
func parseGitHub(out string) ([]annotation, error) {
	var list []annotation
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" && out == "" {
			break
		}
		rest, ok := strings.CutPrefix(line, "::")
		head, data, ok2 := strings.Cut(rest, "::")
		if !ok || !ok2 {
			return nil, fmt.Errorf("not a workflow command: %q", line)
		}
		a := annotation{props: map[string]string{}}
		var props string
		a.command, props, _ = strings.Cut(head, " ")
		for _, p := range strings.Split(props, ",") {
			if p == "" {
				continue
			}
			k, v, _ := strings.Cut(p, "=")
			value, err := url.PathUnescape(v)
			if err != nil {
				return nil, fmt.Errorf("property %s of %q: %v", k, line, err)
			}
			a.props[k] = value
		}
		msg, err := url.PathUnescape(data)
		if err != nil {
			return nil, fmt.Errorf("message of %q: %v", line, err)
		}
		a.message = msg
		list = append(list, a)
	}
	return list, nil
}

// TestGitHubAnnotations verifies one annotation per scenario that fails
// the run (error) and per warning (warning), at its file and line, titled
// with its name, naming the rule and saying the failure; nothing for the
// other outcomes; and that hostile text (line breaks, a forged command,
// %-escapes, : and , in properties, terminal controls) reads back as the
// same text made safe, inside its own command, never as a command.
func TestGitHubAnnotations(t *testing.T) {
	hostile := "token_type = \"mac%0A::error::forged\"; want \"bearer\"\r\n::warning file=x::forged\x1b[31m\u202e,:%"
	run := verdict.Run{Verdicts: []verdict.Verdict{
		{URI: "features/a.feature", Scenario: "passes", Line: 3, Status: verdict.Passed},
		{URI: "features/a.feature", Scenario: "fails: a, b", Line: 7, Status: verdict.Failed, Severity: verdict.Must, Rules: []string{"rfc6749-5.1", "docs-x"}, Error: hostile},
		{URI: "features/b.feature", Scenario: "warns", Line: 12, Status: verdict.Warning, Severity: verdict.Should, Rules: []string{"rfc6749-5.1"}, Error: "Pragma = \"\"; want \"no-cache\""},
		{URI: "features/b.feature", Scenario: "listed, passed", Line: 20, Status: verdict.UnexpectedPass, Severity: verdict.Must, Error: "listed as an expected failure (AUTH-1) but passed"},
		{URI: "features/b.feature", Scenario: "known", Line: 25, Status: verdict.ExpectedFailure, Error: "x"},
		{URI: "features/b.feature", Scenario: "inconclusive", Line: 30, Status: verdict.Inconclusive, Error: "inconclusive: y"},
		{URI: "features/b.feature", Scenario: "not run", Line: 35, Status: verdict.NotRun, Error: "not run: z"},
	}}
	var buf bytes.Buffer
	if err := WriteGitHub(&buf, run); err != nil {
		t.Fatal(err)
	}
	got, err := parseGitHub(buf.String())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	want := []annotation{
		{"error", map[string]string{"file": "features/a.feature", "line": "7", "title": "fails: a, b"},
			"rule: MUST rfc6749-5.1 docs-x\n" + `token_type = "mac%0A::error::forged"; want "bearer"\r` + "\n" + `::warning file=x::forged\x1b[31m\u202e,:%`},
		{"warning", map[string]string{"file": "features/b.feature", "line": "12", "title": "warns"},
			"rule: SHOULD rfc6749-5.1\nPragma = \"\"; want \"no-cache\""},
		{"error", map[string]string{"file": "features/b.feature", "line": "20", "title": "listed, passed"},
			"rule: MUST\nlisted as an expected failure (AUTH-1) but passed"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("annotations read back:\n%q\nwant\n%q\noutput:\n%s", got, want, buf.String())
	}
	for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if strings.ContainsFunc(line, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\u202e' }) {
			t.Errorf("line %q holds a control character", line)
		}
	}
}

// TestGitHubStoppedRun verifies a run that stopped early says why in an
// error of its own, with no file.
func TestGitHubStoppedRun(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteGitHub(&buf, verdict.Run{Stopped: "target unreachable: dial tcp: refused\nmore"}); err != nil {
		t.Fatal(err)
	}
	got, err := parseGitHub(buf.String())
	if err != nil || len(got) != 1 || got[0].command != "error" || got[0].props["file"] != "" || got[0].message != "target unreachable: dial tcp: refused\nmore" {
		t.Errorf("annotations %q (%v); want one error saying why the run stopped\n%s", got, err, buf.String())
	}
}

// TestGitHubNothingToSay verifies a run with nothing to annotate writes
// nothing: an empty file, no stray line.
func TestGitHubNothingToSay(t *testing.T) {
	var buf bytes.Buffer
	run := verdict.Run{Verdicts: []verdict.Verdict{{URI: "features/a.feature", Scenario: "s", Status: verdict.Passed}}}
	if err := WriteGitHub(&buf, run); err != nil || buf.Len() != 0 {
		t.Errorf("output %q (%v); want none", buf.String(), err)
	}
}
