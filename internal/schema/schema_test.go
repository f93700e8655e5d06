package schema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/authconform/authconform/internal/schema"
)

// repo is the module root seen from this package directory. The root
// package embeds the same "schemas" directory for the binaries; the tests
// read it from disk so they do not depend on the root package compiling.
var repo = os.DirFS("../..")

func loadRegistry(t *testing.T) *schema.Registry {
	t.Helper()
	r, err := schema.Load(repo, "schemas")
	require.NoError(t, err)
	return r
}

// readFixture decodes fixtures/<rel> keeping numbers as json.Number, so a
// re-encoded fixture keeps its literals (14400 stays 14400).
func readFixture(t *testing.T, rel string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(path.Join("../../fixtures", rel))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	require.NoError(t, dec.Decode(&m), "fixture %s", rel)
	return m
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// variant is one mutation of a valid fixture. mutate edits the decoded
// fixture in place and returns the body to validate: usually the same map,
// or a replacement (e.g. an array) when the body's top-level type changes.
type variant struct {
	name   string
	mutate func(m map[string]any) any
	// want lists substrings the error must contain; each names the
	// offending member (or "(root)" for the body as a whole).
	want []string
}

// set and del build the common mutations.
func set(key string, val any) func(map[string]any) any {
	return func(m map[string]any) any { m[key] = val; return m }
}

func del(key string) func(map[string]any) any {
	return func(m map[string]any) any { delete(m, key); return m }
}

// setItem edits the first element of the "errors" array.
func setItem(key string, val any) func(map[string]any) any {
	return func(m map[string]any) any {
		m["errors"].([]any)[0].(map[string]any)[key] = val
		return m
	}
}

func delItem(key string) func(map[string]any) any {
	return func(m map[string]any) any {
		delete(m["errors"].([]any)[0].(map[string]any), key)
		return m
	}
}

// runInvalid asserts that every variant of fixture fails schemaName with a
// *schema.ValidationError naming the offending member.
func runInvalid(t *testing.T, schemaName, fixture string, variants []variant) {
	r := loadRegistry(t)
	for _, tc := range variants {
		t.Run(tc.name, func(t *testing.T) {
			doc := mustJSON(t, tc.mutate(readFixture(t, fixture)))
			err := r.Validate(schemaName, doc)
			require.Error(t, err, "body %s must not match schema %q", doc, schemaName)
			var verr *schema.ValidationError
			require.ErrorAs(t, err, &verr, "body %s", doc)
			assert.Equal(t, schemaName, verr.Schema)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w, "body %s", doc)
			}
		})
	}
}

// runValid asserts that every variant of fixture still matches schemaName.
func runValid(t *testing.T, schemaName, fixture string, variants []variant) {
	r := loadRegistry(t)
	for _, tc := range variants {
		t.Run(tc.name, func(t *testing.T) {
			doc := mustJSON(t, tc.mutate(readFixture(t, fixture)))
			assert.NoError(t, r.Validate(schemaName, doc), "body %s", doc)
		})
	}
}

const (
	salesChannelDocs = "token_response/sales_channel_docs.json"
	errorsShape      = "error_response/invalid_client_errors_shape.json"
	rfc6749Shape     = "error_response/invalid_client_rfc6749.json"
)

// TestLoadNames verifies that Load compiles the repository's schemas and
// names them after their files.
func TestLoadNames(t *testing.T) {
	r := loadRegistry(t)
	assert.Equal(t, []string{"access_token_claims", "error_response", "rfc6749_error_response", "rfc6749_token_response", "token_response"}, r.Names())

	names := r.Names()
	names[0] = "mutated"
	assert.Equal(t, "access_token_claims", r.Names()[0], "Names must return a copy")
}

// TestFixturesValidate verifies that every file under fixtures/<schema>/
// matches schemas/<schema>.json, and that every schema has a fixture.
func TestFixturesValidate(t *testing.T) {
	r := loadRegistry(t)
	for _, name := range r.Names() {
		files, err := os.ReadDir(path.Join("../../fixtures", name))
		require.NoError(t, err, "schema %q has no fixtures/%s directory", name, name)
		var n int
		for _, f := range files {
			if f.IsDir() || !strings.HasSuffix(f.Name(), ".json") {
				continue
			}
			n++
			t.Run(name+"/"+f.Name(), func(t *testing.T) {
				doc, err := os.ReadFile(path.Join("../../fixtures", name, f.Name()))
				require.NoError(t, err)
				assert.NoError(t, r.Validate(name, doc))
			})
		}
		assert.Positive(t, n, "schema %q has no fixtures", name)
	}
}

