package jwtcheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// A jsonPart names a JSON object being read, and the rules it answers to,
// for error messages.
type jsonPart struct {
	name       string // e.g. "the JWT header"
	objectRule string // where the spec says it is one JSON object
	uniqueRule string // where the spec says its member names are unique
}

// objectMembers reads data as exactly one JSON object and returns its
// members undecoded. encoding/json alone would keep the last of two
// members with the same name, accept trailing data only through a
// Decoder, and replace invalid UTF-8 silently, so each is checked here.
func objectMembers(part jsonPart, data []byte) (map[string]json.RawMessage, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s is empty; want a JSON object (%s)", part.name, part.objectRule)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s is not UTF-8; want a JSON object (%s)", part.name, part.objectRule)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	notJSON := func(err error) error {
		return fmt.Errorf("%s is not JSON (%s): %s", part.name, part.objectRule, jsonErrorText(err))
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, notJSON(err)
	}
	if tok != json.Delim('{') {
		return nil, fmt.Errorf("%s is not a JSON object (%s): it is %s", part.name, part.objectRule, tokenKind(tok))
	}
	members := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, notJSON(err)
		}
		name, _ := tok.(string) // the Decoder allows only a string here
		if _, dup := members[name]; dup {
			return nil, fmt.Errorf("%s has the member %s twice (%s: names must be unique; this checker rejects duplicates rather than keep the last)",
				part.name, quoteShort(name), part.uniqueRule)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, notJSON(err)
		}
		members[name] = v
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, notJSON(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s has data after its JSON object; want the object alone (%s)", part.name, part.objectRule)
	}
	return members, nil
}

// jsonErrorText says what encoding/json found wrong, and where, without
// quoting the input.
func jsonErrorText(err error) string {
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("%s at byte %d", syntax.Error(), syntax.Offset)
	case err == io.EOF, errors.Is(err, io.ErrUnexpectedEOF):
		return "the text ends inside the JSON value"
	}
	return err.Error()
}

// tokenKind names the kind of JSON value a first token starts.
func tokenKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim: // '{' is handled by the caller, so this is '['
		return "an array"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

// valueKind names the kind of a decoded JSON value.
func valueKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case nil:
		return "null"
	}
	return tokenKind(v)
}

// maxQuoted bounds the characters quoted from a target's JSON (a kid, an
// alg, a member name): enough for a 64-hex-digit kid, yet a hostile
// megabyte cannot flood a report.
const maxQuoted = 80

// quoteShort quotes s as Go does, cut to maxQuoted characters.
func quoteShort(s string) string {
	if utf8.RuneCountInString(s) <= maxQuoted {
		return fmt.Sprintf("%q", s)
	}
	r := []rune(s)
	return fmt.Sprintf("%q…", string(r[:maxQuoted]))
}
