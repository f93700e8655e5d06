package steps

import (
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/config"
)

// Lines of the sharing tests' scenarios.
var (
	getToken     = []line{{requestLine, integrationBody}, {sentLine, ""}}
	revokeOwn    = []line{{revocationLine, revokeBody}, {revokeSentLine, ""}}
	revokeWrong  = []line{{revocationLine, `{"client_id": "{{integration.client_id}}", "client_secret": "{{wrong_secret}}", "token": "{{access_token}}"}`}, {revokeSentLine, ""}}
	askResource  = []line{{resourceLine, ""}}
	want200      = []line{{"Then the response status should be 200", ""}}
	want201      = []line{{"Then the response status should be 201", ""}}
	wantEmptyObj = []line{{"And the response body should be an empty JSON object", ""}}
)

func joined(parts ...[]line) []line {
	var out []line
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// TestLinesShareRequests verifies two scenarios whose request chains are
// the same, or one a prefix of the other's, send each request once, the
// earlier one sending; that one stopping before a request hands it to the
// later; and that two chains that go on differently from one token each
// get their own.
func TestLinesShareRequests(t *testing.T) {
	tests := []struct {
		name           string
		earlier, later []line
		want           map[string]int // requests the target gets, by path
		borrowed, sent int            // the later scenario's
	}{
		{"the same chain", joined(getToken, want200, revokeOwn, want200), joined(getToken, want200, revokeOwn, want200, wantEmptyObj),
			map[string]int{tokenPath: 1, config.DefaultRevokePath: 1}, 2, 0},
		{"the later chain goes further", joined(getToken, revokeWrong), joined(getToken, revokeWrong, askResource),
			map[string]int{tokenPath: 1, config.DefaultRevokePath: 1, resourcePath: 1}, 2, 1},
		{"the earlier stops before its revocation", joined(getToken, want201, revokeOwn), joined(getToken, revokeOwn),
			map[string]int{tokenPath: 1, config.DefaultRevokePath: 1}, 1, 1},
		{"one token revoked by one, used by the other", joined(getToken, revokeOwn), joined(getToken, askResource),
			map[string]int{tokenPath: 2, config.DefaultRevokePath: 1, resourcePath: 1}, 0, 2},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			lt := fakeTarget{}.start(t)
			s := lt.suite(t)
			s.PlanSharing([]catalog.Case{caseOf("earlier", tt.earlier), caseOf("later", tt.later)})
			earlier := playCase(t, s, "earlier", tt.earlier)
			later := playCase(t, s, "later", tt.later)
			for path, n := range tt.want {
				if got := len(lt.requests(path)); got != n {
					t.Errorf("the target got %d requests at %s; want %d", got, path, n)
				}
			}
			if len(later.borrowed) != tt.borrowed || len(later.exchanges) != tt.sent {
				t.Errorf("the later scenario judged %d borrowed answers and sent %d requests; want %d and %d", len(later.borrowed), len(later.exchanges), tt.borrowed, tt.sent)
			}
			if tt.borrowed > 0 && later.vars["wrong_secret"] != earlier.vars["wrong_secret"] {
				t.Errorf("the later scenario kept its own {{wrong_secret}}; want the sender's, which its requests and checks are judged by")
			}
		})
	}
}

// caseOf is the catalog's case of a scenario of f.feature playing lines.
func caseOf(name string, lines []line) catalog.Case {
	c := catalog.Case{URI: "f.feature", Scenario: name}
	for _, l := range lines {
		_, text, _ := strings.Cut(l.text, " ") // the keyword
		c.Steps = append(c.Steps, catalog.Step{Text: text, Arg: l.doc})
	}
	return c
}

// playCase runs a scenario of f.feature to its end, as godog does: the
// first failed step stops it, and its end is recorded.
func playCase(t *testing.T, s *suite, name string, lines []line) *scenario {
	t.Helper()
	st := newScenario(s)
	ctx, err := st.start(t.Context(), pickle("f.feature", name))
	if err != nil {
		t.Fatal(err)
	}
	err = play(t, st, lines...)
	if _, err := st.finish(ctx, nil, err); err != nil {
		t.Fatal(err)
	}
	return st
}
