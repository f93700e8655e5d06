package runner

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/embedded"
	"github.com/authconform/authconform/internal/ratelimit"
	"github.com/authconform/authconform/internal/sharing"
	"github.com/authconform/authconform/setup"
)

var updateReadme = flag.Bool("update", false, "rewrite the README's paragraph on requests and timing from the catalog")

const readmePath = "../../README.md"

// requestsParagraph is the README's paragraph on how many requests a run
// sends and how long the rate limit makes it wait, with the numbers left
// to the catalog: a new scenario changes them, and a number written by
// hand would drift.
var requestsParagraph = template.Must(template.New("requests").Parse(
	"**How many requests, how long.** A full run against the embedded server, every variable set, sends " +
		"{{.All.Total}} requests: {{.Token}} token requests, {{.Revocation}} revocations, 1 to read the key set, " +
		"{{.Resource}} to the protected resource and {{.Authorize}} to the authorize endpoint. Each distinct request is sent once per run: scenarios that send the same requests, " +
		"or one the first requests of the other (a scenario that revokes its token and checks the status, and " +
		"one that revokes it the same way and checks the body), judge the same exchanges, and the `@jwt` and " +
		"scope scenarios judge the tokens the token scenarios obtained; two scenarios that go on differently " +
		"from one token (one revokes it, the other uses it) each get their own. Which scenario sends each " +
		"request is decided before the run, so reports are the same at any `-concurrency` " +
		"(`internal/runner/testdata/shared_requests.txt` lists who shares what). The rate limit covers every " +
		"request to the auth server, the token endpoint's origin: against Commerce Layer, whose API and " +
		"authorize endpoint answer on hosts of their own, that is the {{.All.Auth}} token and revocation requests " +
		"and the key set's, {{.Limited}} in all; a server that also answers the resource or the authorize " +
		"endpoint on its own origin has those counted as well (all {{.All.Total}} for the embedded server), so " +
		"one that limits every request it serves is never sent more than its limit either. At Commerce Layer's " +
		"documented 30 a minute the first 30 go at once and each further 30 wait for the sliding window, so " +
		"{{.Limited}} requests cannot all be sent in less than {{.Wait}} (ceil({{.Limited}}/30) − 1 windows), " +
		"and the run takes that, a 2 % margin per window, and the time of its last requests. Without " +
		"`AUTHCONFORM_RESOURCE_URL` and the sales channel secret it sends {{.NoRevocation.Total}} requests, " +
		"{{.NoRevocationLimited}} to the auth server (at least {{.NoRevocationWait}}); without the market code, " +
		"the store and the stock location as well, {{.Minimal.Total}}, {{.MinimalLimited}} to the auth server " +
		"(at least {{.MinimalWait}}). A test holds these figures to within a tenth of what the catalog gives " +
		"(a case added since moves them by a request or two); `-list` gives the exact count and the least " +
		"wait for your configuration."))

// requestCounts are the paragraph's numbers.
type requestCounts struct {
	All, NoRevocation, Minimal                   sharing.Counts
	Token, Revocation, Resource, Authorize       int
	Limited, NoRevocationLimited, MinimalLimited int
	Wait, NoRevocationWait, MinimalWait          string
}

