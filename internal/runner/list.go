package runner

import (
	"time"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/ratelimit"
	"github.com/authconform/authconform/internal/sharing"
	"github.com/authconform/authconform/internal/verdict"
	"github.com/authconform/authconform/setup"
)

// Listing is what a run would do, found without sending anything: so QA
// can plan a run against a target that allows 30 requests a minute.
type Listing struct {
	Cases    []catalog.Case
	LeftOut  []verdict.LeftOut
	Requests int // requests the cases send, retries of a 429 aside
	// Limited is how many of them go to the auth server (the token
	// endpoint's origin), the ones the rate limit covers.
	Limited int
	Rate    setup.Rate // the limit that applies; the zero Rate is none
	// Waiting is the least time the rate limit makes the run wait.
	Waiting time.Duration
}

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
	limiter, err := authLimit(r)
	if err != nil {
		return Listing{}, err
	}
	counts := requestsOf(p.running, r.target.AuthorizationCode != "")
	l := Listing{Cases: p.running, LeftOut: res.LeftOut, Requests: counts.Total(), Limited: counts.To(limitedEndpoints(r.target)), Rate: setup.Rate(limiter.Rate())}
	l.Waiting = limiter.LeastWait(l.Limited)
	return l, nil
}

// requestsOf counts the requests cases send, in the order they run, per
// endpoint: each distinct request chain once (package sharing), a token
// shared per body and the key set once per run, a code unless one is
// configured.
func requestsOf(cases []catalog.Case, codeConfigured bool) sharing.Counts {
	return sharing.New(cases).Requests(codeConfigured)
}

// authLimit is the run's limit of the auth server, whose endpoint Commerce
// Layer documents a limit for: the rate given, checked, or the default
// for the target (ratelimit.ForTarget).
func authLimit(r resolved) (*ratelimit.Window, error) {
	if r.Rate != nil {
		if err := r.Rate.Check(); err != nil {
			return nil, &ConfigError{err}
		}
	}
	return ratelimit.ForTarget((*ratelimit.Rate)(r.Rate), r.loopback), nil
}

// authLimits is the limit as the client applies it: to every request to
// the token endpoint's origin (the auth server: token, revocation, key
// set, and the resource or authorize endpoint when served there too).
// Another origin (Commerce Layer's API, on its own host, whose documented
// limits are far above the few requests a run sends it) is not limited;
// a 429 from it is still waited out.
func authLimits(w *ratelimit.Window, t config.Target) *ratelimit.Endpoints {
	return ratelimit.Covering(w, t.TokenURL())
}

// limitedEndpoints are the endpoints authLimits covers for t, so that a
// listing counts exactly the requests the limit will space.
func limitedEndpoints(t config.Target) []sharing.Endpoint {
	origin := ratelimit.OriginOf(t.TokenURL())
	covered := []sharing.Endpoint{sharing.Token, sharing.Revocation} // both paths of the base URL
	for _, e := range []struct {
		endpoint sharing.Endpoint
		url      string
	}{{sharing.Resource, t.ResourceURL}, {sharing.Authorize, t.AuthorizeURL}, {sharing.KeySet, t.KeySetURL()}} {
		if e.url != "" && ratelimit.OriginOf(e.url) == origin {
			covered = append(covered, e.endpoint)
		}
	}
	return covered
}