// TestTokenResponseInvalid verifies that broken variants of the documented
// sales-channel token response do not match token_response.json.
func TestTokenResponseInvalid(t *testing.T) {
	runInvalid(t, "token_response", salesChannelDocs, []variant{
		// RFC 6749 §5.1 REQUIRED members, and Commerce Layer's documented set.
		{"missing access_token", del("access_token"), []string{"(root): access_token is required"}},
		{"missing token_type", del("token_type"), []string{"(root): token_type is required"}},
		{"missing expires_in", del("expires_in"), []string{"(root): expires_in is required"}},
		{"missing scope", del("scope"), []string{"(root): scope is required"}},
		{"missing created_at", del("created_at"), []string{"(root): created_at is required"}},
		// RFC 6749 Appendix A.12: access-token = 1*VSCHAR.
		{"access_token empty", set("access_token", ""), []string{"access_token: String length must be greater than or equal to 1"}},
		{"access_token with newline", set("access_token", "abc\ndef"), []string{"access_token: Does not match pattern"}},
		{"access_token with non-ASCII", set("access_token", "abcé"), []string{"access_token: Does not match pattern"}},
		{"access_token number", set("access_token", 5), []string{"access_token: Invalid type. Expected: string, given: integer"}},
		{"token_type number", set("token_type", 5), []string{"token_type: Invalid type. Expected: string, given: integer"}},
		{"token_type empty", set("token_type", ""), []string{"token_type: String length must be greater than or equal to 1"}},
		// RFC 6749 §5.1 / Appendix A.14: a JSON number of seconds.
		{"expires_in string", set("expires_in", "7200"), []string{"expires_in: Invalid type. Expected: integer, given: string"}},
		{"expires_in zero", set("expires_in", 0), []string{"expires_in: Must be greater than or equal to 1"}},
		{"expires_in negative", set("expires_in", -7200), []string{"expires_in: Must be greater than or equal to 1"}},
		{"expires_in fraction", set("expires_in", json.Number("0.5")), []string{"expires_in: Invalid type. Expected: integer, given: number"}},
		{"expires_in null", set("expires_in", nil), []string{"expires_in: Invalid type. Expected: integer, given: null"}},
		{"created_at string", set("created_at", "123"), []string{"created_at: Invalid type. Expected: integer, given: string"}},
		{"created_at negative", set("created_at", -1), []string{"created_at: Must be greater than or equal to 0"}},
		// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), SP-delimited.
		{"scope with double quote", set("scope", `market:id:"x"`), []string{"scope: Does not match pattern"}},
		{"scope with backslash", set("scope", `market:id:x\y`), []string{"scope: Does not match pattern"}},
		{"scope empty", set("scope", ""), []string{"scope: Does not match pattern"}},
		{"scope with leading space", set("scope", " market:all"), []string{"scope: Does not match pattern"}},
		{"scope with double space", set("scope", "market:all  stock_location:id:x"), []string{"scope: Does not match pattern"}},
		{"scope with tab", set("scope", "market:all\tstock_location:id:x"), []string{"scope: Does not match pattern"}},
		{"scope array", set("scope", []any{"market:all"}), []string{"scope: Invalid type. Expected: string, given: array"}},
		{"refresh_token number", set("refresh_token", 5), []string{"refresh_token: Invalid type. Expected: string, given: integer"}},
		// RFC 6749 §5.1: one JSON object.
		{"body is an array", func(m map[string]any) any { return []any{m} }, []string{"(root): Invalid type. Expected: object, given: array"}},
		{"body is a string", func(m map[string]any) any { return "acC3sSt0K3Nwrt6kic7.abc4bnm5..." }, []string{"(root): Invalid type. Expected: object, given: string"}},
		{"body is null", func(m map[string]any) any { return nil }, []string{"(root): Invalid type. Expected: object, given: null"}},
	})
}

