package steps

import (
	"strings"
	"testing"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/internal/config"
	"github.com/authconform/authconform/internal/verdict"
)

// request is one token request of a run, as the controls see it: which
// scenario sent it, for which client, how, and whether it got a token.
type request struct {
	scenario, clientID string
	basic              basicUse
	token              bool
}

// TestPositiveControls verifies which passed error scenario is evidence:
// one whose client got a token the same way in the run; for a request
// that authenticates with HTTP Basic and in the body, one whose client got
// a token with HTTP Basic; for an unknown client, one where some
// configured client got a token the same way.
func TestPositiveControls(t *testing.T) {
	const (
		post, basic = "post-client", "basic-client"
		unknown     = "authconform-unknown-x"
	)
	tests := []struct {
		name     string
		run      []request
		judged   string // the scenario whose passed verdict is judged
		wantWhy  string // "" = conclusive; else a part of the reason
		negative bool
	}{
		{"body refusal, body token", []request{{"ok", post, noBasic, true}, {"judged", post, noBasic, false}}, "judged", "", true},
		{"body refusal, no token", []request{{"judged", post, noBasic, false}}, "judged", `no token to client "post-client" in this run`, true},
		{"Basic refusal, token only in the body", []request{{"ok", basic, noBasic, true}, {"judged", basic, basicOnly, false}}, "judged", `client "basic-client" with HTTP Basic`, true},
		{"two methods, Basic token", []request{{"ok", basic, basicOnly, true}, {"judged", basic, basicAndInBody, false}}, "judged", "", true},
		{"two methods, body token only", []request{{"ok", basic, noBasic, true}, {"judged", basic, basicAndInBody, false}}, "judged", `client "basic-client" with HTTP Basic`, true},
		{"unknown client in the body, a body token", []request{{"ok", post, noBasic, true}, {"judged", unknown, noBasic, false}}, "judged", "", true},
		{"unknown client with Basic, a Basic token", []request{{"ok", basic, basicOnly, true}, {"judged", unknown, basicOnly, false}}, "judged", "", true},
		{"unknown client with Basic, body tokens only", []request{{"ok", post, noBasic, true}, {"judged", unknown, basicOnly, false}}, "judged", "no token to any configured client with HTTP Basic in this run", true},
		{"unknown client in the body, Basic tokens only", []request{{"ok", basic, basicOnly, true}, {"judged", unknown, noBasic, false}}, "judged", "no token to any configured client in this run", true},
		{"an unknown client's token is no control", []request{{"ok", unknown, noBasic, true}, {"judged", unknown, noBasic, false}}, "judged", "no token to any configured client in this run", true},
		{"no client named, a token", []request{{"ok", post, noBasic, true}, {"judged", "", noBasic, false}}, "judged", "", true},
		{"no client named, no token", []request{{"judged", "", noBasic, false}}, "judged", "no token to any configured client in this run", true},
		{"not an error scenario", []request{{"judged", post, noBasic, false}}, "judged", "", false},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			s := testSuite(t)
			s.Target.Profile = config.RFC6749
			s.Target.Client = config.Client{ID: post, Secret: testSecret}
			s.Target.BasicClient = config.Client{ID: basic, Secret: testSecret}
			for _, r := range tt.run {
				st := newScenario(s)
				st.pickle = &godog.Scenario{Uri: "f.feature", Name: r.scenario}
				st.req = &tokenRequest{basic: r.basic}
				st.noteTokenRequest(r.clientID, r.token)
			}
			v := verdict.Verdict{URI: "f.feature", Scenario: tt.judged, Status: verdict.Passed}
			if tt.negative {
				v.Tags = []string{NegativeTag}
			}
			why := s.Inconclusive(v)
			switch {
			case tt.wantWhy == "" && why != "":
				t.Errorf("Inconclusive = %q; want conclusive", why)
			case tt.wantWhy != "" && !strings.Contains(why, tt.wantWhy):
				t.Errorf("Inconclusive = %q; want a reason containing %q", why, tt.wantWhy)
			}
		})
	}
}

// TestPositiveControlsByGrant verifies a refusal of a password or a
// refresh token is evidence only once the same client got a token with
// that grant in the run: a client_credentials token proves nothing of the
// customer's login.
func TestPositiveControlsByGrant(t *testing.T) {
	const sc = "sales-channel"
	type login struct {
		scenario, grant string
		token           bool
	}
	tests := []struct {
		name    string
		run     []login
		wantWhy string // "" = conclusive; else a part of the reason
	}{
		{"wrong password, a customer signed in", []login{{"ok", "password", true}, {"judged", "password", false}}, ""},
		{"wrong password, guest tokens only", []login{{"ok", "client_credentials", true}, {"judged", "password", false}},
			`no token to client "sales-channel" for the password grant in this run`},
		{"unknown refresh token, a refresh worked", []login{{"ok", "refresh_token", true}, {"judged", "refresh_token", false}}, ""},
		{"unknown refresh token, logins only", []login{{"ok", "password", true}, {"judged", "refresh_token", false}},
			`client "sales-channel" for the refresh_token grant`},
		{"guest refusal, customer tokens only", []login{{"ok", "password", true}, {"judged", "client_credentials", false}},
			`no token to client "sales-channel" in this run`},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			s := testSuite(t)
			s.Target.SalesChannel = config.Client{ID: sc}
			for _, l := range tt.run {
				st := newScenario(s)
				st.pickle = &godog.Scenario{Uri: "f.feature", Name: l.scenario}
				st.req = &tokenRequest{params: []param{{"grant_type", l.grant}}}
				st.noteTokenRequest(sc, l.token)
			}
			why := s.Inconclusive(verdict.Verdict{URI: "f.feature", Scenario: "judged", Status: verdict.Passed, Tags: []string{NegativeTag}})
			switch {
			case tt.wantWhy == "" && why != "":
				t.Errorf("Inconclusive = %q; want conclusive", why)
			case tt.wantWhy != "" && !strings.Contains(why, tt.wantWhy):
				t.Errorf("Inconclusive = %q; want a reason containing %q", why, tt.wantWhy)
			}
		})
	}
}
