// Package catalog lists the scenarios of a set of feature files, as godog
// will see them, before anything runs: the runner needs the list to say
// what a run leaves out and to keep reports in feature-file order.
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
}

// Load parses every .feature file under the given paths of fsys, in the
// order godog walks them.
func Load(fsys fs.FS, paths ...string) ([]Case, error) {
	var cases []Case
	ids := 0
	seen := map[string]bool{}
	newID := func() string { ids++; return strconv.Itoa(ids) }
	for _, root := range paths {
		err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(p, ".feature") {
				return nil
			}
			f, err := fsys.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			doc, err := gherkin.ParseGherkinDocument(f, newID)
			if err != nil {
				return fmt.Errorf("%s: %v", p, err)
			}
			feature := ""
			if doc.Feature != nil {
				feature = doc.Feature.Name
			}
			for _, p := range gherkin.Pickles(*doc, p, newID) {
				// Verdicts are matched to cases by file and name, and
				// people find failures by name: names must be unique.
				k := Key(p.Uri, p.Name)
				if seen[k] {
					return fmt.Errorf("%s: two scenarios named %q; give each (and each outline row, through a <placeholder> in the name) its own name", p.Uri, p.Name)
				}
				seen[k] = true
				cases = append(cases, Case{
					URI:      p.Uri,
					Feature:  feature,
					Scenario: p.Name,
					Tags:     tagNames(p.Tags),
					Order:    len(cases),
				})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("no scenarios found under %s", strings.Join(paths, ", "))
	}
	return cases, nil
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
