package runner

import (
	"bytes"
	"flag"
	"fmt"
	"github.com/authconform/authconform/conform/setup"
	"github.com/authconform/authconform/internal/ratelimit"
	"os"
	"regexp"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/embedded"
)

var updateReadme = flag.Bool("update", false, "rewrite the README's paragraph on requests and timing from the catalog")

const readmePath = "../../README.md"

// requestsParagraph is the README's paragraph on how many requests a run
// sends and how long the rate limit makes it wait, with the numbers left
// to the catalog: a new scenario changes them, and a number written by
// hand would drift.
var requestsParagraph = template.Must(template.New("requests").Parse(
	"**How many requests, how long.** A full run against the embedded server sends {{.All}} requests: " +
		"{{.Token}} to judge the token answers, errors and scopes, 1 to read the key set (once per run, shared by " +
		"the `@jwt` scenarios, which judge the tokens the token scenarios already obtained rather than asking " +
		"again, as the scope scenarios that check only the echo and the claims do: each distinct request is " +
		"sent once, and which scenario sends it is decided before the run, so reports are the same at any " +
		"`-concurrency`), and {{.Revocation}} for the revocation scenarios (each revokes, or tries to, a token it " +
		"obtained itself, so none depends on another; {{.Resource}} requests go to the protected resource). " +
		"Against Commerce Layer's 30 requests a minute (one limiter covers every request) the first 30 go at " +
		"once and each further 30 wait for the window: such a run waits at least {{.Wait}} for the rate limit " +
		"and takes a little longer. Without `AUTHCONFORM_RESOURCE_URL` and the sales channel secret it sends " +
		"{{.NoRevocation}} requests (at least {{.NoRevocationWait}} of waiting); without the market code, the " +
		"store and the stock location as well, {{.Minimal}}. `-list` gives the count and the least wait for " +
		"your configuration."))

// requestCounts are the paragraph's numbers.
type requestCounts struct {
	All, Token, Revocation, Resource, NoRevocation, Minimal int
	Wait, NoRevocationWait                                  string
}

// TestReadmeRequestCounts verifies the README's paragraph on requests and
// timing says what -list computes from the catalog for the embedded
// server's configuration, at Commerce Layer's rate limit. `go test
// ./internal/runner -run TestReadmeRequestCounts -update` rewrites it.
func TestReadmeRequestCounts(t *testing.T) {
	full := embedded.Target("http://127.0.0.1:1")
	noRevocation := full
	noRevocation.ResourceURL, noRevocation.SalesChannel.Secret = "", ""
	minimal := noRevocation
	minimal.ScopeResources = config.ScopeResources{}

	all := listFor(t, full)
	lessRevocation := listFor(t, noRevocation)
	revocation := requestsIn(all.Cases, "features/token/revocation.feature")
	counts := requestCounts{
		All: all.Requests, Token: all.Requests - 1 - revocation, Revocation: revocation,
		Resource: resourceRequests(all.Cases), NoRevocation: lessRevocation.Requests,
		Minimal: listFor(t, minimal).Requests,
		Wait:    minutes(all.Waiting), NoRevocationWait: minutes(lessRevocation.Waiting),
	}
	var want bytes.Buffer
	if err := requestsParagraph.Execute(&want, counts); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	loc := paragraphAt(readme, "**How many requests, how long.**")
	if loc == nil {
		t.Fatalf("%s has no paragraph starting **How many requests, how long.**", readmePath)
	}
	got := readme[loc[0]:loc[1]]
	if collapse(string(got)) == collapse(want.String()) {
		return
	}
	if *updateReadme {
		out := append(append(append([]byte{}, readme[:loc[0]]...), wrap(want.String(), 100)...), readme[loc[1]:]...)
		if err := os.WriteFile(readmePath, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the README's paragraph on requests and timing drifted from the catalog (%+v); run `go test ./internal/runner -run TestReadmeRequestCounts -update`; want:\n%s", counts, want.String())
}

// listFor is -list for target t at Commerce Layer's rate limit.
func listFor(t *testing.T, target config.Target) Listing {
	t.Helper()
	o := optionsFor(target)
	o.Rate = &setup.Rate{N: ratelimit.CommerceLayerAuth.N, Per: ratelimit.CommerceLayerAuth.Per}
	l, err := List(o)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// requestsIn is how many of the run's requests the cases of the feature
// file uri send: the run's count less the count without them (which
// share nothing with the cases before them, so the difference is theirs).
func requestsIn(cases []catalog.Case, uri string) int {
	var others []catalog.Case
	for _, c := range cases {
		if c.URI != uri {
			others = append(others, c)
		}
	}
	return requestsOf(cases, false).Total() - requestsOf(others, false).Total()
}

// resourceRequests counts the steps that ask the protected resource.
func resourceRequests(cases []catalog.Case) int {
	n := 0
	for _, c := range cases {
		for _, s := range c.Steps {
			if strings.HasPrefix(s.Text, "the protected resource is requested") {
				n++
			}
		}
	}
	return n
}

// minutes says a wait in whole minutes, as the paragraph does.
func minutes(d time.Duration) string {
	switch m := int(d / time.Minute); m {
	case 0:
		return "no time"
	case 1:
		return "1 minute"
	default:
		return fmt.Sprintf("%d minutes", m)
	}
}

// paragraphAt finds the paragraph (up to a blank line) that starts with
// start, at the beginning of a line.
func paragraphAt(text []byte, start string) []int {
	i := bytes.Index(text, []byte("\n"+start))
	if i < 0 {
		return nil
	}
	i++
	end := bytes.Index(text[i:], []byte("\n\n"))
	if end < 0 {
		return []int{i, len(text)}
	}
	return []int{i, i + end}
}

var space = regexp.MustCompile(`\s+`)

func collapse(s string) string { return space.ReplaceAllString(strings.TrimSpace(s), " ") }

// wrap breaks text into lines of at most width characters, at spaces.
func wrap(text string, width int) []byte {
	var b strings.Builder
	line := 0
	for i, word := range strings.Fields(text) {
		switch {
		case i == 0:
		case line+1+len(word) > width:
			b.WriteString("\n")
			line = 0
		default:
			b.WriteString(" ")
			line++
		}
		b.WriteString(word)
		line += len(word)
	}
	return []byte(b.String())
}

// optionsFor is a run's options for the configured target ct and its
// profile.
func optionsFor(ct config.Target) setup.Options {
	t, p := ct.Setup()
	return setup.Options{Target: t, Profile: p}
}
