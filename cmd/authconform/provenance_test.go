package main

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/authconform/authconform"
	"github.com/authconform/authconform/internal/expect"
	"github.com/authconform/authconform/internal/schema"
)

// TestVersionInEveryReport verifies the line -version prints appears,
// identical, in the HTML report, the JUnit properties and the summary,
// and that the summary validates against its schema.
func TestVersionInEveryReport(t *testing.T) {
	t.Parallel() // a run with a server of its own
	v := runCLI(t, nil, "-version")
	line := strings.TrimSpace(v.stdout)
	if v.code != 0 || !strings.HasPrefix(line, "authconform ") || !strings.Contains(line, "suite sha256:") {
		t.Fatalf("-version: exit %d, %q; want exit 0 and the stamp", v.code, v.stdout)
	}
	dir := t.TempDir()
	files := map[string]string{"html": filepath.Join(dir, "r.html"), "junit": filepath.Join(dir, "j.xml"), "json": filepath.Join(dir, "s.json")}
	r := runCLI(t, nil, "-quiet", "-format", "progress,html:"+files["html"]+",junit:"+files["junit"]+",json:"+files["json"])
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(files[name])
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if page := string(read("html")); !strings.Contains(page, html.EscapeString(line)) {
		t.Errorf("the HTML report does not carry %q", line)
	}
	var junit struct {
		Suites []struct {
			Props []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(read("junit"), &junit); err != nil || len(junit.Suites) == 0 {
		t.Fatalf("JUnit: %v", err)
	}
	found := false
	for _, p := range junit.Suites[0].Props {
		found = found || p.Name == "tool" && p.Value == line
	}
	if !found {
		t.Errorf("JUnit properties %+v carry no tool property %q", junit.Suites[0].Props, line)
	}
	summary := read("json")
	var s struct{ Stamp string }
	if err := json.Unmarshal(summary, &s); err != nil || s.Stamp != line {
		t.Errorf("summary stamp = %q (%v); want %q", s.Stamp, err, line)
	}
	validateSummaryFile(t, summary)
}

func validateSummaryFile(t *testing.T, b []byte) {
	t.Helper()
	reg, err := schema.Load(authconform.Files, "schemas/report")
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Validate("run_summary", b); err != nil {
		t.Errorf("summary does not match schemas/report/run_summary.json: %v", err)
	}
}

// TestDiffNamesWhatAFaultBreaks verifies `authconform diff` of a clean run
// and a faulty one names exactly the scenarios the fault fails, and exits
// 1 because MUST cases regressed; the reverse diff calls them fixed.
func TestDiffNamesWhatAFaultBreaks(t *testing.T) {
	t.Parallel() // a run with a server of its own
	dir := t.TempDir()
	clean, faulty := filepath.Join(dir, "clean.json"), filepath.Join(dir, "faulty.json")
	if r := runCLI(t, nil, "-quiet", "-format", "progress,json:"+clean); r.code != 0 {
		t.Fatalf("clean run: exit %d\n%s", r.code, r.stderr)
	}
	r := runCLI(t, nil, "-quiet", "-embedded-fault", "token-type-mac", "-format", "progress,json:"+faulty)
	if r.code != 1 {
		t.Fatalf("faulty run: exit %d; want 1", r.code)
	}
	var s struct {
		Cases []struct{ ID, Scenario, Status, Error string }
	}
	b, _ := os.ReadFile(faulty)
	validateSummaryFile(t, b)
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	var failed []struct{ ID, Scenario, Status, Error string }
	for _, c := range s.Cases {
		if c.ID == "" {
			t.Errorf("summary case %q has no id", c.Scenario)
		}
		if c.Status == "failed" {
			failed = append(failed, c)
		}
	}
	d := runCLI(t, nil, "diff", clean, faulty)
	if d.code != 1 {
		t.Errorf("diff exit = %d; want 1 (a MUST case regressed)\n%s", d.code, d.stdout)
	}
	if !strings.Contains(d.stdout, "New failures ("+strconv.Itoa(len(failed))+"):") || len(failed) == 0 {
		t.Errorf("diff does not list the %d failures:\n%s", len(failed), d.stdout)
	}
	for _, c := range failed {
		// Each new failure, then its error's first line, indented.
		first, _, _ := strings.Cut(c.Error, "\n")
		if r := []rune(first); len(r) > 60 {
			first = string(r[:60]) // the diff cuts long lines
		}
		if !strings.Contains(d.stdout, c.Scenario+": passed → failed\n      "+first) || first == "" {
			t.Errorf("diff does not name %q with its error %q:\n%s", c.Scenario, first, d.stdout)
		}
	}
	back := runCLI(t, nil, "diff", faulty, clean)
	if back.code != 0 || !strings.Contains(back.stdout, "Fixed ("+strconv.Itoa(len(failed))+"):") {
		t.Errorf("reverse diff: exit %d; want 0 and the fixes:\n%s", back.code, back.stdout)
	}
	if bad := runCLI(t, nil, "diff", clean); bad.code != 2 {
		t.Errorf("diff with one file: exit %d; want 2", bad.code)
	}
}

// TestUpdateExpectFailures verifies a baseline written from a faulty run
// makes the next faulty run pass, and one written from a clean run empties
// it again.
func TestUpdateExpectFailures(t *testing.T) {
	t.Parallel() // a run with a server of its own
	known := filepath.Join(t.TempDir(), "known.json")
	if r := runCLI(t, nil, "-quiet", "-format", "progress", "-embedded-fault", "token-type-mac", "-update-expect-failures", known); r.code != 1 {
		t.Fatalf("recording run: exit %d; want 1 (it failed)\n%s", r.code, r.stderr)
	}
	b, _ := os.ReadFile(known)
	if !strings.Contains(string(b), "recorded by -update-expect-failures") || !strings.Contains(string(b), `token_type = \"mac\"`) {
		t.Fatalf("baseline does not record the failures and their error:\n%s", b)
	}
	list, err := expect.Load(known)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range list {
		if f.ID == "" || f.Scenario != "" {
			t.Errorf("baseline entry %+v; want it by id alone", f)
		}
	}
	if r := runCLI(t, nil, "-quiet", "-format", "progress", "-embedded-fault", "token-type-mac", "-expect-failures", known); r.code != 0 {
		t.Errorf("run with the baseline: exit %d; want 0\n%s", r.code, r.stdout)
	}
	runCLI(t, nil, "-quiet", "-format", "progress", "-expect-failures", known, "-update-expect-failures", known)
	if list, err := expect.Load(known); err != nil || len(list) != 0 {
		t.Errorf("after a clean run the baseline lists %d scenarios (%v); want none", len(list), err)
	}
}
