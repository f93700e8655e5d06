package refserver_test

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/authconform/authconform/conform/refserver"
)

// A client library's test starts the server and asks for a sales channel
// token as Commerce Layer's docs show it: a JSON body, no secret, one
// market in scope.
func Example() {
	srv, err := refserver.Start(refserver.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	body := fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"scope":"market:id:%s"}`,
		refserver.SalesChannelClientID, refserver.MarketID)
	resp, err := http.Post(srv.URL+refserver.TokenPath, "application/json", strings.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var token struct {
		TokenType string `json:"token_type"`
		ExpiresIn int    `json:"expires_in"`
		Scope     string `json:"scope"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&token); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Status)
	fmt.Println(token.TokenType, token.ExpiresIn, token.Scope)
	// Output:
	// 200 OK
	// bearer 14400 market:id:xYZkjABcde
}

// With a fault the server breaks one rule, here the token type, so a test
// can check that the client refuses what it cannot use.
func Example_fault() {
	srv, err := refserver.Start(refserver.Options{Fault: "token-type-mac"})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	body := fmt.Sprintf(`{"grant_type":"client_credentials","client_id":%q,"client_secret":%q}`,
		refserver.IntegrationClientID, refserver.IntegrationClientSecret)
	resp, err := http.Post(srv.URL+refserver.TokenPath, "application/json", strings.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var token struct {
		TokenType string `json:"token_type"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&token); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, token.TokenType)
	// Output: 200 mac
}
