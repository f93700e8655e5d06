package steps

import (
	"net/http"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/httpclient"
	"github.com/authconform/authconform/internal/redact"
	"github.com/authconform/authconform/internal/termsafe"
)

// TestTranscriptShowsControlsAsEscapes verifies an exchange is shown with
// what a terminal would act on escaped, in headers and in bodies, JSON or
// not, and a malformed answer with the line that made it so.
func TestTranscriptShowsControlsAsEscapes(t *testing.T) {
	t.Parallel()
	req := httpclient.Request{Method: "POST", URL: "http://127.0.0.1/oauth/token"}
	for _, tt := range []struct {
		name string
		ex   httpclient.Exchange
		want []string
	}{
		{"header values", httpclient.Exchange{Request: req, Status: 401, Header: http.Header{"X-A": {"\u202egnp.exe \u0085\u2028 \xff"}}},
			[]string{`X-A: \u202egnp.exe \u0085\u2028 \xff`}},
		{"JSON body: its line breaks kept", httpclient.Exchange{Request: req, Status: 401, Body: []byte("{\n\t\"e\": \"\u009b31m\x7f\u2029\"\r\n}")},
			[]string{"{\n\t\"e\": \"\\u009b31m\\x7f\\u2029\"\\r\n}"}},
		{"body that is not JSON: one line", httpclient.Exchange{Request: req, Status: 401, Body: []byte("\x1b]52;c;eA==\x07\nC:\\x\xff")},
			[]string{`\x1b]52;c;eA==\x07\nC:\\x\xff`}},
		{"malformed answer", httpclient.Exchange{Request: req, Malformed: `header line X-D: a\x7f: its value holds byte 0x7f`},
			[]string{"--- response: malformed (0s) ---\n[header line X-D: a\\x7f: its value holds byte 0x7f]"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := formatExchange(redact.New(), &tt.ex)
			for _, want := range tt.want {
				if !strings.Contains(got, want) {
					t.Errorf("transcript lacks %q:\n%s", want, got)
				}
			}
			if clean := termsafe.Clean(got); clean != got {
				t.Errorf("transcript holds what a terminal acts on:\n%q", got)
			}
		})
	}
}
