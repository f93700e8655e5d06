package sharing_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/sharing"
	"github.com/authconform/authconform/steps"
)

// Steps of the planning tests' cases, as the catalog gives them.
const (
	tokenBody     = "a token request with the JSON body:\x00{\"grant_type\": \"client_credentials\", \"client_id\": \"{{integration.client_id}}\"}"
	tokenBody2    = "a token request with the JSON body:\x00{\n  \"grant_type\": \"client_credentials\",\n  \"client_id\": \"{{integration.client_id}}\"\n}"
	otherBody     = "a token request with the JSON body:\x00{\"grant_type\": \"client_credentials\", \"client_id\": \"{{sales_channel.client_id}}\"}"
	send          = "the token request is sent"
	revoke        = "a revocation request with the JSON body:\x00{\"token\": \"{{access_token}}\"}"
	revokeSent    = "the revocation request is sent"
	resourceAsked = "the protected resource is requested with the access token"
	status200     = "the response status should be 200"
	issued        = "the access token issued for the JSON body:\x00{\"grant_type\": \"client_credentials\", \"client_id\": \"{{integration.client_id}}\"}"
	authorize     = "a fresh authorization code from the authorize endpoint"
	signed        = "the access token should be a JWT signed with \"RS512\" by a key of the target's JWKS"
)

// TestPlan verifies the lines a run's cases make, and the requests it
// counts: cases are named a, b, c... in run order; a line is written as
// its requests, each the cases that judge it ("a,b|b": a and b share the
// first request, b alone sends the second).
func TestPlan(t *testing.T) {
	tests := []struct {
		name  string
		cases [][]string
		lines []string
		total int
	}{
		{"the same chain, checked differently", [][]string{{tokenBody, send, status200, revoke, revokeSent}, {tokenBody, send, revoke, revokeSent, status200}}, []string{"a,b|a,b"}, 2},
		{"one body written on several lines", [][]string{{tokenBody, send}, {tokenBody2, send}}, []string{"a,b"}, 1},
		{"a chain that goes further", [][]string{{tokenBody, send, revoke, revokeSent}, {tokenBody, send, revoke, revokeSent, resourceAsked}}, []string{"a,b|a,b|b"}, 3},
		{"a shorter chain after a longer", [][]string{{tokenBody, send, revoke, revokeSent}, {tokenBody, send}}, []string{"a,b|a"}, 2},
		{"one token continued two ways", [][]string{{tokenBody, send, revoke, revokeSent}, {tokenBody, send, resourceAsked}, {tokenBody, send}}, []string{"a,c|a", "b|b"}, 4},
		{"different bodies", [][]string{{tokenBody, send}, {otherBody, send}}, []string{"a", "b"}, 2},
		{"a token per body, after a plain request of it", [][]string{{tokenBody, send}, {issued, signed}, {issued, signed}}, []string{"a"}, 2},
		{"a token per body, alone", [][]string{{issued}, {issued}}, nil, 1},
		{"the authorize endpoint is never shared", [][]string{{authorize, tokenBody, send}, {authorize, tokenBody, send}}, nil, 4},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			var cases []catalog.Case
			for i, steps := range tt.cases {
				c := catalog.Case{URI: "f.feature", Scenario: string(rune('a' + i))}
				for _, s := range steps {
					text, arg, _ := strings.Cut(s, "\x00")
					c.Steps = append(c.Steps, catalog.Step{Text: text, Arg: arg})
				}
				cases = append(cases, c)
			}
			p := sharing.New(cases)
			var got []string
			for _, l := range p.Lines {
				var reqs []string
				for _, senders := range l.Senders {
					var names []string
					for _, s := range senders {
						_, name, _ := strings.Cut(s, "\x00")
						names = append(names, name)
					}
					reqs = append(reqs, strings.Join(names, ","))
				}
				got = append(got, strings.Join(reqs, "|"))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.lines) || p.Requests(false).Total() != tt.total {
				t.Errorf("lines %v, %d requests; want %v, %d", got, p.Requests(false).Total(), tt.lines, tt.total)
			}
		})
	}
}

// TestCounts verifies the requests are counted where they go: the auth
// endpoints (token and revocation) apart from the rest.
func TestCounts(t *testing.T) {
	c := catalog.Case{URI: "f.feature", Scenario: "a"}
	for _, s := range []string{tokenBody, send, signed, resourceAsked, revoke, revokeSent, resourceAsked} {
		text, arg, _ := strings.Cut(s, "\x00")
		c.Steps = append(c.Steps, catalog.Step{Text: text, Arg: arg})
	}
	got := sharing.New([]catalog.Case{c}).Requests(false)
	if want := (sharing.Counts{sharing.Token: 1, sharing.Revocation: 1, sharing.Resource: 2, sharing.KeySet: 1}); got != want || got.Auth() != 2 || got.Total() != 5 {
		t.Errorf("counts %v (auth %d, total %d); want %v (auth 2, total 5)", got, got.Auth(), got.Total(), want)
	}
}

// TestEveryStepIsKnown verifies the plan knows what each step of the
// vocabulary does: a step it does not know keeps its scenarios out of
// every line, which costs requests; teach sharing.go the step.
func TestEveryStepIsKnown(t *testing.T) {
	for _, s := range steps.Vocabulary() {
		first, _, _ := strings.Cut(s.Example, "\n")
		_, text, _ := strings.Cut(first, " ") // the keyword
		if sharing.KindOf(text) == sharing.Unknown {
			t.Errorf("the step %q is not known to build, judge or send a request", text)
		}
	}
}
