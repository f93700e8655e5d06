package catalog

import (
	"fmt"

	messages "github.com/cucumber/messages/go/v34"
)

// checkScenarios refuses a scenario without steps, which would pass
// without sending anything, and one with Examples but no rows, which
// would silently not run.
func checkScenarios(uri string, f *messages.Feature) error {
	for _, sc := range scenarios(f) {
		if len(sc.Steps) == 0 {
			return fmt.Errorf("%s:%d: scenario %q has no steps: a scenario must send a request and judge the answer", uri, sc.Location.Line, sc.Name)
		}
		if len(sc.Examples) > 0 && !hasRows(sc.Examples) {
			return fmt.Errorf("%s:%d: scenario %q has Examples without rows, so it would not run; add a row under the header, or remove the Examples", uri, sc.Location.Line, sc.Name)
		}
	}
	return nil
}

func hasRows(examples []*messages.Examples) bool {
	for _, ex := range examples {
		if len(ex.TableBody) > 0 {
			return true
		}
	}
	return false
}

// scenarios lists the scenarios of f, those in rules included, in file
// order.
func scenarios(f *messages.Feature) []*messages.Scenario {
	var out []*messages.Scenario
	for _, c := range f.Children {
		if c.Scenario != nil {
			out = append(out, c.Scenario)
		}
		if c.Rule == nil {
			continue
		}
		for _, rc := range c.Rule.Children {
			if rc.Scenario != nil {
				out = append(out, rc.Scenario)
			}
		}
	}
	return out
}

// nodeLines maps the id of every scenario, step and Examples row of f to
// its line: pickles name the nodes they come from by id only.
func nodeLines(f *messages.Feature) map[string]int {
	lines := map[string]int{}
	addSteps := func(steps []*messages.Step) {
		for _, s := range steps {
			lines[s.Id] = int(s.Location.Line)
		}
	}
	for _, bg := range backgrounds(f) {
		addSteps(bg.Steps)
	}
	for _, sc := range scenarios(f) {
		lines[sc.Id] = int(sc.Location.Line)
		addSteps(sc.Steps)
		for _, ex := range sc.Examples {
			for _, row := range ex.TableBody {
				lines[row.Id] = int(row.Location.Line)
			}
		}
	}
	return lines
}

// backgrounds lists the backgrounds of f and of its rules.
func backgrounds(f *messages.Feature) []*messages.Background {
	var out []*messages.Background
	for _, c := range f.Children {
		if c.Background != nil {
			out = append(out, c.Background)
		}
		if c.Rule == nil {
			continue
		}
		for _, rc := range c.Rule.Children {
			if rc.Background != nil {
				out = append(out, rc.Background)
			}
		}
	}
	return out
}
