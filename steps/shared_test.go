package steps

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/verdict"
)

// reordered is marketBody with its members in another order: the same
// request.
const reordered = `{"scope": "market:id:{{market_id}}", "client_id": "{{sales_channel.client_id}}", "grant_type": "client_credentials"}`

// named starts st as godog starts a scenario, under a name that notes in
// other scenarios' transcripts show.
func named(tb testing.TB, st *scenario, name string) *scenario {
	tb.Helper()
	if _, err := st.start(context.Background(), &godog.Scenario{Name: name}); err != nil {
		tb.Fatalf("start %q: %v", name, err)
	}
	return st
}

// TestIssuedTokenIsShared verifies "the access token issued for the JSON
// body:" judges the token an earlier scenario of the run obtained with the
// same parameters, in any order, without asking again, and shows that
// answer with a note; and that it asks for itself when the earlier request
// was not the same plain request.
func TestIssuedTokenIsShared(t *testing.T) {
	tests := []struct {
		name    string
		earlier []line // the earlier scenario
		later   line   // the later scenario's token line
		shared  bool   // the later scenario judges the earlier answer
	}{
		{"the same parameters in another order", []line{issued}, line{issuedLine, reordered}, true},
		{"the same parameters", []line{issued}, issued, true},
		{"other parameters", []line{issued}, line{issuedLine, `{"grant_type": "client_credentials", "client_id": "{{sales_channel.client_id}}"}`}, false},
		{"a scenario's own request, sent", []line{{requestLine, marketBody}, {sentLine, ""}}, line{issuedLine, reordered}, true},
		{"a scenario's own request with a header of its own", []line{{requestLine, marketBody}, {`And the request header "X-Trace" is "abc"`, ""}, {sentLine, ""}}, issued, false},
		{"a scenario's raw body", []line{{"Given a token request with the raw body:", marketBody}, {sentLine, ""}}, issued, false},
		{"a scenario's parameters in a query string", []line{{requestLine, marketBody}, {`When the token request is sent with method "POST" and its parameters in the query string`, ""}}, issued, false},
		{"a scenario's revocation request with the same members", []line{{"Given a revocation request with the JSON body:", marketBody}, {revokeSentLine, ""}}, issued, false},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			lt := fakeTarget{}.start(t)
			s := lt.suite(t)
			first := named(t, newScenario(s), "earlier")
			if err := play(t, first, tt.earlier...); err != nil {
				t.Fatalf("the earlier scenario: %v", err)
			}
			before := len(lt.requests(tokenPath))
			later := named(t, newScenario(s), "later")
			if err := play(t, later, tt.later, line{signedLine, ""}); err != nil {
				t.Fatalf("the later scenario: %v", err)
			}
			wantNew, wantBorrowed := 1, 0
			if tt.shared {
				wantNew, wantBorrowed = 0, 1
			}
			if n := len(lt.requests(tokenPath)) - before; n != wantNew {
				t.Errorf("the later scenario sent %d token requests; want %d", n, wantNew)
			}
			own := 0
			for _, ex := range later.exchanges {
				if ex.Request.URL == s.Target.TokenURL() {
					own++
				}
			}
			if own != wantNew {
				t.Errorf("the later scenario counts %d token requests as its own; want %d", own, wantNew)
			}
			notes := 0
			for _, b := range later.borrowed {
				if strings.HasPrefix(b.note, "the token judged here") {
					notes++
					if b.note != `the token judged here was obtained by the scenario "earlier"` {
						t.Errorf("note = %q; want it to name the scenario that obtained the token", b.note)
					}
				}
			}
			if notes != wantBorrowed {
				t.Errorf("the later scenario shows %d borrowed token answers; want %d", notes, wantBorrowed)
			}
			if later.accessToken != lt.token {
				t.Error("the later scenario's access token is not the one the target issued")
			}
		})
	}
}

// TestRefusedTokenAnswer verifies a refused answer to "the access token
// issued ..." is shared like a token, so a second scenario asking for it
// fails for the same reason without asking again, and its JWT step says
// there is no token; and that a refused answer to a scenario's own request
// is not offered to the run.
func TestRefusedTokenAnswer(t *testing.T) {
	tests := []struct {
		name     string
		earlier  []line
		requests int // token requests in all
	}{
		{"asked for as the issued token", []line{issued}, 1},
		{"a scenario's own request", []line{{requestLine, marketBody}, {sentLine, ""}}, 2},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			lt := fakeTarget{refuse: served{401, errorCL}}.start(t)
			s := lt.suite(t)
			// The earlier scenario's own verdict is not what this tests:
			// asked for as the issued token, its Given fails like the later's.
			_ = play(t, named(t, newScenario(s), "earlier"), tt.earlier...)
			later := named(t, newScenario(s), "later")
			err := play(t, later, issued)
			checkOutcome(t, issuedLine, err, "no access token to judge: the token request was answered with status 401")
			if n := len(lt.requests(tokenPath)); n != tt.requests {
				t.Errorf("the target got %d token requests; want %d", n, tt.requests)
			}
			err = runLine(t, later, signedLine, nil)
			checkOutcome(t, signedLine, err, "carries no access token to judge as a JWT (status 401)")
			if n := len(lt.requests(config.JWKSPath)); n != 0 {
				t.Errorf("the key set was read %d times with no token to verify; want 0", n)
			}
		})
	}
}

