package catalog

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// TestLintTags verifies a scenario is refused, naming its file and line,
// without one severity, without a rule, or using a credential placeholder
// without the tag that leaves it out when that credential is missing.
func TestLintTags(t *testing.T) {
	tests := []struct {
		name    string
		tags    string
		arg     string // a parameter table cell
		wantErr string // "" = accepted
	}{
		{"complete", "@must @rfc6749-5.2 @sales_channel", "{{sales_channel.client_id}}", ""},
		{"should, docs rule", "@should @docs-client-credentials @integration", "{{integration.client_secret}}", ""},
		{"cl-test rule, generated value", "@must @cl-test-default-scope", "{{unknown_client_id}}", ""},
		{"no severity", "@rfc6749-5.2", "x", "x.feature:5: scenario \"s\" needs exactly one of @must and @should"},
		{"two severities", "@must @should @rfc6749-5.2", "x", "needs exactly one of @must and @should"},
		{"no rule", "@must", "x", "needs a rule tag"},
		{"integration untagged", "@must @rfc6749-5.2", "{{integration.client_id}}", "uses {{integration.client_id}} but lacks @integration"},
		{"market untagged", "@must @rfc6749-5.2 @sales_channel", "market:id:{{market_id}}", "uses {{market_id}} but lacks @market"},
		{"other market untagged", "@must @rfc6749-5.2 @market", "{{other_market_id}}", "lacks @other_market"},
		{"sales channel untagged", "@must @rfc6749-5.2", "{{ sales_channel.client_id }}", "lacks @sales_channel"},
		{"two problems", "@rfc6749-5.2", "{{market_id}}", "2 problems with scenario tags"},
		{"sales channel secret untagged", "@must @rfc7009-2.1 @sales_channel", "{{sales_channel.client_secret}}", "uses {{sales_channel.client_secret}} but lacks @sales_channel_secret"},
		{"sales channel secret tagged", "@must @rfc7009-2.1 @sales_channel_secret", "{{sales_channel.client_secret}}", ""},
		{"market code untagged", "@must @docs-authentication-scope", "market:code:{{market_code}}", "uses {{market_code}} but lacks @market_code"},
		{"market code in another case untagged", "@should @docs-markets-code @market_code", "market:code:{{market_code_other_case}}", "uses {{market_code_other_case}} but lacks @market_code_case"},
		{"store untagged", "@must @docs-authentication-scope", "store:id:{{store_id}} store:code:{{store_code}}", "2 problems with scenario tags"},
		{"stock location untagged", "@must @docs-authentication-scope @stock_location", "stock_location:code:{{stock_location_code}}", "uses {{stock_location_code}} but lacks @stock_location_code"},
		{"scope resources tagged", "@must @docs-authentication-scope @store @store_code @stock_location @stock_location_code @market_code", "{{store_id}} {{store_code}} {{stock_location_id}} {{stock_location_code}} {{market_code}}", ""},
		{"generated scope resources need no tag", "@must @rfc6749-5.2", "{{unknown_market_code}} {{unknown_store_id}} {{unknown_stock_location_id}}", ""},
	}
	for _, tt := range tests {
		t.Run("case="+strings.ReplaceAll(tt.name, " ", "-"), func(t *testing.T) {
			src := "@commercelayer\nFeature: f\n\n  " + tt.tags + "\n  Scenario: s\n    Given a token request with the parameters:\n      | client_id | " + tt.arg + " |\n"
			cases, err := Load(fstest.MapFS{"x.feature": {Data: []byte(src)}}, ".")
			if err != nil {
				t.Fatal(err)
			}
			err = LintTags(cases)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("LintTags: %v; want no error", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("LintTags: %v; want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestShippedFeaturesAreTagged verifies the suite's own features pass the
// lint the runner applies before every run.
func TestShippedFeaturesAreTagged(t *testing.T) {
	cases, err := Load(os.DirFS("../.."), "features")
	if err != nil {
		t.Fatal(err)
	}
	if err := LintTags(cases); err != nil {
		t.Error(err)
	}
}

// TestLintStepTags verifies a step that needs configuration no placeholder
// names (the protected resource) requires its tag.
func TestLintStepTags(t *testing.T) {
	tests := []struct {
		tags    string
		wantErr string
	}{
		{"@must @rfc6750-3.1 @resource", ""},
		{"@must @rfc6750-3.1", `x.feature:5: scenario "s" has a step about the protected resource (line 6) but lacks @resource, which leaves it out when that is not configured`},
	}
	for _, tt := range tests {
		src := "@commercelayer\nFeature: f\n\n  " + tt.tags + "\n  Scenario: s\n    When the protected resource is requested with the bearer token \"x\"\n"
		cases, err := Load(fstest.MapFS{"x.feature": {Data: []byte(src)}}, ".")
		if err != nil {
			t.Fatal(err)
		}
		err = LintTags(cases)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("tags %q: LintTags = %v; want nil", tt.tags, err)
		case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
			t.Errorf("tags %q: LintTags = %v; want %q", tt.tags, err, tt.wantErr)
		}
	}
}
