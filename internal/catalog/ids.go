package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	messages "github.com/cucumber/messages/go/v34"
)

// IDPrefix starts the tag that gives a scenario its stable id:
// @id:cl-cc-sales-channel-market. Known-deviation files and `authconform
// diff` match cases by id, so a scenario can be renamed without breaking
// either; the tag is not a rule tag and no gap or profile reads it.
const IDPrefix = "@id:"

// idForm is an id: the profile's short name, the area (the feature's
// subject) and a slug, lower case, joined by "-".
var idForm = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+){2,}$`)

// idProfiles is the short name an id starts with, per profile tag.
var idProfiles = map[string]string{"@commercelayer": "cl", "@plain_oauth2": "rfc"}

// rowSeparator joins an outline's id and a row's number in the case's ID:
// every row of an outline shares the outline's tag, and a row is told
// apart by its place among the outline's rows (Examples blocks counted in
// file order), as "cl-err-grant-type#3".
const rowSeparator = "#"

// idTags are the values of the @id: tags among tags.
func idTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		if v, ok := strings.CutPrefix(t, IDPrefix); ok {
			out = append(out, v)
		}
	}
	return out
}

// caseID is the id of a case with tags; row is its row's number in an
// outline, 0 for a scenario. "" when the scenario has no single id tag.
func caseID(tags []string, row int) string {
	ids := idTags(tags)
	if len(ids) != 1 {
		return ""
	}
	if row > 0 {
		return ids[0] + rowSeparator + strconv.Itoa(row)
	}
	return ids[0]
}

// OutlineID is the id of the outline (or scenario) a case ID belongs to:
// the ID without its row number.
func OutlineID(id string) string {
	base, _, _ := strings.Cut(id, rowSeparator)
	return base
}

// outlineRows maps the id of every Examples row of f to its place among
// its scenario's rows, from 1.
func outlineRows(f *messages.Feature) map[string]int {
	rows := map[string]int{}
	for _, sc := range scenarios(f) {
		n := 0
		for _, ex := range sc.Examples {
			for _, row := range ex.TableBody {
				n++
				rows[row.Id] = n
			}
		}
	}
	return rows
}

// requirements maps the id of every scenario of f to its requirement: the
// first paragraph of its description (the text between its title and its
// first step), on one line. The paragraph states the sentence of the
// source the scenario checks, in the project's words, and failures print
// it under their label.
func requirements(f *messages.Feature) map[string]string {
	out := map[string]string{}
	for _, sc := range scenarios(f) {
		first, _, _ := strings.Cut(strings.TrimSpace(strings.ReplaceAll(sc.Description, "\r\n", "\n")), "\n\n")
		out[sc.Id] = strings.Join(strings.Fields(first), " ")
	}
	return out
}

// LintIDs checks that every case has an id (see IDPrefix), well formed
// and used by one scenario only; the suite's own features must pass it.
// A user's own features may leave ids out: LintTags checks only the ids
// they give.
func LintIDs(cases []Case) error {
	return problemsError("problems with scenario ids", idProblems(cases, true))
}

// idProblems lists, one "file:line: ..." line each, the ids that are
// malformed or given to two scenarios, and with required the scenarios
// without one.
func idProblems(cases []Case, required bool) []string {
	var out []string
	owner := map[string]string{} // id → the scenario that has it, file:line
	for _, c := range cases {
		where := fmt.Sprintf("%s:%d", c.URI, c.ScenarioLine)
		ids := idTags(c.Tags)
		for _, p := range idTagProblems(c, ids, required) {
			out = append(out, fmt.Sprintf("%s: scenario %q %s", where, c.Scenario, p))
		}
		if len(ids) != 1 {
			continue
		}
		if first, ok := owner[ids[0]]; ok && first != where {
			out = append(out, fmt.Sprintf("%s: scenario %q has the id %s of the scenario at %s; ids are unique across the suite", where, c.Scenario, ids[0], first))
			continue
		}
		owner[ids[0]] = where
	}
	return slices.Compact(out) // an outline's rows repeat its problems
}

// idTagProblems says what is wrong with the id tags ids of case c.
func idTagProblems(c Case, ids []string, required bool) []string {
	switch {
	case len(ids) == 0 && required:
		return []string{"has no " + IDPrefix + "<profile>-<area>-<slug> tag (a stable id that known-deviation files and diff match it by)"}
	case len(ids) == 0:
		return nil
	case len(ids) > 1:
		return []string{fmt.Sprintf("has %d id tags (%s); want one (an Examples block takes its outline's)", len(ids), strings.Join(ids, ", "))}
	}
	var out []string
	if !idForm.MatchString(ids[0]) {
		out = append(out, fmt.Sprintf("has the id %q; want <profile>-<area>-<slug>, lower-case letters, digits and single hyphens", ids[0]))
	}
	for tag, short := range idProfiles {
		if slices.Contains(c.Tags, tag) && !strings.HasPrefix(ids[0], short+"-") {
			out = append(out, fmt.Sprintf("has the id %q; want it to start with %q, the short name of its profile %s", ids[0], short+"-", tag))
		}
	}
	return out
}

// problemsError is nil for no problems, the problem for one, and a count
// with one problem a line for more.
func problemsError(what string, problems []string) error {
	switch len(problems) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("%s", problems[0])
	}
	return fmt.Errorf("%d %s:\n%s", len(problems), what, strings.Join(problems, "\n"))
}
