package steps

import (
	"slices"
	"strings"
	"testing"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/authconform/authconform/internal/config"
)

// docString is a doc string as godog passes it.
func docString(content string) *godog.DocString {
	return &godog.DocString{Content: content, MediaType: "json"}
}

// table is a table as godog passes it, one row per slice of cells.
func table(rows ...[]string) *godog.Table {
	t := &godog.Table{}
	for _, cells := range rows {
		row := &messages.PickleTableRow{}
		for _, c := range cells {
			row.Cells = append(row.Cells, &messages.PickleTableCell{Value: c})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// TestGivenSteps verifies the request steps, reached through their
// sentences, build the body the target is sent: a placeholder's value is
// JSON-escaped in JSON and raw doc strings (a secret holding " or \ stays
// data), taken as is in a parameter table, and a sent secret is noted so
// that an echo of it is caught and every output masks it.
func TestGivenSteps(t *testing.T) {
	const secret = `se"cr\et`
	const jsonLine, rawLine = "Given a token request with the JSON body:", "Given a token request with the raw body:"
	tests := []struct {
		name     string
		line     string
		arg      any
		wantBody string // sent with the Commerce Layer profile (JSON, credentials in the body)
		noted    bool   // the secret is noted as sent
		wantErr  string // "" = the line passes
	}{
		{"JSON body escapes the value", jsonLine, docString(`{"client_secret": "{{integration.client_secret}}"}`), `{"client_secret": "se\"cr\\et"}`, true, ""},
		{"raw body escapes the value", rawLine, docString(`{"client_secret": "{{integration.client_secret}}"`), `{"client_secret": "se\"cr\\et"`, true, ""},
		{"parameters hold the value", "Given a token request with the parameters:", table([]string{"client_secret", "{{integration.client_secret}}"}), `{"client_secret":"se\"cr\\et"}`, true, ""},
		{"empty body", "Given a token request with an empty body", nil, "", false, ""},
		{"JSON body of a number", jsonLine, docString(`{"n": 1}`), "", false, `member "n" is not a string`},
		{"unknown placeholder", jsonLine, docString(`{"a": "{{nope}}"}`), "", false, "unknown placeholder {{nope}}"},
		{"table row of three cells", "Given a token request with the parameters:", table([]string{"a", "b", "c"}), "", false, "row 1 has 3 cells; want 2"},
		{"header before a request", `And the request header "Content-Type" is "text/plain"`, nil, "", false, "no token request to add header"},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			s := testSuite(t)
			s.Target.Integration.Secret = secret
			st := newScenario(s)
			err := runLine(t, st, tt.line, tt.arg)
			checkOutcome(t, tt.line, err, tt.wantErr)
			if err != nil {
				return
			}
			req, err := st.encode("POST", st.suite.Target.TokenURL())
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if string(req.Body) != tt.wantBody {
				t.Errorf("%s\nbody = %s; want %s", tt.line, req.Body, tt.wantBody)
			}
			if got := slices.Contains(st.sentSecrets, secret); got != tt.noted {
				t.Errorf("%s\nsecret noted as sent = %v; want %v", tt.line, got, tt.noted)
			}
		})
	}
}

// TestConfiguredScope verifies the request asks for the configured scope
// when there is one, in the body whichever way the client authenticates,
// and is left as it was when there is none.
func TestConfiguredScope(t *testing.T) {
	const scopeLine = "And the request asks for the configured scope, if there is one"
	params := table([]string{"grant_type", "client_credentials"}, []string{"client_id", "in"})
	tests := []struct {
		name     string
		scope    string
		lines    []string
		arg      any    // the first line's
		wantBody string // form-encoded, as the rfc6749 profile sends it
		wantErr  string
	}{
		{"a scope is configured", "read write", []string{"Given a token request with the parameters:", scopeLine}, params, "grant_type=client_credentials&client_id=in&scope=read+write", ""},
		{"no scope is configured", "", []string{"Given a token request with the parameters:", scopeLine}, params, "grant_type=client_credentials&client_id=in", ""},
		{"with HTTP Basic the scope stays in the body", "read", []string{"Given a token request with the parameters:", scopeLine, "And the client authenticates with HTTP Basic"}, params, "grant_type=client_credentials&scope=read", ""},
		{"a JSON body gets it too", "read", []string{"Given a token request with the JSON body:", scopeLine}, docString(`{"grant_type": "client_credentials"}`), "grant_type=client_credentials&scope=read", ""},
		{"the request has a scope already", "read", []string{"Given a token request with the parameters:", scopeLine}, table([]string{"scope", "write"}), "", "already has a scope parameter"},
		{"a raw body", "read", []string{"Given a token request with an empty body", scopeLine}, nil, "", "no token request with parameters to add a scope to"},
		{"no request", "read", []string{scopeLine}, nil, "", "no token request with parameters to add a scope to"},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			s := testSuite(t)
			s.Target.Profile, s.Target.Scope = config.RFC6749, tt.scope
			st := newScenario(s)
			var err error
			for i, line := range tt.lines {
				var arg any
				if i == 0 {
					arg = tt.arg
				}
				if err = runLine(t, st, line, arg); err != nil {
					break
				}
			}
			checkOutcome(t, strings.Join(tt.lines, "\n"), err, tt.wantErr)
			if err != nil {
				return
			}
			req, err := st.encode("POST", st.suite.Target.TokenURL())
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if string(req.Body) != tt.wantBody {
				t.Errorf("body = %s; want %s", req.Body, tt.wantBody)
			}
		})
	}
}
