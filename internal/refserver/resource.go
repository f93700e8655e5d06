package refserver

import (
	"net/http"
	"strconv"
	"strings"
)

// pong is the resource's one answer to a valid token, a JSON:API document
// like the Core API's.
const pong = `{"data":{"type":"ping","attributes":{"message":"pong"}}}`

// serveResource answers GET /api/ping, a stand-in for Commerce Layer's Core
// API (RFC 6750): 200 to a bearer token this server issued that is neither
// revoked nor expired, else 401.
func (s *Server) serveResource(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		writeResourceError(w, http.StatusMethodNotAllowed, "Method not allowed", "The resource accepts only GET and HEAD requests.", "METHOD_NOT_ALLOWED")
		return
	}
	token, sent := bearerToken(r)
	if !sent {
		// RFC 6750 §3.1: a request with no authentication gets the
		// challenge without an error code.
		h.Set("WWW-Authenticate", `Bearer realm="authconform"`)
		writeInvalidToken(w)
		return
	}
	state, rec := s.tokens.lookupRecord(token, s.now())
	// A refresh token is no access token (RFC 6749 §1.5).
	accepted := state == tokenValid && rec.refresh == nil || (state == tokenUnknown && s.fault == faultResourceAcceptsGarbage)
	if !accepted {
		h.Set("WWW-Authenticate", `Bearer realm="authconform", error="`+string(codeInvalidToken)+`"`)
		writeInvalidToken(w)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(pong)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(pong)) // a failed write means the client has gone; nothing to do
}

// bearerToken reads RFC 6750 §2.1's "Authorization: Bearer <token>". The
// scheme is compared without case (RFC 9110 §11.1). Tokens in the query or
// the body (RFC 6750 §2.2, §2.3) are not read: Commerce Layer documents the
// header only. sent is false when there is no bearer token at all.
func bearerToken(r *http.Request) (token string, sent bool) {
	scheme, value, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimLeft(value, " ")
	return token, token != ""
}

// writeInvalidToken sends the Core API's 401 (spec §c, after revocation).
func writeInvalidToken(w http.ResponseWriter) {
	writeResourceError(w, http.StatusUnauthorized, "Invalid token", "The access token you provided is invalid.", "INVALID_TOKEN")
}

// writeResourceError sends a Core API error body, whose status is a
// string, unlike the auth endpoint's number.
func writeResourceError(w http.ResponseWriter, status int, title, detail, code string) {
	var item object
	item.add("title", title)
	item.add("detail", detail)
	item.add("code", code)
	item.add("status", strconv.Itoa(status))
	var top object
	top.addRaw("errors", "["+string(item.bytes())+"]")
	body := top.bytes()
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // a failed write means the client has gone; nothing to do
}