// TestConcurrentScenariosAskOnce verifies scenarios running at the same
// time that want the same token and the key set send one request for
// each: the others wait for its answer and judge it.
func TestConcurrentScenariosAskOnce(t *testing.T) {
	const n = 8
	lt := fakeTarget{delay: 100 * time.Millisecond}.start(t)
	s := lt.suite(t)
	sts := make([]*scenario, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range sts {
		sts[i] = named(t, newScenario(s), "concurrent")
		wg.Go(func() { errs[i] = play(t, sts[i], issued, line{signedLine, ""}) })
	}
	wg.Wait()
	own := 0
	for i, st := range sts {
		if errs[i] != nil {
			t.Errorf("scenario %d: %v", i, errs[i])
		}
		if st.accessToken != lt.token {
			t.Errorf("scenario %d judges another token than the one issued", i)
		}
		own += len(st.exchanges)
	}
	if got, want := [2]int{len(lt.requests(tokenPath)), len(lt.requests(config.JWKSPath))}, [2]int{1, 1}; got != want {
		t.Errorf("the target got %d token requests and %d key set requests; want 1 and 1", got[0], got[1])
	}
	if own != 1 {
		t.Errorf("the scenarios hold %d exchanges of their own; want 1, the token request (the key set is the run's, never a scenario's)", own)
	}
}

// TestKeySetIsReadOnce verifies the key set is read once per run, by the
// first scenario that needs it; every scenario that judges against it
// shows it with the same note and counts it as none of its own, so no
// report depends on which scenario read it first.
func TestKeySetIsReadOnce(t *testing.T) {
	lt := fakeTarget{}.start(t)
	s := lt.suite(t)
	for _, name := range []string{"first", "second", "third"} {
		st := named(t, newScenario(s), name)
		if err := play(t, st, issued, line{signedLine, ""}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		wantOwn, wantBorrowed := 0, 2
		if name == "first" {
			wantOwn, wantBorrowed = 1, 1
		}
		if len(st.exchanges) != wantOwn || len(st.borrowed) != wantBorrowed {
			t.Errorf("%s: %d own exchanges, %d borrowed; want %d and %d", name, len(st.exchanges), len(st.borrowed), wantOwn, wantBorrowed)
		}
		if note := st.borrowed[len(st.borrowed)-1].note; note != "the target's key set, read once for the run" {
			t.Errorf("%s: note = %q; want the run's key set note", name, note)
		}
	}
	if n := len(lt.requests(config.JWKSPath)); n != 1 {
		t.Errorf("the key set was read %d times; want once", n)
	}
}

// TestKeySetFailureIsShared verifies a key set that cannot be used fails
// every scenario that needs it, each with the same reason, without being
// read again.
func TestKeySetFailureIsShared(t *testing.T) {
	tests := []struct {
		name     string
		jwks     served
		noAnswer bool // the key set's URL answers nothing
		want     string
	}{
		{"404", served{404, `{"error":"not_found"}`}, false, "cannot be used: status 404"},
		{"not JSON", served{200, `<html>`}, false, "the JWK Set is not JSON"},
		{"no usable key", served{200, `{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}`}, false, "no key this checker can use"},
		{"no answer", served{}, true, "cannot be used: no answer"},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			lt := fakeTarget{jwks: tt.jwks}.start(t)
			s := lt.suite(t)
			if tt.noAnswer {
				gone := fakeTarget{}.start(t)
				gone.close()
				s.Target.JWKSURL = gone.origin + config.JWKSPath
			}
			var first string
			for i, name := range []string{"first", "second", "third"} {
				st := named(t, newScenario(s), name)
				err := play(t, st, issued, line{signedLine, ""})
				checkOutcome(t, signedLine, err, tt.want)
				var ce *checkError
				if !errors.As(err, &ce) {
					t.Fatalf("%s: error %v is not a failed check", name, err)
				}
				if i == 0 {
					first = ce.msg
				} else if ce.msg != first {
					t.Errorf("%s fails with %q; want the first scenario's reason, %q", name, ce.msg, first)
				}
			}
			if n := s.Client.Requests(); n != 2 {
				t.Errorf("the run sent %d requests; want 2, the token and one try at the key set", n)
			}
		})
	}
}

