package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/jwtcheck"
	"github.com/authconform/authconform/internal/sharing"
)

// runShared is what scenarios of one run obtain once and share: token
// answers, keyed by the request that obtained them, and the target's key
// set. A run against a target that allows 30 requests a minute should not
// ask twice for what it already has: the JWT scenarios judge the tokens
// the token scenarios obtained, and the key set is read once.
type runShared struct {
	mu     sync.Mutex
	tokens map[string]*sharedAnswer
	keys   *sharedKeySet
	// lines are the request chains scenarios share (lines.go), by
	// scenario id; finished, the scenarios that will send no more.
	lines    map[string]*lineRun
	finished map[string]bool
}

// sharedAnswer is a token answer, or the promise of one while the
// scenario that asked for it waits for the target.
type sharedAnswer struct {
	ready    chan struct{} // closed once ex is set (or the request failed)
	closed   bool          // ready is closed; guarded by runShared.mu
	ex       *httpclient.Exchange
	token    string // the access token ex carries; "" if none
	scenario string // the scenario that sent the request
	// producer names the scenario planned to obtain the answer (see
	// PlanSharing); "" when none was planned.
	producer string
}

// settle records the answer (nil: none came) and wakes the waiting
// scenarios. The caller holds runShared.mu.
func (a *sharedAnswer) settle(ex *httpclient.Exchange, token, scenario string) {
	if a.closed {
		return
	}
	a.ex, a.token, a.scenario, a.closed = ex, token, scenario, true
	close(a.ready)
}

// sharedKeySet is the target's key set as read once per run.
type sharedKeySet struct {
	ready    chan struct{}
	ex       *httpclient.Exchange // nil when the request got no answer
	set      *jwtcheck.KeySet
	problem  string // why the set cannot be used; "" when it can
	scenario string
}

func (s *suite) shared() *runShared {
	s.sharedOnce.Do(func() { s.run = &runShared{tokens: map[string]*sharedAnswer{}} })
	return s.run
}

// tokenRequestKey names a token request by its parameters, in any order:
// two scenarios that send the same parameters ask for the same token.
func tokenRequestKey(params []param) string {
	parts := make([]string, len(params))
	for i, p := range params {
		parts[i] = p.name + "\x00" + p.value
	}
	slices.Sort(parts)
	return strings.Join(parts, "\x01")
}

// shareTokenAnswer offers a token answer a scenario obtained to the rest
// of the run, when it came from a plain request (parameters only, no
// header of the scenario's own) and carries an access token. The first
// such answer for a request is the one kept.
func (s *suite) shareTokenAnswer(st *scenario, ex *httpclient.Exchange) {
	if st.req == nil || st.req.isRaw || st.req.revocation || len(st.req.header) > 0 {
		return
	}
	sh := s.shared()
	key := tokenRequestKey(st.req.params)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if a, ok := sh.tokens[key]; ok && a.producer != "" {
		// Planned: only the producer's answer is shared, whatever it is,
		// so no other scenario sends the request again.
		if a.producer == st.id() {
			a.settle(ex, st.accessToken, st.name())
		}
		return
	}
	if st.accessToken == "" {
		return
	}
	if a, ok := sh.tokens[key]; ok {
		select {
		case <-a.ready:
			if a.token != "" {
				return
			}
		default:
			return // another scenario is asking for it now
		}
	}
	a := &sharedAnswer{ready: make(chan struct{})}
	a.settle(ex, st.accessToken, st.name())
	sh.tokens[key] = a
}

// givenIssuedToken makes the access token issued for a request the one
// the scenario judges: the answer an earlier scenario of the run got for
// the same parameters, or, when none did, the answer to the request sent
// now, kept for the scenarios after it.
func (st *scenario) givenIssuedToken(ctx context.Context, doc *godog.DocString) error {
	return st.givenSharedAnswer(ctx, doc, true)
}

// givenAnswer is givenIssuedToken for an answer of any kind, an error
// included: the answer to a wrong password, which a scenario that compares
// two refusals judges again without asking again.
func (st *scenario) givenAnswer(ctx context.Context, doc *godog.DocString) error {
	return st.givenSharedAnswer(ctx, doc, false)
}