// TestReadmeRequestCounts verifies the README's paragraph on requests and
// timing says what -list computes from the catalog for the embedded
// server's configuration, at Commerce Layer's rate limit. `go test
// ./internal/runner -run TestReadmeRequestCounts -update` rewrites it.
func TestReadmeRequestCounts(t *testing.T) {
	// As at Commerce Layer: the API (the protected resource) and the
	// authorize endpoint answer on origins other than the auth server's.
	full := embedded.Target("http://127.0.0.1:1")
	full.ResourceURL = "http://127.0.0.2:1/api/markets"
	full.AuthorizeURL = "http://127.0.0.3:1/oauth/authorize"
	noRevocation := full
	noRevocation.ResourceURL, noRevocation.SalesChannel.Secret = "", ""
	minimal := noRevocation
	minimal.ScopeResources = config.ScopeResources{}

	all, less, least := countsFor(t, full), countsFor(t, noRevocation), countsFor(t, minimal)
	limited := func(c sharing.Counts) int { return c.Auth() + c[sharing.KeySet] }
	counts := requestCounts{
		All: all, NoRevocation: less, Minimal: least,
		Token: all[sharing.Token], Revocation: all[sharing.Revocation], Resource: all[sharing.Resource], Authorize: all[sharing.Authorize],
		Limited: limited(all), NoRevocationLimited: limited(less), MinimalLimited: limited(least),
		Wait: minutes(leastWait(limited(all))), NoRevocationWait: minutes(leastWait(limited(less))), MinimalWait: minutes(leastWait(limited(least))),
	}
	own := embedded.Target("http://127.0.0.1:1")
	if c := countsFor(t, own); c.To(limitedEndpoints(own)) != c.Total() || c.Total() != all.Total() {
		t.Fatalf("the embedded server's own listing counts %d of %d requests as limited; the paragraph says all %d", c.To(limitedEndpoints(own)), c.Total(), all.Total())
	}
	if all[sharing.KeySet] != 1 {
		t.Fatalf("a full run reads the key set %d times; the paragraph says once", all[sharing.KeySet])
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
	if *updateReadme && collapse(string(got)) != collapse(want.String()) {
		out := append(append(append([]byte{}, readme[:loc[0]]...), wrap(want.String(), 100)...), readme[loc[1]:]...)
		if err := os.WriteFile(readmePath, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err := closeEnough(collapse(string(got)), collapse(want.String())); err != nil {
		t.Errorf("the README's paragraph on requests and timing drifted from the catalog (%v; %+v); run `go test ./internal/runner -run TestReadmeRequestCounts -update`; want:\n%s", err, counts, want.String())
	}
}

// number is a figure in the paragraph.
var number = regexp.MustCompile(`\d+`)

// closeEnough says whether the README's paragraph got reads as want, each
// figure within a tenth of want's (a figure under 10 exactly, the
// minutes of waiting among them): a case added in Gherkin alone, which
// sends a request or two more, leaves the README true to a tenth and
// needs no edit of it, while a drift beyond that, or any other change of
// the text, fails. -update writes the exact figures.
func closeEnough(got, want string) error {
	if a, b := number.ReplaceAllString(got, "N"), number.ReplaceAllString(want, "N"); a != b {
		return fmt.Errorf("the text differs")
	}
	gotN, wantN := number.FindAllString(got, -1), number.FindAllString(want, -1)
	for i := range wantN {
		g, _ := strconv.Atoi(gotN[i])
		w, _ := strconv.Atoi(wantN[i])
		if d := g - w; d > w/10 || -d > w/10 {
			return fmt.Errorf("figure %d of the paragraph says %d; the catalog gives %d, more than a tenth away", i+1, g, w)
		}
	}
	return nil
}

// TestCloseEnough verifies a figure within a tenth passes, one beyond it
// or a changed word fails, and a figure under 10 must be exact.
func TestCloseEnough(t *testing.T) {
	for _, tt := range []struct {
		got, want string
		ok        bool
	}{
		{"sends 110 requests, 3 minutes", "sends 110 requests, 3 minutes", true},
		{"sends 110 requests, 3 minutes", "sends 111 requests, 3 minutes", true},
		{"sends 110 requests, 3 minutes", "sends 125 requests, 3 minutes", false},
		{"sends 110 requests, 3 minutes", "sends 110 requests, 4 minutes", false},
		{"sends 110 requests, 3 minutes", "sends 110 answers, 3 minutes", false},
	} {
		if err := closeEnough(tt.got, tt.want); (err == nil) != tt.ok {
			t.Errorf("closeEnough(%q, %q) = %v; want ok: %v", tt.got, tt.want, err, tt.ok)
		}
	}
}

// countsFor is what a run against target t sends, by endpoint, as -list
// counts it; the listing's total and its count of limited requests must
// agree with it.
func countsFor(t *testing.T, target config.Target) sharing.Counts {
	t.Helper()
	l := listFor(t, target)
	c := requestsOf(l.Cases, target.AuthorizationCode != "")
	if n := c.To(limitedEndpoints(target)); l.Requests != c.Total() || l.Limited != n || l.Waiting != leastWait(n) {
		t.Fatalf("-list says %d requests, %d limited, %s waiting; the counts per endpoint say %v", l.Requests, l.Limited, l.Waiting, c)
	}
	return c
}

// leastWait is the least time n limited requests wait at Commerce
// Layer's 30 a minute: those past the first 30, 30 a window.
func leastWait(n int) time.Duration {
	if n <= 30 {
		return 0
	}
	return time.Duration((n+29)/30-1) * time.Minute
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

// minutes says a wait in whole minutes, as the paragraph does.
func minutes(d time.Duration) string {
	switch m := int(d / time.Minute); m {
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
	t, p, err := SetupTarget(ct)
	if err != nil {
		panic(err) // a configured target's URL follows the options' rules
	}
	return setup.Options{Target: t, Profile: p}
}
