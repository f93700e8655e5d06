package conform_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/cucumber/godog"

	"github.com/authconform/authconform/conform"
)

// A team's own godog suite uses the vocabulary in its own feature files:
// NewSteps over the target, Register in the ScenarioInitializer.
func ExampleSteps() {
	// The server under test; here a stand-in that issues one token.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, `{"access_token":"an-opaque-token","token_type":"bearer","expires_in":7200,"scope":"market:all"}`)
	}))
	defer srv.Close()

	steps, err := conform.NewSteps(conform.Target{
		URL:         conform.MustParseURL(srv.URL),
		Integration: conform.Client{ID: "my-integration", Secret: "my-integration-secret"},
	}, conform.CommerceLayer)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer steps.Close()

	const feature = `Feature: Our integration's token
  Scenario: The integration gets a bearer token that is not cached
    Given a token request with the JSON body:
      """json
      {"grant_type": "client_credentials", "client_id": "{{integration.client_id}}", "client_secret": "{{integration.client_secret}}"}
      """
    When the token request is sent
    Then the response status should be 200
    And the JSON member "token_type" should equal "bearer" ignoring case
    And the JSON member "expires_in" should be the lifetime of the integration's tokens
    And the response header "Cache-Control" should include "no-store"
`
	status := godog.TestSuite{
		ScenarioInitializer: steps.Register,
		Options: &godog.Options{
			Format:          "progress",
			Output:          io.Discard,
			Strict:          true,
			FeatureContents: []godog.Feature{{Name: "integration.feature", Contents: []byte(feature)}},
		},
	}.Run()
	fmt.Println("godog exit status:", status)
	// Output: godog exit status: 0
}
