package steps

import (
	"slices"
	"strings"
	"testing"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v34"
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