// sharedFeature is two scenarios as a feature writes them: the first sends
// its own token request, the second judges the token issued for the same
// parameters (in another order) and fails on a claim.
const sharedFeature = `Feature: shared answers

  Scenario: first
    Given a token request with the JSON body:
      """json
      ` + marketBody + `
      """
    When the token request is sent
    Then the response status should be 200
    And the access token should be a JWT signed with "RS512" by a key of the target's JWKS

  Scenario: second
    Given the access token issued for the JSON body:
      """json
      ` + reordered + `
      """
    Then the access token should be a JWT signed with "RS512" by a key of the target's JWKS
    And the token claim "application.kind" should equal "integration"
`

// runFeature runs a feature through godog with s's scenario initializer,
// as the runner does, and returns the verdicts recorded.
func runFeature(t *testing.T, s *suite, feature string, concurrency int) []verdict.Verdict {
	t.Helper()
	s.Recorder = &verdict.Recorder{}
	godog.TestSuite{
		Name:                "steps",
		ScenarioInitializer: s.InitializeScenario,
		Options: &godog.Options{
			Format:          "progress",
			Output:          io.Discard,
			FeatureContents: []godog.Feature{{Name: "shared.feature", Contents: []byte(feature)}},
			Strict:          true,
			NoColors:        true,
			Concurrency:     concurrency,
		},
	}.Run()
	return s.Recorder.All()
}

// TestBorrowedExchangesInVerdicts verifies, through godog, that a scenario
// judging answers another obtained shows them in its transcript with a note
// naming that scenario, counts none of them as its requests, and that no
// verdict shows the token.
func TestBorrowedExchangesInVerdicts(t *testing.T) {
	lt := fakeTarget{}.start(t)
	s := lt.suite(t)
	s.KeepTranscripts = true
	vs := runFeature(t, s, sharedFeature, 1)
	if len(vs) != 2 {
		t.Fatalf("%d verdicts; want 2", len(vs))
	}
	first, second := vs[0], vs[1]
	if first.Scenario != "first" || first.Status != verdict.Passed || first.Requests != 1 {
		t.Errorf("first: %s, %s, %d requests; want passed with 1 (the token; the key set is the run's): %s", first.Scenario, first.Status, first.Requests, first.Error)
	}
	if second.Status != verdict.Failed || second.Requests != 0 {
		t.Errorf("second: %s, %d requests; want failed with 0 of its own", second.Status, second.Requests)
	}
	if !strings.Contains(second.Error, `claim application.kind = "sales_channel" (string); want "integration"`) {
		t.Errorf("second's error = %q; want the claim's", second.Error)
	}
	for _, want := range []string{
		`[the token judged here was obtained by the scenario "first"]` + "\n--- request ---\nPOST " + lt.origin + tokenPath,
		"[the target's key set, read once for the run]\n--- request ---\nGET " + lt.origin + config.JWKSPath,
	} {
		if !strings.Contains(second.Transcript, want) {
			t.Errorf("second's transcript lacks %q:\n%s", want, second.Transcript)
		}
	}
	for _, v := range vs {
		for what, text := range map[string]string{"error": v.Error, "transcript": v.Transcript, "repro": v.Repro} {
			checkNoToken(t, v.Scenario+"'s "+what, text, lt.token)
		}
	}
	if got := [2]int{len(lt.requests(tokenPath)), len(lt.requests(config.JWKSPath))}; got != [2]int{1, 1} {
		t.Errorf("the target got %d token and %d key set requests; want 1 and 1", got[0], got[1])
	}
}

// TestConcurrentFeatureAsksOnce verifies, through godog running scenarios
// concurrently as the runner may, that scenarios judging the same token
// send one token request and read the key set once between them.
func TestConcurrentFeatureAsksOnce(t *testing.T) {
	const scenario = `
  Scenario: judge %d
    Given the access token issued for the JSON body:
      """json
      ` + marketBody + `
      """
    Then the access token should be a JWT signed with "RS512" by a key of the target's JWKS
`
	feature := "Feature: concurrent\n"
	for i := range 6 {
		feature += strings.Replace(scenario, "%d", string(rune('a'+i)), 1)
	}
	lt := fakeTarget{delay: 50 * time.Millisecond}.start(t)
	vs := runFeature(t, lt.suite(t), feature, 6)
	requests := 0
	for _, v := range vs {
		if v.Status != verdict.Passed {
			t.Errorf("%s: %s: %s", v.Scenario, v.Status, v.Error)
		}
		requests += v.Requests
	}
	if len(vs) != 6 || requests != 1 {
		t.Errorf("%d verdicts counting %d requests; want 6 counting 1 (the key set is the run's)", len(vs), requests)
	}
	if got := [2]int{len(lt.requests(tokenPath)), len(lt.requests(config.JWKSPath))}; got != [2]int{1, 1} {
		t.Errorf("the target got %d token and %d key set requests; want 1 and 1", got[0], got[1])
	}
}
