// Package tinyserver is an example implementer's OAuth2 token endpoint:
// the client credentials grant of RFC 6749 §4.4, as small as it can be
// while conforming. Its test (server_test.go) shows how an implementer
// judges a server with authconform from go test: conformtest.Run, a
// subtest per scenario.
package tinyserver

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// errorCode is an OAuth error code of RFC 6749 §5.2, as the server sends
// it in the "error" member of an error answer.
type errorCode string

const (
	errInvalidRequest       errorCode = "invalid_request"
	errInvalidClient        errorCode = "invalid_client"
	errUnsupportedGrantType errorCode = "unsupported_grant_type"
	errInvalidScope         errorCode = "invalid_scope"
)

// Client is a registered confidential client and the scopes it may have.
type Client struct {
	ID, Secret string
	Scopes     []string
}

// Server issues opaque access tokens to its clients. Lifetime is the
// tokens' lifetime in seconds.
type Server struct {
	Clients  []Client
	Lifetime int
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost { // RFC 6749 §3.2
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, errInvalidRequest, false)
		return
	}
	params, ok := readForm(r)
	if !ok {
		writeError(w, http.StatusBadRequest, errInvalidRequest, false)
		return
	}
	c, basic, code := s.authenticate(r, params)
	if code != "" {
		status := http.StatusBadRequest
		if code == errInvalidClient {
			status = http.StatusUnauthorized
		}
		writeError(w, status, code, basic)
		return
	}
	switch params.Get("grant_type") {
	case "client_credentials":
	case "":
		writeError(w, http.StatusBadRequest, errInvalidRequest, false)
		return
	default:
		writeError(w, http.StatusBadRequest, errUnsupportedGrantType, false)
		return
	}
	scope := params.Get("scope")
	for _, want := range strings.Fields(scope) {
		if !contains(c.Scopes, want) {
			writeError(w, http.StatusBadRequest, errInvalidScope, false)
			return
		}
	}
	answer := map[string]any{"access_token": rand.Text(), "token_type": "Bearer", "expires_in": s.Lifetime}
	if scope != "" {
		answer["scope"] = scope
	}
	write(w, http.StatusOK, answer)
}

// readForm reads an application/x-www-form-urlencoded body, refusing a
// parameter given twice (RFC 6749 §3.2).
func readForm(r *http.Request) (url.Values, bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, false
	}
	if err := r.ParseForm(); err != nil {
		return nil, false
	}
	for _, vs := range r.PostForm {
		if len(vs) > 1 {
			return nil, false
		}
	}
	return r.PostForm, true
}

// authenticate finds the client by HTTP Basic (RFC 6749 §2.3.1: each part
// form-encoded first) or by the body parameters, never both (§2.3).
func (s *Server) authenticate(r *http.Request, params url.Values) (c Client, basic bool, code errorCode) {
	id, secret, basic := r.BasicAuth()
	if basic {
		if params.Has("client_id") || params.Has("client_secret") {
			return Client{}, true, errInvalidRequest
		}
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil {
			return Client{}, true, errInvalidClient
		}
	} else {
		id, secret = params.Get("client_id"), params.Get("client_secret")
	}
	for _, c := range s.Clients {
		if c.ID == id && secret != "" && subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) == 1 {
			return c, basic, ""
		}
	}
	return Client{}, basic, errInvalidClient
}

func writeError(w http.ResponseWriter, status int, code errorCode, basic bool) {
	if status == http.StatusUnauthorized && basic {
		w.Header().Set("WWW-Authenticate", `Basic realm="tinyserver"`) // RFC 6749 §5.2
	}
	write(w, status, map[string]errorCode{"error": code})
}

func write(w http.ResponseWriter, status int, body any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store") // RFC 6749 §5.1
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
