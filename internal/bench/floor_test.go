package bench

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authconform/authconform/internal/refserver"
	"github.com/authconform/authconform/internal/schema"
)

// floorRun runs every scenario of plan against baseURL with client, in
// order, stops at the first answer that fails a check, and returns how
// many requests it sent. With schemas, it also validates the bodies (and
// token claims) the scenarios validate, against the suite's JSON Schemas
// compiled once by the caller: the "checked floor", which does all the
// suite's checks but in plain Go.
func floorRun(ctx context.Context, client *http.Client, baseURL string, plan []floorScenario, schemas *schema.Registry) (int, error) {
	run := newFloorShared(ctx, client, baseURL)
	for _, sc := range plan {
		st := &floorState{run: run}
		for i, fr := range sc.requests {
			a, err := st.obtain(fr)
			if err != nil {
				return run.sent, fmt.Errorf("%s, request %d: %v", sc.name, i+1, err)
			}
			for _, c := range fr.checks {
				if err := c.run(a, st, schemas); err != nil {
					return run.sent, fmt.Errorf("%s: %s: %v\n%d %s", sc.name, c.step, err, a.status, a.body)
				}
			}
		}
	}
	return run.sent, nil
}

// floorShared is what a floor run obtains once and its scenarios share,
// as the suite's runShared: token answers by request, the key set.
type floorShared struct {
	ctx     context.Context
	client  *http.Client
	baseURL string
	issuer  string // the iss the target's tokens carry, as the suite is configured
	sent    int
	tokens  map[string]*floorAnswer // by floorTokenKey
	// answers are the first answer, token or error, to each plain
	// request, for the shared-answer steps.
	answers map[string]*floorAnswer
	// lines are the answers to the requests of the sharing plan's lines,
	// by line and slot.
	lines map[[2]int]*floorAnswer
	keys  struct {
		read bool
		set  floorKeySet
		err  error
	}
}

func newFloorShared(ctx context.Context, client *http.Client, baseURL string) *floorShared {
	r := &floorShared{ctx: ctx, client: client, baseURL: baseURL, tokens: map[string]*floorAnswer{}, answers: map[string]*floorAnswer{}, lines: map[[2]int]*floorAnswer{}, issuer: floorTarget.Issuer}
	if u, err := url.Parse(baseURL); err == nil && r.issuer == "" {
		r.issuer = u.Scheme + "://" + u.Host
	}
	return r
}

func (r *floorShared) send(fr floorRequest) (*floorAnswer, error) {
	r.sent++
	return floorSend(r.ctx, r.client, r.baseURL, fr)
}

// keySet reads the target's key set at path the first time a check asks,
// and keeps it, or why it cannot be used, for the rest of the run.
func (r *floorShared) keySet(path string) (floorKeySet, error) {
	if !r.keys.read {
		r.keys.read = true
		a, err := r.send(floorRequest{method: http.MethodGet, path: path, header: http.Header{"Accept": {"application/json"}}})
		if err == nil {
			r.keys.set, err = parseFloorKeySet(a)
		}
		r.keys.err = err
	}
	return r.keys.set, r.keys.err
}

// floorState is one scenario as it runs: the access token its last token
// answer carried, the tokens it remembered, and its run.
type floorState struct {
	run          *floorShared
	accessToken  string
	refreshToken string
	remembered   map[string]string
	answers      map[string]*floorAnswer // answers remembered to compare with
	code         string                  // the authorization code its last authorize answer carried
}

