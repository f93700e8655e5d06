package refserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
)

// Error descriptions. They are fixed sentences, never built from request
// values, so nothing a client sent (least of all a secret) is reflected
// back, and they stay within RFC 6749 §5.2's error_description characters
// (%x20-21 / %x23-5B / %x5D-7E: no quote, no backslash). The generic ones
// are Doorkeeper's (config/locales/en.yml); Commerce Layer's invalid_client
// detail matches it word for word.
const (
	descInvalidRequest   = "The request is missing a required parameter, includes an unsupported parameter value, or is otherwise malformed."
	descMissingGrantType = "Missing required parameter: grant_type."
	descUnsupportedGrant = "The authorization grant type is not supported by the authorization server."
	descInvalidClient    = "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."
	descInvalidScope     = "The requested scope is invalid, unknown, or malformed."
	descScopeRequired    = "The request has no scope, and this server has no default scope."
	descMissingScope     = "Missing required parameter: scope."
	descTwoAuthMethods   = "The request utilizes more than one mechanism for authenticating the client."
	descClientIDMismatch = "The client_id parameter does not match the client in the Authorization header."
	descBadBasic         = "The Authorization header is not valid HTTP Basic client authentication."
	descMethod           = "The token endpoint accepts only POST requests."
	descNotFound         = "There is nothing at this path; the token endpoint is /oauth/token."
	descTooLarge         = "The request body is larger than 65536 bytes."
	descUnreadableBody   = "The request body could not be read."
	descContentType      = "The request body must be application/json or application/x-www-form-urlencoded."
	descEmptyBody        = "The request body is empty."
	descMalformedJSON    = "The request body is not a single well-formed JSON object."
	descMalformedForm    = "The request body is not well-formed application/x-www-form-urlencoded data."
	descNotString        = "Every request parameter must be a JSON string."
	descRepeatedParam    = "A request parameter is included more than once."
	descRateLimited      = "Too many requests to the token endpoint; retry after the number of seconds in Retry-After."
	descServerError      = "The authorization server encountered an unexpected condition."
	descJWKSMethod       = "The JWKS endpoint accepts only GET and HEAD requests."
)

// tokenError is an error answer: RFC 6749 §5.2's code and description, and
// the HTTP status when it is not the one Server.errorStatus derives.
type tokenError struct {
	status      int // 0: derive from code
	code        errorCode
	description string
	// basic is true when the client tried HTTP Basic, which makes an
	// invalid_client a 401 whatever Options.InvalidClientStatus says.
	basic bool
	// echo is the wrong secret the client sent, for the faults that leak
	// it in another encoding.
	echo string
}

func errInvalidRequest(description string) *tokenError {
	return &tokenError{code: codeInvalidRequest, description: description}
}

// errServer is the 500 that the *-500 faults answer with. server_error is
// RFC 6749 §4.1.2.1's code for it.
func errServer() *tokenError {
	return &tokenError{status: http.StatusInternalServerError, code: codeServerError, description: descServerError}
}

