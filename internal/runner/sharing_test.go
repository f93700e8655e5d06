package runner

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/sharing"
)

const sharedRequestsPath = "testdata/shared_requests.txt"

// TestSharedRequests verifies which scenarios share which request, in
// both profiles, with every variable set (the embedded server's
// configuration): the table in testdata/shared_requests.txt, read from the
// catalog by package sharing, lists each request more than one scenario
// judges and the scenarios that do, the one that sends it first. A new
// scenario that shares, or stops sharing, changes the table: review the
// diff. `go test ./internal/runner -run TestSharedRequests -update`
// rewrites it.
func TestSharedRequests(t *testing.T) {
	var b bytes.Buffer
	for _, p := range config.Profiles {
		target := embedded.Target("http://127.0.0.1:1")
		target.Profile = p
		l := listFor(t, target)
		fmt.Fprintf(&b, "# profile %s: %d scenarios, %d requests\n", p.Name, len(l.Cases), l.Requests)
		writeShared(&b, l.Cases)
	}
	want, err := os.ReadFile(sharedRequestsPath)
	if *updateReadme {
		if err := os.WriteFile(sharedRequestsPath, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err != nil || !bytes.Equal(want, b.Bytes()) {
		t.Errorf("the scenarios that share requests differ from %s (error %v); if the change is meant, run `go test ./internal/runner -run TestSharedRequests -update` and review the diff; got:\n%s", sharedRequestsPath, err, b.String())
	}
}

// writeShared writes each line of the plan that more than one scenario
// is in: each request, where it goes, and the scenarios that judge it.
func writeShared(b *bytes.Buffer, cases []catalog.Case) {
	names := map[string]string{}
	for _, c := range cases {
		names[catalog.Key(c.URI, c.Scenario)] = c.URI + ": " + c.Scenario
	}
	endpoints := [...]string{sharing.Token: "token", sharing.Revocation: "revocation", sharing.Resource: "resource"}
	for _, l := range sharing.New(cases).Lines {
		if len(l.Senders[0]) < 2 {
			continue
		}
		b.WriteString("\n")
		for i, senders := range l.Senders {
			fmt.Fprintf(b, "request %d, %s:\n", i+1, endpoints[l.Endpoints[i]])
			for _, s := range senders {
				fmt.Fprintf(b, "  %s\n", names[s])
			}
		}
	}
	b.WriteString("\n")
}

// TestIssueRevocationPairsShare verifies the four pairs of revocation
// scenarios the suite once sent twice each share their requests: the
// pairs are found in the catalog by what they revoke, not by name.
func TestIssueRevocationPairsShare(t *testing.T) {
	l := listFor(t, embedded.Target("http://127.0.0.1:1"))
	plan := sharing.New(l.Cases)
	groups := map[*sharing.Line][]string{}
	for _, c := range l.Cases {
		if c.URI != "features/token/revocation.feature" {
			continue
		}
		if line := plan.LineOf(catalog.Key(c.URI, c.Scenario)); line != nil && strings.Contains(joinSteps(c), "the revocation request is sent") {
			groups[line] = append(groups[line], c.Scenario)
		}
	}
	pairs := 0
	for _, g := range groups {
		if len(g) > 1 {
			pairs++
		}
	}
	if pairs < 4 {
		t.Errorf("%d groups of revocation scenarios share their requests (%v); want at least the 4 whose chains are the same", pairs, groups)
	}
}

func joinSteps(c catalog.Case) string {
	var texts []string
	for _, s := range c.Steps {
		texts = append(texts, s.Text)
	}
	return strings.Join(texts, "\n")
}
