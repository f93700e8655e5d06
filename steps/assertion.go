package steps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"

	"github.com/cucumber/godog"
	"github.com/go-jose/go-jose/v4"
)

// The JWT bearer grant's steps (RFC 7523 §2.1, Commerce Layer's "JWT
// bearer" page): the suite builds its assertions itself, as Commerce
// Layer's createAssertion does (an HS512 JWT whose
// "https://commercelayer.io/claims" hold an owner and/or a custom claim,
// and an iat), signed with a key made for the run. Commerce Layer does not
// check the signature; the key and every assertion are secrets all the
// same, masked in every output and read from a variable in reproduce
// lines.

// assertionClaimsMember is the member that holds Commerce Layer's claims.
const assertionClaimsMember = "https://commercelayer.io/claims"

// maxAssertionBytes is the size js-auth allows an assertion, 4 KB.
const maxAssertionBytes = 4096

// assertionKey is the run's signing key, made on first use and masked in
// every output from then on.
func (s *suite) assertionKey() []byte {
	s.grants.keyOnce.Do(func() {
		s.grants.key = []byte("authconform-assertion-key-" + randomID(48))
		s.Redactor.Add(string(s.grants.key))
	})
	return s.grants.key
}

// givenAssertion builds an assertion whose Commerce Layer claims are the
// DocString's JSON value, and keeps it as {{assertion}}.
func (st *scenario) givenAssertion(doc *godog.DocString) error {
	return st.buildAssertion(doc, 0)
}

// givenLargeAssertion builds the same assertion padded past 4 KB with a
// claim of its own, outside Commerce Layer's claims, which stay valid: the
// size is the only thing wrong with it.
func (st *scenario) givenLargeAssertion(doc *godog.DocString) error {
	return st.buildAssertion(doc, maxAssertionBytes+256)
}

// buildAssertion signs {claims, iat} (and padding up to at least minLen
// bytes of assertion) with HS512 and the run's key.
func (st *scenario) buildAssertion(doc *godog.DocString, minLen int) error {
	text, err := st.expandJSON(doc.Content)
	if err != nil {
		return err
	}
	var claims bytes.Buffer
	if err := json.Compact(&claims, []byte(text)); err != nil {
		return fmt.Errorf("the claims in the feature are not JSON: %v", err)
	}
	// The payload is written, not marshalled from a map, so the claims go
	// out byte for byte as the feature wrote them (UTF-8 included).
	name, _ := json.Marshal(assertionClaimsMember)
	payload := fmt.Sprintf(`{%s:%s,"iat":%d`, name, claims.Bytes(), st.suite.now().Unix())
	if minLen > 0 {
		payload += `,"authconform_padding":"` + randomID(minLen) + `"`
	}
	payload += "}"
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS512, Key: st.suite.assertionKey()}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return fmt.Errorf("making the assertion's signer: %v", err)
	}
	sig, err := signer.Sign([]byte(payload))
	if err != nil {
		return fmt.Errorf("signing the assertion: %v", err)
	}
	assertion, err := sig.CompactSerialize()
	if err != nil {
		return fmt.Errorf("serialising the assertion: %v", err)
	}
	if minLen > 0 && len(assertion) <= maxAssertionBytes {
		return fmt.Errorf("the padded assertion is %d bytes; want more than %d", len(assertion), maxAssertionBytes)
	}
	st.suite.Redactor.Add(assertion)
	st.vars[assertionPlaceholder] = assertion
	st.grant.assertions = append(st.grant.assertions, assertion)
	return nil
}

// thenClaimEqualsJSON compares a claim with a JSON value as JSON: the same
// members (in any order) and items, strings byte for byte once decoded,
// numbers by value. It is how a custom claim is judged copied unchanged.
func (st *scenario) thenClaimEqualsJSON(path, value string) error {
	text, err := st.expandJSON(value)
	if err != nil {
		return err
	}
	want, err := decodeJSON([]byte(text))
	if err != nil {
		return fmt.Errorf("the JSON value in the feature: %v", err)
	}
	got, err := st.claim(path)
	if err != nil {
		return err
	}
	if where := jsonDifference(got, want, path); where != "" {
		return st.fail("claim %s differs from the value sent at %s; want it copied unchanged", path, where)
	}
	return nil
}

// jsonDifference names the first place where got and want differ as JSON
// values ("" when they do not), with what each holds there: a type, or a
// string's length and its first differing character's offset, never more
// of a claim than a test needs.
func jsonDifference(got, want any, at string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s (%s; want an object)", at, describeType(got))
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s.%s (missing)", at, k)
			}
			if d := jsonDifference(gv, wv, at+"."+k); d != "" {
				return d
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				return fmt.Sprintf("%s.%s (a member that was not sent)", at, k)
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s (%s; want a list of %d)", at, describeType(got), len(w))
		}
		for i := range w {
			if d := jsonDifference(g[i], w[i], at+"."+strconv.Itoa(i)); d != "" {
				return d
			}
		}
	case string:
		g, ok := got.(string)
		if !ok {
			return fmt.Sprintf("%s (%s; want a string)", at, describeType(got))
		}
		if g != w {
			return fmt.Sprintf("%s (a string of %d bytes, first differing at byte %d; want %q)", at, len(g), firstDifference(g, w), w)
		}
	case json.Number:
		g, ok := got.(json.Number)
		if !ok || !sameNumber(g, w) {
			return fmt.Sprintf("%s (%s; want the number %s)", at, describeType(got), w)
		}
	default: // true, false, null
		if got != want {
			return fmt.Sprintf("%s (%s; want %v)", at, describeType(got), want)
		}
	}
	return ""
}

// sameNumber compares two JSON numbers by value: 1, 1.0 and 1e0 are one
// number (RFC 8259 §6 leaves their writing to the encoder).
func sameNumber(a, b json.Number) bool {
	x, ok1 := new(big.Rat).SetString(string(a))
	y, ok2 := new(big.Rat).SetString(string(b))
	return ok1 && ok2 && x.Cmp(y) == 0
}

func firstDifference(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// describeType names a JSON value's type, never its content.
func describeType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// grantReproValues are the values of the grants that act for someone
// that a reproduce line reads from variables: the codes the scenario got
// from the authorize endpoint (the configured one is the configuration's)
// and its assertions, which it never prints.
func (st *scenario) grantReproValues() []reproValue {
	var out []reproValue
	for i, c := range st.grant.codes {
		if c == string(st.suite.Target.AuthorizationCode) {
			continue
		}
		out = append(out, reproValue{text: c, name: numbered("AUTHCONFORM_AUTHORIZATION_CODE", i), hint: "set it to a fresh code from the authorize endpoint, as a code works once"})
	}
	for i, a := range st.grant.assertions {
		out = append(out, reproValue{text: a, name: numbered("AUTHCONFORM_ASSERTION", i), hint: "set it to a JWT bearer assertion, as the run never prints one"})
	}
	return out
}

// reproValue is a value a reproduce line reads from a variable it asks
// for.
type reproValue struct{ text, name, hint string }

// numbered is name for the first value, name_2, name_3... for the others.
func numbered(name string, i int) string {
	if i == 0 {
		return name
	}
	return name + "_" + strconv.Itoa(i+1)
}