// errorStatus is the HTTP status for e: RFC 6749 §5.2's 400, except for
// invalid_client (401 when the client used the Authorization header, else
// the configured 401 or 400) and the statuses set by the HTTP layer.
func (s *Server) errorStatus(e *tokenError, fault string) int {
	switch {
	case e.status != 0:
		return e.status
	case e.code == codeInvalidClient && fault == faultInvalidClientStatus403:
		return http.StatusForbidden
	case e.code == codeInvalidClient && e.basic:
		return http.StatusUnauthorized
	case e.code == codeInvalidClient:
		return s.invalidClientStatus
	case e.code == codeInvalidScope && fault == faultInvalidScopeStatus403:
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

// writeError sends e, an answer of the token endpoint, the JWKS or an
// unknown path, in the configured body shape, broken as the server's fault
// says.
func (s *Server) writeError(w http.ResponseWriter, e *tokenError) { s.writeErrorUnder(w, e, s.fault) }

// writeRevokeError sends e, an answer of the revocation endpoint, in the
// same shape. The token endpoint's faults never change it: each of them
// breaks one rule of the token endpoint, and revocation has faults of its
// own.
func (s *Server) writeRevokeError(w http.ResponseWriter, e *tokenError) { s.writeErrorUnder(w, e, "") }

// writeErrorUnder sends e as the given fault ("" for none) would.
func (s *Server) writeErrorUnder(w http.ResponseWriter, e *tokenError, fault string) {
	status := s.errorStatus(e, fault)
	code := e.code
	if code == codeInvalidClient && fault == faultInvalidClientCodeWrong {
		code = codeUnauthorizedClient
	}

	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	if fault != faultErrorNoStoreMissing {
		h.Set("Cache-Control", "no-store")
	}
	if fault != faultPragmaMissing {
		h.Set("Pragma", "no-cache")
	}
	if fault == faultSecretEchoedBase64Header && e.echo != "" {
		h.Set("X-Debug-Credentials", base64.StdEncoding.EncodeToString([]byte(e.echo)))
	}
	if status == http.StatusUnauthorized && fault != faultBasicChallengeMissing {
		// RFC 6749 §5.2 requires it when the client used Basic, and
		// RFC 9110 §15.5.2 for every 401.
		h.Set("WWW-Authenticate", `Basic realm="authconform"`)
	}

	var body []byte
	if fault == faultErrorHTML {
		h.Set("Content-Type", "text/html; charset=utf-8")
		body = errorPage(status, code, e.description)
	} else {
		body = s.errorBody(status, code, e.description, fault)
	}
	if fault == faultSecretEchoedJSONEscaped && e.echo != "" {
		body = append(body[:len(body)-1], []byte(`,"debug":"`+unicodeEscaped(e.echo)+`"}`)...)
	}
	if fault == faultErrorStatus200 {
		status = http.StatusOK
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // a failed write means the client has gone; nothing to do
}

// errorBody is the JSON error body. status is the one in the body, which
// stays the real one even when the error-status-200 fault changes the
// HTTP status line.
func (s *Server) errorBody(status int, code errorCode, description, fault string) []byte {
	omitCode := fault == faultErrorCodeMissing
	var top object
	if s.errorShape == ErrorShapeRFC6749 {
		if !omitCode {
			top.add("error", string(code))
		}
		top.add("error_description", description)
	} else {
		var item object
		if !omitCode {
			item.add("title", string(code))
		}
		item.add("detail", description)
		item.add("code", reasonCode(status))
		item.add("status", status)
		if s.extraMembers {
			item.add("authconform_extra", "ignored")
		}
		top.addRaw("errors", "["+string(item.bytes())+"]")
	}
	if fault == faultAccessTokenInError {
		// A real token, so that a client that reads access_token from any
		// answer would carry on as if it had succeeded.
		if token, err := s.issueToken(s.salesChannel, false, "market:all", nil, s.now().Unix(), s.salesChannel.lifetime, s.issuerFor(nil), nil); err == nil {
			top.add("access_token", token)
		}
	}
	if s.extraMembers {
		top.add("authconform_extra", "ignored")
	}
	return top.bytes()
}

// reasonCode is Commerce Layer's errors[].code: the HTTP reason phrase in
// upper snake case ("Bad Request" → "BAD_REQUEST").
func reasonCode(status int) string {
	return strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_"))
}

// errorPage is the error-html fault's body: what a web framework's default
// error page looks like.
func errorPage(status int, code errorCode, description string) []byte {
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html><head><title>")
	b.WriteString(strconv.Itoa(status) + " " + html.EscapeString(http.StatusText(status)))
	b.WriteString("</title></head>\n<body><h1>")
	b.WriteString(html.EscapeString(string(code)))
	b.WriteString("</h1><p>")
	b.WriteString(html.EscapeString(description))
	b.WriteString("</p></body></html>\n")
	return b.Bytes()
}

// object is a JSON object that keeps its members in insertion order and
// can hold raw JSON, because some faults need bytes encoding/json cannot
// produce (14400.0) and the success body mirrors the documented order.
type object []member

type member struct {
	name  string
	value []byte // raw JSON
}

// add appends a member; value must be a string, number or bool, which
// never fail to marshal.
func (o *object) add(name string, value any) {
	raw, err := json.Marshal(value)
	if err != nil {
		panic("refserver: marshalling " + name + ": " + err.Error())
	}
	*o = append(*o, member{name, raw})
}

func (o *object) addRaw(name, raw string) {
	*o = append(*o, member{name, []byte(raw)})
}

func (o object) bytes() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(m.name)
		b.Write(name)
		b.WriteByte(':')
		b.Write(m.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// unicodeEscaped writes each character of s as a JSON \u escape: valid
// JSON that holds s, though no byte of s appears as itself.
func unicodeEscaped(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > 0xFFFF {
			r = 0xFFFD // the faults echo ASCII secrets; keep the JSON valid anyway
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}
