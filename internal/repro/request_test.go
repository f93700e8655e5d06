package repro

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/httpclient"
)

// TestFromRequest verifies, on each way a request carries a value, that the
// value becomes its variable, written with the escape the place needs, and
// that the rest of the text is masked before quoting.
func TestFromRequest(t *testing.T) {
	t.Parallel()
	const url = "http://127.0.0.1:1/oauth/token"
	secret := Value{Text: "s3cr3t", Var: "SECRET"}
	odd := Value{Text: `a"b c`, Var: "ODD_FILE", File: true}
	token := Value{Text: "tok.en.value", Var: "TOKEN", Hint: "set it"}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("my+id:s3cr3t"))
	tests := []struct {
		name   string
		req    httpclient.Request
		values []Value
		want   []string // lines of the command after curl's own
	}{
		{"JSON body",
			httpclient.Request{Method: "POST", URL: url, Body: []byte(`{"client_secret":"s3cr3t","x":"wrong-secret"}`)},
			[]Value{secret},
			[]string{`  --data-raw '{"client_secret":"'"$SECRET"'","x":"[MASKED]"}'`}},
		{"JSON body, a value JSON escapes, from a file",
			httpclient.Request{Method: "POST", URL: url, Body: []byte(`{"client_secret":"a\"b c"}`)},
			[]Value{odd},
			[]string{`  --data-raw '{"client_secret":"'"$(printf '%s.' "$(cat -- "$ODD_FILE")" | LC_ALL=C awk ` + mustQuote(t, jsonProgram) + `)"'"}'`}},
		{"form body",
			httpclient.Request{Method: "POST", URL: url, Body: []byte(`client_id=my+id&client_secret=a%22b+c`)},
			[]Value{odd},
			[]string{`  --data-raw 'client_id=my+id&client_secret='"$(printf '%s' "$(cat -- "$ODD_FILE")" | od -An -v -tx1 | LC_ALL=C awk ` + mustQuote(t, formProgram) + `)"`}},
		{"HTTP Basic",
			httpclient.Request{Method: "POST", URL: url, Header: http.Header{"Authorization": {basic}}},
			[]Value{secret},
			[]string{`  -u 'my+id:'"$SECRET"`}},
		{"query string",
			httpclient.Request{Method: "GET", URL: url + "?client_secret=s3cr3t"},
			[]Value{secret},
			nil},
		{"bearer token, required",
			httpclient.Request{Method: "GET", URL: url, Header: http.Header{"Authorization": {"Bearer tok.en.value"}}},
			[]Value{token, {Text: "tok", Var: "SHORTER"}},
			[]string{`  -H 'Authorization: Bearer '"$TOKEN"`}},
	}
	mask := func(s string) string { return strings.ReplaceAll(s, "wrong-secret", "[MASKED]") }
	for _, tt := range tests {
		line, err := FromRequest(tt.req, tt.values, mask).String()
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		lines := strings.Split(line, " \\\n")
		if tt.name == "query string" && lines[0] != `curl -sS -i -g -X GET --url 'http://127.0.0.1:1/oauth/token?client_secret='"$SECRET"` {
			t.Errorf("%s: %s", tt.name, line)
		}
		if strings.HasPrefix(tt.name, "bearer") && lines[0] != `: "${TOKEN:?set it}" &&` {
			t.Errorf("%s: the line does not start by requiring TOKEN:\n%s", tt.name, line)
		}
		if got := lines[len(lines)-len(tt.want):]; strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s:\n%s\nwant it to end with:\n%s", tt.name, line, strings.Join(tt.want, "\n"))
		}
	}
}

func mustQuote(t *testing.T, s string) string {
	t.Helper()
	q, err := quoteWord(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}
