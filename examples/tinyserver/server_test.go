package tinyserver_test

import (
	"net/http/httptest"
	"testing"

	"github.com/authconform/authconform/conform"
	"github.com/authconform/authconform/conform/conformtest"
	"github.com/authconform/authconform/examples/tinyserver"
)

// TestConformance judges the server with authconform's RFC 6749 profile:
// each scenario is a subtest, so
//
//	go test -v -run 'TestConformance/A_failed_HTTP_Basic_login' ./examples/tinyserver
//
// runs one.
func TestConformance(t *testing.T) {
	// A secret with characters form-encoding changes: HTTP Basic sends
	// it form-encoded, and the server must decode it (RFC 6749 §2.3.1).
	clients := []tinyserver.Client{{ID: "reports", Secret: "s3cr3t+/:%&=", Scopes: []string{"read", "write"}}}
	srv := httptest.NewServer(&tinyserver.Server{Clients: clients, Lifetime: 3600})
	defer srv.Close()

	c := conform.Client{ID: clients[0].ID, Secret: clients[0].Secret, Lifetime: 3600}
	conformtest.Run(t, conform.Target{
		URL:            conform.MustParseURL(srv.URL),
		Client:         c,
		BasicClient:    c,
		Scope:          "read",
		ForbiddenScope: "admin",
	}, conformtest.WithProfile(conform.RFC6749))
}
