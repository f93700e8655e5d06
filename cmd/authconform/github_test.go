package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/authconform/authconform/internal/catalog"
	"github.com/authconform/authconform/internal/golden"
)

// readAnnotations reads -format github's output as GitHub's runner reads
// workflow commands: "::command k=v,k=v::message", values and message
// percent-unescaped. Each comes back as "command file:line [title]
// message"; a line that is no command is an error.
func readAnnotations(text string) ([]string, error) {
	var out []string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if line == "" {
			continue
		}
		rest, ok := strings.CutPrefix(line, "::")
		head, data, ok2 := strings.Cut(rest, "::")
		if !ok || !ok2 {
			return nil, fmt.Errorf("not a workflow command: %q", line)
		}
		command, props, _ := strings.Cut(head, " ")
		p := map[string]string{}
		for _, kv := range strings.Split(props, ",") {
			k, v, _ := strings.Cut(kv, "=")
			value, err := url.PathUnescape(v)
			if err != nil {
				return nil, fmt.Errorf("%q: %v", line, err)
			}
			p[k] = value
		}
		msg, err := url.PathUnescape(data)
		if err != nil {
			return nil, fmt.Errorf("%q: %v", line, err)
		}
		out = append(out, fmt.Sprintf("%s %s:%s [%s] %s", command, p["file"], p["line"], p["title"], msg))
	}
	return out, nil
}

// jsonCase is a case of a run's JSON summary.
type jsonCase struct {
	Feature, Scenario, Status, Severity, Error string
	Rules                                      []string
}

// checkAnnotations reads the -format github file of a run back and finds
// in it exactly the run's failures (errors) and warnings, as its JSON
// summary lists them, in order: each at its scenario's feature file and
// line (the catalog's), titled with its name, its message naming the
// rule (severity and citations) and then saying the failure, got/want.
func checkAnnotations(t *testing.T, path, summaryPath string, cases []catalog.Case) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAnnotations(string(text))
	if err != nil {
		t.Fatalf("%s: %v\n%s", path, err, text)
	}
	var s struct{ Cases []jsonCase }
	b, _ := os.ReadFile(summaryPath)
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("reading the summary: %v", err)
	}
	lines := map[string]int{}
	for _, c := range cases {
		lines[golden.Key(c.URI, c.Scenario)] = c.Line
	}
	var heads, rules, failures []string
	for _, c := range s.Cases {
		command := map[string]string{"failed": "error", "unexpected_pass": "error", "warning": "warning"}[c.Status]
		if command == "" {
			continue
		}
		heads = append(heads, fmt.Sprintf("%s %s:%d [%s] ", command, c.Feature, lines[golden.Key(c.Feature, c.Scenario)], c.Scenario))
		rules = append(rules, strings.Join(append([]string{c.Severity}, c.Rules...), " "))
		failures = append(failures, "\n"+c.Error)
		if first, _, _ := strings.Cut(c.Error, "\n"); c.Status != "unexpected_pass" && !strings.Contains(first, "want") {
			t.Errorf("%s: the failure's first line %q says no got/want", c.Scenario, first)
		}
	}
	if len(heads) == 0 {
		t.Fatalf("the run had no failure or warning: this check proves nothing")
	}
	matched := len(got) == len(heads)
	for i := 0; matched && i < len(got); i++ {
		matched = strings.HasPrefix(got[i], heads[i]+"rule: ") && strings.Contains(got[i], rules[i]) && strings.HasSuffix(got[i], failures[i])
	}
	if !matched {
		t.Errorf("annotations read back:\n%s\nwant, each naming its rule (%q...) and ending with the failure:\n%s", strings.Join(got, "\n"), rules[0], strings.Join(heads, "\n"))
	}
}
