// Command go-oauth2-server serves the token endpoint of go-oauth2/oauth2
// (github.com/go-oauth2/oauth2/v4) for authconform's interop run. The
// harness (internal/interop) copies this file into its cache, with
// go.mod.txt and go.sum.txt as go.mod and go.sum, and builds it there; it is
// kept under testdata so that the repository's own build never sees it.
//
//	go-oauth2-server 127.0.0.1:PORT
//
// The two clients, their scopes and the token lifetime come from the
// environment (INTEROP_*), never the command line. Everything the endpoint
// answers, status, headers and body, is written by the library's
// server.HandleTokenRequest; this file only chooses the library's stores
// and hooks:
//   - clients: the library's in-memory store.ClientStore, one models.Client
//     per id; tokens: its in-memory token store and opaque access tokens.
//   - client authentication: the library takes one ClientInfoHandler; it
//     ships server.ClientBasicHandler and server.ClientFormHandler. Both
//     methods are offered here by calling the first when the request has an
//     Authorization header and the second otherwise.
//   - scope: the library's ClientScopeHandler hook allows a request whose
//     every scope is one of INTEROP_SCOPES; the library answers
//     invalid_scope when it says no. A request without scope gets a token
//     without one.
//   - lifetime: manage.Manager.SetClientTokenCfg, INTEROP_TOKEN_LIFETIME
//     seconds (the library's default for client_credentials is 2 h).
package main

import (
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-oauth2/oauth2/v4"
	oauth2errors "github.com/go-oauth2/oauth2/v4/errors"
	"github.com/go-oauth2/oauth2/v4/generates"
	"github.com/go-oauth2/oauth2/v4/manage"
	"github.com/go-oauth2/oauth2/v4/models"
	"github.com/go-oauth2/oauth2/v4/server"
	"github.com/go-oauth2/oauth2/v4/store"
)

// TokenPath is where the endpoint is served.
const TokenPath = "/oauth/token"

// settings is what the harness passes in the environment.
type settings struct {
	secrets  map[string]string // client id → secret
	scopes   []string
	lifetime time.Duration
}

func readSettings() (settings, error) {
	s := settings{secrets: map[string]string{}}
	for _, who := range []string{"POST", "BASIC"} {
		id, secret := os.Getenv("INTEROP_"+who+"_CLIENT_ID"), os.Getenv("INTEROP_"+who+"_CLIENT_SECRET")
		if id == "" || secret == "" {
			return s, fmt.Errorf("INTEROP_%s_CLIENT_ID and INTEROP_%s_CLIENT_SECRET must be set", who, who)
		}
		s.secrets[id] = secret
	}
	s.scopes = strings.Fields(os.Getenv("INTEROP_SCOPES"))
	seconds, err := strconv.Atoi(os.Getenv("INTEROP_TOKEN_LIFETIME"))
	if err != nil || seconds <= 0 {
		return s, errors.New("INTEROP_TOKEN_LIFETIME must be a positive number of seconds")
	}
	s.lifetime = time.Duration(seconds) * time.Second
	return s, nil
}

// newTokenServer wires the library's manager, stores and server.
func newTokenServer(s settings) *server.Server {
	manager := manage.NewDefaultManager()
	manager.SetClientTokenCfg(&manage.Config{AccessTokenExp: s.lifetime})
	manager.MustTokenStorage(store.NewMemoryTokenStore())
	manager.MapAccessGenerate(generates.NewAccessGenerate())
	clients := store.NewClientStore()
	for id, secret := range s.secrets {
		if err := clients.Set(id, &models.Client{ID: id, Secret: secret}); err != nil {
			log.Fatal(err)
		}
	}
	manager.MapClientStorage(clients)

	srv := server.NewServer(server.NewConfig(), manager)
	srv.SetClientInfoHandler(func(r *http.Request) (string, string, error) {
		if r.Header.Get("Authorization") != "" {
			return server.ClientBasicHandler(r)
		}
		return server.ClientFormHandler(r)
	})
	srv.SetClientScopeHandler(func(req *oauth2.TokenGenerateRequest) (bool, error) {
		for _, scope := range strings.Fields(req.Scope) {
			if !slices.Contains(s.scopes, scope) {
				return false, nil
			}
		}
		return true, nil
	})
	// The library answers server_error to an error it does not know; the
	// log says which (never a secret: the library's errors carry none).
	srv.SetInternalErrorHandler(func(err error) *oauth2errors.Response {
		log.Printf("internal error: %v", err)
		return nil
	})
	return srv
}

func main() {
	log.SetFlags(log.LstdFlags | log.LUTC)
	if len(os.Args) != 2 || !strings.HasPrefix(os.Args[1], "127.0.0.1:") {
		fmt.Fprintln(os.Stderr, "usage: go-oauth2-server 127.0.0.1:PORT (clients in INTEROP_* variables)")
		os.Exit(2)
	}
	s, err := readSettings()
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-oauth2-server:", err)
		os.Exit(2)
	}
	srv := newTokenServer(s)
	mux := http.NewServeMux()
	mux.HandleFunc(TokenPath, func(w http.ResponseWriter, r *http.Request) {
		if err := srv.HandleTokenRequest(w, r); err != nil {
			log.Printf("writing the answer: %v", err)
		}
	})
	hs := &http.Server{Addr: os.Args[1], Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("go-oauth2/oauth2 token endpoint on http://%s%s", os.Args[1], TokenPath)
	log.Fatal(hs.ListenAndServe())
}