// TestTokenResponseValid verifies that conformant variants the suite must
// not reject still match token_response.json.
func TestTokenResponseValid(t *testing.T) {
	runValid(t, "token_response", salesChannelDocs, []variant{
		// RFC 6749 §5.1: clients MUST ignore unrecognized members.
		{"extra members", func(m map[string]any) any {
			m["owner_id"] = "zxcVBnMASd"
			m["owner_type"] = "customer"
			m["x_vendor"] = map[string]any{"nested": []any{1, "two"}}
			return m
		}, nil},
		// RFC 6749 §7.1: the value is case-insensitive; checked by the suite.
		{"token_type Bearer", set("token_type", "Bearer"), nil},
		{"token_type BEARER", set("token_type", "BEARER"), nil},
		{"multiple scopes", set("scope", "market:id:xYZkjABcde stock_location:id:WLgbSXqyoZ store:code:outlet_ny"), nil},
		{"legacy scope syntax", set("scope", "market:1234 stock_location:4567"), nil},
		{"scope with punctuation", set("scope", "provisioning-api metrics-api !#$%&'()*+,-./:;<=>?@[]^_`{|}~"), nil},
		{"access_token with space and punctuation", set("access_token", `a b"c\d~`), nil},
		// The schema only types refresh_token; its presence for
		// client_credentials (RFC 6749 §4.4.3 SHOULD NOT) is a suite check.
		{"refresh_token string", set("refresh_token", "r3fResHt0k3nvbn7mnr9ert123"), nil},
		{"created_at zero", set("created_at", 0), nil},
		{"expires_in one", set("expires_in", 1), nil},
	})
}

// TestErrorResponseInvalid verifies that broken variants of both
// documented error shapes do not match error_response.json.
func TestErrorResponseInvalid(t *testing.T) {
	t.Run("shape=errors", func(t *testing.T) {
		runInvalid(t, "error_response", errorsShape, []variant{
			{"errors empty array", set("errors", []any{}), []string{"errors: Array must have at least 1 items"}},
			// [CL-TEST] hints that a 429 may carry errors as one object
			// (docs/sources/commercelayer-auth.md#error-body, inferred); that is not the array
			// Commerce Layer's other responses use, so it is rejected.
			{"errors single object", func(m map[string]any) any { m["errors"] = m["errors"].([]any)[0]; return m }, []string{"errors: Invalid type. Expected: array, given: object"}},
			{"errors item not object", set("errors", []any{"invalid_client"}), []string{"errors.0: Invalid type. Expected: object, given: string"}},
			{"errors item without title", delItem("title"), []string{"errors.0: title is required"}},
			{"title empty", setItem("title", ""), []string{"errors.0.title: String length must be greater than or equal to 1"}},
			{"title with double quote", setItem("title", `invalid_"client"`), []string{"errors.0.title: Does not match pattern"}},
			{"title with newline", setItem("title", "invalid_client\n"), []string{"errors.0.title: Does not match pattern"}},
			{"detail number", setItem("detail", 1), []string{"errors.0.detail: Invalid type. Expected: string, given: integer"}},
			{"code number", setItem("code", 401), []string{"errors.0.code: Invalid type. Expected: string, given: integer"}},
			// The Core API sends status as a string; the auth endpoint as a number.
			{"status string", setItem("status", "401"), []string{"errors.0.status: Invalid type. Expected: integer, given: string"}},
			{"status 200", setItem("status", 200), []string{"errors.0.status: Must be greater than or equal to 400"}},
			{"status 600", setItem("status", 600), []string{"errors.0.status: Must be less than or equal to 599"}},
			{"meta string", setItem("meta", "x"), []string{"errors.0.meta: Invalid type. Expected: object, given: string"}},
			{"neither shape", func(map[string]any) any { return map[string]any{} }, []string{"(root): Must validate at least one schema (anyOf)"}},
			{"body is an array", func(m map[string]any) any { return m["errors"] }, []string{"(root): Invalid type. Expected: object, given: array"}},
		})
	})
	t.Run("shape=rfc6749", func(t *testing.T) {
		runInvalid(t, "error_response", rfc6749Shape, []variant{
			{"error empty", set("error", ""), []string{"error: String length must be greater than or equal to 1"}},
			{"error number", set("error", 401), []string{"error: Invalid type. Expected: string, given: integer"}},
			{"error with double quote", set("error", `"invalid_client"`), []string{"error: Does not match pattern"}},
			{"error with tab", set("error", "invalid\tclient"), []string{"error: Does not match pattern"}},
			{"error_description with backslash", set("error_description", `C:\client`), []string{"error_description: Does not match pattern"}},
			{"error_description with newline", set("error_description", "line one\nline two"), []string{"error_description: Does not match pattern"}},
			{"error_description empty", set("error_description", ""), []string{"error_description: String length must be greater than or equal to 1"}},
			{"error_uri with space", set("error_uri", "https://example.com/a b"), []string{"error_uri: Does not match pattern"}},
			{"error_uri not a URI-reference", set("error_uri", "%zz"), []string{"error_uri: Does not match format 'uri-reference'"}},
			{"missing error", del("error"), []string{"(root): Must validate at least one schema (anyOf)"}},
		})
	})
}