// obtain sends fr, its scenario's token filled in, or finds the answer an
// earlier scenario of the run was given for an issued-token step; it
// learns the access token and offers the answer as the suite does.
func (st *floorState) obtain(fr floorRequest) (*floorAnswer, error) {
	if fr.issued != "" {
		if a, ok := st.run.tokens[fr.issued]; ok {
			st.accessToken = a.accessToken()
			return a, nil
		}
	}
	if fr.anyAnswer != "" {
		if a, ok := st.run.answers[fr.anyAnswer]; ok {
			return a, nil
		}
	}
	a, err := st.sendOrBorrow(fr)
	if err != nil {
		return nil, err
	}
	if fr.takesToken {
		st.accessToken = a.accessToken()
		if rt := a.refreshToken(); rt != "" {
			st.refreshToken = rt
		}
	}
	if key := cmp.Or(fr.offer, fr.anyAnswer); key != "" {
		if _, ok := st.run.answers[key]; !ok {
			st.run.answers[key] = a
		}
	}
	if fr.authorize {
		st.code = floorCodeOf(a)
	}
	switch {
	case fr.issued != "":
		st.run.tokens[fr.issued] = a
	case fr.offer != "" && st.accessToken != "":
		// The first answer with a token is the one kept.
		if prev, ok := st.run.tokens[fr.offer]; !ok || prev.accessToken() == "" {
			st.run.tokens[fr.offer] = a
		}
	}
	return a, nil
}

// sendOrBorrow sends fr, its scenario's token filled in, unless it is in
// a line of the sharing plan whose answer an earlier scenario got: that
// answer is judged instead, as in the suite.
func (st *floorState) sendOrBorrow(fr floorRequest) (*floorAnswer, error) {
	slot := [2]int{fr.line, fr.slot}
	if a, ok := st.run.lines[slot]; ok && fr.line != 0 {
		return a, nil
	}
	fr, err := st.fill(fr)
	if err != nil {
		return nil, err
	}
	a, err := st.run.send(fr)
	if err == nil && fr.line != 0 {
		st.run.lines[slot] = a
	}
	return a, err
}

// fill puts the scenario's access token where fr needs it.
func (st *floorState) fill(fr floorRequest) (floorRequest, error) {
	if !fr.needsScenario() {
		return fr, nil
	}
	if fr.learned {
		body, err := st.fillLearned(fr.body)
		if err != nil {
			return fr, err
		}
		fr.body = body
		if fr.bodyAround != nil {
			fr.bodyAround = bytes.Split(body, []byte(floorAccessToken))
		}
		if fr.bodyAround == nil && !fr.bearer && !fr.code && fr.rememberedBearer == "" {
			return fr, nil
		}
	}
	if fr.code || fr.rememberedBearer != "" {
		return st.fillGrant(fr)
	}
	if st.accessToken == "" {
		return fr, fmt.Errorf("no access token: a token request of this scenario must be answered with one first")
	}
	if fr.bodyAround != nil {
		q, _ := json.Marshal(st.accessToken)
		fr.body = bytes.Join(fr.bodyAround, q[1:len(q)-1])
	}
	if fr.bearer {
		fr.header = fr.header.Clone()
		fr.header.Set("Authorization", "Bearer "+st.accessToken)
	}
	return fr, nil
}

// run makes the check, and validates the body, or the token's claims,
// against its schema when the floor runs with schemas.
func (c floorCheck) run(a *floorAnswer, st *floorState, schemas *schema.Registry) error {
	if err := c.check(a, st); err != nil {
		return err
	}
	if c.schema == "" || schemas == nil {
		return nil
	}
	doc := a.body
	if c.claims {
		tok, err := a.token()
		if err != nil {
			return err
		}
		doc = tok.claimsJSON
	}
	return schemas.Validate(c.schema, doc)
}

// floorSend sends one request and reads its answer, up to 1 MiB as the
// suite's client does.
func floorSend(ctx context.Context, client *http.Client, baseURL string, fr floorRequest) (*floorAnswer, error) {
	target := baseURL + fr.path
	if fr.query != "" {
		target += "?" + fr.query
	}
	var body io.Reader = http.NoBody
	if fr.body != nil {
		body = bytes.NewReader(fr.body)
	}
	req, err := http.NewRequestWithContext(ctx, fr.method, target, body)
	if err != nil {
		return nil, err
	}
	req.Header = fr.header.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	return newFloorAnswer(resp.StatusCode, resp.Header, b, time.Now()), nil
}

