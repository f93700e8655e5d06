package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/golden"
	"github.com/authconform/authconform/internal/refserver"
)

// TestConsoleForPeople verifies the default output: a line per case under
// its feature file, then each failure in full with its rule, its source
// line, what was expected and what came back, the exchange, and a command
// that reproduces it with the secret as a reference to its variable. The
// cases the fault fails are the golden file's.
func TestConsoleForPeople(t *testing.T) {
	t.Parallel()
	srv, err := refserver.Start(refserver.Options{Fault: failingFault})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	env := envFor(srv.URL)
	run := runSet(builtInCases(t), gapTags(t, env)...)
	failed := inRun(loadGolden(t).Faults[failingFault].Fail, run)
	if len(failed) == 0 {
		t.Fatalf("the golden file says fault %s fails no scenario of the Commerce Layer profile; want some", failingFault)
	}
	r := runCLI(t, env)
	if r.code != 1 {
		t.Fatalf("exit %d; want 1\n%s", r.code, r.stdout)
	}
	want := []string{
		"Failures (" + strconv.Itoa(len(failed)) + "):",
		`    token_type = "mac" (string); want "bearer" (compared ignoring case)`,
		`"client_secret": "'"$AUTHCONFORM_INTEGRATION_CLIENT_SECRET"$'"\n}'`,
		"  exchange:\n    --- request ---",
		"\nauthconform: FAIL: ",
	}
	for _, c := range failed {
		// Listed under its feature file, then headed by its rule,
		// file:line and name.
		want = append(want, "\n"+c.URI+"\n", "] × "+c.Scenario+" (", "\n"+failureHeading(c)+"\n")
	}
	if passed := firstPassed(builtInCases(t), run, failed); passed != "" {
		want = append(want, "] ✔ "+passed+" (")
	}
	for _, w := range want {
		if !strings.Contains("\n"+r.stdout, w) { // a feature file heads the first line
			t.Errorf("console does not show %q:\n%s", w, r.stdout)
		}
	}
	if strings.Contains(r.stdout+r.stderr, refserver.IntegrationClientSecret) {
		t.Errorf("the console shows the client secret")
	}
	if strings.Contains(r.stdout, "--- Failed steps:") || strings.Contains(r.stderr, "FAIL [MUST") {
		t.Errorf("godog's own report or progress lines leaked into the console format:\n%s\n%s", r.stdout, r.stderr)
	}
}

// firstPassed names a @must case of the run, of a feature file holding one
// of failed, that is not among them: a case the run passes, for the
// console to mark so.
func firstPassed(cases []catalog.Case, run map[string]catalog.Case, failed []catalog.Case) string {
	for _, c := range cases {
		_, inProfile := run[golden.Key(c.URI, c.Scenario)]
		sameFile := slices.ContainsFunc(failed, func(f catalog.Case) bool { return f.URI == c.URI })
		isFailed := slices.ContainsFunc(failed, func(f catalog.Case) bool { return f.URI == c.URI && f.Scenario == c.Scenario })
		if inProfile && sameFile && !isFailed && slices.Contains(c.Tags, "@must") {
			return c.Scenario
		}
	}
	return ""
}

// TestHelpOnStdout verifies -h prints the usage to stdout and exits 0, and
// a bad flag is one line on stderr and exit 2.
func TestHelpOnStdout(t *testing.T) {
	h := runCLI(t, nil, "-h")
	if h.code != 0 || !strings.HasPrefix(h.stdout, "usage: authconform") || !strings.Contains(h.stdout, "-update-expect-failures") || h.stderr != "" {
		t.Errorf("-h: exit %d, stdout %.80q, stderr %q; want 0 and the usage on stdout", h.code, h.stdout, h.stderr)
	}
	b := runCLI(t, nil, "-nope")
	if b.code != 2 || strings.Count(b.stderr, "\n") != 1 || !strings.Contains(b.stderr, "-nope") {
		t.Errorf("bad flag: exit %d, stderr %q; want 2 and one line naming it", b.code, b.stderr)
	}
}

// TestCucumberAttachments verifies the cucumber JSON carries each case's
// redacted exchange as an attachment, for cucumber-based report tools.
func TestCucumberAttachments(t *testing.T) {
	t.Parallel() // a run with a server of its own
	path := filepath.Join(t.TempDir(), "c.json")
	if r := runCLI(t, nil, "-quiet", "-format", "progress,cucumber:"+path); r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var features []struct {
		Elements []struct {
			Steps []struct {
				Embeddings []struct {
					MimeType string `json:"mime_type"`
					Data     []byte `json:"data"` // base64 in the file
				} `json:"embeddings"`
			} `json:"steps"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(b, &features); err != nil {
		t.Fatal(err)
	}
	cases, attached := 0, 0
	for _, f := range features {
		for _, e := range f.Elements {
			cases++
			for _, s := range e.Steps {
				for _, em := range s.Embeddings {
					if em.MimeType == "text/plain" && strings.Contains(string(em.Data), "--- request ---") {
						attached++
					}
				}
			}
		}
	}
	if cases == 0 || attached != cases {
		t.Errorf("%d of %d cases carry their exchange as an attachment; want all", attached, cases)
	}
}