// TestErrorResponseValid verifies that conformant variants of both shapes
// still match error_response.json.
func TestErrorResponseValid(t *testing.T) {
	t.Run("shape=errors", func(t *testing.T) {
		runValid(t, "error_response", errorsShape, []variant{
			{"extra members", func(m map[string]any) any {
				m["jsonapi"] = map[string]any{"version": "1.0"}
				m["errors"].([]any)[0].(map[string]any)["source"] = map[string]any{"pointer": "/client_id"}
				return m
			}, nil},
			{"with meta", setItem("meta", map[string]any{"retry_after": 10}), nil},
			{"only title", func(m map[string]any) any {
				m["errors"] = []any{map[string]any{"title": "invalid_client"}}
				return m
			}, nil},
			// Extension codes are allowed; the suite checks codes separately.
			{"extension title", setItem("title", "invalid_assertion"), nil},
			{"status 429", setItem("status", 429), nil},
			{"two errors", func(m map[string]any) any {
				m["errors"] = append(m["errors"].([]any), map[string]any{"title": "invalid_scope", "status": 400})
				return m
			}, nil},
			{"both shapes", func(m map[string]any) any { m["error"] = "invalid_client"; return m }, nil},
		})
	})
	t.Run("shape=rfc6749", func(t *testing.T) {
		runValid(t, "error_response", rfc6749Shape, []variant{
			{"only error", del("error_description"), nil},
			{"with error_uri", set("error_uri", "https://docs.commercelayer.io/core/authentication"), nil},
			{"relative error_uri", set("error_uri", "/errors/invalid_client"), nil},
			{"error with space", set("error", "invalid client"), nil},
			{"extension error", set("error", "urn:example:error"), nil},
			{"extra members", set("state", "xyz"), nil},
		})
	})
}

// TestIntegerAcceptsDecimalPointLiteral pins a known gojsonschema v1.2.0
// behaviour (style.md §2.6): numbers are decoded as json.Number and
// "integer" means "has no fractional part", so 14400.0 and 1.23456789e8
// pass "type": "integer". RFC 6749 Appendix A.14 wants expires_in as
// 1*DIGIT, so the suite checks the literal itself; if this test starts
// failing, the library's behaviour changed and that check can be revisited.
func TestIntegerAcceptsDecimalPointLiteral(t *testing.T) {
	r := loadRegistry(t)
	for _, tc := range []struct{ key, literal string }{
		{"expires_in", "14400.0"},
		{"expires_in", "1.44e4"},
		{"created_at", "1.23456789e8"},
	} {
		t.Run(tc.key+"="+tc.literal, func(t *testing.T) {
			doc := []byte(fmt.Sprintf(`{"access_token":"a","token_type":"bearer","expires_in":14400,"scope":"market:all","created_at":123456789,%q:%s}`, tc.key, tc.literal))
			assert.NoError(t, r.Validate("token_response", doc), "gojsonschema accepted %s as an integer until now", tc.literal)
		})
	}
	t.Run("status=401.0", func(t *testing.T) {
		doc := []byte(`{"errors":[{"title":"invalid_client","status":401.0}]}`)
		assert.NoError(t, r.Validate("error_response", doc))
	})
}

