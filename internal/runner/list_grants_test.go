package runner

import (
	"testing"

	"github.com/authconform/authconform/internal/catalog"
)

// TestRequestsOfGrantSteps verifies -list counts the authorize requests:
// each fresh code and each authorize step is one, the webapp's code one
// unless a code is configured.
func TestRequestsOfGrantSteps(t *testing.T) {
	steps := func(texts ...string) catalog.Case {
		var c catalog.Case
		for _, s := range texts {
			c.Steps = append(c.Steps, catalog.Step{Text: s})
		}
		return c
	}
	cases := []catalog.Case{
		steps("the authorize endpoint is asked for a code for the webapp", "the answer should redirect to the webapp's redirect_uri with a code and the state sent"),
		steps("the webapp's authorization code", "a token request with the JSON body:", "the token request is sent"),
		steps("a fresh authorization code from the authorize endpoint", "a token request with the JSON body:", "the token request is sent", "the token request is sent"),
	}
	for _, tt := range []struct {
		configured bool
		want       int
	}{{false, 6}, {true, 5}} {
		if got := requestsOf(cases, tt.configured).Total(); got != tt.want {
			t.Errorf("requestsOf(code configured: %v) = %d; want %d", tt.configured, got, tt.want)
		}
	}
}
