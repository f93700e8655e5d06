package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Severity tags: every scenario carries exactly one.
var severityTags = []string{"@must", "@should"}

// rulePrefixes start the tags that name the rule a scenario checks: an RFC
// section, a page of the docs, or one of Commerce Layer's own tests.
var rulePrefixes = []string{"@rfc", "@docs-", "@cl-test-"}

// credentialTags map a placeholder (or the start of its name) to the tag a
// scenario using it must carry: the tag is how a scenario is left out when
// that part of the configuration is missing. Without it, a missing
// credential would be sent as an empty string and read as the target's
// failure.
var credentialTags = []struct{ placeholder, tag string }{
	{"sales_channel.client_id", "@sales_channel"},
	{"sales_channel.client_secret", "@sales_channel_secret"},
	{"integration.", "@integration"},
	{"market_id", "@market"},
	{"other_market_id", "@other_market"},
	{"market_code", "@market_code"},
	{"market_code_other_case", "@market_code_case"},
	{"store_id", "@store"},
	{"store_code", "@store_code"},
	{"stock_location_id", "@stock_location"},
	{"stock_location_code", "@stock_location_code"},
	{"client.", "@client"},
	{"basic_client.", "@basic_client"},
	{"scope", "@scope"},
	{"forbidden_scope", "@forbidden_scope"},
	{"webapp.", "@webapp"},
	{"jwt_bearer.", "@jwt_bearer"},
	{"customer_id", "@customer_id"},
	{"customer.", "@customer"},
}

// profileTags say which profile a scenario belongs to: every scenario
// carries exactly one, so a profile can leave out the others' (the
// feature's tag is enough, scenarios inherit it).
var profileTags = []string{"@commercelayer", "@plain_oauth2"}

// Placeholder matches a {{name}} placeholder; its first group is the name.
// The steps expand with the same pattern the lint reads.
var Placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.]+)\s*\}\}`)

// Placeholders lists the {{names}} a case's steps use, each once, in order.
func Placeholders(c Case) []string {
	var out []string
	for _, s := range c.Steps {
		for _, m := range Placeholder.FindAllStringSubmatch(s.Text+"\n"+s.Arg, -1) {
			if !slices.Contains(out, m[1]) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// Rules are a case's rule tags, without the "@".
func Rules(tags []string) []string {
	var out []string
	for _, t := range tags {
		for _, p := range rulePrefixes {
			if strings.HasPrefix(t, p) {
				out = append(out, strings.TrimPrefix(t, "@"))
				break
			}
		}
	}
	return out
}

// LintTags checks, before any request, that each case says how much it
// matters (one of @must, @should), which rule it checks (a rule tag),
// which credentials it needs (a tag for each credential placeholder it
// uses), and that the ids it gives are well formed and unique. The error has one "file:line: ..." line per problem.
func LintTags(cases []Case) error {
	var problems []string
	for _, c := range cases {
		for _, p := range tagProblems(c) {
			problems = append(problems, fmt.Sprintf("%s:%d: scenario %q %s", c.URI, c.Line, c.Scenario, p))
		}
	}
	problems = append(problems, idProblems(cases, false)...)
	return problemsError("problems with scenario tags", problems)
}

func tagProblems(c Case) []string {
	var out []string
	n := 0
	for _, t := range severityTags {
		if slices.Contains(c.Tags, t) {
			n++
		}
	}
	if n != 1 {
		out = append(out, "needs exactly one of @must and @should")
	}
	n = 0
	for _, t := range profileTags {
		if slices.Contains(c.Tags, t) {
			n++
		}
	}
	if n != 1 {
		out = append(out, "needs exactly one of "+strings.Join(profileTags, " and ")+" (the profile it belongs to)")
	}
	if len(Rules(c.Tags)) == 0 {
		out = append(out, "needs a rule tag (@rfc…, @docs-…, @cl-test-…) naming the rule it checks")
	}
	for _, name := range Placeholders(c) {
		if tag := CredentialTag(name); tag != "" && !slices.Contains(c.Tags, tag) {
			out = append(out, fmt.Sprintf("uses {{%s}} but lacks %s, which leaves it out when that is not configured", name, tag))
		}
	}
	for _, s := range c.Steps {
		for _, st := range stepTags {
			if strings.Contains(s.Text, st.phrase) && !slices.Contains(c.Tags, st.tag) {
				out = append(out, fmt.Sprintf("has a step about %s (line %d) but lacks %s, which leaves it out when that is not configured", st.phrase, s.Line, st.tag))
			}
		}
	}
	return out
}

// stepTags map a phrase of a step to the tag a scenario using the step
// must carry: the part of the configuration the step needs has no
// placeholder to find it by.
var stepTags = []struct{ phrase, tag string }{
	{"the protected resource", "@resource"},
	{"the authorize endpoint", "@authorize_url"},
	{"the webapp's authorization code", "@authorization_code"},
}

// CredentialTag is the tag a scenario using the placeholder must carry, or
// "" for placeholders that always have a value.
func CredentialTag(placeholder string) string {
	for _, ct := range credentialTags {
		if placeholder == ct.placeholder || strings.HasSuffix(ct.placeholder, ".") && strings.HasPrefix(placeholder, ct.placeholder) {
			return ct.tag
		}
	}
	return ""
}