// TestValidateErrorMessage verifies the exact error format: the schema
// name, then one sorted "  - " line per ResultError.String().
func TestValidateErrorMessage(t *testing.T) {
	r := loadRegistry(t)

	err := r.Validate("token_response", []byte(`{"access_token":"a","token_type":"bearer","expires_in":"7200","scope":"market:all","created_at":1}`))
	require.EqualError(t, err, "body does not match schema \"token_response\":\n  - expires_in: Invalid type. Expected: integer, given: string")

	err = r.Validate("token_response", []byte(`{"token_type":5,"expires_in":0,"scope":"market:all","created_at":1}`))
	require.EqualError(t, err, strings.Join([]string{
		`body does not match schema "token_response":`,
		"  - (root): access_token is required",
		"  - expires_in: Must be greater than or equal to 1",
		"  - token_type: Invalid type. Expected: string, given: integer",
	}, "\n"))
	var verr *schema.ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "token_response", verr.Schema)
	assert.Len(t, verr.Violations, 3)
}

// TestValidateUnknownName verifies that an unknown schema name is an error
// listing the known names.
func TestValidateUnknownName(t *testing.T) {
	r := loadRegistry(t)
	err := r.Validate("token_respons", []byte(`{}`))
	require.EqualError(t, err, `unknown schema "token_respons"; known schemas: access_token_claims, error_response, rfc6749_error_response, rfc6749_token_response, token_response`)
	var verr *schema.ValidationError
	assert.False(t, errors.As(err, &verr))
}

// TestValidateNotJSON verifies that a body that is not one well-formed
// UTF-8 JSON value is an error, not a schema violation. gojsonschema alone
// would ignore trailing data and accept invalid UTF-8.
func TestValidateNotJSON(t *testing.T) {
	r := loadRegistry(t)
	valid := `{"access_token":"a","token_type":"bearer","expires_in":1,"scope":"market:all","created_at":1}`
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"empty", "", "unexpected end of JSON input"},
		{"truncated", `{"access_token":`, "unexpected end of JSON input"},
		{"form encoded", "access_token=a&token_type=bearer", "invalid character 'a'"},
		{"trailing data", valid + ` {}`, "after top-level value"},
		{"two objects", valid + valid, "after top-level value"},
		{"invalid UTF-8", `{"access_token":"a` + "\xff" + `","token_type":"bearer","expires_in":1,"scope":"market:all","created_at":1}`, "not UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := r.Validate("token_response", []byte(tc.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "body is not valid JSON")
			assert.Contains(t, err.Error(), tc.want)
			var verr *schema.ValidationError
			assert.False(t, errors.As(err, &verr), "not a schema violation")
		})
	}
}

