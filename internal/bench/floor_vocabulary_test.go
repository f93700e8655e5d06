package bench

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/authconform/authconform/steps"
)

// floorOutsideProfile are the steps of the vocabulary the floor does not
// compile, by pattern: the floor measures the Commerce Layer profile's
// run, and only the rfc6749 profile's features use these (HTTP Basic, the
// configured scope, the checks of answers RFC 6749 lets a server choose
// between). TestFloorKnowsEveryStep fails if a feature the floor runs uses
// one of them.
var floorOutsideProfile = []string{
	`^the client authenticates with HTTP Basic$`,
	`^the client authenticates with HTTP Basic and in the body$`,
	`^the request asks for the configured scope, if there is one$`,
	`^the response header "([^"]*)" should name the scheme "([^"]*)"$`,
	`^the scope "([^"]*)" should be refused with invalid_scope, or left out of the granted scope$`,
	`^the request without a scope should get a token under a default scope, or invalid_scope$`,
	`^the request should be refused for authenticating the client twice$`,
}

var stepKeyword = regexp.MustCompile(`^(Given|When|Then|And|But) `)

// floorKnows says whether the floor compiles a step with text, as a
// request step or as a check.
func floorKnows(text string) bool {
	for _, rs := range floorRequestSteps {
		if rs.re.MatchString(text) {
			return true
		}
	}
	return slices.ContainsFunc(floorThenSteps, func(cs floorCheckStep) bool { return cs.re.MatchString(text) })
}

// TestFloorKnowsEveryStep verifies, under `make test` and not only under
// `make bench`, that the floor keeps up with the vocabulary: every step
// (its README example) is one the floor compiles, or one of the other
// profile's it leaves out on purpose; and the features the floor runs
// compile, so no step it leaves out is used where it measures.
func TestFloorKnowsEveryStep(t *testing.T) {
	t.Parallel()
	var patterns []string
	for _, st := range steps.Vocabulary() {
		patterns = append(patterns, st.Pattern)
		first, _, _ := strings.Cut(st.Example, "\n")
		text := stepKeyword.ReplaceAllString(first, "")
		known, outside := floorKnows(text), slices.Contains(floorOutsideProfile, st.Pattern)
		switch {
		case !known && !outside:
			t.Errorf("the floor knows no step like %q (step %s): teach floor_plan_test.go (a request step) or floor_checks_test.go, floor_jwt_test.go (a Then step) to do what it does in plain Go; a step only the rfc6749 profile's features use goes in floorOutsideProfile", text, st.Pattern)
		case known && outside:
			t.Errorf("step %s is in floorOutsideProfile, but the floor compiles %q; remove it from the list", st.Pattern, text)
		}
	}
	for _, p := range floorOutsideProfile {
		if !slices.Contains(patterns, p) {
			t.Errorf("floorOutsideProfile lists %s, which is no step of the vocabulary; remove it", p)
		}
	}
	if _, err := loadTheFloor(); err != nil {
		t.Errorf("the floor cannot be derived from the features: %v", err)
	}
}
