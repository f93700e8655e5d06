package runner

import (
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/authconform/authconform/conform/setup"
	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/ratelimit"
	"github.com/authconform/authconform/internal/verdict"
)

// Listing is what a run would do, found without sending anything: so QA
// can plan a run against a target that allows 30 requests a minute.
type Listing struct {
	Cases    []catalog.Case
	LeftOut  []verdict.LeftOut
	Requests int        // requests the cases send, retries of a 429 aside
	Rate     setup.Rate // the limit that applies; the zero Rate is none
	// Waiting is the least time the rate limit makes the run wait.
	Waiting time.Duration
}

// sendingStep matches the steps that send a request each time they run.
var sendingStep = regexp.MustCompile(`^(the (token|revocation) request is sent|the protected resource is requested|a fresh authorization code from the authorize endpoint|the authorize endpoint is asked)\b`)

// codeStep gets the configured authorization code, or, without one, a
// fresh code from the authorize endpoint: a request.
var codeStep = regexp.MustCompile(`^the webapp's authorization code$`)

// sharedTokenStep obtains a token the run may already have: it sends a
// request only when no scenario before it sent the same parameters.
var sharedTokenStep = regexp.MustCompile(`^the access token issued for the JSON body:$`)

// keySetStep reads the target's key set, once per run.
var keySetStep = regexp.MustCompile(`by a key of the target's JWKS$`)

// List plans a run as Run does, checking the same configuration, and
// returns what it would run; it sends no request and opens no report.
func List(o setup.Options) (Listing, error) {
	var res verdict.Run
	r, err := resolve(o)
	if err != nil {
		return Listing{}, err
	}
	p := &runPlan{files: r.suite}
	if err := p.selectCases(r.target, r.Tags, r.KnownDeviations, &res); err != nil {
		return Listing{}, err
	}
	limiter, err := ratelimit.ForTarget(r.Rate, r.loopback)
	if err != nil {
		return Listing{}, &ConfigError{err}
	}
	l := Listing{Cases: p.running, LeftOut: res.LeftOut, Requests: requestsOf(p.running, r.target.AuthorizationCode != ""), Rate: limiter.Rate()}
	if r := l.Rate; !r.IsNone() && l.Requests > r.N {
		// Every request past the first N waits for a window to free a slot.
		l.Waiting = time.Duration((l.Requests-1)/r.N) * r.Per
	}
	return l, nil
}

// requestsOf counts the requests cases send, in the order they run: each
// sending step once; a shared token once per run, and not at all when a
// case before it sends the same parameters (which the run then reuses);
// the key set once; a code, unless one is configured.
func requestsOf(cases []catalog.Case, codeConfigured bool) int {
	n := 0
	obtained := map[string]bool{}
	keySet := false
	for _, c := range cases {
		body := "" // the last request body the case started
		for _, s := range c.Steps {
			switch {
			case sendingStep.MatchString(s.Text):
				n++
				if s.Text == "the token request is sent" {
					obtained[bodyKey(body)] = true
				}
			case sharedTokenStep.MatchString(s.Text):
				if k := bodyKey(s.Arg); !obtained[k] {
					obtained[k] = true
					n++
				}
			case codeStep.MatchString(s.Text) && !codeConfigured:
				n++
			case keySetStep.MatchString(s.Text) && !keySet:
				keySet = true
				n++
			}
			if s.Arg != "" {
				body = s.Arg
			}
		}
	}
	return n
}

// bodyKey names a JSON body of strings by its members in any order, as
// the steps key shared tokens; placeholders are left as written, which
// names the same request for one configuration.
func bodyKey(body string) string {
	var m map[string]string
	if json.Unmarshal([]byte(body), &m) != nil {
		return body
	}
	keys := slices.Sorted(maps.Keys(m))
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "\x00" + m[k] + "\x01")
	}
	return b.String()
}
