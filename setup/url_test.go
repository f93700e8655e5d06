package setup

import (
	"strings"
	"testing"
)

// TestParseURL verifies a URL parses by the suite's rules, reads back as
// it was given, and answers IsLoopback from its text alone; a refusal is
// one line that never shows user info.
func TestParseURL(t *testing.T) {
	tests := []struct {
		raw      string
		loopback bool
		wantErr  string // "" when accepted
	}{
		{"https://auth.commercelayer.io", false, ""},
		{"HTTP://LOCALHOST:8080/prefix", true, ""},
		{"http://localhost.", true, ""},
		{"http://127.0.0.1:41235", true, ""},
		{"http://127.8.9.10", true, ""},
		{"http://[::1]:80", true, ""},
		{"http://[::ffff:127.0.0.1]", true, ""},
		{"http://0.0.0.0:8080", false, ""},
		{"http://my-laptop.internal", false, ""}, // a name is not looked up
		{"", false, "want a URL such as"},
		{"auth.example.com", false, "want a URL such as"},
		{"https://alice:s3cr@auth.example.com", false, `has an "@"`},
		{"https://auth.example.com/?x=1", false, "query or fragment"},
		{"http://127.1", false, "not one in standard form"},
		{"https://auth.example.com\n", false, "a control character"},
	}
	for _, tt := range tests {
		u, err := ParseURL(tt.raw)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "s3cr") || strings.Contains(err.Error(), "\n") {
				t.Errorf("ParseURL(%q) error = %v; want one line saying %q, without user info", tt.raw, err, tt.wantErr)
			}
			if !u.IsZero() {
				t.Errorf("ParseURL(%q) = %q with an error; want the zero URL", tt.raw, u)
			}
			continue
		}
		switch {
		case err != nil:
			t.Errorf("ParseURL(%q) error = %v; want none", tt.raw, err)
		case u.String() != tt.raw || u.IsZero():
			t.Errorf("ParseURL(%q) = %q; want it as given", tt.raw, u)
		case u.IsLoopback() != tt.loopback:
			t.Errorf("ParseURL(%q).IsLoopback() = %v; want %v", tt.raw, u.IsLoopback(), tt.loopback)
		case u != MustParseURL(tt.raw):
			t.Errorf("two parses of %q differ; want URLs comparable with ==", tt.raw)
		}
	}
	if (URL{}).IsLoopback() || !(URL{}).IsZero() || (URL{}).String() != "" {
		t.Error("the zero URL is loopback, not zero, or not empty; want none of these")
	}
}

// TestMustParseURLPanics verifies a bad URL is not let through.
func TestMustParseURLPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || strings.Contains(r.(string), "pw") {
			t.Errorf("MustParseURL(a URL with user info) recovered %v; want a panic without the password", r)
		}
	}()
	MustParseURL("https://u:pw@auth.example.com")
}
