package refserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
)

// maxBodyBytes caps request bodies. A token request is a few hundred bytes;
// the cap keeps a misbehaving client from making the server buffer
// arbitrary amounts.
const maxBodyBytes = 64 << 10

// params are the request parameters. A parameter sent with an empty value
// is present in the map with "", which get reports like an omitted one
// (RFC 6749 §3.2: "Parameters sent without a value MUST be treated as if
// they were omitted from the request").
type params map[string]string

func (p params) get(name string) string { return p[name] }

// The parameters each endpoint reads. Only these must be strings in a
// JSON body; any other member is an unrecognized parameter, which RFC
// 6749 §3.2 has the server ignore whatever its value (Commerce Layer's CLI
// sends "scope": [] and "domain" with a revocation).
var (
	tokenParamNames  = []string{"grant_type", "client_id", "client_secret", "scope", "username", "password", "refresh_token", "code", "redirect_uri", "assertion"}
	revokeParamNames = []string{"client_id", "client_secret", "token", "token_type_hint"}
)

// readParams reads a request's parameters from a POST body, JSON (Commerce
// Layer) or form-encoded (RFC 6749 §4.4.2, RFC 7009 §2.1). methodError is
// the answer to any other method, which names the endpoint; reads are the
// parameters it reads.
func readParams(w http.ResponseWriter, r *http.Request, methodError string, reads []string) (params, *tokenError) {
	if r.Method != http.MethodPost {
		// RFC 6749 §3.2: "The client MUST use the HTTP "POST" method", and
		// RFC 7009 §2.1 likewise. Parameters in the query string are not
		// even looked at.
		w.Header().Set("Allow", http.MethodPost)
		return nil, &tokenError{status: http.StatusMethodNotAllowed, code: codeInvalidRequest, description: methodError}
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			return nil, &tokenError{status: http.StatusRequestEntityTooLarge, code: codeInvalidRequest, description: descTooLarge}
		}
		return nil, errInvalidRequest(descUnreadableBody)
	}

	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mediaType != "application/json" && mediaType != "application/x-www-form-urlencoded") {
		return nil, errInvalidRequest(descContentType)
	}
	if len(body) == 0 {
		return nil, errInvalidRequest(descEmptyBody)
	}
	if mediaType == "application/x-www-form-urlencoded" {
		return parseForm(string(body))
	}
	return parseJSON(body, reads)
}

// isForm reports whether r's body is form-encoded.
func isForm(r *http.Request) bool {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mediaType == "application/x-www-form-urlencoded"
}

// readTokenParams is readParams for the token endpoint, with the faults
// that break its request handling. They are the token endpoint's alone:
// the revocation endpoint reads its body correctly under every fault.
func (s *Server) readTokenParams(w http.ResponseWriter, r *http.Request) (params, *tokenError) {
	if r.Method == http.MethodGet && s.fault == faultGetIssuesToken {
		return parseForm(r.URL.RawQuery)
	}
	p, terr := readParams(w, r, descMethod, tokenParamNames)
	if terr == nil {
		return p, nil
	}
	// Only JSON syntax (not an object, not JSON) turns into a 500 under
	// malformed-json-500; non-string values, repeats and malformed forms
	// stay 400 invalid_request.
	switch {
	case terr.description == descContentType && s.fault == faultWrongContentType500,
		terr.description == descEmptyBody && s.fault == faultEmptyBody500,
		terr.description == descMalformedJSON && s.fault == faultMalformedJSON500:
		return nil, errServer()
	}
	return nil, terr
}

// parseForm reads application/x-www-form-urlencoded parameters, rejecting
// repeats (RFC 6749 §3.2: "Request and response parameters MUST NOT be
// included more than once").
func parseForm(encoded string) (params, *tokenError) {
	values, err := url.ParseQuery(encoded)
	if err != nil {
		return nil, errInvalidRequest(descMalformedForm)
	}
	p := make(params, len(values))
	for name, vs := range values {
		if len(vs) > 1 {
			return nil, errInvalidRequest(descRepeatedParam)
		}
		p[name] = vs[0]
	}
	return p, nil
}

// parseJSON reads a JSON object whose members in reads are strings. It
// walks the tokens rather than unmarshalling into a map so that a repeated
// member is an error (encoding/json would silently keep the last one) and
// so that non-string values are caught before they are converted. Other
// members' values may be anything, and are skipped.
func parseJSON(body []byte, reads []string) (params, *tokenError) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errInvalidRequest(descMalformedJSON)
	}
	p := params{}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errInvalidRequest(descMalformedJSON)
		}
		name := tok.(string) // inside an object, Token yields member names as strings
		if seen[name] {
			return nil, errInvalidRequest(descRepeatedParam)
		}
		seen[name] = true
		tok, err = dec.Token()
		if err != nil {
			return nil, errInvalidRequest(descMalformedJSON)
		}
		value, ok := tok.(string)
		switch {
		case ok:
			p[name] = value
		case slices.Contains(reads, name):
			// A number, bool, null, array or object where a string is
			// read. Whatever follows is not read: the request is refused
			// either way.
			return nil, errInvalidRequest(descNotString)
		default:
			if err := skipValue(dec, tok); err != nil {
				return nil, errInvalidRequest(descMalformedJSON)
			}
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, errInvalidRequest(descMalformedJSON)
	}
	// Anything after the object, even another object, makes the body
	// something other than "a JSON object".
	if _, err := dec.Token(); err != io.EOF {
		return nil, errInvalidRequest(descMalformedJSON)
	}
	return p, nil
}

// skipValue reads the rest of the JSON value that began with tok: nothing
// more for a scalar, up to the matching close for an array or object.
func skipValue(dec *json.Decoder, tok json.Token) error {
	depth := 0
	for {
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
		if depth == 0 {
			return nil
		}
		var err error
		if tok, err = dec.Token(); err != nil {
			return err
		}
	}
}
