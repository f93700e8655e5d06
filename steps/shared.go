package steps

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/jwtcheck"
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
}

// sharedAnswer is a token answer, or the promise of one while the
// scenario that asked for it waits for the target.
type sharedAnswer struct {
	ready    chan struct{} // closed once ex is set (or the request failed)
	ex       *httpclient.Exchange
	token    string // the access token ex carries; "" if none
	scenario string // the scenario that sent the request
}

// sharedKeySet is the target's key set as read once per run.
type sharedKeySet struct {
	ready    chan struct{}
	ex       *httpclient.Exchange // nil when the request got no answer
	set      *jwtcheck.KeySet
	problem  string // why the set cannot be used; "" when it can
	scenario string
}

func (s *Suite) shared() *runShared {
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
func (s *Suite) shareTokenAnswer(st *scenario, ex *httpclient.Exchange) {
	if st.req == nil || st.req.isRaw || st.req.revocation || len(st.req.header) > 0 {
		return
	}
	sh := s.shared()
	key := tokenRequestKey(st.req.params)
	sh.mu.Lock()
	defer sh.mu.Unlock()
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
	a := &sharedAnswer{ready: make(chan struct{}), ex: ex, token: st.accessToken, scenario: st.name()}
	close(a.ready)
	sh.tokens[key] = a
}

// givenIssuedToken makes the access token issued for a request the one
// the scenario judges: the answer an earlier scenario of the run got for
// the same parameters, or, when none did, the answer to the request sent
// now, kept for the scenarios after it.
func (st *scenario) givenIssuedToken(ctx context.Context, doc *godog.DocString) error {
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
	sh.mu.Unlock()

	if found {
		select {
		case <-a.ready:
		case <-ctx.Done():
			st.sendFailed = true
			return fmt.Errorf("waiting for the token another scenario was obtaining: %v", ctx.Err())
		}
		if a.ex != nil {
			st.borrowed = append(st.borrowed, borrowedExchange{a.ex, fmt.Sprintf("the token judged here was obtained by the scenario %q", a.scenario)})
			st.judge(a.ex)
			return st.requireIssuedToken()
		}
		// The scenario that asked got no answer: ask again.
		sh.mu.Lock()
		a = &sharedAnswer{ready: make(chan struct{}), scenario: st.name()}
		sh.tokens[key] = a
		sh.mu.Unlock()
	}

	defer close(a.ready)
	req, err := st.encode(http.MethodPost, st.suite.Target.TokenURL())
	if err == nil {
		err = st.send(ctx, req)
	}
	if err != nil {
		return err
	}
	a.ex, a.token = st.answer, st.accessToken
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

// name is the running scenario's name, for notes in other transcripts.
func (st *scenario) name() string {
	if st.pickle == nil {
		return ""
	}
	return st.pickle.Name
}
