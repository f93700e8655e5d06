package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/refserver"
)

// TestConsoleForPeople verifies the default output: a line per case under
// its feature file, then each failure in full with its rule, its source
// line, what was expected and what came back, the exchange, and a command
// that reproduces it with the secret as a reference to its variable.
func TestConsoleForPeople(t *testing.T) {
	srv, err := refserver.Start(refserver.Options{Fault: "token-type-mac"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r := runCLI(t, envFor(srv.URL))
	if r.code != 1 {
		t.Fatalf("exit %d; want 1\n%s", r.code, r.stdout)
	}
	for _, want := range []string{
		"features/client_credentials/integration_token.feature\n  × An integration with its secret and no scope gets a token for all markets (",
		"  ✔ An integration with its secret and a market in scope gets that scope echoed (",
		"Failures (2):",
		`    token_type = "mac" (string); want "bearer" (compared ignoring case)`,
		`"client_secret": "'"$AUTHCONFORM_INTEGRATION_CLIENT_SECRET"$'"\n}'`,
		"  exchange:\n    --- request ---",
		"\nauthconform: FAIL: ",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("console does not show %q:\n%s", want, r.stdout)
		}
	}
	heading := regexp.MustCompile(`\n× \[MUST rfc6749-4\.4 rfc6749-5\.1 docs-client-credentials\] features/client_credentials/integration_token\.feature:\d+: An integration with its secret and no scope gets a token for all markets\n`)
	if !heading.MatchString(r.stdout) {
		t.Errorf("the failure is not headed by its rule, file:line and name:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout+r.stderr, refserver.IntegrationClientSecret) {
		t.Errorf("the console shows the client secret")
	}
	if strings.Contains(r.stdout, "--- Failed steps:") || strings.Contains(r.stderr, "FAIL [MUST") {
		t.Errorf("godog's own report or progress lines leaked into the console format:\n%s\n%s", r.stdout, r.stderr)
	}
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