// TestValidateConcurrent verifies that Validate is safe for concurrent use
// (run with -race); gojsonschema's compiled schemas are, its compiler is not.
func TestValidateConcurrent(t *testing.T) {
	r := loadRegistry(t)
	good, err := os.ReadFile("../../fixtures/" + salesChannelDocs)
	require.NoError(t, err)
	goodErr, err := os.ReadFile("../../fixtures/" + errorsShape)
	require.NoError(t, err)
	bad := []byte(`{"access_token":"","token_type":"bearer","expires_in":"7200","scope":"market:all","created_at":1}`)
	wantBad := r.Validate("token_response", bad)
	require.Error(t, wantBad)

	const goroutines, rounds = 50, 20
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*rounds*3)
	for range goroutines {
		wg.Go(func() {
			for range rounds {
				if err := r.Validate("token_response", good); err != nil {
					errs <- err
				}
				if err := r.Validate("error_response", goodErr); err != nil {
					errs <- err
				}
				if err := r.Validate("token_response", bad); err == nil || err.Error() != wantBad.Error() {
					errs <- fmt.Errorf("bad body: got %v; want %v", err, wantBad)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

const salesChannelClaims = "access_token_claims/sales_channel_market.json"

// setIn edits a member of a nested object, such as application.kind.
func setIn(obj, key string, val any) func(map[string]any) any {
	return func(m map[string]any) any { m[obj].(map[string]any)[key] = val; return m }
}

func delIn(obj, key string) func(map[string]any) any {
	return func(m map[string]any) any { delete(m[obj].(map[string]any), key); return m }
}

// TestAccessTokenClaimsInvalid verifies that broken variants of a sales
// channel's token payload do not match access_token_claims.json.
func TestAccessTokenClaimsInvalid(t *testing.T) {
	runInvalid(t, "access_token_claims", salesChannelClaims, []variant{
		// Commerce Layer's clients read these (docs/sources/commercelayer-auth.md#payload-claims).
		{"missing organization", del("organization"), []string{"(root): organization is required"}},
		{"missing organization.slug", delIn("organization", "slug"), []string{"organization: slug is required"}},
		{"empty organization.id", setIn("organization", "id", ""), []string{"organization.id: String length must be greater than or equal to 1"}},
		{"missing application", del("application"), []string{"(root): application is required"}},
		{"unknown application.kind", setIn("application", "kind", "robot"), []string{"application.kind: application.kind must be one of"}},
		{"application.public a string", setIn("application", "public", "true"), []string{"application.public: Invalid type. Expected: boolean, given: string"}},
		{"market.id a string", setIn("market", "id", "BjxrJhymlM"), []string{"market.id: Invalid type. Expected: array, given: string"}},
		{"market.id empty", setIn("market", "id", []any{}), []string{"market.id: Array must have at least 1 items"}},
		{"market.id repeated", setIn("market", "id", []any{"BjxrJhymlM", "BjxrJhymlM"}), []string{"market.id: array items[0,1] must be unique"}},
		{"market.stock_location_ids a string", setIn("market", "stock_location_ids", "xGXBXurDME"), []string{"market.stock_location_ids: Invalid type. Expected: array, given: string"}},
		{"market.stock_location_ids with an empty id", setIn("market", "stock_location_ids", []any{""}), []string{"market.stock_location_ids.0: String length must be greater than or equal to 1"}},
		{"market.stock_location_ids repeated", setIn("market", "stock_location_ids", []any{"xGXBXurDME", "xGXBXurDME"}), []string{"market.stock_location_ids: array items[0,1] must be unique"}},
		{"missing scope", del("scope"), []string{"(root): scope is required"}},
		{"empty scope", set("scope", ""), []string{"scope: Does not match pattern"}},
		// RFC 7519 §4.1.4, §4.1.6: NumericDate.
		{"missing exp", del("exp"), []string{"(root): exp is required"}},
		{"exp a string", set("exp", "1729086993"), []string{"exp: Invalid type. Expected: number, given: string"}},
		{"iat a string", set("iat", "1729072593"), []string{"iat: Invalid type. Expected: number, given: string"}},
		{"test a string", set("test", "true"), []string{"test: Invalid type. Expected: boolean, given: string"}},
		{"missing test", del("test"), []string{"(root): test is required"}},
		{"payload an array", func(m map[string]any) any { return []any{m} }, []string{"(root): Invalid type. Expected: object, given: array"}},
	})
}

// TestAccessTokenClaimsValid verifies variants a correct server may issue.
func TestAccessTokenClaimsValid(t *testing.T) {
	runValid(t, "access_token_claims", salesChannelClaims, []variant{
		{"market:all, no market claim", func(m map[string]any) any { delete(m, "market"); m["scope"] = "market:all"; return m }, nil},
		{"older token without client_id and confidential", func(m map[string]any) any {
			a := m["application"].(map[string]any)
			delete(a, "client_id")
			delete(a, "confidential")
			return m
		}, nil},
		// RFC 7519 §2: a NumericDate may be non-integer.
		{"fractional iat", set("iat", json.Number("1729072593.25")), nil},
		{"extra claims", set("custom_claim", map[string]any{"k": "v"}), nil},
		{"integration", setIn("application", "kind", "integration"), nil},
		{"no iss (older tokens)", del("iss"), nil},
		// Scopes naming a store and a stock location (docs/sources/commercelayer-auth.md#scope-syntax).
		{"store and stock location in scope", func(m map[string]any) any {
			m["scope"] = "store:id:bGvCXzYgNB stock_location:code:eu_warehouse"
			m["market"].(map[string]any)["stock_location_ids"] = []any{"WLgbSXqyoZ"}
			return m
		}, nil},
		{"two markets", setIn("market", "id", []any{"BjxrJhymlM", "xYZkjABcde"}), nil},
		{"no stock locations", setIn("market", "stock_location_ids", []any{}), nil},
		{"legacy price_list_id", setIn("market", "price_list_id", "vLrWQCJBVp"), nil},
	})
}