// newFloorClient is the floor's HTTP client, new for each run as the
// suite's is.
func newFloorClient() *http.Client {
	return &http.Client{
		Transport: http.DefaultTransport.(*http.Transport).Clone(),
		Timeout:   10 * time.Second,
		// A redirect is read, as the suite reads it, never followed: the
		// authorize endpoint's goes to a redirect URI nothing serves.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// TestFloor verifies the floor measures the suite's work: against the
// reference server it passes, sending as many requests as the suite does;
// against faults it fails, so its checks really check.
func TestFloor(t *testing.T) {
	plan := theFloor(t)
	if n, want := len(plan), suiteSize(t); n != want {
		t.Errorf("the floor read %d scenarios from the features; want every one, %d as the catalog reads them", n, want)
	}
	tests := []struct {
		name     string
		opts     refserver.Options
		wantFail string // "" means the floor must pass
	}{
		{"server=correct", refserver.Options{}, ""},
		{"fault=success-status-201", refserver.Options{Fault: "success-status-201"}, "status = 201"},
		{"fault=error-status-200", refserver.Options{Fault: "error-status-200"}, "status = 200"},
		{"fault=scope-not-echoed", refserver.Options{Fault: "scope-not-echoed"}, `scope = "market:all"`},
		{"fault=invalid-client-code-wrong", refserver.Options{Fault: "invalid-client-code-wrong"}, `OAuth error = "unauthorized_client"`},
		{"fault=same-token-for-all", refserver.Options{Fault: "same-token-for-all"}, "expires_in = 14400, but the token's exp − iat is 7200 s"}, // the integration's token, answered to the sales channel
		{"server=jwks-rotation", refserver.Options{JWKSRotation: true}, ""},
		{"server=extra-claims", refserver.Options{ExtraClaims: true}, ""},
		{"fault=jwt-bad-signature", refserver.Options{Fault: "jwt-bad-signature"}, "signature does not verify"},
		{"fault=jwt-unknown-kid", refserver.Options{Fault: "jwt-unknown-kid"}, "the JWT header's kid = 000"},
		{"fault=jwt-alg-none", refserver.Options{Fault: "jwt-alg-none"}, `alg = none; want "RS512"`},
		{"fault=jwks-missing", refserver.Options{Fault: "jwks-missing"}, "the key set answered status 404"},
		{"fault=jwt-iss-wrong", refserver.Options{Fault: "jwt-iss-wrong"}, "claim iss"},
		{"fault=jwt-lifetime-mismatch", refserver.Options{Fault: "jwt-lifetime-mismatch"}, "exp − iat"}, // the first token judged: the webapp's or a client_credentials one
		{"fault=jwt-market-claim-missing", refserver.Options{Fault: "jwt-market-claim-missing"}, `no claim "market.id"`},
		{"fault=revoke-body-not-empty", refserver.Options{Fault: "revoke-body-not-empty"}, "want an empty JSON object"},
		{"fault=revoke-other-client-token", refserver.Options{Fault: "revoke-other-client-token"}, "status = 200; want one of [400 401 403]"},
		{"fault=revoke-leaves-token-working", refserver.Options{Fault: "revoke-leaves-token-working"}, "the response status should be 401: status = 200"},
		{"fault=resource-accepts-garbage-token", refserver.Options{Fault: "resource-accepts-garbage-token"}, "the response status should be 401: status = 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, log := serveLogged(t, tt.opts)
			client := newFloorClient()
			defer client.CloseIdleConnections()
			sent, err := floorRun(context.Background(), client, url, plan, nil)
			switch {
			case tt.wantFail == "" && err != nil:
				t.Fatalf("floor failed against the correct server: %v", err)
			case tt.wantFail != "" && err == nil:
				t.Fatalf("floor passed against a server with this fault; want it to fail with %q", tt.wantFail)
			case tt.wantFail != "" && !strings.Contains(err.Error(), tt.wantFail):
				t.Fatalf("floor failed with %v; want %q", err, tt.wantFail)
			}
			if tt.wantFail != "" {
				return
			}
			floorSeen := len(log.take())
			res := suiteRun{}.run(t, url)
			suiteSeen := len(log.take())
			if sent != floorSeen || floorSeen != suiteSeen {
				t.Errorf("the floor sent %d requests (by its count %d), the suite %d; want the same requests", floorSeen, sent, suiteSeen)
			}
			if res.Requests != int64(suiteSeen) {
				t.Errorf("the suite counted %d requests, the server saw %d", res.Requests, suiteSeen)
			}
		})
	}
}
