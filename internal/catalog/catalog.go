// Package catalog lists the scenarios of a set of feature files, as godog
// will see them, before anything runs: the runner needs the list to say
// what a run leaves out and to keep reports in feature-file order, and
// reads the steps to find the ones no step of the vocabulary runs.
//
// Feature files may come from anywhere (-features): anything that would
// hang, crash or silently mislead godog's parse is refused here first, in
// one line naming the file (and line).
package catalog

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"
)

// Case is one scenario, or one row of a Scenario Outline.
type Case struct {
	URI      string // path inside the FS, as godog reports it
	Feature  string
	Scenario string
	Tags     []string // with "@", feature tags included
	Order    int
	// Line is the line of the scenario; for an outline row, the line of
	// its row in the Examples table, as godog and Cucumber report it.
	Line int
	// ScenarioLine is the line of the Scenario (Outline) keyword: Line,
	// but for an outline's rows, the outline's.
	ScenarioLine int
	// ID is the scenario's stable id, from its @id: tag; for an outline's
	// row, the outline's id, "#" and the row's number (see OutlineID).
	// "" when the scenario has no id tag (a user's own features may not).
	ID string
	// Requirement is the sentence of the source the scenario checks: the
	// first paragraph of its description. "" when it has none.
	Requirement string
	Steps       []Step // as godog runs them: background first, placeholders filled
}

// Step is one step of a case.
type Step struct {
	Text string // without its keyword
	Line int    // in the feature file (of the outline's step for a row)
	// Arg is the step's DocString, or its table's cells one per line: where
	// placeholders may hide besides the text.
	Arg string
}

// Load parses every .feature file under the given paths of fsys, in the
// order godog walks them.
func Load(fsys fs.FS, paths ...string) ([]Case, error) {
	l := &loader{fsys: fsys, seen: map[string]bool{}}
	for _, root := range paths {
		if err := fs.WalkDir(fsys, root, l.visit); err != nil {
			return nil, err
		}
	}
	if len(l.cases) == 0 {
		return nil, fmt.Errorf("no scenarios found under %s", strings.Join(paths, ", "))
	}
	return l.cases, nil
}

// loader gathers the cases of one Load. Ids run across files, as in
// godog, so that none repeats.
type loader struct {
	fsys  fs.FS
	ids   int
	seen  map[string]bool // Key of every case so far
	cases []Case
}

func (l *loader) newID() string { l.ids++; return strconv.Itoa(l.ids) }

func (l *loader) visit(p string, d fs.DirEntry, err error) error {
	if err != nil {
		return err
	}
	if d.IsDir() || !strings.HasSuffix(p, ".feature") {
		return nil
	}
	src, err := readFeature(l.fsys, p)
	if err != nil {
		return err
	}
	doc, err := parse(p, src, l.newID)
	if err != nil {
		return err
	}
	if doc.Feature == nil {
		return nil
	}
	if err := checkScenarios(p, doc.Feature); err != nil {
		return err
	}
	return l.add(p, doc)
}

// add appends the cases of a parsed document.
func (l *loader) add(uri string, doc *messages.GherkinDocument) error {
	lines, rows, reqs := nodeLines(doc.Feature), outlineRows(doc.Feature), requirements(doc.Feature)
	for _, p := range gherkin.Pickles(*doc, uri, l.newID) {
		// Verdicts are matched to cases by file and name, and
		// people find failures by name: names must be unique.
		k := Key(p.Uri, p.Name)
		if l.seen[k] {
			return fmt.Errorf("%s: two scenarios named %q; give each (and each outline row, through a <placeholder> in the name) its own name", p.Uri, p.Name)
		}
		l.seen[k] = true
		tags, row := tagNames(p.Tags), 0
		if len(p.AstNodeIds) > 1 {
			row = rows[p.AstNodeIds[1]]
		}
		c := Case{
			URI:          p.Uri,
			Feature:      doc.Feature.Name,
			Scenario:     p.Name,
			Tags:         tags,
			Order:        len(l.cases),
			Line:         lines[p.AstNodeIds[len(p.AstNodeIds)-1]],
			ScenarioLine: lines[p.AstNodeIds[0]],
			ID:           caseID(tags, row),
			Requirement:  reqs[p.AstNodeIds[0]],
		}
		for _, s := range p.Steps {
			c.Steps = append(c.Steps, Step{Text: s.Text, Line: lines[s.AstNodeIds[0]], Arg: argument(s.Argument)})
		}
		l.cases = append(l.cases, c)
	}
	return nil
}

func argument(a *messages.PickleStepArgument) string {
	switch {
	case a == nil:
		return ""
	case a.DocString != nil:
		return a.DocString.Content
	case a.DataTable != nil:
		var cells []string
		for _, row := range a.DataTable.Rows {
			for _, c := range row.Cells {
				cells = append(cells, c.Value)
			}
		}
		return strings.Join(cells, "\n")
	}
	return ""
}

func tagNames(tags []*messages.PickleTag) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.Name
	}
	return out
}

// Key identifies a case across the catalog and godog's own parse.
func Key(uri, scenario string) string { return uri + "\x00" + scenario }