// givenSharedAnswer makes the answer to a request, shared within the run,
// the one the scenario judges; needToken fails the step unless it issued
// an access token.
func (st *scenario) givenSharedAnswer(ctx context.Context, doc *godog.DocString, needToken bool) error {
	if err := st.givenJSONBody(doc); err != nil {
		return err
	}
	sh := st.suite.shared()
	key := tokenRequestKey(st.req.params)
	sh.mu.Lock()
	a, found := sh.tokens[key]
	if !found {
		a = &sharedAnswer{ready: make(chan struct{}), scenario: st.name()}
		sh.tokens[key] = a
	}
	producing := found && a.producer == st.id() && !a.closed
	sh.mu.Unlock()

	if found && !producing {
		select {
		case <-a.ready:
		case <-ctx.Done():
			st.sendFailed = true
			return fmt.Errorf("waiting for the token another scenario was obtaining: %v", ctx.Err())
		}
		if a.ex != nil {
			st.borrowed = append(st.borrowed, borrowedExchange{a.ex, fmt.Sprintf("the token judged here was obtained by the scenario %q", a.scenario)})
			st.judge(a.ex)
			if a.ex.Malformed != "" {
				return st.malformedAnswer()
			}
			return st.requireIssuedTokenIf(needToken)
		}
		// The scenario that asked got no answer: ask again, for this
		// scenario alone.
		a = &sharedAnswer{ready: make(chan struct{})}
	}

	req, err := st.encode(http.MethodPost, st.suite.Target.TokenURL())
	if err == nil {
		err = st.send(ctx, req)
	}
	sh.mu.Lock()
	if err != nil && (st.answer == nil || st.answer.Malformed == "") {
		// No answer: the scenarios waiting for it ask again. A malformed
		// one is kept, as asking again would get the same.
		a.settle(nil, "", st.name())
	} else {
		a.settle(st.answer, st.accessToken, st.name())
	}
	sh.mu.Unlock()
	if err != nil {
		return err
	}
	return st.requireIssuedTokenIf(needToken)
}

func (st *scenario) requireIssuedTokenIf(needToken bool) error {
	if !needToken {
		return nil
	}
	return st.requireIssuedToken()
}

// requireIssuedToken fails unless the judged answer issued an access
// token: the JWT steps have nothing to judge otherwise, and the reason is
// the token request's, said once.
func (st *scenario) requireIssuedToken() error {
	if st.accessToken != "" {
		return nil
	}
	return st.fail("no access token to judge: the token request was answered with status %d and no access_token; want a token (RFC 6749 §5.1)", st.answer.Status)
}

// id names the running scenario as PlanSharing names cases: its feature
// file and name, unique in a run (the lint refuses two of a name in a file).
func (st *scenario) id() string {
	if st.pickle == nil {
		return ""
	}
	return st.pickle.Uri + "\x00" + st.pickle.Name
}

// releaseShared settles, with no answer, what this scenario was planned to
// obtain and did not (it failed or stopped first), so no scenario waits
// for it in vain: they send the request themselves.
func (st *scenario) releaseShared() {
	if st.pickle == nil {
		return
	}
	sh := st.suite.shared()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for _, a := range sh.tokens {
		if a.producer == st.id() {
			a.settle(a.ex, a.token, st.name())
		}
	}
	if sh.lines != nil {
		sh.releaseLines(st.id())
	}
}

// PlanSharing names, before the run, the scenario that obtains each token
// the run shares: the first case, in run order, that sends a plain token
// request (a JSON body, no header of its own) with those parameters, or,
// when none does, the first that asks for the token with "the access
// token issued for the JSON body:" (or for any answer with "the answer to
// the token request with the JSON body:"). Every other scenario waits for that
// one's answer, so which scenario sends which request, and so every
// report, is the same at any -concurrency. A run without a plan shares
// what it can as it goes.
func (s *suite) PlanSharing(cases []catalog.Case) {
	sh := s.shared()
	values := configuredValues(s.Target)
	maps.Copy(values, s.runValues())
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.planLines(sharing.New(cases))
	for _, c := range cases {
		body, plain := "", false
		for _, step := range c.Steps {
			switch {
			case step.Text == "a token request with the JSON body:":
				body, plain = step.Arg, true
			case strings.HasPrefix(step.Text, "a token request with"), strings.HasPrefix(step.Text, "a revocation request with"):
				body, plain = "", false
			case strings.HasPrefix(step.Text, "the request header "):
				plain = false
			case step.Text == "the token request is sent" && plain, step.Text == issuedTokenStep, step.Text == answerStep:
				if step.Text != "the token request is sent" {
					body = step.Arg
				}
				key, ok := plannedKey(body, values)
				if _, taken := sh.tokens[key]; ok && !taken {
					sh.tokens[key] = &sharedAnswer{ready: make(chan struct{}), producer: c.URI + "\x00" + c.Scenario}
				}
			}
		}
	}
}

// The steps that judge a shared answer, as PlanSharing reads them.
const (
	issuedTokenStep = "the access token issued for the JSON body:"
	answerStep      = "the answer to the token request with the JSON body:"
)

// plannedKey is the key of a JSON body once the configuration's values are
// in it; false when it uses a value generated per scenario, which no two
// scenarios share.
func plannedKey(body string, values map[string]string) (string, bool) {
	ok := true
	text := placeholder.ReplaceAllStringFunc(body, func(m string) string {
		v, known := values[placeholder.FindStringSubmatch(m)[1]]
		if !known {
			ok = false
			return m
		}
		q, _ := json.Marshal(v)
		return string(q[1 : len(q)-1])
	})
	params, err := orderedStringObject([]byte(text))
	if !ok || err != nil {
		return "", false
	}
	return tokenRequestKey(params), true
}

// name is the running scenario's name, for notes in other transcripts.
func (st *scenario) name() string {
	if st.pickle == nil {
		return ""
	}
	return st.pickle.Name
}
